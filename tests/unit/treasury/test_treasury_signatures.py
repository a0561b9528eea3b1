"""MsgNewSignatureRequest and MsgFulfilSignatureRequest: docs/treasury.md and
zrChain's Go tests, with fixes 1, 2, 4 and 12 of docs/COMPATIBILITY.md, parent/child trees
and cache_id uniqueness."""

from __future__ import annotations

import hashlib

import coincurve
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from treasury_testkit import MPC_PUBKEY, MPC_SECRET, Setup, build, ecdsa_sign, party_sig

from zrchain.chains.bitcoin import bitcoin_sighashes
from zrchain.chains.keys import SECP256K1_N, ecdsa_der
from zrchain.codec.gen.zrchain.identity import tx_pb2 as itx
from zrchain.codec.gen.zrchain.treasury import mpcsign_pb2
from zrchain.codec.gen.zrchain.treasury import tx_pb2 as ttx
from zrchain.testing.identity_policy import (
    approve,
    events,
    fails,
    module_state,
    new_policy,
    new_workspace,
    ok,
    response,
)
from zrchain.x.treasury.party import KIND_KEY, KIND_SIGNATURE

H1 = hashlib.sha256(b"one").digest()
H2 = hashlib.sha256(b"two").digest()
SIGN_URL = "/zrchain.treasury.MsgNewSignatureRequest"


@pytest.fixture
def s(tmp_path) -> Setup:
    setup = build(tmp_path)
    yield setup
    setup.chain.app.close()


def _ed_key() -> tuple[Ed25519PrivateKey, bytes]:
    sk = Ed25519PrivateKey.from_private_bytes(b"\x07" * 32)
    return sk, sk.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


# -- MsgNewSignatureRequest --------------------------------------------------------------------
def test_single_hash_request(s: Setup) -> None:
    kid = s.make_key()
    res = ok(s.sign_request([kid], H1.hex(), cache_id=b"c1"))
    sid = response(res, ttx.MsgNewSignatureRequestResponse).sig_req_id
    assert sid == 1
    assert events(res, "new_sign_request") == [{"request_id": "1"}]
    r = s.sign_req(sid)
    assert (r.creator, list(r.key_ids), list(r.data_for_signing)) == (s.addr("alice"), [kid], [H1])
    assert (r.status, r.key_type) == ("SIGN_REQUEST_STATUS_PENDING", "KEY_TYPE_ECDSA_SECP256K1")
    assert r.mpc_btl == s.chain.height + 20
    assert r.cache_id == b"c1"
    assert not r.child_req_ids


def test_two_elements_make_parent_and_children(s: Setup) -> None:
    kid = s.make_key()
    sid = s.new_sign_request([kid, kid], f"{H1.hex()},{H2.hex()}")
    parent = s.sign_req(sid)
    assert list(parent.child_req_ids) == [sid + 1, sid + 2]
    assert list(parent.data_for_signing) == [H1, H2]
    for cid, h in zip(parent.child_req_ids, (H1, H2), strict=True):
        c = s.sign_req(cid)
        assert (c.parent_req_id, list(c.data_for_signing), list(c.key_ids)) == (sid, [h], [kid])
        assert c.mpc_btl == parent.mpc_btl


def test_eddsa_message_and_bitcoin_hashes(s: Setup) -> None:
    _, ed_pub = _ed_key()
    ed = s.make_key("ed25519", ed_pub)
    msg = "ab" * 173  # a 346-hex-char Solana message
    s.new_sign_request([ed], msg)
    fails(s.sign_request([ed], "ab" * 1000), 1, "undefined", "smaller than 2000, not: 2000")
    btc = s.make_key("bitcoin")
    sid = s.new_sign_request([btc, btc], f"{H1.hex()},{H2.hex()}")
    assert s.sign_req(sid).key_type == "KEY_TYPE_BITCOIN_SECP256K1"


