"""policy Msgs on an in-process chain: NewPolicy, RevokeAction, ApproveAction, multi-grants,
params; every listed error (docs/identity-policy.md)."""

from __future__ import annotations

from typing import Any

import pytest
from cosmpy.protos.cosmos.authz.v1beta1 import authz_pb2
from cosmpy.protos.cosmos.authz.v1beta1 import query_pb2 as aq
from cosmpy.protos.cosmos.authz.v1beta1 import tx_pb2 as atx
from google.protobuf.any_pb2 import Any as AnyProto

from zrchain.codec.any import pack
from zrchain.codec.gen.zrchain.identity import query_pb2 as iq
from zrchain.codec.gen.zrchain.identity import tx_pb2 as itx
from zrchain.codec.gen.zrchain.policy import params_pb2
from zrchain.codec.gen.zrchain.policy import query_pb2 as pq
from zrchain.codec.gen.zrchain.policy import tx_pb2 as ptx
from zrchain.context import Mode
from zrchain.errors import ChainError
from zrchain.store.kv import Branch
from zrchain.testing.identity_policy import (
    ADD_OWNER_URL,
    IQ,
    PQ,
    action,
    approve,
    bool_policy,
    chain,
    events,
    fails,
    free_chain,
    module_state,
    new_policy,
    new_workspace,
    ok,
    response,
)
from zrchain.x.policy.types import GOV_AUTHORITY

__all__ = ["chain", "free_chain"]
UNDEF = "undefined"


def _policy(chain, pid: int):
    return chain.q(
        PQ + "PolicyById", pq.QueryPolicyByIdRequest(id=pid), pq.QueryPolicyByIdResponse
    ).policy.policy


@pytest.mark.parametrize(("btl", "stored"), [(0, 1000), (1, 10), (100, 100)])
def test_new_policy_btl(chain, btl: int, stored: int) -> None:
    a = chain.wallets["alice"]
    pid = new_policy(chain, a, f"{a.address} > 0", [a.address], btl=btl)
    p = _policy(chain, pid)
    assert (p.id, p.btl, p.creator) == (pid, stored, a.address)
    assert p.policy.type_url == "/zrchain.policy.BoolparserPolicy"


def test_new_policy_creator_need_not_participate(chain) -> None:
    a, b = chain.wallets["alice"], chain.wallets["bob"]
    assert new_policy(chain, a, f"{b.address} > 0", [b.address]) == 1


def test_new_policy_rejects_malformed_definitions(chain) -> None:
    a, b = chain.wallets["alice"], chain.wallets["bob"]
    A, B = a.address, b.address
    before = module_state(chain)
    cases = [
        (f"{A} + u2 > 1", [A], "number of participants is less than the approver number"),
        (f"{A} > 0", [A, B], f"participant {B} not found in expression"),
        (f"{A} > 1", [A], "number of participants is less than the approver number"),
        (f"{A} + {A} > 0", [A, A], f"duplicate address for {A}"),
        ("some-invalid-address > 0", ["some-invalid-address"], "invalid address"),
        (f"({A} + {B} > 1)", [A, B], "error converting"),
        (f"{A} + {B}", [A, B], "error converting"),
        (f"{A} > 0", [], "no participants"),
        ("", [A], "no definition"),
        (f"{A} + {B} > 1 + (", [A, B], "error parsing definition"),  # zrChain hangs here
        (f"{A} / {B} > 0", [A, B], "error parsing definition"),  # zrChain crashes on '/'
    ]
    for definition, participants, text in cases:
        msg = ptx.MsgNewPolicy(
            creator=A, name="x", policy=pack(bool_policy(definition, participants))
        )
        fails(chain.run(a, [msg]), 1, UNDEF, text)
    fails(
        chain.run(a, [ptx.MsgNewPolicy(creator=A, name="n" * 256)]),
        18,
        "sdk",
        "invalid name, max len 255",
    )
    wrong = ptx.MsgNewPolicy(creator=A, name="x", policy=pack(ptx.MsgRevokeAction()))
    fails(chain.run(a, [wrong]), 1, UNDEF, "no concrete type registered for type URL")
    fails(chain.run(a, [ptx.MsgNewPolicy(creator=A, name="x")]), 1, UNDEF, "policy is required")
    assert module_state(chain) == before
    assert new_policy(chain, a, f"{A}+{B}>1", [A, B]) == 1  # no spaces is fine
    assert new_policy(chain, a, f"passkey{{abc}} + {B} > 1", ["passkey{abc}", B]) == 2


