"""Our strict RLP decoder and our encoder against pyrlp (the reference Ethereum
implementation): the same items for every input pyrlp accepts, an error wherever pyrlp
refuses, linear work, a nesting limit; the same bytes for every item pyrlp encodes."""

from __future__ import annotations

import pytest
import rlp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zrchain.codec.rlp import RLPError, decode, encode

DEEP = 50  # well inside pyrlp's recursion, so the two decoders see the same inputs

items = st.recursive(
    st.binary(max_size=70),
    lambda children: st.lists(children, max_size=6),
    max_leaves=30,
)


def reference(data: bytes) -> object:
    try:
        return rlp.decode(data, strict=True)
    except (rlp.exceptions.DecodingError, IndexError):
        return RLPError


def ours(data: bytes) -> object:
    try:
        return decode(data, DEEP)
    except RLPError:
        return RLPError


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(items)
def test_round_trip_of_encoded_items(item) -> None:
    assert decode(rlp.encode(item), DEEP) == item


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(items, st.data())
def test_mutated_encodings_agree_with_pyrlp(item, data) -> None:
    raw = bytearray(rlp.encode(item))
    for _ in range(data.draw(st.integers(0, 3))):
        kind = data.draw(st.sampled_from(["flip", "cut", "append", "insert"]))
        pos = data.draw(st.integers(0, max(0, len(raw) - 1)))
        if kind == "flip" and raw:
            raw[pos] = data.draw(st.integers(0, 255))
        elif kind == "cut":
            del raw[pos:]
        elif kind == "append":
            raw += data.draw(st.binary(min_size=1, max_size=3))
        else:
            raw[pos:pos] = data.draw(st.binary(min_size=1, max_size=3))
    assert ours(bytes(raw)) == reference(bytes(raw))


@settings(max_examples=1500, deadline=None)
@given(st.binary(max_size=40))
def test_random_bytes_agree_with_pyrlp(raw) -> None:
    assert ours(raw) == reference(raw)


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        (b"", "too short"),
        (b"\x81\x05", "single byte"),
        (b"\xb8\x05hello", "short one"),
        (b"\xb9\x00\x40" + b"a" * 64, "zero bytes"),
        (b"\xf8\x02\x01\x02", "short one"),
        (b"\xc2\x83abc", "runs past"),
        (b"\x01\x02", "superfluous"),
        (b"\x83ab", "too short"),
    ],
)
def test_non_canonical_and_truncated_encodings_are_refused(raw, text) -> None:
    with pytest.raises(RLPError, match=text):
        decode(raw, DEEP)


def test_nesting_beyond_the_limit_is_refused_before_it_is_read() -> None:
    nested: object = []
    for _ in range(5):
        nested = [nested]
    raw = rlp.encode(nested)  # six lists deep
    assert decode(raw, 6) == nested
    with pytest.raises(RLPError, match="deeper than 5"):
        decode(raw, 5)
    # far past Python's recursion limit: still a clean error, never a RecursionError
    deep = b"\x80"
    for _ in range(5000):
        n = len(deep)
        size = (n.bit_length() + 7) // 8
        head = bytes([0xC0 + n]) if n < 56 else bytes([0xF7 + size]) + n.to_bytes(size, "big")
        deep = head + deep
    with pytest.raises(RLPError, match="deeper than 4"):
        decode(deep, 4)


encodable = st.recursive(
    st.binary(max_size=70) | st.integers(min_value=0, max_value=2**300),
    lambda children: st.lists(children, max_size=6) | st.tuples(children, children),
    max_leaves=30,
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(encodable)
def test_encoding_is_pyrlps(item) -> None:
    assert encode(item) == rlp.encode(item)


def test_long_strings_and_lists_take_the_long_prefix() -> None:
    for n in (55, 56, 255, 256, 70_000):
        assert encode(b"x" * n) == rlp.encode(b"x" * n)
        assert encode([b"x"] * n) == rlp.encode([b"x"] * n)


@pytest.mark.parametrize("bad", [-1, True, "text", 1.5, None])
def test_what_rlp_cannot_encode_is_refused(bad) -> None:
    with pytest.raises((TypeError, ValueError)):
        encode([b"ok", bad])
