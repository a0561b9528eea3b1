"""Wallet derivation and per-wallet tx parsing (docs/treasury.md, *Wallets*; fix 11 of
docs/COMPATIBILITY.md).

Expected addresses come from zrChain's Go tests (x/treasury/keeper), BIP173's reference vectors,
Bitcoin
Core's base58 vectors, and eth-keys / eth-account for EVM addresses.
"""

from __future__ import annotations

import contextlib
import hashlib

import coincurve
import pytest
from eth_account import Account
from eth_keys import keys as eth_keys
from eth_utils import is_checksum_address
from hypothesis import given, settings
from hypothesis import strategies as st

from zrchain.chains.bitcoin import bitcoin_p2wpkh_address
from zrchain.chains.cosmos import native_address
from zrchain.chains.errors import ChainDataError, PublicKeyError
from zrchain.chains.evm import evm_address, evm_address_lower, evm_sighash, normalize_evm_address
from zrchain.chains.keys import KeyType
from zrchain.chains.solana import solana_address
from zrchain.chains.wallets import (
    ALL_WALLET_TYPES,
    ERR_UNKNOWN_WALLET_TYPE,
    WalletAddress,
    WalletError,
    WalletType,
    derive,
    parse_transaction,
    wallet_address,
    wallet_type,
)
from zrchain.codec.base58 import b58decode, b58encode

h = bytes.fromhex
ECDSA = KeyType.KEY_TYPE_ECDSA_SECP256K1
EDDSA = KeyType.KEY_TYPE_EDDSA_ED25519
BITCOIN = KeyType.KEY_TYPE_BITCOIN_SECP256K1

# zrChain's Keys query tests
KEY = h("03ca27ea7b0641497b19a723e3b92590801c7e79b114253fc1e99df1fd9730526b")
ED_KEY = h("29dbaad675878b2f16cb14827a4c1a41bbd63c3b601bdc5e277d00b120ffeece")


def test_go_keys_query_ecdsa_wallets() -> None:
    assert derive(WalletType.WALLET_TYPE_UNSPECIFIED, ECDSA, KEY) == [
        WalletAddress("zen1tun7x3s2ywksa32nl38d3fuuv8nk5ang97v73r", "WALLET_TYPE_NATIVE"),
        WalletAddress("0xdEa33aE3DA8f2EbA6efBB3EF5d143415438a6541", "WALLET_TYPE_EVM"),
    ]


def test_go_keys_query_native_prefixes() -> None:
    assert [w.address for w in derive("native", ECDSA, KEY, ["celestia", "cosmos", "zen"])] == [
        "celestia1tun7x3s2ywksa32nl38d3fuuv8nk5angwe008l",
        "cosmos1tun7x3s2ywksa32nl38d3fuuv8nk5angln7laj",
        "zen1tun7x3s2ywksa32nl38d3fuuv8nk5ang97v73r",
    ]
    # An empty prefix means zen; prefixes only apply to NATIVE.
    assert [w.address for w in derive(0, ECDSA, KEY, ["", "cosmos"])][:2] == [
        "zen1tun7x3s2ywksa32nl38d3fuuv8nk5ang97v73r",
        "cosmos1tun7x3s2ywksa32nl38d3fuuv8nk5angln7laj",
    ]


def test_go_keys_query_bitcoin_wallets() -> None:
    assert derive("WALLET_TYPE_UNSPECIFIED", BITCOIN, KEY) == [
        WalletAddress("tb1qtun7x3s2ywksa32nl38d3fuuv8nk5angr0m8zv", "WALLET_TYPE_BTC_TESTNET"),
        WalletAddress("bc1qtun7x3s2ywksa32nl38d3fuuv8nk5angffq5el", "WALLET_TYPE_BTC_MAINNET"),
        WalletAddress("bcrt1qtun7x3s2ywksa32nl38d3fuuv8nk5angpxz249", "WALLET_TYPE_BTC_REGNET"),
        WalletAddress("t1SYjz1d2wbX4ewWT87UMkhjzhZ9c5GFevn", "WALLET_TYPE_ZCASH_MAINNET"),
        WalletAddress("tmJPVJr7SLG2ZoBhtnqn6cNQkJYERbWSo2J", "WALLET_TYPE_ZCASH_TESTNET"),
    ]


