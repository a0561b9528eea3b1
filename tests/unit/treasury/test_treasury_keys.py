"""MsgNewKeyRequest (normal path) and MsgFulfilKeyRequest: docs/treasury.md,
zrChain's Go tests, with fixes 1 (parties only, checks first), 2 (party signatures) and 3
(keys) of docs/COMPATIBILITY.md."""

from __future__ import annotations

import coincurve
import pytest
from treasury_testkit import MPC_PUBKEY, TQ, Setup, build, party_sig

from zrchain.codec.gen.zrchain.identity import tx_pb2 as itx
from zrchain.codec.gen.zrchain.policy import query_pb2 as pq
from zrchain.codec.gen.zrchain.treasury import key_pb2
from zrchain.codec.gen.zrchain.treasury import query_pb2 as q
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

NEW_KEY_URL = "/zrchain.treasury.MsgNewKeyRequest"


@pytest.fixture
def s(tmp_path) -> Setup:
    setup = build(tmp_path)
    yield setup
    setup.chain.app.close()


def _action(s: Setup, aid: int):
    return s.chain.q(
        "/zrchain.policy.Query/ActionDetailsById",
        pq.QueryActionDetailsByIdRequest(id=aid),
        pq.QueryActionDetailsByIdResponse,
    ).action


# -- MsgNewKeyRequest --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("key_type", "expected"),
    [
        ("ecdsa", "KEY_TYPE_ECDSA_SECP256K1"),
        ("ed25519", "KEY_TYPE_EDDSA_ED25519"),
        ("eddsa", "KEY_TYPE_EDDSA_ED25519"),
        ("bitcoin", "KEY_TYPE_BITCOIN_SECP256K1"),
        ("btc", "KEY_TYPE_BITCOIN_SECP256K1"),
    ],
)
def test_new_key_request_creates_pending_request(s: Setup, key_type: str, expected: str) -> None:
    res = ok(s.key_request(key_type=key_type, btl=1000, mpc_btl=10, index=7))
    rid = response(res, ttx.MsgNewKeyRequestResponse).key_req_id
    assert rid == 1
    assert events(res, "new_key_request") == [{"request_id": "1"}]
    height = s.chain.height
    r = s.key_req(1)
    assert (r.creator, r.workspace_addr, r.keyring_addr) == (
        s.addr("alice"),
        s.workspace,
        s.keyring,
    )
    assert r.key_type == expected
    assert r.status == "KEY_REQUEST_STATUS_PENDING"
    assert r.index == 7
    assert r.mpc_btl == height + 20  # msg.mpc_btl is ignored; default_btl 0 means 20
    assert _action(s, 1).btl == height + 1000  # btl is the policy action's lifetime


def test_new_key_request_ids_increase(s: Setup) -> None:
    assert [s.new_key_request() for _ in range(3)] == [1, 2, 3]


def test_workspace_sign_policy_governs_key_creation(s: Setup) -> None:
    alice, bob = s.w("alice"), s.w("bob")
    pid = new_policy(
        s.chain, alice, f"{alice.address} + {bob.address} > 1", [alice.address, bob.address]
    )
    ws = new_workspace(s.chain, alice, bob.address, sign=pid)
    res = ok(s.key_request(workspace_addr=ws))
    # policy not yet satisfied: zero id, nothing created
    assert response(res, ttx.MsgNewKeyRequestResponse).key_req_id == 0
    assert events(res, "new_key_request") == []
    aid = int(events(res, "new_action")[0]["action_id"])
    res = ok(approve(s.chain, bob, aid, NEW_KEY_URL))
    assert events(res, "new_key_request") == [{"request_id": "1"}]
    assert s.key_req(1).workspace_addr == ws
    assert s.key_req(1).creator == alice.address  # the original creator


