"""zrSignSimpleTx: the `(to, value, data)` payload and the unsigned EIP-1559 transaction
zrChain signs for it. One builder for both ingestion paths: the relayer converts with what
it reads at conversion time (evm_bridge/daemon.py), the attested path with a quote the
validators agreed on at a block the chain designated (docs/attestation.md, *Simple-tx
quotes*); given the same nonce, fees and gas, both produce the same bytes."""

from __future__ import annotations

from dataclasses import dataclass

from zrchain.chains import abi
from zrchain.chains.evm import canonical_address, checksum_address, is_address_text
from zrchain.codec import rlp
from zrchain.evm.ids import SIMPLE_TX_SELECTOR

#: Gas of a plain value transfer (the yellow paper's G_transaction).
TX_BASE_GAS = 21_000
#: Calldata gas per zero / non-zero byte (EIP-2028).
ZERO_BYTE_GAS, NONZERO_BYTE_GAS = 4, 16


@dataclass(frozen=True)
class SimpleTx:
    to: str
    value: int
    data: bytes


def decode_simple_tx(payload: bytes) -> SimpleTx:
    """`transaction(string to, uint256 value, bytes data)` calldata; raises ValueError."""
    if payload[:4] != SIMPLE_TX_SELECTOR:
        raise ValueError("simple-tx payload does not start with transaction(string,uint256,bytes)")
    try:
        to, value, data = abi.decode(["string", "uint256", "bytes"], payload[4:])
    except Exception as exc:
        raise ValueError(f"simple-tx payload is not ABI-encoded: {exc}") from None
    if not isinstance(to, str) or not is_address_text(to):
        raise ValueError(f"simple-tx recipient {to!r} is not an EVM address")
    return SimpleTx(checksum_address(to), int(value), bytes(data))


def eip1559_unsigned(
    chain_id: int,
    nonce: int,
    max_priority_fee: int,
    max_fee: int,
    gas: int,
    to: str,
    value: int,
    data: bytes,
) -> bytes:
    """0x02 || rlp([chainId, nonce, maxPriorityFee, maxFee, gas, to, value, data, []])."""
    to_bytes = canonical_address(to)
    fields: list[rlp.Encodable] = [
        chain_id, nonce, max_priority_fee, max_fee, gas, to_bytes, value, data, []
    ]  # fmt: skip
    return b"\x02" + rlp.encode(fields)


def simple_tx_unsigned(
    chain_id: int, simple: SimpleTx, *, nonce: int, base_fee: int, priority_fee: int, gas: int
) -> bytes:
    """The unsigned transaction for a simple-tx request: max fee = 2 x base fee + tip (room
    for the base fee to double before the transaction is mined)."""
    return eip1559_unsigned(
        chain_id, nonce, priority_fee, 2 * base_fee + priority_fee, gas, simple.to, simple.value,
        simple.data,
    )  # fmt: skip


def intrinsic_gas(data: bytes) -> int:
    """Gas a call costs before executing anything (base + calldata, EIP-2028): a pure
    function of the bytes, so every validator computes the same."""
    zeros = data.count(0)
    return TX_BASE_GAS + ZERO_BYTE_GAS * zeros + NONZERO_BYTE_GAS * (len(data) - zeros)


def rule_gas(data: bytes, call_gas: int) -> int:
    """The attested path's gas limit: 21000 for a plain transfer, else the intrinsic gas
    plus the chain's ``call_gas`` allowance (no estimate: eth_estimateGas differs between
    clients and versions, docs/attestation.md)."""
    return TX_BASE_GAS if not data else intrinsic_gas(data) + call_gas
