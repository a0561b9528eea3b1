"""The threshold library (``zrchain_tss``): FROST(Ed25519) against RFC 9591's published
vectors, DKLs23 keygen and signing checked with coincurve and eth-account, refresh, the
session binding of every message, typed errors and no panic across the FFI."""

from __future__ import annotations

import hashlib
import itertools
import os
from typing import Any

import coincurve
import pytest
import zrchain_tss as tss
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from eth_account import Account
from eth_utils import keccak, to_checksum_address

from zrchain.chains.evm import evm_address

SECP_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141

# RFC 9591, Appendix E.1: FROST(Ed25519, SHA-512), 2-of-3, signers 1 and 3, message "test".
RFC = {
    "group_public_key": "15d21ccd7ee42959562fc8aa63224c8851fb3ec85a3faf66040d380fb9738673",
    "message": "74657374",
    "shares": {
        1: "929dcc590407aae7d388761cddb0c0db6f5627aea8e217f4a033f2ec83d93509",
        2: "a91e66e012e4364ac9aaa405fcafd370402d9859f7b6685c07eed76bf409e80d",
        3: "d3cb090a075eb154e82fdb4b3cb507f110040905468bb9c46da8bdea643a9a02",
    },
    "nonces": {
        1: ("ef6599dea4010581a72b3018c37c29a4341d7cab0773e8687ca74dcf14009701",
            "2baadfa0c69aa60d517ad4751de372a73f9d89cfc39026601f18458cdec12605"),
        3: ("80f8d9a4b8f9366e1a0b618107c907cd3ee29fa9bb40b4691cc1bde696240005",
            "2610b664a5a187b4855e87d2ff485bebdf043dc2f161fcd4854cd01dc0276404"),
    },
    "commitments": {
        1: ("9b116f12589591a7e23fe8048059ab10ab48e67739e7a2fb3890f61a7999478c",
            "c39b66b7dfccb122da24f13587f9a08c4347cae70046ca15169adf90ba65854d"),
        3: ("e679a2a971748ccfaabead4dbe8ac1def61275c186c79d471e1e45091ad1e687",
            "b2a942478453fabb6bd3181c56ba657413447b4136e1daea2484d396d1a516b3"),
    },
    "sig_shares": {
        1: "60997f0142e43e8005027fe5ab7447dac00d22c2d7ddd9571a02613ba7d81c08",
        3: "79390e78bc59699c7af831f8f5fb478ec871a85f561a8641b5670ac4443f720f",
    },
    "signature": "154fb694ee7fcb37bf2381d94488c2a84b03b3352ad085feca81ad26d45852b7"
    "ecfe971ce4da95c4a95db93ac376b053897fca212ef85f99cf696bffeb178f07",
}  # fmt: skip

B = bytes.fromhex


def _commitments() -> dict[int, tuple[bytes, bytes]]:
    return {i: (B(h), B(b)) for i, (h, b) in RFC["commitments"].items()}


def test_frost_signature_shares_match_rfc9591() -> None:
    for i in (1, 3):
        hiding, binding = RFC["nonces"][i]
        share = tss.rfc9591_signature_share(
            i, B(RFC["shares"][i]), B(RFC["group_public_key"]), 2, B(hiding), B(binding),
            _commitments(), B(RFC["message"]),
        )  # fmt: skip
        assert share.hex() == RFC["sig_shares"][i]


def test_frost_aggregate_matches_rfc9591_and_verifies_as_plain_ed25519() -> None:
    verifying = {i: tss.rfc9591_verifying_share(B(s)) for i, s in RFC["shares"].items()}
    sig = tss.rfc9591_aggregate(
        _commitments(), B(RFC["message"]), {i: B(s) for i, s in RFC["sig_shares"].items()},
        verifying, B(RFC["group_public_key"]), 2,
    )  # fmt: skip
    assert sig.hex() == RFC["signature"]
    Ed25519PublicKey.from_public_bytes(B(RFC["group_public_key"])).verify(sig, b"test")