@pytest.mark.parametrize(
    ("field", "value", "code", "codespace", "text"),
    [
        ("workspace_addr", "notAWorkspace", 7, "sdk", "invalid workspace address"),
        ("workspace_addr", "invalid", 7, "sdk", "invalid workspace address"),
        ("keyring_addr", "invalid", 7, "sdk", "invalid keyring address"),
        ("key_type", "invalid", 18, "sdk", "invalid keytype invalid, valid types"),
        ("key_type", "ECDSA", 18, "sdk", "invalid keytype ECDSA"),
        (
            "workspace_addr",
            "workspace14a2hpadpsy9h4auve2z8lw",
            1,
            "undefined",
            "workspace workspace14a2hpadpsy9h4auve2z8lw not found",
        ),
        ("sign_policy_id", 1, 1, "undefined", "not found"),
    ],
)
def test_new_key_request_errors(s: Setup, field, value, code, codespace, text) -> None:
    kw = {"key_type": "ecdsa", field: value}
    key_type = kw.pop("key_type")
    before = module_state(s.chain, "treasury")
    fails(s.key_request(key_type=key_type, **kw), code, codespace, text)
    assert module_state(s.chain, "treasury") == before


def test_new_key_request_wrong_length_workspace(s: Setup) -> None:
    from zrchain.codec.address import encode

    addr = encode("workspace", bytes(11))
    fails(s.key_request(workspace_addr=addr), 7, "sdk", "workspace address length 11 is invalid")


def test_new_key_request_inactive_keyring_and_non_owner(s: Setup) -> None:
    fails(s.key_request("bob"), 1, "undefined", "is not an owner of this workspace")
    alice = s.w("alice")
    ok(s.run("alice", itx.MsgDeactivateKeyring(creator=alice.address, keyring_addr=s.keyring)))
    fails(s.key_request(), 1, "undefined", f"keyring {s.keyring} is nil or is inactive")


# -- MsgFulfilKeyRequest ------------------------------------------------------------------------
def test_threshold_two_partial_then_fulfilled(s: Setup) -> None:
    rid = s.new_key_request()
    res = ok(s.fulfil_key("p1", rid))
    assert events(res, "key_request_fulfilled") == [{"request_id": str(rid)}]
    r = s.key_req(rid)
    assert r.status == "KEY_REQUEST_STATUS_PARTIAL"
    assert r.public_key == MPC_PUBKEY
    assert [p.creator for p in r.keyring_party_signatures] == [s.addr("p1")]
    kq = s.chain.query_raw(TQ + "KeyByID", q.QueryKeyByIDRequest(id=rid))
    assert kq.code != 0  # no key yet
    res = ok(s.fulfil_key("p2", rid))
    assert events(res, "key_request_fulfilled") == [{"request_id": str(rid)}]
    r = s.key_req(rid)
    assert r.status == "KEY_REQUEST_STATUS_FULFILLED"
    assert [p.creator for p in r.keyring_party_signatures] == [s.addr("p1"), s.addr("p2")]
    key = s.key(rid).key
    assert (key.id, key.workspace_addr, key.keyring_addr, key.type) == (
        rid,
        s.workspace,
        s.keyring,
        "KEY_TYPE_ECDSA_SECP256K1",
    )
    assert key.public_key == MPC_PUBKEY
    # a third party's answer comes too late
    fails(s.fulfil_key("p3", rid), 1, "undefined", "KEY_REQUEST_STATUS_FULFILLED is not pending")


def test_threshold_one_completes_at_first_answer(s: Setup) -> None:
    alice = s.w("alice")
    ok(
        s.run(
            "alice",
            itx.MsgUpdateKeyring(
                creator=alice.address,
                keyring_addr=s.keyring,
                party_threshold=1,
                is_active=True,
                description="kr",
            ),
        )
    )
    rid = s.new_key_request()
    ok(s.fulfil_key("p3", rid))
    assert s.key_req(rid).status == "KEY_REQUEST_STATUS_FULFILLED"


def test_uncompressed_key_is_stored_compressed_and_matches(s: Setup) -> None:
    rid = s.new_key_request()
    full = coincurve.PublicKey(MPC_PUBKEY).format(compressed=False)
    ok(s.fulfil_key("p1", rid, full))
    ok(s.fulfil_key("p2", rid, MPC_PUBKEY))  # same point, other encoding: agreement
    assert s.key(rid).key.public_key == MPC_PUBKEY


