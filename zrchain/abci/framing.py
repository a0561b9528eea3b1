"""ABCI socket framing: each message is an unsigned LEB128 length followed by the payload.

CometBFT 0.38 uses *unsigned* varints (0.34 used zigzag-signed ones), so a Flush request
is ``02 12 00`` on the wire.
"""

from __future__ import annotations

MAX_MESSAGE_SIZE = (1 << 31) - 1  # CometBFT's own limit
_MAX_VARINT_BYTES = 10


class FramingError(ValueError):
    """The byte stream cannot be a sequence of ABCI frames; the connection must close."""


def encode_uvarint(n: int) -> bytes:
    if n < 0:
        raise ValueError("uvarint must be non-negative")
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def frame(payload: bytes) -> bytes:
    return encode_uvarint(len(payload)) + payload


class FrameDecoder:
    """Incremental decoder: feed arbitrary chunks, take whole payloads out.

    Split reads and several frames in one read are both normal on a socket.
    """

    def __init__(self, max_size: int = MAX_MESSAGE_SIZE) -> None:
        self._buf = bytearray()
        self._pos = 0
        self._max = max_size

    def feed(self, data: bytes) -> list[bytes]:
        if self._pos and self._pos == len(self._buf):
            self._buf.clear()
            self._pos = 0
        self._buf += data
        frames: list[bytes] = []
        while True:
            item = self._next()
            if item is None:
                break
            frames.append(item)
        if self._pos > 65536 and self._pos * 2 > len(self._buf):
            del self._buf[: self._pos]
            self._pos = 0
        return frames

    @property
    def buffered(self) -> int:
        return len(self._buf) - self._pos

    def _next(self) -> bytes | None:
        buf, pos = self._buf, self._pos
        length = 0
        shift = 0
        i = pos
        end = len(buf)
        while True:
            if i >= end:
                if i - pos >= _MAX_VARINT_BYTES:
                    raise FramingError("varint length prefix too long")
                return None
            b = buf[i]
            i += 1
            length |= (b & 0x7F) << shift
            if not b & 0x80:
                break
            shift += 7
            if i - pos >= _MAX_VARINT_BYTES:
                raise FramingError("varint length prefix too long")
        if length > self._max:
            raise FramingError(f"message of {length} bytes exceeds limit {self._max}")
        if end - i < length:
            return None
        self._pos = i + length
        return bytes(buf[i : i + length])
