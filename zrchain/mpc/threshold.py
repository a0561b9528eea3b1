"""The ``threshold`` signer backend: no party ever holds a private key.

Each party of a keyring holds one *share* per key. Keys are made by a distributed key
generation between all parties of the keyring, signatures by ``threshold`` of them, with
the schemes of :mod:`zrchain.mpc.tss` (FROST(Ed25519) for ed25519, DKLs23 for secp256k1
ECDSA) over the authenticated channels of :mod:`zrchain.mpc.peers`.

**One run of a session.** A session is the keeper's :class:`SessionId` (chain, keyring,
request kind, request id). To run it a party

1. *offers* it: sends every peer ``(session, context, nonce)`` where the context is the
   digest of what is to be agreed (keygen: key id, type, threshold, parties; signing: key,
   public key, share epoch, payload hash) and the nonce is fresh for every attempt;
2. *chooses the signers*: once ``need`` parties (all of them for keygen and refresh,
   ``threshold`` for signing) have live, matching offers -- all parties, or after a short
   grace -- the lowest-indexed ``need`` of them. The run id binds the session, the context
   and the chosen parties' nonces, so a retried attempt is a fresh protocol session and no
   message of an abandoned run can be mixed in (the library refuses it);
3. *runs the protocol*: round by round, messages tagged with the run id; rounds that
   broadcast during keygen and refresh are followed by an echo round (each party sends
   the digest of all broadcasts it got; any difference aborts), so all honest parties saw
   the same commitments;
4. *publishes the result* to the parties that did not take part (a signature they check
   against the key and the payload before attesting it; a keygen's public key).

**Never half-answered.** A signature is returned only once it verifies. A keygen stores
its share as *pending*, then every party confirms to every other that it stored the same
public key; only when all confirmations are in is the share *active* and the public key
answered. A party that missed the confirmations learns the result from a peer's answer to
its next offer and activates its pending share then. A run that cannot finish (a peer
silent past ``round_timeout``, an abort) raises :class:`TransientError`: the keeper retries
later, and the next attempt offers afresh.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import os
import random
import time
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zrchain.chains.errors import SignatureError
from zrchain.chains.keys import KeyType, secp256k1_compressed
from zrchain.mpc.backend import (
    BackendContext,
    BackendError,
    BadPayloadError,
    KeyRef,
    RefusedError,
    RequestKind,
    SessionId,
    SignerBackend,
    TransientError,
    UnknownKeyError,
    UnsupportedKeyTypeError,
    register_backend,
)
from zrchain.mpc.logs import EventLogger, get
from zrchain.mpc.metrics import Metrics
from zrchain.mpc.peers import PeerNetwork
from zrchain.mpc.seed import Secret
from zrchain.mpc.shares import ACTIVE, PENDING, ShareFileStore, ShareRecord, ShareStoreError
from zrchain.mpc.signatures import check_payload, verify_for_key_type
from zrchain.mpc.tss import RoundMachine, ThresholdScheme, make_scheme, protocol_errors

MAX_CONTROL_BYTES = 2048
REFRESH = "refresh"


@dataclass
class ThresholdOptions:
    round_timeout: float = 20.0
    offer_timeout: float = 15.0
    grace: float = 0.3
    ecdsa_scheme: str = "dkls23"
    eddsa_scheme: str = "frost-ed25519"
    control_dir: str = ""  # refresh requests from `mpc-keeper refresh`
    answer_wait: float = 60.0  # how long the keeper's call waits for a running session
    session_budget: float = 600.0  # attempts of one session stop after this (then retried)
    round_delay: float = 0.0  # test hook: seconds before each round (kill-mid-protocol tests)


@dataclass
class _Offer:
    context: bytes
    nonce: bytes
    seen: dict[str, bytes] = field(default_factory=dict)  # peer -> its nonce, as the sender saw it


@dataclass
class _Coord:
    """What a party knows about one session's attempts."""

    offers: dict[str, _Offer] = field(default_factory=dict)
    results: dict[str, tuple[bytes, bytes]] = field(default_factory=dict)  # sender -> (ctx, v)
    mine: _Offer | None = None
    burned: set[bytes] = field(default_factory=set)


@dataclass
class RunStats:
    protocol: str
    session: str
    run: str
    signers: list[int]
    seconds: float = 0.0
    bytes_sent: int = 0
    bytes_received: int = 0
    rounds: int = 0


