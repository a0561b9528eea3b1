"""The EVM bridge end to end: a real zrChain node (CometBFT + zrchaind) with the treasury,
a real MPC keeper process serving the zrSign keyring, two real anvil networks with our
contract (A in Direct mode, B in Omni mode) and, next to it, the zrsign-v1 test contract that
follows the deployed zrSign's rules (A answered Direct, B Omni), and bridge processes started
with `python -m evm_bridge.cli start` — every process started here is stopped here, by PID.

The first test prints its figures (run with -s): responses sent / accepted per flavour and the
gas each response kind used against the contract's respGas, read with
`zrchaind evm-bridge status -o json`.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from eth_account import Account
from eth_utils import keccak, to_checksum_address

from evm_bridge.ingest import cache_id, eip1559_unsigned
from evm_bridge.testing import FlakyProxy, emit_raw
from evm_bridge.testing import wait as poll_until
from zrchain.client.chain import ChainClient
from zrchain.codec.gen.zrchain.treasury import query_pb2 as tq
from zrchain.evm.contract import SignParams, ZrSignContract
from zrchain.evm.events import ZrSigResolveEvent, event_topics
from zrchain.evm.ids import EVM_WALLET_TYPE_ID, caip2_chain_id, wallet_type_id
from zrchain.testing.anvil import DEFAULT_PRIVATE_KEYS, AnvilNode
from zrchain.testing.node import TestNode, zrchaind
from zrchain.testing.zrsign_node import die_with_parent, init_zrsign_node, start_keeper, stop_pid
from zrchain.testing.zrsign_v1 import deploy_zrsign_v1

pytestmark = [
    pytest.mark.node,
    pytest.mark.evm,
    pytest.mark.usefixtures("needs_anvil"),
]

CHAIN_A, CHAIN_B = 11155111, 80002
CAIP_A, CAIP_B = f"eip155:{CHAIN_A}", f"eip155:{CHAIN_B}"
MPC_AUTH_KEY = keccak(text="e2e-bridge-mpc-auth")
PAY = 10**16
CONFIRMATIONS = 3
RESP_GAS = 300_000
#: zrSign's deployment sets respGas = 200000; the v1 test contracts are configured the same.
V1_RESP_GAS = 200_000
SEED_PASSPHRASE = "e2e keeper seed passphrase"
Q = "/zrchain.treasury.Query/"


def wait(pred: Callable[[], Any], timeout: float = 60, what: str = "") -> Any:
    return poll_until(pred, timeout, what)


class BridgeProc:
    """One `zrchaind evm-bridge start` process with its JSON log file."""

    def __init__(self, base: Path, name: str, networks: list[dict[str, Any]], env: Env) -> None:
        self.dir = base / name
        self.dir.mkdir(parents=True, exist_ok=True)
        self.config = self.dir / "bridge.toml"
        self.log_path = self.dir / "bridge.log"
        lines = [
            "[zrchain]",
            f'node = "{env.node.rpc_url}"',
            'chain_id = "zenrock"',
            f'home = "{env.node.home}"',
            'keyring_backend = "test"',
            'signer = "relayer"',
            'gas_prices = "0.0001urock"',
            "",
            "[bridge]",
            f'state_dir = "{self.dir / "state"}"',
            "progress_interval = 1.0",
            "",
        ]
        for net in networks:
            lines.append("[[networks]]")
            for k, v in net.items():
                lines.append(f"{k} = {json.dumps(v)}")
            lines.append("")
        self.config.write_text("\n".join(lines))
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> BridgeProc:
        log = open(self.log_path, "ab")  # noqa: SIM115 - owned by the child
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "evm_bridge.cli", "start", "--config", str(self.config)],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            preexec_fn=die_with_parent,
        )
        log.close()
        return self

    def stop(self) -> None:
        stop_pid(self.proc)

    def events(self, name: str) -> list[dict[str, Any]]:
        out = []
        if not self.log_path.exists():
            return out
        for line in self.log_path.read_text(errors="replace").splitlines():
            try:
                doc = json.loads(line)
            except ValueError:
                continue
            if doc.get("event") == name:
                out.append(doc)
        return out

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def state_file(self, caip2: str, contract: str) -> Path:
        from evm_bridge.state import state_file

        return state_file(self.dir / "state", caip2, contract)


@dataclass
class Env:
    base: Path
    node: TestNode
    client: ChainClient
    keeper: subprocess.Popen[bytes]
    a: AnvilNode
    b: AnvilNode
    direct_a: ZrSignContract
    omni_b: ZrSignContract
    omni_a: ZrSignContract
    v1_a: ZrSignContract
    v1_b: ZrSignContract
    keyring: str
    mpc_key_file: Path
    responder_key_file: Path

    def net(self, which: str, **kw: Any) -> dict[str, Any]:
        node, contract, caip, mode = {
            "direct_a": (self.a, self.direct_a, CAIP_A, "direct"),
            "omni_a": (self.a, self.omni_a, CAIP_A, "omni"),
            "omni_b": (self.b, self.omni_b, CAIP_B, "omni"),
            "v1_direct_a": (self.a, self.v1_a, CAIP_A, "direct"),
            "v1_omni_b": (self.b, self.v1_b, CAIP_B, "omni"),
        }[which]
        out: dict[str, Any] = {
            "name": which,
            "caip2": caip,
            "rpc_url": node.url,
            "contract": contract.address,
            "flavour": contract.flavour.value,
            "confirmations": CONFIRMATIONS,
            "poll_interval": 0.2,
            "mode": mode,
        }
        if mode == "direct" or which.startswith("v1_"):
            out["mpc_key_file"] = str(self.mpc_key_file)
            out["responder_key_file"] = str(self.responder_key_file)
        out.update(kw)
        return out

    def zr_sign_keys(self, owner: str) -> list[dict[str, Any]]:
        """`zrchaind q treasury zr-sign-keys <owner>` as JSON."""
        res = zrchaind(
            "q", "treasury", "zr-sign-keys", owner, "--node", self.node.rpc_url, "-o", "json"
        )
        return list(json.loads(res.stdout).get("Keys", []))

    def sign_requests(self) -> list[Any]:
        res = self.client.query(
            Q + "SignatureRequests",
            tq.QuerySignatureRequestsRequest(),
            tq.QuerySignatureRequestsResponse,
        )
        return list(res.sign_requests)

    def key_requests(self) -> list[Any]:
        res = self.client.query(
            Q + "KeyRequests", tq.QueryKeyRequestsRequest(), tq.QueryKeyRequestsResponse
        )
        return list(res.key_requests)

    def by_cache(self, cid: bytes) -> list[Any]:
        return [r for r in self.sign_requests() if bytes(r.cache_id) == cid and not r.parent_req_id]

    def mine(self, node: AnvilNode, n: int = CONFIRMATIONS + 1) -> None:
        node.mine(n)


class Unlocked(str):
    """An anvil account unlocked on the node (a sender for ZrSignContract calls)."""

    @property
    def address(self) -> str:
        return str(self)


def _deploy(node: AnvilNode, direct: bool, flavour: str = "zrchain") -> ZrSignContract:
    """Our contract, or the zrsign-v1 test contract (deployed and initialised as zrSign's
    deployment module does, with its respGas)."""
    w3 = node.web3()
    admin = Account.from_key(DEFAULT_PRIVATE_KEYS[0])
    if flavour == "zrsign-v1":
        c = deploy_zrsign_v1(w3, sender=admin)
    else:
        c = ZrSignContract.deploy(w3, sender=admin, direct_mode=direct)
    c.setup(
        admin=admin,
        mpc_signers=[Account.from_key(MPC_AUTH_KEY).address],
        wallet_types=((44, 60), (44, 2)),  # (44, 2): Litecoin, which zrChain does not support
        chains={EVM_WALLET_TYPE_ID: [CAIP_A, CAIP_B]},
        mpc_fee=10**14,
        resp_gas=V1_RESP_GAS if flavour == "zrsign-v1" else RESP_GAS,
        resp_gas_buffer=120,
    )
    return c


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    base = tmp_path_factory.mktemp("bridge-e2e")
    node = TestNode(base)
    kr = init_zrsign_node(node)
    keeper: subprocess.Popen[bytes] | None = None
    a = b = None
    try:
        node.start()
        keeper = start_keeper(node, kr, base / "keeper", base / "keeper.log", SEED_PASSPHRASE)
        a, b = AnvilNode(CHAIN_A), AnvilNode(CHAIN_B)
        a.start()
        b.start()
        mpc_file = base / "mpc-auth.key"
        mpc_file.write_text("0x" + MPC_AUTH_KEY.hex())
        responder_file = base / "responder.key"  # an anvil account pays the response gas
        responder_file.write_text(DEFAULT_PRIVATE_KEYS[1])
        yield Env(
            base=base,
            node=node,
            client=ChainClient(node.rpc_url, "zenrock"),
            keeper=keeper,
            a=a,
            b=b,
            direct_a=_deploy(a, True),
            omni_b=_deploy(b, False),
            omni_a=_deploy(a, False),
            v1_a=_deploy(a, False, "zrsign-v1"),
            v1_b=_deploy(b, False, "zrsign-v1"),
            keyring=kr,
            mpc_key_file=mpc_file,
            responder_key_file=responder_file,
        )
    finally:
        stop_pid(keeper)
        for anvil in (b, a):
            if anvil is not None:
                anvil.stop()
        node.stop()


#: Per flavour: the Direct network on A, the Omni network on B, the owner's anvil key.
FLOWS = {
    "zrchain": ("direct_a", "omni_b", DEFAULT_PRIVATE_KEYS[2]),
    "zrsign-v1": ("v1_direct_a", "v1_omni_b", DEFAULT_PRIVATE_KEYS[3]),
}


def bridge_status(bridge: BridgeProc) -> dict[str, dict[str, Any]]:
    """`zrchaind evm-bridge status -o json`, by network name."""
    res = zrchaind("evm-bridge", "status", "--config", str(bridge.config), "-o", "json")
    return {e["network"]: e for e in json.loads(res.stdout)}


@pytest.mark.parametrize("flavour", list(FLOWS))
def test_keys_signatures_and_relay_across_two_networks(env: Env, flavour: str) -> None:
    direct_name, omni_name, owner_key = FLOWS[flavour]
    direct = env.net(direct_name)
    omni = env.net(omni_name)
    ca = env.direct_a if flavour == "zrchain" else env.v1_a
    cb = env.omni_b if flavour == "zrchain" else env.v1_b
    alice = Account.from_key(owner_key)
    bridge = BridgeProc(env.base, f"main-{flavour}", [direct, omni], env).start()
    try:
        # zrKeyReq on network A (Direct) -> a FULFILLED key on zrChain -> zrKeyRes on A.
        ca.zr_key_req(alice.address, sender=alice, value=PAY)
        env.mine(env.a)
        keys = wait(lambda: env.zr_sign_keys(alice.address), what="zr-sign-keys")
        assert (
            len(keys) == 1 and keys[0]["walletType"] == "60" and int(keys[0].get("index", 0)) == 0
        )
        mpc_wallet = to_checksum_address(keys[0]["address"])
        wait(lambda: ca.zr_keys(EVM_WALLET_TYPE_ID, alice.address), what="zrKeyRes")
        assert ca.zr_key(EVM_WALLET_TYPE_ID, alice.address, 0) == mpc_wallet

        # The same owner's index 0 on network B resolves to the same key.
        cb.zr_key_req(alice.address, sender=alice, value=PAY)
        env.mine(env.b)
        wait(lambda: len(bridge.events("ingested")) >= 2, what="second key request ingested")
        ingested = [e for e in bridge.events("ingested") if e["kind"] == "key"]
        assert {e["zr_request"] for e in ingested} == {int(keys[0]["id"])}
        assert env.zr_sign_keys(alice.address) == keys
        assert (
            len([r for r in env.key_requests() if r.creator.lower() == alice.address.lower()]) == 1
        )
        if flavour == "zrsign-v1":
            # Omni on zrsign-v1: the registration is written back, or no signature request
            # could ever be made (InvalidWalletIndex).
            wait(lambda: cb.zr_keys(EVM_WALLET_TYPE_ID, alice.address), what="Omni zrKeyRes")
            assert cb.zr_key(EVM_WALLET_TYPE_ID, alice.address, 0) == mpc_wallet
        else:
            assert cb.zr_keys(EVM_WALLET_TYPE_ID, alice.address) == []

        # zrSignHash on B -> a signature on zrChain that recovers to the key's address.
        digest = keccak(text=f"hello zrSign, from network B ({flavour})")
        res = cb.zr_sign_hash(
            SignParams(EVM_WALLET_TYPE_ID, 0, caip2_chain_id(CAIP_B), digest),
            sender=alice,
            value=PAY,
        )
        trace_b = res.events[0].trace_id
        env.mine(env.b)
        cid = cache_id(CAIP_B, cb.address, trace_b)
        req = wait(
            lambda: [r for r in env.by_cache(cid) if r.status.endswith("FULFILLED")],
            what="fulfilled hash signature",
        )[0]
        sig = bytes(req.signed_data[0].signed_data)
        assert (
            Account._recover_hash(digest, signature=sig[:64] + bytes([sig[64] % 27 + 27]))
            == mpc_wallet
        )

        # zrSignTx with broadcast, Direct on A, destination B: the MPC wallet (funded here)
        # sends an EIP-1559 transfer that lands on B; ZrSigResolve is emitted on A.
        w3b = env.b.web3()
        w3b.eth.send_transaction({"from": w3b.eth.accounts[0], "to": mpc_wallet, "value": 10**18})
        dest = to_checksum_address("0x" + ("cd" if flavour == "zrchain" else "ce") * 20)
        base_fee = int(w3b.eth.get_block("latest")["baseFeePerGas"])
        unsigned = eip1559_unsigned(
            CHAIN_B, 0, 10**9, 2 * base_fee + 10**9, 21000, dest, 123_456, b""
        )
        res = ca.zr_sign_tx(
            SignParams(EVM_WALLET_TYPE_ID, 0, caip2_chain_id(CAIP_B), unsigned, True),
            sender=alice,
            value=PAY,
        )
        trace = res.events[0].trace_id
        env.mine(env.a)
        wait(lambda: w3b.eth.get_balance(dest) == 123_456, timeout=90, what="transfer on B")
        # the bridge logs "relayed" after its send returns: the transfer can be seen first
        relayed = wait(lambda: bridge.events("relayed"), what="the relayed log line")
        assert len(relayed) == 1
        receipt = w3b.eth.get_transaction_receipt(relayed[0]["dst_tx"])
        assert receipt["status"] == 1 and receipt["from"] == mpc_wallet and receipt["type"] == 2
        wait(lambda: ca.request_state(trace).status == 2, what="zrSignRes on A")
        resolve = [
            e
            for e in ca.get_events(0, "latest")
            if isinstance(e, ZrSigResolveEvent) and e.trace_id == trace
        ]
        assert len(resolve) == 1 and resolve[0].broadcast
        assert resolve[0].meta_data.hex() == relayed[0]["dst_tx"][2:]
        assert cb.request_state(trace_b).status == 1  # Omni: the signature stays on zrChain

        # Answers are final once as deep as the confirmation depth.
        env.mine(env.a)
        env.mine(env.b)
        expected = {direct_name: 2, omni_name: 1 if flavour == "zrsign-v1" else 0}
        wait(
            lambda: all(
                bridge_status(bridge)[n]["stats"]["responses_accepted"] == count
                for n, count in expected.items()
            ),
            what="answers accepted",
        )
        status = bridge_status(bridge)
        assert bridge.alive()
        assert not bridge.events("error")
        assert not bridge.events("response_refused") and not bridge.events("response_retry")
    finally:
        bridge.stop()
    figures(flavour, status, {direct_name: ca, omni_name: cb})


def figures(flavour: str, status: dict[str, dict[str, Any]], contracts: dict[str, Any]) -> None:
    """Print (and check) the issue's figures: responses sent / accepted, gas vs respGas."""
    for name, entry in status.items():
        stats, resp_gas = entry["stats"], contracts[name].resp_gas()
        assert stats["responses_sent"] == stats["responses_accepted"]
        assert stats["responses_refused"] == 0 and entry["dead_letters"] == []
        print(
            f"FIGURES {flavour:<9} {name:<12} responses sent {stats['responses_sent']}"
            f" accepted {stats['responses_accepted']} (contract respGas {resp_gas})"
        )
        for fn, gas in entry["responses"].items():
            print(
                f"FIGURES {flavour:<9} {name:<12} {fn}: gas used {gas['max_gas_used']}"
                f" = {100 * gas['max_gas_used'] / resp_gas:.0f}% of respGas; limit sent"
                f" {gas['gas_limit']}"
            )
            assert gas["max_gas_used"] < resp_gas
            if flavour == "zrsign-v1":
                assert gas["gas_limit"] == resp_gas


