"""x/policy constants: codespace errors, type URLs, store prefixes, authorities.

Kept apart from the keeper so other modules (identity, treasury) can import the names
without importing the engine.
"""

from __future__ import annotations

from zrchain.codec.address import acc_string, module_address, zr_account_bytes
from zrchain.codec.any import type_url
from zrchain.codec.gen.zrchain.policy import (
    action_pb2,
    additional_signature_passkey_pb2,
    policy_pb2,
    sign_method_passkey_pb2,
)
from zrchain.errors import ErrInvalidAddress, PlainError, register

MODULE = "policy"
STORE_KEY = "policy"
PORT_ID = "policy"

# Codespace "policy", zrChain's codes (x/policy/types/errors.go).
ErrInvalidSigner = register(
    MODULE, 1100, "expected gov account as only signer for proposal message"
)
ErrSample = register(MODULE, 1101, "sample error")
ErrInvalidPacketTimeout = register(MODULE, 1500, "invalid packet timeout")
ErrInvalidVersion = register(MODULE, 1501, "invalid version")
ErrNotFound = register(MODULE, 1503, "not found")
ErrInternal = register(MODULE, 1504, "internal error")
ErrInvalidArgument = register(MODULE, 1505, "invalid argument")

# The x/gov module account: the only authority for MsgUpdateParams.
GOV_AUTHORITY = acc_string(module_address("gov"))

Status = action_pb2.ActionStatus
PENDING = action_pb2.ACTION_STATUS_PENDING
COMPLETED = action_pb2.ACTION_STATUS_COMPLETED
REVOKED = action_pb2.ACTION_STATUS_REVOKED
TIMEOUT = action_pb2.ACTION_STATUS_TIMEOUT
UNSPECIFIED = action_pb2.ACTION_STATUS_UNSPECIFIED

BOOLPARSER_POLICY_URL = type_url(policy_pb2.BoolparserPolicy)
SIGN_METHOD_PASSKEY_URL = type_url(sign_method_passkey_pb2.SignMethodPasskey)
ADDITIONAL_SIGNATURE_PASSKEY_URL = type_url(
    additional_signature_passkey_pb2.AdditionalSignaturePasskey
)

# Go names of the interfaces Anys are unpacked against (they appear in error texts).
IFACE_POLICY = "*policy.Policy"
IFACE_SIGN_METHOD = "*types.SignMethod"
IFACE_ADDITIONAL_SIGNATURE = "*types.AdditionalSignature"
IFACE_MSG = "*types.Msg"

PASSKEY_PREFIX = "passkey{"
CHALLENGE_PREFIX = "challenge-"

# Events.
EVENT_NEW_ACTION = "new_action"
# ours: fix 7 of docs/COMPATIBILITY.md (zrChain has no sweep)
EVENT_ACTION_REJECTED = "action_rejected"  # ours: participants' "no" made it unreachable
EVENT_ACTION_TIMEOUT = "action_timeout"
ATTR_ACTION_ID = "action_id"
ATTR_PARTICIPANT = "participant_addr"


def status_name(status: int) -> str:
    return str(action_pb2.ActionStatus.Name(status))


def no_concrete_type(url: str, iface: str) -> PlainError:
    return PlainError(f"no concrete type registered for type URL {url} against interface {iface}")


def collections_not_found(key: str, value_type: str) -> PlainError:
    """The error text of a missing cosmos ``collections`` entry (value type by proto name)."""
    return PlainError(f"collections: not found: key '{key}' of type {value_type}")


def account_error(addr: str) -> str | None:
    """The Go error text of zrChain's account-address check, or None when valid."""
    try:
        zr_account_bytes(addr)
    except ValueError as exc:
        return str(exc)
    return None


def check_account(addr: str, what: str) -> None:
    """ValidateBasic's ``invalid <what> address (<err>)`` (ErrInvalidAddress)."""
    err = account_error(addr)
    if err is not None:
        raise ErrInvalidAddress.wrap(f"invalid {what} address ({err})")
