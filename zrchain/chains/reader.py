"""A bounded cursor over transaction bytes (Bitcoin and Solana wire formats)."""

from __future__ import annotations

import struct

from zrchain.chains.errors import ChainDataError


class Reader:
    """Cursor over bytes that raises ``error`` instead of running off the end."""

    def __init__(self, data: bytes, error: type[ChainDataError]) -> None:
        self.data = data
        self.pos = 0
        self.error = error

    @property
    def remaining(self) -> int:
        return len(self.data) - self.pos

    def take(self, size: int, what: str) -> bytes:
        if size > self.remaining:
            raise self.error(f"unexpected end of data reading {what}")
        out = self.data[self.pos : self.pos + size]
        self.pos += size
        return out

    def u8(self, what: str) -> int:
        return self.take(1, what)[0]

    def unpack(self, fmt: str, what: str) -> int:
        value: int = struct.unpack(fmt, self.take(struct.calcsize(fmt), what))[0]
        return value

    def compact_size(self, what: str) -> int:
        """Bitcoin CompactSize; non-minimal encodings are refused, as btcd does."""
        first = self.u8(what)
        if first < 0xFD:
            return first
        size, minimum = {0xFD: (2, 0xFD), 0xFE: (4, 0x10000), 0xFF: (8, 0x100000000)}[first]
        value = int.from_bytes(self.take(size, what), "little")
        if value < minimum:
            raise self.error(f"non-canonical varint for {what}")
        return value

    def var_bytes(self, what: str) -> bytes:
        return self.take(self.compact_size(what), what)

    def count(self, what: str, min_item_size: int) -> int:
        """An element count that the remaining bytes could actually hold."""
        n = self.compact_size(what)
        if n * min_item_size > self.remaining:
            raise self.error(f"{what} count {n} exceeds the remaining data")
        return n
