"""The responder under failure, on a real anvil node with both contract flavours: a refused
answer is dead-lettered once with the decoded custom error and nothing more is sent until an
operator requeues it; a pause is waited out; a response is never sent twice across a restart,
a node that lost it, a reorg, or two bridges; the gas limit never exceeds a zrsign-v1
contract's respGas."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from eth_account import Account
from eth_utils import keccak
from web3.exceptions import TransactionNotFound

from evm_bridge.config import parse_config
from evm_bridge.daemon import requeue_dead_letters, status
from evm_bridge.gateway import MemoryGateway
from evm_bridge.state import StateStore, state_file
from evm_bridge.testing import (
    captured_logs,
    deploy_test_contract,
    network_entry,
    start_bridge,
    wait,
    write_key_files,
)
from zrchain.evm.events import ZrKeyResolveEvent
from zrchain.evm.ids import EVM_WALLET_TYPE_ID, MPC_ROLE, PAUSER_ROLE
from zrchain.testing.anvil import DEFAULT_PRIVATE_KEYS, AnvilNode

pytestmark = [pytest.mark.evm, pytest.mark.usefixtures("needs_anvil")]

CHAIN = 11155111
CAIP = f"eip155:{CHAIN}"
MPC_KEY = keccak(text="adversarial-responder-mpc-auth")
MPC = Account.from_key(MPC_KEY).address
ADMIN = Account.from_key(DEFAULT_PRIVATE_KEYS[0])
RESPONDER = Account.from_key(DEFAULT_PRIVATE_KEYS[1]).address
RESP_GAS = 200_000
PAY = 10**16
FLAVOURS = ["zrchain", "zrsign-v1"]


@pytest.fixture
def node() -> Iterator[AnvilNode]:
    with AnvilNode(CHAIN) as n:
        yield n


class Setup:
    """A Direct-answered contract of one flavour, the bridge's config entry and zrChain."""

    def __init__(self, node: AnvilNode, tmp: Path, flavour: str, **net: Any) -> None:
        self.node, self.tmp = node, tmp
        self.c = deploy_test_contract(
            node, flavour=flavour, direct=True, mpc_signers=[MPC], chains=[CAIP], resp_gas=RESP_GAS
        )
        self.entry = network_entry(
            node, self.c, CAIP, mode="direct", **write_key_files(tmp, MPC_KEY), **net
        )
        self.gw = MemoryGateway()
        self.alice = Account.from_key(DEFAULT_PRIVATE_KEYS[2])

    def start(self, name: str = "state") -> Any:
        return start_bridge(self.tmp, [self.entry], self.gw, name)

    def request_key(self) -> None:
        self.c.zr_key_req(self.alice.address, sender=self.alice, value=PAY)
        self.node.mine(3)

    def nonce(self) -> int:
        return int(self.node.web3().eth.get_transaction_count(RESPONDER))

    def registered(self) -> list[str]:
        return self.c.zr_keys(EVM_WALLET_TYPE_ID, self.alice.address)

    def resolves(self) -> list[Any]:
        return [e for e in self.c.get_events(0) if isinstance(e, ZrKeyResolveEvent)]

    def status(self, name: str = "state") -> dict[str, Any]:
        config = parse_config(
            {
                "zrchain": {"signer": "unused"},
                "bridge": {"state_dir": str(self.tmp / name)},
                "networks": [self.entry],
            }
        )
        (entry,) = status(config)
        return entry


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_refused_answer_is_reported_once_and_dead_lettered(
    node: AnvilNode, tmp_path: Path, flavour: str
) -> None:
    s = Setup(node, tmp_path, flavour)
    with captured_logs() as records:
        bridge = s.start()
        try:
            s.c.revoke_role(MPC_ROLE, MPC, sender=ADMIN)  # after the start-up check passed
            nonce = s.nonce()
            s.request_key()
            wait(lambda: records.named("response_refused"), what="refusal")
            node.mine(3)
            time.sleep(1.5)  # further steps send nothing and report nothing more
        finally:
            bridge.stop()
    (refused,) = records.named("response_refused")
    assert refused.fields["error"] == "AccessControlUnauthorizedAccount"
    assert not records.named("response_retry")
    assert s.nonce() == nonce and s.registered() == []
    assert s.c.wallet_registry(EVM_WALLET_TYPE_ID, 0, s.alice.address).status == 1
    entry = s.status()
    assert entry["stats"]["responses_sent"] == 0 and entry["stats"]["responses_refused"] == 1
    (dead,) = entry["dead_letters"]
    assert dead["error"] == "AccessControlUnauthorizedAccount"
    assert "zrKeyRes reverted" in dead["reason"] and MPC_ROLE.hex() in dead["reason"]
    assert entry["open_follow_ups"] == 0

    # The operator fixes the cause and requeues: answered exactly once.
    s.c.grant_role(MPC_ROLE, MPC, sender=ADMIN)
    assert requeue_dead_letters(parse_config(_doc(s))) == {CAIP: 1}
    bridge = s.start()
    try:
        wait(lambda: s.registered(), what="answered after requeue")
        node.mine(3)
        wait(lambda: s.status()["stats"]["responses_accepted"] == 1, what="accepted")
    finally:
        bridge.stop()
    assert s.nonce() == nonce + 1 and len(s.resolves()) == 1
    assert s.status()["dead_letters"] == []


