"""Deploy the test contract that follows the deployed zrSign's rules (contracts/test/ZrSignV1.sol).

zrSign's deployment module creates a proxy whose creation calls `initializeV1()` from the
deployer; without a proxy the same happens in two transactions from the same account.
"""

from __future__ import annotations

from web3 import Web3

from zrchain.evm.artifact import V1_ARTIFACT_PATH, Artifact, load_artifact
from zrchain.evm.contract import Sender, ZrSignContract, ZrSignRevert, _address_of, _send
from zrchain.evm.flavours import Flavour


def v1_artifact() -> Artifact:
    return load_artifact(V1_ARTIFACT_PATH)


def deploy_zrsign_v1(w3: Web3, *, sender: Sender) -> ZrSignContract:
    """Deploy and initialise a ZrSignV1; `sender` becomes its admin. The wrapper uses our
    contract's ABI (a superset of zrSign's) so calls to functions only ours has revert the way
    they would on zrSign."""
    art = v1_artifact()
    factory = w3.eth.contract(abi=art.abi, bytecode=art.bytecode)
    receipt = _send(w3, factory.constructor(), sender, value=0, gas=None)
    if receipt["status"] != 1 or not receipt.get("contractAddress"):
        raise ZrSignRevert("DeploymentFailed")
    contract = ZrSignContract(w3, receipt["contractAddress"], flavour=Flavour.ZRSIGN_V1)
    contract.transact("initializeV1", sender=sender)
    assert contract.has_role(b"\x00" * 32, _address_of(sender))
    return contract
