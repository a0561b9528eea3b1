"""Workspace Msgs on an in-process chain: success paths, every listed error, and the policy
engine in the loop (docs/identity-policy.md)."""

from __future__ import annotations

from zrchain.codec.gen.zrchain.identity import tx_pb2 as itx
from zrchain.codec.gen.zrchain.identity import workspace_pb2
from zrchain.codec.gen.zrchain.policy.tx_pb2 import MsgApproveActionResponse as _ApproveResp
from zrchain.codec.json import to_dict
from zrchain.testing.identity_policy import (
    action,
    actions,
    approve,
    events,
    fails,
    module_state,
    new_policy,
    new_workspace,
    ok,
    response,
    workspace,
)
from zrchain.testing.inproc import make_chain
from zrchain.x.identity.types import workspace_address

IDENTITY = "identity"
UNDEFINED = "undefined"


def two_of_two(chain, a, b) -> int:
    return new_policy(chain, a, f"{a.address} + {b.address} > 1", [a.address, b.address])


# -- NewWorkspace ------------------------------------------------------------------------------
def test_new_workspace_first_address_owners_and_event(chain) -> None:
    a, b, c = (chain.wallets[n] for n in ("alice", "bob", "carol"))
    res = ok(
        chain.run(
            a, [itx.MsgNewWorkspace(creator=a.address, additional_owners=[b.address, c.address])]
        )
    )
    addr = response(res, itx.MsgNewWorkspaceResponse).addr
    assert addr == "workspace10j06zdk5gyl6v9ekzwem0v"
    assert events(res, "new_workspace") == [{"workspace_addr": addr}]
    ws = workspace(chain, addr)
    assert list(ws.owners) == [a.address, b.address, c.address]
    assert ws.creator == a.address and list(ws.child_workspaces) == []
    assert to_dict(ws)["admin_policy_id"] == "0"
    assert new_workspace(chain, a) == workspace_address(2)


def test_new_workspace_duplicate_owner_or_creator_fails(chain) -> None:
    a, b = chain.wallets["alice"], chain.wallets["bob"]
    before = module_state(chain)
    fails(
        chain.run(a, [itx.MsgNewWorkspace(creator=a.address, additional_owners=[a.address])]),
        1505,
        IDENTITY,
        f"owner {a.address} already is owner",
    )
    fails(
        chain.run(
            a, [itx.MsgNewWorkspace(creator=a.address, additional_owners=[b.address, b.address])]
        ),
        1505,
        IDENTITY,
        "already is owner: invalid argument",
    )
    assert module_state(chain) == before


def test_new_workspace_policy_must_exist_and_have_owner_participants(chain) -> None:
    a, b = chain.wallets["alice"], chain.wallets["bob"]
    fails(
        chain.run(a, [itx.MsgNewWorkspace(creator=a.address, admin_policy_id=7)]),
        1,
        UNDEFINED,
        "collections: not found",
    )
    pid = two_of_two(chain, a, b)
    fails(
        chain.run(a, [itx.MsgNewWorkspace(creator=a.address, sign_policy_id=pid)]),
        1,
        UNDEFINED,
        f"policy participant {b.address} is not an owner of the workspace",
    )
    addr = new_workspace(chain, a, b.address, admin=pid, sign=pid)
    ws = workspace(chain, addr)
    assert (ws.admin_policy_id, ws.sign_policy_id) == (pid, pid)


# -- AddWorkspaceOwner ---------------------------------------------------------------------------
def test_add_owner_default_policy_executes_at_once(chain) -> None:
    a, b = chain.wallets["alice"], chain.wallets["bob"]
    ws = new_workspace(chain, a)
    msg = itx.MsgAddWorkspaceOwner(
        creator=a.address, workspace_addr=ws, new_owner=b.address, btl=1000
    )
    res = ok(chain.run(a, [msg]))
    assert events(res, "add_owner_to_workspace") == [{"action_id": "1"}]
    assert events(res, "owner_added_to_workspace") == [
        {"workspace_addr": ws, "owner_addr": b.address}
    ]
    assert events(res, "new_action") == []  # generated (id 0) policy: no per-participant events
    assert list(workspace(chain, ws).owners) == [a.address, b.address]
    act = action(chain, 1)
    assert act.btl == chain.height + 1000 and act.status == 2  # COMPLETED
    assert list(act.approvers) == [a.address]


