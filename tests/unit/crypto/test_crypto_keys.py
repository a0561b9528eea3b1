"""Key derivation, addresses and signatures against published vectors, zrChain and cosmpy."""

from __future__ import annotations

import hashlib

import coincurve
import pytest
from coincurve.ecdsa import cdata_to_der, deserialize_compact
from cosmpy.aerial.wallet import LocalWallet
from cosmpy.crypto.keypairs import PrivateKey as CosmpyPrivateKey
from cosmpy.crypto.keypairs import PublicKey as CosmpyPublicKey
from cosmpy.mnemonic import derive_child_key_from_mnemonic
from hypothesis import given, settings
from hypothesis import strategies as st

from zrchain.crypto import keys

# zrChain's config.yml: account mnemonics and the addresses noted beside them.
ZRCHAIN_ACCOUNTS = {
    "alice": (
        "strategy social surge orange pioneer tiger skill endless lend slide one jazz pipe "
        "expose detect soup fork cube trigger frown stick wreck ring tissue",
        "zen13y3tm68gmu9kntcxwvmue82p6akacnpt2v7nty",
    ),
    "bob": (
        "fee buzz avocado dolphin syrup rule access cave close puppy lemon round able bronze "
        "fame give spoon company since fog error trip toast unable",
        "zen126hek6zagmp3jqf97x7pq7c0j9jqs0ndxeaqhq",
    ),
    "faucet": (
        "amused random require among toilet federal idea spider airport distance suit beef "
        "stumble banner brown merit immense until assist series truth sell transfer destroy",
        "zen17ekx844yl3ftmcl47ryc7fz5cd7uhxq4f5ma5q",
    ),
    "ZenrockKMS": (
        "exclude try nephew main caught favorite tone degree lottery device tissue tent ugly "
        "mouse pelican gasp lava flush pen river noise remind balcony emerge",
        "zen10kmgv5gzygnecf46x092ecfe5xcvvv9rdaxmts",
    ),
}
ALICE_MNEMONIC, ALICE_ADDRESS = ZRCHAIN_ACCOUNTS["alice"]
ABANDON_12 = " ".join(["abandon"] * 11 + ["about"])


def _sha256(m: bytes) -> bytes:
    return hashlib.sha256(m).digest()


# --- BIP39 -------------------------------------------------------------------------------


def test_bip39_trezor_vector_seed() -> None:
    seed = keys.mnemonic_to_seed(ABANDON_12, "TREZOR")
    assert seed.hex() == (
        "c55257c360c07c72029aebc1b53c05ed0362ada38ead3e3e9efa3708e53495531f09a6987599d18264c1e1c9"
        "2f2cf141630c7a3c4ab7c81b2f001698e7463b04"
    )


def test_mnemonic_from_zero_entropy_is_the_abandon_phrase() -> None:
    assert keys.mnemonic_from_entropy(bytes(16)) == ABANDON_12


def test_generate_mnemonic_defaults_to_24_valid_words() -> None:
    phrase = keys.generate_mnemonic()
    assert len(phrase.split()) == 24
    assert keys.validate_mnemonic(phrase) == phrase
    assert keys.generate_mnemonic() != phrase
    assert len(keys.generate_mnemonic(12).split()) == 12
    with pytest.raises(ValueError):
        keys.generate_mnemonic(13)


def test_mnemonic_is_normalised() -> None:
    messy = "  " + ALICE_MNEMONIC.upper().replace(" ", "\t ", 3) + "\n"
    assert keys.validate_mnemonic(messy) == ALICE_MNEMONIC


@pytest.mark.parametrize(
    ("phrase", "reason"),
    [
        ("", "got 0"),
        ("abandon " * 11, "got 11"),
        (ALICE_MNEMONIC.replace("tissue", "tissues"), "word 24 is not in the BIP39"),
        (ALICE_MNEMONIC.replace("tissue", "ring"), "checksum mismatch"),
        (ABANDON_12.replace("about", "abandon"), "checksum mismatch"),
    ],
)
def test_invalid_mnemonics_are_rejected_without_echoing_words(phrase: str, reason: str) -> None:
    with pytest.raises(keys.InvalidMnemonicError) as exc:
        keys.validate_mnemonic(phrase)
    assert reason in str(exc.value)
    assert "tissue" not in str(exc.value) and "strategy" not in str(exc.value)


# --- BIP32 -------------------------------------------------------------------------------

BIP32_TV1_SEED = bytes.fromhex("000102030405060708090a0b0c0d0e0f")
BIP32_TV2_SEED = bytes.fromhex(
    "fffcf9f6f3f0edeae7e4e1dedbd8d5d2cfccc9c6c3c0bdbab7b4b1aeaba8a5a29f9c999693908d8a8784817e7b"
    "7875726f6c696663605d5a5754514e4b484542"
)