def test_revoke_action(chain) -> None:
    a, b = chain.wallets["alice"], chain.wallets["bob"]
    pid = new_policy(chain, a, f"{a.address} + {b.address} > 1", [a.address, b.address])
    ws = new_workspace(chain, a, b.address, admin=pid)
    ok(chain.run(a, [itx.MsgNewChildWorkspace(creator=a.address, parent_workspace_addr=ws)]))
    fails(
        chain.run(b, [ptx.MsgRevokeAction(creator=b.address, action_id=1)]),
        1,
        UNDEF,
        "action creator does not match",
    )
    fails(
        chain.run(a, [ptx.MsgRevokeAction(creator=a.address, action_id=9)]),
        1,
        UNDEF,
        "action not found",
    )
    ok(chain.run(a, [ptx.MsgRevokeAction(creator=a.address, action_id=1)]))
    assert action(chain, 1).status == 3  # REVOKED
    fails(
        chain.run(a, [ptx.MsgRevokeAction(creator=a.address, action_id=1)]),
        1,
        UNDEF,
        "action status is not pending",
    )
    fails(
        approve(chain, b, 1, action_type="/zrchain.identity.MsgNewChildWorkspace"),
        1,
        UNDEF,
        "action not pending ACTION_STATUS_REVOKED",
    )


def test_approve_errors(chain) -> None:
    a, b, c = (chain.wallets[n] for n in ("alice", "bob", "carol"))
    pid = new_policy(chain, a, f"{a.address} + {b.address} > 1", [a.address, b.address])
    ws = new_workspace(chain, a, b.address, admin=pid)
    ok(
        chain.run(
            a, [itx.MsgAddWorkspaceOwner(creator=a.address, workspace_addr=ws, new_owner=c.address)]
        )
    )
    before = module_state(chain)
    fails(approve(chain, b, 42), 1, UNDEF, "action not found")
    fails(approve(chain, c, 1), 1, UNDEF, "address not a participant of this policy")
    fails(
        approve(chain, b, 1, action_type="/zrchain.identity.MsgNewWorkspace"),
        1,
        UNDEF,
        "action handler not found for /zrchain.identity.MsgNewWorkspace",
    )
    fails(
        approve(chain, b, 1, action_type="/zrchain.identity.MsgUpdateWorkspace"),
        1,
        UNDEF,
        "invalid message type, expected **types.MsgUpdateWorkspace",
    )
    fails(approve(chain, b, 1, action_type="x" * 513), 18, "sdk", "invalid actiontype, max len 512")
    assert module_state(chain) == before
    assert response(approve(chain, b, 1), ptx.MsgApproveActionResponse).status == (
        "ACTION_STATUS_COMPLETED"
    )
    fails(approve(chain, b, 1), 1, UNDEF, "action not pending ACTION_STATUS_COMPLETED")


def test_approvals_count_toward_a_threshold(chain) -> None:
    """2 of 3: the creator approves implicitly, one more approval executes; a
    non-approving participant still lists the action (address filter)."""
    a, b, c, d = (chain.wallets[n] for n in ("alice", "bob", "carol", "dave"))
    A, B, C = a.address, b.address, c.address
    pid = new_policy(chain, a, f"{A} + {B} + {C} > 1", [A, B, C])
    ws = new_workspace(chain, a, B, C, admin=pid)
    ok(chain.run(a, [itx.MsgAddWorkspaceOwner(creator=A, workspace_addr=ws, new_owner=d.address)]))
    for who in (A, B, C):
        listed = chain.q(
            PQ + "Actions", pq.QueryActionsRequest(address=who), pq.QueryActionsResponse
        )
        assert [x.id for x in listed.actions] == [1]
    none = chain.q(
        PQ + "Actions", pq.QueryActionsRequest(address=d.address), pq.QueryActionsResponse
    )
    assert not none.actions
    details = chain.q(
        PQ + "ActionDetailsById",
        pq.QueryActionDetailsByIdRequest(id=1),
        pq.QueryActionDetailsByIdResponse,
    )
    assert list(details.approvers) == [A] and list(details.pending_approvers) == [B, C]
    assert details.policy.id == pid and details.current_height == chain.height
    res = approve(chain, c, 1)
    assert response(res, ptx.MsgApproveActionResponse).status == "ACTION_STATUS_COMPLETED"
    assert list(action(chain, 1).approvers) == [A, C]


