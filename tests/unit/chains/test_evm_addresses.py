"""Our Keccak-256, EIP-55 checksums and address parsing against eth_utils (the reference
the EVM tooling uses): the same answer, or a ValueError, for every input; and the
walletTypeId words against eth_abi."""

from __future__ import annotations

import eth_abi
import eth_utils
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zrchain.chains.evm import canonical_address, checksum_address, is_address_text
from zrchain.crypto.hashes import keccak256
from zrchain.evm.ids import wallet_type_id

HEX = "0123456789abcdefABCDEF"
address_texts = st.tuples(
    st.sampled_from(["", "0x", "0X", "x", "00x"]),
    st.text(alphabet=HEX, min_size=38, max_size=42),
    st.sampled_from(["", "\n", " ", "g"]),
).map("".join)
anything = address_texts | st.text(max_size=50) | st.binary(min_size=0, max_size=42)


def reference(fn, value):  # type: ignore[no-untyped-def]
    try:
        return fn(value)
    except (ValueError, TypeError):
        return ValueError


def ours(fn, value):  # type: ignore[no-untyped-def]
    try:
        return fn(value)
    except ValueError:
        return ValueError


@settings(max_examples=500, deadline=None)
@given(st.binary(max_size=300))
def test_keccak256_is_ethereums(data: bytes) -> None:
    assert keccak256(data) == eth_utils.keccak(data)


def test_keccak256_of_the_empty_string() -> None:
    assert keccak256(b"").hex() == (
        "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
    )


@settings(max_examples=500, deadline=None)
@given(anything)
def test_checksum_and_canonical_forms_are_eth_utils(value: str | bytes) -> None:
    assert ours(checksum_address, value) == reference(eth_utils.to_checksum_address, value)
    assert ours(canonical_address, value) == reference(eth_utils.to_canonical_address, value)
    if isinstance(value, str):
        assert is_address_text(value) == eth_utils.is_address(value)


@settings(max_examples=300, deadline=None)
@given(st.binary(min_size=20, max_size=20))
def test_every_20_bytes_checksum_as_eth_utils(raw: bytes) -> None:
    spelled = checksum_address(raw)
    assert spelled == eth_utils.to_checksum_address(raw)
    assert checksum_address(spelled.lower()) == spelled == checksum_address(spelled.upper())


def test_the_eip55_examples() -> None:
    for spelled in (
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
        "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
        "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
        "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
    ):
        assert checksum_address(spelled.lower()) == spelled


@pytest.mark.parametrize(
    ("purpose", "coin"), [(44, 60), (44, 0), (44, 1), (44, 501), (0, 0), (2**256 - 1, 7)]
)
def test_wallet_type_ids_are_the_abi_words(purpose: int, coin: int) -> None:
    words = eth_abi.encode(["uint256", "uint256"], [purpose, coin])
    assert wallet_type_id(purpose, coin) == eth_utils.keccak(words)
