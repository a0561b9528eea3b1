"""The start-up check of each watched contract: is it there, is it the configured flavour, in
the configured mode, and can the bridge's MPC key answer it?

A mismatch found here would otherwise fail every response (or, for a wrong address, forward
nothing), so the bridge refuses to start with a message that says what to change.
"""

from __future__ import annotations

from eth_account import Account
from eth_utils import to_checksum_address
from web3 import Web3

from evm_bridge.config import ConfigError, NetworkConfig
from zrchain.evm.contract import ZrSignContract, detect_flavour
from zrchain.evm.flavours import Flavour
from zrchain.evm.ids import MPC_ROLE

_WHY = {
    Flavour.ZRCHAIN: "it has authDomain(), which only our contract has",
    Flavour.ZRSIGN_V1: "it answers as zrSign does but has no authDomain()",
}


class ContractMismatch(ConfigError):
    """The contract at the configured address does not match the network's configuration."""


def check_contract(net: NetworkConfig, w3: Web3) -> ZrSignContract:
    """The contract wrapper for `net`, or ContractMismatch. Transport errors propagate."""
    flavour = Flavour(net.flavour)
    where = f"{net.label}: contract {net.contract}"
    chain_id = int(w3.eth.chain_id)
    if net.evm_chain_id is not None and chain_id != net.evm_chain_id:
        raise ContractMismatch(
            f"{net.label}: {net.rpc_url} serves chain id {chain_id}, not {net.caip2}"
        )
    if not bytes(w3.eth.get_code(to_checksum_address(net.contract))):
        raise ContractMismatch(f"{where}: there is no contract at this address on {net.caip2}")
    contract = ZrSignContract(w3, net.contract, flavour=flavour)
    found = detect_flavour(contract)
    if found is None:
        raise ContractMismatch(
            f"{where} is not a zrSign contract (MPC_ROLE(), SRC_CHAIN_ID() and getRespGas() "
            "do not answer as zrSign's do)"
        )
    if found is not flavour:
        raise ContractMismatch(
            f"{where} is a {found.value} contract ({_WHY[found]}), but the config says "
            f'flavour = "{flavour.value}"; set flavour = "{found.value}"'
        )
    if flavour is Flavour.ZRCHAIN and contract.is_direct_mode() != net.direct:
        deployed = "Direct" if contract.is_direct_mode() else "Omni"
        raise ContractMismatch(
            f'{where} was deployed in {deployed} mode, but the config says mode = "{net.mode}"'
        )
    if net.writes_back:
        key = net.mpc_key()
        assert key is not None  # the config requires it
        mpc = Account.from_key(key).address
        if not contract.has_role(MPC_ROLE, mpc):
            raise ContractMismatch(
                f"{where}: the MPC key {mpc} does not hold MPC_ROLE, so every response would be "
                f"refused; grant it (grantRole(MPC_ROLE, {mpc})) or configure the right key"
            )
    return contract
