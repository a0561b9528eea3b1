"""RLP: strict decoding in one linear pass, with a nesting limit, and encoding.

Ethereum's canonical rules (the ones pyrlp's ``decode(strict=True)`` applies): a single
byte below 0x80 is its own encoding, long-form lengths are for 56 bytes or more and carry
no leading zero, and nothing may follow the root item. pyrlp itself rebuilds each list's
encoding by concatenation, which is quadratic in the number of items, and recurses once
per level; this decoder slices each payload once and keeps an explicit stack, so its work
is proportional to the input and its depth is bounded by ``max_depth``.
"""

from __future__ import annotations

from collections.abc import Sequence

Item = bytes | list["Item"]
#: What ``encode`` takes: byte strings, non-negative integers (big-endian, no leading zero
#: bytes, 0 as the empty string, as pyrlp's ``big_endian_int``) and sequences of these.
Encodable = bytes | int | Sequence["Encodable"]


class RLPError(ValueError):
    """The bytes are not one canonical RLP item (or nest deeper than allowed)."""


def _header(data: bytes, pos: int) -> tuple[bool, int, int]:
    """(is_list, payload start, payload length) of the item at ``pos``."""
    n = len(data)
    b0 = data[pos]
    if b0 < 0x80:
        return False, pos, 1
    if b0 < 0xB8:
        length = b0 - 0x80
        if length == 1:
            if pos + 1 >= n:
                raise RLPError("RLP string too short")
            if data[pos + 1] < 0x80:
                raise RLPError("single byte below 0x80 encoded as a string")
        return False, pos + 1, length
    if 0xC0 <= b0 < 0xF8:
        return True, pos + 1, b0 - 0xC0
    is_list = b0 >= 0xF8
    size = b0 - (0xF7 if is_list else 0xB7)
    if pos + 1 + size > n:
        raise RLPError("RLP string too short")
    if data[pos + 1] == 0:
        raise RLPError("length starts with zero bytes")
    length = int.from_bytes(data[pos + 1 : pos + 1 + size], "big")
    if length < 56:
        raise RLPError(f"long {'list' if is_list else 'string'} prefix used for a short one")
    return is_list, pos + 1 + size, length


def decode(data: bytes, max_depth: int) -> Item:
    """The item ``data`` encodes: bytes, or a (nested) list of items.

    Lists deeper than ``max_depth`` (the root list is depth 1) are refused before they are
    read, as is any non-canonical encoding or trailing byte.
    """
    data = bytes(data)
    if not data:
        raise RLPError("RLP string too short")
    root: list[Item] = []
    # each frame: (the list being filled, the end of its payload); the root frame takes one item
    stack: list[tuple[list[Item], int]] = [(root, len(data))]
    pos = 0
    while True:
        items, end = stack[-1]
        if len(stack) > 1 and pos == end:
            stack.pop()
            continue
        if len(stack) == 1 and root:
            break
        is_list, start, length = _header(data, pos)
        stop = start + length
        if stop > end:
            raise RLPError(
                "RLP string too short" if len(stack) == 1 else "list item runs past its list"
            )
        if is_list:
            if len(stack) > max_depth:
                raise RLPError(f"RLP lists nested deeper than {max_depth} levels")
            child: list[Item] = []
            items.append(child)
            stack.append((child, stop))
            pos = start
        else:
            items.append(data[start:stop])
            pos = stop
    if pos != len(data):
        raise RLPError(f"RLP string ends with {len(data) - pos} superfluous bytes")
    return root[0]


def encode(item: Encodable) -> bytes:
    """The canonical RLP encoding of ``item`` (what ``decode`` reads back)."""
    out = bytearray()
    _encode_into(out, item)
    return bytes(out)


def _encode_into(out: bytearray, item: Encodable) -> None:
    if isinstance(item, bytes | bytearray):
        if len(item) == 1 and item[0] < 0x80:
            out += item
        else:
            out += _length_prefix(len(item), 0x80)
            out += item
    elif isinstance(item, bool):
        raise TypeError("RLP does not encode booleans; give 0 or 1")
    elif isinstance(item, int):
        if item < 0:
            raise ValueError(f"RLP integers are non-negative, got {item}")
        _encode_into(out, item.to_bytes((item.bit_length() + 7) // 8, "big"))
    elif isinstance(item, list | tuple):
        body = bytearray()
        for child in item:
            _encode_into(body, child)
        out += _length_prefix(len(body), 0xC0)
        out += body
    else:
        raise TypeError(f"RLP cannot encode {type(item).__name__}")


def _length_prefix(length: int, offset: int) -> bytes:
    if length < 56:
        return bytes([offset + length])
    size = length.to_bytes((length.bit_length() + 7) // 8, "big")
    return bytes([offset + 55 + len(size)]) + size