def _doc(s: Setup) -> dict[str, Any]:
    return {
        "zrchain": {"signer": "unused"},
        "bridge": {"state_dir": str(s.tmp / "state")},
        "networks": [s.entry],
    }


def test_requeue_refuses_while_a_bridge_runs(node: AnvilNode, tmp_path: Path) -> None:
    s = Setup(node, tmp_path, "zrsign-v1")
    bridge = s.start()
    try:
        with pytest.raises(RuntimeError, match="in use by another bridge"):
            requeue_dead_letters(parse_config(_doc(s)))
    finally:
        bridge.stop()


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_paused_contract_is_waited_out_not_dead_lettered(
    node: AnvilNode, tmp_path: Path, flavour: str
) -> None:
    s = Setup(node, tmp_path, flavour)
    s.c.grant_role(PAUSER_ROLE, ADMIN.address, sender=ADMIN)
    with captured_logs() as records:
        bridge = s.start()
        try:
            s.request_key()
            s.c.pause(sender=ADMIN)
            wait(lambda: len(records.named("response_retry")) >= 2, what="retries")
            assert "EnforcedPause" in records.named("response_retry")[0].getMessage()
            assert s.status()["retrying"][0]["attempts"] >= 1
            s.c.unpause(sender=ADMIN)
            wait(lambda: s.registered(), timeout=60, what="answered after unpause")
        finally:
            bridge.stop()
    assert not records.named("response_refused") and s.status()["dead_letters"] == []
    assert len(s.resolves()) == 1


def test_response_pending_at_a_restart_and_lost_by_the_node_is_sent_once(
    node: AnvilNode, tmp_path: Path
) -> None:
    s = Setup(node, tmp_path, "zrsign-v1")
    nonce = s.nonce()
    node.rpc("evm_setAutomine", [False])  # blocks are mined by hand from here on
    tx = s.c.contract.functions.zrKeyReq((s.alice.address, EVM_WALLET_TYPE_ID, 1))
    sent = tx.build_transaction(
        {
            "from": s.alice.address,
            "value": PAY,
            "nonce": node.web3().eth.get_transaction_count(s.alice.address),
            "gas": 300_000,
        }
    )
    node.web3().eth.send_raw_transaction(s.alice.sign_transaction(sent).raw_transaction)
    node.mine(3)
    path = state_file(tmp_path / "state", CAIP, s.c.address)

    def recorded() -> dict[str, Any] | None:
        state = StateStore(path).load()
        return state.responses[0].get("sent") if state and state.responses else None

    bridge = s.start()
    try:
        first = wait(recorded, what="the response signed and recorded")
    finally:
        bridge.stop()  # "crash" with the response pending in the node's mempool
    node.rpc("anvil_dropTransaction", [first["tx"]])  # ... and the node loses it
    assert s.registered() == [] and s.nonce() == nonce
    bridge = s.start()
    try:
        wait(lambda: _in_mempool(node, first["tx"]), what="the same bytes rebroadcast")
        node.mine(1)
        wait(lambda: s.registered(), what="registered")
        node.mine(3)
        wait(lambda: s.status()["stats"]["responses_accepted"] == 1, what="accepted")
    finally:
        bridge.stop()
        node.rpc("evm_setAutomine", [True])
    assert s.nonce() == nonce + 1 and len(s.resolves()) == 1
    assert node.web3().eth.get_transaction_receipt(first["tx"])["status"] == 1
    assert s.status()["stats"]["responses_sent"] == 1


