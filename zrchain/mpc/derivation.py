"""Deterministic key derivation from a party seed, one path per on-chain key.

Two standard schemes over the same seed, so a party rebuilds every key from its seed alone:

* secp256k1 (``KEY_TYPE_ECDSA_SECP256K1`` and ``KEY_TYPE_BITCOIN_SECP256K1``): BIP32, master
  key ``HMAC-SHA512("Bitcoin seed", seed)`` (reusing :mod:`zrchain.crypto.keys`);
* ed25519 (``KEY_TYPE_EDDSA_ED25519``): SLIP-0010, master ``HMAC-SHA512("ed25519 seed", seed)``,
  hardened steps only (SLIP-0010 has no public derivation for ed25519).

The path of a key is computed from data the chain keeps for ever (the key's keyring and its
id, which is the id of the key request that created it) plus its type::

    m / 23122' / type' / ring0' / ring1' / id0' / id1' / id2'

``23122`` is 0x5A52, "ZR"; ``type`` is the KeyType number (1 ECDSA, 2 EdDSA, 3 BITCOIN);
``ring0, ring1`` are the first two big-endian 32-bit words of ``sha256(keyring address
bytes)``, each masked to 31 bits; ``id0, id1, id2`` split the 64-bit key id into
``id >> 62``, ``(id >> 31) & 0x7fffffff`` and ``id & 0x7fffffff``. Every step is hardened, so
a leaked child key reveals nothing about its siblings or the seed. Workspace and index are
not used: the index is user-chosen and can repeat, the id cannot. The chain id is not used
either, so keys survive a chain restart from exported genesis (which keeps keyring
addresses and key ids); one seed must therefore serve one chain.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from zrchain.chains.keys import KeyType
from zrchain.crypto import keys
from zrchain.crypto.hashes import hash160

HARDENED = 1 << 31
PURPOSE = 0x5A52  # "ZR"
_MASK31 = HARDENED - 1
_ED25519_CURVE_KEY = b"ed25519 seed"
SEED_BYTES = 32


class DerivationError(ValueError):
    """A path or seed that cannot be derived (messages never contain secret material)."""


# --- the path scheme ---------------------------------------------------------------------


def keyring_words(keyring_addr: str) -> tuple[int, int]:
    """Two 31-bit words naming the keyring inside the path (from its bech32 bytes)."""
    try:
        _hrp, raw = keys.bech32_decode(keyring_addr)
    except keys.InvalidAddressError as exc:
        raise DerivationError(f"invalid keyring address {keyring_addr!r}") from exc
    digest = hashlib.sha256(raw).digest()
    return (
        int.from_bytes(digest[0:4], "big") & _MASK31,
        int.from_bytes(digest[4:8], "big") & _MASK31,
    )


def id_words(key_id: int) -> tuple[int, int, int]:
    """The 64-bit key id as three 31-bit words (most significant first)."""
    if not 0 <= key_id < 1 << 64:
        raise DerivationError(f"key id {key_id} is not a uint64")
    return key_id >> 62, (key_id >> 31) & _MASK31, key_id & _MASK31


def key_path(keyring_addr: str, key_type: KeyType | int, key_id: int) -> tuple[int, ...]:
    """Child indices (all hardened) of the key ``key_id`` of ``keyring_addr``."""
    kt = KeyType(int(key_type))
    if kt == KeyType.KEY_TYPE_UNSPECIFIED:
        raise DerivationError("cannot derive a key of type KEY_TYPE_UNSPECIFIED")
    words = (PURPOSE, int(kt), *keyring_words(keyring_addr), *id_words(key_id))
    return tuple(w | HARDENED for w in words)


def format_path(path: tuple[int, ...]) -> str:
    """``m/23122'/1'/...`` for logs and docs (paths are not secret)."""
    parts = [f"{i & _MASK31}'" if i & HARDENED else str(i) for i in path]
    return "/".join(["m", *parts])


# --- BIP32 (secp256k1) -------------------------------------------------------------------


def bip32_node(seed: bytes, path: tuple[int, ...]) -> tuple[bytes, bytes]:
    """(private key, chain code) at ``path`` below the seed's BIP32 master."""
    try:
        key, chain = keys.master_key(seed)
        for index in path:
            key, chain = keys.derive_child(key, chain, index)
    except (ValueError, keys.InvalidKeyError) as exc:
        # keys.* messages name indices and lengths only, never key bytes.
        raise DerivationError(f"BIP32 derivation failed: {exc}") from None
    return key, chain


def secp256k1_private_key(seed: bytes, path: tuple[int, ...]) -> bytes:
    return bip32_node(seed, path)[0]


# --- SLIP-0010 (ed25519) -----------------------------------------------------------------


def slip10_ed25519_node(seed: bytes, path: tuple[int, ...]) -> tuple[bytes, bytes]:
    """(private key, chain code) at ``path`` (hardened indices only) per SLIP-0010."""
    if not 16 <= len(seed) <= 64:
        raise DerivationError(f"seed must be 16..64 bytes, got {len(seed)}")
    digest = hmac.digest(_ED25519_CURVE_KEY, seed, "sha512")
    key, chain = digest[:32], digest[32:]
    for index in path:
        if not index & HARDENED:
            raise DerivationError("SLIP-0010 ed25519 derivation needs hardened indices only")
        digest = hmac.digest(chain, b"\x00" + key + index.to_bytes(4, "big"), "sha512")
        key, chain = digest[:32], digest[32:]
    return key, chain


def ed25519_public_key(private_key: bytes) -> bytes:
    """32-byte RFC 8032 public key of a 32-byte ed25519 private key (seed)."""
    pk = Ed25519PrivateKey.from_private_bytes(private_key).public_key()
    return pk.public_bytes(Encoding.Raw, PublicFormat.Raw)


# --- one key -----------------------------------------------------------------------------


@dataclass(frozen=True, repr=False)
class DerivedKey:
    """A derived key pair; ``repr`` never shows the private half."""

    key_type: KeyType
    path: tuple[int, ...]
    private_key: bytes
    public_key: bytes  # 33-byte compressed secp256k1, or 32-byte ed25519

    def __repr__(self) -> str:
        return (
            f"DerivedKey({self.key_type.name}, {format_path(self.path)}, {self.public_key.hex()})"
        )


def derive_key(seed: bytes, keyring_addr: str, key_type: KeyType | int, key_id: int) -> DerivedKey:
    """The key ``key_id`` of ``keyring_addr`` as this seed derives it."""
    kt = KeyType(int(key_type))
    path = key_path(keyring_addr, kt, key_id)
    if kt == KeyType.KEY_TYPE_EDDSA_ED25519:
        private, _ = slip10_ed25519_node(seed, path)
        return DerivedKey(kt, path, private, ed25519_public_key(private))
    private = secp256k1_private_key(seed, path)
    return DerivedKey(kt, path, private, keys.public_key(private))


def seed_fingerprint(seed: bytes) -> str:
    """A public 8-byte id of a seed: hash160 of its BIP32 master public key (hex).

    Parties of a replicated keyring compare fingerprints to check they hold the same seed.
    """
    master, _ = bip32_node(seed, ())
    return hash160(keys.public_key(master))[:8].hex()
