"""Outsiders and misbehaving parties against the threshold keeper's network and protocols.

Real parties (threshold backends with real Noise/TCP endpoints on 127.0.0.1) are attacked
by: connections that never authenticate, strangers with a valid Noise handshake, a party
that sends an oversize message, malformed protocol messages, messages replayed from another
session, and offers for another keyring. Each case asserts the refusal *and* that nothing
was signed and no share changed. Fixtures live in this module.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import struct
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

from zrchain.chains.keys import KeyType
from zrchain.crypto import keys
from zrchain.mpc.backend import RequestKind, SessionId, TransientError
from zrchain.mpc.noise import Identity, connect_handshake
from zrchain.mpc.peers import PeerNetwork, encode_message
from zrchain.mpc.testing import (
    THRESHOLD_CHAIN,
    THRESHOLD_KEYRING,
    ThresholdParty,
    close_all,
    key_ref,
    keygen,
    make_parties,
    start_all,
)
from zrchain.mpc.threshold import ThresholdOptions

ECDSA = KeyType.KEY_TYPE_ECDSA_SECP256K1


def quick() -> ThresholdOptions:
    return ThresholdOptions(
        round_timeout=8.0, offer_timeout=5.0, grace=0.1, answer_wait=60.0, session_budget=60.0
    )


def _counter(p: ThresholdParty, name: str, **labels: str) -> float:
    value = p.backend.metrics.registry.get_sample_value(name, labels or None)
    return float(value or 0.0)


def _share_files(base: Path) -> dict[str, bytes]:
    return {str(f): f.read_bytes() for f in sorted(base.rglob("key-*.json"))}


class World:
    def __init__(self, base: Path, parties: list[ThresholdParty], pk: bytes) -> None:
        self.base, self.parties, self.pk = base, parties, pk

    @property
    def victim(self) -> ThresholdParty:
        return self.parties[0]

    def session(self, rid: int) -> SessionId:
        return self.victim.backend.ctx.session(RequestKind.SIGNATURE, rid)

    async def sign(self, who: list[ThresholdParty], rid: int, digest: bytes) -> list[Any]:
        s = self.session(rid)
        return list(
            await asyncio.gather(
                *(p.backend.sign(s, key_ref(1, ECDSA, self.pk), digest) for p in who),
                return_exceptions=True,
            )
        )


@contextlib.asynccontextmanager
async def world(base: Path) -> AsyncIterator[World]:
    """Three real parties of a 2-of-3 keyring with one ECDSA key (id 1)."""
    parties = make_parties(base, 3, 2, options=quick())
    await start_all(parties)
    try:
        pk = (await keygen(parties, 1, ECDSA))[0]
        for p in parties:  # failing sessions in these tests give up after one short budget
            p.backend.opts.session_budget = 3.0
        yield World(base, parties, pk)
    finally:
        await close_all(parties)


def arun(case: Callable[[World], Awaitable[None]], tmp_path: Path) -> None:
    async def go() -> None:
        async with world(tmp_path) as w:
            await case(w)

    asyncio.run(go())


async def _raw_channel(w: World, identity: Identity, keyring: str = THRESHOLD_KEYRING) -> Any:
    from zrchain.mpc.noise import prologue

    reader, writer = await asyncio.open_connection("127.0.0.1", w.victim.port)
    return await connect_handshake(
        reader, writer, prologue(THRESHOLD_CHAIN, keyring), identity, lambda a: True, 64 << 20
    )


async def _closed_by_victim(ch: Any) -> bool:
    try:
        return await asyncio.wait_for(ch.reader.read(1), 5.0) == b""
    except ConnectionError:
        return True


def _as(p: ThresholdParty) -> Identity:
    return Identity(keys.public_key(p.secret), lambda d: keys.sign(p.secret, d))


# -- connections that are not parties ------------------------------------------------------------


def test_unauthenticated_connection_is_refused_and_changes_nothing(tmp_path: Path) -> None:
    async def case(w: World) -> None:
        before = _share_files(w.base)
        refused = _counter(w.victim, "zrchain_mpc_peer_connections_refused_total")
        reader, writer = await asyncio.open_connection("127.0.0.1", w.victim.port)
        # a plausible first handshake frame, then garbage where message 3 should be
        writer.write(struct.pack(">H", 32) + bytes(range(32)))
        await writer.drain()
        await reader.read(200)  # the victim's message 2
        writer.write(struct.pack(">H", 120) + b"\x00" * 120)
        await writer.drain()
        assert await asyncio.wait_for(reader.read(1), 5.0) == b""  # closed on us
        writer.close()
        # plain bytes that are no handshake at all
        reader, writer = await asyncio.open_connection("127.0.0.1", w.victim.port)
        writer.write(b"GET / HTTP/1.1\r\n\r\n")
        await writer.drain()
        assert await asyncio.wait_for(reader.read(1), 8.0) == b""
        writer.close()
        assert _counter(w.victim, "zrchain_mpc_peer_connections_refused_total") >= refused + 2
        assert _share_files(w.base) == before
        # the keyring still works for its parties
        sigs = await w.sign(w.parties, 7, hashlib.sha256(b"after").digest())
        assert all(isinstance(s, bytes) for s in sigs)

    arun(case, tmp_path)


def test_stranger_with_a_valid_handshake_is_refused(tmp_path: Path) -> None:
    async def case(w: World) -> None:
        stranger = hashlib.sha256(b"stranger").digest()
        ident = Identity(keys.public_key(stranger), lambda d: keys.sign(stranger, d))
        ch = await _raw_channel(w, ident)
        offer = json.dumps(
            {"s": [THRESHOLD_CHAIN, THRESHOLD_KEYRING, "signature", 9], "c": "00" * 32,
             "n": "11" * 16, "k": {}}
        ).encode()  # fmt: skip
        digest = SessionId(THRESHOLD_CHAIN, THRESHOLD_KEYRING, RequestKind.SIGNATURE, 9).digest()
        with contextlib.suppress(ConnectionError):
            await ch.send(encode_message(digest, "offer", offer))
        assert await _closed_by_victim(ch)
        assert digest not in w.victim.backend._coords  # the offer never arrived
        assert _counter(w.victim, "zrchain_mpc_peer_connections_refused_total") >= 1

    arun(case, tmp_path)


# -- a party that misbehaves ------------------------------------------------------------------


def test_oversize_message_from_a_party_is_refused(tmp_path: Path) -> None:
    async def case(w: World) -> None:
        before = _share_files(w.base)
        ch = await _raw_channel(w, _as(w.parties[1]))
        ch.max_message = 64 << 20  # the sender ignores the limit; the victim does not
        digest = w.session(3).digest()
        with contextlib.suppress(ConnectionError):
            await ch.send(encode_message(digest, "x:1:p", bytes(5 << 20)))
        assert await _closed_by_victim(ch)
        assert (
            _counter(w.victim, "zrchain_mpc_peer_messages_refused_total", reason="malformed") >= 1
        )
        assert w.victim.backend.net.mailbox.take(digest, "x:1:p", w.parties[1].address) is None
        assert _share_files(w.base) == before

    arun(case, tmp_path)


def _tamper(net: PeerNetwork, change: Callable[[str, bytes], bytes | None]) -> None:
    """Make a real party misbehave: rewrite the protocol messages it sends."""
    post = net.post

    def evil(to: str, digest: bytes, tag: str, payload: bytes) -> bool:
        new = change(tag, payload)
        return post(to, digest, tag, payload if new is None else new)

    net.post = evil  # type: ignore[method-assign]


def test_malformed_protocol_messages_abort_and_nothing_is_signed(tmp_path: Path) -> None:
    async def case(w: World) -> None:
        before = _share_files(w.base)
        evil = w.parties[1]
        _tamper(
            evil.backend.net, lambda tag, p: p[:42] + b"\xff" * 64 if tag.endswith(":1:p") else None
        )
        # party 3 is away: the victim can only sign with the misbehaving party
        await w.parties[2].backend.close()
        results = await w.sign([w.victim, evil], 4, hashlib.sha256(b"m").digest())
        assert isinstance(results[0], TransientError)
        aborts = [
            r
            for r in _runs(w.victim)
            if r.get("outcome") == "abort" and "undecodable" in r.get("error", "")
        ]
        assert aborts and aborts[0]["culprit"] == evil.address
        assert not w.victim.backend._results  # nothing signed
        assert _share_files(w.base) == before

    arun(case, tmp_path)


def test_replayed_messages_from_another_session_are_refused(tmp_path: Path) -> None:
    async def case(w: World) -> None:
        evil = w.parties[1]
        await w.parties[2].backend.close()
        recorded: dict[str, bytes] = {}

        def record(tag: str, p: bytes) -> bytes | None:
            if tag.endswith(":1:p") and "first" not in recorded:
                recorded["first"] = p
            return None

        _tamper(evil.backend.net, record)
        first = await w.sign([w.victim, evil], 5, hashlib.sha256(b"one").digest())
        assert all(isinstance(s, bytes) for s in first)
        before = _share_files(w.base)
        # now party 2 replays session 5's first-round message inside session 6
        _tamper(
            evil.backend.net, lambda tag, p: recorded["first"] if tag.endswith(":1:p") else None
        )
        results = await w.sign([w.victim, evil], 6, hashlib.sha256(b"two").digest())
        assert isinstance(results[0], TransientError)
        mismatches = [
            r
            for r in _runs(w.victim)
            if r.get("outcome") == "abort" and "another session" in r.get("error", "")
        ]
        assert mismatches
        assert (w.session(6).digest(), b"") not in w.victim.backend._results
        assert not [k for k in w.victim.backend._results if k[0] == w.session(6).digest()]
        assert _share_files(w.base) == before

    arun(case, tmp_path)


def test_offers_for_another_keyring_or_oversize_are_refused(tmp_path: Path) -> None:
    async def case(w: World) -> None:
        ch = await _raw_channel(w, _as(w.parties[1]))
        other = SessionId(THRESHOLD_CHAIN, "keyring1other", RequestKind.SIGNATURE, 8)
        offer = json.dumps(
            {"s": [THRESHOLD_CHAIN, "keyring1other", "signature", 8], "c": "00" * 32,
             "n": "11" * 16, "k": {}}
        ).encode()  # fmt: skip
        refused = _counter(w.victim, "zrchain_mpc_peer_messages_refused_total", reason="session")
        await ch.send(encode_message(other.digest(), "offer", offer))
        mine = w.session(8)
        await ch.send(encode_message(mine.digest(), "offer", b"{" + b" " * 5000 + b"}"))
        await ch.send(encode_message(mine.digest(), "offer", b"not json"))
        for _ in range(50):
            if (
                _counter(w.victim, "zrchain_mpc_peer_messages_refused_total", reason="malformed")
                >= 1
            ):
                break
            await asyncio.sleep(0.05)
        assert (
            _counter(w.victim, "zrchain_mpc_peer_messages_refused_total", reason="session")
            == refused + 1
        )
        assert _counter(w.victim, "zrchain_mpc_peer_messages_refused_total", reason="oversize") == 1
        assert (
            _counter(w.victim, "zrchain_mpc_peer_messages_refused_total", reason="malformed") == 1
        )
        assert other.digest() not in w.victim.backend._coords
        assert not w.victim.backend._coord(mine.digest()).offers

    arun(case, tmp_path)


def _runs(p: ThresholdParty) -> list[dict[str, Any]]:
    return list(p.backend.run_log)
