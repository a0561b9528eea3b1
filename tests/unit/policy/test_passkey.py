"""Passkey sign methods and additional signatures (docs/identity-policy.md): zrChain's test vectors,
the strict CBOR reader, and a full on-chain flow with a P-256 credential of our own."""

from __future__ import annotations

import base64
import hashlib
import json

import coincurve
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from zrchain.codec.any import pack
from zrchain.codec.gen.zrchain.identity import tx_pb2 as itx
from zrchain.codec.gen.zrchain.identity import workspace_pb2
from zrchain.codec.gen.zrchain.policy import (
    action_pb2,
    additional_signature_passkey_pb2,
    sign_method_passkey_pb2,
)
from zrchain.codec.gen.zrchain.policy import query_pb2 as pq
from zrchain.codec.gen.zrchain.policy import tx_pb2 as ptx
from zrchain.codec.json import to_dict
from zrchain.testing.identity_policy import (
    ADD_OWNER_URL,
    PQ,
    action,
    approve,
    bool_policy,
    chain,
    events,
    fails,
    new_policy,
    new_workspace,
    ok,
    response,
    workspace,
)
from zrchain.testing.inproc import Wallet, make_chain
from zrchain.x.identity.types import workspace_address
from zrchain.x.policy import passkey as pk

__all__ = ["chain"]

# -- zrChain's vectors (docs/identity-policy.md the AddSignMethod keeper test)
# -------------------------
B64 = base64.b64decode
VEC_RAW_ID = b"some-passkey-id"
VEC_PARTICIPANT = "passkey{c29tZS1wYXNza2V5LWlk}"
VEC_CHALLENGE = B64("4SmZBUFhQRfG/jjWNxCbfdZyxstdOclxkGkT/3nmWOk=")
VEC_ATTESTATION = B64(
    "o2NmbXRkbm9uZWdhdHRTdG10oGhhdXRoRGF0YViYEX2C26HZXr74XcytYnlABgSk0ZjcNvHZSXM6Ejfm4y1dAAAAAPv8"
    "MAcVTk7MjAtuAgVX170AFIGqzDVypWqJMqUgI7gVXesVD/ffpQECAyYgASFYIPMPOLDaUaN8TL4B7BDt0dH1vnUFNk9P"
    "5uqej1QYOKiEIlggg27Llwf7cPImDTUUtz9zXUkrrPgOoAgDl5uQzYq2zkA="
)
VEC_AUTH_DATA = B64("EX2C26HZXr74XcytYnlABgSk0ZjcNvHZSXM6Ejfm4y0dAAAAAA==")
VEC_CLIENT_DATA = (
    b'{"type":"webauthn.get","challenge":"4SmZBUFhQRfG_jjWNxCbfdZyxstdOclxkGkT_3nmWOk",'
    b'"origin":"https://developer.mozilla.org","crossOrigin":false}'
)
VEC_SIGNATURE = B64(
    "MEYCIQDoCuL2wydyiRjbc6KCwjvowIVPxjksaGlarIf+E4c8BgIhAJrECkq4tOJ6E4/QrJjfNIARzLMa6KUwnbPsd3Kta1YQ"
)
REG_TX = B64(
    "CoEECv4DCiAvemVucm9jay5wb2xpY3kuTXNnQWRkU2lnbk1ldGhvZBLZAwoqemVuMTN5M3RtNjhnbXU5a250Y3h3dm11ZTgy"
    "cDZha2FjbnB0MnY3bnR5EqoDCiEvemVucm9jay5wb2xpY3kuU2lnbk1ldGhvZFBhc3NrZXkShAMKG1RiZlJGUDUzYTh5SlBr"
    "U0hJeXh3eWN2VFhYWRIUTbfRFP53a8yJPkSHIyxwycvTXXYatgGjY2ZtdGRub25lZ2F0dFN0bXSgaGF1dGhEYXRhWJgRfYLb"
    "odlevvhdzK1ieUAGBKTRmNw28dlJczoSN+bjLV0AAAAA+/wwBxVOTsyMC24CBVfXvQAUTbfRFP53a8yJPkSHIyxwycvTXXal"
    "AQIDJiABIVggf6JpOflG9El/S3+/YvEBT69317zGkfjG2XcvBluSMBYiWCDqkyO8H1ULfUL6lLUz7iQTC0Ilqu7Kwa8yS4nn"
    "QDsv5CKVAXsidHlwZSI6IndlYmF1dGhuLmNyZWF0ZSIsImNoYWxsZW5nZSI6IkNpRURSMExIVVVSWll6bkloMG12ajNxdXQ1"
    "V1JUZnMwYXRDOU04U2N3Ulc2RExVIiwib3JpZ2luIjoiaHR0cHM6Ly9kZXZlbG9wZXIubW96aWxsYS5vcmciLCJjcm9zc09y"
    "aWdpbiI6ZmFsc2V9ElgKUApGCh8vY29zbW9zLmNyeXB0by5zZWNwMjU2azEuUHViS2V5EiMKIQNHQsdRRFljOciHSa+Peq63"
    "lZFN+zRq0L0zxJzBFboMtRIECgIIARgBEgQQwJoMGkD3sYFTIYM+izWXmSKQ+6ouuUwHfqPT0IWqG1mFnlmzhmiyk0MMGEhv"
    "lDDX2kMvCey/B7NS1+f5V1z9uQLN1S5R"
)
REG_RAW_ID = B64("TbfRFP53a8yJPkSHIyxwycvTXXY=")
REG_CLIENT_DATA = (
    b'{"type":"webauthn.create","challenge":"CiEDR0LHUURZYznIh0mvj3qut5WRTfs0atC9M8ScwRW6DLU",'
    b'"origin":"https://developer.mozilla.org","crossOrigin":false}'
)
REG_ATTESTATION = B64(
    "o2NmbXRkbm9uZWdhdHRTdG10oGhhdXRoRGF0YViYEX2C26HZXr74XcytYnlABgSk0ZjcNvHZSXM6Ejfm4y1dAAAAAPv8"
    "MAcVTk7MjAtuAgVX170AFE230RT+d2vMiT5EhyMscMnL0112pQECAyYgASFYIH+iaTn5RvRJf0t/v2LxAU+vd9e8xpH4"
    "xtl3LwZbkjAWIlgg6pMjvB9VC31C+pS1M+4kEwtCJaruysGvMkuJ50A7L+Q="
)


