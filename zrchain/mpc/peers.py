"""The network between the parties of one keyring (the threshold backend's transport).

* **Peers come from the config** (``[threshold] peers = ["zen1...@host:port", ...]``) and
  must be parties of the keyring; nobody else is ever accepted.
* **Channels** are Noise XX sessions bound to each party's on-chain account key
  (:mod:`zrchain.mpc.noise`). Each party dials every peer for what it sends and accepts
  their connections for what it receives (one TCP stream per direction), reconnecting with
  back-off. The listener binds 127.0.0.1 unless configured otherwise.
* **Messages** are ``version u8 | session digest [32] | tag length u8 | tag | payload``
  inside the channel, at most ``max_message`` bytes; a malformed or oversize message closes
  the connection and is counted, never delivered.
* **Delivery**: a message goes to the backend's handler, which either consumes it (offers,
  results) or leaves it in the :class:`Mailbox`, keyed by (session, tag, sender), until a
  protocol round collects it. Unclaimed messages expire and the mailbox is bounded in bytes.

It also implements the keeper's generic :class:`zrchain.mpc.backend.Transport` (rounds as
tags), so any backend written against that interface can use it.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

from zrchain.crypto import keys
from zrchain.mpc.backend import PeerMessage, SessionId, TransientError
from zrchain.mpc.logs import EventLogger, get
from zrchain.mpc.metrics import Metrics
from zrchain.mpc.noise import (
    ChannelError,
    HandshakeError,
    Identity,
    accept_handshake,
    connect_handshake,
    prologue,
)

VERSION = 1
MAX_TAG = 64
DEFAULT_MAX_MESSAGE = 4 << 20
HANDSHAKE_TIMEOUT = 5.0
MAX_PENDING_HANDSHAKES = 32
OUTBOX_LIMIT = 4096


class PeerConfigError(ValueError):
    """A peer entry that is not ``zen1...@host:port``."""


@dataclass(frozen=True)
class Peer:
    address: str
    host: str
    port: int

    def __str__(self) -> str:
        return f"{self.address}@{self.host}:{self.port}"


def parse_peer(spec: str) -> Peer:
    address, sep, endpoint = spec.partition("@")
    host, sep2, port = endpoint.rpartition(":")
    if not sep or not sep2 or not host or not port.isdigit():
        raise PeerConfigError(f"peer {spec!r} is not zen1...@host:port")
    try:
        keys.bech32_decode(address, "zen")
    except Exception:
        raise PeerConfigError(f"peer {spec!r}: {address!r} is not a zen1... address") from None
    if not 0 < int(port) < 65536:
        raise PeerConfigError(f"peer {spec!r}: bad port")
    return Peer(address, host.strip("[]"), int(port))


def encode_message(digest: bytes, tag: str, payload: bytes) -> bytes:
    t = tag.encode()
    if len(digest) != 32 or len(t) > MAX_TAG:
        raise ValueError("bad session digest or tag")
    return bytes([VERSION]) + digest + bytes([len(t)]) + t + payload


def decode_message(raw: bytes) -> tuple[bytes, str, bytes]:
    if len(raw) < 34 or raw[0] != VERSION:
        raise ChannelError("malformed peer message")
    n = raw[33]
    if n > MAX_TAG or len(raw) < 34 + n:
        raise ChannelError("malformed peer message tag")
    try:
        tag = raw[34 : 34 + n].decode()
    except UnicodeDecodeError:
        raise ChannelError("malformed peer message tag") from None
    return raw[1:33], tag, raw[34 + n :]


class Mailbox:
    """Messages waiting for a round, by (session digest, tag, sender); bounded and expiring."""

    def __init__(self, max_bytes: int = 256 << 20, ttl: float = 300.0) -> None:
        self._items: OrderedDict[tuple[bytes, str, str], tuple[float, bytes]] = OrderedDict()
        self._bytes = 0
        self.max_bytes = max_bytes
        self.ttl = ttl
        self._changed = asyncio.Event()

    def put(self, digest: bytes, tag: str, sender: str, payload: bytes) -> None:
        key = (digest, tag, sender)
        old = self._items.pop(key, None)
        if old is not None:
            self._bytes -= len(old[1])
        self._items[key] = (time.monotonic(), payload)
        self._bytes += len(payload)
        self._evict()
        self.notify()

    def notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    def _evict(self) -> None:
        now = time.monotonic()
        while self._items:
            key, (ts, payload) = next(iter(self._items.items()))
            if self._bytes <= self.max_bytes and now - ts <= self.ttl:
                break
            del self._items[key]
            self._bytes -= len(payload)

    def take(self, digest: bytes, tag: str, sender: str) -> bytes | None:
        found = self._items.pop((digest, tag, sender), None)
        if found is None:
            return None
        self._bytes -= len(found[1])
        return found[1]

    def drop_session(self, digest: bytes) -> None:
        for key in [k for k in self._items if k[0] == digest]:
            self._bytes -= len(self._items.pop(key)[1])

    async def wait(self, timeout: float) -> None:
        """Until something arrives (or ``timeout`` seconds)."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._changed.wait(), max(0.0, timeout))


