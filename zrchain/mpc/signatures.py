"""Signature wire formats a keyring returns (docs/mpc-keeper.md, *Answers*; the checks the
chain runs on them: docs/treasury.md, *Requests and their lifecycle*).

* ECDSA secp256k1 (EVM, Cosmos): 65 bytes ``r‖s‖v`` over a 32-byte hash, low S, v ∈ {0, 1},
  deterministic (RFC 6979), so EVM ``ecrecover`` gives the key's address;
* BITCOIN secp256k1: 64 bytes ``r‖s``, low S, RFC 6979 (the chain stores it DER-encoded);
* Ed25519: the 64-byte RFC 8032 signature over the message itself.

:func:`encode_ecdsa` builds the wire form from ``(r, s)`` whatever produced them, so a
threshold ECDSA backend (whose output is an ordinary ECDSA signature) reuses it.
"""

from __future__ import annotations

import coincurve
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from zrchain.chains.errors import SignatureError
from zrchain.chains.keys import (
    SECP256K1_N,
    KeyType,
    ecdsa_der,
    ed25519_verify,
    secp256k1_compressed,
)

_HALF_N = SECP256K1_N // 2
ECDSA_HASH_BYTES = 32
# zrChain accepts EdDSA payloads shorter than 2000 hex characters (docs/mpc-keeper.md, *Answers*).
ED25519_MAX_MESSAGE_BYTES = 999


def encode_ecdsa(r: int, s: int, digest: bytes, pubkey: bytes, *, recovery: bool = True) -> bytes:
    """``r‖s‖v`` (or ``r‖s``) with S normalised low and v found by public-key recovery."""
    if not (0 < r < SECP256K1_N and 0 < s < SECP256K1_N):
        raise SignatureError("ECDSA r and s must be in [1, n-1]")
    if s > _HALF_N:
        s = SECP256K1_N - s
    rs = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    if not recovery:
        return rs
    compressed = secp256k1_compressed(pubkey)
    for v in (0, 1):
        try:
            found = coincurve.PublicKey.from_signature_and_message(
                rs + bytes([v]), digest, hasher=None
            )
        except ValueError:
            continue
        if found.format(compressed=True) == compressed:
            return rs + bytes([v])
    raise SignatureError("ECDSA signature does not recover to the key")


def ecdsa_sign(private_key: bytes, digest: bytes) -> bytes:
    """65-byte ``r‖s‖v``: libsecp256k1 signs with RFC 6979 nonces and always emits low S."""
    if len(digest) != ECDSA_HASH_BYTES:
        raise SignatureError(f"an ECDSA payload must be a 32-byte hash, got {len(digest)} bytes")
    return coincurve.PrivateKey(private_key).sign_recoverable(digest, hasher=None)


def ed25519_sign(private_key: bytes, message: bytes) -> bytes:
    """RFC 8032 signature (deterministic by construction)."""
    return Ed25519PrivateKey.from_private_bytes(private_key).sign(bytes(message))


def sign_for_key_type(key_type: KeyType, private_key: bytes, payload: bytes) -> bytes:
    """The wire signature a keyring returns for one ``data_for_signing`` item."""
    if key_type == KeyType.KEY_TYPE_ECDSA_SECP256K1:
        return ecdsa_sign(private_key, payload)
    if key_type == KeyType.KEY_TYPE_BITCOIN_SECP256K1:
        return ecdsa_sign(private_key, payload)[:64]
    if key_type == KeyType.KEY_TYPE_EDDSA_ED25519:
        return ed25519_sign(private_key, payload)
    raise SignatureError(f"cannot sign for key type {key_type.name}")


def check_payload(key_type: KeyType, payload: bytes) -> None:
    """Refuse what a keyring must not sign: wrong hash length, empty or oversized messages."""
    size = len(payload)
    if key_type in (KeyType.KEY_TYPE_ECDSA_SECP256K1, KeyType.KEY_TYPE_BITCOIN_SECP256K1):
        if size != ECDSA_HASH_BYTES:
            raise SignatureError(
                f"payload for a {key_type.name} key must be a 32-byte hash, got {size} bytes"
            )
        return
    if key_type == KeyType.KEY_TYPE_EDDSA_ED25519:
        if size == 0:
            raise SignatureError("payload for an ed25519 key is empty")
        if size > ED25519_MAX_MESSAGE_BYTES:
            raise SignatureError(
                f"payload for an ed25519 key is {size} bytes, more than {ED25519_MAX_MESSAGE_BYTES}"
            )
        return
    raise SignatureError(f"unsupported key type {key_type.name}")


def verify_for_key_type(key_type: KeyType, pubkey: bytes, payload: bytes, sig: bytes) -> bool:
    """Self-check of a produced signature before it leaves the party."""
    if key_type in (KeyType.KEY_TYPE_ECDSA_SECP256K1, KeyType.KEY_TYPE_BITCOIN_SECP256K1):
        if len(sig) not in (64, 65) or len(payload) != ECDSA_HASH_BYTES:
            return False
        r = int.from_bytes(sig[:32], "big")
        s = int.from_bytes(sig[32:64], "big")
        if not (0 < r < SECP256K1_N and 0 < s <= _HALF_N):
            return False
        der = ecdsa_der(r, s)
        try:
            ok = coincurve.PublicKey(pubkey).verify(der, payload, hasher=None)
        except ValueError:
            return False
        if not ok:
            return False
        if len(sig) == 65:
            try:
                rec = coincurve.PublicKey.from_signature_and_message(sig, payload, hasher=None)
            except ValueError:
                return False
            return rec.format(compressed=True) == secp256k1_compressed(pubkey)
        return True
    if key_type == KeyType.KEY_TYPE_EDDSA_ED25519:
        return ed25519_verify(pubkey, payload, sig)
    return False
