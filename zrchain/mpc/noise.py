"""Authenticated, encrypted channels between keyring parties: Noise XX bound to party keys.

The handshake is ``Noise_XX_25519_ChaChaPoly_SHA256`` (noiseprotocol.org, rev 34) with a
prologue naming the chain and the keyring, so a channel is only ever for one keyring. Noise's
static keys are X25519 keys made fresh by each process; a party's *identity* is its on-chain
account key (secp256k1): the handshake payload of each side carries that public key and its
signature over ``"zrchain-mpc-noise-static-key/1:" || prologue hash || noise static key``
(the approach of libp2p's Noise handshake). The receiver derives the ``zen1...`` address
from the key and accepts the peer only if that address is one it expects -- no
unauthenticated or unknown peer is ever accepted.

After the handshake each direction has its own CipherState (nonce = counter). An
application message of up to ``max_message`` bytes is sent as one or more Noise transport
messages (each at most 65535 bytes, u16 length-prefixed); the first carries the total
length, so a receiver refuses an oversize message before buffering it.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import struct
from collections.abc import Callable
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from zrchain.crypto import keys

PROTOCOL_NAME = b"Noise_XX_25519_ChaChaPoly_SHA256"
IDENTITY_DOMAIN = b"zrchain-mpc-noise-static-key/1:"
MAX_NOISE_MESSAGE = 65535
TAG_LEN = 16
DH_LEN = 32
MAX_CHUNK = MAX_NOISE_MESSAGE - TAG_LEN


class HandshakeError(Exception):
    """The peer failed the handshake (wrong keyring, bad identity, unknown party, garbage)."""


class ChannelError(Exception):
    """A transport message failed (tampered, oversize, out of sequence)."""


def prologue(chain_id: str, keyring: str) -> bytes:
    return b"zrchain-mpc/1\x00" + chain_id.encode() + b"\x00" + keyring.encode()


def _hkdf(ck: bytes, ikm: bytes) -> tuple[bytes, bytes]:
    temp = hmac.new(ck, ikm, hashlib.sha256).digest()
    o1 = hmac.new(temp, b"\x01", hashlib.sha256).digest()
    o2 = hmac.new(temp, o1 + b"\x02", hashlib.sha256).digest()
    return o1, o2


class CipherState:
    """Noise CipherState: ChaCha20-Poly1305, 96-bit nonce = 32 zero bits || u64 LE counter."""

    def __init__(self, key: bytes | None = None) -> None:
        self._aead = ChaCha20Poly1305(key) if key is not None else None
        self.n = 0

    @property
    def has_key(self) -> bool:
        return self._aead is not None

    def _nonce(self) -> bytes:
        if self.n >= 2**64 - 1:
            raise ChannelError("nonce space exhausted")
        return b"\x00\x00\x00\x00" + struct.pack("<Q", self.n)

    def encrypt(self, ad: bytes, plaintext: bytes) -> bytes:
        if self._aead is None:
            return plaintext
        out = self._aead.encrypt(self._nonce(), plaintext, ad)
        self.n += 1
        return out

    def decrypt(self, ad: bytes, ciphertext: bytes) -> bytes:
        if self._aead is None:
            return ciphertext
        try:
            out = self._aead.decrypt(self._nonce(), ciphertext, ad)
        except InvalidTag:
            raise ChannelError("message failed authentication") from None
        self.n += 1
        return out


class SymmetricState:
    def __init__(self, prologue_bytes: bytes) -> None:
        name = PROTOCOL_NAME
        self.h = name if len(name) == 32 else hashlib.sha256(name).digest()
        self.ck = self.h
        self.cipher = CipherState()
        self.mix_hash(prologue_bytes)

    def mix_hash(self, data: bytes) -> None:
        self.h = hashlib.sha256(self.h + data).digest()

    def mix_key(self, ikm: bytes) -> None:
        self.ck, temp_k = _hkdf(self.ck, ikm)
        self.cipher = CipherState(temp_k)

    def encrypt_and_hash(self, plaintext: bytes) -> bytes:
        ct = self.cipher.encrypt(self.h, plaintext)
        self.mix_hash(ct)
        return ct

    def decrypt_and_hash(self, ciphertext: bytes) -> bytes:
        pt = self.cipher.decrypt(self.h, ciphertext)
        self.mix_hash(ciphertext)
        return pt

    def split(self) -> tuple[CipherState, CipherState]:
        k1, k2 = _hkdf(self.ck, b"")
        return CipherState(k1), CipherState(k2)


def _pub(key: X25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def _dh(key: X25519PrivateKey, pub: bytes) -> bytes:
    try:
        return key.exchange(X25519PublicKey.from_public_bytes(pub))
    except ValueError:
        raise HandshakeError("invalid Diffie-Hellman public key") from None


@dataclass(frozen=True)
class Identity:
    """A party's identity key (its zrChain account key) as the handshake needs it."""

    pubkey: bytes
    sign: Callable[[bytes], bytes]

    @property
    def address(self) -> str:
        return keys.account_address(self.pubkey)