def _h(*parts: bytes) -> bytes:
    d = hashlib.sha256()
    for p in parts:
        d.update(len(p).to_bytes(4, "big") + p)
    return d.digest()


def keygen_context(key_id: int, key_type: int, threshold: int, parties: tuple[str, ...]) -> bytes:
    return _h(b"keygen", key_id.to_bytes(8, "big"), bytes([key_type]),
              threshold.to_bytes(2, "big"), "\n".join(parties).encode())  # fmt: skip


def sign_context(rec: ShareRecord, payload: bytes) -> bytes:
    return _h(b"sign", rec.key_id.to_bytes(8, "big"), rec.public_key_bytes,
              rec.epoch.to_bytes(4, "big"), hashlib.sha256(payload).digest())  # fmt: skip


def refresh_context(rec: ShareRecord) -> bytes:
    return _h(b"refresh", rec.key_id.to_bytes(8, "big"), rec.public_key_bytes,
              rec.epoch.to_bytes(4, "big"))  # fmt: skip


class ThresholdBackend(SignerBackend):
    name = "threshold"
    needs_transport = True

    def __init__(
        self,
        ctx: BackendContext,
        net: PeerNetwork,
        store: ShareFileStore,
        options: ThresholdOptions | None = None,
        *,
        metrics: Metrics | None = None,
        log: EventLogger | None = None,
    ) -> None:
        super().__init__(ctx)
        self.net = net
        self.store = store
        self.opts = options or ThresholdOptions()
        self.metrics = metrics or net.metrics
        self.log = log or get()
        self.schemes: dict[KeyType, ThresholdScheme] = {}
        for name in (self.opts.ecdsa_scheme, self.opts.eddsa_scheme):
            scheme = make_scheme(name)
            for kt in scheme.key_types:
                self.schemes[kt] = scheme
        self._coords: OrderedDict[bytes, _Coord] = OrderedDict()
        self._results: OrderedDict[tuple[bytes, bytes], bytes] = OrderedDict()
        self._sessions: dict[tuple[bytes, bytes], asyncio.Task[bytes]] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        self._banned: set[str] = set()
        self.last_run: RunStats | None = None
        self.run_log: deque[dict[str, Any]] = deque(maxlen=256)  # recent runs (tests, debugging)
        net.handler = self._handle

    # -- lifecycle -----------------------------------------------------------------------
    async def start(self) -> None:
        protocol_errors()  # fails early with instructions if the extension is missing
        try:
            await self.net.start()
        except OSError as exc:
            raise BackendError(
                f"cannot listen for peers on {self.net.listen}: {exc.strerror}"
            ) from None
        if self.opts.control_dir:
            self._spawn(self._watch_control())

    async def close(self) -> None:
        for t in [*self._tasks, *self._sessions.values()]:
            t.cancel()
        await self.net.close()

    def _spawn(self, coro: Any) -> None:
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # -- keys ----------------------------------------------------------------------------
    def _scheme(self, key_type: KeyType) -> ThresholdScheme:
        kt = KeyType(int(key_type))
        if kt not in self.schemes:
            raise UnsupportedKeyTypeError(f"unsupported key type {kt.name}")
        return self.schemes[kt]

    def _active(self, key: KeyRef) -> tuple[ShareRecord, Secret]:
        try:
            found = self.store.load(key.key_id)
        except ShareStoreError as exc:
            raise TransientError(str(exc)) from None
        if found is None or found[0].state != ACTIVE:
            raise UnknownKeyError(f"unknown key {key.key_id}: this party holds no share of it")
        rec, share = found
        onchain = bytes(key.public_key)
        if onchain:
            mine = rec.public_key_bytes
            try:
                same = onchain == mine if len(mine) == 32 else secp256k1_compressed(onchain) == mine
            except ValueError:
                same = False
            if not same:
                raise UnknownKeyError(
                    f"unknown key {key.key_id}: its public key is not the one this party shares"
                )
        return rec, share

    async def public_key(self, key: KeyRef) -> bytes:
        return self._active(key)[0].public_key_bytes

    def _members(self, parties: tuple[str, ...]) -> tuple[dict[int, str], int]:
        members = {i + 1: p for i, p in enumerate(parties)}
        me = next((i for i, p in members.items() if p == self.ctx.party), 0)
        if not me:
            raise RefusedError(f"party {self.ctx.party} is not a party of this keyring")
        return members, me

    async def generate_key(self, session: SessionId, key: KeyRef) -> bytes:
        self.check_session(session, RequestKind.KEY)
        if session.request_id != key.key_id:
            raise UnknownKeyError(
                f"key request {session.request_id} cannot create key {key.key_id}"
            )
        scheme = self._scheme(key.key_type)
        rec = self.store.record(key.key_id)
        if rec is not None and rec.state == ACTIVE:
            return rec.public_key_bytes
        parties, t = self.ctx.keyring.parties, self.ctx.keyring.threshold
        if t < 2 or t > len(parties):
            raise RefusedError(
                f"a threshold keyring needs 2 <= party_threshold <= parties, has {t}/{len(parties)}"
            )
        members, me = self._members(parties)
        context = keygen_context(key.key_id, int(key.key_type), t, parties)
        return await self._session(
            session,
            context,
            lambda: self._keygen_once(session, key, scheme, members, me, t, context),
        )

    async def _keygen_once(
        self,
        session: SessionId,
        key: KeyRef,
        scheme: ThresholdScheme,
        members: dict[int, str],
        me: int,
        t: int,
        context: bytes,
    ) -> bytes:
        outcome = await self._agree(session, context, members, me, need=len(members))
        if outcome[0] == "result":
            return self._adopt_keygen(key.key_id, outcome[1])
        _, run, chosen = outcome
        machine = scheme.keygen(run, me, len(members), t)
        await self._drive(
            session, run, members, me, chosen, machine, reliable=True,
            protocol=f"{scheme.name}-keygen",
        )  # fmt: skip
        share, pk = Secret(machine.share()), bytes(machine.public_key())
        info = scheme.share_info(share.reveal())
        rec = ShareRecord(
            key_id=key.key_id, key_type=int(key.key_type), scheme=scheme.name,
            public_key=pk.hex(), index=int(info["index"]), threshold=t,
            parties=tuple(members[i] for i in sorted(members)),
            run=run.hex(), state=PENDING, keyring=self.ctx.keyring.address,
            chain_id=self.ctx.chain_id,
        )  # fmt: skip
        self.store.put(rec, share)
        await self._confirm(session, run, members, me, pk)
        self.store.activate(key.key_id)
        self._publish(session, context, pk, members, me)
        self.log.info("key_generated", key_id=key.key_id, scheme=scheme.name, public_key=pk.hex())
        return pk

    async def _session(
        self,
        session: SessionId,
        context: bytes,
        attempt: Callable[[], Awaitable[bytes]],
        wait: float | None = -1.0,
    ) -> bytes:
        """Attempts of one session run in the background until one succeeds (so every
        party keeps offering, whatever the keeper's retry schedule); the keeper's call
        waits ``answer_wait`` seconds for it, else TransientError and it asks again later."""
        key = (session.digest(), context)
        task = self._sessions.get(key)
        if task is None:
            task = asyncio.create_task(self._attempts(session, attempt))
            self._sessions[key] = task
        try:
            limit = self.opts.answer_wait if wait is not None and wait < 0 else wait
            return await asyncio.wait_for(asyncio.shield(task), limit)
        except TimeoutError:
            raise TransientError(f"{session}: threshold protocol still running") from None
        finally:
            if task.done():
                self._sessions.pop(key, None)

    async def _attempts(self, session: SessionId, attempt: Callable[[], Awaitable[bytes]]) -> bytes:
        deadline = time.monotonic() + self.opts.session_budget
        while True:
            try:
                return await attempt()
            except TransientError as exc:
                if time.monotonic() >= deadline:
                    raise
                self.log.info(
                    "threshold_attempt_failed", session=str(session), error=str(exc)[:200]
                )
                await asyncio.sleep(0.2 + random.random() * 0.3)

    def _adopt_keygen(self, key_id: int, pk: bytes) -> bytes:
        rec = self.store.record(key_id)
        if rec is None or rec.public_key_bytes != pk:
            raise TransientError(
                f"the other parties completed key {key_id} but this party holds no share of it"
            )
        self.store.activate(key_id)
        self.log.info("key_share_activated", key_id=key_id, public_key=pk.hex())
        return pk

    async def _confirm(
        self, session: SessionId, run: bytes, members: dict[int, str], me: int, pk: bytes
    ) -> None:
        """Every party tells every other it stored a share of ``pk``."""
        digest, tag = session.digest(), f"{run.hex()[:16]}:confirm"
        others = [a for i, a in members.items() if i != me]
        for a in others:
            self.net.post(a, digest, tag, pk)
        got = await self.net.gather(digest, tag, others, self.opts.round_timeout)
        bad = sorted(a for a, v in got.items() if v != pk)
        if bad:
            raise TransientError(f"keygen: parties {', '.join(bad)} computed another public key")

    # -- signing -------------------------------------------------------------------------
    async def sign(self, session: SessionId, key: KeyRef, payload: bytes) -> bytes:
        self.check_session(session, RequestKind.SIGNATURE)
        rec, share = self._active(key)
        kt = KeyType(rec.key_type)
        scheme = self._scheme(kt)
        try:
            check_payload(kt, payload)
        except SignatureError as exc:
            raise BadPayloadError(str(exc)) from None
        members, me = self._members(rec.parties)
        context = sign_context(rec, payload)
        digest = session.digest()
        cached = self._results.get((digest, context))
        if cached is not None:
            return cached

        def valid(sig: bytes) -> bool:
            return verify_for_key_type(kt, rec.public_key_bytes, payload, sig)

        async def once() -> bytes:
            outcome = await self._agree(
                session, context, members, me, need=rec.threshold, valid=valid
            )
            if outcome[0] == "result":
                sig = bytes(outcome[1])
            else:
                _, run, chosen = outcome
                machine = scheme.sign(share.reveal(), run, chosen, payload)
                await self._drive(
                    session, run, members, me, chosen, machine, reliable=False,
                    protocol=f"{scheme.name}-sign",
                )  # fmt: skip
                raw = bytes(machine.signature())
                sig = scheme.wire_signature(kt, raw, payload, rec.public_key_bytes)
                if not valid(sig):
                    raise TransientError("the joint signature does not verify")  # pragma: no cover
            self._remember((digest, context), sig)
            self._publish(session, context, sig, members, me)
            return sig

        return await self._session(session, context, once)

    def _remember(self, key: tuple[bytes, bytes], value: bytes) -> None:
        self._results[key] = value
        while len(self._results) > 4096:
            self._results.popitem(last=False)

    def _publish(
        self, session: SessionId, context: bytes, value: bytes, members: dict[int, str], me: int
    ) -> None:
        payload = json.dumps({"c": context.hex(), "v": value.hex()}).encode()
        for i, a in members.items():
            if i != me:
                self.net.post(a, session.digest(), "result", payload)

    # -- refresh -------------------------------------------------------------------------
    def refresh_session(self, key_id: int) -> SessionId:
        return SessionId(self.ctx.chain_id, self.ctx.keyring.address, REFRESH, key_id)  # type: ignore[arg-type]

    async def refresh(self, key_id: int) -> ShareRecord:
        """New shares of ``key_id`` for every party, same public key (all parties run it;
        a party that sees another's refresh offer joins by itself)."""
        found = self.store.load(key_id)
        if found is None or found[0].state != ACTIVE:
            raise UnknownKeyError(f"no active share of key {key_id}")
        rec = found[0]
        session = self.refresh_session(key_id)
        context = refresh_context(rec)
        await self._session(session, context, lambda: self._refresh_once(key_id), wait=None)
        done = self.store.record(key_id)
        assert done is not None
        return done

    async def _refresh_once(self, key_id: int) -> bytes:
        found = self.store.load(key_id)
        if found is None or found[0].state != ACTIVE:
            raise UnknownKeyError(f"no active share of key {key_id}")
        rec, share = found
        session = self.refresh_session(key_id)
        scheme = self._scheme(KeyType(rec.key_type))
        members, me = self._members(rec.parties)
        context = refresh_context(rec)
        outcome = await self._agree(session, context, members, me, need=len(members))
        if outcome[0] == "result":
            self._adopt_refresh(key_id, outcome[1])
            return bytes(outcome[1])
        _, run, chosen = outcome
        machine = scheme.refresh(share.reveal(), run)
        await self._drive(
            session,
            run,
            members,
            me,
            chosen,
            machine,
            reliable=True,
            protocol=f"{scheme.name}-refresh",
        )
        new_share = Secret(machine.share())
        if bytes(machine.public_key()) != rec.public_key_bytes:
            raise TransientError("refresh changed the public key")  # pragma: no cover
        nxt = ShareRecord(
            **{**rec.__dict__, "epoch": rec.epoch + 1, "run": run.hex(), "state": PENDING}
        )
        self.store.put(nxt, new_share, "next")
        marker = rec.public_key_bytes + (rec.epoch + 1).to_bytes(4, "big")
        await self._confirm(session, run, members, me, marker)
        done = self.store.promote_next(key_id)
        self._publish(session, context, marker, members, me)
        self.log.info("key_share_refreshed", key_id=key_id, epoch=done.epoch)
        return marker

    def _adopt_refresh(self, key_id: int, marker: bytes) -> ShareRecord:
        nxt = self.store.record(key_id, "next")
        if nxt is None or nxt.public_key_bytes + nxt.epoch.to_bytes(4, "big") != marker:
            raise TransientError(f"the other parties refreshed key {key_id}; this party missed it")
        return self.store.promote_next(key_id)

    async def _watch_control(self) -> None:
        """Refresh requests dropped by ``mpc-keeper refresh`` (one file per key id)."""
        d = Path(self.opts.control_dir)
        while True:
            with contextlib.suppress(OSError):
                for f in sorted(d.glob("refresh-*.json")):
                    try:
                        req = json.loads(f.read_bytes()[:MAX_CONTROL_BYTES])
                        key_id = int(req["key_id"])
                    except (OSError, ValueError, KeyError, TypeError):
                        f.unlink(missing_ok=True)
                        continue
                    f.unlink(missing_ok=True)
                    self._spawn(self._refresh_logged(key_id))
            await asyncio.sleep(0.5)

    async def _refresh_logged(self, key_id: int) -> None:
        try:
            await self.refresh(key_id)
        except BackendError as exc:
            self.log.error("refresh_failed", key_id=key_id, error=str(exc)[:200])

    # -- agreement -------------------------------------------------------------------------
    def _coord(self, digest: bytes) -> _Coord:
        c = self._coords.get(digest)
        if c is None:
            c = self._coords[digest] = _Coord()
            while len(self._coords) > 20_000:
                self._coords.popitem(last=False)
        else:
            self._coords.move_to_end(digest)
        return c

    def _offer_payload(self, session: SessionId, coord: _Coord) -> bytes:
        assert coord.mine is not None
        s = [session.chain_id, session.keyring, str(session.kind), session.request_id]
        seen = {
            a: o.nonce.hex() for a, o in coord.offers.items() if o.context == coord.mine.context
        }
        return json.dumps(
            {"s": s, "c": coord.mine.context.hex(), "n": coord.mine.nonce.hex(), "k": seen}
        ).encode()

    async def _agree(
        self,
        session: SessionId,
        context: bytes,
        members: dict[int, str],
        me: int,
        need: int,
        valid: Any = None,
    ) -> tuple[Any, ...]:
        """("result", value) if the session is already done elsewhere, else
        ("run", run id, chosen indices) once ``need`` parties are ready."""
        digest = session.digest()
        coord = self._coord(digest)
        coord.mine = _Offer(context, os.urandom(16))
        others = {i: a for i, a in members.items() if i != me and a not in self._banned}
        payload = self._offer_payload(session, coord)
        for a in others.values():
            self.net.post(a, digest, "offer", payload)
        deadline = time.monotonic() + self.opts.offer_timeout
        ready_since: float | None = None
        while True:
            for sender, (ctx, value) in list(coord.results.items()):
                if ctx == context and (valid is None or valid(value)):
                    return ("result", value)
                coord.results.pop(sender, None)
            # A party is ready when its latest offer matches and acknowledges ours: then
            # both sides hold the same pair of nonces and derive the same run id.
            live = {
                i: o.nonce
                for i, a in others.items()
                if (o := coord.offers.get(a)) is not None
                and o.context == context
                and o.nonce not in coord.burned
                and o.seen.get(self.ctx.party) == coord.mine.nonce
                and self.net.connected(a)
            }
            now = time.monotonic()
            wake = deadline
            if len(live) + 1 >= need:
                ready_since = ready_since or now
                if len(live) + 1 == len(members) or now - ready_since >= self.opts.grace:
                    live[me] = coord.mine.nonce
                    chosen = sorted(live)[:need]
                    if me in chosen:
                        for i in chosen:
                            coord.burned.add(live[i])
                        run = _h(b"zrchain-mpc/run/v1", digest, context,
                                 *[i.to_bytes(2, "big") + live[i] for i in chosen])  # fmt: skip
                        coord.mine = None
                        return ("run", run, chosen)
                    # Not chosen: the chosen parties will publish the result; wait for it
                    # (or for a new view, if their run fails and they offer again).
                    deadline = max(deadline, ready_since + 4 * self.opts.round_timeout)
                    wake = deadline
                else:
                    wake = min(deadline, ready_since + self.opts.grace)
            else:
                ready_since = None
            if now >= deadline:
                coord.mine = None
                raise TransientError(
                    f"{len(live) + 1} of the {need} parties needed are ready for {session}"
                )
            await self.net.mailbox.wait(wake - now)

    def _handle(self, sender: str, digest: bytes, tag: str, payload: bytes) -> bool:
        """Offers and results are consumed here; protocol messages go to the mailbox."""
        if tag not in ("offer", "result"):
            return False
        if len(payload) > MAX_CONTROL_BYTES:
            self.metrics.messages_refused.labels("oversize").inc()
            self.log.warning("peer_message_refused", peer=sender, reason=f"oversize {tag}")
            return True
        try:
            msg = json.loads(payload)
            context = bytes.fromhex(msg["c"])
            if tag == "result":
                self._coord(digest).results[sender] = (context, bytes.fromhex(msg["v"]))
                return True
            chain_id, keyring, kind, rid = msg["s"]
            nonce = bytes.fromhex(msg["n"])
            seen = {str(a): bytes.fromhex(n) for a, n in dict(msg.get("k", {})).items()}
            session = SessionId(str(chain_id), str(keyring), kind, int(rid))
        except (ValueError, KeyError, TypeError):
            self.metrics.messages_refused.labels("malformed").inc()
            self.log.warning("peer_message_refused", peer=sender, reason=f"malformed {tag}")
            return True
        if (
            session.chain_id != self.ctx.chain_id
            or session.keyring != self.ctx.keyring.address
            or session.digest() != digest
            or len(nonce) != 16
            or len(context) != 32
        ):
            self.metrics.messages_refused.labels("session").inc()
            self.log.warning(
                "peer_message_refused", peer=sender, reason="offer for another session"
            )
            return True
        coord = self._coord(digest)
        prev = coord.offers.get(sender)
        coord.offers[sender] = _Offer(context, nonce, seen)
        answer = self._known_result(session, context)
        if answer is not None:
            self.net.post(
                sender,
                digest,
                "result",
                json.dumps({"c": context.hex(), "v": answer.hex()}).encode(),
            )
        elif coord.mine is not None and (
            prev is None or prev.nonce != nonce or seen.get(self.ctx.party) != coord.mine.nonce
        ):
            self.net.post(sender, digest, "offer", self._offer_payload(session, coord))
        elif session.kind == REFRESH and (digest, context) not in self._sessions:
            self._maybe_join_refresh(session, context)
        return True

    def _known_result(self, session: SessionId, context: bytes) -> bytes | None:
        if session.kind == RequestKind.SIGNATURE:
            return self._results.get((session.digest(), context))
        with contextlib.suppress(ShareStoreError):
            rec = self.store.record(session.request_id)
            if rec is None or rec.state != ACTIVE:
                return None
            if session.kind == RequestKind.KEY:
                if keygen_context(rec.key_id, rec.key_type, rec.threshold, rec.parties) == context:
                    return rec.public_key_bytes
            elif session.kind == REFRESH and rec.epoch >= 1:
                prev = ShareRecord(**{**rec.__dict__, "epoch": rec.epoch - 1})
                if refresh_context(prev) == context:
                    return rec.public_key_bytes + rec.epoch.to_bytes(4, "big")
        return None

    def _maybe_join_refresh(self, session: SessionId, context: bytes) -> None:
        with contextlib.suppress(ShareStoreError):
            rec = self.store.record(session.request_id)
            if rec is not None and rec.state == ACTIVE and refresh_context(rec) == context:
                self.log.info("refresh_joined", key_id=rec.key_id)
                self._spawn(self._refresh_logged(rec.key_id))

    # -- running a protocol ------------------------------------------------------------------
    async def _drive(
        self,
        session: SessionId,
        run: bytes,
        members: dict[int, str],
        me: int,
        chosen: list[int],
        machine: RoundMachine,
        *,
        reliable: bool,
        protocol: str,
    ) -> None:
        digest, prefix = session.digest(), run.hex()[:16]
        peers = {i: members[i] for i in chosen if i != me}
        stats = RunStats(protocol, str(session), prefix, chosen)
        t0 = time.perf_counter()
        errors = protocol_errors()
        self.log.info(
            "threshold_run_started",
            protocol=protocol,
            session=str(session),
            run=prefix,
            signers=chosen,
        )
        try:
            out_b, out_p = await asyncio.to_thread(machine.start)
            for r in range(1, machine.rounds + 1):
                if self.opts.round_delay:
                    await asyncio.sleep(self.opts.round_delay)
                tag = f"{prefix}:{r}"
                if out_b is not None:
                    for a in peers.values():
                        self.net.post(a, digest, tag + ":b", out_b)
                        stats.bytes_sent += len(out_b)
                for i, m in out_p.items():
                    self.net.post(peers[i], digest, tag + ":p", m)
                    stats.bytes_sent += len(m)
                want_b, want_p = machine.shape(r)
                timeout = self.opts.round_timeout
                bc = (
                    await self.net.gather(digest, tag + ":b", peers.values(), timeout)
                    if want_b
                    else {}
                )
                pp = (
                    await self.net.gather(digest, tag + ":p", peers.values(), timeout)
                    if want_p
                    else {}
                )
                stats.bytes_received += sum(map(len, bc.values())) + sum(map(len, pp.values()))
                by_index = {a: i for i, a in peers.items()}
                b_idx = {by_index[a]: v for a, v in bc.items()}
                p_idx = {by_index[a]: v for a, v in pp.items()}
                if reliable and want_b and out_b is not None:
                    await self._echo(digest, tag, peers, me, {**b_idx, me: out_b}, stats)
                out_b, out_p = await asyncio.to_thread(machine.step, b_idx, p_idx)
                stats.rounds = r
        except TransientError as exc:
            self._ran(stats, t0, "timeout", str(exc))
            raise
        except errors as exc:
            culprit = exc.args[1] if len(exc.args) > 1 else None
            ban = bool(exc.args[2]) if len(exc.args) > 2 else False
            name = members.get(culprit) if isinstance(culprit, int) else None
            if ban and name:
                self._banned.add(name)
            self._ran(
                stats, t0, "abort", str(exc.args[0] if exc.args else exc), culprit=name, ban=ban
            )
            raise TransientError(
                f"{protocol} aborted: {exc.args[0] if exc.args else exc}"
            ) from None
        self._ran(stats, t0, "ok", "")

    async def _echo(
        self, digest: bytes, tag: str, peers: dict[int, str], me: int,
        seen: dict[int, bytes], stats: RunStats,
    ) -> None:  # fmt: skip
        """Echo round: every party must have received the same broadcasts."""
        view = _h(*[i.to_bytes(2, "big") + hashlib.sha256(seen[i]).digest() for i in sorted(seen)])
        for a in peers.values():
            self.net.post(a, digest, tag + ":e", view)
            stats.bytes_sent += len(view)
        got = await self.net.gather(digest, tag + ":e", peers.values(), self.opts.round_timeout)
        differ = sorted(a for a, v in got.items() if v != view)
        if differ:
            raise TransientError(
                f"broadcast inconsistency: {', '.join(differ)} saw other broadcasts (equivocation)"
            )

    def _ran(self, stats: RunStats, t0: float, outcome: str, error: str, **extra: Any) -> None:
        stats.seconds = time.perf_counter() - t0
        self.last_run = stats
        self.metrics.protocol_runs.labels(stats.protocol, outcome).inc()
        fields = {**stats.__dict__, **extra}
        self.run_log.append({**fields, "outcome": outcome, "error": error})
        if outcome == "ok":
            self.log.info("threshold_run", outcome=outcome, **fields)
        else:
            self.log.warning("threshold_run", outcome=outcome, error=error[:300], **fields)


def _factory(ctx: BackendContext, options: dict[str, object]) -> SignerBackend:
    net, store, opts = options.get("network"), options.get("shares"), options.get("threshold")
    if not isinstance(net, PeerNetwork) or not isinstance(store, ShareFileStore):
        raise TypeError("the threshold backend needs options['network'] and options['shares']")
    log = options.get("log")
    return ThresholdBackend(
        ctx,
        net,
        store,
        opts if isinstance(opts, ThresholdOptions) else None,
        log=log if isinstance(log, EventLogger) else None,
    )


register_backend(ThresholdBackend.name, _factory)