def _vec_sign_method() -> sign_method_passkey_pb2.SignMethodPasskey:
    return sign_method_passkey_pb2.SignMethodPasskey(
        raw_id=VEC_RAW_ID, attestation_object=VEC_ATTESTATION, active=True
    )


def _vec_sig(**kw) -> additional_signature_passkey_pb2.AdditionalSignaturePasskey:
    base = {
        "raw_id": VEC_RAW_ID,
        "authenticator_data": VEC_AUTH_DATA,
        "client_data_json": VEC_CLIENT_DATA,
        "signature": VEC_SIGNATURE,
    }
    base.update(kw)
    return additional_signature_passkey_pb2.AdditionalSignaturePasskey(**base)


def _vec_action() -> action_pb2.Action:
    return action_pb2.Action(
        policy_data=[action_pb2.KeyValue(key="challenge-" + VEC_PARTICIPANT, value=VEC_CHALLENGE)]
    )


def test_ids() -> None:
    assert pk.config_id(VEC_RAW_ID) == "c29tZS1wYXNza2V5LWlk"
    assert pk.participant_id(VEC_RAW_ID) == VEC_PARTICIPANT
    assert pk.config_id(REG_RAW_ID) == "TbfRFP53a8yJPkSHIyxwycvTXXY"


def test_vector_signature_verifies() -> None:
    sm = _vec_sign_method()
    assert pk.verify_additional_signature(_vec_sig(), sm, _vec_action()) == VEC_PARTICIPANT
    bad = bytearray(VEC_SIGNATURE)
    bad[10] ^= 1
    assert pk.verify_additional_signature(_vec_sig(signature=bytes(bad)), sm, _vec_action()) == ""
    other = VEC_CLIENT_DATA.replace(b"4SmZ", b"5SmZ")
    assert pk.verify_additional_signature(_vec_sig(client_data_json=other), sm, _vec_action()) == ""
    assert pk.verify_additional_signature(_vec_sig(), sm, action_pb2.Action()) == ""
    # trailing bytes after the DER sequence are tolerated, as Go's asn1.Unmarshal does
    assert (
        pk.verify_additional_signature(
            _vec_sig(signature=VEC_SIGNATURE + b"\x00\x01"), sm, _vec_action()
        )
        == VEC_PARTICIPANT
    )