def identity_payload(identity: Identity, prologue_bytes: bytes, static_pub: bytes) -> bytes:
    msg = IDENTITY_DOMAIN + hashlib.sha256(prologue_bytes).digest() + static_pub
    return identity.pubkey + identity.sign(msg)


def verify_identity(payload: bytes, prologue_bytes: bytes, static_pub: bytes) -> str:
    """The ``zen1...`` address the payload proves, or HandshakeError."""
    if len(payload) != 33 + 64:
        raise HandshakeError("malformed identity payload")
    pubkey, sig = payload[:33], payload[33:]
    msg = IDENTITY_DOMAIN + hashlib.sha256(prologue_bytes).digest() + static_pub
    try:
        ok = keys.verify(pubkey, msg, sig)
    except Exception:
        ok = False
    if not ok:
        raise HandshakeError("identity signature does not verify")
    return keys.account_address(pubkey)


class Handshake:
    """One side of a Noise XX handshake (pure: bytes in, bytes out).

    Each ``write*`` takes the message payload (default: this party's identity payload) and
    each ``read*`` returns the peer's; with ``identities`` (the default) the payloads of
    messages 2 and 3 must prove a party key, whose address becomes ``peer``. ``static`` and
    ``ephemeral`` keys are generated unless given (published test vectors give them).
    """

    def __init__(
        self,
        initiator: bool,
        prologue_bytes: bytes,
        identity: Identity,
        *,
        static: X25519PrivateKey | None = None,
        ephemeral: X25519PrivateKey | None = None,
        identities: bool = True,
    ) -> None:
        self.initiator = initiator
        self.prologue = prologue_bytes
        self.ss = SymmetricState(prologue_bytes)
        self.s = static or X25519PrivateKey.generate()
        self._e = ephemeral
        self.e: X25519PrivateKey | None = None
        self.re = b""
        self.rs = b""
        self.identity = identity
        self.identities = identities
        self.peer = ""

    def _payload(self, payload: bytes | None) -> bytes:
        if payload is not None:
            return payload
        return identity_payload(self.identity, self.prologue, _pub(self.s))

    def _new_ephemeral(self) -> bytes:
        self.e = self._e or X25519PrivateKey.generate()
        e = _pub(self.e)
        self.ss.mix_hash(e)
        return e

    def _peer_identity(self, payload: bytes) -> None:
        if self.identities:
            self.peer = verify_identity(payload, self.prologue, self.rs)

    # initiator ------------------------------------------------------------------------------
    def write1(self, payload: bytes = b"") -> bytes:
        e = self._new_ephemeral()
        return e + self.ss.encrypt_and_hash(payload)

    def read2(self, msg: bytes) -> bytes:
        assert self.e is not None
        if len(msg) < DH_LEN + DH_LEN + TAG_LEN + TAG_LEN:
            raise HandshakeError("short handshake message 2")
        self.re = msg[:DH_LEN]
        self.ss.mix_hash(self.re)
        self.ss.mix_key(_dh(self.e, self.re))
        try:
            self.rs = self.ss.decrypt_and_hash(msg[DH_LEN : 2 * DH_LEN + TAG_LEN])
            self.ss.mix_key(_dh(self.e, self.rs))
            payload = self.ss.decrypt_and_hash(msg[2 * DH_LEN + TAG_LEN :])
        except ChannelError:
            raise HandshakeError("handshake message 2 failed authentication") from None
        self._peer_identity(payload)
        return payload

    def write3(self, payload: bytes | None = None) -> bytes:
        s = self.ss.encrypt_and_hash(_pub(self.s))
        self.ss.mix_key(_dh(self.s, self.re))
        return s + self.ss.encrypt_and_hash(self._payload(payload))

    # responder ------------------------------------------------------------------------------
    def read1(self, msg: bytes) -> bytes:
        if len(msg) < DH_LEN or (self.identities and len(msg) != DH_LEN):
            raise HandshakeError("malformed handshake message 1")
        self.re = msg[:DH_LEN]
        self.ss.mix_hash(self.re)
        return self.ss.decrypt_and_hash(msg[DH_LEN:])

    def write2(self, payload: bytes | None = None) -> bytes:
        e = self._new_ephemeral()
        assert self.e is not None
        self.ss.mix_key(_dh(self.e, self.re))
        s = self.ss.encrypt_and_hash(_pub(self.s))
        self.ss.mix_key(_dh(self.s, self.re))
        return e + s + self.ss.encrypt_and_hash(self._payload(payload))

    def read3(self, msg: bytes) -> bytes:
        assert self.e is not None
        if len(msg) < DH_LEN + TAG_LEN + TAG_LEN:
            raise HandshakeError("short handshake message 3")
        try:
            self.rs = self.ss.decrypt_and_hash(msg[: DH_LEN + TAG_LEN])
            self.ss.mix_key(_dh(self.e, self.rs))
            payload = self.ss.decrypt_and_hash(msg[DH_LEN + TAG_LEN :])
        except ChannelError:
            raise HandshakeError("handshake message 3 failed authentication") from None
        self._peer_identity(payload)
        return payload

    @property
    def handshake_hash(self) -> bytes:
        return self.ss.h

    def split(self) -> tuple[CipherState, CipherState]:
        """(send, receive) cipher states for this side."""
        c1, c2 = self.ss.split()
        return (c1, c2) if self.initiator else (c2, c1)


