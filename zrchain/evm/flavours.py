"""The zrSign contract flavours the bridge speaks, and how each is recognised on chain.

* ``zrchain``: our contract (contracts/ZrSign.sol). authSignatures are bound to
  ``authDomain() = keccak256(abi.encode(chainid, address))``; its refund meters gas from the
  response's own entry, so any gas limit works; Omni mode needs no on-chain key response.
* ``zrsign-v1``: zrSign as deployed today. authSignatures start with the constant
  ``SRC_CHAIN_ID``; the refund computes ``respGas - gasleft()`` with checked arithmetic, so a
  response must be sent with a gas limit no higher than the contract's ``respGas``; signature
  requests need a key slot registered by ``zrKeyRes``, in Omni mode too.

docs/evm-bridge.md records the facts and where they come from. ``detect_flavour`` (which
asks a deployed contract) is in ``zrchain.evm.contract``.
"""

from __future__ import annotations

import enum

from zrchain.evm.ids import SRC_CHAIN_ID, auth_domain


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