@pytest.mark.parametrize(
    ("key_ids", "data", "code", "space", "text"),
    [
        ([], H1.hex(), 18, "sdk", "key ids cannot be empty"),
        ([1], "", 18, "sdk", "data for signing cannot be empty"),
        ([5], H1.hex(), 1, "undefined", "key 5 not found"),
        ([1], "778f572f", 1, "undefined", "hex-encoded length of 64, not: 8"),
        ([1], " , ", 1, "undefined", "payload is full of empty strings"),
        ([1], "zz" * 32, 1, "undefined", "encoding/hex: invalid byte: U+007A 'z'"),
        ([1, 1], H1.hex(), 1, "undefined", "number of key IDs (2) does not match"),
    ],
)
def test_new_signature_request_errors(s: Setup, key_ids, data, code, space, text) -> None:
    s.make_key()
    fails(s.sign_request(key_ids, data), code, space, text)


def test_creator_must_own_and_keyring_active(s: Setup) -> None:
    kid = s.make_key()
    fails(s.sign_request([kid], H1.hex(), name="bob"), 1, "undefined", "is not an owner")
    alice = s.w("alice")
    ok(s.run("alice", itx.MsgDeactivateKeyring(creator=alice.address, keyring_addr=s.keyring)))
    fails(s.sign_request([kid], H1.hex()), 1, "undefined", "is nil or is inactive")


def test_every_key_of_a_multi_key_request_is_authorised(s: Setup) -> None:
    """fix 4 of docs/COMPATIBILITY.md: zrChain checks only key_ids[0]."""
    mine = s.make_key()
    bob = s.w("bob")
    bob_ws = new_workspace(s.chain, bob)
    rid = s.new_key_request("bob", workspace_addr=bob_ws)
    ok(s.fulfil_key("p1", rid))
    ok(s.fulfil_key("p2", rid))
    fails(
        s.sign_request([mine, rid], f"{H1.hex()},{H2.hex()}"),
        1,
        "undefined",
        f"is not an owner of workspace {bob_ws} (key {rid})",
    )
    # payload format is checked per key too: an EdDSA message is not an ECDSA hash
    _, ed_pub = _ed_key()
    ed = s.make_key("ed25519", ed_pub)
    fails(
        s.sign_request([ed, mine], f"{'ab' * 40},{'ab' * 40}"),
        1,
        "undefined",
        "hex-encoded length of 64, not: 80",
    )


def test_keys_with_different_policies_cannot_share_a_request(s: Setup) -> None:
    alice, bob = s.w("alice"), s.w("bob")
    a = s.make_key()
    pid = new_policy(
        s.chain, alice, f"{alice.address} + {bob.address} > 1", [alice.address, bob.address]
    )
    ws2 = new_workspace(s.chain, alice, bob.address)
    b = s.make_key(workspace_addr=ws2, sign_policy_id=pid)
    pid2 = new_policy(s.chain, alice, f"{alice.address} > 0", [alice.address])
    c = s.make_key(sign_policy_id=pid2)
    fails(
        s.sign_request([b, c], f"{H1.hex()},{H2.hex()}"),
        1,
        "undefined",
        f"must share one sign policy: key {b} uses policy {pid}, key {c} uses policy {pid2}",
    )
    # a key under the any-owner default joins a key under a policy: that policy decides
    res = ok(s.sign_request([a, b], f"{H1.hex()},{H2.hex()}"))
    assert response(res, ttx.MsgNewSignatureRequestResponse).sig_req_id == 0
    aid = int(events(res, "new_action")[0]["action_id"])
    res = ok(approve(s.chain, bob, aid, SIGN_URL))
    assert len(events(res, "new_sign_request")) == 1


def test_cache_id_is_unique_per_creator(s: Setup) -> None:
    kid = s.make_key()
    sid = s.new_sign_request([kid], H1.hex(), cache_id=b"bridge-1")
    before = module_state(s.chain, "treasury")
    fails(
        s.sign_request([kid], H2.hex(), cache_id=b"bridge-1"),
        1,
        "undefined",
        f"cache_id {b'bridge-1'.hex()} already used by request {sid}",
    )
    assert module_state(s.chain, "treasury") == before
    # still refused after the first request is closed (exactly-once)
    ok(s.reject_sign("p1", sid))
    fails(s.sign_request([kid], H2.hex(), cache_id=b"bridge-1"), 1, "undefined", "already used")
    s.new_sign_request([kid], H2.hex(), cache_id=b"bridge-2")
    s.new_sign_request([kid], H2.hex())  # no cache id: no uniqueness
    s.new_sign_request([kid], H2.hex())