def test_frost_aggregate_names_the_party_with_a_bad_share() -> None:
    verifying = {i: tss.rfc9591_verifying_share(B(s)) for i, s in RFC["shares"].items()}
    shares = {i: B(s) for i, s in RFC["sig_shares"].items()}
    shares[3] = B(RFC["sig_shares"][1])  # party 3 sends party 1's share
    with pytest.raises(tss.ProtocolError) as err:
        tss.rfc9591_aggregate(
            _commitments(), B(RFC["message"]), shares, verifying, B(RFC["group_public_key"]), 2
        )
    assert err.value.args[1] == 3


# -- running machines in memory ----------------------------------------------------------------


def run(machines: dict[int, Any]) -> dict[str, int]:
    """Drive machines to the end, routing every message; bytes on the wire per round kind."""
    outs = {i: m.start() for i, m in machines.items()}
    sent = {"broadcast": 0, "direct": 0}
    while not all(m.done for m in machines.values()):
        inputs = {}
        for i in machines:
            b = {j: o[0] for j, o in outs.items() if j != i and o[0] is not None}
            p = {j: o[1][i] for j, o in outs.items() if j != i and i in o[1]}
            inputs[i] = (b, p)
            sent["broadcast"] += sum(map(len, b.values()))
            sent["direct"] += sum(map(len, p.values()))
        outs = {i: machines[i].step(*inputs[i]) for i in machines}
    return sent


def dkls_keygen(n: int, t: int) -> tuple[dict[int, bytes], bytes]:
    sid = os.urandom(32)
    ms = {i: tss.dkls_keygen(sid, i, n, t) for i in range(1, n + 1)}
    run(ms)
    pks = {m.public_key() for m in ms.values()}
    assert len(pks) == 1
    return {i: m.share() for i, m in ms.items()}, pks.pop()


def dkls_sign(shares: dict[int, bytes], signers: list[int], digest: bytes) -> bytes:
    sid = os.urandom(32)
    ms = {i: tss.dkls_sign(shares[i], sid, signers, digest) for i in signers}
    run(ms)
    sigs = {m.signature() for m in ms.values()}
    assert len(sigs) == 1
    return sigs.pop()


def check_ecdsa(pk: bytes, digest: bytes, sig: bytes) -> None:
    r, s, v = sig[:32], sig[32:64], sig[64]
    assert v in (0, 1) and 0 < int.from_bytes(s, "big") <= SECP_N // 2  # low s (EIP-2)
    der = coincurve.ecdsa.cdata_to_der(coincurve.ecdsa.deserialize_compact(r + s))
    assert coincurve.PublicKey(pk).verify(der, digest, hasher=None)
    recovered = coincurve.PublicKey.from_signature_and_message(sig, digest, hasher=None)
    assert recovered.format() == pk
    address = Account._recover_hash(digest, signature=r + s + bytes([27 + v]))
    assert address == to_checksum_address(evm_address(pk))


@pytest.fixture(scope="module")
def key_2of3() -> tuple[dict[int, bytes], bytes]:
    return dkls_keygen(3, 2)


def test_dkls_2_of_3_every_pair_signs_and_recovers_to_the_evm_address(
    key_2of3: tuple[dict[int, bytes], bytes],
) -> None:
    shares, pk = key_2of3
    assert len(pk) == 33
    for pair in itertools.combinations((1, 2, 3), 2):
        digest = keccak(text=f"signed by {pair}")
        check_ecdsa(pk, digest, dkls_sign(shares, list(pair), digest))
    info = tss.share_info(shares[2])
    assert info == {"scheme": "dkls23-secp256k1", "index": 2, "threshold": 2, "parties": 3,
                    "public_key": pk}  # fmt: skip


def test_dkls_3_of_5_keygen_and_signing() -> None:
    shares, pk = dkls_keygen(5, 3)
    for signers in ([1, 2, 3], [2, 4, 5]):
        digest = hashlib.sha256(repr(signers).encode()).digest()
        check_ecdsa(pk, digest, dkls_sign(shares, signers, digest))


