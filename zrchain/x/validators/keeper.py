"""The only code that touches the validators store.

Layout under ``validators/``: ``0x01 | pubkey`` -> Validator (the name the authority gave;
its power is the validator set's, ``zrchain/valset.py``), ``0x03`` -> Params.
"""

from __future__ import annotations

from typing import Any

from zrchain.codec.gen.zrchain.validators import validators_pb2 as pb
from zrchain.context import Context

STORE_KEY = "validators"
_NAMES = b"\x01"
_PARAMS = b"\x03"


class ValidatorsKeeper:
    def _store(self, ctx: Context) -> Any:
        return ctx.store(STORE_KEY)

    def params(self, ctx: Context) -> Any:
        raw = self._store(ctx).get(_PARAMS)
        return pb.Params() if raw is None else pb.Params.FromString(raw)

    def set_params(self, ctx: Context, params: Any) -> None:
        self._store(ctx).set(_PARAMS, params.SerializeToString())

    def name(self, ctx: Context, pubkey: bytes) -> str:
        raw = self._store(ctx).get(_NAMES + pubkey)
        return "" if raw is None else str(pb.Validator.FromString(raw).name)

    def set_name(self, ctx: Context, pubkey: bytes, name: str) -> None:
        store = self._store(ctx)
        if name:
            store.set(_NAMES + pubkey, pb.Validator(pub_key=pubkey, name=name).SerializeToString())
        else:
            store.delete(_NAMES + pubkey)
