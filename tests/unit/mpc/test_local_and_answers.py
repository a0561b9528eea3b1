"""The ``local`` backend and request -> answer logic (fulfil / reject / skip)."""

from __future__ import annotations

import asyncio
import hashlib

import pytest

from zrchain.chains.keys import KeyType, verify_signature
from zrchain.codec.gen.zrchain.treasury import key_pb2, mpcsign_pb2
from zrchain.crypto import keys
from zrchain.mpc import answers as A
from zrchain.mpc.backend import (
    BackendContext,
    BadPayloadError,
    KeyRef,
    KeyringInfo,
    RefusedError,
    RequestKind,
    SessionId,
    UnknownKeyError,
    UnsupportedKeyTypeError,
    make_backend,
)
from zrchain.mpc.derivation import derive_key
from zrchain.mpc.local import LocalBackend
from zrchain.mpc.seed import Secret
from zrchain.x.treasury.party import verify_party_signature

KR = "keyring1pfnq7r04rept47gaf5cpdew2"
SEED = Secret(bytes(range(32)))
ACCOUNT = bytes([7]) * 32
PARTY = keys.account_address(keys.public_key(ACCOUNT))
CTX = BackendContext("zenrock", KeyringInfo(KR, (PARTY,), 1), PARTY)
ECDSA, EDDSA, BTC = (
    KeyType.KEY_TYPE_ECDSA_SECP256K1,
    KeyType.KEY_TYPE_EDDSA_ED25519,
    KeyType.KEY_TYPE_BITCOIN_SECP256K1,
)


def run(coro):  # type: ignore[no-untyped-def]
    return asyncio.run(coro)


@pytest.fixture
def backend() -> LocalBackend:
    b = make_backend("local", CTX, {"seed": SEED})
    assert isinstance(b, LocalBackend)
    return b


def onchain_key(kid: int, kt: KeyType) -> KeyRef:
    return KeyRef(KR, kid, kt, derive_key(SEED.reveal(), KR, kt, kid).public_key)


def test_session_identity_is_canonical() -> None:
    a = SessionId("zenrock", KR, RequestKind.SIGNATURE, 5)
    assert a.encode() == SessionId("zenrock", KR, RequestKind.SIGNATURE, 5).encode()
    others = [
        SessionId("zenrock-2", KR, RequestKind.SIGNATURE, 5),
        SessionId("zenrock", KR, RequestKind.KEY, 5),
        SessionId("zenrock", KR, RequestKind.SIGNATURE, 6),
        SessionId("zenroc", "k" + KR, RequestKind.SIGNATURE, 5),  # no ambiguity across fields
    ]
    assert len({a.digest(), *(o.digest() for o in others)}) == 5
    assert str(a) == f"zenrock/{KR}/signature/5"


def test_generate_and_public_key_per_type(backend: LocalBackend) -> None:
    for kid, kt, size in ((1, ECDSA, 33), (2, EDDSA, 32), (3, BTC, 33)):
        ref = KeyRef(KR, kid, kt)
        pub = run(backend.generate_key(CTX.session(RequestKind.KEY, kid), ref))
        assert len(pub) == size
        assert (
            pub == run(backend.public_key(ref)) == derive_key(SEED.reveal(), KR, kt, kid).public_key
        )


def test_sessions_are_checked(backend: LocalBackend) -> None:
    ref = KeyRef(KR, 1, ECDSA)
    with pytest.raises(RefusedError):
        run(backend.generate_key(SessionId("other", KR, RequestKind.KEY, 1), ref))
    with pytest.raises(RefusedError):
        run(backend.generate_key(CTX.session(RequestKind.SIGNATURE, 1), ref))
    with pytest.raises(UnknownKeyError):
        run(backend.generate_key(CTX.session(RequestKind.KEY, 2), ref))
    with pytest.raises(UnsupportedKeyTypeError):
        run(backend.public_key(KeyRef(KR, 1, KeyType.KEY_TYPE_UNSPECIFIED)))


