"""ZrSign on two real anvil nodes with different chain ids; logs read back with eth_getLogs."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from eth_account import Account
from eth_utils import keccak
from web3 import Web3

from zrchain.evm import (
    EVM_WALLET_TYPE_ID,
    KEY_REQUEST_TOPICS,
    SIG_REQUEST_TOPICS,
    ChainIdSupportEvent,
    KeyResponse,
    SignParams,
    SignResponse,
    WalletTypeIdSupportEvent,
    ZrKeyRequestEvent,
    ZrKeyResolveEvent,
    ZrSigGasRefundEvent,
    ZrSignContract,
    ZrSignRevert,
    ZrSigRequestEvent,
    ZrSigResolveEvent,
    caip2_chain_id,
    event_topics,
    get_logs,
    wallet_id,
)
from zrchain.testing.anvil import DEFAULT_PRIVATE_KEYS, AnvilNode

pytestmark = [
    pytest.mark.evm,
    pytest.mark.usefixtures("needs_anvil"),
]

SEPOLIA, AMOY = 11155111, 80002
CAIPS = [f"eip155:{SEPOLIA}", f"eip155:{AMOY}"]
MPC_FEE = 5 * 10**14
RESP_GAS = 200_000
PAY = 10**16
MPC_KEY = keccak(text="zrsign-example-mpc-auth")
WALLET = "0x44DFF5f4E70d1DF7be45292cab7B41bD54e00beE"
HASH = keccak(text="hello zrSign")
UNSIGNED_TX = bytes.fromhex(
    "e679850fd8f4bd2382520894cf4324b9fd2fbc83b98a1483e854d31d3e45944c8203e880808080"
)


@pytest.fixture
def nodes() -> Iterator[tuple[AnvilNode, AnvilNode]]:
    a, b = AnvilNode(SEPOLIA), AnvilNode(AMOY)
    try:
        a.start()
        b.start()
        yield a, b
    finally:
        b.stop()
        a.stop()
    for node in (a, b):
        assert node.proc is None and not node.running


def _deploy(w3: Web3, direct: bool) -> ZrSignContract:
    """Deploy from the same local key (nonce 0 on a fresh node: same address on both chains)."""
    deployer = Account.from_key(DEFAULT_PRIVATE_KEYS[0])
    c = ZrSignContract.deploy(w3, sender=deployer, direct_mode=direct)
    c.setup(
        admin=deployer,
        fee_manager=w3.eth.accounts[1],
        mpc_signers=[Account.from_key(MPC_KEY).address],
        chains={EVM_WALLET_TYPE_ID: CAIPS},
        mpc_fee=MPC_FEE,
        resp_gas=RESP_GAS,
        resp_gas_buffer=120,
        fee_sender=w3.eth.accounts[1],
    )
    return c


def test_anvil_processes_are_real_and_stopped_by_pid() -> None:
    node = AnvilNode(31337)
    with node:
        pid = node.pid
        assert pid is not None and node.running
        assert node.url.startswith("http://127.0.0.1:")
        assert node.web3().eth.chain_id == 31337
        accounts = node.web3().eth.accounts
        assert accounts[:4] == [Account.from_key(k).address for k in DEFAULT_PRIVATE_KEYS]
    assert not node.running
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_key_and_signature_requests_on_two_chains(nodes: tuple[AnvilNode, AnvilNode]) -> None:
    node_a, node_b = nodes
    w3a, w3b = node_a.web3(), node_b.web3()
    assert (w3a.eth.chain_id, w3b.eth.chain_id) == (SEPOLIA, AMOY)
    alice_key = DEFAULT_PRIVATE_KEYS[2]
    alice = Account.from_key(alice_key)
    relayer = w3a.eth.accounts[3]

    # Direct contracts at the same address on both chains, plus an Omni one on chain A.
    direct_a, direct_b = _deploy(w3a, True), _deploy(w3b, True)
    assert direct_a.address == direct_b.address
    omni_a = _deploy(w3a, False)

    # ---- Omni on chain A: a key request, then a signature request with no key response.
    key_tx = omni_a.zr_key_req(alice.address, sender=alice, value=PAY)
    sig_tx = omni_a.zr_sign_hash(
        SignParams(EVM_WALLET_TYPE_ID, 0, caip2_chain_id(CAIPS[1]), HASH), sender=alice, value=PAY
    )
    events = get_logs(w3a, omni_a.address, 0, "latest")
    config = [e for e in events if isinstance(e, WalletTypeIdSupportEvent | ChainIdSupportEvent)]
    assert [type(e).__name__ for e in config] == [
        "WalletTypeIdSupportEvent",
        "ChainIdSupportEvent",
        "ChainIdSupportEvent",
    ]
    assert [e.caip for e in config if isinstance(e, ChainIdSupportEvent)] == CAIPS
    (key_req,) = [e for e in events if isinstance(e, ZrKeyRequestEvent)]
    assert (key_req.owner, key_req.wallet_index, key_req.options) == (alice.address, 0, 1)
    assert (key_req.value, key_req.mpc_fee) == (PAY, MPC_FEE)
    assert key_req.meta.transaction_hash == key_tx.tx_hash
    assert key_req.meta.block_hash == "0x" + bytes(key_tx.receipt["blockHash"]).hex()
    (sig_req,) = [e for e in events if isinstance(e, ZrSigRequestEvent)]
    assert sig_req.meta.transaction_hash == sig_tx.tx_hash
    assert sig_req.trace_id == 0
    assert sig_req.wallet_id == wallet_id(
        SEPOLIA, omni_a.address, EVM_WALLET_TYPE_ID, alice.address, 0
    )
    assert sig_req.params.payload == HASH
    assert sig_req.params.dst_chain_id == caip2_chain_id(CAIPS[1])
    assert (sig_req.params.owner, sig_req.params.req_type) == (alice.address, 0)

    # ---- Direct on chain B: key request -> MPC response -> tx signature request -> response.
    b_alice_before = w3b.eth.get_balance(alice.address)
    req = direct_b.zr_key_req(alice.address, sender=alice, value=PAY)
    key_res = direct_b.sign_key_response(
        KeyResponse(EVM_WALLET_TYPE_ID, alice.address, 0, WALLET, 1), MPC_KEY
    )
    # The response is bound to chain B: the same bytes are refused on chain A, where the same
    # contract address has the same pending request (zrSign's cross-chain replay).
    direct_a.zr_key_req(alice.address, sender=alice, value=PAY)
    with pytest.raises(ZrSignRevert) as info:
        direct_a.zr_key_res(key_res, sender=relayer, gas=RESP_GAS)
    assert info.value.name == "AccessControlUnauthorizedAccount"
    res = direct_b.zr_key_res(key_res, sender=w3b.eth.accounts[3], gas=RESP_GAS)
    assert direct_b.zr_keys(EVM_WALLET_TYPE_ID, alice.address) == [WALLET]

    sign = direct_b.zr_sign_tx(
        SignParams(EVM_WALLET_TYPE_ID, 0, caip2_chain_id(CAIPS[0]), UNSIGNED_TX, True),
        sender=alice,
        value=PAY,
    )
    trace_id = sign.first(ZrSigRequestEvent).trace_id
    sig_res = direct_b.sign_sign_response(
        SignResponse(trace_id, alice.address, b"", b"\x2c" * 64 + b"\x01", True), MPC_KEY
    )
    done = direct_b.zr_sign_res(sig_res, sender=w3b.eth.accounts[3], gas=RESP_GAS)

    start = req.receipt["blockNumber"]
    events_b = get_logs(w3b, direct_b.address, start, "latest")
    assert [type(e) for e in events_b] == [
        ZrKeyRequestEvent,
        ZrKeyResolveEvent,
        ZrSigGasRefundEvent,
        ZrSigRequestEvent,
        ZrSigResolveEvent,
        ZrSigGasRefundEvent,
    ]
    resolve = events_b[1]
    assert isinstance(resolve, ZrKeyResolveEvent)
    assert (resolve.owner, resolve.wallet_index, resolve.addr) == (alice.address, 0, WALLET)
    sig_event = events_b[3]
    assert isinstance(sig_event, ZrSigRequestEvent)
    assert sig_event.wallet_id == wallet_id(
        AMOY, direct_b.address, EVM_WALLET_TYPE_ID, alice.address, 0
    )
    assert sig_event.wallet_id != wallet_id(
        SEPOLIA, direct_b.address, EVM_WALLET_TYPE_ID, alice.address, 0
    )
    assert (sig_event.params.req_type, sig_event.params.broadcast) == (1, True)
    assert sig_event.params.payload == UNSIGNED_TX
    sig_resolve = events_b[4]
    assert isinstance(sig_resolve, ZrSigResolveEvent)
    assert (sig_resolve.trace_id, sig_resolve.broadcast) == (trace_id, True)
    assert direct_b.request_state(trace_id).status == 2

    # Alice paid two MPC fees, her gas, and the responders' reimbursed gas; the rest came back.
    refunds = [e for e in events_b if isinstance(e, ZrSigGasRefundEvent)]
    costs = sum(e.engine_wallet_cost for e in refunds)
    spent = b_alice_before - w3b.eth.get_balance(alice.address)
    assert spent == 2 * MPC_FEE + req.fee_paid + sign.fee_paid + costs
    for tx, refund in ((res, refunds[0]), (done, refunds[1])):
        assert refund.engine_wallet_cost <= RESP_GAS * int(tx.receipt["effectiveGasPrice"])

    # Topic filters are sent as "0x..." strings; each chain only has its own logs.
    topics = [KEY_REQUEST_TOPICS["head"], SIG_REQUEST_TOPICS["head"]]
    requests_b = get_logs(w3b, direct_b.address, 0, "latest", topics)
    assert [type(e) for e in requests_b] == [ZrKeyRequestEvent, ZrSigRequestEvent]
    requests_a = get_logs(w3a, [direct_a.address, omni_a.address], 0, "latest", topics)
    assert [(type(e), e.meta.address) for e in requests_a] == [
        (ZrKeyRequestEvent, omni_a.address),
        (ZrSigRequestEvent, omni_a.address),
        (ZrKeyRequestEvent, direct_a.address),
    ]


def test_reverting_transaction_is_mined_and_changes_nothing(
    nodes: tuple[AnvilNode, AnvilNode],
) -> None:
    """Bypassing the wrapper's simulation: the contract itself rejects an underpaid request."""
    w3 = nodes[0].web3()
    c = _deploy(w3, False)
    alice = w3.eth.accounts[2]
    data = c.contract.encode_abi("zrKeyReq", args=[(alice, EVM_WALLET_TYPE_ID, 1)])
    tx_hash = w3.eth.send_transaction(
        {"from": alice, "to": c.address, "data": data, "value": MPC_FEE - 1, "gas": 300_000}
    )
    receipt = w3.eth.wait_for_transaction_receipt(tx_hash, timeout=30)
    assert receipt["status"] == 0 and receipt["logs"] == []
    assert c.collected_fees() == 0
    assert w3.eth.get_balance(c.address) == 0
    topic = event_topics()["ZrKeyRequest"]
    assert c.get_events(0, "latest", [topic]) == []
