"""The attestation wire formats (docs/attestation.md): attested items, vote extensions and the
injection tx. Hand-written, strict and canonical: every length is bounded, varints are
minimal, lists are sorted and unique, and a decoder consumes exactly its input, so one
value has one encoding and a digest names it.

Primitives: ``uvarint`` (unsigned LEB128, minimal form, < 2^63) and ``bytes`` (uvarint length,
then the bytes).
"""

from __future__ import annotations

import hashlib
import itertools
from dataclasses import dataclass
from functools import cached_property

from zrchain.abci.framing import encode_uvarint

#: An extension larger than this is refused by VerifyVoteExtension (and never produced).
MAX_EXTENSION_BYTES = 16 * 1024
#: At most this many networks and items in one extension.
MAX_NETWORKS = 16
MAX_ITEMS = 64
MAX_CAIP2_BYTES = 64
MAX_MSG_BYTES = 8 * 1024
EXTENSION_VERSION = 1
#: An extension that also carries simple-tx quotes (version 1 followed by the quotes).
EXTENSION_VERSION_QUOTES = 2
#: At most this many quotes in one extension or injection.
MAX_QUOTES = 64
#: First bytes of the injection tx. 0xff opens no protobuf field (number 31, wire type 7 does
#: not exist), so no Cosmos TxRaw can start with it. The last byte is the version: 1 without
#: quotes, 2 with them.
INJECTION_PREFIX = b"\xffzrchain/attest"
INJECTION_MAGIC = INJECTION_PREFIX + b"\x01"
INJECTION_MAGIC_QUOTES = INJECTION_PREFIX + b"\x02"
#: The injection carries at most this many votes (CometBFT's own validator-set limit).
MAX_VOTES = 10_000

KIND_KEY = 1  # zrchain.treasury.MsgNewKeyRequest
KIND_SIG = 2  # zrchain.treasury.MsgNewZrSignSignatureRequest
KIND_OMNI_CALL = 3  # zrchain.omni.MsgForwardOwnerCall (ZrPolicyCreate, ZrKeyPolicySet)
KIND_OMNI_APPROVAL = 4  # zrchain.omni.MsgForwardApproval (ZrActionApproval, ZrActionRejection)
#: A zrSignSimpleTx request: ``dst_chain_id:bytes(32) msg:bytes``, the msg a
#: MsgNewZrSignSignatureRequest whose data is still the simple-tx payload; it waits for a
#: quote (docs/attestation.md, *Simple-tx quotes*).
KIND_SIMPLE_TX = 5
KINDS = (KIND_KEY, KIND_SIG, KIND_OMNI_CALL, KIND_OMNI_APPROVAL, KIND_SIMPLE_TX)
#: The kinds of x/omni calls forwarded from contract events (their cache_id is the event's).
OMNI_KINDS = (KIND_OMNI_CALL, KIND_OMNI_APPROVAL)


class CodecError(ValueError):
    """Malformed attestation bytes."""


def put_uvarint(n: int) -> bytes:
    if n < 0 or n >= 1 << 63:
        raise CodecError(f"uvarint out of range: {n}")
    return encode_uvarint(n)


def put_bytes(b: bytes) -> bytes:
    return put_uvarint(len(b)) + b


class Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def uvarint(self) -> int:
        result = shift = 0
        start = self.pos
        while True:
            if self.pos >= len(self.data):
                raise CodecError("truncated varint")
            b = self.data[self.pos]
            self.pos += 1
            result |= (b & 0x7F) << shift
            if not b & 0x80:
                break
            shift += 7
            if shift > 56:
                raise CodecError("varint too long")
        if self.pos - start > 1 and self.data[self.pos - 1] == 0:
            raise CodecError("varint not minimal")
        return result

    def bytes(self, limit: int, exact: int | None = None) -> bytes:
        n = self.uvarint()
        if n > limit or (exact is not None and n != exact):
            raise CodecError(f"field of {n} bytes (limit {exact if exact is not None else limit})")
        if self.pos + n > len(self.data):
            raise CodecError("truncated field")
        out = self.data[self.pos : self.pos + n]
        self.pos += n
        return out

    def count(self, limit: int, what: str) -> int:
        n = self.uvarint()
        if n > limit:
            raise CodecError(f"{n} {what} (limit {limit})")
        return n

    def end(self) -> None:
        if self.pos != len(self.data):
            raise CodecError(f"{len(self.data) - self.pos} trailing bytes")


