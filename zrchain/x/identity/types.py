"""x/identity constants: codespace errors, address derivation and address checks."""

from __future__ import annotations

import hashlib

from zrchain.codec import address
from zrchain.codec.address import KEYRING_PREFIX, WORKSPACE_PREFIX
from zrchain.errors import ErrInvalidAddress, register
from zrchain.x.policy.types import GOV_AUTHORITY, account_error, check_account

MODULE = "identity"
STORE_KEY = "identity"
PORT_ID = "identity"
KEYRING_COLLECTOR = "keyring_collector"  # module account receiving keyring creation fees
FEE_DENOM = "urock"

WORKSPACE_ADDRESS_LENGTH = 10
KEYRING_ADDRESS_LENGTH = 11

# Codespace "identity", zrChain's codes (x/identity/types/errors.go).
ErrInvalidSigner = register(
    MODULE, 1100, "expected gov account as only signer for proposal message"
)
ErrSample = register(MODULE, 1101, "sample error")
ErrInvalidPacketTimeout = register(MODULE, 1500, "invalid packet timeout")
ErrInvalidVersion = register(MODULE, 1501, "invalid version")
ErrNotFound = register(MODULE, 1503, "not found")
ErrInternal = register(MODULE, 1504, "internal error")
ErrInvalidArgument = register(MODULE, 1505, "invalid argument")
ErrNotImplemented = register(MODULE, 1506, "not implemented")
ErrInactive = register(MODULE, 1507, "inactive")

EVENT_NEW_WORKSPACE = "new_workspace"
EVENT_ADD_OWNER = "add_owner_to_workspace"
EVENT_OWNER_ADDED = "owner_added_to_workspace"

__all__ = [
    "GOV_AUTHORITY",
    "account_error",
    "check_account",
    "keyring_address",
    "workspace_address",
]


def _digest(n: int) -> bytes:
    return hashlib.sha256(n.to_bytes(8, "little")).digest()


def workspace_address(n: int) -> str:
    """The n-th workspace's address: bech32("workspace", sha256(le64(n))[0:10])."""
    return address.encode(WORKSPACE_PREFIX, _digest(n)[:WORKSPACE_ADDRESS_LENGTH])


def keyring_address(n: int) -> str:
    """The n-th keyring's address: bech32("keyring", sha256(le64(n))[13:24])."""
    return address.encode(KEYRING_PREFIX, _digest(n)[13 : 13 + KEYRING_ADDRESS_LENGTH])


def _prefixed_error(addr: str, hrp: str, length: int) -> str | None:
    """The inner error of the SDK's bech32 helper for ``hrp`` addresses (docs/identity-policy.md,
    *Addresses*)."""
    if not addr:
        return "decoding Bech32 address failed: must provide a non empty address"
    try:
        got, raw = address.decode(addr)
    except Exception as exc:
        return str(getattr(exc, "context", exc))
    if got != hrp:
        return f"invalid Bech32 prefix; expected {hrp}, got {got}"
    if len(raw) != length:
        return "%!s(<nil>)"
    return None


def check_workspace(addr: str, what: str = "workspace") -> None:
    err = _prefixed_error(addr, WORKSPACE_PREFIX, WORKSPACE_ADDRESS_LENGTH)
    if err is not None:
        raise ErrInvalidAddress.wrap(f"invalid {what} address ({err})")


def check_keyring(addr: str) -> None:
    err = _prefixed_error(addr, KEYRING_PREFIX, KEYRING_ADDRESS_LENGTH)
    if err is not None:
        raise ErrInvalidAddress.wrap(f"invalid keyring address ({err})")
