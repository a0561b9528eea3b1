"""The signer backend interface: how a keeper obtains public keys and signatures.

Shaped for threshold protocols (docs/mpc-keeper.md, *Threshold keyrings*) although the first
backend, ``local``, needs none of it:

* **Asynchronous, possibly multi-round.** ``generate_key`` and ``sign`` are coroutines; a
  threshold backend runs its rounds inside them, exchanging messages with the other parties
  of the keyring through a :class:`Transport` (authenticated, encrypted point-to-point
  channels plus a broadcast all honest parties see alike). The keeper runs many sessions
  concurrently and never assumes an answer comes back at once.
* **Session identity.** Every run is bound to a :class:`SessionId` = (chain id, keyring,
  request kind, request id). Protocol messages carry it (``PeerMessage.session``), so runs
  can never mix, and running a session again (after a crash, a timeout, a lost tx) is safe:
  backends must make ``generate_key``/``sign`` idempotent per session (``local`` is
  deterministic; a threshold backend persists the session's outcome or reruns it with fresh
  per-session randomness that commits to the same key).
* **Persistent secret shares.** A threshold backend keeps only its share of each key in a
  :class:`ShareStore` (encrypted at rest, written durably *before* the public key is
  answered), plus the public data of the protocol (commitments, the group key).
* **Agreement on-chain is unchanged.** Whatever the backend, each party submits the same
  public key or signature in its own tx with its own party signature; the chain counts
  parties against ``party_threshold``.

Errors tell the keeper what to do: :class:`RefusedError` (and its subclasses) means "this
must never be signed" and becomes an on-chain rejection carrying ``reason`` (public text,
no secrets); :class:`TransientError` means "try again later" and never rejects anything.
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import ClassVar, Protocol

from zrchain.chains.keys import KeyType

SESSION_DOMAIN = b"zrchain/mpc/session/v1"


class RequestKind(StrEnum):
    """The request kinds a keyring answers; the values are the party-signature payload's kinds
    (docs/treasury.md, *Party signatures*)."""

    KEY = "key"
    SIGNATURE = "signature"


@dataclass(frozen=True, order=True)
class SessionId:
    """One protocol run: bound to the chain, the keyring and the request it answers."""

    chain_id: str
    keyring: str
    kind: RequestKind
    request_id: int

    def encode(self) -> bytes:
        """Canonical bytes (domain, then length-prefixed fields, id as u64 big-endian)."""
        parts = [SESSION_DOMAIN]
        for text in (self.chain_id, self.keyring, str(self.kind)):
            raw = text.encode()
            parts.append(len(raw).to_bytes(2, "big") + raw)
        parts.append(self.request_id.to_bytes(8, "big"))
        return b"".join(parts)

    def digest(self) -> bytes:
        """32-byte session id for protocol transcripts and message envelopes."""
        return hashlib.sha256(self.encode()).digest()

    def __str__(self) -> str:
        return f"{self.chain_id}/{self.keyring}/{self.kind}/{self.request_id}"


@dataclass(frozen=True)
class KeyRef:
    """Which key, by on-chain data. ``public_key`` is the chain's copy (empty while the key
    is being generated); backends compare it with what they hold before signing."""

    keyring: str
    key_id: int
    key_type: KeyType
    public_key: bytes = b""
    workspace: str = ""
    index: int = 0


@dataclass(frozen=True)
class KeyringInfo:
    """The keyring as the chain describes it (identity module)."""

    address: str
    parties: tuple[str, ...]
    threshold: int
    active: bool = True


@dataclass(frozen=True)
class PeerMessage:
    """One protocol message between parties of a keyring."""

    session: SessionId
    round: int
    sender: str
    payload: bytes
    broadcast: bool = False


class Transport(Protocol):
    """Channels between the parties of one keyring (not used by ``local``).

    Implementations authenticate senders (e.g. by the parties' account keys), encrypt
    point-to-point payloads, and give ``broadcast`` the echo property (all honest parties
    receive the same message or none does). Messages are delivered per (session, round).
    """

    async def send(self, session: SessionId, round: int, to: str, payload: bytes) -> None: ...

    async def broadcast(self, session: SessionId, round: int, payload: bytes) -> None: ...

    async def receive(
        self, session: SessionId, round: int, senders: tuple[str, ...], timeout: float
    ) -> list[PeerMessage]:
        """Messages of ``round`` from every party in ``senders``; TransientError on timeout."""
        ...


class ShareStore(Protocol):
    """Durable, encrypted-at-rest secret shares of a threshold backend, one per key."""

    def get(self, key: KeyRef) -> bytes | None: ...

    def put(self, key: KeyRef, share: bytes) -> None:
        """Atomically and durably store ``share`` (before the public key leaves the party)."""
        ...


@dataclass
class BackendContext:
    """What a backend knows about its place: chain, keyring, own party, channels, storage."""

    chain_id: str
    keyring: KeyringInfo
    party: str
    transport: Transport | None = None
    shares: ShareStore | None = None
    options: dict[str, object] = field(default_factory=dict)

    def session(self, kind: RequestKind, request_id: int) -> SessionId:
        return SessionId(self.chain_id, self.keyring.address, kind, request_id)


class BackendError(Exception):
    """Base of backend errors; messages are public text (never secret material)."""


class RefusedError(BackendError):
    """Must not be answered with a key or signature: the keeper rejects it on-chain."""

    @property
    def reason(self) -> str:
        return str(self)


class UnknownKeyError(RefusedError):
    """The key is not one this party holds (not derivable from its seed / no share)."""


class UnsupportedKeyTypeError(RefusedError):
    """The backend has no scheme for this key type."""


class BadPayloadError(RefusedError):
    """The data to sign is malformed for the key type (e.g. not a 32-byte hash)."""


class TransientError(BackendError):
    """Not now (peers unreachable, a round timed out): retry later, reject nothing."""


class SignerBackend(ABC):
    """A party's signer. Subclasses register under ``name`` in :data:`BACKENDS`."""

    name: ClassVar[str] = ""
    #: True when the backend runs protocols with peers and needs ``ctx.transport``.
    needs_transport: ClassVar[bool] = False

    def __init__(self, ctx: BackendContext) -> None:
        self.ctx = ctx

    async def start(self) -> None:  # noqa: B027 - optional hook
        """Open channels / storage; called once before the first request."""

    async def close(self) -> None:  # noqa: B027 - optional hook
        """Release resources; called once at shutdown."""

    def check_session(self, session: SessionId, kind: RequestKind) -> None:
        """Refuse a session of another chain, keyring or kind (defence in depth)."""
        if session.kind != kind:
            raise RefusedError(f"session {session} is not a {kind} session")
        if session.chain_id != self.ctx.chain_id or session.keyring != self.ctx.keyring.address:
            raise RefusedError(f"session {session} is not for this keyring on this chain")

    @abstractmethod
    async def generate_key(self, session: SessionId, key: KeyRef) -> bytes:
        """Create (or recreate, idempotently) the key of a key request; its public key.

        secp256k1 keys (ECDSA, BITCOIN) are returned 33-byte compressed, ed25519 32 bytes.
        """

    @abstractmethod
    async def public_key(self, key: KeyRef) -> bytes:
        """The public key this party holds for ``key`` (UnknownKeyError if none)."""

    @abstractmethod
    async def sign(self, session: SessionId, key: KeyRef, payload: bytes) -> bytes:
        """Signature over one ``data_for_signing`` item, in the wire format of
        :mod:`zrchain.mpc.signatures` (65-byte ECDSA r‖s‖v, 64-byte BITCOIN r‖s, 64-byte
        Ed25519). Refuses keys it does not hold and malformed payloads."""


BackendFactory = Callable[[BackendContext, dict[str, object]], SignerBackend]
BACKENDS: dict[str, BackendFactory] = {}


def register_backend(name: str, factory: BackendFactory) -> None:
    BACKENDS[name] = factory


def make_backend(name: str, ctx: BackendContext, options: dict[str, object]) -> SignerBackend:
    if name not in BACKENDS:
        raise BackendError(f"unknown signer backend {name!r}: choose one of {sorted(BACKENDS)}")
    return BACKENDS[name](ctx, options)