def test_go_keys_query_eddsa_wallet() -> None:
    assert derive(0, EDDSA, ED_KEY) == [
        WalletAddress("3pPzT5vhum6GN5pfKVAqB5MA4C3sZmZviyZTYpqRsz6R", "WALLET_TYPE_SOLANA")
    ]


def test_go_wallet_unit_vectors() -> None:
    pub = h("025cd45a6614df5348692ea4d0f7c16255b75a6b6f67bea5013621fe84af8031f0")
    assert wallet_address("evm", ECDSA, pub) == "0xdD1d3fF09C5EdfF1bE7d466cA614cB1cF3f78738"
    secret = hashlib.sha256(b"example seed").digest()
    seed_pub = coincurve.PrivateKey(secret).public_key.format()
    assert native_address(seed_pub) == "zen1egz60et40xxzm5rhtlj7caskpvqmqujrgeauaa"
    for kind, prefix in (("zcash-mainnet", "t1"), ("zcash-testnet", "tm")):
        address = wallet_address(kind, BITCOIN, seed_pub)
        assert len(address) == 35 and address.startswith(prefix)


def test_uncompressed_keys_derive_the_same_wallets() -> None:
    uncompressed = coincurve.PublicKey(KEY).format(compressed=False)
    assert derive(0, ECDSA, uncompressed) == derive(0, ECDSA, KEY)
    assert derive(0, BITCOIN, uncompressed) == derive(0, BITCOIN, KEY)


def test_bip173_p2wpkh_reference_vectors() -> None:
    generator = h("0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798")
    assert bitcoin_p2wpkh_address(generator, "bc") == "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"
    assert bitcoin_p2wpkh_address(generator, "tb") == "tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx"
    assert wallet_address("btc-mainnet", BITCOIN, generator) == (
        "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"
    )


# Bitcoin Core's src/test/data/base58_encode_decode.json
BASE58_VECTORS = [
    ("", ""),
    ("61", "2g"),
    ("626262", "a3gV"),
    ("636363", "aPEr"),
    ("73696d706c792061206c6f6e6720737472696e67", "2cFupjhnEsSn59qHXstmK2ffpLv2"),
    ("00eb15231dfceb60925886b67d065299925915aeb172c06647", "1NS17iag9jJgTHD1VXjvLCEnZuQ3rJDE9L"),
    ("516b6fcd0f", "ABnLTmg"),
    ("bf4f89001e670274dd", "3SEo3LWLoPntC"),
    ("572e4794", "3EFU7m"),
    ("ecac89cad93923c02321", "EJDM8drfXA6uyA"),
    ("10c8511e", "Rt5zm"),
    ("00000000000000000000", "1111111111"),
    (
        "000111d38e5fc9071ffcd20b4a763cc9ae4f252bb4e48fd66a835e252ada93ff480d6dd43dc62a641155a5",
        "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz",
    ),
    ("271f359e", "zzzzy"),
    ("271f35a0", "211111"),
]


@pytest.mark.parametrize(("raw", "encoded"), BASE58_VECTORS)
def test_base58_core_vectors(raw: str, encoded: str) -> None:
    assert b58encode(h(raw)) == encoded
    assert b58decode(encoded) == h(raw)


def test_solana_well_known_ids() -> None:
    assert b58encode(bytes(32)) == "11111111111111111111111111111111"  # system program
    token = h("06ddf6e1d765a193d9cbe146ceeb79ac1cb485ed5f5b37913a8cf5857eff00a9")
    assert b58encode(token) == "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA"
    # The all-zero key is a small-order point: no wallet for it (zrChain panics instead).
    with pytest.raises(PublicKeyError):
        solana_address(bytes(32))
    assert derive(0, EDDSA, bytes(32)) == []


