"""MPC timeouts at block start (docs/treasury.md): rejection, refund, events, the per-block
bound, and whole sign-request trees."""

from __future__ import annotations

import hashlib

import pytest
from treasury_testkit import ESCROW, Setup, build, ecdsa_sign

from zrchain.codec.gen.zrchain.treasury import tx_pb2 as ttx
from zrchain.testing.identity_policy import fails, ok

H1 = hashlib.sha256(b"one").digest()
H2 = hashlib.sha256(b"two").digest()


def block_events(res, type_: str) -> list[str]:
    return [
        a.value
        for e in res.events
        if e.type == type_
        for a in e.attributes
        if a.key == "request_id"
    ]


@pytest.fixture
def s(tmp_path) -> Setup:
    setup = build(tmp_path, key_fee=50, sig_fee=7)
    yield setup
    setup.chain.app.close()


def test_key_request_times_out_at_height_plus_21(s: Setup) -> None:
    rid = s.new_key_request()
    created = s.chain.height
    assert s.key_req(rid).mpc_btl == created + 20
    a0 = s.balance("alice")
    res = s.chain.blocks(20)  # up to and including created + 20
    assert s.key_req(rid).status == "KEY_REQUEST_STATUS_PENDING"
    assert all(not block_events(r, "key_request_rejected") for r in res)
    res = s.chain.block([])  # created + 21
    assert block_events(res, "key_request_rejected") == [str(rid)]
    r = s.key_req(rid)
    assert (r.status, r.reject_reason) == ("KEY_REQUEST_STATUS_REJECTED", "Key request timed out")
    assert s.balance("alice") == a0 + 50
    fails(s.fulfil_key("p1", rid), 1, "undefined", "is not pending/partial")


def test_partial_requests_time_out_too(s: Setup) -> None:
    rid = s.new_key_request()
    ok(s.fulfil_key("p1", rid))
    s.chain.blocks(21)
    assert s.key_req(rid).status == "KEY_REQUEST_STATUS_REJECTED"


def test_fulfilled_requests_never_time_out(s: Setup) -> None:
    rid = s.make_key()
    s.chain.blocks(25)
    assert s.key_req(rid).status == "KEY_REQUEST_STATUS_FULFILLED"


def test_sign_tree_times_out_as_a_whole(s: Setup) -> None:
    kid = s.make_key()
    sid = s.new_sign_request([kid, kid], f"{H1.hex()},{H2.hex()}")
    c1, c2 = s.sign_req(sid).child_req_ids
    for p in ("p1", "p2"):
        ok(s.fulfil_sign(p, c1, ecdsa_sign(H1)))
    a0 = s.balance("alice")
    res = s.chain.blocks(21)
    assert sorted([x for r in res for x in block_events(r, "sign_request_rejected")]) == sorted(
        [str(sid), str(c2)]
    )
    for rid in (sid, c2):
        r = s.sign_req(rid)
        assert (r.status, r.reject_reason) == (
            "SIGN_REQUEST_STATUS_REJECTED",
            "Signature request timed out",
        )
    assert s.sign_req(c1).status == "SIGN_REQUEST_STATUS_FULFILLED"
    assert s.balance("alice") == a0 + 14  # refunded once, exactly what was escrowed
    assert s.balance(ESCROW) == 0


def test_timeouts_are_bounded_per_block(s: Setup) -> None:
    module = s.chain.app.registry.module("treasury")
    module.max_timeouts_per_block = 3
    alice = s.w("alice")
    msgs = [
        ttx.MsgNewKeyRequest(
            creator=alice.address,
            workspace_addr=s.workspace,
            keyring_addr=s.keyring,
            key_type="ecdsa",
        )
        for _ in range(5)
    ]
    ok(s.chain.run(alice, msgs, gas=4_000_000))
    s.chain.blocks(20)
    assert block_events(s.chain.block([]), "key_request_rejected") == ["1", "2", "3"]
    assert s.key_req(4).status == "KEY_REQUEST_STATUS_PENDING"
    assert block_events(s.chain.block([]), "key_request_rejected") == ["4", "5"]
    assert block_events(s.chain.block([]), "key_request_rejected") == []


def test_default_btl_param_sets_the_deadline(tmp_path) -> None:
    setup = build(tmp_path, default_btl=2)
    try:
        rid = setup.new_key_request()
        assert setup.key_req(rid).mpc_btl == setup.chain.height + 2
        setup.chain.blocks(3)
        assert setup.key_req(rid).status == "KEY_REQUEST_STATUS_REJECTED"
    finally:
        setup.chain.app.close()
