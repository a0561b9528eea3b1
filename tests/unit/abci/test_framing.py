"""ABCI socket framing: unsigned varint length prefixes over a byte stream."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zrchain.abci import types as abci
from zrchain.abci.framing import FrameDecoder, FramingError, encode_uvarint, frame


def test_flush_request_is_02_12_00_on_the_wire() -> None:
    req = abci.Request(flush=abci.RequestFlush())
    assert frame(req.SerializeToString()) == bytes.fromhex("021200")


@given(st.integers(0, 2**63))
def test_uvarint_matches_protobuf_varint(n: int) -> None:
    from google.protobuf.internal.encoder import _VarintBytes

    assert encode_uvarint(n) == _VarintBytes(n)


@given(st.lists(st.binary(max_size=300), max_size=20), st.data())
def test_split_reads_and_many_frames_per_read(payloads, data) -> None:
    stream = b"".join(frame(p) for p in payloads)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(stream)), max_size=10)))
    dec = FrameDecoder()
    out: list[bytes] = []
    prev = 0
    for c in [*cuts, len(stream)]:
        out += dec.feed(stream[prev:c])
        prev = c
    assert out == payloads
    assert dec.buffered == 0


def test_byte_by_byte_feed() -> None:
    payloads = [b"a" * 200, b"", b"xyz"]
    stream = b"".join(frame(p) for p in payloads)
    dec = FrameDecoder()
    out = []
    for i in range(len(stream)):
        out += dec.feed(stream[i : i + 1])
    assert out == payloads


def test_large_message() -> None:
    big = bytes(range(256)) * 40000  # ~10 MB
    dec = FrameDecoder()
    data = frame(big)
    out = dec.feed(data[:1000]) + dec.feed(data[1000:])
    assert out == [big]


def test_overlong_varint_is_rejected() -> None:
    with pytest.raises(FramingError):
        FrameDecoder().feed(b"\xff" * 11)


def test_length_over_limit_is_rejected() -> None:
    with pytest.raises(FramingError):
        FrameDecoder(max_size=100).feed(encode_uvarint(101))


def test_incomplete_varint_waits_for_more() -> None:
    dec = FrameDecoder()
    assert dec.feed(b"\x80") == []
    assert dec.feed(b"\x01" + b"x" * 128) == [b"x" * 128]