def test_reserved_keys_are_refused(tmp_path) -> None:
    setup = build(tmp_path)
    try:
        kid = setup.make_key()
        setup.chain.app.registry.module("treasury").msgs.reserved = frozenset({kid})
        fails(setup.sign_request([kid], H1.hex()), 1, "undefined", f"key {kid} is reserved")
    finally:
        setup.chain.app.close()


# -- MsgFulfilSignatureRequest ------------------------------------------------------------------
def test_threshold_signature_lifecycle(s: Setup) -> None:
    kid = s.make_key()
    sid = s.new_sign_request([kid], H1.hex())
    sig = ecdsa_sign(H1)
    res = ok(s.fulfil_sign("p1", sid, sig[:64]))
    assert events(res, "sign_request_fulfilled") == [{"request_id": str(sid)}]
    assert s.sign_req(sid).status == "SIGN_REQUEST_STATUS_PARTIAL"
    fails(s.fulfil_sign("outsider", sid, sig[:64]), 1, "undefined", "only one party")
    fails(s.fulfil_sign("p1", sid, sig[:64]), 1, "undefined", "already sent a fulfilment")
    ok(s.fulfil_sign("p2", sid, sig[:64]))
    r = s.sign_req(sid)
    assert r.status == "SIGN_REQUEST_STATUS_FULFILLED"
    assert [(d.sign_request_id, d.signed_data) for d in r.signed_data] == [(sid, sig[:64])]
    assert [p.creator for p in r.keyring_party_sigs] == [s.addr("p1"), s.addr("p2")]
    fails(s.fulfil_sign("p3", sid, sig[:64]), 1, "undefined", "is not pending/partial")


def test_65_byte_signature_gets_recovery_id(s: Setup) -> None:
    kid = s.make_key()
    sid = s.new_sign_request([kid], H1.hex())
    sig = ecdsa_sign(H1)
    v = sig[64]
    sent = sig[:64] + bytes([27 + v])  # Ethereum-style v
    ok(s.fulfil_sign("p1", sid, sent))
    assert s.sign_req(sid).signed_data[0].signed_data == sig[:64] + bytes([v])
    # the second party must return the same (normalised) signature
    ok(s.fulfil_sign("p2", sid, sig))
    assert s.sign_req(sid).status == "SIGN_REQUEST_STATUS_FULFILLED"


def test_zrchain_vector_65_byte_signature(tmp_path) -> None:
    """zrChain's test: a 65-byte signature ending 1b is stored with a 0/1 recovery id."""
    setup = build(tmp_path)
    try:
        digest = bytes.fromhex("e8cc5a88" + "00" * 28)
        sk = coincurve.PrivateKey(b"\x33" * 32)
        kid = setup.make_key(pubkey=sk.public_key.format())
        sid = setup.new_sign_request([kid], digest.hex())
        sig = sk.sign_recoverable(digest, hasher=None)
        sent = sig[:64] + b"\x1b"
        ok(setup.fulfil_sign("p1", sid, sent))
        assert setup.sign_req(sid).signed_data[0].signed_data[64] == sig[64]
    finally:
        setup.chain.app.close()


def test_signature_verification_failures_are_tx_errors(s: Setup) -> None:
    kid = s.make_key()
    sid = s.new_sign_request([kid], H1.hex())
    other = coincurve.PrivateKey(b"\x44" * 32).sign_recoverable(H1, hasher=None)[:64]
    before = module_state(s.chain, "treasury")
    fails(
        s.fulfil_sign("p1", sid, other),
        1,
        "undefined",
        f"signature verification failed: verifySignature- invalid signature {other.hex()} "
        f"from keyring {s.keyring}",
    )
    bad = ecdsa_sign(H1) + b"\x00"
    fails(s.fulfil_sign("p1", sid, bad), 1, "undefined", "invalid ecdsa signature")
    fails(s.fulfil_sign("p1", sid, b""), 1, "undefined", "missing signature data")
    fails(
        s.fulfil_sign("p1", sid, ecdsa_sign(H1), psig=b"x" * 22),
        1,
        "undefined",
        "invalid length of mpc party signature",
    )
    fails(
        s.fulfil_sign("p1", sid, ecdsa_sign(H1), psig=party_sig(s, "p1", KIND_KEY, sid, b"")),
        1,
        "undefined",
        "invalid mpc party signature",
    )
    assert module_state(s.chain, "treasury") == before


