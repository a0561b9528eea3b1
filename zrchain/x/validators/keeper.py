"""The only code that touches the validators store.

Layout under ``validators/``: ``0x01 | pubkey`` -> Validator (the current set, as CometBFT
will have it once pending updates apply), ``0x02 | pubkey`` -> pending power (updates to
return at the end of this block), ``0x03`` -> Params.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from zrchain.codec.gen.zrchain.validators import validators_pb2 as pb
from zrchain.context import Context
from zrchain.store.kv import iterate_prefix

STORE_KEY = "validators"
_SET = b"\x01"
_PENDING = b"\x02"
_PARAMS = b"\x03"


class ValidatorsKeeper:
    def _store(self, ctx: Context) -> Any:
        return ctx.store(STORE_KEY)

    def params(self, ctx: Context) -> Any:
        raw = self._store(ctx).get(_PARAMS)
        return pb.Params() if raw is None else pb.Params.FromString(raw)

    def set_params(self, ctx: Context, params: Any) -> None:
        self._store(ctx).set(_PARAMS, params.SerializeToString())

    def get(self, ctx: Context, pubkey: bytes) -> Any | None:
        raw = self._store(ctx).get(_SET + pubkey)
        return None if raw is None else pb.Validator.FromString(raw)

    def validators(self, ctx: Context) -> Iterator[Any]:
        for _, raw in iterate_prefix(self._store(ctx), _SET):
            yield pb.Validator.FromString(raw)

    def total_power(self, ctx: Context) -> int:
        return sum(int(v.power) for v in self.validators(ctx))

    def set(self, ctx: Context, pubkey: bytes, power: int, name: str, pending: bool) -> None:
        store = self._store(ctx)
        if power == 0:
            store.delete(_SET + pubkey)
        else:
            store.set(
                _SET + pubkey,
                pb.Validator(pub_key=pubkey, power=power, name=name).SerializeToString(),
            )
        if pending:
            store.set(_PENDING + pubkey, str(power).encode())

    def take_pending(self, ctx: Context) -> list[tuple[bytes, int]]:
        store = self._store(ctx)
        out = [(k[1:], int(v)) for k, v in iterate_prefix(store, _PENDING)]
        for pk, _ in out:
            store.delete(_PENDING + pk)
        return out