@settings(max_examples=60, deadline=None)
@given(st.binary(min_size=32, max_size=32))
def test_evm_address_matches_eth_keys_and_eth_account(secret: bytes) -> None:
    try:
        key = coincurve.PrivateKey(secret)
    except ValueError:
        return
    compressed = key.public_key.format()
    expected = eth_keys.PrivateKey(secret).public_key.to_checksum_address()
    assert expected == Account.from_key(secret).address
    assert evm_address(compressed) == expected
    assert evm_address_lower(compressed) == expected.lower()
    assert is_checksum_address(evm_address(compressed))
    assert normalize_evm_address(expected) == expected.lower()


def test_normalize_evm_address() -> None:
    checksummed = "0xbe27E519A220D4336A5F9d08C7fa542175E30dA0"  # zrChain's zrSign owner
    lower = checksummed.lower()
    assert normalize_evm_address(checksummed) == lower
    assert normalize_evm_address(lower) == lower
    assert normalize_evm_address("0x" + lower[2:].upper()) == lower
    for bad in (
        "0xbe27e519A220D4336A5F9d08C7fa542175E30dA0",  # mixed case, bad checksum
        lower[2:],
        "0X" + lower[2:],
        lower + "00",
        lower[:-1],
        "0x" + "g" * 40,
        "",
        None,
    ):
        with pytest.raises(ChainDataError):
            normalize_evm_address(bad)  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=50))
def test_random_strings_only_raise_chain_data_error(text: str) -> None:
    for candidate in (text, "0x" + text):
        try:
            out = normalize_evm_address(candidate)
            assert out == out.lower() and len(out) == 42
        except ChainDataError:
            pass


def test_wallet_type_coercion() -> None:
    assert wallet_type("WALLET_TYPE_BTC_REGNET") is WalletType.WALLET_TYPE_BTC_REGNET
    assert wallet_type("btc-regnet") is WalletType.WALLET_TYPE_BTC_REGNET
    assert wallet_type("zcash-testnet") is WalletType.WALLET_TYPE_ZCASH_TESTNET
    assert wallet_type(6) is WalletType.WALLET_TYPE_SOLANA
    assert wallet_type("6") is WalletType.WALLET_TYPE_SOLANA
    assert wallet_type(99) is None
    assert derive(99, ECDSA, KEY) == []
    with pytest.raises(WalletError):
        wallet_type("dogecoin")


def test_wallet_address_errors_carry_zrchain_texts() -> None:
    with pytest.raises(WalletError) as err:
        wallet_address(WalletType.WALLET_TYPE_UNSPECIFIED, ECDSA, KEY)
    assert str(err.value) == ERR_UNKNOWN_WALLET_TYPE == "error in NewWallet: unknown wallet type"
    with pytest.raises(WalletError) as err:
        wallet_address("btc-testnet", ECDSA, KEY)
    assert str(err.value) == (
        "invalid key type, expected KEY_TYPE_BITCOIN_SECP256K1, got KEY_TYPE_ECDSA_SECP256K1"
    )
    with pytest.raises(WalletError) as err:
        wallet_address("solana", BITCOIN, ED_KEY)
    assert str(err.value) == (
        "invalid key type, expected KEY_TYPE_EDDSA_ED25519, got KEY_TYPE_BITCOIN_SECP256K1"
    )
    with pytest.raises(PublicKeyError):
        wallet_address("evm", ECDSA, KEY[:20])


@settings(max_examples=200, deadline=None)
@given(
    st.binary(max_size=66),
    st.sampled_from([*WalletType, 42]),
    st.sampled_from(list(KeyType)),
    st.lists(st.sampled_from(["", "zen", "cosmos", "A", "x" * 90]), max_size=3),
)
def test_derive_never_raises(pub: bytes, wtype: int, ktype: KeyType, prefixes: list[str]) -> None:
    wallets = derive(wtype, ktype, pub, prefixes)
    assert all(w.type in WalletType.__members__ for w in wallets)