def test_sign_refuses_foreign_keys_and_bad_payloads(backend: LocalBackend) -> None:
    session = CTX.session(RequestKind.SIGNATURE, 9)
    good = onchain_key(4, ECDSA)
    digest = hashlib.sha256(b"x").digest()
    sig = run(backend.sign(session, good, digest))
    assert verify_signature(ECDSA, good.public_key, digest, sig) == sig
    # the uncompressed form of the same key is the same key
    import coincurve

    unc = coincurve.PublicKey(good.public_key).format(compressed=False)
    assert run(backend.sign(session, KeyRef(KR, 4, ECDSA, unc), digest)) == sig
    foreign = KeyRef(KR, 4, ECDSA, keys.public_key(b"\x05" * 32))
    with pytest.raises(UnknownKeyError, match="unknown key 4"):
        run(backend.sign(session, foreign, digest))
    with pytest.raises(BadPayloadError, match="32-byte hash"):
        run(backend.sign(session, good, b"\x01" * 8))


# -- requests and answers ------------------------------------------------------------------


def key_req(
    rid: int,
    kt: str = "KEY_TYPE_ECDSA_SECP256K1",
    status: str = "KEY_REQUEST_STATUS_PENDING",
    parties=(),
):  # type: ignore[no-untyped-def]
    return key_pb2.KeyReqResponse(
        id=rid,
        keyring_addr=KR,
        workspace_addr="workspace14a2hpadpsy9h4auve2z8lw",
        key_type=kt,
        status=status,
        index=3,
        keyring_party_signatures=[
            key_pb2.PartySignature(creator=p, signature=b"s" * 64) for p in parties
        ],
    )


def sign_req(
    rid: int,
    key_ids=(1,),
    data=(b"\x01" * 32,),
    kt: str = "KEY_TYPE_ECDSA_SECP256K1",
    children=(),
    parties=(),
):  # type: ignore[no-untyped-def]
    return mpcsign_pb2.SignReqResponse(
        id=rid,
        key_ids=list(key_ids),
        key_type=kt,
        data_for_signing=list(data),
        status="SIGN_REQUEST_STATUS_PENDING",
        child_req_ids=list(children),
        keyring_party_sigs=[
            key_pb2.PartySignature(creator=p, signature=b"s" * 64) for p in parties
        ],
        mpc_btl=120,
    )


def test_request_parsing() -> None:
    r = A.Request.from_key_response(key_req(5, parties=["zen1other"]))
    assert (r.kind, r.id, r.status, r.key_type, r.index) == (
        RequestKind.KEY,
        5,
        A.Status.PENDING,
        ECDSA,
        3,
    )
    assert r.needs_answer_from(PARTY) and not r.needs_answer_from("zen1other")
    s = A.Request.from_sign_response(sign_req(6, children=[7, 8]), KR)
    assert s.aggregate and not s.needs_answer_from(PARTY) and s.mpc_btl == 120
    assert A.parse_status("SIGN_REQUEST_STATUS_PARTIAL") == A.Status.PARTIAL
    assert A.parse_status(3) == A.Status.FULFILLED
    assert A.parse_status("garbage") == A.Status.UNSPECIFIED
    closed = A.Request.from_key_response(key_req(5, status="KEY_REQUEST_STATUS_FULFILLED"))
    assert not closed.needs_answer_from(PARTY)


def _lookup(keys_: dict[int, KeyRef]):  # type: ignore[no-untyped-def]
    async def lookup(kid: int) -> KeyRef | None:
        return keys_.get(kid)

    return lookup


NO_KEYS = _lookup({})


def test_key_requests_of_each_type(backend: LocalBackend) -> None:
    for rid, kt in (
        (1, "KEY_TYPE_ECDSA_SECP256K1"),
        (2, "KEY_TYPE_EDDSA_ED25519"),
        (3, "KEY_TYPE_BITCOIN_SECP256K1"),
    ):
        req = A.Request.from_key_response(key_req(rid, kt))
        ans = run(A.answer(req, backend, NO_KEYS))
        assert ans is not None and not ans.rejected
        assert ans.result == derive_key(SEED.reveal(), KR, req.key_type, rid).public_key  # type: ignore[arg-type]


def test_unsupported_key_type_is_rejected(backend: LocalBackend) -> None:
    req = A.Request.from_key_response(key_req(4, "KEY_TYPE_UNSPECIFIED"))
    ans = run(A.answer(req, backend, NO_KEYS))
    assert ans is not None and ans.rejected and "unsupported key type" in ans.reject_reason