async def _read_hs(reader: asyncio.StreamReader) -> bytes:
    (n,) = struct.unpack(">H", await reader.readexactly(2))
    return await reader.readexactly(n)


def _frame_hs(msg: bytes) -> bytes:
    return struct.pack(">H", len(msg)) + msg


class Channel:
    """One direction-pair of an established Noise session over a TCP stream."""

    def __init__(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        send: CipherState,
        recv: CipherState,
        peer: str,
        max_message: int,
    ) -> None:
        self.reader, self.writer = reader, writer
        self._send, self._recv = send, recv
        self.peer = peer
        self.max_message = max_message
        self._lock = asyncio.Lock()

    async def send(self, message: bytes) -> None:
        if len(message) > self.max_message:
            raise ChannelError(f"message of {len(message)} bytes exceeds {self.max_message}")
        data = struct.pack(">I", len(message)) + message
        async with self._lock:
            for i in range(0, len(data), MAX_CHUNK):
                ct = self._send.encrypt(b"", data[i : i + MAX_CHUNK])
                self.writer.write(struct.pack(">H", len(ct)) + ct)
            await self.writer.drain()

    async def _chunk(self) -> bytes:
        (n,) = struct.unpack(">H", await self.reader.readexactly(2))
        if n < TAG_LEN:
            raise ChannelError("malformed transport message")
        return self._recv.decrypt(b"", await self.reader.readexactly(n))

    async def receive(self) -> bytes:
        first = await self._chunk()
        if len(first) < 4:
            raise ChannelError("malformed transport message")
        (total,) = struct.unpack(">I", first[:4])
        if total > self.max_message:
            raise ChannelError(f"peer announced a {total}-byte message (limit {self.max_message})")
        parts = [first[4:]]
        got = len(first) - 4
        while got < total:
            chunk = await self._chunk()
            parts.append(chunk)
            got += len(chunk)
        if got != total:
            raise ChannelError("transport message length mismatch")
        return b"".join(parts)

    def close(self) -> None:
        self.writer.close()


async def connect_handshake(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    prologue_bytes: bytes,
    identity: Identity,
    expect: Callable[[str], bool],
    max_message: int,
) -> Channel:
    """Initiator side; ``expect(address)`` decides whether the responder is acceptable."""
    hs = Handshake(True, prologue_bytes, identity)
    writer.write(_frame_hs(hs.write1()))
    await writer.drain()
    hs.read2(await _read_hs(reader))
    if not expect(hs.peer):
        raise HandshakeError(f"peer {hs.peer} is not the expected party")
    writer.write(_frame_hs(hs.write3()))
    await writer.drain()
    send, recv = hs.split()
    return Channel(reader, writer, send, recv, hs.peer, max_message)


async def accept_handshake(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    prologue_bytes: bytes,
    identity: Identity,
    expect: Callable[[str], bool],
    max_message: int,
) -> Channel:
    """Responder side; an initiator whose address ``expect`` refuses gets no channel."""
    hs = Handshake(False, prologue_bytes, identity)
    hs.read1(await _read_hs(reader))
    writer.write(_frame_hs(hs.write2()))
    await writer.drain()
    hs.read3(await _read_hs(reader))
    if not expect(hs.peer):
        raise HandshakeError(f"unknown peer {hs.peer}")
    send, recv = hs.split()
    return Channel(reader, writer, send, recv, hs.peer, max_message)
