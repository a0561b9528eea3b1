r"""Coins with exact integer amounts (no floats), and decimal gas prices as fractions.

Numbers are read with the Cosmos SDK's grammar, ASCII only (Python's ``int()`` and
``str.isdigit`` also take other scripts' digits, superscripts and ``_``; Go's parsers do
not), and within its limits, checked before any conversion so no input costs more than its
length:

- ``math.Int`` on the wire (Coin amounts in txs and genesis): decimal digits with an
  optional ``-``, at most 256 bits. A leading zero is refused: Go reads ``"010"`` as octal
  (``big.Int.SetString(s, 0)``), so we refuse rather than read a different number.
- ``math.LegacyDec`` text: ``-``? digits, at most one ``.`` with digits on both sides, at
  most 18 decimal places, at most 315 bits once scaled by 10^18.
- Coin strings (CLI flags, app.toml, params): the SDK's ``reDecCoin`` regex
  ``^(\d+(\.\d+)?|\.\d+)\s*<denom>$`` per comma-separated item, ``[[:digit:]]`` and
  ``[[:space:]]`` being ASCII in Go, items trimmed, zero coins dropped, sorted, a denom
  only once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from cosmpy.protos.cosmos.base.v1beta1.coin_pb2 import Coin as CoinProto

from zrchain.errors import ErrInvalidCoins

DENOM_PATTERN = r"[a-zA-Z][a-zA-Z0-9/:._-]{2,127}"
DENOM_RE = re.compile(rf"{DENOM_PATTERN}\Z")
_DEC_AMOUNT = r"[0-9]+(?:\.[0-9]+)?|\.[0-9]+"
_DEC_COIN_RE = re.compile(rf"({_DEC_AMOUNT})[\t\n\v\f\r ]*({DENOM_PATTERN})\Z")
_INT_RE = re.compile(r"-?(?:0|[1-9][0-9]*)\Z")
_DEC_RE = re.compile(r"-?[0-9]+(?:\.[0-9]+)?\Z")

MAX_INT_BITS = 256  # cosmossdk.io/math MaxBitLen
MAX_AMOUNT = (1 << MAX_INT_BITS) - 1
_MAX_INT_DIGITS = len(str(MAX_AMOUNT))
DEC_PRECISION = 18  # math.LegacyPrecision
MAX_DEC_BITS = MAX_INT_BITS + 59  # math's maxDecBitLen
_MAX_DEC_DIGITS = len(str(1 << MAX_DEC_BITS))
_SHOWN = 40  # characters of a bad number quoted in an error


def shown(text: str) -> str:
    """``text`` for an error message, cut when long (a 5,000-digit amount is not echoed)."""
    return repr(text) if len(text) <= _SHOWN else f"{text[:_SHOWN]!r}... ({len(text)} characters)"


_VALID_DENOMS: set[str] = set()


def validate_denom(denom: str) -> None:
    if denom in _VALID_DENOMS:
        return
    if not DENOM_RE.match(denom):
        raise ErrInvalidCoins.wrap(f"invalid denom: {shown(denom)}")
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


# Proto coins already read (denom, amount text) -> Coin: txs repeat a few fees and amounts.
_PARSED: dict[tuple[str, str], Coin] = {}


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
        return cls.from_pairs(((p.denom, p.amount) for p in protos), strict)

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[str, str]], strict: bool = True) -> Coins:
        """From (denom, amount text) pairs, as from_protos."""
        out: list[Coin] = []
        prev = ""
        parsed = _PARSED
        for key in pairs:
            coin = parsed.get(key)
            denom, amount_text = key
            if coin is None:
                validate_denom(denom)
                coin = Coin(denom, parse_int(amount_text, denom))
                if len(parsed) >= 10_000:
                    parsed.clear()
                parsed[key] = coin
            amount = coin.amount
            if strict:
                if amount <= 0:
                    raise ErrInvalidCoins.wrap(f"coin {amount}{denom} amount is not positive")
                if prev and denom <= prev:
                    raise ErrInvalidCoins.wrap(
                        f"{coins_str(out)}{amount_text}{denom} is not sorted"
                    )
            prev = denom
            out.append(coin)
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
    if isinstance(coins, tuple) and len(coins) == 1:  # most fees and amounts
        c = coins[0]
        return f"{c.amount}{c.denom}"
    return ",".join([f"{c.amount}{c.denom}" for c in coins])


def parse_int(text: str, what: str = "") -> int:
    """A ``math.Int`` as carried in a tx or genesis (see the module docstring)."""
    about = f" for {shown(what)}" if what else ""
    if not _INT_RE.match(text):
        raise ErrInvalidCoins.wrap(
            f"invalid amount {shown(text)}{about}: expected decimal digits 0-9 without "
            "leading zeros, optionally after '-'"
        )
    if len(text.lstrip("-")) > _MAX_INT_DIGITS or abs(value := int(text)) > MAX_AMOUNT:
        raise ErrInvalidCoins.wrap(
            f"invalid amount {shown(text)}{about}: integer out of range, max {MAX_INT_BITS} bits"
        )
    return value


def parse_dec(text: str) -> Fraction:
    """A ``math.LegacyDec`` from its text form, exactly (see the module docstring)."""
    if not text:
        raise ErrInvalidCoins.wrap("decimal string cannot be empty")
    if not _DEC_RE.match(text):
        raise ErrInvalidCoins.wrap(
            f"invalid decimal {shown(text)}: expected digits 0-9 with at most one '.' between "
            "digits, optionally after '-'"
        )
    whole, _, frac = text.lstrip("-").partition(".")
    if len(frac) > DEC_PRECISION:
        raise ErrInvalidCoins.wrap(
            f"invalid decimal {shown(text)}: {len(frac)} decimal places, max {DEC_PRECISION}"
        )
    scaled_digits = len(whole.lstrip("0")) + DEC_PRECISION
    scaled = int(whole + frac.ljust(DEC_PRECISION, "0")) if scaled_digits <= _MAX_DEC_DIGITS else 0
    if scaled_digits > _MAX_DEC_DIGITS or scaled.bit_length() > MAX_DEC_BITS:
        raise ErrInvalidCoins.wrap(
            f"invalid decimal {shown(text)}: out of range, max {MAX_DEC_BITS} bits scaled by "
            f"10^{DEC_PRECISION}"
        )
    value = Fraction(scaled, 10**DEC_PRECISION)
    return -value if text.startswith("-") else value


@dataclass(frozen=True, slots=True)
class DecCoin:
    denom: str
    amount: Fraction

    def __str__(self) -> str:
        return f"{_dec_str(self.amount)}{self.denom}"


# Go's unicode.IsSpace, which the SDK's strings.TrimSpace uses: Python's str.strip() would
# also drop the ASCII separators 0x1c-0x1f, which Go keeps (and then refuses).
GO_SPACE = (
    "\t\n\v\f\r \x85\xa0\u1680"
    + "".join(map(chr, range(0x2000, 0x200B)))
    + ("\u2028\u2029\u202f\u205f\u3000")
)


def _dec_coin_items(text: str) -> list[tuple[str, DecCoin]]:
    """(item text, DecCoin) per comma-separated item, in order; the SDK's ParseDecCoin."""
    text = text.strip(GO_SPACE)
    if not text:
        return []
    out: list[tuple[str, DecCoin]] = []
    seen: set[str] = set()
    for part in text.split(","):
        item = part.strip(GO_SPACE)
        m = _DEC_COIN_RE.match(item)
        if not m:
            raise ErrInvalidCoins.wrap(f"invalid decimal coin expression: {shown(item)}")
        amount, denom = parse_dec(m.group(1)), m.group(2)
        if denom in seen:
            raise ErrInvalidCoins.wrap(f"duplicate denomination {denom}")
        seen.add(denom)
        out.append((item, DecCoin(denom, amount)))
    return out