def test_non_party_and_checks_first(s: Setup) -> None:
    """fix 1 of docs/COMPATIBILITY.md: a non-party is refused before anything else, whatever it
    sends."""
    rid = s.new_key_request()
    before = module_state(s.chain, "treasury")
    fails(s.fulfil_key("outsider", rid), 1, "undefined", "only one party of the keyring")
    fails(s.reject_key("outsider", rid), 1, "undefined", "only one party of the keyring")
    # zrChain would reject the request for a 10-byte party signature from anyone
    fails(s.fulfil_key("outsider", rid, psig=b"x" * 10), 1, "undefined", "only one party")
    assert module_state(s.chain, "treasury") == before
    ok(s.fulfil_key("p1", rid))
    ok(s.fulfil_key("p2", rid))
    before = module_state(s.chain, "treasury")
    fails(s.fulfil_key("outsider", rid, psig=b"x" * 10), 1, "undefined", "only one party")
    assert module_state(s.chain, "treasury") == before
    assert s.key_req(rid).status == "KEY_REQUEST_STATUS_FULFILLED"


def test_second_answer_from_same_party_is_a_tx_error(s: Setup) -> None:
    rid = s.new_key_request()
    ok(s.fulfil_key("p1", rid))
    before = module_state(s.chain, "treasury")
    fails(s.fulfil_key("p1", rid), 1, "undefined", f"party {s.addr('p1')} already sent")
    fails(s.reject_key("p1", rid), 1, "undefined", "already sent a fulfilment")
    assert module_state(s.chain, "treasury") == before
    assert s.key_req(rid).status == "KEY_REQUEST_STATUS_PARTIAL"


def test_mismatching_key_rejects_the_request(s: Setup) -> None:
    rid = s.new_key_request()
    ok(s.fulfil_key("p1", rid))
    other = coincurve.PrivateKey(b"\x22" * 32).public_key.format()
    res = ok(s.fulfil_key("p2", rid, other))
    assert events(res, "key_request_rejected") == [{"request_id": str(rid)}]
    r = s.key_req(rid)
    assert r.status == "KEY_REQUEST_STATUS_REJECTED"
    assert r.reject_reason == (
        f"public key mismatch, expected {MPC_PUBKEY.hex()}, got {other.hex()}"
    )
    assert len(r.keyring_party_signatures) == 1


def test_explicit_rejection(s: Setup) -> None:
    rid = s.new_key_request()
    res = ok(s.reject_key("p1", rid, "test"))
    assert events(res, "key_request_rejected") == [{"request_id": str(rid)}]
    r = s.key_req(rid)
    assert (r.status, r.reject_reason) == ("KEY_REQUEST_STATUS_REJECTED", "test")
    rid = s.new_key_request()
    msg = ttx.MsgFulfilKeyRequest(
        creator=s.addr("p1"), request_id=rid, status=key_pb2.KEY_REQUEST_STATUS_REJECTED
    )
    ok(s.run("p1", msg))
    assert s.key_req(rid).reject_reason == "rejected with no reason provided"


@pytest.mark.parametrize(
    ("pubkey", "text"),
    [
        (
            bytes.fromhex("9a87b01a75685e094944a28b09e72ff9899c3c5742a3"),
            "invalid ecdsa_secp256k1 public key 9a87b01a75685e094944a28b09e72ff9899c3c5742a3 "
            "of length 22, expected 33 or 65 bytes",
        ),
        (b"\x02" + b"\xff" * 32, "not a point on the secp256k1 curve"),
        (b"\x04" + b"\x01" * 64, "not a point on the secp256k1 curve"),
        (b"\x02" + bytes(5) + b"\x01" * 27, "contains 5 leading zeros"),
    ],
)
def test_invalid_ecdsa_keys_are_tx_errors(s: Setup, pubkey: bytes, text: str) -> None:
    rid = s.new_key_request()
    before = module_state(s.chain, "treasury")
    fails(s.fulfil_key("p1", rid, pubkey), 1, "undefined", text)
    assert module_state(s.chain, "treasury") == before


