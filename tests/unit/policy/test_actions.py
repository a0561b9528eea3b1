"""The action engine: BTL rules, expiry at end of block (fix 7 of docs/COMPATIBILITY.md), generated
policies
and the narrow interface other modules use (docs/identity-policy.md)."""

from __future__ import annotations

import pytest
from cosmpy.protos.cosmos.bank.v1beta1 import tx_pb2 as bank_tx

from zrchain.codec.gen.zrchain.identity import tx_pb2 as itx
from zrchain.codec.gen.zrchain.policy import action_pb2
from zrchain.codec.gen.zrchain.policy import query_pb2 as pq
from zrchain.codec.gen.zrchain.policy import tx_pb2 as ptx
from zrchain.codec.gen.zrchain.policy.tx_pb2 import MsgApproveActionResponse as _Resp
from zrchain.context import Mode
from zrchain.errors import ChainError
from zrchain.store.kv import Branch
from zrchain.testing.identity_policy import (
    PQ,
    action,
    actions,
    approve,
    chain,
    fails,
    new_policy,
    new_workspace,
    ok,
    response,
)
from zrchain.x.identity.expected import PolicyGates
from zrchain.x.policy.engine import Engine
from zrchain.x.policy.gate import PolicyGate
from zrchain.x.policy.keeper import PolicyKeeper
from zrchain.x.policy.policies import AnyInGroup

__all__ = ["chain"]
NEW_CHILD = "/zrchain.identity.MsgNewChildWorkspace"


def _ctx(chain, height: int | None = None):
    return chain.app.context(
        Branch(chain.app.store.pending),
        Mode.FINALIZE,
        height=chain.height + 1 if height is None else height,
    )


def test_engine_implements_the_protocol(chain) -> None:
    engine: PolicyGates = chain.app.registry.module("policy").engine
    assert isinstance(engine, Engine)


@pytest.mark.parametrize(
    ("req", "pol", "want"), [(123, 1234, 123), (0, 1234, 1234), (0, 0, 1000), (1, 1234, 10)]
)
def test_checked_btl_table(chain, req: int, pol: int, want: int) -> None:
    engine = chain.app.registry.module("policy").engine
    assert engine.checked_btl(_ctx(chain), req, pol) == want


def _pending_child(chain, btl: int = 0) -> tuple[str, int]:
    a, b = chain.wallets["alice"], chain.wallets["bob"]
    pid = new_policy(chain, a, f"{a.address} + {b.address} > 1", [a.address, b.address])
    ws = new_workspace(chain, a, b.address, admin=pid)
    msg = itx.MsgNewChildWorkspace(creator=a.address, parent_workspace_addr=ws, btl=btl)
    ok(chain.run(a, [msg]))
    return ws, int(actions(chain).actions[-1].id)


def test_expiry_at_end_of_block(chain) -> None:
    """Approvals are accepted up to height == btl; the end of block btl times the action out
    and emits action_timeout; later approvals fail with 'action not pending'."""
    _ws, aid = _pending_child(chain, btl=10)
    act = action(chain, aid)
    assert act.btl == chain.height + 10
    while chain.height < act.btl - 1:
        chain.block([])
    # block `btl`: an approval in it is still accepted ...
    res = chain.block(
        [
            chain.tx(
                chain.wallets["alice"],
                [_approve_msg(chain, "alice", aid)],
                fee="40000urock",
                gas=400_000,
            )
        ]
    )
    assert chain.height == act.btl
    assert res.tx_results[0].code == 0, res.tx_results[0].log
    chain.wallets["alice"].sequence += 1
    # ... and the end of that same block expires it
    timeouts = [e for e in res.events if e.type == "action_timeout"]
    assert [{a.key: a.value for a in e.attributes} for e in timeouts] == [
        {"action_id": str(aid), "action_type": NEW_CHILD, "btl": str(act.btl)}
    ]
    assert action(chain, aid).status == action_pb2.ACTION_STATUS_TIMEOUT
    listed = actions(chain, status=action_pb2.ACTION_STATUS_TIMEOUT).actions
    assert [x.id for x in listed] == [aid] and listed[0].status == "ACTION_STATUS_TIMEOUT"
    fails(
        approve(chain, chain.wallets["bob"], aid, action_type=NEW_CHILD),
        1,
        "undefined",
        "action not pending ACTION_STATUS_TIMEOUT",
    )


