"""Fixtures: one in-process EVM (eth-tester + py-evm) with an Omni and a Direct ZrSign deployed.

Each test runs against a snapshot of that chain, reverted afterwards, so tests are isolated
and the deployment happens once per module.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest

pytest.importorskip("eth_tester", reason="needs web3[tester] (eth-tester + py-evm)")

from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_utils import keccak
from web3 import EthereumTesterProvider, Web3

from zrchain.evm import (
    BTC_TESTNET_WALLET_TYPE_ID,
    EVM_WALLET_TYPE_ID,
    SOLANA_WALLET_TYPE_ID,
    ZrSignContract,
    ZrSignRevert,
)

SEPOLIA = "eip155:11155111"
AMOY = "eip155:80002"
BTC_TESTNET = "bip122:000000000933ea01ad0ee984209779ba"
SOLANA_DEVNET = "solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1"

MPC_FEE = 5 * 10**14
RESP_GAS = 200_000
RESP_GAS_BUFFER = 120
#: Deterministic auth key of the worked example in docs/evm-bridge.md (address 0x334D…7329).
MPC_KEY = keccak(text="zrsign-example-mpc-auth")


@dataclass
class Env:
    """The chain, its named accounts and the two deployments."""

    w3: Web3
    tester: Any
    admin: str
    fee: str
    pauser: str
    alice: str
    bob: str
    relayer: str
    outsider: str
    mpc: LocalAccount
    omni: ZrSignContract
    direct: ZrSignContract

    def balance(self, account: str) -> int:
        return int(self.w3.eth.get_balance(account))  # type: ignore[arg-type]

    def base_fee(self, block_number: int) -> int:
        return int(self.w3.eth.get_block(block_number)["baseFeePerGas"])


def _deploy(w3: Web3, admin: str, fee: str, pauser: str, mpc: str, direct: bool) -> ZrSignContract:
    c = ZrSignContract.deploy(w3, sender=admin, direct_mode=direct)
    c.setup(
        admin=admin,
        fee_manager=fee,
        mpc_signers=[mpc],
        pauser=pauser,
        wallet_types=[(44, 60), (44, 1), (44, 501)],
        chains={
            EVM_WALLET_TYPE_ID: [SEPOLIA, AMOY],
            BTC_TESTNET_WALLET_TYPE_ID: [BTC_TESTNET],
            SOLANA_WALLET_TYPE_ID: [SOLANA_DEVNET],
        },
        mpc_fee=MPC_FEE,
        resp_gas=RESP_GAS,
        resp_gas_buffer=RESP_GAS_BUFFER,
    )
    return c


@pytest.fixture(scope="module")
def _chain() -> Env:
    w3 = Web3(EthereumTesterProvider())
    admin, fee, pauser, alice, bob, relayer, outsider = w3.eth.accounts[:7]
    mpc = Account.from_key(MPC_KEY)
    return Env(
        w3=w3,
        tester=w3.provider.ethereum_tester,  # type: ignore[attr-defined]
        admin=admin,
        fee=fee,
        pauser=pauser,
        alice=alice,
        bob=bob,
        relayer=relayer,
        outsider=outsider,
        mpc=mpc,
        omni=_deploy(w3, admin, fee, pauser, mpc.address, direct=False),
        direct=_deploy(w3, admin, fee, pauser, mpc.address, direct=True),
    )


@pytest.fixture
def env(_chain: Env) -> Iterator[Env]:
    snapshot = _chain.tester.take_snapshot()
    try:
        yield _chain
    finally:
        _chain.tester.revert_to_snapshot(snapshot)


@contextmanager
def _reverts(name: str, *args: Any) -> Iterator[pytest.ExceptionInfo[ZrSignRevert]]:
    with pytest.raises(ZrSignRevert) as info:
        yield info
    assert info.value.name == name, f"expected {name}{args}, got {info.value}"
    if args:
        assert info.value.args_ == args, f"expected {name}{args}, got {info.value}"


@pytest.fixture
def reverts() -> Any:
    """`with reverts("ErrorName", *args):` expects a ZrSignRevert with that error."""
    return _reverts