def test_high_s_is_refused(s: Setup) -> None:
    kid = s.make_key()
    sid = s.new_sign_request([kid], H1.hex())
    sig = ecdsa_sign(H1)
    r, low_s = sig[:32], int.from_bytes(sig[32:64], "big")
    high = r + (SECP256K1_N - low_s).to_bytes(32, "big")
    fails(s.fulfil_sign("p1", sid, high), 1, "undefined", "signature verification failed")


def test_eddsa_fulfilment(s: Setup) -> None:
    sk, pub = _ed_key()
    kid = s.make_key("ed25519", pub)
    message = b"solana message bytes"
    sid = s.new_sign_request([kid], message.hex())
    sig = sk.sign(message)
    fails(s.fulfil_sign("p1", sid, sig[:61]), 1, "undefined", "invalid eddsa signature")
    fails(s.fulfil_sign("p1", sid, ecdsa_sign(H1)[:64]), 1, "undefined", "invalid signature")
    ok(s.fulfil_sign("p1", sid, sig))
    ok(s.fulfil_sign("p2", sid, sig))
    assert s.sign_req(sid).signed_data[0].signed_data == sig


def test_bitcoin_signature_is_stored_as_low_s_der(s: Setup) -> None:
    kid = s.make_key("bitcoin")
    sid = s.new_sign_request([kid], H1.hex())
    raw = ecdsa_sign(H1)[:64]
    ok(s.fulfil_sign("p1", sid, raw))
    stored = s.sign_req(sid).signed_data[0].signed_data
    r, s_ = int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")
    assert stored == ecdsa_der(r, s_)
    assert coincurve.PublicKey(MPC_PUBKEY).verify(stored, H1, hasher=None)
    fails(
        s.fulfil_sign("p2", sid, raw + b"\x00\x00"), 1, "undefined", "ConvertECDSASigtoBitcoinSig"
    )


def _sign_with_nonce(digest: bytes, k: int, secret: bytes = MPC_SECRET) -> bytes:
    """A valid low-S ECDSA signature with a chosen nonce (a second valid answer)."""
    n = SECP256K1_N
    d = int.from_bytes(secret, "big")
    r = (
        int.from_bytes(
            coincurve.PrivateKey(k.to_bytes(32, "big")).public_key.format(False)[1:33], "big"
        )
        % n
    )
    s_ = pow(k, -1, n) * (int.from_bytes(digest, "big") + r * d) % n
    s_ = min(s_, n - s_)
    return r.to_bytes(32, "big") + s_.to_bytes(32, "big")


def test_signed_data_mismatch_rejects(s: Setup) -> None:
    """Two valid but different signatures: the parties disagree, the request is rejected
    (and refunded); honest deterministic signers always agree."""
    kid = s.make_key()
    sid = s.new_sign_request([kid], H1.hex())
    one, two = _sign_with_nonce(H1, 12345), _sign_with_nonce(H1, 67890)
    assert one != two
    ok(s.fulfil_sign("p1", sid, one))
    res = ok(s.fulfil_sign("p2", sid, two))
    assert events(res, "sign_request_rejected") == [{"request_id": str(sid)}]
    r = s.sign_req(sid)
    assert r.status == "SIGN_REQUEST_STATUS_REJECTED"
    assert r.reject_reason == f"signed data mismatch, expected {one.hex()}, got {two.hex()}"


def test_explicit_rejection_and_non_party(s: Setup) -> None:
    kid = s.make_key()
    sid = s.new_sign_request([kid], H1.hex())
    before = module_state(s.chain, "treasury")
    fails(s.reject_sign("outsider", sid), 1, "undefined", "only one party")
    assert module_state(s.chain, "treasury") == before
    res = ok(s.reject_sign("p1", sid, "test"))
    assert events(res, "sign_request_rejected") == [{"request_id": str(sid)}]
    r = s.sign_req(sid)
    assert (r.status, r.reject_reason) == ("SIGN_REQUEST_STATUS_REJECTED", "test")
    sid = s.new_sign_request([kid], H2.hex())
    ok(s.reject_sign("p1", sid, ""))
    assert s.sign_req(sid).reject_reason == "rejected with no reason provided"


