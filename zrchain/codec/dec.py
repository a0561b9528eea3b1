"""The SDK's ``math.LegacyDec``: a fixed-point decimal with 18 places, exact and with its
rounding rules, so stake, shares and (later) rewards compute the same on every node.

A ``Dec`` holds the integer ``value * 10**18``. Operations round as ``cosmossdk.io/math``
does: ``mul``/``quo`` round half to even ("banker's rounding") at the 18th place,
``*_truncate`` cut toward zero, ``*_round_up`` round away from zero; ``quo_int`` and
``truncate_int`` cut toward zero (Go's ``big.Int.Quo``), which is not Python's ``//`` for
negative numbers.

On the wire a LegacyDec field (``gogoproto.customtype = LegacyDec``) carries the *atomics*,
the scaled integer in decimal digits (``0.5`` travels as ``"500000000000000000"``); JSON
shows the decimal text (``"0.500000000000000000"``). ``from_atomics``/``atomics`` and
``parse``/``__str__`` are the two forms; ``zrchain/codec/json.py`` converts between them
at the JSON boundary.
"""

from __future__ import annotations

from fractions import Fraction
from functools import total_ordering

from zrchain.codec.coins import MAX_DEC_BITS, parse_dec, shown
from zrchain.errors import ErrInvalidCoins

PRECISION = 18
ONE_ATOMICS = 10**PRECISION
_HALF = ONE_ATOMICS // 2


def _quo_trunc(a: int, b: int) -> int:
    """Go's ``big.Int.Quo``: the quotient rounded toward zero."""
    q = abs(a) // abs(b)
    return q if (a < 0) == (b < 0) else -q


def _chop_round(x: int) -> int:
    """x / 10**18, rounding half to even (the SDK's ``chopPrecisionAndRound``)."""
    if x < 0:
        return -_chop_round(-x)
    q, r = divmod(x, ONE_ATOMICS)
    if r < _HALF:
        return q
    if r > _HALF:
        return q + 1
    return q if q % 2 == 0 else q + 1


def _chop_round_up(x: int) -> int:
    """x / 10**18 rounded away from zero (``chopPrecisionAndRoundUp``)."""
    if x < 0:
        return -_chop_round_up(-x)
    q, r = divmod(x, ONE_ATOMICS)
    return q + 1 if r else q


