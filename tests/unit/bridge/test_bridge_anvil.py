"""The bridge daemon (in-process threads) against real anvil nodes and our real contract, with
zrChain simulated by a MemoryGateway whose keys and signatures are real secp256k1 ones.

Covers what needs a real EVM node: anvil_reorg and snapshot/revert, garbage logs emitted at
the contract address, an RPC proxy that fails mid-range, Direct answers (zrKeyRes,
zrSignRes) and relaying a signed EIP-1559 transfer to another network. The Omni and Direct
flows run against both contract flavours: ours and the zrsign-v1 test contract that follows
the deployed zrSign's rules (Omni there writes key registrations back).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import coincurve
import pytest
from eth_account import Account
from eth_utils import keccak, to_checksum_address

from evm_bridge.gateway import MemoryGateway, ZrKey
from evm_bridge.ingest import eip1559_unsigned
from evm_bridge.testing import (
    FlakyProxy,
    Records,
    captured_logs,
    deploy_test_contract,
    emit_raw,
    start_bridge,
    wait,
    write_key_files,
)
from evm_bridge.testing import (
    network_entry as net,
)
from zrchain.chains.evm import evm_address, evm_sighash
from zrchain.evm.contract import SignParams
from zrchain.evm.events import ZrSigResolveEvent, event_topics
from zrchain.evm.ids import EVM_WALLET_TYPE_ID, caip2_chain_id, wallet_type_id
from zrchain.testing.anvil import DEFAULT_PRIVATE_KEYS, AnvilNode

pytestmark = [
    pytest.mark.evm,
    pytest.mark.usefixtures("needs_anvil"),
]

CHAIN_A, CHAIN_B = 11155111, 80002
CAIP_A, CAIP_B = f"eip155:{CHAIN_A}", f"eip155:{CHAIN_B}"
MPC_KEY = keccak(text="bridge-test-mpc-auth")
PAY = 10**16
FLAVOURS = ["zrchain", "zrsign-v1"]
RESP_GAS = 300_000


@pytest.fixture
def records() -> Iterator[Records]:
    with captured_logs() as handler:
        yield handler


@pytest.fixture
def anvils() -> Iterator[tuple[AnvilNode, AnvilNode]]:
    a, b = AnvilNode(CHAIN_A), AnvilNode(CHAIN_B)
    try:
        a.start()
        b.start()
        yield a, b
    finally:
        b.stop()
        a.stop()


def deploy(
    node: AnvilNode,
    direct: bool,
    extra_types: tuple[tuple[int, int], ...] = (),
    flavour: str = "zrchain",
) -> Any:
    """Our contract (Omni or Direct), or the zrsign-v1 test contract (no modes)."""
    return deploy_test_contract(
        node,
        flavour=flavour,
        direct=direct,
        mpc_signers=[Account.from_key(MPC_KEY).address],
        extra_types=extra_types,
        chains=[CAIP_A, CAIP_B],
        resp_gas=RESP_GAS,
    )


@pytest.fixture
def key_files(tmp_path: Path) -> dict[str, str]:
    return write_key_files(tmp_path, MPC_KEY)


class FakeKeyring:
    """Real secp256k1 keys per zrSign slot: what an MPC keyring would hold."""

    def __init__(self) -> None:
        self.secrets: dict[int, bytes] = {}

    def key(self, slot: tuple[str, str, int], rid: int) -> ZrKey:
        secret = keccak(text=f"mpc-{slot}")
        pub = coincurve.PrivateKey(secret).public_key.format(compressed=True)
        self.secrets[rid] = secret
        return ZrKey(rid, evm_address(pub), slot[2], pub)

    def sign(self, key_id: int, digest: bytes) -> bytes:
        return coincurve.PrivateKey(self.secrets[key_id]).sign_recoverable(digest, hasher=None)


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_omni_two_networks_key_harmonisation_and_reorg(
    anvils: tuple[AnvilNode, AnvilNode],
    tmp_path: Path,
    records: Records,
    flavour: str,
    key_files: dict[str, str],
) -> None:
    a, b = anvils
    ca, cb = deploy(a, False, flavour=flavour), deploy(b, False, flavour=flavour)
    alice = Account.from_key(DEFAULT_PRIVATE_KEYS[2])
    gw = MemoryGateway()
    keys = key_files if flavour == "zrsign-v1" else {}
    bridge = start_bridge(
        tmp_path,
        [
            net(a, ca, CAIP_A, confirmations=4, **keys),
            net(b, cb, CAIP_B, confirmations=4, **keys),
        ],
        gw,
    )
    try:
        ca.zr_key_req(alice.address, sender=alice, value=PAY)
        cb.zr_key_req(alice.address, sender=alice, value=PAY)
        a.mine(4)
        b.mine(4)
        wait(lambda: len(gw.created("key")) == 1 and len(gw.created("key-dup")) == 1, what="keys")
        assert gw.created("key") == [(alice.address.lower(), "60", 0)]
        # Reorg shallower than the confirmation depth: the request is replaced by nothing.
        bob = Account.from_key(DEFAULT_PRIVATE_KEYS[3])
        bob_tx = ca.zr_key_req(bob.address, sender=bob, value=PAY).tx_hash
        a.mine(1)
        wait(
            lambda: [r for r in records.named("pending") if r.fields["tx"] == bob_tx],
            what="pending log",
        )
        a.rpc("anvil_reorg", [3, []])
        a.mine(10)
        wait(
            lambda: [r for r in records.named("reorg_dropped") if r.fields["tx"] == bob_tx],
            what="reorg_dropped",
        )
        time.sleep(0.5)
        assert all(slot[0] != bob.address.lower() for slot in gw.key_requests)
        # Snapshot/revert (another kind of reorg) shallower than the depth.
        snap = a.rpc("evm_snapshot")
        ca.zr_key_req(bob.address, sender=bob, value=PAY)
        a.mine(1)
        a.rpc("evm_revert", [snap])
        a.mine(10)
        time.sleep(1.0)
        assert all(slot[0] != bob.address.lower() for slot in gw.key_requests)
        key = gw.zr_sign_key(alice.address, 60, 0)
        assert key is not None
        if flavour == "zrsign-v1":
            # (A's answer was mined before the reorg above dropped its block: it is sent again.)
            a.mine(4)
            b.mine(4)
            # Omni on zrsign-v1: the key registration is written back on both networks (the
            # contract takes signature requests for registered keys only) ...
            # Blocks keep coming while we wait, as on a live network: the bridge learns that
            # the reorg dropped its answer from the blocks after it (on a loaded machine its
            # check may come after the four blocks above).
            for c, node in ((ca, a), (cb, b)):

                def registered(c: Any = c, node: AnvilNode = node) -> Any:
                    node.mine(1)
                    return c.zr_keys(EVM_WALLET_TYPE_ID, alice.address)

                wait(registered, what="zrKeyRes")
                assert c.zr_keys(EVM_WALLET_TYPE_ID, alice.address) == [key.address]
        else:
            assert cb.zr_keys(EVM_WALLET_TYPE_ID, alice.address) == []
        # Signature request on B for the harmonised key (index 0, requested on A and B).
        cb.zr_sign_hash(
            SignParams(EVM_WALLET_TYPE_ID, 0, caip2_chain_id(CAIP_A), keccak(text="x")),
            sender=alice,
            value=PAY,
        )
        b.mine(4)
        wait(lambda: gw.created("sig") == [0], what="sig request")
        rid = gw.sign_requests[next(iter(gw.sign_requests))]
        gw.fulfil_signature(rid, b"\x01" * 65)
        a.mine(4)
        b.mine(4)
        if flavour == "zrsign-v1":
            wait(lambda: len(records.named("key_response")) == 2, what="answers confirmed")
        time.sleep(1.0)
    finally:
        bridge.stop()
    # ... while signatures stay on zrChain: nothing is answered on the contract.
    assert cb.request_state(0).status == 1
    assert not records.named("sig_response")
    assert len(records.named("key_response")) == (2 if flavour == "zrsign-v1" else 0)
    assert not records.named("error")
    assert not records.named("response_refused") and not records.named("response_retry")


def test_garbage_logs_failing_rpc_and_unsupported_wallet_type(
    anvils: tuple[AnvilNode, AnvilNode], tmp_path: Path, records: Records
) -> None:
    a, _ = anvils
    ca = deploy(a, False, extra_types=((44, 2),))
    alice = Account.from_key(DEFAULT_PRIVATE_KEYS[2])
    # History before the bridge starts: garbage, foreign logs and a Litecoin key request,
    # spread over many blocks so the backfill reads several ranges.
    topics = event_topics()
    emit_raw(a, ca.address, [bytes.fromhex(topics["ZrKeyRequest"][2:])], b"\x01\x02")
    emit_raw(
        a,
        ca.address,
        [bytes.fromhex(topics["ZrSigRequest"][2:]), b"\x00" * 32, b"\x11" * 32],
        b"garbage",
    )
    emit_raw(a, ca.address, [keccak(text="Transfer(address,address,uint256)")], b"")
    ca.zr_key_req(alice.address, wallet_type_id(44, 2), sender=alice, value=PAY)
    for _i in range(6):
        a.mine(7)
        ca.zr_key_req(alice.address, sender=alice, value=PAY)
    a.mine(3)
    proxy = FlakyProxy(a.url, fail_calls={2, 3, 5})
    gw = MemoryGateway()
    bridge = start_bridge(
        tmp_path, [{**net(a, ca, CAIP_A, max_block_range=8), "rpc_url": proxy.url}], gw
    )
    try:
        wait(lambda: len(gw.key_requests) == 6, what="six key requests")
        wait(lambda: records.named("caught_up"), what="caught up")
    finally:
        bridge.stop()
        proxy.close()
    assert proxy.failed == 3
    assert len(records.named("evm_rpc_error")) >= 3
    assert len(records.named("malformed_log")) == 2
    assert len(records.named("foreign_log")) == 1
    assert any("coin type 2" in r.getMessage() for r in records.named("skipped"))
    assert sorted(slot[2] for slot in gw.key_requests) == list(range(6))
    assert records.named("backfill") or records.named("caught_up")


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_direct_answers_and_relay_to_another_network(
    anvils: tuple[AnvilNode, AnvilNode],
    tmp_path: Path,
    records: Records,
    flavour: str,
    key_files: dict[str, str],
) -> None:
    a, b = anvils
    ca = deploy(a, True, flavour=flavour)
    cb = deploy(b, False)
    keyring = FakeKeyring()
    gw = MemoryGateway(key_factory=keyring.key)
    bridge = start_bridge(
        tmp_path, [net(a, ca, CAIP_A, mode="direct", **key_files), net(b, cb, CAIP_B)], gw
    )
    alice = Account.from_key(DEFAULT_PRIVATE_KEYS[2])
    try:
        ca.zr_key_req(alice.address, sender=alice, value=PAY)
        a.mine(2)
        wallet = wait(lambda: ca.zr_keys(EVM_WALLET_TYPE_ID, alice.address), what="zrKeyRes")
        key = gw.zr_sign_key(alice.address, 60, 0)
        assert key is not None and wallet == [key.address]
        assert ca.zr_key(EVM_WALLET_TYPE_ID, alice.address, 0) == key.address

        # zrSignHash -> zrChain request -> "keeper" signs -> zrSignRes on the contract.
        digest = keccak(text="hello zrSign")
        res = ca.zr_sign_hash(
            SignParams(EVM_WALLET_TYPE_ID, 0, caip2_chain_id(CAIP_A), digest),
            sender=alice,
            value=PAY,
        )
        trace = res.events[0].trace_id
        a.mine(2)
        rid = wait(lambda: [r for r, it in gw.sign_items.items() if it.trace_id == trace])[0]
        gw.fulfil_signature(rid, keyring.sign(key.key_id, digest))
        wait(lambda: ca.request_state(trace).status == 2, what="zrSignRes")
        resolve = [
            e
            for e in ca.get_events(0, "latest")
            if isinstance(e, ZrSigResolveEvent) and e.trace_id == trace
        ]
        assert len(resolve) == 1
        recovered = Account._recover_hash(digest, signature=resolve[0].signature)
        assert recovered == key.address

        # zrSignTx with broadcast: an EIP-1559 transfer from the MPC wallet on network B.
        w3b = b.web3()
        w3b.eth.send_transaction({"from": w3b.eth.accounts[0], "to": key.address, "value": 10**18})
        dest = to_checksum_address("0x" + "cd" * 20)
        base = int(w3b.eth.get_block("latest")["baseFeePerGas"])
        unsigned = eip1559_unsigned(CHAIN_B, 0, 10**9, 2 * base + 10**9, 21000, dest, 12345, b"")
        res = ca.zr_sign_tx(
            SignParams(EVM_WALLET_TYPE_ID, 0, caip2_chain_id(CAIP_B), unsigned, True),
            sender=alice,
            value=PAY,
        )
        trace = res.events[0].trace_id
        a.mine(2)
        rid = wait(lambda: [r for r, it in gw.sign_items.items() if it.trace_id == trace])[0]
        gw.fulfil_signature(rid, keyring.sign(key.key_id, evm_sighash(unsigned, CHAIN_B)))
        wait(lambda: w3b.eth.get_balance(dest) == 12345, what="relayed transfer")
        wait(lambda: ca.request_state(trace).status == 2, what="zrSignRes for the tx")
        relayed = records.named("relayed")
        assert len(relayed) == 1
        tx_hash = relayed[0].fields["dst_tx"]
        receipt = w3b.eth.get_transaction_receipt(tx_hash)
        assert receipt["status"] == 1 and receipt["from"] == key.address
        resolve = [
            e
            for e in ca.get_events(0, "latest")
            if isinstance(e, ZrSigResolveEvent) and e.trace_id == trace
        ]
        assert resolve[0].broadcast and resolve[0].meta_data.hex() == tx_hash[2:]
        # Answers count as accepted once as deep as the confirmation depth.
        a.mine(2)
        wait(lambda: len(records.named("sig_response")) == 2, what="answers confirmed")
    finally:
        bridge.stop()
    assert not records.named("error")
    assert not records.named("response_refused") and not records.named("response_retry")
    answers = records.named("key_response") + records.named("sig_response")
    assert len(answers) == 3
    # Responses to zrsign-v1 are sent with exactly the contract's respGas (never more).
    limit = RESP_GAS if flavour == "zrsign-v1" else 500_000
    assert all(r.fields["gas_limit"] == limit for r in answers)
    assert all(r.fields["gas_used"] < RESP_GAS for r in answers)
