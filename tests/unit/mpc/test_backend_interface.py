"""The signer interface admits multi-round protocols between parties (docs/mpc-keeper.md,
*Threshold keyrings*).

A toy backend runs a two-round commit/reveal between the parties of a keyring before it
releases a signature (each party holds the replicated key; the rounds only show that all
agree). It exercises what a threshold backend needs from the interface: async rounds over a
:class:`Transport`, messages bound to the :class:`SessionId`, many sessions at once without
mixing, and a retried session giving the same result.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections import defaultdict

import pytest

from zrchain.chains.keys import KeyType, verify_signature
from zrchain.mpc.backend import (
    BackendContext,
    KeyRef,
    KeyringInfo,
    PeerMessage,
    RefusedError,
    RequestKind,
    SessionId,
    SignerBackend,
    TransientError,
)
from zrchain.mpc.derivation import derive_key
from zrchain.mpc.local import LocalBackend
from zrchain.mpc.seed import Secret

KR = "keyring1pfnq7r04rept47gaf5cpdew2"
PARTIES = ("zen1partya", "zen1partyb", "zen1partyc")
SEED = Secret(bytes(range(32)))


class Hub:
    """In-memory channels keyed by (session digest, round): broadcasts reach everyone,
    point-to-point messages only their recipient."""

    def __init__(self) -> None:
        # (session digest, round) -> [(recipient or None for a broadcast, message)]
        self.boxes: dict[tuple[bytes, int], list[tuple[str | None, PeerMessage]]] = defaultdict(
            list
        )
        self.changed = asyncio.Condition()
        self.drop_from: set[str] = set()

    def transport(self, party: str) -> MemoryTransport:
        return MemoryTransport(self, party)


class MemoryTransport:
    def __init__(self, hub: Hub, party: str) -> None:
        self.hub, self.party = hub, party

    async def _post(self, session: SessionId, round: int, to: str | None, payload: bytes) -> None:
        if self.party in self.hub.drop_from:
            return
        async with self.hub.changed:
            self.hub.boxes[(session.digest(), round)].append(
                (to, PeerMessage(session, round, self.party, payload, broadcast=to is None))
            )
            self.hub.changed.notify_all()

    async def send(self, session: SessionId, round: int, to: str, payload: bytes) -> None:
        await self._post(session, round, to, payload)

    async def broadcast(self, session: SessionId, round: int, payload: bytes) -> None:
        await self._post(session, round, None, payload)

    async def receive(
        self, session: SessionId, round: int, senders: tuple[str, ...], timeout: float
    ) -> list[PeerMessage]:
        key = (session.digest(), round)

        def mine() -> list[PeerMessage]:
            return [
                m
                for to, m in self.hub.boxes[key]
                if m.sender in senders and to in (None, self.party)
            ]

        async with self.hub.changed:
            try:
                await asyncio.wait_for(
                    self.hub.changed.wait_for(lambda: {m.sender for m in mine()} >= set(senders)),
                    timeout,
                )
            except TimeoutError:
                raise TransientError(f"round {round} of {session} timed out") from None
            return mine()


class CommitRevealBackend(SignerBackend):
    """Toy: sign locally, then commit (round 1) and reveal (round 2) with every peer."""

    name = "toy-commit-reveal"
    needs_transport = True

    def __init__(self, ctx: BackendContext) -> None:
        super().__init__(ctx)
        self.local = LocalBackend(ctx, SEED)
        self.runs: list[SessionId] = []
        self.timeout = 1.0

    async def _agree(self, session: SessionId, value: bytes) -> bytes:
        assert self.ctx.transport is not None
        self.runs.append(session)
        peers = self.ctx.keyring.parties
        commit = hashlib.sha256(session.digest() + value).digest()
        await self.ctx.transport.broadcast(session, 1, commit)
        commits = {
            m.sender: m.payload
            for m in await self.ctx.transport.receive(session, 1, peers, self.timeout)
        }
        await self.ctx.transport.broadcast(session, 2, value)
        for m in await self.ctx.transport.receive(session, 2, peers, self.timeout):
            assert m.session == session  # envelopes never cross sessions
            if hashlib.sha256(session.digest() + m.payload).digest() != commits[m.sender]:
                raise RefusedError(f"party {m.sender} disagrees in {session}")
        return value

    async def generate_key(self, session: SessionId, key: KeyRef) -> bytes:
        return await self._agree(session, await self.local.generate_key(session, key))

    async def public_key(self, key: KeyRef) -> bytes:
        return await self.local.public_key(key)

    async def sign(self, session: SessionId, key: KeyRef, payload: bytes) -> bytes:
        return await self._agree(session, await self.local.sign(session, key, payload))


def _backends(hub: Hub) -> list[CommitRevealBackend]:
    info = KeyringInfo(KR, PARTIES, 2)
    return [
        CommitRevealBackend(BackendContext("zenrock", info, p, hub.transport(p))) for p in PARTIES
    ]


def test_many_concurrent_sessions_across_three_parties() -> None:
    async def go() -> None:
        hub = Hub()
        backends = _backends(hub)
        pub = derive_key(SEED.reveal(), KR, KeyType.KEY_TYPE_ECDSA_SECP256K1, 1).public_key
        key = KeyRef(KR, 1, KeyType.KEY_TYPE_ECDSA_SECP256K1, pub)
        digests = [hashlib.sha256(b"%d" % i).digest() for i in range(20)]
        jobs = [
            b.sign(b.ctx.session(RequestKind.SIGNATURE, 100 + i), key, d)
            for b in backends
            for i, d in enumerate(digests)
        ]
        sigs = await asyncio.gather(*jobs)
        per_party = [sigs[i * 20 : (i + 1) * 20] for i in range(3)]
        assert per_party[0] == per_party[1] == per_party[2]
        for d, sig in zip(digests, per_party[0], strict=True):
            verify_signature(KeyType.KEY_TYPE_ECDSA_SECP256K1, pub, d, sig)
        # a retried session (same id) is safe: same answer
        again = await asyncio.gather(
            *(b.sign(b.ctx.session(RequestKind.SIGNATURE, 100), key, digests[0]) for b in backends)
        )
        assert set(again) == {per_party[0][0]}

    asyncio.run(go())


def test_a_silent_peer_is_transient_not_a_rejection() -> None:
    async def go() -> None:
        hub = Hub()
        hub.drop_from.add(PARTIES[2])
        a = _backends(hub)[0]
        with pytest.raises(TransientError):
            await a.generate_key(
                a.ctx.session(RequestKind.KEY, 5), KeyRef(KR, 5, KeyType.KEY_TYPE_EDDSA_ED25519)
            )

    asyncio.run(go())


def test_point_to_point_messages_reach_only_their_recipient() -> None:
    """The transport's `send` (used by threshold protocols to deal shares) is private."""

    async def go() -> None:
        hub = Hub()
        a, b, c = (hub.transport(p) for p in PARTIES)
        session = SessionId("zenrock", KR, RequestKind.KEY, 9)
        await a.send(session, 1, PARTIES[1], b"share for b")
        await a.send(session, 1, PARTIES[2], b"share for c")
        got_b = await b.receive(session, 1, (PARTIES[0],), 1.0)
        got_c = await c.receive(session, 1, (PARTIES[0],), 1.0)
        assert [(m.payload, m.broadcast) for m in got_b] == [(b"share for b", False)]
        assert [m.payload for m in got_c] == [b"share for c"]
        with pytest.raises(TransientError):  # nothing addressed to the sender itself
            await a.receive(session, 1, (PARTIES[0],), 0.1)

    asyncio.run(go())
