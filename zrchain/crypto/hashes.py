"""The hashes addresses and sighashes are built from (hashlib; RIPEMD-160 falls back to
pycryptodome where OpenSSL 3 hides the legacy digest; Keccak-256 is pycryptodome's)."""

from __future__ import annotations

import hashlib

from Crypto.Hash import keccak


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def sha256d(data: bytes) -> bytes:
    """Bitcoin's double SHA-256."""
    return hashlib.sha256(hashlib.sha256(data).digest()).digest()


def ripemd160(data: bytes) -> bytes:
    """RIPEMD-160; falls back to pycryptodome where OpenSSL 3 hides the legacy digest."""
    try:
        return hashlib.new("ripemd160", data).digest()
    except ValueError:  # pragma: no cover - depends on the OpenSSL build
        from Crypto.Hash import RIPEMD160

        return RIPEMD160.new(data).digest()


def hash160(data: bytes) -> bytes:
    return ripemd160(sha256(data))


def keccak256(data: bytes) -> bytes:
    """Ethereum's Keccak-256: the original padding, not hashlib's standardised sha3_256.
    pycryptodome's, not eth_utils' (the same digest): eth_utils costs every zrchaind
    command ~0.3 s of imports."""
    return keccak.new(data=data, digest_bits=256).digest()