def test_eddsa_key_checks(s: Setup) -> None:
    rid = s.new_key_request(key_type="ed25519")
    bad = bytes.fromhex("01f3b2") + b"\x42" * 30
    fails(s.fulfil_key("p1", rid, bad), 1, "undefined", "of length 33, expected 32 bytes")
    fails(s.fulfil_key("p1", rid, bytes(32)), 1, "undefined", "eddsa_ed25519 public key")
    good = bytes.fromhex("29dbaad675878b2f16cb14827a4c1a41bbd63c3b601bdc5e277d00b120ffeece")
    ok(s.fulfil_key("p1", rid, good))
    ok(s.fulfil_key("p2", rid, good))
    assert s.key(rid).key.public_key == good


def test_missing_key_and_bad_status(s: Setup) -> None:
    rid = s.new_key_request()
    msg = ttx.MsgFulfilKeyRequest(
        creator=s.addr("p1"),
        request_id=rid,
        status=key_pb2.KEY_REQUEST_STATUS_FULFILLED,
        keyring_party_signature=party_sig(s, "p1", KIND_KEY, rid, b""),
    )
    fails(s.run("p1", msg), 1, "undefined", "invalid or missing public key")
    msg.status = key_pb2.KEY_REQUEST_STATUS_UNSPECIFIED
    fails(s.run("p1", msg), 1, "undefined", "invalid status field")
    msg.request_id = 999
    fails(s.run("p1", msg), 1, "undefined", "request 999 not found")


def test_party_signature_is_verified(s: Setup) -> None:
    """fix 2 of docs/COMPATIBILITY.md: 64 bytes, by the responding party's key, over the canonical
    payload."""
    rid = s.new_key_request()
    fails(s.fulfil_key("p1", rid, psig=b""), 1, "undefined", "should be 64 bytes, is 0")
    fails(
        s.fulfil_key("p1", rid, psig=b"InvalidLengthSignature"),
        1,
        "undefined",
        "should be 64 bytes, is 22",
    )
    wrong = [
        party_sig(s, "p2", KIND_KEY, rid, MPC_PUBKEY),  # another party's key
        party_sig(s, "p1", KIND_SIGNATURE, rid, MPC_PUBKEY),  # other kind
        party_sig(s, "p1", KIND_KEY, rid + 1, MPC_PUBKEY),  # other request
        party_sig(s, "p1", KIND_KEY, rid, MPC_PUBKEY[:-1] + b"\x00"),  # other result
        b"\x01" * 64,
    ]
    for psig in wrong:
        fails(s.fulfil_key("p1", rid, psig=psig), 1, "undefined", "invalid mpc party signature")
    assert s.key_req(rid).status == "KEY_REQUEST_STATUS_PENDING"
    ok(s.fulfil_key("p1", rid))
    stored = s.key_req(rid).keyring_party_signatures[0]
    assert stored.signature == party_sig(s, "p1", KIND_KEY, rid, MPC_PUBKEY)


def test_inactive_keyring_refuses_answers_without_changing_state(s: Setup) -> None:
    rid = s.new_key_request()
    alice = s.w("alice")
    ok(s.run("alice", itx.MsgDeactivateKeyring(creator=alice.address, keyring_addr=s.keyring)))
    before = module_state(s.chain, "treasury")
    fails(s.fulfil_key("p1", rid), 1, "undefined", "is nil or is inactive")
    fails(s.reject_key("outsider", rid), 1, "undefined", "is nil or is inactive")
    assert module_state(s.chain, "treasury") == before


def test_rejection_may_carry_an_attested_reason(s: Setup) -> None:
    rid = s.new_key_request()
    msg = ttx.MsgFulfilKeyRequest(
        creator=s.addr("p1"),
        request_id=rid,
        status=key_pb2.KEY_REQUEST_STATUS_REJECTED,
        reject_reason="dkg failed",
        keyring_party_signature=party_sig(s, "p1", KIND_KEY, rid, b"other reason"),
    )
    fails(s.run("p1", msg), 1, "undefined", "invalid mpc party signature")
    msg.keyring_party_signature = party_sig(s, "p1", KIND_KEY, rid, b"dkg failed")
    ok(s.run("p1", msg))
    r = s.key_req(rid)
    assert r.reject_reason == "dkg failed"
    assert [(p.creator, p.signature) for p in r.keyring_party_signatures] == [
        (s.addr("p1"), bytes(msg.keyring_party_signature))
    ]
