"""A minimal protobuf wire-format walker, for the SDK's ADR-027 canonical-form checks
(ascending field order, no unknown critical fields) without trusting the decoder."""

from __future__ import annotations

from collections.abc import Iterator


class WireError(ValueError):
    pass


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    result = 0
    shift = 0
    while True:
        if pos >= len(data):
            raise WireError("truncated varint")
        b = data[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, pos
        shift += 7
        if shift >= 64:
            raise WireError("varint too long")


def _skip(data: bytes, pos: int, wt: int, n: int) -> int:
    if wt == 0:
        return _varint(data, pos)[1]
    if wt == 2:
        ln, pos = _varint(data, pos)
        end = pos + ln
    elif wt == 1:
        end = pos + 8
    elif wt == 5:
        end = pos + 4
    else:
        raise WireError(f"unsupported wire type {wt}")
    if end > n:
        raise WireError("truncated field")
    return end


def fields(data: bytes) -> Iterator[tuple[int, int, bytes | int]]:
    """(field number, wire type, value) for each field; raises WireError on bad bytes."""
    pos = 0
    n = len(data)
    while pos < n:
        tag, pos = _varint(data, pos)
        num, wt = tag >> 3, tag & 7
        if num == 0:
            raise WireError("field number 0")
        start = pos
        pos = _skip(data, pos, wt, n)
        if wt == 0:
            yield num, wt, _varint(data, start)[0]
        elif wt == 2:
            _ln, vstart = _varint(data, start)
            yield num, wt, data[vstart:pos]
        else:
            yield num, wt, data[start:pos]


def check_canonical(
    data: bytes, allowed: dict[int, int], non_critical_from: int | None = None
) -> None:
    """Fields ascending (repeats allowed), each known with the right wire type.

    ``allowed`` maps field number -> wire type. Unknown fields are errors unless their number
    is >= ``non_critical_from`` (ADR-020: bit 11 set means non-critical).
    """
    pos = 0
    n = len(data)
    prev = 0
    while pos < n:
        b = data[pos]
        if b < 0x80:  # one-byte tag, the common case
            tag = b
            pos += 1
        else:
            tag, pos = _varint(data, pos)
        num, wt = tag >> 3, tag & 7
        if num == 0:
            raise WireError("field number 0")
        if num < prev:
            raise WireError(f"fields out of order: {num} after {prev}")
        prev = num
        want = allowed.get(num)
        if want is None:
            if non_critical_from is None or num < non_critical_from:
                raise WireError(f"unknown field {num}")
        elif want != wt:
            raise WireError(f"field {num} has wire type {wt}, expected {want}")
        pos = _skip(data, pos, wt, n)