@dataclass(frozen=True)
class Item:
    """One zrSign event seen in a confirmed EVM log, as the chain will execute it.

    ``msg`` is the protobuf of the Msg the relayer path sends for it (the ``kind`` names its
    type: KIND_KEY, KIND_SIG, KIND_OMNI_CALL, KIND_OMNI_APPROVAL) with ``creator`` left
    empty: the chain fills it in. The origin fields make the item name one log in the
    world."""

    caip2: str
    contract: bytes  # 20
    block_number: int
    block_hash: bytes  # 32
    tx_hash: bytes  # 32
    log_index: int
    kind: int
    msg: bytes

    def encode(self) -> bytes:
        return b"".join(
            (
                put_bytes(self.caip2.encode()),
                put_bytes(self.contract),
                put_uvarint(self.block_number),
                put_bytes(self.block_hash),
                put_bytes(self.tx_hash),
                put_uvarint(self.log_index),
                put_uvarint(self.kind),
                put_bytes(self.msg),
            )
        )

    @cached_property
    def id(self) -> bytes:
        """sha256 of the encoding: what validators vote for."""
        return hashlib.sha256(self.encode()).digest()

    @property
    def order(self) -> tuple[str, int, int]:
        return (self.caip2, self.block_number, self.log_index)

    @classmethod
    def decode(cls, data: bytes) -> Item:
        r = Reader(data)
        item = cls._read(r)
        r.end()
        return item

    @classmethod
    def _read(cls, r: Reader) -> Item:
        caip2 = _caip2(r)
        item = cls(
            caip2=caip2,
            contract=r.bytes(20, exact=20),
            block_number=r.uvarint(),
            block_hash=r.bytes(32, exact=32),
            tx_hash=r.bytes(32, exact=32),
            log_index=r.uvarint(),
            kind=r.uvarint(),
            msg=r.bytes(MAX_MSG_BYTES),
        )
        if item.kind not in KINDS:
            raise CodecError(f"unknown item kind {item.kind}")
        return item


def unattestable(item: Item) -> str:
    """Why ``item`` cannot be carried in an extension (its encoding would be refused by every
    VerifyVoteExtension), or ''. A function of the event alone, so every honest follower
    leaves out the same items."""
    if len(item.msg) > MAX_MSG_BYTES:
        return f"its Msg is {len(item.msg)} bytes (limit {MAX_MSG_BYTES})"
    if len(item.caip2.encode()) > MAX_CAIP2_BYTES:
        return f"its CAIP-2 id is longer than {MAX_CAIP2_BYTES} bytes"
    if item.kind not in KINDS:
        return f"unknown item kind {item.kind}"
    return ""


def simple_tx_msg(dst_chain_id: bytes, msg: bytes) -> bytes:
    """The ``msg`` of a KIND_SIMPLE_TX item: the event's ``dstChainId`` (keccak256 of the
    destination's CAIP-2 id, resolved by the chain against the networks > 2/3 follow) and
    the relayer path's signature request before conversion."""
    if len(dst_chain_id) != 32:
        raise CodecError("dstChainId must be 32 bytes")
    return put_bytes(dst_chain_id) + put_bytes(msg)


def split_simple_tx_msg(data: bytes) -> tuple[bytes, bytes]:
    r = Reader(data)
    dst, msg = r.bytes(32, exact=32), r.bytes(MAX_MSG_BYTES)
    r.end()
    return dst, msg


