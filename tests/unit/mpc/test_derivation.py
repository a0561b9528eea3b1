"""Derivation: BIP32 and SLIP-0010 published vectors, and the keeper's per-key path scheme."""

from __future__ import annotations

import hashlib

import pytest

from zrchain.chains.keys import KeyType
from zrchain.codec.base58 import b58decode
from zrchain.crypto import keys
from zrchain.mpc import derivation as d

H = d.HARDENED
KR = "keyring1pfnq7r04rept47gaf5cpdew2"
KR2 = "keyring1k6vc6vhp6e6l3rxalue9v4ux"
SEED1 = bytes.fromhex("000102030405060708090a0b0c0d0e0f")


def _xkey(text: str) -> tuple[bytes, bytes]:
    """(chain code, key data) of a serialized BIP32 extended key (base58check)."""
    raw = b58decode(text)
    payload, check = raw[:-4], raw[-4:]
    assert hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4] == check
    return payload[13:45], payload[45:78]


# BIP32 test vector 1 (bitcoin/bips bip-0032.mediawiki): path -> (xpub, xprv)
BIP32_V1 = [
    (
        (),
        "xpub661MyMwAqRbcFtXgS5sYJABqqG9YLmC4Q1Rdap9gSE8NqtwybGhePY2gZ29ESFjqJoCu1Rupje8YtGqsefD265TMg7usUDFdp6W1EGMcet8",
        "xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6LnF5kejMRNNU3TGtRBeJgk33yuGBxrMPHi",
    ),
    (
        (0 | H,),
        "xpub68Gmy5EdvgibQVfPdqkBBCHxA5htiqg55crXYuXoQRKfDBFA1WEjWgP6LHhwBZeNK1VTsfTFUHCdrfp1bgwQ9xv5ski8PX9rL2dZXvgGDnw",
        "xprv9uHRZZhk6KAJC1avXpDAp4MDc3sQKNxDiPvvkX8Br5ngLNv1TxvUxt4cV1rGL5hj6KCesnDYUhd7oWgT11eZG7XnxHrnYeSvkzY7d2bhkJ7",
    ),
    (
        (0 | H, 1),
        "xpub6ASuArnXKPbfEwhqN6e3mwBcDTgzisQN1wXN9BJcM47sSikHjJf3UFHKkNAWbWMiGj7Wf5uMash7SyYq527Hqck2AxYysAA7xmALppuCkwQ",
        "xprv9wTYmMFdV23N2TdNG573QoEsfRrWKQgWeibmLntzniatZvR9BmLnvSxqu53Kw1UmYPxLgboyZQaXwTCg8MSY3H2EU4pWcQDnRnrVA1xe8fs",
    ),
    (
        (0 | H, 1, 2 | H),
        "xpub6D4BDPcP2GT577Vvch3R8wDkScZWzQzMMUm3PWbmWvVJrZwQY4VUNgqFJPMM3No2dFDFGTsxxpG5uJh7n7epu4trkrX7x7DogT5Uv6fcLW5",
        "xprv9z4pot5VBttmtdRTWfWQmoH1taj2axGVzFqSb8C9xaxKymcFzXBDptWmT7FwuEzG3ryjH4ktypQSAewRiNMjANTtpgP4mLTj34bhnZX7UiM",
    ),
    (
        (0 | H, 1, 2 | H, 2),
        "xpub6FHa3pjLCk84BayeJxFW2SP4XRrFd1JYnxeLeU8EqN3vDfZmbqBqaGJAyiLjTAwm6ZLRQUMv1ZACTj37sR62cfN7fe5JnJ7dh8zL4fiyLHV",
        "xprvA2JDeKCSNNZky6uBCviVfJSKyQ1mDYahRjijr5idH2WwLsEd4Hsb2Tyh8RfQMuPh7f7RtyzTtdrbdqqsunu5Mm3wDvUAKRHSC34sJ7in334",
    ),
    (
        (0 | H, 1, 2 | H, 2, 1_000_000_000),
        "xpub6H1LXWLaKsWFhvm6RVpEL9P4KfRZSW7abD2ttkWP3SSQvnyA8FSVqNTEcYFgJS2UaFcxupHiYkro49S8yGasTvXEYBVPamhGW6cFJodrTHy",
        "xprvA41z7zogVVwxVSgdKUHDy1SKmdb533PjDz7J6N6mV6uS3ze1ai8FHa8kmHScGpWmj4WggLyQjgPie1rFSruoUihUZREPSL39UNdE3BBDu76",
    ),
]