def test_add_owner_errors(chain) -> None:
    a, b, c = (chain.wallets[n] for n in ("alice", "bob", "carol"))
    ws = new_workspace(chain, a, b.address)
    before = module_state(chain)
    unknown = workspace_address(99)
    fails(
        chain.run(
            a,
            [
                itx.MsgAddWorkspaceOwner(
                    creator=a.address, workspace_addr=unknown, new_owner=c.address
                )
            ],
        ),
        1503,
        IDENTITY,
        f"workspace {unknown} not found: not found",
    )
    fails(
        chain.run(
            c, [itx.MsgAddWorkspaceOwner(creator=c.address, workspace_addr=ws, new_owner=c.address)]
        ),
        1505,
        IDENTITY,
        f"tx creator {c.address} is not owner of the workspace",
    )
    fails(
        chain.run(
            a, [itx.MsgAddWorkspaceOwner(creator=a.address, workspace_addr=ws, new_owner=b.address)]
        ),
        1505,
        IDENTITY,
        f"new owner {a.address} is already an owner of the workspace",  # sic: the creator
    )
    assert module_state(chain) == before


def test_two_of_two_admin_policy_needs_both_approvals(chain) -> None:
    """docs/identity-policy.md: the creator's Msg only creates a PENDING action; the second
    owner's approval executes it and emits owner_added_to_workspace in that tx."""
    a, b, c = (chain.wallets[n] for n in ("alice", "bob", "carol"))
    pid = two_of_two(chain, a, b)
    ws = new_workspace(chain, a, b.address, admin=pid)
    res = ok(
        chain.run(
            a, [itx.MsgAddWorkspaceOwner(creator=a.address, workspace_addr=ws, new_owner=c.address)]
        )
    )
    assert msg_empty(res)
    assert events(res, "owner_added_to_workspace") == []
    assert events(res, "new_action") == [
        {"action_id": "1", "participant_addr": a.address},
        {"action_id": "1", "participant_addr": b.address},
    ]
    assert list(workspace(chain, ws).owners) == [a.address, b.address]
    pending = actions(chain, status=1).actions
    assert [x.id for x in pending] == [1] and pending[0].status == "ACTION_STATUS_PENDING"
    assert list(pending[0].approvers) == [a.address]
    # the creator approving again changes nothing
    assert response(approve(chain, a, 1), _ApproveResp).status == "ACTION_STATUS_PENDING"
    res = approve(chain, b, 1)
    assert response(res, _ApproveResp).status == "ACTION_STATUS_COMPLETED"
    assert events(res, "owner_added_to_workspace") == [
        {"workspace_addr": ws, "owner_addr": c.address}
    ]
    assert list(workspace(chain, ws).owners) == [a.address, b.address, c.address]
    assert list(action(chain, 1).approvers) == [a.address, b.address]


def test_failed_execution_reverts_the_approval(chain) -> None:
    """docs/identity-policy.md: two pending actions add the same owner; once the first executes, the
    approval that would execute the second fails and leaves it PENDING, approvers as before."""
    a, b, c = (chain.wallets[n] for n in ("alice", "bob", "carol"))
    pid = two_of_two(chain, a, b)
    ws = new_workspace(chain, a, b.address, admin=pid)
    add = itx.MsgAddWorkspaceOwner(creator=a.address, workspace_addr=ws, new_owner=c.address)
    ok(chain.run(a, [add]))
    ok(chain.run(a, [add]))
    ok(approve(chain, b, 1))
    before = module_state(chain)
    fails(approve(chain, b, 2), 1505, IDENTITY, f"owner {c.address} already is owner")
    assert module_state(chain) == before
    act = action(chain, 2)
    assert act.status == 1 and list(act.approvers) == [a.address]


# -- RemoveWorkspaceOwner ------------------------------------------------------------------------
def test_remove_owner_other_and_self(chain) -> None:
    a, b, c = (chain.wallets[n] for n in ("alice", "bob", "carol"))
    ws = new_workspace(chain, a, b.address, c.address)
    ok(
        chain.run(
            a, [itx.MsgRemoveWorkspaceOwner(creator=a.address, workspace_addr=ws, owner=b.address)]
        )
    )
    assert list(workspace(chain, ws).owners) == [a.address, c.address]
    ok(
        chain.run(
            a, [itx.MsgRemoveWorkspaceOwner(creator=a.address, workspace_addr=ws, owner=a.address)]
        )
    )
    assert list(workspace(chain, ws).owners) == [c.address]


