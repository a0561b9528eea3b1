"""The threshold backend between real network endpoints (Noise over TCP on 127.0.0.1), all
parties in one process: keygen agreement and confirmation, signing by any threshold of
parties, results reaching non-signers, shares sealed at rest, refresh."""

from __future__ import annotations

import asyncio
import hashlib
import json
from pathlib import Path

import coincurve
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from zrchain.chains.keys import KeyType
from zrchain.mpc.backend import RequestKind, UnknownKeyError
from zrchain.mpc.seed import Secret
from zrchain.mpc.shares import ShareFileStore, ShareStoreError
from zrchain.mpc.testing import close_all, key_ref, keygen, make_parties, start_all
from zrchain.mpc.threshold import ThresholdOptions

ECDSA, EDDSA = KeyType.KEY_TYPE_ECDSA_SECP256K1, KeyType.KEY_TYPE_EDDSA_ED25519


async def sign_all(parties, sid: int, key_id: int, kt: KeyType, pk: bytes, payload: bytes):  # type: ignore[no-untyped-def]
    session = parties[0].backend.ctx.session(RequestKind.SIGNATURE, sid)
    return await asyncio.gather(
        *(p.backend.sign(session, key_ref(key_id, kt, pk), payload) for p in parties)
    )


def test_two_of_three_keys_and_signatures(tmp_path: Path) -> None:
    async def go() -> None:
        ps = make_parties(tmp_path, 3, 2)
        await start_all(ps)
        try:
            pks = await keygen(ps, 1, ECDSA)
            assert len(set(pks)) == 1 and len(pks[0]) == 33
            epks = await keygen(ps, 2, EDDSA)
            assert len(set(epks)) == 1 and len(epks[0]) == 32
            # asking again answers from the share, without a new protocol run
            assert await keygen(ps, 1, ECDSA) == pks
            digest = hashlib.sha256(b"x").digest()
            sigs = await sign_all(ps, 10, 1, ECDSA, pks[0], digest)
            assert len(set(sigs)) == 1  # the non-signer adopts the signers' signature
            rec = coincurve.PublicKey.from_signature_and_message(sigs[0], digest, hasher=None)
            assert rec.format() == pks[0]
            esigs = await sign_all(ps, 11, 2, EDDSA, epks[0], b"sol")
            Ed25519PublicKey.from_public_bytes(epks[0]).verify(esigs[0], b"sol")
            # the third party stops: the other two still sign
            await ps[2].backend.close()
            sigs = await sign_all(ps[:2], 12, 1, ECDSA, pks[0], digest)
            assert (
                coincurve.PublicKey.from_signature_and_message(
                    sigs[0], digest, hasher=None
                ).format()
                == pks[0]
            )
            # a key the party holds no share of is refused, not signed
            with pytest.raises(UnknownKeyError):
                await ps[0].backend.sign(
                    ps[0].backend.ctx.session(RequestKind.SIGNATURE, 13),
                    key_ref(99, ECDSA, pks[0]),
                    digest,
                )
        finally:
            await close_all(ps)

    asyncio.run(go())


def test_three_of_five_and_refresh(tmp_path: Path) -> None:
    async def go() -> None:
        ps = make_parties(tmp_path, 5, 3)
        await start_all(ps)
        try:
            pks = await keygen(ps, 1, ECDSA)
            digest = hashlib.sha256(b"3 of 5").digest()
            sigs = await sign_all(ps, 20, 1, ECDSA, pks[0], digest)
            assert len(set(sigs)) == 1
            before = [p.backend.store.load(1) for p in ps]
            recs = await asyncio.gather(*(p.backend.refresh(1) for p in ps))
            assert {r.epoch for r in recs} == {1} and {r.public_key for r in recs} == {pks[0].hex()}
            after = [p.backend.store.load(1) for p in ps]
            assert all(a[1] != b[1] for a, b in zip(after, before, strict=True))  # type: ignore[index]
            sigs = await sign_all(ps, 21, 1, ECDSA, pks[0], digest)
            assert (
                coincurve.PublicKey.from_signature_and_message(
                    sigs[0], digest, hasher=None
                ).format()
                == pks[0]
            )
        finally:
            await close_all(ps)

    asyncio.run(go())


def test_shares_are_sealed_and_bound_to_their_public_data(tmp_path: Path) -> None:
    async def go() -> None:
        ps = make_parties(
            tmp_path, 3, 2, options=ThresholdOptions(round_timeout=10, offer_timeout=10)
        )
        await start_all(ps)
        try:
            await keygen(ps, 5, EDDSA)
        finally:
            await close_all(ps)
        return None

    asyncio.run(go())
    store = ShareFileStore(tmp_path / "p0" / "shares", Secret(b"\x00" * 32))
    path = tmp_path / "p0" / "shares" / "key-5.json"
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    with pytest.raises(ShareStoreError, match="does not open"):
        store.load(5)  # another seed
    doc = json.loads(path.read_text())
    assert doc["record"]["state"] == "active" and "ciphertext" in doc


def test_a_busy_peer_port_is_a_clear_error(tmp_path: Path) -> None:
    import socket

    from zrchain.mpc.backend import BackendError

    async def go() -> None:
        ps = make_parties(tmp_path, 3, 2)
        with socket.socket() as busy:
            busy.bind(("127.0.0.1", ps[0].port))
            busy.listen()
            with pytest.raises(BackendError, match="cannot listen for peers"):
                await ps[0].backend.start()

    asyncio.run(go())
