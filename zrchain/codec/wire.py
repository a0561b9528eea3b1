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


def fields(data: bytes) -> Iterator[tuple[int, int, bytes | int]]:
    """(field number, wire type, value) for each field; raises WireError on bad bytes."""
    pos = 0
    n = len(data)
    while pos < n:
        tag, pos = _varint(data, pos)
        num, wt = tag >> 3, tag & 7
        if num == 0:
            raise WireError("field number 0")
        if wt == 0:
            v, pos = _varint(data, pos)
            yield num, wt, v
        elif wt == 1:
            if pos + 8 > n:
                raise WireError("truncated fixed64")
            yield num, wt, data[pos : pos + 8]
            pos += 8
        elif wt == 2:
            ln, pos = _varint(data, pos)
            if pos + ln > n:
                raise WireError("truncated length-delimited field")
            yield num, wt, data[pos : pos + ln]
            pos += ln
        elif wt == 5:
            if pos + 4 > n:
                raise WireError("truncated fixed32")
            yield num, wt, data[pos : pos + 4]
            pos += 4
        else:
            raise WireError(f"unsupported wire type {wt}")


def check_canonical(data: bytes, allowed: dict[int, int], non_critical_from: int | None = None) -> None:
    """Fields ascending (repeats allowed), each known with the right wire type.

    ``allowed`` maps field number -> wire type. Unknown fields are errors unless their number
    is >= ``non_critical_from`` (ADR-020: bit 11 set means non-critical).
    """
    prev = 0
    for num, wt, _ in fields(data):
        if num < prev:
            raise WireError(f"fields out of order: {num} after {prev}")
        prev = num
        want = allowed.get(num)
        if want is None:
            if non_critical_from is not None and num >= non_critical_from:
                continue
            raise WireError(f"unknown field {num}")
        if want != wt:
            raise WireError(f"field {num} has wire type {wt}, expected {want}")