def parse_dec_coins(text: str) -> list[DecCoin]:
    """The SDK's ``ParseDecCoins``: ``"0.0001urock,1uatom"`` -> [DecCoin] without zero
    coins, sorted by denom; a denom may appear once."""
    return sorted((c for _, c in _dec_coin_items(text) if c.amount), key=lambda c: c.denom)


def parse_coins(text: str) -> Coins:
    """Coins from a CLI/config string (``"100urock,5uatom"``), the SDK's coin grammar.

    The SDK's ``ParseCoinsNormalized`` also takes decimal amounts and truncates them; we
    take ``1.0urock`` but refuse ``1.5urock`` rather than silently drop half a unit."""
    out = []
    for item, c in _dec_coin_items(text):
        if c.amount.denominator != 1:
            raise ErrInvalidCoins.wrap(
                f"invalid coin {shown(item)}: an amount is a whole number of {c.denom}"
            )
        if c.amount > MAX_AMOUNT:
            raise ErrInvalidCoins.wrap(
                f"invalid coin {shown(item)}: integer out of range, max {MAX_INT_BITS} bits"
            )
        if c.amount:
            out.append(Coin(c.denom, int(c.amount)))
    return Coins.of(out)


def _dec_str(x: Fraction) -> str:
    """The SDK's LegacyDec text: 18 decimal places."""
    scaled = x * 10**18
    whole = scaled.numerator // scaled.denominator
    return f"{whole // 10**18}.{whole % 10**18:018d}"


def ceil_fraction(x: Fraction) -> int:
    return -((-x.numerator) // x.denominator)
