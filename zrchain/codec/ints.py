"""Fixed-width integers from text as Go's ``strconv.ParseInt/ParseUint(s, 10, bits)`` read
them (CLI arguments and flags, which the SDK parses with cobra/pflag): ASCII digits only,
an optional sign (``+`` or ``-``; ``-`` only when signed), no ``_``, no spaces, within the
width. Python's ``int()`` would also take other scripts' digits and ``1_000``."""

from __future__ import annotations

import re

_INT_TEXT = re.compile(r"[+-]?[0-9]+\Z")


class IntSyntaxError(ValueError):
    pass


def parse_go_int(text: str, bits: int = 64, signed: bool = False) -> int:
    """The value of ``text``; ``IntSyntaxError`` says what is wrong (syntax or range)."""
    if not _INT_TEXT.match(text) or (not signed and text.startswith("-")):
        kind = "an integer" if signed else "an unsigned integer"
        raise IntSyntaxError(f"expected {kind} in decimal digits 0-9")
    lo, hi = (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if signed else (0, (1 << bits) - 1)
    digits = text.lstrip("+-").lstrip("0")
    if len(digits) > len(str(hi)) or not lo <= (value := int(text)) <= hi:
        raise IntSyntaxError(f"out of range for {'int' if signed else 'uint'}{bits} [{lo}, {hi}]")
    return value