def test_status_and_request_errors(s: Setup) -> None:
    kid = s.make_key()
    sid = s.new_sign_request([kid], H1.hex())
    fails(
        s.fulfil_sign("p1", sid, ecdsa_sign(H1), status=0),
        1,
        "undefined",
        "invalid status field SIGN_REQUEST_STATUS_UNSPECIFIED",
    )
    fails(s.fulfil_sign("p1", 9999, ecdsa_sign(H1)), 1, "undefined", "request not found")
    msg = ttx.MsgFulfilSignatureRequest(
        creator=s.addr("p1"),
        request_id=sid,
        status=mpcsign_pb2.SIGN_REQUEST_STATUS_REJECTED,
        reject_reason="x" * 513,
    )
    fails(s.run("p1", msg), 18, "sdk", "invalid reject reason, max len is 512")
    # PARTIAL from a party is treated like FULFILLED
    ok(s.fulfil_sign("p1", sid, ecdsa_sign(H1), status=mpcsign_pb2.SIGN_REQUEST_STATUS_PARTIAL))
    assert s.sign_req(sid).status == "SIGN_REQUEST_STATUS_PARTIAL"


# -- parent / child ------------------------------------------------------------------------------
def test_children_complete_the_parent(s: Setup) -> None:
    kid = s.make_key()
    sid = s.new_sign_request([kid, kid], f"{H1.hex()},{H2.hex()}")
    c1, c2 = s.sign_req(sid).child_req_ids
    fails(s.fulfil_sign("p1", sid, ecdsa_sign(H1)), 1, "undefined", "is a parent request")
    for p in ("p1", "p2"):
        ok(s.fulfil_sign(p, c2, ecdsa_sign(H2)))
    parent = s.sign_req(sid)
    assert parent.status == "SIGN_REQUEST_STATUS_PENDING"
    assert [d.sign_request_id for d in parent.signed_data] == [c2]
    ok(s.fulfil_sign("p1", c1, ecdsa_sign(H1)))
    res = ok(s.fulfil_sign("p2", c1, ecdsa_sign(H1)))
    assert events(res, "sign_request_fulfilled") == [
        {"request_id": str(c1)},
        {"request_id": str(sid)},
    ]
    parent = s.sign_req(sid)
    assert parent.status == "SIGN_REQUEST_STATUS_FULFILLED"
    assert [(d.sign_request_id, d.signed_data) for d in parent.signed_data] == [
        (c1, ecdsa_sign(H1)),
        (c2, ecdsa_sign(H2)),
    ]


def test_identical_child_signatures_still_complete(s: Setup) -> None:
    """zrChain dedupes by bytes and never completes such a parent; we count children."""
    kid = s.make_key()
    sid = s.new_sign_request([kid, kid], f"{H1.hex()},{H1.hex()}")
    for cid in s.sign_req(sid).child_req_ids:
        for p in ("p1", "p2"):
            ok(s.fulfil_sign(p, cid, ecdsa_sign(H1)))
    assert s.sign_req(sid).status == "SIGN_REQUEST_STATUS_FULFILLED"
    assert len(s.sign_req(sid).signed_data) == 2


def test_child_rejection_closes_the_tree(s: Setup) -> None:
    kid = s.make_key()
    sid = s.new_sign_request([kid, kid, kid], f"{H1.hex()},{H2.hex()},{H1.hex()}")
    c1, c2, c3 = s.sign_req(sid).child_req_ids
    ok(s.fulfil_sign("p1", c1, ecdsa_sign(H1)))
    res = ok(s.reject_sign("p2", c2, "mpc failed"))
    assert events(res, "sign_request_rejected") == [
        {"request_id": str(c2)},
        {"request_id": str(sid)},
        {"request_id": str(c1)},
        {"request_id": str(c3)},
    ]
    parent = s.sign_req(sid)
    assert parent.status == "SIGN_REQUEST_STATUS_REJECTED"
    assert parent.reject_reason == f"Child request {c2} rejected with reason: mpc failed"
    assert s.sign_req(c3).reject_reason == f"Parent request {sid} rejected"
    # a late answer to a closed child is refused
    fails(s.fulfil_sign("p2", c1, ecdsa_sign(H1)), 1, "undefined", "is not pending/partial")


