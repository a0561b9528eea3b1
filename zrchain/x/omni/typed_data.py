"""The EIP-712 typed data EVM accounts sign for zrSign Omni (docs/zrsign-policies.md).

Domain ``{name: "zrChain", version: "1", salt: keccak256(<zrChain chain id>)}``: bound to
the zrChain chain (a signature for ``zenrock`` is worthless on any other zrChain network)
and to no EVM chain (no ``chainId``, so a wallet signs it whatever network it is on).
Every message carries the signer, its next nonce and a deadline in unix seconds.

The same definitions serve the chain (verification), the CLI, the example and the tests,
which check the digests against eth-account and anvil's ``eth_signTypedData_v4``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from zrchain.chains import eip712
from zrchain.chains.eip712 import StructType, Value
from zrchain.chains.evm import checksum_address
from zrchain.codec.gen.zrchain.omni import tx_pb2
from zrchain.crypto.hashes import keccak256

DOMAIN_NAME = "zrChain"
DOMAIN_VERSION = "1"

NEW_POLICY = StructType(
    "NewPolicy",
    (
        ("owner", "address"),
        ("name", "string"),
        ("definition", "string"),
        ("participants", "string[]"),
        ("btl", "uint64"),
        ("nonce", "uint64"),
        ("deadline", "uint64"),
    ),
)
SET_KEY_POLICY = StructType(
    "SetKeyPolicy",
    (
        ("owner", "address"),
        ("walletType", "uint64"),
        ("walletIndex", "uint64"),
        ("signPolicyId", "uint64"),
        ("nonce", "uint64"),
        ("deadline", "uint64"),
    ),
)
APPROVE_ACTION = StructType(
    "ApproveAction",
    (
        ("approver", "address"),
        ("actionId", "uint64"),
        ("nonce", "uint64"),
        ("deadline", "uint64"),
    ),
)

REJECT_ACTION = StructType("RejectAction", APPROVE_ACTION.fields)


def domain(chain_id: str) -> dict[str, Value]:
    return eip712.domain_values(DOMAIN_NAME, DOMAIN_VERSION, keccak256(chain_id.encode()))


def _auth(auth: tx_pb2.EvmSignature) -> dict[str, Value]:
    return {"nonce": int(auth.nonce), "deadline": int(auth.deadline)}


def new_policy_values(auth: tx_pb2.EvmSignature, op: tx_pb2.NewPolicyOp) -> dict[str, Value]:
    return {
        "owner": auth.address,
        "name": op.name,
        "definition": op.definition,
        "participants": list(op.participants),
        "btl": int(op.btl),
        **_auth(auth),
    }


def set_key_policy_values(auth: tx_pb2.EvmSignature, op: tx_pb2.SetKeyPolicyOp) -> dict[str, Value]:
    return {
        "owner": auth.address,
        "walletType": int(op.wallet_type),
        "walletIndex": int(op.wallet_index),
        "signPolicyId": int(op.sign_policy_id),
        **_auth(auth),
    }


def approve_action_values(auth: tx_pb2.EvmSignature, action_id: int) -> dict[str, Value]:
    """The fields of ApproveAction and of RejectAction (the same fields, another type)."""
    return {"approver": auth.address, "actionId": int(action_id), **_auth(auth)}


def digest(chain_id: str, struct: StructType, values: Mapping[str, Value]) -> bytes:
    return eip712.digest(domain(chain_id), struct, values)


def wallet_json(chain_id: str, struct: StructType, values: Mapping[str, Value]) -> dict[str, Any]:
    """The ``eth_signTypedData_v4`` argument (and eth-account's ``full_message``)."""
    message = dict(values)
    for name, type_ in struct.fields:
        if type_ == "address":
            message[name] = checksum_address(str(message[name]))
    dom = domain(chain_id)
    return {
        "types": {
            "EIP712Domain": eip712.DOMAIN.as_json_types(),
            struct.name: struct.as_json_types(),
        },
        "primaryType": struct.name,
        "domain": {**dom, "salt": "0x" + bytes(dom["salt"]).hex()},  # type: ignore[arg-type]
        "message": message,
    }