@pytest.mark.parametrize(("path", "xpub", "xprv"), BIP32_V1)
def test_bip32_vector_1(path: tuple[int, ...], xpub: str, xprv: str) -> None:
    key, chain = d.bip32_node(SEED1, path)
    want_chain, want_key = _xkey(xprv)
    assert chain == want_chain
    assert b"\x00" + key == want_key
    assert keys.public_key(key) == _xkey(xpub)[1]


SEED2 = bytes.fromhex(
    "fffcf9f6f3f0edeae7e4e1dedbd8d5d2cfccc9c6c3c0bdbab7b4b1aeaba8a5a2"
    "9f9c999693908d8a8784817e7b7875726f6c696663605d5a5754514e4b484542"
)


def test_bip32_vector_2_master_and_first_child() -> None:
    key, chain = d.bip32_node(SEED2, ())
    assert (chain, b"\x00" + key) == _xkey(
        "xprv9s21ZrQH143K31xYSDQpPDxsXRTUcvj2iNHm5NUtrGiGG5e2DtALGdso3pGz6ssrdK4PFmM8NSpSBHNqPqm55Qn3LqFtT2emdEXVYsCzC2U"
    )
    key, chain = d.bip32_node(SEED2, (0,))
    assert (chain, b"\x00" + key) == _xkey(
        "xprv9vHkqa6EV4sPZHYqZznhT2NPtPCjKuDKGY38FBWLvgaDx45zo9WQRUT3dKYnjwih2yJD9mkrocEZXo1ex8G81dwSM1fwqWpWkeS3v86pgKt"
    )


# SLIP-0010 test vector 1 for ed25519 (satoshilabs/slips slip-0010.md):
# (path, chain code, private, public)
SLIP10_V1 = [
    (
        (),
        "90046a93de5380a72b5e45010748567d5ea02bbf6522f979e05c0d8d8ca9fffb",
        "2b4be7f19ee27bbf30c667b642d5f4aa69fd169872f8fc3059c08ebae2eb19e7",
        "a4b2856bfec510abab89753fac1ac0e1112364e7d250545963f135f2a33188ed",
    ),
    (
        (0,),
        "8b59aa11380b624e81507a27fedda59fea6d0b779a778918a2fd3590e16e9c69",
        "68e0fe46dfb67e368c75379acec591dad19df3cde26e63b93a8e704f1dade7a3",
        "8c8a13df77a28f3445213a0f432fde644acaa215fc72dcdf300d5efaa85d350c",
    ),
    (
        (0, 1),
        "a320425f77d1b5c2505a6b1b27382b37368ee640e3557c315416801243552f14",
        "b1d0bad404bf35da785a64ca1ac54b2617211d2777696fbffaf208f746ae84f2",
        "1932a5270f335bed617d5b935c80aedb1a35bd9fc1e31acafd5372c30f5c1187",
    ),
    (
        (0, 1, 2),
        "2e69929e00b5ab250f49c3fb1c12f252de4fed2c1db88387094a0f8c4c9ccd6c",
        "92a5b23c0b8a99e37d07df3fb9966917f5d06e02ddbd909c7e184371463e9fc9",
        None,
    ),
    (
        (0, 1, 2, 2),
        "8f6d87f93d750e0efccda017d662a1b31a266e4a6f5993b15f5c1f07f74dd5cc",
        "30d1dc7e5fc04c31219ab25a27ae00b50f6fd66622f6e9c913253d6511d1e662",
        None,
    ),
    (
        (0, 1, 2, 2, 1_000_000_000),
        "68789923a0cac2cd5a29172a475fe9e0fb14cd6adb5ad98a3fa70333e7afa230",
        "8f94d394a8e8fd6b1bc2f3f49f5c47e385281d5c17e65324b0f62483e37e8793",
        "3c24da049451555d51a7014a37337aa4e12d41e485abccfa46b47dfb2af54b7a",
    ),
]