@dataclass(frozen=True)
class Quote:
    """What a validator read on a simple-tx request's destination at the block the chain
    designated for it: the MPC wallet's nonce (eth_getTransactionCount at that block) and
    the block's base fee; ``block_hash`` names the branch it read. ``request`` is the id of
    the simple-tx item awaiting it."""

    request: bytes  # 32
    block: int
    block_hash: bytes  # 32
    nonce: int
    base_fee: int

    def encode(self) -> bytes:
        return b"".join(
            (
                put_bytes(self.request),
                put_uvarint(self.block),
                put_bytes(self.block_hash),
                put_uvarint(self.nonce),
                put_uvarint(self.base_fee),
            )
        )

    @cached_property
    def id(self) -> bytes:
        return hashlib.sha256(self.encode()).digest()

    @classmethod
    def decode(cls, data: bytes) -> Quote:
        r = Reader(data)
        q = cls(r.bytes(32, exact=32), r.uvarint(), r.bytes(32, exact=32), r.uvarint(),
                r.uvarint())  # fmt: skip
        r.end()
        return q


#: A quote's encoding is at most this long (2 x 33 + 3 x 10 bytes).
MAX_QUOTE_BYTES = 96


def _quotes(r: Reader) -> tuple[Quote, ...]:
    n = r.count(MAX_QUOTES, "quotes")
    if n == 0:
        raise CodecError("a version-2 encoding carries at least one quote")
    quotes = tuple(Quote.decode(r.bytes(MAX_QUOTE_BYTES)) for _ in range(n))
    if any(a.request >= b.request for a, b in itertools.pairwise(quotes)):
        raise CodecError("quotes not in strictly ascending request order")
    return quotes


def _put_quotes(quotes: tuple[Quote, ...]) -> list[bytes]:
    return [put_uvarint(len(quotes)), *(put_bytes(q.encode()) for q in quotes)]


def _caip2(r: Reader) -> str:
    raw = r.bytes(MAX_CAIP2_BYTES)
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError:
        raise CodecError("CAIP-2 id is not ASCII") from None
    ns, sep, ref = text.partition(":")
    if not sep or not ns or not ref or not text.isprintable() or " " in text:
        raise CodecError(f"not a CAIP-2 id: {text!r}")
    return text


def digest(items: list[Item]) -> bytes:
    """sha256 over the items' ids in order: the view of one network in 32 bytes."""
    return hashlib.sha256(b"".join(i.id for i in items)).digest()


@dataclass(frozen=True)
class NetworkView:
    """One followed network: every request in confirmed blocks up to ``confirmed`` that the
    validator knows is not yet ingested (complete through that block), and their digest."""

    caip2: str
    confirmed: int
    items: tuple[Item, ...] = ()

    @property
    def digest(self) -> bytes:
        return digest(list(self.items))


@dataclass(frozen=True)
class Extension:
    networks: tuple[NetworkView, ...] = ()
    #: Simple-tx quotes, one per request, in ascending request id order.
    quotes: tuple[Quote, ...] = ()

    def encode(self) -> bytes:
        if not self.networks and not self.quotes:
            return b""
        version = EXTENSION_VERSION_QUOTES if self.quotes else EXTENSION_VERSION
        out = [bytes([version]), put_uvarint(len(self.networks))]
        for net in self.networks:
            out.append(put_bytes(net.caip2.encode()))
            out.append(put_uvarint(net.confirmed))
            out.append(put_bytes(net.digest))
            out.append(put_uvarint(len(net.items)))
            out.extend(put_bytes(i.encode()) for i in net.items)
        if self.quotes:
            out += _put_quotes(self.quotes)
        return b"".join(out)

    @classmethod
    def decode(cls, data: bytes) -> Extension:
        """Raises CodecError for anything but the one canonical encoding within the limits."""
        if not data:
            return cls()
        if len(data) > MAX_EXTENSION_BYTES:
            raise CodecError(f"extension of {len(data)} bytes (limit {MAX_EXTENSION_BYTES})")
        if data[0] not in (EXTENSION_VERSION, EXTENSION_VERSION_QUOTES):
            raise CodecError(f"unknown extension version {data[0]}")
        r = Reader(data)
        r.pos = 1
        nets: list[NetworkView] = []
        total = 0
        for _ in range(r.count(MAX_NETWORKS, "networks")):
            caip2 = _caip2(r)
            confirmed = r.uvarint()
            claimed = r.bytes(32, exact=32)
            n = r.count(MAX_ITEMS, "items")
            total += n
            if total > MAX_ITEMS:
                raise CodecError(f"more than {MAX_ITEMS} items")
            items = tuple(Item.decode(r.bytes(MAX_EXTENSION_BYTES)) for _ in range(n))
            for it in items:
                if it.caip2 != caip2:
                    raise CodecError(f"item of {it.caip2} listed under {caip2}")
                if it.block_number > confirmed:
                    raise CodecError(f"item of block {it.block_number} above {confirmed}")
            if any(a.order >= b.order for a, b in itertools.pairwise(items)):
                raise CodecError("items not in strictly ascending (block, log index) order")
            net = NetworkView(caip2, confirmed, items)
            if net.digest != claimed:
                raise CodecError(f"digest of {caip2} does not match its items")
            nets.append(net)
        quotes = _quotes(r) if data[0] == EXTENSION_VERSION_QUOTES else ()
        r.end()
        if not nets and not quotes:
            raise CodecError("an empty extension is the empty byte string")
        if any(a.caip2 >= b.caip2 for a, b in itertools.pairwise(nets)):
            raise CodecError("networks not in strictly ascending order")
        return cls(tuple(nets), quotes)