Handler = Callable[[str, bytes, str, bytes], bool]


class PeerNetwork:
    """Authenticated, encrypted channels to the other parties of one keyring."""

    def __init__(
        self,
        chain_id: str,
        keyring: str,
        identity: Identity,
        listen: str,
        peers: Iterable[Peer],
        *,
        max_message: int = DEFAULT_MAX_MESSAGE,
        metrics: Metrics | None = None,
        log: EventLogger | None = None,
    ) -> None:
        self.identity = identity
        self.me = identity.address
        self.prologue = prologue(chain_id, keyring)
        self.listen = listen
        self.peers = {p.address: p for p in peers if p.address != self.me}
        self.max_message = max_message
        self.metrics = metrics or Metrics()
        self.log = log or get()
        self.mailbox = Mailbox()
        self.handler: Handler | None = None
        self._out: dict[str, asyncio.Queue[bytes]] = {
            a: asyncio.Queue(OUTBOX_LIMIT) for a in self.peers
        }
        self._up: set[str] = set()
        self._tasks: list[asyncio.Task[None]] = []
        self._server: asyncio.base_events.Server | None = None
        self._handshakes = asyncio.Semaphore(MAX_PENDING_HANDSHAKES)
        self._inbound: dict[str, asyncio.StreamWriter] = {}
        self.bound: tuple[str, int] | None = None
        self.closing = False

    # -- lifecycle ------------------------------------------------------------------------
    async def start(self) -> None:
        host, _, port = self.listen.rpartition(":")
        self._server = await asyncio.start_server(
            self._on_inbound, host.strip("[]") or "127.0.0.1", int(port), limit=1 << 16
        )
        sock = self._server.sockets[0].getsockname()
        self.bound = (str(sock[0]), int(sock[1]))
        for peer in self.peers.values():
            self._tasks.append(asyncio.create_task(self._dial_loop(peer)))
        self.log.info(
            "peers_listening", address=f"{self.bound[0]}:{self.bound[1]}", peers=len(self.peers)
        )

    async def close(self) -> None:
        self.closing = True
        if self._server is not None:
            self._server.close()
        for w in list(self._inbound.values()):
            w.close()
        for t in self._tasks:
            t.cancel()
        for t in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await t
        if self._server is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 2.0)

    def connected(self, address: str) -> bool:
        return address in self._up

    # -- sending ----------------------------------------------------------------------------
    def post(self, to: str, digest: bytes, tag: str, payload: bytes) -> bool:
        """Queue a message for ``to`` (False when ``to`` is no peer or its queue is full)."""
        q = self._out.get(to)
        if q is None:
            return False
        raw = encode_message(digest, tag, payload)
        if len(raw) > self.max_message:
            raise ValueError(f"message of {len(raw)} bytes exceeds the limit {self.max_message}")
        try:
            q.put_nowait(raw)
        except asyncio.QueueFull:
            self.log.warning("peer_outbox_full", peer=to)
            return False
        return True

    async def _dial_loop(self, peer: Peer) -> None:
        backoff = 0.1
        last_error = ""
        while not self.closing:
            writer: asyncio.StreamWriter | None = None
            try:
                reader, opened = await asyncio.wait_for(
                    asyncio.open_connection(peer.host, peer.port, limit=1 << 16), 5.0
                )
                writer = opened
                channel = await asyncio.wait_for(
                    connect_handshake(
                        reader,
                        opened,
                        self.prologue,
                        self.identity,
                        lambda a: a == peer.address,
                        self.max_message,
                    ),
                    HANDSHAKE_TIMEOUT,
                )
                self._up.add(peer.address)
                self.metrics.peers_connected.set(len(self._up))
                self.log.info(
                    "peer_connected", peer=peer.address, endpoint=f"{peer.host}:{peer.port}"
                )
                backoff, last_error = 0.1, ""
                await self._pump(peer, channel.send, reader)
            except asyncio.CancelledError:
                raise
            except (OSError, EOFError, TimeoutError, HandshakeError, ChannelError) as exc:
                err = f"{type(exc).__name__}: {exc}"
                if err != last_error:
                    self.log.warning("peer_unreachable", peer=peer.address, error=err[:200])
                    last_error = err
            finally:
                if peer.address in self._up:
                    self._up.discard(peer.address)
                    self.metrics.peers_connected.set(len(self._up))
                    self.log.info("peer_disconnected", peer=peer.address)
                if writer is not None:
                    writer.close()
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, 2.0)

    async def _pump(
        self, peer: Peer, send: Callable[[bytes], Awaitable[None]], reader: asyncio.StreamReader
    ) -> None:
        """Send queued messages; return when the peer closes the stream."""
        q = self._out[peer.address]
        eof = asyncio.ensure_future(reader.read(1))
        try:
            while True:
                get = asyncio.ensure_future(q.get())
                done, _ = await asyncio.wait({get, eof}, return_when=asyncio.FIRST_COMPLETED)
                if eof in done:
                    get.cancel()
                    if get.done() and not get.cancelled():
                        q.put_nowait(get.result())  # not sent: keep it for the next channel
                    raise EOFError("peer closed the channel")
                raw = get.result()
                await send(raw)
                self.metrics.peer_bytes_sent.labels(peer.address).inc(len(raw))
        finally:
            eof.cancel()

    # -- receiving -------------------------------------------------------------------------
    async def _on_inbound(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        remote = writer.get_extra_info("peername")
        remote_s = f"{remote[0]}:{remote[1]}" if remote else "?"
        if self._handshakes.locked():
            writer.close()
            return
        try:
            async with self._handshakes:
                channel = await asyncio.wait_for(
                    accept_handshake(
                        reader,
                        writer,
                        self.prologue,
                        self.identity,
                        lambda a: a in self.peers,
                        self.max_message,
                    ),
                    HANDSHAKE_TIMEOUT,
                )
        except (HandshakeError, ChannelError, OSError, EOFError, TimeoutError) as exc:
            self.metrics.peers_refused.inc()
            self.log.warning(
                "peer_refused", remote=remote_s, reason=f"{exc}"[:200] or type(exc).__name__
            )
            writer.close()
            return
        peer = channel.peer
        old = self._inbound.pop(peer, None)
        if old is not None:
            old.close()
        self._inbound[peer] = writer
        self.log.info("peer_accepted", peer=peer, remote=remote_s)
        try:
            while True:
                raw = await channel.receive()
                self.metrics.peer_bytes_received.labels(peer).inc(len(raw))
                digest, tag, payload = decode_message(raw)
                self._deliver(peer, digest, tag, payload)
        except (EOFError, ConnectionError, asyncio.IncompleteReadError):
            pass
        except ChannelError as exc:
            self.metrics.messages_refused.labels("malformed").inc()
            self.log.warning("peer_message_refused", peer=peer, reason=str(exc)[:200])
        finally:
            if self._inbound.get(peer) is writer:
                del self._inbound[peer]
            writer.close()

    def _deliver(self, sender: str, digest: bytes, tag: str, payload: bytes) -> None:
        if self.handler is not None and self.handler(sender, digest, tag, payload):
            self.mailbox.notify()
            return
        self.mailbox.put(digest, tag, sender, payload)

    async def gather(
        self, digest: bytes, tag: str, senders: Iterable[str], timeout: float
    ) -> dict[str, bytes]:
        """One message with ``tag`` from each sender; TransientError naming the silent ones."""
        want = set(senders)
        got: dict[str, bytes] = {}
        deadline = time.monotonic() + timeout
        while True:
            for s in list(want - set(got)):
                m = self.mailbox.take(digest, tag, s)
                if m is not None:
                    got[s] = m
            if len(got) == len(want):
                return got
            left = deadline - time.monotonic()
            if left <= 0:
                silent = sorted(want - set(got))
                raise TransientError(
                    f"no {tag.rsplit(':', 1)[-1]} message from {', '.join(silent)}"
                )
            await self.mailbox.wait(left)

    # -- the generic Transport interface ---------------------------------------------------------
    async def send(self, session: SessionId, round: int, to: str, payload: bytes) -> None:
        if not self.post(to, session.digest(), f"r{round}", payload):
            raise TransientError(f"cannot send to {to}")

    async def broadcast(self, session: SessionId, round: int, payload: bytes) -> None:
        for to in self.peers:
            self.post(to, session.digest(), f"r{round}", payload)

    async def receive(
        self, session: SessionId, round: int, senders: tuple[str, ...], timeout: float
    ) -> list[PeerMessage]:
        got = await self.gather(session.digest(), f"r{round}", senders, timeout)
        return [PeerMessage(session, round, s, p) for s, p in sorted(got.items())]