def test_registration_vector() -> None:
    sm = sign_method_passkey_pb2.SignMethodPasskey(
        raw_id=REG_RAW_ID, attestation_object=REG_ATTESTATION, client_data_json=REG_CLIENT_DATA
    )
    pk.verify_config(sm, REG_TX)
    with pytest.raises(pk.PasskeyError, match="no signers in tx"):
        pk.verify_config(sm, b"")
    wrong = sign_method_passkey_pb2.SignMethodPasskey(
        raw_id=REG_RAW_ID,
        attestation_object=REG_ATTESTATION,
        client_data_json=REG_CLIENT_DATA.replace(b"DLU", b"DLY"),
    )
    with pytest.raises(pk.PasskeyError, match="invalid challenge"):
        pk.verify_config(wrong, REG_TX)
    with pytest.raises(pk.PasskeyError, match="unexpected end of JSON input"):
        pk.verify_config(sign_method_passkey_pb2.SignMethodPasskey(raw_id=b"x"), REG_TX)


# -- the CBOR reader and authenticator data -------------------------------------------------------
@pytest.mark.parametrize(
    ("data", "text"),
    [
        (b"\xbf\xff", "indefinite-length"),
        (b"\xc1\x00", "tag"),
        (b"\xa2\x01\x00\x01\x00", "duplicate map key"),
        (b"\x81\x81\x81\x81\x81\x00", "exceeded max nested level 4"),
        (b"\x62\xff\xfe", "UTF-8"),
        (b"\x42\x00", "unexpected EOF"),
        (b"", "EOF"),
    ],
)
def test_cbor_strictness(data: bytes, text: str) -> None:
    with pytest.raises(pk.PasskeyError, match=text):
        pk.cbor_decode_first(data)


def test_cbor_round_trip_is_canonical() -> None:
    value = {-3: b"y", -2: b"x", 1: 2, 3: -7, -1: 1, "long-key": [1, 2]}
    enc = pk.cbor_encode_ctap2(value)
    dec, n = pk.cbor_decode_first(enc + b"trailing")
    assert n == len(enc) and dec == value
    # length-first key order: 1, 3, -1, -2, -3 (one byte each, by value) then the text key
    assert enc[1:2] == b"\x01"


def _auth_data(flags: int, tail: bytes = b"") -> bytes:
    return b"\x11" * 32 + bytes([flags]) + b"\x00\x00\x00\x01" + tail


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        (b"\x00" * 36, "invalid auth data, len < 37"),
        (_auth_data(0x41), "attested credential flag set but data is missing"),
        (_auth_data(0x01, b"\x00"), "attested credential flag not set"),
        (_auth_data(0x41, b"\x00" * 16 + b"\x00\x09" + b"ab"), "length too short"),
        (_auth_data(0x41, b"\x00" * 16 + b"\x04\x00" + b"a" * 1024 + b"\xa0"), "too long"),
        (_auth_data(0x41, b"\x00" * 16 + b"\x00\x01" + b"a" + b"\xa0\x00"), "leftover bytes"),
        (_auth_data(0x41, b"\x00" * 16 + b"\x00\x01" + b"a" + b"\xff"), "Credential Public Key"),
    ],
)
def test_auth_data_errors(raw: bytes, text: str) -> None:
    with pytest.raises(pk.PasskeyError, match=text):
        pk.parse_auth_data(raw)


def test_auth_data_extensions() -> None:
    assert pk.parse_auth_data(_auth_data(0x81, b"\xa0")).flags == 0x81
    with pytest.raises(pk.PasskeyError, match="extensions flag set but extensions data is missing"):
        pk.parse_auth_data(_auth_data(0x80))


def test_attestation_none_with_statement_rejected() -> None:
    att = pk.cbor_encode_ctap2({"fmt": "none", "attStmt": {"x": 1}, "authData": _auth_data(0x01)})
    sm = sign_method_passkey_pb2.SignMethodPasskey(
        raw_id=REG_RAW_ID, attestation_object=att, client_data_json=REG_CLIENT_DATA
    )
    with pytest.raises(pk.PasskeyError, match="attestation format none with attestation"):
        pk.verify_config(sm, REG_TX)