def test_a_single_share_cannot_sign(key_2of3: tuple[dict[int, bytes], bytes]) -> None:
    shares, _ = key_2of3
    with pytest.raises(tss.UsageError, match="exactly 2 signers"):
        tss.dkls_sign(shares[1], os.urandom(32), [1], bytes(32))
    frost = {i: m for i, m in frost_keygen(3, 2)[0].items()}
    with pytest.raises(tss.UsageError, match="at least 2 signers"):
        tss.frost_sign(frost[1], os.urandom(32), [1], b"m")
    # nor can one share pose as another party's: party 1's share twice in a 2-party run
    sid, digest = os.urandom(32), bytes(32)
    with pytest.raises(tss.UsageError):
        tss.dkls_sign(shares[1], sid, [1, 1], digest)


def test_signers_with_shares_of_different_keys_produce_nothing(
    key_2of3: tuple[dict[int, bytes], bytes],
) -> None:
    shares, _ = key_2of3
    other, _ = dkls_keygen(3, 2)
    sid, digest = os.urandom(32), bytes(range(32))
    ms = {1: tss.dkls_sign(shares[1], sid, [1, 2], digest),
          2: tss.dkls_sign(other[2], sid, [1, 2], digest)}  # fmt: skip
    with pytest.raises(tss.TssError):
        run(ms)
    assert not any(m.done for m in ms.values())


def frost_keygen(n: int, t: int) -> tuple[dict[int, bytes], bytes]:
    sid = os.urandom(32)
    ms = {i: tss.frost_keygen(sid, i, n, t) for i in range(1, n + 1)}
    run(ms)
    pks = {m.public_key() for m in ms.values()}
    assert len(pks) == 1
    return {i: m.share() for i, m in ms.items()}, pks.pop()


def test_frost_dkg_signing_and_refresh() -> None:
    shares, pk = frost_keygen(3, 2)
    sid = os.urandom(32)
    ms = {i: tss.frost_sign(shares[i], sid, [2, 3], b"solana tx") for i in (2, 3)}
    run(ms)
    Ed25519PublicKey.from_public_bytes(pk).verify(ms[2].signature(), b"solana tx")
    sid = os.urandom(32)
    rs = {i: tss.frost_refresh(shares[i], sid) for i in (1, 2, 3)}
    run(rs)
    assert {m.public_key() for m in rs.values()} == {pk}
    new = {i: m.share() for i, m in rs.items()}
    assert all(new[i] != shares[i] for i in new)
    sid = os.urandom(32)
    ms = {i: tss.frost_sign(new[i], sid, [1, 3], b"after refresh") for i in (1, 3)}
    run(ms)
    Ed25519PublicKey.from_public_bytes(pk).verify(ms[1].signature(), b"after refresh")


def test_dkls_refresh_keeps_the_key_and_old_and_new_shares_do_not_mix(
    key_2of3: tuple[dict[int, bytes], bytes],
) -> None:
    shares, pk = key_2of3
    sid = os.urandom(32)
    rs = {i: tss.dkls_refresh(shares[i], sid) for i in (1, 2, 3)}
    run(rs)
    assert {m.public_key() for m in rs.values()} == {pk}
    new = {i: m.share() for i, m in rs.items()}
    digest = keccak(text="after refresh")
    check_ecdsa(pk, digest, dkls_sign(new, [1, 3], digest))
    mixed = {1: new[1], 3: shares[3]}
    with pytest.raises(tss.TssError):
        dkls_sign(mixed, [1, 3], digest)


# -- session binding -----------------------------------------------------------------------------