def _in_mempool(node: AnvilNode, tx_hash: str) -> bool:
    try:
        return node.web3().eth.get_transaction(tx_hash) is not None
    except TransactionNotFound:
        return False


def test_response_dropped_by_a_reorg_is_sent_again_and_lands_once(
    node: AnvilNode, tmp_path: Path
) -> None:
    s = Setup(node, tmp_path, "zrsign-v1", confirmations=4)
    nonce = s.nonce()
    with captured_logs() as records:
        bridge = s.start()
        try:
            s.c.zr_key_req(s.alice.address, sender=s.alice, value=PAY)
            node.mine(4)
            wait(lambda: s.registered(), what="first answer mined")
            node.rpc("anvil_reorg", [1, []])  # its block is replaced, the answer is gone
            wait(lambda: s.registered(), what="answered again")
            node.mine(4)
            wait(lambda: records.named("key_response"), what="accepted")
        finally:
            bridge.stop()
    assert len(records.named("key_response")) == 1
    assert s.nonce() == nonce + 1 and len(s.resolves()) == 1
    assert not records.named("response_refused")


def test_two_bridges_answer_once(node: AnvilNode, tmp_path: Path) -> None:
    s = Setup(node, tmp_path, "zrsign-v1")
    other_key = tmp_path / "other-responder.key"
    other_key.write_text(DEFAULT_PRIVATE_KEYS[3])
    twin = {**s.entry, "responder_key_file": str(other_key)}
    one = s.start("one")
    two = start_bridge(tmp_path, [twin], s.gw, "two")
    try:
        s.request_key()
        wait(lambda: s.registered(), what="registered")
        node.mine(3)
        time.sleep(1.5)
    finally:
        one.stop()
        two.stop()
    assert len(s.resolves()) == 1
    for name in ("one", "two"):
        entry = s.status(name)
        assert entry["dead_letters"] == [] and entry["open_follow_ups"] == 0
    sent = sum(s.status(n)["stats"]["responses_sent"] for n in ("one", "two"))
    accepted = sum(s.status(n)["stats"]["responses_accepted"] for n in ("one", "two"))
    assert accepted == 1 and sent <= 2  # a lost race costs at most one refused transaction


def test_gas_limit_is_the_contracts_resp_gas_never_more(node: AnvilNode, tmp_path: Path) -> None:
    s = Setup(node, tmp_path, "zrsign-v1", response_gas=900_000)  # asks for more: capped
    s.c.update_resp_gas(180_000, sender=ADMIN)  # the fee manager changes it on chain
    with captured_logs() as records:
        bridge = s.start()
        try:
            s.request_key()
            wait(lambda: s.registered(), what="registered")
            node.mine(3)
            (answer,) = wait(lambda: records.named("key_response"), what="accepted")
            # respGas below what a response needs: refused before anything is sent.
            s.c.update_resp_gas(40_000, sender=ADMIN)
            nonce = s.nonce()
            bob = Account.from_key(DEFAULT_PRIVATE_KEYS[3])
            s.c.zr_key_req(bob.address, sender=bob, value=PAY)
            node.mine(3)
            wait(lambda: records.named("response_refused"), what="refused")
        finally:
            bridge.stop()
    assert answer.fields["gas_limit"] == 180_000 and answer.fields["gas_used"] < 180_000
    tx = node.web3().eth.get_transaction(answer.fields["evm_tx"])
    assert tx["gas"] == 180_000
    assert s.nonce() == nonce
    dead = s.status()["dead_letters"]
    assert len(dead) == 1 and json.dumps(dead)  # shown by status, with its reason