def test_reorg_restart_and_two_bridges_never_duplicate(env: Env) -> None:
    carol, dave = (Unlocked(a) for a in env.a.web3().eth.accounts[4:6])
    net = env.net("omni_a", confirmations=4)
    bridge = BridgeProc(env.base, "reorg", [net], env).start()
    try:
        env.omni_a.zr_key_req(carol.address, sender=carol, value=PAY)
        env.mine(env.a, 5)
        wait(lambda: env.zr_sign_keys(carol.address), what="carol's key")
        # A request that a reorg (depth 2 < 4 confirmations) removes is never ingested.
        dave_tx = env.omni_a.zr_key_req(dave.address, sender=dave, value=PAY).tx_hash
        env.a.mine(1)
        wait(lambda: [e for e in bridge.events("pending") if e["tx"] == dave_tx], what="pending")
        env.a.rpc("anvil_reorg", [2, []])
        env.a.mine(10)
        wait(lambda: [e for e in bridge.events("reorg_dropped") if e["tx"] == dave_tx], what="drop")
        # Signature requests whose traceIds we follow for duplicates.
        traces = []
        for i in range(3):
            res = env.omni_a.zr_sign_hash(
                SignParams(EVM_WALLET_TYPE_ID, 0, caip2_chain_id(CAIP_A), keccak(text=f"m{i}")),
                sender=carol,
                value=PAY,
            )
            traces.append(res.events[0].trace_id)
        env.mine(env.a, 5)
        cids = [cache_id(CAIP_A, env.omni_a.address, t) for t in traces]
        wait(lambda: all(env.by_cache(c) for c in cids), what="three sign requests")
        assert not [r for r in env.key_requests() if r.creator.lower() == dave.address.lower()]
        assert env.zr_sign_keys(dave.address) == []
    finally:
        bridge.stop()

    # Restart from an old cursor (the state file rewritten to before everything).
    path = bridge.state_file(CAIP_A, env.omni_a.address)
    doc = json.loads(path.read_text())
    doc.update(cursor=-1, hashes={}, range_done=[])
    path.write_text(json.dumps(doc))
    before_keys = len(env.key_requests())
    again = BridgeProc(env.base, "reorg", [net], env).start()
    try:
        wait(lambda: again.events("caught_up"), what="replay caught up")
        wait(lambda: len(again.events("duplicate")) >= 3, what="duplicates refused")
        # Two more bridges at once, each from scratch, plus new requests while they run.
        b1 = BridgeProc(env.base, "twin1", [net], env).start()
        b2 = BridgeProc(env.base, "twin2", [net], env).start()
        try:
            for i in range(3, 6):
                res = env.omni_a.zr_sign_hash(
                    SignParams(EVM_WALLET_TYPE_ID, 0, caip2_chain_id(CAIP_A), keccak(text=f"m{i}")),
                    sender=carol,
                    value=PAY,
                )
                traces.append(res.events[0].trace_id)
            env.mine(env.a, 5)
            cids = [cache_id(CAIP_A, env.omni_a.address, t) for t in traces]
            wait(lambda: all(env.by_cache(c) for c in cids), what="six sign requests")
            for b in (b1, b2):
                wait(lambda b=b: b.events("caught_up"), what="twin caught up")
            time.sleep(2)
        finally:
            b1.stop()
            b2.stop()
    finally:
        again.stop()
    for c in cids:
        assert len(env.by_cache(c)) == 1, f"cache_id {c.hex()} ingested more than once"
    assert not [r for r in env.key_requests() if r.creator.lower() == dave.address.lower()]
    assert len(env.key_requests()) == before_keys


