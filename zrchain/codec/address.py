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


# zrChain's SDK fork accepts these HRPs, in this order, wherever an account address is read.
ZR_ACCOUNT_PREFIXES = (ACC_PREFIX, KEYRING_PREFIX, WORKSPACE_PREFIX)


def zr_account_bytes(addr: str) -> bytes:
    """zrChain's patched ``AccAddressFromBech32``: ``zen``, ``keyring`` or ``workspace`` HRP
    and an 11, 20 or 32-byte payload. Raises ValueError whose text is the Go error's."""
    if not addr.strip():
        raise ValueError("empty address string is not allowed")
    last = ""
    raw = b""
    for hrp in ZR_ACCOUNT_PREFIXES:
        try:
            got, raw = decode(addr)
        except Exception as exc:
            last = getattr(exc, "context", str(exc))
            continue
        if got != hrp:
            last = f"invalid Bech32 prefix; expected {hrp}, got {got}"
            continue
        break
    else:
        raise ValueError(
            "failed to convert Bech32 address: invalid address format for "
            f"account/keyring/workspace - {last}"
        )
    n = len(raw)
    if n == 0:
        raise ValueError("addresses cannot be empty: unknown address")
    if n > 255:
        raise ValueError(f"address max length is 255, got {n}: unknown address")
    if n not in (11, 20, 32):
        raise ValueError(f"address length must be 11, 20, or 32 bytes, got {n}: unknown address")
    return raw