def test_action_details_for_default_policy_and_unknown_id(chain) -> None:
    a, b = chain.wallets["alice"], chain.wallets["bob"]
    ws = new_workspace(chain, a)
    ok(
        chain.run(
            a, [itx.MsgAddWorkspaceOwner(creator=a.address, workspace_addr=ws, new_owner=b.address)]
        )
    )
    d = chain.q(
        PQ + "ActionDetailsById",
        pq.QueryActionDetailsByIdRequest(id=1),
        pq.QueryActionDetailsByIdResponse,
    )
    assert list(d.approvers) == [a.address] and list(d.pending_approvers) == []
    assert d.HasField("policy") and d.policy.id == 0  # an all-empty Policy, not null
    res = chain.query_raw(PQ + "ActionDetailsById", pq.QueryActionDetailsByIdRequest(id=7))
    assert res.code != 0 and "not found" in res.log


def test_policy_queries(chain) -> None:
    a, b = chain.wallets["alice"], chain.wallets["bob"]
    p1 = new_policy(chain, a, f"{a.address} > 0", [a.address], btl=50)
    p2 = new_policy(chain, b, f"{b.address} > 0", [b.address])
    all_ = chain.q(PQ + "Policies", pq.QueryPoliciesRequest(), pq.QueryPoliciesResponse)
    assert [p.policy.id for p in all_.policies] == [p1, p2] and all_.pagination.total == 2
    assert not all_.policies[0].HasField("metadata")
    by_a = chain.q(
        PQ + "PoliciesByCreator",
        pq.QueryPoliciesByCreatorRequest(creators=[a.address]),
        pq.QueryPoliciesByCreatorResponse,
    )
    assert [p.id for p in by_a.policies] == [p1] and by_a.pagination.total == 1
    assert by_a.policies[0].btl == 0  # not copied into this response (as zrChain)
    both = chain.q(
        PQ + "PoliciesByCreator",
        pq.QueryPoliciesByCreatorRequest(creators=[a.address, b.address]),
        pq.QueryPoliciesByCreatorResponse,
    )
    assert both.pagination.total == 2
    res = chain.query_raw(PQ + "PolicyById", pq.QueryPolicyByIdRequest(id=99))
    assert res.code != 0 and "policy 99 not found" in res.log
    params = chain.q(PQ + "Params", pq.QueryParamsRequest(), pq.QueryParamsResponse).params
    assert (params.minimum_btl, params.default_btl) == (10, 1000)


def test_update_params(chain) -> None:
    mod = chain.app.registry.module("policy")
    from zrchain.x.policy.msg_server import PolicyMsgServer, validate_update_params

    h = PolicyMsgServer(mod.keeper, mod.engine, None)
    ctx = chain.app.context(Branch(chain.app.store.pending), Mode.FINALIZE, height=chain.height + 1)
    with pytest.raises(ChainError) as e:
        h.update_params(ctx, ptx.MsgUpdateParams(authority=chain.wallets["alice"].address))
    assert e.value.code == 1100 and e.value.codespace == "policy"
    h.update_params(ctx, ptx.MsgUpdateParams(authority=GOV_AUTHORITY, params=params_pb2.Params()))
    assert mod.keeper.params(ctx) == params_pb2.Params()
    with pytest.raises(ChainError, match="invalid authority address"):
        validate_update_params(ptx.MsgUpdateParams(authority="invalid"))


# -- multi-grants ----------------------------------------------------------------------------------
def _authz_grants(chain, granter: str, grantee: str) -> list[str]:
    """Type URLs of the GenericAuthorizations ``granter`` gave ``grantee`` (x/authz query)."""
    res = chain.q(
        "/cosmos.authz.v1beta1.Query/Grants",
        aq.QueryGrantsRequest(granter=granter, grantee=grantee),
        aq.QueryGrantsResponse,
    )
    out = []
    for g in res.grants:
        assert g.authorization.type_url == "/cosmos.authz.v1beta1.GenericAuthorization"
        assert not g.HasField("expiration")
        out.append(authz_pb2.GenericAuthorization.FromString(g.authorization.value).msg)
    return out


def _exec(grantee, msg) -> Any:
    return atx.MsgExec(grantee=grantee.address, msgs=[pack(msg)])