@pytest.mark.parametrize(
    ("seed", "path", "private_hex"),
    [
        (
            BIP32_TV1_SEED,
            "m",
            "e8f32e723decf4051aefac8e2c93c9c5b214313817cdb01a1494b917c8436b35",
        ),
        (
            BIP32_TV1_SEED,
            "m/0'/1/2'",
            "cbce0d719ecf7431d88e6a89fa1483e02e35092af60c042b1df2ff59fa424dca",
        ),
        (
            BIP32_TV1_SEED,
            "m/0H/1/2H/2",
            "0f479245fb19a38a1954c5c7c0ebab2f9bdfd96a17563ef28a6a4b1a2a764ef4",
        ),
        (
            BIP32_TV1_SEED,
            "m/0'/1/2'/2/1000000000",
            "471b76e389e528d6de6d816857e012c5455051cad6660850e58372a6c3e6e7c8",
        ),
        (
            BIP32_TV2_SEED,
            "m",
            "4b03d6fc340455b363f51020ad3ecca4f0850280cf436c70c727923f6db46c3e",
        ),
        (
            BIP32_TV2_SEED,
            "m/0/2147483647'/1/2147483646'/2",
            "bb7d39bdb83ecf58f2fd82b6d918341cbef428661ef01ab97c28a4842125ac23",
        ),
    ],
)
def test_bip32_published_vectors(seed: bytes, path: str, private_hex: str) -> None:
    assert keys.derive_private_key(seed, path).hex() == private_hex


def test_bip32_vector1_leaf_public_key() -> None:
    secret = keys.derive_private_key(BIP32_TV1_SEED, "m/0'/1/2'/2/1000000000")
    assert keys.public_key(secret).hex() == (
        "022a471424da5e657499d1ff51cb43c47481a03b1e77f951fe64cec9f5a48f7011"
    )


def test_hd_path_building_and_parsing() -> None:
    assert keys.hd_path() == keys.DEFAULT_HD_PATH == "m/44'/118'/0'/0/0"
    assert keys.hd_path(account=3, index=7) == "m/44'/118'/3'/0/7"
    assert keys.hd_path(coin_type=60) == "m/44'/60'/0'/0/0"
    h = keys.HARDENED
    assert keys.parse_hd_path("m/44'/118'/0'/0/0") == (44 | h, 118 | h, h, 0, 0)
    assert keys.parse_hd_path("m/44h/118H/1'/0/5") == (44 | h, 118 | h, 1 | h, 0, 5)
    assert keys.parse_hd_path("m") == ()


@pytest.mark.parametrize(
    "bad", ["", "44'/118'", "m/", "m/x", "m/1''", "m/-1", "m/2147483648", "n/0", "m/0/ 1"]
)
def test_bad_hd_paths(bad: str) -> None:
    with pytest.raises(keys.InvalidHDPathError):
        keys.parse_hd_path(bad)


def test_hd_path_rejects_out_of_range_fields() -> None:
    with pytest.raises(keys.InvalidHDPathError):
        keys.hd_path(account=1 << 31)
    with pytest.raises(keys.InvalidHDPathError):
        keys.hd_path(index=-1)


# --- zrChain vectors and cosmpy agreement ------------------------------------------------


@pytest.mark.parametrize("name", sorted(ZRCHAIN_ACCOUNTS))
def test_zrchain_config_accounts(name: str) -> None:
    phrase, address = ZRCHAIN_ACCOUNTS[name]
    key = keys.PrivateKey.from_mnemonic(phrase)
    assert key.address() == address
    assert LocalWallet.from_mnemonic(phrase, prefix="zen").address() == address


def test_alice_matches_cosmpy_key_material() -> None:
    ours = keys.PrivateKey.from_mnemonic(ALICE_MNEMONIC)
    theirs = CosmpyPrivateKey(derive_child_key_from_mnemonic(ALICE_MNEMONIC))
    assert ours.secret == theirs.private_key_bytes
    assert ours.public_key == theirs.public_key.public_key_bytes
    assert len(ours.public_key) == 33 and ours.public_key[0] in (2, 3)


@pytest.mark.parametrize(("account", "index"), [(0, 1), (1, 0), (2, 5), (999, 999)])
def test_account_and_index_override_match_cosmpy(account: int, index: int) -> None:
    path = f"m/44'/118'/{account}'/0/{index}"
    theirs = derive_child_key_from_mnemonic(ALICE_MNEMONIC, path=path)
    ours = keys.private_key_from_mnemonic(ALICE_MNEMONIC, account=account, index=index)
    assert ours == theirs
    assert keys.private_key_from_mnemonic(ALICE_MNEMONIC, path=path) == theirs


def test_large_account_numbers_are_supported() -> None:
    # cosmpy's parser stops at three digits; ours takes any index below 2^31.
    secret = keys.private_key_from_mnemonic(ALICE_MNEMONIC, account=123456, index=2**31 - 1)
    assert keys.validate_private_key(secret) == secret


def test_bip39_passphrase_changes_the_key() -> None:
    plain = keys.private_key_from_mnemonic(ALICE_MNEMONIC)
    assert keys.private_key_from_mnemonic(ALICE_MNEMONIC, bip39_passphrase="x") != plain


# --- addresses ---------------------------------------------------------------------------