@total_ordering
class Dec:
    __slots__ = ("i",)

    def __init__(self, atomics: int = 0) -> None:
        self.i = atomics

    # -- construction ---------------------------------------------------------------------
    @classmethod
    def of(cls, n: int) -> Dec:
        """The integer ``n`` as a Dec."""
        return cls(n * ONE_ATOMICS)

    @classmethod
    def ratio(cls, num: int, den: int) -> Dec:
        """num/den rounded half to even (``LegacyNewDec(num).Quo(LegacyNewDec(den))``)."""
        return cls.of(num).quo(cls.of(den))

    @classmethod
    def parse(cls, text: str) -> Dec:
        """From the decimal text (``"0.05"``); raises ErrInvalidCoins on bad input."""
        f = parse_dec(text)
        return cls(f.numerator * (ONE_ATOMICS // f.denominator))

    @classmethod
    def from_atomics(cls, text: str | bytes) -> Dec:
        """From the wire form: the scaled integer's decimal digits; empty is zero."""
        if isinstance(text, bytes):
            try:
                text = text.decode("ascii")
            except UnicodeDecodeError:
                raise ErrInvalidCoins.wrap("decimal: not ASCII digits") from None
        if not text:
            return cls(0)
        body = text[1:] if text.startswith("-") else text
        if not body.isascii() or not body.isdigit() or len(body) > 100:
            raise ErrInvalidCoins.wrap(f"invalid decimal {shown(text)}: expected atomics digits")
        value = int(text)
        if value.bit_length() > MAX_DEC_BITS:
            raise ErrInvalidCoins.wrap(f"decimal {shown(text)} out of range")
        return cls(value)

    # -- forms ---------------------------------------------------------------------------
    def atomics(self) -> str:
        return str(self.i)

    def __str__(self) -> str:
        sign = "-" if self.i < 0 else ""
        whole, frac = divmod(abs(self.i), ONE_ATOMICS)
        return f"{sign}{whole}.{frac:018d}"

    def __repr__(self) -> str:
        return f"Dec({self})"

    def fraction(self) -> Fraction:
        return Fraction(self.i, ONE_ATOMICS)

    # -- comparisons ------------------------------------------------------------------------
    def __eq__(self, other: object) -> bool:
        return isinstance(other, Dec) and self.i == other.i

    def __lt__(self, other: Dec) -> bool:
        return self.i < other.i

    def __hash__(self) -> int:
        return hash(self.i)

    def is_zero(self) -> bool:
        return self.i == 0

    def is_negative(self) -> bool:
        return self.i < 0

    def is_positive(self) -> bool:
        return self.i > 0

    # -- arithmetic ----------------------------------------------------------------------
    def __add__(self, other: Dec) -> Dec:
        return Dec(self.i + other.i)

    def __sub__(self, other: Dec) -> Dec:
        return Dec(self.i - other.i)

    def __neg__(self) -> Dec:
        return Dec(-self.i)

    def mul(self, other: Dec) -> Dec:
        return Dec(_chop_round(self.i * other.i))

    def mul_truncate(self, other: Dec) -> Dec:
        return Dec(_quo_trunc(self.i * other.i, ONE_ATOMICS))

    def mul_round_up(self, other: Dec) -> Dec:
        return Dec(_chop_round_up(self.i * other.i))

    def mul_int(self, n: int) -> Dec:
        return Dec(self.i * n)

    def quo(self, other: Dec) -> Dec:
        if other.i == 0:
            raise ZeroDivisionError("division by zero")
        return Dec(_chop_round(_quo_trunc(self.i * ONE_ATOMICS * ONE_ATOMICS, other.i)))

    def quo_truncate(self, other: Dec) -> Dec:
        if other.i == 0:
            raise ZeroDivisionError("division by zero")
        return Dec(_quo_trunc(self.i * ONE_ATOMICS, other.i))

    def quo_round_up(self, other: Dec) -> Dec:
        if other.i == 0:
            raise ZeroDivisionError("division by zero")
        num = self.i * ONE_ATOMICS
        q = _quo_trunc(num, other.i)
        if q * other.i != num and (num < 0) == (other.i < 0):
            q += 1  # toward +infinity; a negative quotient cut toward zero already is
        return Dec(q)

    def quo_int(self, n: int) -> Dec:
        if n == 0:
            raise ZeroDivisionError("division by zero")
        return Dec(_quo_trunc(self.i, n))

    def truncate_int(self) -> int:
        """The integer part, toward zero."""
        return _quo_trunc(self.i, ONE_ATOMICS)

    def round_int(self) -> int:
        """Rounded half to even."""
        return _chop_round(self.i)

    def ceil_int(self) -> int:
        q, r = divmod(self.i, ONE_ATOMICS)
        return q + 1 if r else q

    def min(self, other: Dec) -> Dec:
        return self if self.i <= other.i else other


ZERO = Dec(0)
ONE = Dec(ONE_ATOMICS)


def parse_fraction_param(text: str, what: str) -> Dec:
    """A parameter that must be a decimal in [0, 1]; raises ValueError naming ``what``."""
    try:
        d = Dec.parse(text)
    except Exception as exc:
        raise ValueError(f"invalid {what} {shown(text)}: {getattr(exc, 'log', exc)}") from None
    if d.is_negative() or d > ONE:
        raise ValueError(f"{what} must be between 0 and 1, got {d}")
    return d


__all__ = ["ONE", "ONE_ATOMICS", "PRECISION", "ZERO", "Dec", "parse_fraction_param"]