def test_garbage_failing_rpc_and_unsupported_wallet_type(env: Env) -> None:
    erin = Unlocked(env.b.web3().eth.accounts[6])
    start = env.b.web3().eth.block_number + 1
    topics = event_topics()
    c = env.omni_b
    emit_raw(env.b, c.address, [bytes.fromhex(topics["ZrKeyRequest"][2:])], b"\x01")
    emit_raw(
        env.b, c.address, [bytes.fromhex(topics["ZrSigRequest"][2:]), bytes(32), b"\x11" * 32], b"x"
    )
    emit_raw(env.b, c.address, [keccak(text="Transfer(address,address,uint256)")], b"")
    c.zr_key_req(erin.address, wallet_type_id(44, 2), sender=erin, value=PAY)
    for _ in range(3):
        env.b.mine(5)
        c.zr_key_req(erin.address, sender=erin, value=PAY)
    env.mine(env.b)
    proxy = FlakyProxy(env.b.url, fail_calls={2, 4})
    net = env.net("omni_b", start_block=start, max_block_range=4, rpc_url=proxy.url)
    bridge = BridgeProc(env.base, "faults", [net], env).start()
    try:
        wait(lambda: len(env.zr_sign_keys(erin.address)) == 3, timeout=90, what="erin's keys")
        wait(lambda: bridge.events("caught_up"), what="caught up")
        assert bridge.alive()
    finally:
        bridge.stop()
        proxy.close()
    assert proxy.failed == 2
    assert len(bridge.events("evm_rpc_error")) >= 2
    assert len(bridge.events("malformed_log")) == 2
    assert len(bridge.events("foreign_log")) == 1
    assert any("coin type 2" in e["msg"] for e in bridge.events("skipped"))
