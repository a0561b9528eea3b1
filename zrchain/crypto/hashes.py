"""The hashes addresses and sighashes are built from (hashlib; RIPEMD-160 falls back to
pycryptodome where OpenSSL 3 hides the legacy digest; Keccak-256 is pycryptodome's)."""

from __future__ import annotations

import hashlib


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

    pycryptodome's, imported on first use: every zrchaind command is a new process, and
    eth_utils' ``keccak`` (the same digest) costs ~0.3 s of imports before its first hash.
    """
    from Crypto.Hash import keccak

    return keccak.new(data=data, digest_bits=256).digest()