def test_address_is_ripemd160_of_sha256_of_pubkey() -> None:
    pub = keys.PrivateKey.from_mnemonic(ALICE_MNEMONIC).public_key
    h = hashlib.new("ripemd160", hashlib.sha256(pub).digest()).digest()
    assert keys.address_bytes(pub) == h
    assert keys.bech32_decode(ALICE_ADDRESS, "zen") == ("zen", h)


def test_bech32_round_trip_and_prefixes() -> None:
    pub = keys.PrivateKey.from_mnemonic(ALICE_MNEMONIC).public_key
    raw = keys.address_bytes(pub)
    valoper = keys.account_address(pub, keys.VALOPER_HRP)
    assert valoper.startswith("zenvaloper1")
    assert keys.bech32_decode(valoper) == ("zenvaloper", raw)
    for data in (b"", bytes(20), bytes(range(32)), b"\xff" * 11):
        assert keys.bech32_decode(keys.bech32_encode("zen", data), "zen")[1] == data


@pytest.mark.parametrize(
    "bad",
    [
        "zen13y3tm68gmu9kntcxwvmue82p6akacnpt2v7ntz",  # checksum
        "zen1",
        "not-an-address",
        "Zen13y3tm68gmu9kntcxwvmue82p6akacnpt2v7nty",  # mixed case
    ],
)
def test_bad_bech32_is_rejected(bad: str) -> None:
    with pytest.raises(keys.InvalidAddressError):
        keys.bech32_decode(bad)


def test_wrong_prefix_is_rejected() -> None:
    with pytest.raises(keys.InvalidAddressError, match="expected 'zenvaloper'"):
        keys.bech32_decode(ALICE_ADDRESS, "zenvaloper")


def test_pubkey_any_json() -> None:
    pub = keys.PrivateKey.from_mnemonic(ALICE_MNEMONIC).public_key
    assert keys.pubkey_any_json(pub) == (
        '{"@type":"/cosmos.crypto.secp256k1.PubKey",'
        '"key":"A0dCx1FEWWM5yIdJr496rreVkU37NGrQvTPEnMEVugy1"}'
    )


# --- private keys and signatures ---------------------------------------------------------


@pytest.mark.parametrize(
    "secret", [b"", bytes(31), bytes(32), keys.SECP256K1_N.to_bytes(32, "big"), b"\xff" * 32]
)
def test_invalid_private_keys(secret: bytes) -> None:
    with pytest.raises(keys.InvalidKeyError):
        keys.PrivateKey(secret)


def test_private_key_repr_hides_the_secret() -> None:
    key = keys.PrivateKey.from_mnemonic(ALICE_MNEMONIC)
    assert key.secret.hex() not in repr(key) and ALICE_ADDRESS in repr(key)
    assert keys.PrivateKey.from_hex("0x" + key.secret.hex()) == key


def test_signature_shape_and_coincurve_verification() -> None:
    key = keys.PrivateKey.from_mnemonic(ALICE_MNEMONIC)
    msg = b"sign bytes of a SignDoc"
    sig = key.sign(msg)
    assert len(sig) == 64
    assert keys.is_low_s(sig)
    assert sig == key.sign(msg)  # RFC 6979: deterministic
    der = cdata_to_der(deserialize_compact(sig))
    assert coincurve.PublicKey(key.public_key).verify(der, msg, hasher=_sha256)
    assert keys.verify(key.public_key, msg, sig)
    assert not keys.verify(key.public_key, msg + b"!", sig)


def test_signature_equals_cosmpys_deterministic_signature() -> None:
    key = keys.PrivateKey.from_mnemonic(ALICE_MNEMONIC)
    theirs = CosmpyPrivateKey(key.secret)
    msg = b"\x0a\x03abc"
    assert key.sign(msg) == theirs.sign(msg, deterministic=True, canonicalise=True)
    assert CosmpyPublicKey(key.public_key).verify(msg, key.sign(msg))


def test_high_s_twin_is_rejected() -> None:
    key = keys.PrivateKey.from_mnemonic(ALICE_MNEMONIC)
    sig = key.sign(b"m")
    s = int.from_bytes(sig[32:], "big")
    high = sig[:32] + (keys.SECP256K1_N - s).to_bytes(32, "big")
    assert not keys.is_low_s(high)
    assert not keys.verify(key.public_key, b"m", high)
    assert not keys.verify(key.public_key, b"m", sig[:63])


_secrets = st.integers(min_value=1, max_value=keys.SECP256K1_N - 1).map(
    lambda k: k.to_bytes(32, "big")
)


@settings(max_examples=150, deadline=None)
@given(secret=_secrets, message=st.binary(max_size=512))
def test_property_sign_verify_for_random_keys(secret: bytes, message: bytes) -> None:
    key = keys.PrivateKey(secret)
    sig = key.sign(message)
    assert len(sig) == 64 and keys.is_low_s(sig)
    assert keys.verify(key.public_key, message, sig)
    der = cdata_to_der(deserialize_compact(sig))
    assert coincurve.PublicKey(key.public_key).verify(der, message, hasher=_sha256)
    assert not keys.verify(key.public_key, message + b"\x00", sig)
    address = key.address()
    assert keys.bech32_decode(address, "zen")[1] == keys.address_bytes(key.public_key)
