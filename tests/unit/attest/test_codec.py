"""The documented attestation encodings: canonical, bounded, strict (docs/attestation.md)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.unit.attest.helpers import CAIP_A, CAIP_B, ext, key_item
from zrchain.x.attest.codec import (
    MAX_EXTENSION_BYTES,
    MAX_QUOTE_BYTES,
    MAX_QUOTES,
    CodecError,
    Extension,
    Injection,
    Item,
    NetworkView,
    Quote,
    SignedExtension,
    is_injection,
    put_uvarint,
)

items = st.builds(
    key_item,
    block=st.integers(0, 2**40),
    log_index=st.integers(0, 1000),
    index=st.integers(0, 2**31),
)


@given(items)
def test_item_round_trips(item: Item) -> None:
    assert Item.decode(item.encode()) == item


@given(st.lists(items, max_size=20, unique_by=lambda i: i.order))
def test_extension_round_trips_and_is_canonical(found: list[Item]) -> None:
    e = ext(*sorted(found, key=lambda i: i.order))
    raw = e.encode()
    assert Extension.decode(raw) == e
    assert Extension.decode(raw).encode() == raw


def test_empty_extension_is_empty_bytes() -> None:
    assert Extension().encode() == b""
    assert Extension.decode(b"") == Extension()


def test_layout_is_as_documented() -> None:
    item = key_item(7, 1)
    raw = ext(item).encode()
    body = item.encode()
    assert raw[:2] == b"\x01\x01"  # version 1, one network
    assert raw[2 : 2 + 1 + len(CAIP_A)] == bytes([len(CAIP_A)]) + CAIP_A.encode()
    assert raw.endswith(put_uvarint(len(body)) + body)


@pytest.mark.parametrize(
    "mutate, error",
    [
        (lambda r: b"\x03" + r[1:], "version"),
        (lambda r: b"\x02" + r[1:], "truncated"),  # version 2 must carry quotes
        (lambda r: r + b"\x00", "trailing"),
        (lambda r: r[:-1], "truncated"),
        (lambda r: r[:2] + b"\x80\x00" + r[3:], "not minimal"),
    ],
)
def test_malformed_extensions_are_refused(mutate, error) -> None:  # type: ignore[no-untyped-def]
    raw = ext(key_item(7)).encode()
    with pytest.raises(CodecError, match=error):
        Extension.decode(mutate(raw))


def test_wrong_digest_is_refused() -> None:
    a, b = key_item(7), key_item(8)
    raw = ext(a).encode()
    forged = raw.replace(NetworkView(CAIP_A, 7, (a,)).digest, NetworkView(CAIP_A, 7, (b,)).digest)
    with pytest.raises(CodecError, match="digest"):
        Extension.decode(forged)


def test_unsorted_or_repeated_items_and_networks_are_refused() -> None:
    a, b = key_item(7), key_item(8)
    with pytest.raises(CodecError, match="order"):
        Extension.decode(Extension((NetworkView(CAIP_A, 8, (b, a)),)).encode())
    with pytest.raises(CodecError, match="order"):
        Extension.decode(Extension((NetworkView(CAIP_A, 8, (a, a)),)).encode())
    nb, na = NetworkView(CAIP_B, 0, ()), NetworkView(CAIP_A, 0, ())
    with pytest.raises(CodecError, match="networks not in"):
        Extension.decode(Extension((nb, na)).encode())


def test_items_above_the_confirmed_block_or_of_another_network_are_refused() -> None:
    with pytest.raises(CodecError, match="above"):
        Extension.decode(ext(key_item(9), confirmed=8).encode())
    with pytest.raises(CodecError, match="listed under"):
        Extension.decode(Extension((NetworkView(CAIP_B, 9, (key_item(9),)),)).encode())


def test_oversize_extension_is_refused() -> None:
    raw = ext(key_item(7)).encode() + b"\x00" * MAX_EXTENSION_BYTES
    with pytest.raises(CodecError, match="limit"):
        Extension.decode(raw)


def test_injection_round_trips_and_cannot_be_a_cosmos_tx() -> None:
    inj = Injection(2, (SignedExtension(b"\x01" * 32, b"ext", b"\x02" * 64),), (key_item(3),))
    raw = inj.encode()
    assert is_injection(raw) and Injection.decode(raw) == inj
    assert raw[0] == 0xFF  # field 31 with wire type 7: no protobuf message starts so
    with pytest.raises(CodecError):
        Injection.decode(raw + b"\x00")


# -- simple-tx quotes ----------------------------------------------------------------------
quotes = st.builds(
    Quote,
    request=st.binary(min_size=32, max_size=32),
    block=st.integers(0, 2**63 - 1),
    block_hash=st.binary(min_size=32, max_size=32),
    nonce=st.integers(0, 2**63 - 1),
    base_fee=st.integers(0, 2**63 - 1),
)


@given(quotes)
def test_quote_round_trips_within_its_bound(q: Quote) -> None:
    raw = q.encode()
    assert Quote.decode(raw) == q and len(raw) <= MAX_QUOTE_BYTES


@given(st.lists(quotes, min_size=1, max_size=MAX_QUOTES, unique_by=lambda q: q.request),
       st.lists(items, max_size=5, unique_by=lambda i: i.order))  # fmt: skip
def test_extension_and_injection_with_quotes_round_trip_canonically(
    found: list[Quote], its: list[Item]
) -> None:
    qs = tuple(sorted(found, key=lambda q: q.request))
    e = Extension(ext(*sorted(its, key=lambda i: i.order)).networks if its else (), qs)
    raw = e.encode()
    assert raw[0] == 2 and Extension.decode(raw) == e and Extension.decode(raw).encode() == raw
    inj = Injection(0, (), tuple(its), qs)
    assert is_injection(inj.encode()) and Injection.decode(inj.encode()) == inj


def test_an_extension_without_quotes_keeps_version_1() -> None:
    assert ext(key_item(7)).encode()[0] == 1
    assert Injection(0, (), (key_item(3),)).encode().startswith(b"\xffzrchain/attest\x01")


def test_quotes_out_of_order_repeated_or_too_many_are_refused() -> None:
    a = Quote(b"\x01" * 32, 5, b"\x00" * 32, 0, 7)
    b = Quote(b"\x02" * 32, 5, b"\x00" * 32, 0, 7)
    for bad in ((b, a), (a, a)):
        with pytest.raises(CodecError, match="ascending request"):
            Extension.decode(Extension((), bad).encode())
    many = tuple(Quote(i.to_bytes(32, "big"), 1, b"\x00" * 32, 0, 0) for i in range(MAX_QUOTES + 1))
    with pytest.raises(CodecError, match="quotes"):
        Extension.decode(Extension((), many).encode())
    with pytest.raises(CodecError, match="at least one quote"):
        Extension.decode(b"\x02\x00\x00")
    with pytest.raises(CodecError, match="at least one quote"):
        Injection.decode(b"\xffzrchain/attest\x02\x00\x00\x00\x00")
