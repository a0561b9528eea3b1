"""The hashes addresses and sighashes are built from (hashlib; RIPEMD-160 falls back to
pycryptodome where OpenSSL 3 hides the legacy digest)."""

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
