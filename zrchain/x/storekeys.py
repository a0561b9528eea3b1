"""Store-key and time helpers the SDK's modules share (authz, feegrant): length-prefixed
addresses, ``FormatTimeBytes`` expiry-queue keys, ``google.protobuf.Timestamp`` values."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from google.protobuf.timestamp_pb2 import Timestamp

from zrchain.errors import ErrTxDecode


def lp(addr: bytes) -> bytes:
    """Length-prefixed address bytes (the SDK's ``address.MustLengthPrefix``)."""
    if len(addr) > 255:
        raise ValueError("address longer than 255 bytes")
    return bytes([len(addr)]) + addr


def split_lp(key: bytes) -> tuple[bytes, bytes, str]:
    """``lp(a) | lp(b) | rest`` -> (a, b, rest as text)."""
    n = key[0]
    a = key[1 : 1 + n]
    m = key[1 + n]
    b = key[2 + n : 2 + n + m]
    return a, b, key[2 + n + m :].decode()


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MIN_SECONDS = -62135596800  # 0001-01-01T00:00:00Z, google.protobuf.Timestamp's range
MAX_SECONDS = 253402300799  # 9999-12-31T23:59:59Z
TIME_BYTES_LEN = 29


def timestamp_ns(ts: Timestamp) -> int:
    return int(ts.seconds) * 1_000_000_000 + int(ts.nanos)


def check_timestamp(ts: Timestamp) -> None:
    """Go refuses out-of-range Timestamps while decoding the tx (gogoproto stdtime)."""
    if not (MIN_SECONDS <= ts.seconds <= MAX_SECONDS) or not (0 <= ts.nanos < 1_000_000_000):
        raise ErrTxDecode.wrap(f"timestamp out of range: seconds {ts.seconds}, nanos {ts.nanos}")


def _utc(time_ns: int) -> tuple[datetime, int]:
    secs, nanos = divmod(time_ns, 1_000_000_000)
    return _EPOCH + timedelta(seconds=secs), nanos


def format_time_bytes(time_ns: int) -> bytes:
    """The SDK's ``FormatTimeBytes``: ``2006-01-02T15:04:05.000000000`` in UTC, so that keys
    sort by time."""
    d, nanos = _utc(time_ns)
    return (
        f"{d.year:04d}-{d.month:02d}-{d.day:02d}T{d.hour:02d}:{d.minute:02d}:{d.second:02d}"
        f".{nanos:09d}"
    ).encode()


def rfc3339(time_ns: int) -> str:
    """Go's ``time.RFC3339`` rendering of a UTC time (no fractional seconds)."""
    d, _ = _utc(time_ns)
    return f"{d.year:04d}-{d.month:02d}-{d.day:02d}T{d.hour:02d}:{d.minute:02d}:{d.second:02d}Z"