# -- on chain: zrChain's approval vector, injected through genesis --------------------------------
def test_vector_approval_on_chain(tmp_path) -> None:
    alice = Wallet(coincurve.PrivateKey(bytes([1]) * 32)).address
    bob = Wallet(coincurve.PrivateKey(bytes([2]) * 32)).address
    ws = workspace_address(1)
    definition = f"{alice} + {VEC_PARTICIPANT} > 1"

    def genesis(state: dict) -> None:
        state["identity"]["workspaces"] = [
            to_dict(
                workspace_pb2.Workspace(
                    address=ws, creator=alice, owners=[alice], admin_policy_id=1
                )
            )
        ]
        pol = {
            "creator": alice,
            "id": "1",
            "name": "vector",
            "btl": "1000",
            "policy": {
                "@type": "/zrchain.policy.BoolparserPolicy",
                **to_dict(bool_policy(definition, [alice, VEC_PARTICIPANT])),
            },
        }
        add = itx.MsgAddWorkspaceOwner(creator=alice, workspace_addr=ws, new_owner=bob)
        act = action_pb2.Action(
            id=1,
            approvers=[alice],
            status=action_pb2.ACTION_STATUS_PENDING,
            policy_id=1,
            msg=pack(add),
            creator=alice,
            btl=1000,
            policy_data=[
                action_pb2.KeyValue(key="challenge-" + VEC_PARTICIPANT, value=VEC_CHALLENGE)
            ],
        )
        state["policy"]["policies"] = [pol]
        state["policy"]["actions"] = [to_dict(act)]
        state["policy"]["sign_methods"] = [
            {
                "owner": alice,
                "id": "c29tZS1wYXNza2V5LWlk",
                "config": to_dict(pack(_vec_sign_method())),
            }
        ]

    c = make_chain(
        tmp_path / "db",
        {"alice": "100000000000urock", "bob": "100000000000urock"},
        app_state=genesis,
    )
    try:
        a = c.wallets["alice"]
        # a corrupted signature: the approval succeeds, only alice counts
        bad = bytearray(VEC_SIGNATURE)
        bad[-1] ^= 1
        res = approve(c, a, 1, additional_signatures=[pack(_vec_sig(signature=bytes(bad)))])
        assert response(res, ptx.MsgApproveActionResponse).status == "ACTION_STATUS_PENDING"
        other = VEC_CLIENT_DATA.replace(b"4SmZ", b"5SmZ")
        res = approve(c, a, 1, additional_signatures=[pack(_vec_sig(client_data_json=other))])
        assert response(res, ptx.MsgApproveActionResponse).status == "ACTION_STATUS_PENDING"
        assert list(action(c, 1).approvers) == [alice]
        res = approve(c, a, 1, additional_signatures=[pack(_vec_sig())])
        assert response(res, ptx.MsgApproveActionResponse).status == "ACTION_STATUS_COMPLETED"
        assert list(action(c, 1).approvers) == [alice, VEC_PARTICIPANT]
        assert list(workspace(c, ws).owners) == [alice, bob]
        assert events(res, "owner_added_to_workspace") == [
            {"workspace_addr": ws, "owner_addr": bob}
        ]
    finally:
        c.app.close()


# -- on chain: register a credential, then approve with it -------------------------------------
KEY = ec.derive_private_key(0x5EED, ec.SECP256R1())
RAW_ID = b"our-credential"


def _attestation() -> bytes:
    nums = KEY.public_key().public_numbers()
    cose = pk.cbor_encode_ctap2(
        {1: 2, 3: -7, -1: 1, -2: nums.x.to_bytes(32, "big"), -3: nums.y.to_bytes(32, "big")}
    )
    auth = _auth_data(0x41, b"\x00" * 16 + len(RAW_ID).to_bytes(2, "big") + RAW_ID + cose)
    return pk.cbor_encode_ctap2({"fmt": "none", "attStmt": {}, "authData": auth})


def _register(chain, w) -> str:
    pub_any_value = b"\x0a\x21" + w.pubkey  # cosmos.crypto.secp256k1.PubKey{key}
    cdj = json.dumps({"type": "webauthn.create", "challenge": pk.b64url(pub_any_value)}).encode()
    sm = sign_method_passkey_pb2.SignMethodPasskey(
        raw_id=RAW_ID, attestation_object=_attestation(), client_data_json=cdj
    )
    ok(chain.run(w, [ptx.MsgAddSignMethod(creator=w.address, config=pack(sm))]))
    return pk.participant_id(RAW_ID)


def _assertion(challenge: bytes, corrupt: bool = False):
    auth = _auth_data(0x05)
    cdj = json.dumps({"type": "webauthn.get", "challenge": pk.b64url(challenge)}).encode()
    sig = KEY.sign(auth + hashlib.sha256(cdj).digest(), ec.ECDSA(hashes.SHA256()))
    if corrupt:
        sig = sig[:-1] + bytes([sig[-1] ^ 1])
    return pack(
        additional_signature_passkey_pb2.AdditionalSignaturePasskey(
            raw_id=RAW_ID, authenticator_data=auth, client_data_json=cdj, signature=sig
        )
    )


