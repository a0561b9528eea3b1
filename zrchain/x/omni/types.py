"""x/omni (ours: zrSign Omni, docs/zrsign-policies.md): codespace errors, store and events."""

from __future__ import annotations

from zrchain.errors import register

MODULE = "omni"
STORE_KEY = "omni"

ErrBadSignature = register(MODULE, 2, "invalid EIP-712 signature")
ErrExpired = register(MODULE, 3, "signature expired")
ErrBadNonce = register(MODULE, 4, "wrong nonce")
ErrNotZrSign = register(MODULE, 5, "creator is not the zrSign account")
ErrInvalid = register(MODULE, 6, "invalid request")
ErrDuplicate = register(MODULE, 7, "already forwarded")
ErrNotFound = register(MODULE, 8, "not found")

EVENT_EVM_OPERATION = "evm_operation"  # an operation authorised by an EVM account
