"""x/attest state, under ``attest/``:

``params``                        zrchain.attest.Params
``i/<item id 32>``                height the request was ingested at (8 bytes, big-endian)
``d/<item id 32>``                a held-back signature request: first height (8) | item
``x/<height 8><address 20>``      a dissenting attestation: the signed extension as evidence
``k/<address 20>``                consensus public key of every validator seen (proof building)
``w/<item id 32>``                a simple-tx request awaiting its quote (``AwaitingQuote``)
``c/<caip2>``                     highest block > 2/3 of the power saw complete (8 bytes)
``n/<caip2> 0x00 <wallet 20>``    the nonce book: next nonce for the wallet (8 bytes)
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from zrchain.codec.gen.zrchain.attest import attest_pb2 as pb
from zrchain.context import Context
from zrchain.store.kv import iterate_prefix
from zrchain.x.attest.codec import (
    Item,
    Reader,
    SignedExtension,
    put_bytes,
    put_uvarint,
)

STORE_KEY = "attest"
MODULE = "attest"
_PARAMS = b"params"
_INGESTED = b"i/"
_DEFERRED = b"d/"
_DISSENT = b"x/"
_PUBKEY = b"k/"
_AWAITING = b"w/"
_CONFIRMED = b"c/"
_NONCES = b"n/"

DEFAULT_MAX_DEFER_BLOCKS = 2000
#: 1 gwei: what the relayer path uses when a node has no eth_maxPriorityFeePerGas.
DEFAULT_SIMPLE_TX_PRIORITY_FEE = 10**9
DEFAULT_SIMPLE_TX_CALL_GAS = 200_000


def default_params() -> pb.Params:
    return pb.Params(
        enabled=False,
        max_defer_blocks=DEFAULT_MAX_DEFER_BLOCKS,
        simple_tx_priority_fee=DEFAULT_SIMPLE_TX_PRIORITY_FEE,
        simple_tx_call_gas=DEFAULT_SIMPLE_TX_CALL_GAS,
    )


def _u64(n: int) -> bytes:
    return n.to_bytes(8, "big")


@dataclass(frozen=True)
class AwaitingQuote:
    """A simple-tx request ingested at ``first`` for destination ``caip2``; once its MPC
    wallet exists (``wallet``, 20 bytes; b"" before) the chain designates ``block``, the
    destination block at which validators read its quote."""

    item: Item
    first: int
    caip2: str
    wallet: bytes = b""
    block: int = 0

    def encode(self) -> bytes:
        return b"".join(
            (
                put_uvarint(self.first),
                put_bytes(self.caip2.encode()),
                put_bytes(self.wallet),
                put_uvarint(self.block),
                put_bytes(self.item.encode()),
            )
        )

    @classmethod
    def decode(cls, data: bytes) -> AwaitingQuote:
        r = Reader(data)
        first, caip2, wallet, block = r.uvarint(), r.bytes(64).decode(), r.bytes(20), r.uvarint()
        item = Item.decode(r.bytes(1 << 20))
        r.end()
        return cls(item, first, caip2, wallet, block)


class AttestKeeper:
    def __init__(self) -> None:
        self._ingesting = 0  # > 0 while this module runs an attested request

    def _store(self, ctx: Context) -> Any:
        return ctx.store(STORE_KEY)

    # -- params and the switch ---------------------------------------------------------------
    def params(self, ctx: Context) -> pb.Params:
        raw = self._store(ctx).get(_PARAMS)
        return default_params() if raw is None else pb.Params.FromString(raw)

    def set_params(self, ctx: Context, params: pb.Params) -> None:
        self._store(ctx).set(_PARAMS, params.SerializeToString())

    def relayer_refused(self, ctx: Context) -> bool:
        """True when a zr_sign_address tx must be refused: attestation is on and the request
        does not come from this module's own ingestion."""
        return self._ingesting == 0 and self.params(ctx).enabled

    def ingesting(self) -> _Ingesting:
        return _Ingesting(self)

    # -- ingested requests ---------------------------------------------------------------------
    def ingested(self, ctx: Context, item_id: bytes) -> bool:
        return self._store(ctx).get(_INGESTED + item_id) is not None

    def mark_ingested(self, ctx: Context, item_id: bytes, height: int) -> None:
        self._store(ctx).set(_INGESTED + item_id, _u64(height))

    # -- held-back signature requests ----------------------------------------------------------
    def defer(self, ctx: Context, item: Item, height: int) -> None:
        self._store(ctx).set(_DEFERRED + item.id, _u64(height) + item.encode())

    def undefer(self, ctx: Context, item_id: bytes) -> None:
        self._store(ctx).delete(_DEFERRED + item_id)

    def deferred(self, ctx: Context) -> Iterator[tuple[int, Item]]:
        for _k, v in iterate_prefix(self._store(ctx), _DEFERRED):
            yield int.from_bytes(v[:8], "big"), Item.decode(v[8:])

    # -- dissent (evidence for a later slashing decision) --------------------------------------
    def record_dissent(
        self, ctx: Context, height: int, address: bytes, signed: SignedExtension | None
    ) -> None:
        value = b""
        if signed is not None:
            value = (
                put_bytes(signed.pubkey) + put_bytes(signed.signature) + put_bytes(signed.extension)
            )
        self._store(ctx).set(_DISSENT + _u64(height) + address, value)

    def dissent(self, ctx: Context) -> Iterator[tuple[int, bytes, SignedExtension | None]]:
        for k, v in iterate_prefix(self._store(ctx), _DISSENT):
            height, address = int.from_bytes(k[len(_DISSENT) : len(_DISSENT) + 8], "big"), k[-20:]
            signed = None
            if v:
                r = Reader(v)
                pk, sig, ext = r.bytes(32), r.bytes(64), r.bytes(1 << 20)
                signed = SignedExtension(pk, ext, sig)
            yield height, address, signed

    # -- consensus keys ----------------------------------------------------------------------
    def remember_pubkey(self, ctx: Context, address: bytes, pubkey: bytes) -> None:
        store = self._store(ctx)
        if store.get(_PUBKEY + address) is None:
            store.set(_PUBKEY + address, pubkey)

    def pubkey(self, ctx: Context, address: bytes) -> bytes | None:
        raw: bytes | None = self._store(ctx).get(_PUBKEY + address)
        return raw

    # -- simple-tx requests awaiting a quote -------------------------------------------------
    def set_awaiting(self, ctx: Context, rec: AwaitingQuote) -> None:
        self._store(ctx).set(_AWAITING + rec.item.id, rec.encode())

    def awaiting(self, ctx: Context, request: bytes) -> AwaitingQuote | None:
        raw = self._store(ctx).get(_AWAITING + request)
        return None if raw is None else AwaitingQuote.decode(raw)

    def all_awaiting(self, ctx: Context) -> Iterator[AwaitingQuote]:
        for _k, v in iterate_prefix(self._store(ctx), _AWAITING):
            yield AwaitingQuote.decode(v)

    def drop_awaiting(self, ctx: Context, request: bytes) -> None:
        self._store(ctx).delete(_AWAITING + request)

    # -- what > 2/3 saw per network ----------------------------------------------------------
    def raise_confirmed(self, ctx: Context, caip2: str, block: int) -> None:
        if block > (self.confirmed(ctx, caip2) or -1):
            self._store(ctx).set(_CONFIRMED + caip2.encode(), _u64(block))

    def confirmed(self, ctx: Context, caip2: str) -> int | None:
        raw = self._store(ctx).get(_CONFIRMED + caip2.encode())
        return None if raw is None else int.from_bytes(raw, "big")

    def followed(self, ctx: Context) -> Iterator[str]:
        for k, _v in iterate_prefix(self._store(ctx), _CONFIRMED):
            yield k[len(_CONFIRMED) :].decode()

    # -- the nonce book ----------------------------------------------------------------------
    def next_nonce(self, ctx: Context, caip2: str, wallet: bytes, attested: int) -> int:
        """max(attested nonce, next in the book): the nonce the next transaction gets."""
        raw = self._store(ctx).get(_nonce_key(caip2, wallet))
        return max(attested, 0 if raw is None else int.from_bytes(raw, "big"))

    def use_nonce(self, ctx: Context, caip2: str, wallet: bytes, nonce: int) -> None:
        """A signature request was made with ``nonce``: the book moves past it."""
        self._store(ctx).set(_nonce_key(caip2, wallet), _u64(nonce + 1))


def _nonce_key(caip2: str, wallet: bytes) -> bytes:
    return _NONCES + caip2.encode() + b"\x00" + wallet


class _Ingesting:
    def __init__(self, keeper: AttestKeeper) -> None:
        self.keeper = keeper

    def __enter__(self) -> None:
        self.keeper._ingesting += 1

    def __exit__(self, *exc: object) -> None:
        self.keeper._ingesting -= 1
