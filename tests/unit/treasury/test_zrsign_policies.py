"""zrSign requests under a policy (docs/zrsign-policies.md), on an in-process chain: an EVM
owner sets its key's policy gaslessly (EIP-712), a zrSign request becomes a pending action
found by its cache_id / (CAIP-2, contract, traceId), EVM approvers approve (EIP-712 and
forwarded contract calls) and the normal sign path runs; one approval only expires at the
BTL; a key without a policy signs at once (regression)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import pytest

from zrchain.chains.caip import zrsign_cache_id
from zrchain.codec.gen.zrchain.omni import query_pb2 as oq
from zrchain.codec.gen.zrchain.omni import tx_pb2 as otx
from zrchain.codec.gen.zrchain.policy import query_pb2 as pq
from zrchain.codec.gen.zrchain.treasury import query_pb2 as tq
from zrchain.codec.gen.zrchain.treasury import tx_pb2 as ttx
from zrchain.testing.identity_policy import PQ, events, fails, ok, response
from zrchain.testing.omni import (
    APPROVERS,
    OQ,
    OWNER,
    World,
    approve_msg,
    build_world,
    evm_participant,
    new_policy_msg,
    reject_msg,
    set_key_policy_msg,
)

H = hashlib.sha256(b"swap").digest()
CAIP2_A = "eip155:31337"
CONTRACT = "0x5FbDB2315678afecb367f032d93F642f64180aa3"
TQ = "/zrchain.treasury.Query/"


@pytest.fixture
def w(tmp_path) -> Iterator[World]:
    world = build_world(tmp_path / "db")
    yield world
    world.chain.app.close()


def two_of_three(w: World, btl: int = 0) -> int:
    """OWNER's key under 'A on chain 31337 + B anywhere + C anywhere > 1'."""
    a, b, c = APPROVERS
    parts = [evm_participant(a, 31337), evm_participant(b), evm_participant(c)]
    msg = new_policy_msg(
        w.addr("bob"), OWNER, w.nonce(OWNER), " + ".join(parts) + " > 1", parts, btl=btl
    )
    res = ok(w.run("bob", msg))
    pid = int(response(res, otx.MsgNewPolicyEvmResponse).policy_id)
    pol = w.chain.q(
        PQ + "PolicyById", pq.QueryPolicyByIdRequest(id=pid), pq.QueryPolicyByIdResponse
    )
    assert pol.policy.policy.creator == evm_participant(OWNER)  # eip155:0x<checksummed>
    res = ok(w.run("bob", set_key_policy_msg(w.addr("bob"), OWNER, w.nonce(OWNER), pid)))
    out = response(res, otx.MsgSetKeyPolicyEvmResponse)
    assert (out.key_id, out.status) == (w.key_id, "ACTION_STATUS_COMPLETED")
    return pid


def key(w: World):
    return w.chain.q(
        TQ + "KeyByID", tq.QueryKeyByIDRequest(id=w.key_id), tq.QueryKeyByIDResponse
    ).key


def forward_approval(w: World, approver, action_id: int, caip2: str = CAIP2_A, tag: bytes = b"1"):
    msg = otx.MsgForwardApproval(
        creator=w.addr("zrsign"),
        caip2=caip2,
        approver=approver.address,
        action_id=action_id,
        cache_id=hashlib.sha256(tag).digest(),
    )
    return w.run("zrsign", msg)


def sign_requests(w: World) -> list:
    return list(
        w.chain.q(
            TQ + "SignatureRequests",
            tq.QuerySignatureRequestsRequest(),
            tq.QuerySignatureRequestsResponse,
        ).sign_requests
    )


def test_key_without_policy_signs_at_once(w: World) -> None:
    res = ok(w.zr_sign(H, zrsign_cache_id(CAIP2_A, CONTRACT, 1)))
    rid = response(res, ttx.MsgNewZrSignSignatureRequestResponse).req_id
    assert rid > 0 and events(res, "new_sign_request") == [{"request_id": str(rid)}]
    assert events(res, "zrsign_action") == [] and events(res, "new_action") == []


