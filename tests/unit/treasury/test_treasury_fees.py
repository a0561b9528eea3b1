"""Keyring fees (fix 5 of docs/COMPATIBILITY.md): escrow at request time, payout from escrow on
completion
(commission to its destination, the rest to the keyring or the collector), exact refunds on
rejection and timeout; parties pay nothing but their own tx fees."""

from __future__ import annotations

import hashlib

import pytest
from treasury_testkit import COLLECTOR, ESCROW, KIND_KEY, KIND_SIGN, Setup, build, ecdsa_sign

from zrchain.testing.identity_policy import fails, ok

TX_FEE = 200_000  # Setup.run: 2,000,000 gas at 0.1urock
H1 = hashlib.sha256(b"one").digest()
H2 = hashlib.sha256(b"two").digest()


@pytest.fixture
def s(tmp_path) -> Setup:
    setup = build(tmp_path, key_fee=1000, sig_fee=300, commission=10)
    yield setup
    setup.chain.app.close()


def test_key_fee_escrowed_then_paid_with_commission(s: Setup) -> None:
    a0, e0 = s.balance("alice"), s.balance(ESCROW)
    rid = s.new_key_request()
    assert s.balance("alice") == a0 - 1000 - TX_FEE
    assert s.balance(ESCROW) == e0 + 1000
    assert s.key_req(rid).fee == 1000
    assert s.escrow_record(KIND_KEY, rid).payer == s.addr("alice")
    k0, c0, p1, p2 = (s.balance(x) for x in (s.keyring, COLLECTOR, "p1", "p2"))
    ok(s.fulfil_key("p1", rid))
    assert s.balance(s.keyring) == k0  # nothing paid while PARTIAL
    assert s.balance("p1") == p1 - TX_FEE  # the party pays only its tx fee
    ok(s.fulfil_key("p2", rid))
    assert s.balance("p2") == p2 - TX_FEE
    assert s.balance(s.keyring) == k0 + 900
    assert s.balance(COLLECTOR) == c0 + 100
    assert s.balance(ESCROW) == e0
    assert s.escrow_record(KIND_KEY, rid) is None


def test_refund_on_explicit_rejection_is_exact(s: Setup) -> None:
    rid = s.new_key_request()
    a0, e0 = s.balance("alice"), s.balance(ESCROW)
    ok(s.reject_key("p3", rid))
    assert s.balance("alice") == a0 + 1000
    assert s.balance(ESCROW) == e0 - 1000
    assert s.escrow_record(KIND_KEY, rid) is None


def test_refund_on_key_mismatch(s: Setup) -> None:
    import coincurve

    rid = s.new_key_request()
    ok(s.fulfil_key("p1", rid))
    a0 = s.balance("alice")
    other = coincurve.PrivateKey(b"\x22" * 32).public_key.format()
    ok(s.fulfil_key("p2", rid, other))
    assert s.key_req(rid).status == "KEY_REQUEST_STATUS_REJECTED"
    assert s.balance("alice") == a0 + 1000


def test_insufficient_balance_fails_the_request(tmp_path) -> None:
    setup = build(tmp_path, key_fee=10**15)
    try:
        fails(setup.key_request(), 5, "sdk", "insufficient funds")
        assert setup.balance(ESCROW) == 0
    finally:
        setup.chain.app.close()


def test_commission_destination_and_delegated_fees(tmp_path) -> None:
    dest = "zen1zpmqphp46nsn097ysltk4j5wmpjn9gd5gwyfnq"
    setup = build(tmp_path, key_fee=1001, commission=25, destination=dest, delegate=True)
    try:
        k0, c0 = setup.balance(setup.keyring), setup.balance(COLLECTOR)
        setup.make_key()
        assert setup.chain.balance(dest) == 250  # floor(1001 * 25 / 100)
        assert setup.balance(COLLECTOR) == c0 + 751  # delegated: the rest to the collector
        assert setup.balance(setup.keyring) == k0
        assert setup.balance(ESCROW) == 0
    finally:
        setup.chain.app.close()


