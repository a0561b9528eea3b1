"""Query commands built from the Query services keep zrChain's autocli shapes: names in
kebab case, positional arguments from the REST path (or as zrChain lists them), every
other field a flag read by its proto type."""

from __future__ import annotations

from typing import Any

import pytest
from click.testing import CliRunner

from zrchain.cli import autocli
from zrchain.codec.gen.zrchain.policy import query_pb2 as pq
from zrchain.codec.gen.zrchain.treasury import key_pb2, wallet_pb2
from zrchain.codec.gen.zrchain.treasury import query_pb2 as tq
from zrchain.x.policy.cli import query_group as policy_queries
from zrchain.x.treasury.cli import query_group as treasury_queries


@pytest.fixture
def sent(monkeypatch) -> list[Any]:
    """The requests the commands would send (the node is not what is tested here)."""
    out: list[Any] = []
    monkeypatch.setattr(autocli, "run_query", lambda node, req, output, height: out.append(req))
    return out


def _run(group, *args: str) -> Any:
    return CliRunner().invoke(group, list(args), catch_exceptions=False)


def test_every_query_rpc_has_a_command() -> None:
    for group, service in (
        (treasury_queries, tq.DESCRIPTOR.services_by_name["Query"]),
        (policy_queries, pq.DESCRIPTOR.services_by_name["Query"]),
    ):
        assert set(group.commands) == {autocli.kebab(m.name) for m in service.methods}


def test_positional_arguments_and_flags(sent) -> None:
    cmd = treasury_queries.commands["key-by-id"]
    names = [(p.name, type(p).__name__) for p in cmd.params[:3]]
    assert names == [("id", "Argument"), ("wallet_type", "Option"), ("prefixes", "Option")]
    res = _run(treasury_queries, "key-by-id", "5", "--wallet-type", "btc-testnet",
               "--prefixes", "zen, cosmos")  # fmt: skip
    assert res.exit_code == 0, res.output
    assert sent[-1] == tq.QueryKeyByIDRequest(
        id=5, wallet_type=wallet_pb2.WALLET_TYPE_BTC_TESTNET, prefixes=["zen", "cosmos"]
    )
    res = _run(treasury_queries, "key-requests", "--status", "partial", "--page-limit", "2")
    assert res.exit_code == 0, res.output
    assert sent[-1].status == key_pb2.KEY_REQUEST_STATUS_PARTIAL
    assert sent[-1].pagination.limit == 2
    res = _run(treasury_queries, "zr-sign-keys", "0xabc", "--wallet-type", "60")
    assert sent[-1] == tq.QueryZrSignKeysRequest(address="0xabc", walletType="60")
    res = _run(policy_queries, "policies-by-creator", "zen1a,zen1b")  # from the REST path
    assert list(sent[-1].creators) == ["zen1a", "zen1b"]


def test_bad_values_are_clear_errors(sent) -> None:
    res = CliRunner().invoke(treasury_queries, ["key-request-by-id", "x1"])
    assert res.exit_code == 1 and "invalid id 'x1'" in res.output
    res = CliRunner().invoke(treasury_queries, ["key-requests", "--status", "done"])
    assert res.exit_code == 1
    assert "invalid --status 'done': one of unspecified|pending|partial" in res.output
    assert sent == []


def test_validation_queries_keep_zenrockds_names_and_argument_order(sent) -> None:
    """x/validation's derived queries: zenrockd's names (not the RPCs' kebab case) and, for
    one delegation, delegator before validator (the REST path has them the other way)."""
    from zrchain.codec.gen.zrchain.validation import query_pb2 as vq
    from zrchain.x.validation.cli import query_group as validation_queries

    res = _run(validation_queries, "delegation", "zen1del", "zenvaloper1val")
    assert res.exit_code == 0, res.output
    assert sent[-1] == vq.QueryDelegationRequest(
        delegator_addr="zen1del", validator_addr="zenvaloper1val"
    )
    res = _run(validation_queries, "unbonding-delegation", "zen1del", "zenvaloper1val")
    assert sent[-1] == vq.QueryUnbondingDelegationRequest(
        delegator_addr="zen1del", validator_addr="zenvaloper1val"
    )
    res = _run(validation_queries, "delegations-to", "zenvaloper1val", "--page-limit", "3")
    assert res.exit_code == 0, res.output
    assert sent[-1].validator_addr == "zenvaloper1val" and sent[-1].pagination.limit == 3
    res = _run(validation_queries, "unbonding-delegations", "zen1del")
    assert sent[-1] == vq.QueryDelegatorUnbondingDelegationsRequest(delegator_addr="zen1del")
    served = {"validators", "validator", "validator-power", "delegations-to",
              "unbonding-delegations-from", "delegation", "unbonding-delegation", "delegations",
              "unbonding-delegations", "redelegation", "delegator-validators",
              "delegator-validator", "pool", "historical-info", "params"}  # fmt: skip
    assert set(validation_queries.commands) == served