def test_remove_owner_errors(chain) -> None:
    a, b, c, d = (chain.wallets[n] for n in ("alice", "bob", "carol", "dave"))
    solo = new_workspace(chain, a)
    before = module_state(chain)
    fails(
        chain.run(
            a,
            [itx.MsgRemoveWorkspaceOwner(creator=a.address, workspace_addr=solo, owner=a.address)],
        ),
        1505,
        IDENTITY,
        f"cannot remove last owner {a.address}",
    )
    assert module_state(chain) == before
    pid = two_of_two(chain, a, b)
    ws = new_workspace(chain, a, b.address, c.address, sign=pid)
    fails(
        chain.run(
            a, [itx.MsgRemoveWorkspaceOwner(creator=a.address, workspace_addr=ws, owner=b.address)]
        ),
        1505,
        IDENTITY,
        f"user {b.address} is used in signpolicy of workspace {ws}",
    )
    fails(
        chain.run(
            d, [itx.MsgRemoveWorkspaceOwner(creator=d.address, workspace_addr=ws, owner=c.address)]
        ),
        1505,
        IDENTITY,
        f"creator {d.address} is not a creator of the workspace",
    )
    fails(
        chain.run(
            a, [itx.MsgRemoveWorkspaceOwner(creator=a.address, workspace_addr=ws, owner=d.address)]
        ),
        1505,
        IDENTITY,
        f"owner {d.address} is not an owner of the workspace {ws}",
    )
    unknown = workspace_address(42)
    fails(
        chain.run(
            a,
            [
                itx.MsgRemoveWorkspaceOwner(
                    creator=a.address, workspace_addr=unknown, owner=c.address
                )
            ],
        ),
        1503,
        IDENTITY,
        f"workspace {unknown} not found",
    )


# -- AppendChildWorkspace / NewChildWorkspace --------------------------------------------------
def test_append_child_and_errors(chain) -> None:
    a, b = chain.wallets["alice"], chain.wallets["bob"]
    parent, child = new_workspace(chain, a), new_workspace(chain, a)
    other = new_workspace(chain, b)
    msg = itx.MsgAppendChildWorkspace(
        creator=a.address, parent_workspace_addr=parent, child_workspace_addr=child
    )
    ok(chain.run(a, [msg]))
    assert list(workspace(chain, parent).child_workspaces) == [child]
    before = module_state(chain)
    fails(chain.run(a, [msg]), 1505, IDENTITY, f"new child is already a child workspace {child}")
    missing = workspace_address(50)
    for m, code, text in [
        (
            itx.MsgAppendChildWorkspace(
                creator=a.address, parent_workspace_addr=parent, child_workspace_addr=missing
            ),
            1503,
            f"child workspace {missing} not found",
        ),
        (
            itx.MsgAppendChildWorkspace(
                creator=a.address, parent_workspace_addr=missing, child_workspace_addr=child
            ),
            1503,
            f"parent workspace {missing} not found",
        ),
        (
            itx.MsgAppendChildWorkspace(
                creator=a.address, parent_workspace_addr=other, child_workspace_addr=child
            ),
            1505,
            f"creator {a.address} is not an owner of the parent workspace {other}",
        ),
        (
            itx.MsgAppendChildWorkspace(
                creator=a.address, parent_workspace_addr=parent, child_workspace_addr=other
            ),
            1505,
            f"creator {a.address} is not an owner of the child workspace {other}",
        ),
    ]:
        fails(chain.run(a, [m]), code, IDENTITY, text)
    assert module_state(chain) == before


def test_new_child_inherits_policies(chain) -> None:
    a, b = chain.wallets["alice"], chain.wallets["bob"]
    pid = new_policy(chain, a, f"{a.address} > 0", [a.address])
    parent = new_workspace(chain, a, b.address, admin=pid, sign=pid)
    res = ok(
        chain.run(b, [itx.MsgNewChildWorkspace(creator=b.address, parent_workspace_addr=parent)])
    )
    # alice's policy: bob is not a participant, so the action waits for alice
    assert response(res, itx.MsgNewChildWorkspaceResponse).address == ""
    ok(approve(chain, a, 1, action_type="/zrchain.identity.MsgNewChildWorkspace"))
    kids = list(workspace(chain, parent).child_workspaces)
    assert kids == [workspace_address(2)]
    child = workspace(chain, kids[0])
    assert child.creator == b.address and list(child.owners) == [b.address]
    assert (child.admin_policy_id, child.sign_policy_id) == (pid, pid)


