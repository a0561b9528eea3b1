"""Our table-driven bech32 agrees with the reference implementation and BIP-173 vectors."""

from __future__ import annotations

import contextlib

import bech32 as reference
import pytest
from hypothesis import given
from hypothesis import strategies as st

from zrchain.codec import bech32


@given(
    st.sampled_from(["zen", "zenvaloper", "workspace", "keyring", "bc"]),
    st.binary(min_size=1, max_size=40),
)
def test_encode_matches_reference_and_roundtrips(hrp: str, raw: bytes) -> None:
    ref = reference.bech32_encode(hrp, reference.convertbits(raw, 8, 5))
    if ref is None or len(ref) > 90:
        return
    assert bech32.encode(hrp, raw) == ref
    assert bech32.decode(ref) == (hrp, raw)


@pytest.mark.parametrize(
    "valid",
    [
        "A12UEL5L",
        "a12uel5l",
        "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
        "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w",
    ],
)
def test_bip173_valid_checksums(valid: str) -> None:
    bech32.decode(valid)


@pytest.mark.parametrize(
    "invalid",
    [
        "pzry9x0s0muk",
        "1pzry9x0s0muk",
        "x1b4n0q5v",
        "li1dgmt3",
        "A1G7SGD8",
        "10a06t8",
        "1qzzfhee",
        "a12UEL5L",
        "zen1qqqqqq",
    ],
)
def test_bip173_invalid_strings(invalid: str) -> None:
    with pytest.raises(bech32.Bech32Error):
        bech32.decode(invalid)


def test_known_zrchain_addresses() -> None:
    from zrchain.codec.address import module_address

    assert bech32.encode("zen", module_address("fee_collector")) == (
        "zen17xpfvakm2amg962yls6f84z3kell8c5l253p8v"
    )


@given(st.text(max_size=100))
def test_garbage_never_raises_anything_else(text: str) -> None:
    with contextlib.suppress(bech32.Bech32Error):
        bech32.decode(text)