def test_mixed_key_types_keep_their_own_type(s: Setup) -> None:
    sk, pub = _ed_key()
    ed = s.make_key("ed25519", pub)
    ec = s.make_key()
    sid = s.new_sign_request([ec, ed], f"{H1.hex()},{b'msg'.hex()}")
    c1, c2 = s.sign_req(sid).child_req_ids
    assert s.sign_req(c1).key_type == "KEY_TYPE_ECDSA_SECP256K1"
    assert s.sign_req(c2).key_type == "KEY_TYPE_EDDSA_ED25519"
    for p in ("p1", "p2"):
        ok(s.fulfil_sign(p, c1, ecdsa_sign(H1)))
        ok(s.fulfil_sign(p, c2, sk.sign(b"msg")))
    assert s.sign_req(sid).status == "SIGN_REQUEST_STATUS_FULFILLED"


# -- BITCOIN_PLUS ------------------------------------------------------------------------------
BTC_TX = bytes.fromhex(
    # one input whose witness carries (amount, -, prevout script): zrChain's request format
    "02000000000101"
    + "11" * 32
    + "00000000"
    + "00"
    + "ffffffff"
    + "01"
    + "e803000000000000"
    + "16"
    + "0014"
    + "22" * 20
    + "03"
    + "08"
    + "1027000000000000"
    + "00"
    + "16"
    + "0014"
    + "33" * 20
    + "00000000"
)


def test_bitcoin_plus_checks_what_it_claims(s: Setup) -> None:
    """fix 12 of docs/COMPATIBILITY.md: a matching sighash verifies, a wrong one fails (zrChain:
    inverted)."""
    kid = s.make_key("bitcoin")
    good = bitcoin_sighashes(BTC_TX)[0]
    plus = {"verify_signing_data": BTC_TX, "verify_signing_data_version": 1}
    s.new_sign_request([kid], good.hex(), **plus)
    fails(
        s.sign_request([kid], H1.hex(), **plus),
        1,
        "undefined",
        "transaction & hash verification transaction did not verify",
    )
    fails(
        s.sign_request(
            [kid], H1.hex(), verify_signing_data=b"\x01\x02", verify_signing_data_version=1
        ),
        1,
        "undefined",
        "error whilst verifying transaction & hashes",
    )
    # version UNKNOWN: no verification
    s.new_sign_request([kid], H1.hex(), verify_signing_data=b"\x01", verify_signing_data_version=0)


def test_party_signature_binds_kind_and_request(s: Setup) -> None:
    kid = s.make_key()
    sid = s.new_sign_request([kid], H1.hex())
    sig = ecdsa_sign(H1)
    psig = party_sig(s, "p1", KIND_SIGNATURE, sid + 1, sig)
    fails(s.fulfil_sign("p1", sid, sig, psig=psig), 1, "undefined", "invalid mpc party signature")
    ok(s.fulfil_sign("p1", sid, sig, psig=party_sig(s, "p1", KIND_SIGNATURE, sid, sig)))


def test_sign_rejection_with_attested_reason(s: Setup) -> None:
    kid = s.make_key()
    sid = s.new_sign_request([kid], H1.hex())
    msg = ttx.MsgFulfilSignatureRequest(
        creator=s.addr("p2"),
        request_id=sid,
        status=mpcsign_pb2.SIGN_REQUEST_STATUS_REJECTED,
        reject_reason="policy refused",
        keyring_party_signature=party_sig(s, "p2", KIND_SIGNATURE, sid, b"policy refused"),
    )
    ok(s.run("p2", msg))
    r = s.sign_req(sid)
    assert r.reject_reason == "policy refused"
    assert [p.creator for p in r.keyring_party_sigs] == [s.addr("p2")]