def test_new_child_immediate_and_errors(chain) -> None:
    a, c = chain.wallets["alice"], chain.wallets["carol"]
    parent = new_workspace(chain, a)
    res = ok(
        chain.run(a, [itx.MsgNewChildWorkspace(creator=a.address, parent_workspace_addr=parent)])
    )
    assert response(res, itx.MsgNewChildWorkspaceResponse).address == workspace_address(2)
    missing = workspace_address(77)
    fails(
        chain.run(a, [itx.MsgNewChildWorkspace(creator=a.address, parent_workspace_addr=missing)]),
        1505,  # ErrInvalidArgument, not NotFound (as zrChain)
        IDENTITY,
        f"parent workspace {missing} not found",
    )
    fails(
        chain.run(c, [itx.MsgNewChildWorkspace(creator=c.address, parent_workspace_addr=parent)]),
        1505,
        IDENTITY,
        f"creator {c.address} is not an owner of the workspace {parent}",
    )


# -- UpdateWorkspace -------------------------------------------------------------------------------
def test_update_workspace_and_errors(chain) -> None:
    a, b, c = (chain.wallets[n] for n in ("alice", "bob", "carol"))
    p1 = new_policy(chain, a, f"{a.address} > 0", [a.address])
    p2 = two_of_two(chain, a, b)
    p3 = new_policy(chain, a, f"{c.address} > 0", [c.address])
    ws = new_workspace(chain, a, b.address)
    before = module_state(chain)
    cases = [
        (
            itx.MsgUpdateWorkspace(creator=a.address, workspace_addr=ws),
            "no updates to the policies",
        ),
        (
            itx.MsgUpdateWorkspace(creator=a.address, workspace_addr=ws, admin_policy_id=9),
            "collections: not found",
        ),
        (
            itx.MsgUpdateWorkspace(creator=a.address, workspace_addr=ws, sign_policy_id=9),
            "collections: not found",
        ),
        (
            itx.MsgUpdateWorkspace(creator=a.address, workspace_addr=ws, admin_policy_id=p3),
            f"policy participant {c.address} is not an owner of the workspace",
        ),
        (
            itx.MsgUpdateWorkspace(creator=c.address, workspace_addr=ws, admin_policy_id=p1),
            f"creator {c.address} is not an owner of the workspace {ws}",
        ),
        (
            itx.MsgUpdateWorkspace(
                creator=a.address, workspace_addr=workspace_address(9), admin_policy_id=p1
            ),
            f"workspace {workspace_address(9)} not found",
        ),
    ]
    for msg, text in cases:
        w = c if msg.creator == c.address else a
        fails(chain.run(w, [msg]), 1, UNDEFINED, text)
    assert module_state(chain) == before
    ok(
        chain.run(
            a,
            [
                itx.MsgUpdateWorkspace(
                    creator=a.address, workspace_addr=ws, admin_policy_id=p1, sign_policy_id=p2
                )
            ],
        )
    )
    got = workspace(chain, ws)
    assert (got.admin_policy_id, got.sign_policy_id) == (p1, p2)
    # back to the defaults: the current admin policy (p1: alice alone) decides
    ok(chain.run(a, [itx.MsgUpdateWorkspace(creator=a.address, workspace_addr=ws)]))
    got = workspace(chain, ws)
    assert (got.admin_policy_id, got.sign_policy_id) == (0, 0)


# -- genesis-dependent addresses -----------------------------------------------------------------
def test_next_address_after_genesis_with_one_workspace(tmp_path) -> None:
    def one(state: dict) -> None:
        state["identity"]["workspaces"] = [
            to_dict(
                workspace_pb2.Workspace(address=workspace_address(1), creator="x", owners=["x"])
            )
        ]

    c = make_chain(tmp_path / "db", {"alice": "100000000urock"}, app_state=one)
    try:
        a = c.wallets["alice"]
        assert new_workspace(c, a) == workspace_address(2)
    finally:
        c.app.close()


def test_imported_addresses_are_never_overwritten(tmp_path) -> None:
    """zrChain's counter = list length may collide with imported addresses; we skip them."""

    def taken(state: dict) -> None:
        state["identity"]["workspaces"] = [
            to_dict(
                workspace_pb2.Workspace(address=workspace_address(2), creator="x", owners=["x"])
            )
        ]

    c = make_chain(tmp_path / "db", {"alice": "100000000urock"}, app_state=taken)
    try:
        a = c.wallets["alice"]
        assert new_workspace(c, a) == workspace_address(3)  # n=2 is taken
        assert workspace(c, workspace_address(2)).creator == "x"
        assert new_workspace(c, a) == workspace_address(4)
    finally:
        c.app.close()


def msg_empty(res) -> bool:
    return response(res, itx.MsgAddWorkspaceOwnerResponse).ByteSize() == 0
