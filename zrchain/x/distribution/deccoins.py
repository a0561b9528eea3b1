"""The SDK's ``sdk.DecCoins`` arithmetic, as F1 needs it: a denom -> Dec mapping with
the SDK's rounding (truncating multiply/divide, ``TruncateDecimal`` split into whole coins
and a remainder). Zero amounts are dropped, as the SDK's sanitised DecCoins do."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from cosmpy.protos.cosmos.base.v1beta1.coin_pb2 import DecCoin

from zrchain.codec.coins import Coin, Coins
from zrchain.codec.dec import ONE_ATOMICS, Dec

DecCoins = dict[str, Dec]


def of_coins(coins: Iterable[Coin]) -> DecCoins:
    return {c.denom: Dec.of(c.amount) for c in coins if c.amount}


def from_protos(protos: Iterable[Any]) -> DecCoins:
    """From stored DecCoin protos (amounts as LegacyDec atomics)."""
    return {p.denom: Dec.from_atomics(p.amount) for p in protos if p.amount}


def to_protos(d: Mapping[str, Dec]) -> list[DecCoin]:
    return [DecCoin(denom=k, amount=d[k].atomics()) for k in sorted(d) if not d[k].is_zero()]


def _clean(d: Mapping[str, Dec]) -> DecCoins:
    return {k: v for k, v in d.items() if not v.is_zero()}


def add(a: Mapping[str, Dec], b: Mapping[str, Dec]) -> DecCoins:
    out = dict(a)
    for k, v in b.items():
        out[k] = out[k] + v if k in out else v
    return _clean(out)


def sub(a: Mapping[str, Dec], b: Mapping[str, Dec]) -> DecCoins:
    """a - b; a negative result is a fault of the state machine (the SDK panics)."""
    out = dict(a)
    for k, v in b.items():
        out[k] = out.get(k, Dec(0)) - v
        if out[k].is_negative():
            raise ArithmeticError(f"negative coin amount: {out[k]}{k}")
    return _clean(out)


def mul_dec(a: Mapping[str, Dec], d: Dec) -> DecCoins:
    return _clean({k: v.mul(d) for k, v in a.items()})


def mul_dec_truncate(a: Mapping[str, Dec], d: Dec) -> DecCoins:
    return _clean({k: v.mul_truncate(d) for k, v in a.items()})


def quo_dec_truncate(a: Mapping[str, Dec], d: Dec) -> DecCoins:
    return _clean({k: v.quo_truncate(d) for k, v in a.items()})


def truncate_decimal(a: Mapping[str, Dec]) -> tuple[Coins, DecCoins]:
    """Whole coins and the fractional change (the SDK's ``TruncateDecimal``)."""
    whole = Coins.of(Coin(k, v.truncate_int()) for k, v in a.items())
    change = _clean({k: Dec(v.i % ONE_ATOMICS) for k, v in a.items()})
    return whole, change


def intersect(a: Mapping[str, Dec], b: Mapping[str, Dec]) -> DecCoins:
    """Per denom, the smaller amount (the SDK's ``DecCoins.Intersect``)."""
    return _clean({k: min(v, b[k]) for k, v in a.items() if k in b})


def is_any_negative(a: Mapping[str, Dec]) -> bool:
    return any(v.is_negative() for v in a.values())


def shown(a: Mapping[str, Dec]) -> str:
    """The SDK's DecCoins.String(): ``1.500000000000000000urock,…``."""
    return ",".join(f"{a[k]}{k}" for k in sorted(a) if not a[k].is_zero())