def test_passkey_flow_on_chain(chain) -> None:
    a, b = chain.wallets["alice"], chain.wallets["bob"]
    p = _register(chain, a)
    listed = chain.q(
        PQ + "SignMethodsByAddress",
        pq.QuerySignMethodsByAddressRequest(address=a.address),
        pq.QuerySignMethodsByAddressResponse,
    )
    assert len(listed.config) == 1
    stored = sign_method_passkey_pb2.SignMethodPasskey.FromString(listed.config[0].value)
    assert stored.active and stored.raw_id == RAW_ID
    pid = new_policy(chain, a, f"{a.address} + {p} > 1", [a.address, p])
    ws = new_workspace(chain, a, admin=pid)  # the passkey of an owner counts as an owner
    res = ok(
        chain.run(
            a, [itx.MsgAddWorkspaceOwner(creator=a.address, workspace_addr=ws, new_owner=b.address)]
        )
    )
    assert [e["participant_addr"] for e in events(res, "new_action")] == [a.address, p]
    act = action(chain, 1)
    challenge = {kv.key: kv.value for kv in act.policy_data}["challenge-" + p]
    assert len(challenge) == 32
    res = approve(chain, a, 1, additional_signatures=[_assertion(challenge, corrupt=True)])
    assert response(res, ptx.MsgApproveActionResponse).status == "ACTION_STATUS_PENDING"
    unknown = _assertion(challenge)
    sig = additional_signature_passkey_pb2.AdditionalSignaturePasskey.FromString(unknown.value)
    sig.raw_id = b"someone-else"
    fails(approve(chain, a, 1, additional_signatures=[pack(sig)]), 1, "undefined", "not found")
    res = approve(chain, a, 1, additional_signatures=[_assertion(challenge)])
    assert response(res, ptx.MsgApproveActionResponse).status == "ACTION_STATUS_COMPLETED"
    assert list(action(chain, 1).approvers) == [a.address, p]
    assert list(workspace(chain, ws).owners) == [a.address, b.address]
    # a removed (deactivated) sign method is kept, listed, and ignored by approvals
    ok(chain.run(a, [ptx.MsgRemoveSignMethod(creator=a.address, id=pk.config_id(RAW_ID))]))
    listed = chain.q(
        PQ + "SignMethodsByAddress",
        pq.QuerySignMethodsByAddressRequest(address=a.address),
        pq.QuerySignMethodsByAddressResponse,
    )
    assert not sign_method_passkey_pb2.SignMethodPasskey.FromString(listed.config[0].value).active
    c = chain.wallets["carol"]
    ok(
        chain.run(
            a, [itx.MsgAddWorkspaceOwner(creator=a.address, workspace_addr=ws, new_owner=c.address)]
        )
    )
    challenge = {kv.key: kv.value for kv in action(chain, 2).policy_data}["challenge-" + p]
    res = approve(chain, a, 2, additional_signatures=[_assertion(challenge)])
    assert response(res, ptx.MsgApproveActionResponse).status == "ACTION_STATUS_PENDING"
    assert ADD_OWNER_URL


def test_same_config_registered_by_two_owners(chain) -> None:
    a, b = chain.wallets["alice"], chain.wallets["bob"]
    _register(chain, a)
    _register(chain, b)
    for w in (a, b):
        listed = chain.q(
            PQ + "SignMethodsByAddress",
            pq.QuerySignMethodsByAddressRequest(address=w.address),
            pq.QuerySignMethodsByAddressResponse,
        )
        assert len(listed.config) == 1


