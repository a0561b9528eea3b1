"""The EIP-712 signature file the CLI submits (docs/zrsign-policies.md): the typed data a
wallet signed (``eth_signTypedData_v4``'s argument, as ``zrchaind q omni typed-data`` prints
it) and the 65-byte signature, ``{"typedData": {...}, "signature": "0x…"}``. The Msg is
rebuilt from the typed data, so what is submitted is exactly what was signed."""

from __future__ import annotations

import json
from typing import Any

from google.protobuf.message import Message

from zrchain.codec.gen.zrchain.omni import tx_pb2
from zrchain.x.omni import typed_data


class SignedFileError(ValueError):
    """The file is not a signed zrSign Omni typed-data document."""


def _uint(message: dict[str, Any], name: str) -> int:
    value = message.get(name)
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 2**64:
        raise SignedFileError(f"typedData.message.{name} must be a uint64")
    return value


def _str(message: dict[str, Any], name: str) -> str:
    value = message.get(name)
    if not isinstance(value, str):
        raise SignedFileError(f"typedData.message.{name} must be a string")
    return value


def msg_from_signed(doc: dict[str, Any], submitter: str) -> Message:
    """The zrchain.omni Msg a signed document authorises, submitted by ``submitter``."""
    try:
        data, sig_hex = doc["typedData"], doc["signature"]
        message = data["message"]
        primary = data["primaryType"]
        signature = bytes.fromhex(sig_hex[2:] if sig_hex.startswith("0x") else sig_hex)
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise SignedFileError(
            f"expected {{typedData: {{primaryType, message}}, signature}}: {exc}"
        ) from None
    if not isinstance(message, dict):
        raise SignedFileError("typedData.message must be an object")
    decisions = (typed_data.APPROVE_ACTION.name, typed_data.REJECT_ACTION.name)
    signer_field = "approver" if primary in decisions else "owner"
    auth = tx_pb2.EvmSignature(
        address=_str(message, signer_field),
        nonce=_uint(message, "nonce"),
        deadline=_uint(message, "deadline"),
        signature=signature,
    )
    if primary == typed_data.APPROVE_ACTION.name:
        return tx_pb2.MsgApproveActionEvm(
            submitter=submitter, auth=auth, action_id=_uint(message, "actionId")
        )
    if primary == typed_data.REJECT_ACTION.name:
        return tx_pb2.MsgRejectActionEvm(
            submitter=submitter, auth=auth, action_id=_uint(message, "actionId")
        )
    if primary == typed_data.SET_KEY_POLICY.name:
        op = tx_pb2.SetKeyPolicyOp(
            wallet_type=_uint(message, "walletType"),
            wallet_index=_uint(message, "walletIndex"),
            sign_policy_id=_uint(message, "signPolicyId"),
        )
        return tx_pb2.MsgSetKeyPolicyEvm(submitter=submitter, auth=auth, op=op)
    if primary == typed_data.NEW_POLICY.name:
        parts = message.get("participants")
        if not isinstance(parts, list) or not all(isinstance(p, str) for p in parts):
            raise SignedFileError("typedData.message.participants must be a list of strings")
        new = tx_pb2.NewPolicyOp(
            name=_str(message, "name"),
            definition=_str(message, "definition"),
            participants=parts,
            btl=_uint(message, "btl"),
        )
        return tx_pb2.MsgNewPolicyEvm(submitter=submitter, auth=auth, op=new)
    raise SignedFileError(f"unknown primaryType {primary!r}")


def read_signed(path: str, submitter: str) -> Message:
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except (OSError, ValueError) as exc:
        raise SignedFileError(f"cannot read {path}: {exc}") from None
    if not isinstance(doc, dict):
        raise SignedFileError(f"{path}: expected a JSON object")
    return msg_from_signed(doc, submitter)
