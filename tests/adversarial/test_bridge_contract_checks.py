"""Outsider cases at the bridge's EVM door, on a real anvil node: a configured flavour, mode,
address, chain or MPC key that does not match the contract makes the bridge refuse to start
with a message saying what to change, and nothing is forwarded, answered or written; forged
logs (another contract, a log for a request the contract never recorded) never make the
bridge forward or spend gas."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from eth_abi import encode as abi_encode
from eth_account import Account
from eth_utils import keccak

from evm_bridge.contract_check import ContractMismatch
from evm_bridge.gateway import MemoryGateway
from evm_bridge.state import DirLock
from evm_bridge.testing import (
    captured_logs,
    deploy_test_contract,
    emit_raw,
    network_entry,
    start_bridge,
    wait,
    write_key_files,
)
from zrchain.evm.events import KEY_REQUEST_TOPICS
from zrchain.evm.ids import EVM_WALLET_TYPE_ID, MPC_ROLE
from zrchain.testing.anvil import DEFAULT_PRIVATE_KEYS, AnvilNode
from zrchain.testing.node import zrchaind

pytestmark = [pytest.mark.evm, pytest.mark.usefixtures("needs_anvil")]

CHAIN = 11155111
CAIP = f"eip155:{CHAIN}"
MPC_KEY = keccak(text="adversarial-bridge-mpc-auth")
MPC = Account.from_key(MPC_KEY).address
RESPONDER = Account.from_key(DEFAULT_PRIVATE_KEYS[1]).address
PAY = 10**16


@pytest.fixture(scope="module")
def node() -> Iterator[AnvilNode]:
    with AnvilNode(CHAIN) as n:
        yield n


def _deploy(node: AnvilNode, flavour: str, direct: bool = False, mpc: str = MPC) -> Any:
    return deploy_test_contract(
        node, flavour=flavour, direct=direct, mpc_signers=[mpc], chains=[CAIP], resp_gas=200_000
    )


def _key_request_log(owner: str) -> tuple[list[bytes], bytes]:
    """Topics and data of a well-formed ZrKeyRequest(EVM type, owner, index 0) log."""
    topics = [
        bytes.fromhex(KEY_REQUEST_TOPICS["head"][2:]),
        EVM_WALLET_TYPE_ID,
        bytes(12) + bytes.fromhex(owner[2:]),
        bytes(32),
    ]
    return topics, abi_encode(["uint8", "uint256", "uint256"], [1, PAY, 10**14])


def _refused(
    node: AnvilNode, tmp_path: Path, entry: dict[str, Any], *phrases: str
) -> MemoryGateway:
    """Start must raise ContractMismatch naming `phrases`; nothing forwarded, answered or
    written, and the state directory is left unlocked."""
    gw = MemoryGateway()
    nonce = node.web3().eth.get_transaction_count(RESPONDER)
    with pytest.raises(ContractMismatch) as info:
        start_bridge(tmp_path, [entry], gw)
    for phrase in phrases:
        assert phrase in str(info.value), str(info.value)
    assert gw.log == [] and gw.block == 0
    assert node.web3().eth.get_transaction_count(RESPONDER) == nonce
    state_dir = tmp_path / "state"
    assert [p.name for p in state_dir.iterdir()] == [".lock"]
    lock = DirLock(state_dir)
    lock.acquire()  # released by the refusing start
    lock.release()
    return gw


@pytest.mark.parametrize(
    ("deployed", "configured"), [("zrchain", "zrsign-v1"), ("zrsign-v1", "zrchain")]
)
def test_flavour_mismatch_is_refused_at_start(
    node: AnvilNode, tmp_path: Path, deployed: str, configured: str
) -> None:
    c = _deploy(node, deployed, direct=True)
    alice = Account.from_key(DEFAULT_PRIVATE_KEYS[2])
    c.zr_key_req(alice.address, sender=alice, value=PAY)  # waiting for an answer
    node.mine(3)
    entry = network_entry(
        node, c, CAIP, flavour=configured, mode="direct", **write_key_files(tmp_path, MPC_KEY)
    )
    _refused(node, tmp_path, entry, f"is a {deployed} contract", f'set flavour = "{deployed}"')
    assert c.wallet_registry(EVM_WALLET_TYPE_ID, 0, alice.address).status == 1
    assert c.zr_keys(EVM_WALLET_TYPE_ID, alice.address) == []


@pytest.mark.parametrize(("deployed_direct", "mode"), [(True, "omni"), (False, "direct")])
def test_mode_mismatch_on_our_contract_is_refused(
    node: AnvilNode, tmp_path: Path, deployed_direct: bool, mode: str
) -> None:
    c = _deploy(node, "zrchain", direct=deployed_direct)
    entry = network_entry(node, c, CAIP, mode=mode, **write_key_files(tmp_path, MPC_KEY))
    deployed = "Direct" if deployed_direct else "Omni"
    _refused(node, tmp_path, entry, f"deployed in {deployed} mode", f'mode = "{mode}"')


def test_wrong_address_is_refused(node: AnvilNode, tmp_path: Path) -> None:
    eoa = Account.create().address
    entry = network_entry(node, _deploy(node, "zrsign-v1"), CAIP)
    entry.update(contract=eoa, **write_key_files(tmp_path, MPC_KEY))
    _refused(node, tmp_path, entry, "there is no contract at this address")
    # Code that answers every call with 32 zero bytes is not a zrSign contract either.
    node.rpc("anvil_setCode", [eoa, "0x60206000f3"])
    _refused(node, tmp_path, entry, "is not a zrSign contract")


def test_wrong_chain_is_refused(node: AnvilNode, tmp_path: Path) -> None:
    c = _deploy(node, "zrchain")
    _refused(node, tmp_path, network_entry(node, c, "eip155:1"), "serves chain id 11155111")


@pytest.mark.parametrize("flavour", ["zrchain", "zrsign-v1"])
def test_mpc_key_without_mpc_role_is_refused(node: AnvilNode, tmp_path: Path, flavour: str) -> None:
    c = _deploy(node, flavour, direct=True, mpc=Account.create().address)
    keys = write_key_files(tmp_path, MPC_KEY)
    mode = "direct"
    _refused(node, tmp_path, network_entry(node, c, CAIP, mode=mode, **keys), "MPC_ROLE", MPC)
    assert not c.has_role(MPC_ROLE, MPC)


def test_cli_start_refuses_with_a_clear_message(node: AnvilNode, tmp_path: Path) -> None:
    """`zrchaind evm-bridge start` exits 1 with the reason, before contacting zrChain."""
    c = _deploy(node, "zrsign-v1")
    keys = write_key_files(tmp_path, MPC_KEY)
    lines = [
        "[zrchain]",
        'node = "tcp://127.0.0.1:9"',  # nothing listens: zrChain is never reached
        'signer = "relayer"',
        "[bridge]",
        f'state_dir = "{tmp_path / "state"}"',
        "[[networks]]",
    ]
    entry = network_entry(node, c, CAIP, flavour="zrchain", **keys)
    lines += [f"{k} = {json.dumps(v)}" for k, v in entry.items()]
    config = tmp_path / "bridge.toml"
    config.write_text("\n".join(lines) + "\n")
    started = time.monotonic()
    res = zrchaind("evm-bridge", "start", "--config", str(config), check=False)
    assert res.returncode == 1, res.stderr
    assert "is a zrsign-v1 contract" in res.stderr
    assert 'set flavour = "zrsign-v1"' in res.stderr
    assert time.monotonic() - started < 60  # no wait for the (absent) zrChain node


@pytest.mark.parametrize("flavour", ["zrchain", "zrsign-v1"])
def test_forged_logs_are_never_forwarded_or_answered(
    node: AnvilNode, tmp_path: Path, flavour: str
) -> None:
    """Requests on a look-alike contract and logs from an address with forged code are not
    the watched contract's: nothing reaches zrChain and nothing is answered."""
    c = _deploy(node, flavour, direct=True)
    fake = _deploy(node, flavour, direct=True)  # an attacker's copy, same ABI and roles
    alice = Account.from_key(DEFAULT_PRIVATE_KEYS[2])
    forged_owner = Account.create().address
    gw = MemoryGateway()
    keys = write_key_files(tmp_path, MPC_KEY)
    with captured_logs() as records:
        bridge = start_bridge(tmp_path, [network_entry(node, c, CAIP, mode="direct", **keys)], gw)
        try:
            fake.zr_key_req(alice.address, sender=alice, value=PAY)
            emit_raw(node, Account.create().address, *_key_request_log(forged_owner))
            node.mine(4)
            wait(lambda: records.named("caught_up"), what="caught up")
            time.sleep(1.0)
        finally:
            bridge.stop()
    assert gw.log == []
    assert c.zr_keys(EVM_WALLET_TYPE_ID, alice.address) == []
    assert fake.zr_keys(EVM_WALLET_TYPE_ID, alice.address) == []
    assert not records.named("ingested") and not records.named("key_response")


def test_a_log_for_a_request_the_contract_never_recorded_is_not_answered(
    node: AnvilNode, tmp_path: Path
) -> None:
    """A lying node (or emitted garbage) can make the bridge forward a key request, but the
    responder reads the contract first: no slot, no gas spent; the follow-up is dead-lettered
    with the reason."""
    c = _deploy(node, "zrsign-v1")
    ghost = Account.create().address
    gw = MemoryGateway()
    nonce = node.web3().eth.get_transaction_count(RESPONDER)
    keys = write_key_files(tmp_path, MPC_KEY)
    with captured_logs() as records:
        bridge = start_bridge(tmp_path, [network_entry(node, c, CAIP, **keys)], gw)
        try:
            emit_raw(node, c.address, *_key_request_log(ghost))
            node.mine(4)
            wait(lambda: records.named("response_refused"), what="dead letter")
        finally:
            bridge.stop()
    (refused,) = records.named("response_refused")
    assert refused.fields["error"] == "NotRequested"
    assert node.web3().eth.get_transaction_count(RESPONDER) == nonce
    assert c.zr_keys(EVM_WALLET_TYPE_ID, ghost) == []
