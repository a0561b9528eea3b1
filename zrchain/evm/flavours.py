"""The zrSign contract flavours the bridge speaks, and how each is recognised on chain.

* ``zrchain``: our contract (contracts/ZrSign.sol). authSignatures are bound to
  ``authDomain() = keccak256(abi.encode(chainid, address))``; its refund meters gas from the
  response's own entry, so any gas limit works; Omni mode needs no on-chain key response.
* ``zrsign-v1``: zrSign as deployed today. authSignatures start with the constant
  ``SRC_CHAIN_ID``; the refund computes ``respGas - gasleft()`` with checked arithmetic, so a
  response must be sent with a gas limit no higher than the contract's ``respGas``; signature
  requests need a key slot registered by ``zrKeyRes``, in Omni mode too.

docs/evm-bridge.md records the facts and where they come from.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

from web3.exceptions import BadFunctionCallOutput

from zrchain.evm.contract import MPC_ROLE, SRC_CHAIN_ID, ZrSignRevert, auth_domain

if TYPE_CHECKING:
    from zrchain.evm.contract import ZrSignContract


class Flavour(enum.Enum):
    ZRCHAIN = "zrchain"
    ZRSIGN_V1 = "zrsign-v1"

    def auth_domain(self, chain_id: int, contract: str) -> bytes:
        """The first word of an authSignature payload on this flavour's contract."""
        if self is Flavour.ZRCHAIN:
            return auth_domain(chain_id, contract)
        return SRC_CHAIN_ID

    @property
    def gas_limited_by_resp_gas(self) -> bool:
        """A response must not be sent with more gas than the contract's `respGas`."""
        return self is Flavour.ZRSIGN_V1

    @property
    def keys_registered_in_omni(self) -> bool:
        """Signature requests need the key registered by `zrKeyRes` even in Omni mode."""
        return self is Flavour.ZRSIGN_V1


FLAVOURS = tuple(f.value for f in Flavour)


def detect_flavour(contract: ZrSignContract) -> Flavour | None:
    """Which flavour the contract at `contract.address` is (None: not a zrSign contract).

    Both flavours answer `MPC_ROLE()` and `SRC_CHAIN_ID()` with zrSign's constants; only ours
    has `authDomain()`, and it answers with this chain's and address's domain. Transport
    errors propagate: they say nothing about the contract.
    """
    try:
        role = bytes(contract.call("MPC_ROLE"))
        src = bytes(contract.call("SRC_CHAIN_ID"))
        contract.call("getRespGas")
    except (ZrSignRevert, BadFunctionCallOutput):
        return None
    if role != MPC_ROLE or src != SRC_CHAIN_ID:
        return None
    try:
        domain = bytes(contract.call("authDomain"))
    except (ZrSignRevert, BadFunctionCallOutput):
        return Flavour.ZRSIGN_V1
    if domain == auth_domain(contract.w3.eth.chain_id, contract.address):
        return Flavour.ZRCHAIN
    return None