def test_request_waits_for_two_evm_approvals_then_signs(w: World) -> None:
    pid = two_of_three(w)
    assert key(w).sign_policy_id == pid
    cache = zrsign_cache_id(CAIP2_A, CONTRACT, 7)
    res = ok(w.zr_sign(H, cache))
    assert response(res, ttx.MsgNewZrSignSignatureRequestResponse).req_id == 0
    assert events(res, "new_sign_request") == []
    [ev] = events(res, "zrsign_action")
    aid = int(ev["action_id"])
    assert ev["cache_id"] == cache.hex() and ev["owner"] == OWNER.address.lower()
    assert len(events(res, "new_action")) == 3  # one per participant
    # found from the EVM request: (CAIP-2, contract, traceId), or its cache_id
    by_trace = w.chain.q(
        OQ + "ZrSignAction",
        oq.QueryZrSignActionRequest(caip2=CAIP2_A, contract=CONTRACT, trace_id="7"),
        oq.QueryZrSignActionResponse,
    )
    assert by_trace.action_id == aid and by_trace.action.status == "ACTION_STATUS_PENDING"
    listed = w.chain.q(
        OQ + "ZrSignActions",
        oq.QueryZrSignActionsRequest(owner=OWNER.address),
        oq.QueryZrSignActionsResponse,
    ).actions
    assert [(e.action_id, e.cache_id) for e in listed] == [(aid, cache)]
    # an approver's pending actions, by its chain-agnostic spelling
    mine = w.chain.q(
        PQ + "Actions",
        pq.QueryActionsRequest(address=evm_participant(APPROVERS[1])),
        pq.QueryActionsResponse,
    ).actions
    assert [a.id for a in mine] == [aid]
    assert sign_requests(w) == []
    # B approves gaslessly; again (counts once); still pending
    b = APPROVERS[1]
    ok(w.run("bob", approve_msg(w.addr("bob"), b, 0, aid)))
    res = ok(w.run("bob", approve_msg(w.addr("bob"), b, 1, aid)))
    assert response(res, otx.MsgApproveActionEvmResponse).status == "ACTION_STATUS_PENDING"
    assert sign_requests(w) == []
    # A approves on its chain through our contract (forwarded): the policy is met, it signs
    res = ok(forward_approval(w, APPROVERS[0], aid))
    assert response(res, otx.MsgForwardApprovalResponse).status == "ACTION_STATUS_COMPLETED"
    [req] = sign_requests(w)
    assert bytes(req.cache_id) == cache and list(req.data_for_signing) == [H]
    assert events(res, "new_sign_request") == [{"request_id": str(req.id)}]
    act = w.chain.q(
        OQ + "ZrSignAction",
        oq.QueryZrSignActionRequest(cache_id=cache),
        oq.QueryZrSignActionResponse,
    ).action
    assert list(act.approvers) == [evm_participant(b), evm_participant(APPROVERS[0], 31337)]
    # the bridge's retry of the same request is refused (cache_id used)
    fails(w.zr_sign(H, cache), 1, "undefined", "already used")


def test_one_approval_expires_at_btl_and_nothing_is_signed(w: World) -> None:
    two_of_three(w, btl=10)
    cache = zrsign_cache_id(CAIP2_A, CONTRACT, 8)
    res = ok(w.zr_sign(H, cache))
    aid = int(events(res, "zrsign_action")[0]["action_id"])
    ok(w.run("bob", approve_msg(w.addr("bob"), APPROVERS[2], 0, aid)))
    w.chain.blocks(12)
    act = w.chain.q(
        OQ + "ZrSignAction",
        oq.QueryZrSignActionRequest(cache_id=cache),
        oq.QueryZrSignActionResponse,
    ).action
    assert act.status == "ACTION_STATUS_TIMEOUT"
    before = w.state()
    fails(forward_approval(w, APPROVERS[0], aid), 1, "undefined", f"action {aid} expired at block")
    fails(w.run("bob", approve_msg(w.addr("bob"), APPROVERS[1], 0, aid)), 1, "undefined", "expired")
    assert w.state() == before and w.nonce(APPROVERS[1]) == 0
    assert sign_requests(w) == []


