"""Genesis: defaults, validation, and export -> import -> identical queries and state
(docs/identity-policy.md docs/identity-policy.md fix 8 of docs/COMPATIBILITY.md)."""

from __future__ import annotations

import json

import pytest

from zrchain.codec.gen.zrchain.identity import query_pb2 as iq
from zrchain.codec.gen.zrchain.identity import tx_pb2 as itx
from zrchain.codec.gen.zrchain.policy import query_pb2 as pq
from zrchain.codec.gen.zrchain.policy import tx_pb2 as ptx
from zrchain.codec.json import to_dict
from zrchain.context import Mode
from zrchain.testing.identity_policy import (
    IQ,
    PQ,
    approve,
    module_state,
    new_keyring,
    new_policy,
    new_workspace,
    ok,
)
from zrchain.testing.inproc import make_chain
from zrchain.x.identity import genesis as igen
from zrchain.x.policy import genesis as pgen


def test_defaults() -> None:
    assert igen.default() == {
        "params": {"keyring_creation_fee": "10000000000"},
        "port_id": "identity",
        "keyrings": [],
        "workspaces": [],
    }
    assert pgen.default() == {
        "params": {"minimum_btl": "10", "default_btl": "1000"},
        "port_id": "policy",
        "policies": [],
        "actions": [],
        "sign_methods": [],
    }


@pytest.mark.parametrize("port", ["", "a", "bad port", "x" * 129])
def test_invalid_port_ids(port: str) -> None:
    with pytest.raises(ValueError, match="port id"):
        igen.validate({**igen.default(), "port_id": port})
    with pytest.raises(ValueError, match="port id"):
        pgen.validate({**pgen.default(), "port_id": port})


def test_duplicates_rejected() -> None:
    ws = {"address": "workspace10j06zdk5gyl6v9ekzwem0v", "creator": "x", "owners": ["x"]}
    with pytest.raises(ValueError, match="duplicate workspace"):
        igen.validate({**igen.default(), "workspaces": [ws, ws]})
    pol = {"id": "1", "name": "p"}
    with pytest.raises(ValueError, match="duplicate policy id 1"):
        pgen.validate({**pgen.default(), "policies": [pol, pol]})


def _populate(chain) -> None:
    """Workspaces with children, keyrings, policies and actions in every status."""
    a, b, c = (chain.wallets[n] for n in ("alice", "bob", "carol"))
    both = new_policy(chain, a, f"{a.address} + {b.address} > 1", [a.address, b.address], btl=10)
    ws = new_workspace(chain, a, b.address, admin=both)
    new_workspace(chain, c)
    kr = new_keyring(chain, a, description="genesis")
    ok(chain.run(a, [itx.MsgAddKeyringParty(creator=a.address, keyring_addr=kr, party=c.address)]))
    add = itx.MsgAddWorkspaceOwner(creator=a.address, workspace_addr=ws, new_owner=c.address)
    ok(chain.run(a, [add]))  # action 1: completed below
    ok(approve(chain, b, 1))
    ok(chain.run(a, [itx.MsgNewChildWorkspace(creator=a.address, parent_workspace_addr=ws)]))
    ok(chain.run(a, [ptx.MsgRevokeAction(creator=a.address, action_id=2)]))  # action 2: revoked
    ok(
        chain.run(
            a, [itx.MsgNewChildWorkspace(creator=a.address, parent_workspace_addr=ws, btl=10)]
        )
    )
    chain.blocks(11)  # action 3 times out at the end of its BTL block
    ok(
        chain.run(
            a, [itx.MsgNewChildWorkspace(creator=a.address, parent_workspace_addr=ws, btl=500)]
        )
    )
    assert [x.status for x in _all(chain)] == [
        "ACTION_STATUS_COMPLETED",
        "ACTION_STATUS_REVOKED",
        "ACTION_STATUS_TIMEOUT",
        "ACTION_STATUS_PENDING",
    ]


def _all(chain):
    return chain.q(PQ + "Actions", pq.QueryActionsRequest(), pq.QueryActionsResponse).actions


QUERIES = [
    (IQ + "Workspaces", iq.QueryWorkspacesRequest(), iq.QueryWorkspacesResponse),
    (IQ + "Keyrings", iq.QueryKeyringsRequest(), iq.QueryKeyringsResponse),
    (IQ + "Params", iq.QueryParamsRequest(), iq.QueryParamsResponse),
    (PQ + "Actions", pq.QueryActionsRequest(), pq.QueryActionsResponse),
    (PQ + "Policies", pq.QueryPoliciesRequest(), pq.QueryPoliciesResponse),
    (PQ + "Params", pq.QueryParamsRequest(), pq.QueryParamsResponse),
]


def _answers(chain) -> list[dict]:
    return [to_dict(chain.q(path, req, cls)) for path, req, cls in QUERIES]


def test_export_import_round_trip(chain, tmp_path) -> None:
    _populate(chain)
    exported = chain.app.export_genesis()
    state = {"identity": exported["identity"], "policy": exported["policy"]}
    json.dumps(state)  # plain JSON

    def imported(full: dict) -> None:
        full.update(json.loads(json.dumps(state)))

    twins = [make_chain(tmp_path / f"b{i}", {"x": "1urock"}, app_state=imported) for i in (1, 2)]
    try:
        b = twins[0]
        assert _answers(b) == _answers(chain)
        assert module_state(b) == module_state(chain)  # every key and value, counters included
        again = b.app.export_genesis()
        assert {"identity": again["identity"], "policy": again["policy"]} == state
        assert twins[0].app.store.app_hash == twins[1].app.store.app_hash
        # the imported pending action keeps its expiry, and ids continue after the import
        pending = [x for x in _all(b) if x.status == "ACTION_STATUS_PENDING"]
        assert [x.id for x in pending] == [4]
        kb = b.app.registry.module("policy").keeper
        ctx = b.app.context(b.app.store.version().kv, Mode.QUERY)
        assert kb.action_count(ctx) == 4
        assert kb.expiring(ctx, pending[0].btl) == [(pending[0].btl, 4)]
    finally:
        for t in twins:
            t.app.close()


def test_import_sets_counters_to_max_id(tmp_path) -> None:
    """Policies {2, 3}: zrChain's count = 2 would overwrite policy 3; ours continues at 4."""
    pol = {
        "@type": "/zrchain.policy.BoolparserPolicy",
        "definition": "zen10xcqpzrky6eff2g52qdye53xkk9jxkvrmdgavj > 0",
        "participants": [
            {"abbreviation": "", "address": "zen10xcqpzrky6eff2g52qdye53xkk9jxkvrmdgavj"}
        ],
    }

    def g(full: dict) -> None:
        full["policy"]["policies"] = [
            {"creator": "c", "id": "2", "name": "two", "policy": pol, "btl": "10"},
            {"creator": "c", "id": "3", "name": "three", "policy": pol, "btl": "10"},
        ]

    c = make_chain(tmp_path / "db", {"alice": "100000000000urock"}, app_state=g)
    try:
        a = c.wallets["alice"]
        assert new_policy(c, a, f"{a.address} > 0", [a.address]) == 4
        got = c.q(PQ + "PolicyById", pq.QueryPolicyByIdRequest(id=3), pq.QueryPolicyByIdResponse)
        assert got.policy.policy.name == "three"
    finally:
        c.app.close()
