"""x/attest state, under ``attest/``:

``params``                        zrchain.attest.Params
``i/<item id 32>``                height the request was ingested at (8 bytes, big-endian)
``d/<item id 32>``                a held-back signature request: first height (8) | item
``x/<height 8><address 20>``      a dissenting attestation: the signed extension as evidence
``k/<address 20>``                consensus public key of every validator seen (proof building)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from zrchain.codec.gen.zrchain.attest import attest_pb2 as pb
from zrchain.context import Context
from zrchain.store.kv import iterate_prefix
from zrchain.x.attest.codec import Item, Reader, SignedExtension, put_bytes

STORE_KEY = "attest"
MODULE = "attest"
_PARAMS = b"params"
_INGESTED = b"i/"
_DEFERRED = b"d/"
_DISSENT = b"x/"
_PUBKEY = b"k/"

DEFAULT_MAX_DEFER_BLOCKS = 2000


def default_params() -> pb.Params:
    return pb.Params(enabled=False, max_defer_blocks=DEFAULT_MAX_DEFER_BLOCKS)


def _u64(n: int) -> bytes:
    return n.to_bytes(8, "big")


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


class _Ingesting:
    def __init__(self, keeper: AttestKeeper) -> None:
        self.keeper = keeper

    def __enter__(self) -> None:
        self.keeper._ingesting += 1

    def __exit__(self, *exc: object) -> None:
        self.keeper._ingesting -= 1
