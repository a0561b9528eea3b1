"""Bech32 addresses with zrChain's prefixes (zen, zenvaloper, workspace, keyring)."""

from __future__ import annotations

import hashlib
from functools import lru_cache

from zrchain.codec import bech32
from zrchain.errors import ErrInvalidAddress

ACC_PREFIX = "zen"
ACC_PUB_PREFIX = "zenpub"
VALOPER_PREFIX = "zenvaloper"
VALCONS_PREFIX = "zenvalcons"
WORKSPACE_PREFIX = "workspace"
KEYRING_PREFIX = "keyring"
# zrChain's custom verifier accepts 20- and 32-byte accounts and 11-byte keyring addresses.
_ACC_LENGTHS = (20, 32, 11)


@lru_cache(maxsize=65536)
def encode(prefix: str, data: bytes) -> str:
    return bech32.encode(prefix, data)


@lru_cache(maxsize=65536)
def decode(addr: str) -> tuple[str, bytes]:
    """(prefix, bytes) of a bech32 string; raises ErrInvalidAddress with the SDK's wording."""
    if not addr:
        raise ErrInvalidAddress.wrap("empty address string is not allowed")
    try:
        return bech32.decode(addr)
    except bech32.Bech32Error as exc:
        raise ErrInvalidAddress.wrap(f"decoding bech32 failed: {exc}") from None


@lru_cache(maxsize=65536)
def decode_prefixed(addr: str, prefix: str, lengths: tuple[int, ...] = _ACC_LENGTHS) -> bytes:
    hrp, raw = decode(addr)
    if hrp != prefix:
        raise ErrInvalidAddress.wrap(f"invalid Bech32 prefix; expected {prefix}, got {hrp}")
    if len(raw) not in lengths:
        raise ErrInvalidAddress.wrap(f"address length must be 20 or 32 bytes, got {len(raw)}")
    return raw


def acc_bytes(addr: str) -> bytes:
    """Bytes of a ``zen1…`` account address (errors are ErrInvalidAddress)."""
    return decode_prefixed(addr, ACC_PREFIX)


def acc_string(raw: bytes) -> str:
    return encode(ACC_PREFIX, raw)


def is_acc_address(addr: str) -> bool:
    try:
        acc_bytes(addr)
    except Exception:
        return False
    return True


def pubkey_to_address(compressed_pubkey: bytes) -> bytes:
    """ripemd160(sha256(pubkey)), the Cosmos secp256k1 account address."""
    return hashlib.new("ripemd160", hashlib.sha256(compressed_pubkey).digest()).digest()


def module_address(name: str) -> bytes:
    """A module account's address: the first 20 bytes of sha256(module name)."""
    return hashlib.sha256(name.encode()).digest()[:20]