def _approve_msg(chain, who: str, aid: int):
    return ptx.MsgApproveAction(
        creator=chain.wallets[who].address, action_type=NEW_CHILD, action_id=aid
    )


def test_expiry_reads_only_due_entries(chain) -> None:
    """The index is keyed by expiry height: the sweep of a block sees only what is due."""
    a, b = chain.wallets["alice"], chain.wallets["bob"]
    pid = new_policy(chain, a, f"{a.address} + {b.address} > 1", [a.address, b.address])
    ws = new_workspace(chain, a, b.address, admin=pid)
    msgs = [
        itx.MsgNewChildWorkspace(creator=a.address, parent_workspace_addr=ws, btl=500 + i)
        for i in range(30)
    ]
    msgs.append(itx.MsgNewChildWorkspace(creator=a.address, parent_workspace_addr=ws, btl=12))
    ok(chain.run(a, msgs, gas=5_000_000))
    k: PolicyKeeper = chain.app.registry.module("policy").keeper
    ctx = _ctx(chain)
    due = k.expiring(ctx, chain.height + 12)
    assert [aid for _, aid in due] == [31]
    assert len(k.expiring(ctx, chain.height + 600)) == 31
    chain.blocks(12)
    assert action(chain, 31).status == action_pb2.ACTION_STATUS_TIMEOUT
    assert len(k.expiring(_ctx(chain), chain.height + 600)) == 30  # entry dropped on TIMEOUT
    ok(approve(chain, b, 1, action_type=NEW_CHILD))  # executes: entry dropped on COMPLETED
    assert len(k.expiring(_ctx(chain), chain.height + 600)) == 29


def test_imported_expired_action_times_out_in_first_block(chain) -> None:
    """Lazy zrChain behaviour still holds for an action found expired by MsgApproveAction
    (possible only if the sweep never saw it, e.g. a stale index)."""
    ws, aid = _pending_child(chain, btl=50)
    k: PolicyKeeper = chain.app.registry.module("policy").keeper
    engine = chain.app.registry.module("policy").engine
    ctx = _ctx(chain, height=chain.height + 100)
    b = chain.wallets["bob"]
    assert engine.approve(ctx, b.address, NEW_CHILD, aid) == "ACTION_STATUS_TIMEOUT"
    assert k.get_action(ctx, aid).status == action_pb2.ACTION_STATUS_TIMEOUT
    assert ws


def test_generated_policy_reads_owners_at_evaluation_time(chain) -> None:
    a, b = chain.wallets["alice"], chain.wallets["bob"]
    ws = new_workspace(chain, a, b.address)
    engine = chain.app.registry.module("policy").engine
    ctx = _ctx(chain)
    msg = itx.MsgNewChildWorkspace(creator=a.address, parent_workspace_addr=ws)
    res = engine.submit(ctx, msg, policy_id=0, btl=0, owners=[a.address, b.address])
    assert res.address  # the creator is an owner: the generated policy is met at once
    act = engine.k.get_action(ctx, engine.k.action_count(ctx))
    pol = engine.policy_for_action(ctx, act)
    assert isinstance(pol, AnyInGroup) and pol.group == (a.address, b.address)
    assert list(act.approvers) == [a.address] and act.btl == ctx.height + 1000
    assert act.status == action_pb2.ACTION_STATUS_COMPLETED
    other = itx.MsgNewChildWorkspace(creator="zen1other", parent_workspace_addr=ws)
    with pytest.raises(ChainError, match="is not an owner of this workspace"):
        engine.submit(ctx, other, policy_id=0, btl=0, owners=[a.address])