def test_all_wallet_types_order_follows_the_enum() -> None:
    assert [int(w) for w in ALL_WALLET_TYPES] == list(range(1, 9))


# ---------------------------------------------------------------------------------------------
# parse_transaction (docs/treasury.md, *Transaction parsing*)


def test_parse_transaction_evm() -> None:
    payload = h(
        "e9028501596f95f1825208945ff137d4b0fdcd49dca30c7cf57e578a026d278985e8d4a5100080808080"
    )
    parsed = parse_transaction("evm", payload, chain_id=11155111)
    assert parsed.data_for_signing_hex == (
        "3fd2ea18597a74230f70f1af86e857cf18ea2bb17ae3fa3b3e46ad59654c628d"
    )
    assert parsed.data_for_signing == (evm_sighash(payload, 11155111),)
    assert parsed.to == h("5ff137d4b0fdcd49dca30c7cf57e578a026d2789")
    assert parsed.amount == 0xE8D4A51000
    assert parsed.tx_value == str(0xE8D4A51000)
    assert parsed.coin_identifier == b"ETH/"


def test_parse_transaction_native_bitcoin_solana_zcash() -> None:
    sign_doc = b"\x0a\x03abc"
    native = parse_transaction(WalletType.WALLET_TYPE_NATIVE, sign_doc)
    assert native.data_for_signing == (hashlib.sha256(sign_doc).digest(),)
    assert native.tx_value == "<nil>"
    btc_tx = h(
        "010000000001011cf81f651d4135576e226b9e3afd6d5bb3d204fc87258c732b90c7f49224c36a010000000"
        "0ffffffff02701700000000000016001496d1dc8156bf66e09b58582a8fe07fd2cf780cd4b318000000000000"
        "1600140b7ae56af7989b75aa086a194276063dc1d34568050877380000000000002103d6b23e342370ae5121"
        "4d6e198f86ac0065a3dc15c21a2a348060acb7de8a0ad91600140b7ae56af7989b75aa086a194276063dc1d3"
        "4568080100000000000000209b0c1c721ceea9a96c1e6dd99e37be2d1d0602ba564806ea531663d88cf2de98"
        "00000000"
    )
    for kind in ("btc-testnet", "btc-mainnet", "btc-regnet"):
        btc = parse_transaction(kind, btc_tx)
        assert btc.data_for_signing_hex == (
            "9b0c1c721ceea9a96c1e6dd99e37be2d1d0602ba564806ea531663d88cf2de98"
        )
        assert btc.tx_value == "<nil>"
    message = bytes([1, 0, 1, 2]) + b"\x0a" * 32 + bytes(32) + b"\x42" * 32 + b"\x00"
    sol = parse_transaction("solana", message)
    assert sol.data_for_signing == (message,)
    assert sol.tx_value == "0"
    with pytest.raises(WalletError, match="WALLET_TYPE_ZCASH_MAINNET does not implement TxParser"):
        parse_transaction("zcash-mainnet", btc_tx)
    with pytest.raises(WalletError, match="unknown wallet type"):
        parse_transaction(0, btc_tx)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200), st.sampled_from(list(WalletType)))
def test_parse_transaction_only_raises_value_errors(payload: bytes, wtype: WalletType) -> None:
    with contextlib.suppress(WalletError, ChainDataError):
        parse_transaction(wtype, payload, chain_id=1)


def test_native_prefixes_are_lower_cased_and_checked() -> None:
    assert native_address(KEY, "COSMOS") == "cosmos1tun7x3s2ywksa32nl38d3fuuv8nk5angln7laj"
    with pytest.raises(ChainDataError):
        native_address(KEY, "bad prefix")
    assert [w.address for w in derive("native", ECDSA, KEY, ["bad prefix", "zen"])] == [
        "zen1tun7x3s2ywksa32nl38d3fuuv8nk5ang97v73r"
    ]