@dataclass(frozen=True)
class SignedExtension:
    """A validator's extension and CometBFT's signature over it, as the commit holds them."""

    pubkey: bytes  # ed25519, 32
    extension: bytes
    signature: bytes  # 64


@dataclass(frozen=True)
class Injection:
    """The first tx of a block that ingests attested requests.

    ``round`` is the round of the previous height's commit the extensions were signed in;
    ``votes`` the signed extensions (the proof); ``items`` what the block ingests, which
    must equal what the votes back with > 2/3 of the power, minus what is already ingested,
    in (CAIP-2, block, log index) order."""

    round: int
    votes: tuple[SignedExtension, ...]
    items: tuple[Item, ...]
    #: The simple-tx quotes the votes back, in ascending request id order.
    quotes: tuple[Quote, ...] = ()

    def encode(self) -> bytes:
        magic = INJECTION_MAGIC_QUOTES if self.quotes else INJECTION_MAGIC
        out = [magic, put_uvarint(self.round), put_uvarint(len(self.votes))]
        for v in self.votes:
            out += [put_bytes(v.pubkey), put_bytes(v.extension), put_bytes(v.signature)]
        out.append(put_uvarint(len(self.items)))
        out.extend(put_bytes(i.encode()) for i in self.items)
        if self.quotes:
            out += _put_quotes(self.quotes)
        return b"".join(out)

    @classmethod
    def decode(cls, data: bytes) -> Injection:
        if not is_injection(data):
            raise CodecError("not an injection tx")
        r = Reader(data)
        r.pos = len(INJECTION_MAGIC)
        rnd = r.uvarint()
        votes = tuple(
            SignedExtension(
                r.bytes(32, exact=32), r.bytes(MAX_EXTENSION_BYTES), r.bytes(64, exact=64)
            )
            for _ in range(r.count(MAX_VOTES, "votes"))
        )
        items = tuple(
            Item.decode(r.bytes(MAX_EXTENSION_BYTES)) for _ in range(r.count(MAX_ITEMS, "items"))
        )
        quotes = _quotes(r) if data.startswith(INJECTION_MAGIC_QUOTES) else ()
        r.end()
        return cls(rnd, votes, items, quotes)


def is_injection(tx: bytes) -> bool:
    return tx.startswith(INJECTION_MAGIC) or tx.startswith(INJECTION_MAGIC_QUOTES)


@dataclass(frozen=True)
class QuoteRequest:
    """What a follower is asked to read for a simple-tx request awaiting its quote: the
    nonce of ``wallet`` (EVM address, 20 bytes) and the base fee, at ``block`` of ``caip2``."""

    request: bytes
    caip2: str
    wallet: bytes
    block: int