def test_contract_owner_sets_policy_through_forwarded_call(w: World) -> None:
    """A contract owner has no key to sign EIP-712: its call to our contract is forwarded."""
    a, b, _ = APPROVERS
    parts = [evm_participant(a), evm_participant(b)]
    new = otx.MsgForwardOwnerCall(
        creator=w.addr("zrsign"),
        caip2=CAIP2_A,
        owner=OWNER.address,
        new_policy=otx.NewPolicyOp(
            name="c", definition=" + ".join(parts) + " > 1", participants=parts
        ),
        cache_id=hashlib.sha256(b"call-1").digest(),
    )
    pid = response(ok(w.run("zrsign", new)), otx.MsgForwardOwnerCallResponse).policy_id
    attach = otx.MsgForwardOwnerCall(
        creator=w.addr("zrsign"),
        caip2=CAIP2_A,
        owner=OWNER.address,
        set_key_policy=otx.SetKeyPolicyOp(wallet_type=60, wallet_index=0, sign_policy_id=pid),
        cache_id=hashlib.sha256(b"call-2").digest(),
    )
    out = response(ok(w.run("zrsign", attach)), otx.MsgForwardOwnerCallResponse)
    assert out.status == "ACTION_STATUS_COMPLETED" and key(w).sign_policy_id == pid
    # removing it now needs the policy's approvers: the owner alone only opens an action
    remove = set_key_policy_msg(w.addr("bob"), OWNER, w.nonce(OWNER), 0)
    out = response(ok(w.run("bob", remove)), otx.MsgSetKeyPolicyEvmResponse)
    assert out.status == "ACTION_STATUS_PENDING" and key(w).sign_policy_id == pid
    ok(w.run("bob", approve_msg(w.addr("bob"), a, 0, out.action_id)))
    ok(w.run("bob", approve_msg(w.addr("bob"), b, 0, out.action_id)))
    assert key(w).sign_policy_id == 0


def test_genesis_export_import_keeps_nonces_forwards_and_held_requests(w: World, tmp_path) -> None:
    """An export/import neither reopens a replay nor loses a held request."""
    from zrchain.testing.inproc import make_chain

    two_of_three(w)
    cache = zrsign_cache_id(CAIP2_A, CONTRACT, 9)
    aid = int(events(ok(w.zr_sign(H, cache)), "zrsign_action")[0]["action_id"])
    ok(forward_approval(w, APPROVERS[0], aid, tag=b"fwd"))
    exported = w.chain.app.export_genesis()
    omni = exported["omni"]
    assert {n["address"]: int(n["nonce"]) for n in omni["nonces"]} == {OWNER.address.lower(): 2}
    assert len(omni["forwarded"]) == 1 and omni["zr_sign_actions"][0]["action_id"] == str(aid)

    def same(state: dict) -> None:
        for name, data in exported.items():
            if name not in ("auth", "bank"):
                state[name] = data

    again = make_chain(tmp_path / "again", {"bob": "100000000000urock"}, app_state=same)
    try:
        byc = again.q(
            OQ + "ZrSignAction",
            oq.QueryZrSignActionRequest(cache_id=cache),
            oq.QueryZrSignActionResponse,
        )
        assert byc.action_id == aid
        nonce = again.q(
            OQ + "EvmNonce",
            oq.QueryEvmNonceRequest(address=OWNER.address),
            oq.QueryEvmNonceResponse,
        )
        assert nonce.nonce == 2
    finally:
        again.app.close()


def test_participants_reject_until_the_policy_is_unreachable(w: World) -> None:
    """2 of 3: one "no" leaves it reachable; a second makes it unreachable: REVOKED, and
    no approval can revive it."""
    two_of_three(w)
    cache = zrsign_cache_id(CAIP2_A, CONTRACT, 11)
    aid = int(events(ok(w.zr_sign(H, cache)), "zrsign_action")[0]["action_id"])
    a, b, c = APPROVERS
    res = ok(w.run("bob", reject_msg(w.addr("bob"), c, 0, aid)))
    assert response(res, otx.MsgRejectActionEvmResponse).status == "ACTION_STATUS_PENDING"
    fwd = otx.MsgForwardApproval(
        creator=w.addr("zrsign"),
        caip2=CAIP2_A,
        approver=a.address,
        action_id=aid,
        cache_id=hashlib.sha256(b"no-a").digest(),
        reject=True,
    )
    res = ok(w.run("zrsign", fwd))
    assert response(res, otx.MsgForwardApprovalResponse).status == "ACTION_STATUS_REVOKED"
    [ev] = events(res, "action_rejected")
    assert ev["action_id"] == str(aid)
    assert set(ev["rejected_by"].split(",")) == {evm_participant(c), evm_participant(a, 31337)}
    fails(w.run("bob", approve_msg(w.addr("bob"), b, 0, aid)), 1, "undefined", "not pending")
    assert sign_requests(w) == []


def test_an_approver_cannot_reject_what_it_approved(w: World) -> None:
    two_of_three(w)
    aid = int(
        events(ok(w.zr_sign(H, zrsign_cache_id(CAIP2_A, CONTRACT, 12))), "zrsign_action")[0][
            "action_id"
        ]
    )
    b = APPROVERS[1]
    ok(w.run("bob", approve_msg(w.addr("bob"), b, 0, aid)))
    before = w.state()
    fails(w.run("bob", reject_msg(w.addr("bob"), b, 1, aid)), 1, "undefined", "already approved")
    assert w.state() == before