def test_multi_grants(chain) -> None:
    """MsgAddMultiGrant grants x/authz GenericAuthorizations the grantee then uses through
    MsgExec; MsgRemoveMultiGrant revokes them (docs/identity-policy.md)."""
    a, b, c = chain.wallets["alice"], chain.wallets["bob"], chain.wallets["carol"]
    urls = [ADD_OWNER_URL, "/zrchain.policy.MsgApproveAction"]
    res = ok(chain.run(a, [ptx.MsgAddMultiGrant(creator=a.address, grantee=b.address, msgs=urls)]))
    assert [e["msg_type_url"] for e in events(res, "cosmos.authz.v1beta1.EventGrant")] == [
        f'"{u}"' for u in urls
    ]
    assert _authz_grants(chain, a.address, b.address) == sorted(urls)

    # bob adds carol as an owner of alice's workspace, on alice's behalf
    ws = new_workspace(chain, a)
    add = itx.MsgAddWorkspaceOwner(creator=a.address, workspace_addr=ws, new_owner=c.address)
    ok(chain.run(b, [_exec(b, add)]))
    owners = chain.q(
        IQ + "WorkspaceByAddress",
        iq.QueryWorkspaceByAddressRequest(workspace_addr=ws),
        iq.QueryWorkspaceByAddressResponse,
    ).workspace.owners
    assert list(owners) == [a.address, c.address]
    # ... but not as anyone else, nor a Msg type that was not granted
    other = itx.MsgAddWorkspaceOwner(creator=c.address, workspace_addr=ws, new_owner=b.address)
    fails(chain.run(b, [_exec(b, other)]), 2, "authz", "authorization not found")
    policy = ptx.MsgNewPolicy(creator=a.address, name="x")
    fails(chain.run(b, [_exec(b, policy)]), 2, "authz", "authorization not found")

    remove = ptx.MsgRemoveMultiGrant(creator=a.address, grantee=b.address, msgs=urls[:1])
    res = ok(chain.run(a, [remove]))
    assert [e["msg_type_url"] for e in events(res, "cosmos.authz.v1beta1.EventRevoke")] == [
        f'"{urls[0]}"'
    ]
    assert _authz_grants(chain, a.address, b.address) == [urls[1]]
    add.new_owner = chain.wallets["dave"].address
    fails(chain.run(b, [_exec(b, add)]), 2, "authz", "authorization not found")
    # the first failure aborts: urls[1] is revoked, then urls[0] is missing -> all reverted
    again = ptx.MsgRemoveMultiGrant(creator=a.address, grantee=b.address, msgs=urls[::-1])
    fails(chain.run(a, [again]), 2, "authz", "authorization not found")
    assert _authz_grants(chain, a.address, b.address) == [urls[1]]

    for bad, code, space, text in [
        (
            ptx.MsgAddMultiGrant(creator=a.address, grantee="bad", msgs=urls),
            7,
            "sdk",
            "invalid grantee address",
        ),
        (
            ptx.MsgAddMultiGrant(creator=a.address, grantee=b.address),
            18,
            "sdk",
            "at least 1 msg type is required",
        ),
        (
            ptx.MsgAddMultiGrant(creator=a.address, grantee=b.address, msgs=["/" + "m" * 512]),
            18,
            "sdk",
            "invalid msg, max len 512",
        ),
        (
            ptx.MsgRemoveMultiGrant(creator=a.address, grantee=b.address),
            18,
            "sdk",
            "at least 1 msg type",
        ),
        (
            ptx.MsgAddMultiGrant(creator=a.address, grantee=b.address, msgs=["/foo.MsgBar"]),
            29,
            "sdk",
            "/foo.MsgBar doesn't exist.",
        ),
        (
            ptx.MsgAddMultiGrant(creator=a.address, grantee=a.address, msgs=urls),
            7,
            "authz",
            "grantee and granter should be different",
        ),
    ]:
        fails(chain.run(a, [bad]), code, space, text)
    assert _authz_grants(chain, a.address, b.address) == [urls[1]]


def test_sign_method_errors(chain) -> None:
    a = chain.wallets["alice"]
    from zrchain.codec.gen.zrchain.policy import sign_method_passkey_pb2 as smp

    empty = ptx.MsgAddSignMethod(creator=a.address, config=pack(smp.SignMethodPasskey()))
    fails(chain.run(a, [empty]), 1, UNDEF, "invalid config: ")
    other = ptx.MsgAddSignMethod(creator=a.address, config=pack(ptx.MsgAddSignMethod()))
    fails(chain.run(a, [other]), 1, UNDEF, "no concrete type registered")
    fails(chain.run(a, [ptx.MsgAddSignMethod(creator=a.address)]), 1, UNDEF, "empty config")
    blank = ptx.MsgAddSignMethod(creator=a.address, config=AnyProto())
    fails(chain.run(a, [blank]), 1, UNDEF, "empty config")
    fails(
        chain.run(a, [ptx.MsgRemoveSignMethod(creator=a.address, id="nope")]), 1, UNDEF, "not found"
    )
    fails(
        chain.run(a, [ptx.MsgRemoveSignMethod(creator=a.address, id="i" * 513)]),
        18,
        "sdk",
        "invalid id, max len 512",
    )