def test_short_public_key_fails_the_approval_cleanly() -> None:
    """zrChain panics on a COSE key without 64 bytes of x ‖ y; we refuse with an error."""
    cose = pk.cbor_encode_ctap2({1: 2, 3: -7, -1: 1, -2: b"\x01" * 32})
    auth = _auth_data(0x41, b"\x00" * 16 + b"\x00\x01" + b"k" + cose)
    att = pk.cbor_encode_ctap2({"fmt": "none", "attStmt": {}, "authData": auth})
    sm = sign_method_passkey_pb2.SignMethodPasskey(raw_id=b"k", attestation_object=att, active=True)
    challenge = b"\x07" * 32
    act = action_pb2.Action(
        policy_data=[
            action_pb2.KeyValue(key="challenge-" + pk.participant_id(b"k"), value=challenge)
        ]
    )
    cdj = json.dumps({"challenge": pk.b64url(challenge)}).encode()
    sig = additional_signature_passkey_pb2.AdditionalSignaturePasskey(
        raw_id=b"k",
        authenticator_data=_auth_data(0x05),
        client_data_json=cdj,
        signature=b"\x30\x00",
    )
    with pytest.raises(pk.PasskeyError, match="must be 64 bytes"):
        pk.verify_additional_signature(sig, sm, act)


def test_all_sign_methods_of_an_owner_count_as_owner_passkeys(tmp_path) -> None:
    """zrChain looks at the first 100 sign methods per owner; we look at all of them."""
    alice = Wallet(coincurve.PrivateKey(bytes([1]) * 32)).address
    methods = [
        {
            "owner": alice,
            "id": f"id{i:03d}",
            "config": to_dict(
                pack(
                    sign_method_passkey_pb2.SignMethodPasskey(
                        raw_id=f"id{i:03d}".encode(), active=True
                    )
                )
            ),
        }
        for i in range(101)
    ]
    last = pk.participant_id(b"id100")

    def genesis(state: dict) -> None:
        state["policy"]["sign_methods"] = methods

    c = make_chain(tmp_path / "db", {"alice": "100000000000urock"}, app_state=genesis)
    try:
        a = c.wallets["alice"]
        pid = new_policy(c, a, f"{alice} + {last} > 1", [alice, last])
        assert new_workspace(c, a, admin=pid)
    finally:
        c.app.close()


# -- bounds (issue 11) ---------------------------------------------------------------------------
def test_deeply_nested_client_data_is_a_clean_error_not_a_recursion_error() -> None:
    """Python's json recurses per level (RecursionError near 1000, depending on the stack):
    client data nested deeper than 64 levels is refused before parsing, in registration and
    in approvals alike."""
    deep = b'{"challenge": "x", "y": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    sm = sign_method_passkey_pb2.SignMethodPasskey(
        raw_id=REG_RAW_ID, attestation_object=REG_ATTESTATION, client_data_json=deep
    )
    with pytest.raises(pk.PasskeyError, match="nested deeper than 64"):
        pk.verify_config(sm, REG_TX)
    assert pk.verify_additional_signature(_vec_sig(client_data_json=deep), _vec_sign_method(),
                                          _vec_action()) == ""  # fmt: skip
    shallow = b'{"challenge": "x", "y": ' + b"[" * 63 + b"]" * 63 + b"}"  # parsed: bad challenge
    with pytest.raises(pk.PasskeyError, match="illegal base64"):
        pk.verify_config(
            sign_method_passkey_pb2.SignMethodPasskey(
                raw_id=REG_RAW_ID, attestation_object=REG_ATTESTATION, client_data_json=shallow
            ),
            REG_TX,
        )


def test_passkey_work_is_charged_before_it_is_done(chain, monkeypatch) -> None:
    from zrchain.gas import PAYLOAD_COST_PER_BYTE, SIG_VERIFY_COST_SECP256R1, GasMeter

    charged: list[tuple[str, int]] = []
    real = GasMeter.consume

    def recording(self: GasMeter, amount: int, descriptor: str) -> None:
        charged.append((descriptor, amount))
        real(self, amount, descriptor)

    a = chain.wallets["alice"]
    monkeypatch.setattr(GasMeter, "consume", recording)
    p = _register(chain, a)
    sizes = [n for d, n in charged if d == "passkey payload"]
    assert sizes and sizes[0] >= PAYLOAD_COST_PER_BYTE * len(_attestation())
    pid = new_policy(chain, a, f"{a.address} + {p} > 1", [a.address, p])
    ws = new_workspace(chain, a, admin=pid)
    b = chain.wallets["bob"]
    ok(chain.run(a, [itx.MsgAddWorkspaceOwner(creator=a.address, workspace_addr=ws,
                                              new_owner=b.address)]))  # fmt: skip
    challenge = {kv.key: kv.value for kv in action(chain, 1).policy_data}["challenge-" + p]
    charged.clear()
    approve(chain, a, 1, additional_signatures=[_assertion(challenge, corrupt=True)])
    assert ("passkey signature", SIG_VERIFY_COST_SECP256R1) in charged