@pytest.mark.parametrize(("path", "chain", "private", "public"), SLIP10_V1)
def test_slip10_ed25519_vector_1(
    path: tuple[int, ...], chain: str, private: str, public: str | None
) -> None:
    key, code = d.slip10_ed25519_node(SEED1, tuple(i | H for i in path))
    assert code.hex() == chain
    assert key.hex() == private
    if public is not None:
        assert d.ed25519_public_key(key).hex() == public


SLIP10_V2 = [
    (
        (),
        "ef70a74db9c3a5af931b5fe73ed8e1a53464133654fd55e7a66f8570b8e33c3b",
        "171cb88b1b3c1db25add599712e36245d75bc65a1a5c9e18d76f9f2b1eab4012",
    ),
    (
        (0, 2147483647, 1, 2147483646, 2),
        "5d70af781f3a37b829f0d060924d5e960bdc02e85423494afc0b1a41bbe196d4",
        "551d333177df541ad876a60ea71f00447931c0a9da16f227c11ea080d7391b8d",
    ),
]


@pytest.mark.parametrize(("path", "chain", "private"), SLIP10_V2)
def test_slip10_ed25519_vector_2(path: tuple[int, ...], chain: str, private: str) -> None:
    key, code = d.slip10_ed25519_node(SEED2, tuple(i | H for i in path))
    assert (code.hex(), key.hex()) == (chain, private)


def test_slip10_refuses_non_hardened_steps() -> None:
    with pytest.raises(d.DerivationError, match="hardened"):
        d.slip10_ed25519_node(SEED1, (1,))


# -- the path scheme --------------------------------------------------------------------


def test_key_path_layout() -> None:
    path = d.key_path(KR, KeyType.KEY_TYPE_ECDSA_SECP256K1, 5)
    assert all(i & H for i in path)
    plain = [i & ~H for i in path]
    raw = keys.bech32_decode(KR)[1]
    digest = hashlib.sha256(raw).digest()
    assert plain == [
        0x5A52,
        1,
        int.from_bytes(digest[:4], "big") & 0x7FFFFFFF,
        int.from_bytes(digest[4:8], "big") & 0x7FFFFFFF,
        0,
        0,
        5,
    ]
    assert d.format_path(path).startswith("m/23122'/1'/")


def test_id_words_cover_uint64() -> None:
    assert d.id_words(0) == (0, 0, 0)
    assert d.id_words(2**31) == (0, 1, 0)
    top = 2**64 - 1
    a, b, c = d.id_words(top)
    assert (a << 62) | (b << 31) | c == top
    assert all(w < 2**31 for w in (a, b, c))
    with pytest.raises(d.DerivationError):
        d.id_words(2**64)


def test_keys_are_distinct_per_type_id_and_keyring() -> None:
    seed = bytes(range(32))
    pubs = {
        d.derive_key(seed, kr, kt, kid).public_key
        for kr in (KR, KR2)
        for kt in (1, 2, 3)
        for kid in (1, 2, 2**31, 2**40)
    }
    assert len(pubs) == 2 * 3 * 4


def test_derivation_is_deterministic_and_matches_the_schemes() -> None:
    seed = bytes(range(32))
    ecdsa = d.derive_key(seed, KR, KeyType.KEY_TYPE_ECDSA_SECP256K1, 7)
    assert ecdsa == d.derive_key(seed, KR, 1, 7)
    assert len(ecdsa.public_key) == 33
    assert ecdsa.private_key == d.bip32_node(seed, ecdsa.path)[0]
    ed = d.derive_key(seed, KR, KeyType.KEY_TYPE_EDDSA_ED25519, 7)
    assert len(ed.public_key) == 32
    assert ed.private_key == d.slip10_ed25519_node(seed, ed.path)[0]
    assert "private" not in repr(ed) and ed.private_key.hex() not in repr(ed)


def test_bad_inputs() -> None:
    with pytest.raises(d.DerivationError):
        d.key_path("notakeyring", 1, 1)
    with pytest.raises(d.DerivationError):
        d.key_path(KR, KeyType.KEY_TYPE_UNSPECIFIED, 1)
    with pytest.raises(d.DerivationError):
        d.bip32_node(b"short", ())


def test_seed_fingerprint_is_public_and_stable() -> None:
    seed = bytes(range(32))
    fp = d.seed_fingerprint(seed)
    assert fp == d.seed_fingerprint(seed) and len(fp) == 16
    assert fp != d.seed_fingerprint(bytes(32))
