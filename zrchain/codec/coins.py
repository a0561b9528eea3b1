"""Coins with exact integer amounts (no floats), and decimal gas prices as fractions."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from cosmpy.protos.cosmos.base.v1beta1.coin_pb2 import Coin as CoinProto

from zrchain.errors import ErrInvalidCoins

DENOM_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9/:._-]{2,127}$")
_COIN_RE = re.compile(r"^\s*([0-9]+)\s*([a-zA-Z][a-zA-Z0-9/:._-]{2,127})\s*$")
_DEC_COIN_RE = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*([a-zA-Z][a-zA-Z0-9/:._-]{2,127})\s*$")
MAX_AMOUNT = (1 << 256) - 1


_VALID_DENOMS: set[str] = set()


def validate_denom(denom: str) -> None:
    if denom in _VALID_DENOMS:
        return
    if not DENOM_RE.match(denom):
        raise ErrInvalidCoins.wrap(f"invalid denom: {denom}")
    if len(_VALID_DENOMS) < 10_000:
        _VALID_DENOMS.add(denom)


@dataclass(frozen=True, slots=True)
class Coin:
    denom: str
    amount: int

    def __str__(self) -> str:
        return f"{self.amount}{self.denom}"

    def to_proto(self) -> CoinProto:
        return CoinProto(denom=self.denom, amount=str(self.amount))


class Coins(tuple[Coin, ...]):
    """A sorted, denom-unique list of positive coins (the SDK's ``sdk.Coins``)."""

    __slots__ = ()

    @classmethod
    def of(cls, items: Iterable[Coin]) -> Coins:
        merged: dict[str, int] = {}
        for c in items:
            merged[c.denom] = merged.get(c.denom, 0) + c.amount
        return cls(Coin(d, a) for d, a in sorted(merged.items()) if a != 0)

    @classmethod
    def from_protos(cls, protos: Iterable[Any], strict: bool = True) -> Coins:
        """From proto Coins; ``strict`` enforces the SDK's Coins.Validate rules."""
        out: list[Coin] = []
        prev = ""
        for p in protos:
            validate_denom(p.denom)
            amount = parse_int(p.amount, p.denom)
            if strict:
                if amount <= 0:
                    raise ErrInvalidCoins.wrap(f"coin {amount}{p.denom} amount is not positive")
                if prev and p.denom <= prev:
                    raise ErrInvalidCoins.wrap(f"{coins_str(out)}{p.amount}{p.denom} is not sorted")
            prev = p.denom
            out.append(Coin(p.denom, amount))
        return cls(out) if strict else cls.of(out)

    def __str__(self) -> str:
        return coins_str(self)

    def amount_of(self, denom: str) -> int:
        for c in self:
            if c.denom == denom:
                return c.amount
        return 0

    def add(self, other: Iterable[Coin]) -> Coins:
        return Coins.of([*self, *other])

    def sub(self, other: Iterable[Coin]) -> Coins:
        """self - other; raises ValueError when a result would be negative."""
        d = {c.denom: c.amount for c in self}
        for c in other:
            left = d.get(c.denom, 0) - c.amount
            if left < 0:
                raise ValueError(f"negative result for {c.denom}")
            d[c.denom] = left
        return Coins(Coin(k, v) for k, v in sorted(d.items()) if v)

    def is_all_gte(self, other: Iterable[Coin]) -> bool:
        return all(self.amount_of(c.denom) >= c.amount for c in other)

    def to_protos(self) -> list[CoinProto]:
        return [c.to_proto() for c in self]


def coins_str(coins: Iterable[Coin]) -> str:
    return ",".join(str(c) for c in coins)


def parse_int(text: str, what: str = "") -> int:
    if not text or (not text.isdigit() and not (text[0] == "-" and text[1:].isdigit())):
        raise ErrInvalidCoins.wrap(f"invalid amount {text!r} {what}".strip())
    value = int(text)
    if value > MAX_AMOUNT:
        raise ErrInvalidCoins.wrap(f"amount {text} {what} is larger than the maximum".strip())
    return value


def parse_coins(text: str) -> Coins:
    """``"100urock,5uatom"`` -> Coins (sorted); empty string -> no coins."""
    text = text.strip()
    if not text:
        return Coins()
    items = []
    for part in text.split(","):
        m = _COIN_RE.match(part)
        if not m:
            raise ErrInvalidCoins.wrap(f"invalid coin expression: {part.strip()}")
        items.append(Coin(m.group(2), int(m.group(1))))
    denoms = [c.denom for c in items]
    if len(set(denoms)) != len(denoms):
        raise ErrInvalidCoins.wrap(f"duplicate denomination in {text}")
    return Coins.of(items)


@dataclass(frozen=True, slots=True)
class DecCoin:
    denom: str
    amount: Fraction

    def __str__(self) -> str:
        return f"{_dec_str(self.amount)}{self.denom}"


def parse_dec_coins(text: str) -> list[DecCoin]:
    """``"0.0001urock"`` -> [DecCoin] (exact fractions, sorted by denom)."""
    text = text.strip()
    if not text:
        return []
    out = []
    for part in text.split(","):
        m = _DEC_COIN_RE.match(part)
        if not m:
            raise ErrInvalidCoins.wrap(f"invalid decimal coin expression: {part.strip()}")
        out.append(DecCoin(m.group(2), Fraction(m.group(1))))
    return sorted(out, key=lambda c: c.denom)


def _dec_str(x: Fraction) -> str:
    """The SDK's LegacyDec text: 18 decimal places."""
    scaled = x * 10**18
    whole = scaled.numerator // scaled.denominator
    return f"{whole // 10**18}.{whole % 10**18:018d}"


def ceil_fraction(x: Fraction) -> int:
    return -((-x.numerator) // x.denominator)