def test_signature_answers_and_rejections(backend: LocalBackend) -> None:
    k1, k2 = onchain_key(1, ECDSA), onchain_key(2, EDDSA)
    foreign = KeyRef(KR, 3, ECDSA, keys.public_key(b"\x09" * 32))
    lookup = _lookup({1: k1, 2: k2, 3: foreign})

    def ans(proto):  # type: ignore[no-untyped-def]
        return run(A.answer(A.Request.from_sign_response(proto, KR), backend, lookup))

    ok = ans(sign_req(10))
    assert ok is not None and not ok.rejected and len(ok.result) == 65
    assert ans(
        sign_req(11, key_ids=[2], data=[b"solana message"], kt="KEY_TYPE_EDDSA_ED25519")
    ).result
    cases = {
        "32-byte hash": sign_req(12, data=[b"\x01" * 5]),
        "unknown key 9: not found": sign_req(13, key_ids=[9]),
        "unknown key 3": sign_req(14, key_ids=[3]),
        "key type mismatch": sign_req(15, key_ids=[2], kt="KEY_TYPE_ECDSA_SECP256K1"),
        "expected one key and one data element": sign_req(
            16, key_ids=[1, 1], data=[b"\x01" * 32] * 2
        ),
    }
    for reason, proto in cases.items():
        got = ans(proto)
        assert got is not None and got.rejected and reason in got.reject_reason, (reason, got)
    assert ans(sign_req(17, key_ids=[1, 1], data=[b"\x01" * 32] * 2, children=[18, 19])) is None
    other_ring = KeyRef("keyring1k6vc6vhp6e6l3rxalue9v4ux", 4, ECDSA, b"\x02" * 33)
    assert (
        run(
            A.answer(
                A.Request.from_sign_response(sign_req(20, key_ids=[4]), KR),
                backend,
                _lookup({4: other_ring}),
            )
        )
        is None
    )


def test_messages_carry_a_verifiable_party_signature(backend: LocalBackend) -> None:
    pub = keys.public_key(ACCOUNT)
    key_ans = A.Answer(RequestKind.KEY, 5, b"\x02" * 33)
    msg = A.fulfil_msg(key_ans, PARTY, ACCOUNT, "zenrock")
    assert msg.status == key_pb2.KEY_REQUEST_STATUS_FULFILLED and msg.key.public_key == b"\x02" * 33
    assert verify_party_signature(
        pub, msg.keyring_party_signature, "zenrock", "key", 5, b"\x02" * 33
    )
    sig_ans = A.Answer(RequestKind.SIGNATURE, 6, b"\x11" * 65)
    msg = A.fulfil_msg(sig_ans, PARTY, ACCOUNT, "zenrock")
    assert (
        msg.status == mpcsign_pb2.SIGN_REQUEST_STATUS_FULFILLED and msg.signed_data == b"\x11" * 65
    )
    assert verify_party_signature(
        pub, msg.keyring_party_signature, "zenrock", "signature", 6, b"\x11" * 65
    )
    assert not verify_party_signature(
        pub, msg.keyring_party_signature, "other-chain", "signature", 6, b"\x11" * 65
    )
    rej = A.Answer(RequestKind.SIGNATURE, 7, b"", "bad payload")
    msg = A.fulfil_msg(rej, PARTY, ACCOUNT, "zenrock")
    assert (
        msg.status == mpcsign_pb2.SIGN_REQUEST_STATUS_REJECTED
        and msg.reject_reason == "bad payload"
    )
    assert len(msg.keyring_party_signature) == 64
    krej = A.fulfil_msg(A.Answer(RequestKind.KEY, 8, b"", "nope"), PARTY, ACCOUNT, "zenrock")
    assert krej.status == key_pb2.KEY_REQUEST_STATUS_REJECTED and krej.reject_reason == "nope"


def test_reject_reasons_are_clipped() -> None:
    assert len(A.clip_reason("x" * 2000).encode()) <= 512
    assert A.clip_reason("  a\n b  ") == "a b"
    assert A.clip_reason("") == "rejected by keyring party"
