"""EIP-712 typed data: the digest a wallet signs (``eth_signTypedData_v4``) and the signer
it recovers to, for the few field types zrSign Omni's messages use (docs/zrsign-policies.md).

Types are declared as ``(name, [(field, type), ...])``. Supported field types: ``address``,
``bool``, ``string``, ``bytes32``, ``uint64``, ``uint256`` and ``string[]``; structs do not
nest. Tests check every digest against eth-account's ``encode_typed_data`` and anvil's
``eth_signTypedData_v4``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import coincurve

from zrchain.chains.errors import SignatureError
from zrchain.chains.evm import evm_address_lower, normalize_evm_address
from zrchain.chains.keys import SECP256K1_HALF_N
from zrchain.crypto.hashes import keccak256

Field = tuple[str, str]
Value = str | int | bool | bytes | Sequence[str]

_UINT_BITS = {"uint64": 64, "uint256": 256}


@dataclass(frozen=True)
class StructType:
    name: str
    fields: tuple[Field, ...]

    @property
    def encoded(self) -> str:
        return f"{self.name}(" + ",".join(f"{t} {n}" for n, t in self.fields) + ")"

    @property
    def type_hash(self) -> bytes:
        return keccak256(self.encoded.encode())

    def as_json_types(self) -> list[dict[str, str]]:
        """The ``types`` entry a wallet (``eth_signTypedData_v4``) is given."""
        return [{"name": n, "type": t} for n, t in self.fields]


DOMAIN = StructType(
    "EIP712Domain", (("name", "string"), ("version", "string"), ("salt", "bytes32"))
)


def _word(type_: str, value: Value) -> bytes:
    if type_ == "address":
        assert isinstance(value, str)
        return bytes(12) + bytes.fromhex(normalize_evm_address(value)[2:])
    if type_ == "bool":
        return int(bool(value)).to_bytes(32, "big")
    if type_ == "string":
        assert isinstance(value, str)
        return keccak256(value.encode())
    if type_ == "bytes32":
        assert isinstance(value, bytes) and len(value) == 32
        return value
    if type_ in _UINT_BITS:
        assert isinstance(value, int) and not isinstance(value, bool)
        if not 0 <= value < 2 ** _UINT_BITS[type_]:
            raise ValueError(f"{value} does not fit {type_}")
        return value.to_bytes(32, "big")
    if type_ == "string[]":
        assert isinstance(value, Sequence) and not isinstance(value, (str, bytes))
        return keccak256(b"".join(keccak256(str(v).encode()) for v in value))
    raise ValueError(f"unsupported EIP-712 field type {type_}")


def struct_hash(struct: StructType, values: Mapping[str, Value]) -> bytes:
    return keccak256(struct.type_hash + b"".join(_word(t, values[n]) for n, t in struct.fields))


def domain_values(name: str, version: str, salt: bytes) -> dict[str, Value]:
    return {"name": name, "version": version, "salt": salt}


def digest(domain: Mapping[str, Value], struct: StructType, values: Mapping[str, Value]) -> bytes:
    """keccak256(0x19 0x01 ‖ domainSeparator ‖ hashStruct(message))."""
    return keccak256(b"\x19\x01" + struct_hash(DOMAIN, domain) + struct_hash(struct, values))


def recover_signer(msg_digest: bytes, signature: bytes) -> str:
    """The lower-case address whose key made the 65-byte ``r‖s‖v`` signature (v 27/28 or
    0/1). High-s signatures are refused (EIP-2): one signature per message and key."""
    if len(signature) != 65:
        raise SignatureError(f"an EIP-712 signature is 65 bytes (r, s, v), got {len(signature)}")
    r = int.from_bytes(signature[:32], "big")
    s = int.from_bytes(signature[32:64], "big")
    v = signature[64]
    if v in (27, 28):
        v -= 27
    if v not in (0, 1):
        raise SignatureError(f"invalid signature recovery byte {signature[64]}")
    if r == 0 or s == 0 or s > SECP256K1_HALF_N:
        raise SignatureError("invalid signature: r or s out of range (high s is refused)")
    try:
        pub = coincurve.PublicKey.from_signature_and_message(
            signature[:64] + bytes([v]), msg_digest, hasher=None
        )
    except Exception as exc:  # coincurve raises plain Exceptions for unrecoverable input
        raise SignatureError(f"invalid signature: {exc}") from None
    return evm_address_lower(pub.format(compressed=False))