def test_messages_of_another_session_are_refused(key_2of3: tuple[dict[int, bytes], bytes]) -> None:
    shares, _ = key_2of3
    digest = bytes(32)
    sid_a, sid_b = os.urandom(32), os.urandom(32)
    a1 = tss.dkls_sign(shares[1], sid_a, [1, 2], digest)
    b2 = tss.dkls_sign(shares[2], sid_b, [1, 2], digest)
    a1.start()
    _, from_b = b2.start()
    with pytest.raises(tss.SessionMismatchError, match="another session"):
        a1.step({}, {2: from_b[1]})
    assert a1.failed  # a refused run is never resumed
    with pytest.raises(tss.UsageError):
        a1.step({}, {2: from_b[1]})


def test_wrong_round_wrong_sender_and_garbage_are_refused(
    key_2of3: tuple[dict[int, bytes], bytes],
) -> None:
    shares, _ = key_2of3
    sid = os.urandom(32)

    def fresh() -> tuple[Any, Any, dict[int, bytes]]:
        m1 = tss.dkls_sign(shares[1], sid, [1, 2], bytes(32))
        m2 = tss.dkls_sign(shares[2], sid, [1, 2], bytes(32))
        m1.start()
        return m1, m2, m2.start()[1]

    m1, m2, out2 = fresh()
    with pytest.raises(tss.ProtocolError, match="not a participant") as err:
        m1.step({}, {2: out2[1], 3: out2[1]})  # one more, as if from party 3
    assert err.value.args[1] == 3
    m1, m2, out2 = fresh()
    m3 = tss.dkls_sign(shares[3], sid, [1, 3], bytes(32))
    with pytest.raises(tss.ProtocolError, match="claims sender 3") as err:
        m1.step({}, {2: m3.start()[1][1]})  # party 3's message relayed by party 2
    assert err.value.args[1] == 2
    m1, m2, out2 = fresh()
    round2 = m2.step({}, {1: tss.dkls_sign(shares[1], sid, [1, 2], bytes(32)).start()[1][2]})[1]
    with pytest.raises(tss.SessionMismatchError, match="round 2"):
        m1.step({}, {2: round2[1]})
    m1, _, out2 = fresh()
    with pytest.raises(tss.ProtocolError, match="malformed"):
        m1.step({}, {2: b"garbage"})
    m1, _, out2 = fresh()
    forged = out2[1][:42] + os.urandom(len(out2[1]) - 42)
    with pytest.raises(tss.ProtocolError, match="undecodable"):
        m1.step({}, {2: forged})
    m1, _, _ = fresh()
    with pytest.raises(tss.ProtocolError, match="missing"):
        m1.step({}, {})


def test_frost_messages_of_another_session_are_refused() -> None:
    sid_a, sid_b = os.urandom(32), os.urandom(32)
    a = {i: tss.frost_keygen(sid_a, i, 3, 2) for i in (1, 2, 3)}
    b = {i: tss.frost_keygen(sid_b, i, 3, 2) for i in (1, 2, 3)}
    outs_a = {i: m.start() for i, m in a.items()}
    outs_b = {i: m.start() for i, m in b.items()}
    with pytest.raises(tss.SessionMismatchError):
        a[1].step({2: outs_a[2][0], 3: outs_b[3][0]}, {})


def test_bad_parameters_are_typed_errors_and_a_panic_is_caught() -> None:
    with pytest.raises(tss.UsageError, match="32 bytes"):
        tss.dkls_keygen(b"short", 1, 3, 2)
    with pytest.raises(tss.UsageError):
        tss.frost_keygen(os.urandom(32), 4, 3, 2)
    with pytest.raises(tss.UsageError):
        tss.dkls_keygen(os.urandom(32), 1, 3, 1)
    with pytest.raises(tss.InvalidShareError):
        tss.dkls_sign(b"ZRTS\x01\x02junk", os.urandom(32), [1, 2], bytes(32))
    with pytest.raises(tss.InvalidShareError):
        tss.share_info(b"not a share")
    with pytest.raises(tss.InternalError, match="panicked"):
        tss._panic_for_tests()
    assert issubclass(tss.SessionMismatchError, tss.TssError)
