"""The rules declared once for the whole node: an external (EVM) owner's spelling,
hash160 (with its OpenSSL-3 fallback) and bech32, checked against reference code."""

from __future__ import annotations

import hashlib

import bech32 as reference
import pytest
from Crypto.Hash import RIPEMD160
from eth_utils import to_checksum_address
from hypothesis import given
from hypothesis import strategies as st

from zrchain.chains.errors import ChainDataError
from zrchain.chains.evm import is_evm_address, normalize_owner
from zrchain.codec import bech32
from zrchain.crypto import hashes
from zrchain.crypto.keys import bech32_decode, bech32_encode
from zrchain.errors import ChainError
from zrchain.x.identity.api import normalize_ext_address
from zrchain.x.treasury.validation import normalize_owner as treasury_owner

LOWER = "0x52908400098527886e0f7030069857d2e4169ee7"
CHECKSUMMED = to_checksum_address(LOWER)  # 0x5290...69EE7 (the EIP-55 example)


@pytest.mark.parametrize("spelling", [LOWER, LOWER.upper().replace("0X", "0x"), CHECKSUMMED])
def test_every_honest_spelling_of_an_evm_owner_is_one_owner(spelling: str) -> None:
    assert normalize_owner(spelling) == LOWER
    assert treasury_owner(spelling) == LOWER
    assert normalize_ext_address(spelling) == LOWER


def test_a_mixed_case_owner_with_a_wrong_checksum_is_refused() -> None:
    i = next(i for i, c in enumerate(CHECKSUMMED) if i > 1 and c.isalpha())
    typo = CHECKSUMMED[:i] + CHECKSUMMED[i].swapcase() + CHECKSUMMED[i + 1 :]  # one flipped
    assert typo.lower() == LOWER and typo != CHECKSUMMED
    with pytest.raises(ChainDataError, match="EIP-55"):
        normalize_owner(typo)
    with pytest.raises(ChainError, match="EIP-55"):  # a clean tx error in the state machine
        treasury_owner(typo)
    with pytest.raises(ChainError, match="EIP-55"):
        normalize_ext_address(typo)


@pytest.mark.parametrize(
    "owner",
    [
        "DRpbCBMxVnDK7maPM5tGv6MvB3v1sRMC86PZ8okm21hy",  # Solana: base58, case matters
        "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",  # Bitcoin
        "0x" + "ab" * 19,  # 38 hex digits: not an EVM address, kept as given
    ],
)
def test_other_owners_are_kept_exactly(owner: str) -> None:
    assert not is_evm_address(owner)
    assert normalize_owner(owner) == owner


def test_an_empty_owner_is_refused_by_treasury() -> None:
    with pytest.raises(ChainError, match="ext_requester is required"):
        treasury_owner("", "ext_requester")


@given(st.binary(max_size=80))
def test_hash160_is_ripemd160_of_sha256(data: bytes) -> None:
    ripe = RIPEMD160.new(hashlib.sha256(data).digest()).digest()  # pycryptodome's
    assert hashes.hash160(data) == ripe


def test_hash160_falls_back_when_openssl_hides_ripemd160(monkeypatch) -> None:
    real_new = hashlib.new

    def no_legacy(name: str, *args: object, **kw: object) -> object:
        if name == "ripemd160":
            raise ValueError("unsupported hash type ripemd160")  # OpenSSL 3 without legacy
        return real_new(name, *args, **kw)

    monkeypatch.setattr(hashlib, "new", no_legacy)
    assert hashes.ripemd160(b"abc").hex() == "8eb208f7e05d987a9b044a8e98c6b087f15a0bfc"


@given(st.binary(min_size=1, max_size=40), st.sampled_from(["zen", "zenvaloper", "cosmos"]))
def test_one_bech32_for_keys_and_addresses(data: bytes, hrp: str) -> None:
    words = reference.convertbits(data, 8, 5, True)
    assert words is not None
    expected = reference.bech32_encode(hrp, words)
    assert bech32.encode(hrp, data) == expected == bech32_encode(hrp, data)
    assert bech32_decode(expected, hrp) == (hrp, data) == bech32.decode(expected)


@given(st.binary(min_size=20, max_size=20) | st.binary(min_size=32, max_size=32))
def test_segwit_v0_addresses_match_the_reference(program: bytes) -> None:
    for hrp in ("bc", "tb", "bcrt"):
        assert bech32.encode_segwit(hrp, 0, program) == reference.encode(hrp, 0, program)