def test_any_in_group_semantics() -> None:
    g = AnyInGroup(("x", "y"))
    g.verify(["y"], {})
    with pytest.raises(ChainError, match="no approvers"):
        g.verify([], {})
    with pytest.raises(ChainError, match="approvers are not in the group"):
        g.verify(["z"], {})
    with pytest.raises(ChainError, match="no approvers"):
        AnyInGroup(()).verify([], {})
    with pytest.raises(ChainError, match="approvers are not in the group"):
        AnyInGroup(()).verify(["x"], {})
    with pytest.raises(ChainError, match="address not in this policy"):
        g.address_to_participant("z")


def test_a_msg_that_is_not_policy_gated_cannot_be_submitted(chain) -> None:
    engine = chain.app.registry.module("policy").engine
    msg = bank_tx.MsgSend(from_address=chain.wallets["alice"].address)
    with pytest.raises(ChainError, match="is not policy-gated"):
        engine.submit(_ctx(chain), msg, policy_id=0, btl=0, owners=[msg.from_address])


def test_a_declared_gate_runs_for_another_module(chain) -> None:
    """A module declares a gate for its own Msg type (execute + default policy) once, then
    submits Msgs to it: the interface identity and treasury use. The Msg runs as it was
    handed over, and its policy is evaluated once. (MsgNewPolicy stands in for "another
    module's Msg": nothing gates it.)"""
    engine = chain.app.registry.module("policy").engine
    ran: list[object] = []
    evaluated: list[str] = []

    def execute(ctx, m):
        ran.append(m)
        return ptx.MsgNewPolicyResponse(id=7)

    def default_policy(ctx, m):
        evaluated.append(m.name)
        return AnyInGroup(("o1", "o2"))

    engine.declare(PolicyGate(ptx.MsgNewPolicy, execute, default_policy))
    with pytest.raises(ValueError, match="already policy-gated"):
        engine.declare(PolicyGate(ptx.MsgNewPolicy, execute, default_policy))
    ctx = _ctx(chain)
    msg = ptx.MsgNewPolicy(creator="o1", name="p")
    res = engine.submit(
        ctx, msg, policy_id=0, btl=0, owners=["o1", "o2"], policy_data={"TXVALUE": b"5"}
    )
    assert res == ptx.MsgNewPolicyResponse(id=7) and ran == [msg] and ran[0] is msg
    assert evaluated == ["p"]
    act = engine.k.get_action(ctx, engine.k.action_count(ctx))
    assert [(kv.key, kv.value) for kv in act.policy_data] == [("TXVALUE", b"5")]
    assert act.status == action_pb2.ACTION_STATUS_COMPLETED
    # a creator who is no participant: stored, not executed, the empty response
    res = engine.submit(ctx, ptx.MsgNewPolicy(creator="o3", name="q"), policy_id=0, btl=0,
                        owners=["o3"])
    assert res == ptx.MsgNewPolicyResponse() and len(ran) == 1 and evaluated == ["p", "q"]


def test_actions_query_status_filter(chain) -> None:
    _ws, aid = _pending_child(chain)
    q = chain.q(
        PQ + "Actions",
        pq.QueryActionsRequest(status=action_pb2.ACTION_STATUS_COMPLETED),
        pq.QueryActionsResponse,
    )
    assert q.actions == [] and q.pagination.total == 0
    q = chain.q(
        PQ + "Actions",
        pq.QueryActionsRequest(status=action_pb2.ACTION_STATUS_PENDING),
        pq.QueryActionsResponse,
    )
    assert [x.id for x in q.actions] == [aid]
    st = response(approve(chain, chain.wallets["bob"], aid, action_type=NEW_CHILD), _Resp).status
    assert st == "ACTION_STATUS_COMPLETED"
