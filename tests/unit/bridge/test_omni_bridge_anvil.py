"""zrSign Omni through our contract (docs/zrsign-policies.md): calls to ``zrPolicyCreate``,
``zrKeyPolicySet`` and ``zrActionApprove`` on two real anvil networks, followed by the real
bridge (in-process threads), forwarded to the real app (in-process chain, no CometBFT). The
key owner is a *contract* (a minimal forwarder deployed from hand-written bytecode): it has
no key to sign EIP-712, so the contract path is its only way to manage its key."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from eth_account import Account
from eth_utils import to_checksum_address

from evm_bridge.gateway import Outcome, SubmitResult, classify
from evm_bridge.ingest import Ingest, OmniIngest
from evm_bridge.testing import deploy_test_contract, start_bridge, wait
from evm_bridge.testing import network_entry as net
from zrchain.chains.caip import zrsign_cache_id
from zrchain.codec.gen.zrchain.omni import query_pb2 as oq
from zrchain.codec.gen.zrchain.policy import query_pb2 as pq
from zrchain.codec.gen.zrchain.treasury import query_pb2 as tq
from zrchain.evm.ids import EVM_WALLET_TYPE_ID
from zrchain.testing.anvil import DEFAULT_PRIVATE_KEYS, AnvilNode
from zrchain.testing.identity_policy import PQ, events, ok
from zrchain.testing.omni import World, build_world, evm_participant

pytestmark = [pytest.mark.evm, pytest.mark.usefixtures("needs_anvil")]

CHAIN_A, CHAIN_B = 31337, 80002
CAIP_A, CAIP_B = f"eip155:{CHAIN_A}", f"eip155:{CHAIN_B}"
TQ = "/zrchain.treasury.Query/"


class InprocGateway:
    """The bridge's gateway onto the in-process chain: each item is the tx the zrSign
    account would send (only what zrSign Omni calls need)."""

    def __init__(self, world: World, lock: threading.Lock) -> None:
        self.world, self.lock = world, lock
        self.results: list[tuple[str, SubmitResult]] = []

    def submit(self, items: Sequence[Ingest]) -> list[SubmitResult]:
        out = []
        for item in items:
            assert isinstance(item, OmniIngest), item
            with self.lock:
                res = self.world.run("zrsign", item.msg(self.world.addr("zrsign")))
            r = (
                SubmitResult(Outcome.CREATED)
                if res.code == 0
                else classify(res.codespace, res.code, res.log)
            )
            self.results.append((item.op, r))
            out.append(r)
        return out

    def height(self) -> int:
        return self.world.chain.height


def forwarder_bytecode(target: str) -> bytes:
    """Init code of a contract that CALLs ``target`` with its own calldata (reverting if the
    call does): the smallest contract owner there is."""
    call = (
        bytes.fromhex("366000600037")  # calldatacopy(0, 0, calldatasize)
        + bytes.fromhex("600060003660006000")  # retSize retOffset argsSize argsOffset value
        + b"\x73"
        + bytes.fromhex(target[2:])  # push20 target
        + bytes.fromhex("5af1")  # gas call
    )
    fail = len(call) + 5  # after: iszero push1 <fail> jumpi stop
    runtime = call + bytes([0x15, 0x60, fail, 0x57, 0x00]) + bytes.fromhex("5b60006000fd")
    assert runtime[fail] == 0x5B  # jumpdest; revert(0, 0)
    n = len(runtime)
    init = bytes.fromhex(f"60{n:02x}600c60003960{n:02x}6000f3")  # codecopy + return
    assert len(init) == 12
    return init + runtime


@pytest.fixture
def setup(tmp_path: Path) -> Iterator[tuple[World, AnvilNode, AnvilNode]]:
    world = build_world(tmp_path / "db")
    a, b = AnvilNode(CHAIN_A), AnvilNode(CHAIN_B)
    try:
        a.start()
        b.start()
        yield world, a, b
    finally:
        b.stop()
        a.stop()
        world.chain.app.close()


def send(node: AnvilNode, sender: Any, to: str, data: bytes) -> None:
    w3 = node.web3()
    tx = {
        "from": sender.address,
        "to": to_checksum_address(to),
        "data": data,
        "gas": 300_000,
        "gasPrice": w3.eth.gas_price,
        "nonce": w3.eth.get_transaction_count(sender.address),
        "chainId": w3.eth.chain_id,
    }
    signed = sender.sign_transaction(tx)
    receipt = w3.eth.wait_for_transaction_receipt(
        w3.eth.send_raw_transaction(signed.raw_transaction)
    )
    assert receipt.status == 1


def test_contract_owner_and_approvers_on_two_networks(setup, tmp_path: Path) -> None:
    world, a, b = setup
    ca = deploy_test_contract(a, chains=[CAIP_A, CAIP_B])
    cb = deploy_test_contract(b, chains=[CAIP_A, CAIP_B])
    deployer = Account.from_key(DEFAULT_PRIVATE_KEYS[1])
    w3a = a.web3()
    tx = {
        "data": forwarder_bytecode(ca.address),
        "gas": 200_000,
        "gasPrice": w3a.eth.gas_price,
        "nonce": w3a.eth.get_transaction_count(deployer.address),
        "chainId": CHAIN_A,
    }
    raw = deployer.sign_transaction(tx).raw_transaction
    owner = w3a.eth.wait_for_transaction_receipt(w3a.eth.send_raw_transaction(raw)).contractAddress
    lock = threading.Lock()
    with lock:
        key_id = world.zr_key(0, owner=owner)  # the bridge forwarded its zrKeyReq earlier
    ap1, ap2 = (Account.from_key(DEFAULT_PRIVATE_KEYS[i]) for i in (2, 3))
    parts = [evm_participant(ap1, CHAIN_A), evm_participant(ap2, CHAIN_B)]
    gw = InprocGateway(world, lock)
    bridge = start_bridge(tmp_path, [net(a, ca, CAIP_A), net(b, cb, CAIP_B)], gw)
    try:
        # The contract owner asks for a policy and attaches it, through our contract on A.
        create = ca.contract.encode_abi(
            "zrPolicyCreate", args=["dex", " + ".join(parts) + " > 1", parts, 30]
        )
        send(a, deployer, owner, bytes.fromhex(create[2:]))
        a.mine(2)
        wait(lambda: [op for op, _ in gw.results] == ["new_policy"], what="policy forwarded")
        assert gw.results[0][1].outcome is Outcome.CREATED
        with lock:
            policies = world.chain.q(
                PQ + "PoliciesByCreator",
                pq.QueryPoliciesByCreatorRequest(
                    creators=[f"{CAIP_A}:{to_checksum_address(owner)}"]
                ),
                pq.QueryPoliciesByCreatorResponse,
            ).policies
        [policy] = policies
        attach = ca.contract.encode_abi("zrKeyPolicySet", args=[EVM_WALLET_TYPE_ID, 0, policy.id])
        send(a, deployer, owner, bytes.fromhex(attach[2:]))
        a.mine(2)
        wait(lambda: len(gw.results) == 2, what="key policy forwarded")
        with lock:
            key = world.chain.q(
                TQ + "KeyByID", tq.QueryKeyByIDRequest(id=key_id), tq.QueryKeyByIDResponse
            ).key
        assert key.sign_policy_id == policy.id
        # A zrSign request for the owner's key waits for its approvers.
        cache = zrsign_cache_id(CAIP_A, ca.address, 1)
        with lock:
            res = ok(world.zr_sign(hashlib.sha256(b"swap").digest(), cache, owner=owner))
        aid = int(events(res, "zrsign_action")[0]["action_id"])
        # Approver 1 on A, approver 2 on B: each counts as its CAIP-10 participant.
        ca.transact("zrActionApprove", aid, sender=ap1)
        a.mine(2)
        wait(lambda: len(gw.results) == 3, what="approval on A")
        with lock:
            assert (
                world.chain.q(
                    TQ + "SignatureRequests",
                    tq.QuerySignatureRequestsRequest(),
                    tq.QuerySignatureRequestsResponse,
                ).sign_requests
                == []
            )
        cb.transact("zrActionApprove", aid, sender=ap2)
        b.mine(2)
        wait(lambda: len(gw.results) == 4, what="approval on B")
        assert [r.outcome for _, r in gw.results] == [Outcome.CREATED] * 4
        with lock:
            reqs = world.chain.q(
                TQ + "SignatureRequests",
                tq.QuerySignatureRequestsRequest(),
                tq.QuerySignatureRequestsResponse,
            ).sign_requests
        assert [bytes(r.cache_id) for r in reqs] == [cache]
        # An approval by ap2 on A does not count as ap2 on B: refused, logged by the bridge.
        ca.transact("zrActionApprove", aid, sender=ap2)
        a.mine(2)
        wait(lambda: len(gw.results) == 5, what="wrong-network approval")
        assert gw.results[-1][1].outcome is Outcome.REJECTED
        # A "no" through the contract: with 2 of 2 required, one rejection ends the action.
        cache2 = zrsign_cache_id(CAIP_A, ca.address, 2)
        with lock:
            res = ok(world.zr_sign(hashlib.sha256(b"swap 2").digest(), cache2, owner=owner))
        aid2 = int(events(res, "zrsign_action")[0]["action_id"])
        cb.transact("zrActionReject", aid2, sender=ap2)
        b.mine(2)
        wait(lambda: len(gw.results) == 6, what="rejection on B")
        assert (gw.results[-1][0], gw.results[-1][1].outcome) == ("reject", Outcome.CREATED)
        with lock:
            act = world.chain.q(
                "/zrchain.omni.Query/ZrSignAction",
                oq.QueryZrSignActionRequest(cache_id=cache2),
                oq.QueryZrSignActionResponse,
            ).action
        assert act.status == "ACTION_STATUS_REVOKED"
    finally:
        bridge.stop()
