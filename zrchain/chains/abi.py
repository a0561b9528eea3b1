"""Solidity ABI encoding and decoding: eth_abi's, imported on first use.

eth_abi and the eth_utils it imports cost ~0.4 s of imports, and every zrchaind command
is a new process that mostly never encodes a word of ABI.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def encode(types: Sequence[str], values: Sequence[Any]) -> bytes:
    """``abi.encode(values…)`` of the Solidity ``types``."""
    from eth_abi import encode as abi_encode

    return abi_encode(types, values)


def decode(types: Sequence[str], data: bytes) -> tuple[Any, ...]:
    """The values ``abi.encode`` wrote for ``types``; eth_abi's errors on malformed data."""
    from eth_abi import decode as abi_decode

    return tuple(abi_decode(types, data))
