"""Contract-forwarded x/omni calls (ZrPolicyCreate, ZrKeyPolicySet, ZrActionApproval,
ZrActionRejection) as attested items (kinds 3 and 4): backed by > 2/3 of the power they run
once, through x/omni's handler, as the relayer path's MsgForwardOwnerCall /
MsgForwardApproval with creator = zr_sign_address; the same event seen in another block
(a reorg) is refused by x/omni's forwarded-call record; a call that does not name its own
event is refused; a refused call consumes nothing."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from cosmpy.protos.cosmos.base.query.v1beta1.pagination_pb2 import PageRequest

from tests.unit.attest.helpers import (
    Validator,
    attest_chain,
    ext,
    finalize,
    key_item,
    omni_item,
    process,
)
from zrchain.abci import types as abci
from zrchain.codec.gen.zrchain.omni import tx_pb2 as omni_tx
from zrchain.codec.gen.zrchain.policy import query_pb2 as pq
from zrchain.testing.inproc import Chain
from zrchain.x.attest.codec import KIND_OMNI_APPROVAL, KIND_OMNI_CALL, Extension, Injection, Item

VALS = [Validator(i + 1) for i in range(4)]
ACCEPT = abci.ResponseProcessProposal.ACCEPT


@pytest.fixture
def chain(tmp_path: Any) -> Chain:
    return attest_chain(tmp_path / "app")


def inject(chain: Chain, *items: Item) -> abci.ExecTxResult:
    """Every validator attests ``items``; the proposal is accepted and decided."""
    view = ext(*sorted(items, key=lambda i: i.order))
    votes = tuple(v.sign("zenrock", chain.height, 0, view.encode()) for v in VALS)
    inj = Injection(0, votes, tuple(sorted(items, key=lambda i: (i.order, i.id)))).encode()
    assert process(chain, VALS, [inj]) == ACCEPT
    res = finalize(chain, VALS, [inj]).tx_results[0]
    assert res.code == 0, res.log
    return res


def outcomes(res: abci.ExecTxResult) -> list[tuple[str, str]]:
    out = []
    for e in res.events:
        if e.type == "attested_request":
            attrs = {a.key: a.value for a in e.attributes}
            out.append((attrs["outcome"], attrs["reason"]))
    return out


def policies(chain: Chain) -> list[Any]:
    res = chain.q(
        "/zrchain.policy.Query/Policies",
        pq.QueryPoliciesRequest(pagination=PageRequest(limit=100)),
        pq.QueryPoliciesResponse,
    )
    return list(res.policies)


def cache_id(item: Item) -> bytes:
    cls = (
        omni_tx.MsgForwardApproval
        if item.kind == KIND_OMNI_APPROVAL
        else omni_tx.MsgForwardOwnerCall
    )
    return bytes(cls.FromString(item.msg).cache_id)


def forwarded(chain: Chain, item: Item) -> bool:
    """x/omni's record that the item's event was applied."""
    omni = next(m for m in chain.app.registry.modules if m.name == "omni")
    return bool(omni.keeper.forwarded(chain.app.committed_context(), cache_id(item)))


def test_kinds_name_the_omni_msgs() -> None:
    call, approval = omni_item(3), omni_item(3, 1, op="approve")
    assert (call.kind, approval.kind) == (KIND_OMNI_CALL, KIND_OMNI_APPROVAL)
    assert Extension.decode(ext(call, approval).encode()) == ext(call, approval)
    bad = dataclasses.replace(call, kind=9)
    with pytest.raises(ValueError, match="unknown item kind 9"):
        Item.decode(bad.encode())


def test_an_attested_policy_create_runs_once_as_the_forwarded_call(chain: Chain) -> None:
    item = omni_item(5)
    res = inject(chain, item)
    assert outcomes(res) == [("created", "")]
    ops = [{a.key: a.value for a in e.attributes} for e in res.events if e.type == "evm_operation"]
    assert [o["operation"] for o in ops] == ["new_policy"]
    assert ops[0]["account"].startswith("eip155:31337:0x")  # attributed to the event's network
    assert len(policies(chain)) == 1 and forwarded(chain, item)
    # the same event seen in another block (a reorg the follower lived through): another
    # item, the same cache_id: x/omni applies each event once, as for the relayer path
    again = omni_item(5, fork="'")
    assert again.id != item.id
    res = inject(chain, again)
    [(outcome, reason)] = outcomes(res)
    assert outcome == "refused" and f"cache_id {cache_id(item).hex()} already forwarded" in reason
    assert len(policies(chain)) == 1


def test_calls_and_requests_of_one_block_run_in_log_order(chain: Chain) -> None:
    key, call = key_item(6, 0), omni_item(6, 1)
    res = inject(chain, key, call)
    assert [o for o, _ in outcomes(res)] == ["refused", "created"]  # no MPC keyring here
    assert len(policies(chain)) == 1


@pytest.mark.parametrize(
    "op, error",
    [
        ("approve", "action 7 not found"),
        ("reject", "action 7 not found"),
        ("set_key_policy", "zrSign workspace"),
    ],
)
def test_a_refused_forward_is_reported_and_consumes_nothing(
    chain: Chain, op: str, error: str
) -> None:
    item = omni_item(5, op=op)
    res = inject(chain, item)
    [(outcome, reason)] = outcomes(res)
    assert outcome == "refused" and error in reason, reason
    assert not forwarded(chain, item)  # the handler's writes are dropped with its branch
    assert chain.app.attestation is not None
    ctx = chain.app.committed_context()
    assert chain.app.attestation.module.keeper.ingested(ctx, item.id)  # but never retried
    assert list(chain.app.attestation.module.keeper.deferred(ctx)) == []


@pytest.mark.parametrize(
    "edit, why",
    [
        ({"cache_id": bytes(32)}, "cache_id is not its event's"),
        ({"caip2": "eip155:1"}, "names network 'eip155:1'"),
    ],
)
def test_a_forward_that_does_not_name_its_own_event_is_refused(
    chain: Chain, edit: dict[str, Any], why: str
) -> None:
    good = omni_item(5)
    msg = omni_tx.MsgForwardOwnerCall.FromString(good.msg)
    for k, v in edit.items():
        setattr(msg, k, v)
    item = dataclasses.replace(good, msg=msg.SerializeToString())
    res = inject(chain, item)
    [(outcome, reason)] = outcomes(res)
    assert outcome == "refused" and why in reason, reason
    assert policies(chain) == []