@pytest.mark.parametrize(
    ("commission", "fee", "to_collector"), [(0, 1000, 0), (100, 1000, 1000), (10, 10, 1)]
)
def test_split_vectors(tmp_path, commission: int, fee: int, to_collector: int) -> None:
    setup = build(tmp_path, key_fee=fee, commission=commission)
    try:
        setup.make_key()
        assert setup.balance(COLLECTOR) == to_collector
        assert setup.balance(setup.keyring) == fee - to_collector
    finally:
        setup.chain.app.close()


def test_sign_fees_per_key_paid_when_the_tree_completes(s: Setup) -> None:
    kid = s.make_key()
    k0, a0 = s.balance(s.keyring), s.balance("alice")
    sid = s.new_sign_request([kid, kid], f"{H1.hex()},{H2.hex()}")
    assert s.balance("alice") == a0 - 600 - TX_FEE  # one fee per key id
    root = s.sign_req(sid)
    assert root.fee == 600
    assert [s.sign_req(c).fee for c in root.child_req_ids] == [300, 300]
    c1, c2 = root.child_req_ids
    for p in ("p1", "p2"):
        ok(s.fulfil_sign(p, c1, ecdsa_sign(H1)))
    assert s.balance(s.keyring) == k0  # paid only when the whole request is done
    for p in ("p1", "p2"):
        ok(s.fulfil_sign(p, c2, ecdsa_sign(H2)))
    assert s.balance(s.keyring) == k0 + 540
    # x/mint claims the collector at every begin block (docs/mint.md): after the paying
    # block it holds exactly that block's commission
    assert s.balance(COLLECTOR) == 60
    assert s.balance(ESCROW) == 0


def test_sign_refund_when_a_child_is_rejected(s: Setup) -> None:
    kid = s.make_key()
    sid = s.new_sign_request([kid, kid], f"{H1.hex()},{H2.hex()}")
    c1, c2 = s.sign_req(sid).child_req_ids
    for p in ("p1", "p2"):
        ok(s.fulfil_sign(p, c1, ecdsa_sign(H1)))
    a0, k0 = s.balance("alice"), s.balance(s.keyring)
    ok(s.reject_sign("p3", c2))
    assert s.balance("alice") == a0 + 600
    assert s.balance(s.keyring) == k0
    assert s.escrow_record(KIND_SIGN, sid) is None


def test_single_sign_request_paid_and_refunded(s: Setup) -> None:
    kid = s.make_key()
    k0 = s.balance(s.keyring)
    sid = s.new_sign_request([kid], H1.hex())
    for p in ("p1", "p2"):
        ok(s.fulfil_sign(p, sid, ecdsa_sign(H1)))
    assert s.balance(s.keyring) == k0 + 270
    sid = s.new_sign_request([kid], H2.hex())
    a0 = s.balance("alice")
    ok(s.reject_sign("p1", sid))
    assert s.balance("alice") == a0 + 300


def test_refund_on_timeouts(tmp_path) -> None:
    setup = build(tmp_path, key_fee=1000, sig_fee=300, default_btl=3)
    try:
        kid = setup.make_key()
        a0 = setup.balance("alice")
        setup.new_key_request()
        setup.new_sign_request([kid, kid], f"{H1.hex()},{H2.hex()}")
        assert setup.balance("alice") == a0 - 1600 - 2 * TX_FEE
        setup.chain.blocks(5)
        assert setup.balance("alice") == a0 - 2 * TX_FEE
        assert setup.balance(ESCROW) == 0
    finally:
        setup.chain.app.close()


def test_zrsign_fees_come_from_the_connector(s: Setup) -> None:
    from zrchain.codec.gen.zrchain.treasury import tx_pb2 as ttx

    z0 = s.balance("zrsign")
    msg = ttx.MsgNewKeyRequest(
        creator=s.addr("zrsign"), ext_requester="0x" + "ab" * 20, ext_key_type=60
    )
    ok(s.run("zrsign", msg))
    assert s.balance("zrsign") == z0 - 1000 - TX_FEE
    assert s.escrow_record(KIND_KEY, 1).payer == s.addr("zrsign")
    ok(s.reject_key("p1", 1))
    assert s.balance("zrsign") == z0 - TX_FEE
