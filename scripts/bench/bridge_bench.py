"""EVM bridge figures, on real processes (anvil, CometBFT + zrchaind, bridge):

1. latency from the EVM log's block to the zrChain request's block, at a confirmation depth,
   with anvil mining a block every `--block-time` seconds (block timestamps of both chains);
2. backfill rate over `--requests` historical ZrKeyRequest logs (Omni contract): the
   follower alone (zrChain simulated in memory) and end to end into a real node.

    .venv/bin/python scripts/bench/bridge_bench.py [--requests 10000] [--samples 20]
        [--confirmations 2] [--block-time 1] [--no-node]

No MPC keeper is needed: the figures are about creating the zrChain requests.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from eth_account import Account

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from evm_bridge.config import NetworkConfig  # noqa: E402
from evm_bridge.evm_rpc import EvmRpc  # noqa: E402
from evm_bridge.follower import Follower  # noqa: E402
from evm_bridge.gateway import MemoryGateway  # noqa: E402
from evm_bridge.ingest import Translator  # noqa: E402
from evm_bridge.pipeline import Pipeline  # noqa: E402
from evm_bridge.state import NetworkState, StateStore, state_file  # noqa: E402
from zrchain.evm.contract import ZrSignContract  # noqa: E402
from zrchain.evm.ids import EVM_WALLET_TYPE_ID  # noqa: E402
from zrchain.testing.anvil import DEFAULT_PRIVATE_KEYS, AnvilNode  # noqa: E402
from zrchain.testing.node import TestNode, _die_with_parent  # noqa: E402

CHAIN = 11155111
CAIP2 = f"eip155:{CHAIN}"
PAY = 10**15


def deploy(node: AnvilNode) -> ZrSignContract:
    admin = Account.from_key(DEFAULT_PRIVATE_KEYS[0])
    c = ZrSignContract.deploy(node.web3(), sender=admin, direct_mode=False)
    c.setup(admin=admin, mpc_fee=10**12)
    return c


def fill_history(node: AnvilNode, contract: ZrSignContract, n: int) -> tuple[int, int]:
    """`n` zrKeyReq txs signed locally, sent in JSON-RPC batches with automine off, then mined.
    Returns the first and last block holding them."""
    w3 = node.web3()
    sender = Account.from_key(DEFAULT_PRIVATE_KEYS[1])
    owners = [Account.from_key(k).address for k in DEFAULT_PRIVATE_KEYS]
    nonce = w3.eth.get_transaction_count(sender.address)
    gas_price = 2 * int(w3.eth.get_block("latest")["baseFeePerGas"]) + 10**9
    rpc = EvmRpc(node.url, timeout=120)
    first = w3.eth.block_number + 1
    node.rpc("evm_setAutomine", [False])
    t0 = time.monotonic()
    batch: list[tuple[str, list[Any]]] = []
    for i in range(n):
        data = contract.contract.encode_abi(
            "zrKeyReq", args=[(owners[i % len(owners)], EVM_WALLET_TYPE_ID, 1)]
        )
        tx = {
            "to": contract.address,
            "data": data,
            "value": PAY,
            "gas": 250_000,
            "maxFeePerGas": gas_price,
            "maxPriorityFeePerGas": 10**9,
            "nonce": nonce + i,
            "chainId": CHAIN,
            "type": 2,
        }
        raw = sender.sign_transaction(tx).raw_transaction
        batch.append(("eth_sendRawTransaction", ["0x" + bytes(raw).hex()]))
        if len(batch) == 500 or i == n - 1:
            rpc.batch(batch)
            batch = []
            node.mine(1)
    while (
        int(node.rpc("eth_blockNumber"), 16) < first
        or node.rpc("txpool_status")["pending"] != "0x0"
    ):
        node.mine(1)
    node.rpc("evm_setAutomine", [True])
    last = w3.eth.block_number
    print(f"history: {n} zrKeyReq txs in blocks {first}..{last} ({time.monotonic() - t0:.1f}s)")
    return first, last


def follower_only_rate(node: AnvilNode, contract: ZrSignContract, first: int, n: int) -> dict:
    """Backfill with zrChain simulated in memory: RPC + verification + decoding + bookkeeping."""
    gw = MemoryGateway()
    net = NetworkConfig(
        caip2=CAIP2,
        rpc_url=node.url,
        contract=contract.address,
        start_block=first,
        confirmations=0,
        max_block_range=2000,
        watch_pending=False,
    )
    with tempfile.TemporaryDirectory() as tmp:

        def pipeline(state: NetworkState, save: Callable[[], None]) -> Pipeline:
            t = Translator(caip2=CAIP2, contract=contract.address)
            return Pipeline(label="bench", state=state, save=save, gateway=gw, translator=t)

        f = Follower(
            net=net,
            rpc=EvmRpc(node.url, timeout=120),
            store=StateStore(state_file(tmp, CAIP2, contract.address)),
            pipeline_factory=pipeline,
            progress_interval=1e9,
        )
        t0 = time.monotonic()
        while f.step():
            pass
        elapsed = time.monotonic() - t0
    assert len(gw.key_requests) == n, len(gw.key_requests)
    return {"logs": n, "seconds": round(elapsed, 2), "logs_per_s": round(n / elapsed, 1)}


def start_node(
    base: Path, edit: Callable[[TestNode, dict[str, Any]], None] | None = None
) -> TestNode:
    """A zrSign node; ``edit(node, genesis)`` may change its genesis and home before start."""
    from zrchain.localnet_setup import create_dev_keys, fund_dev_accounts
    from zrchain.x.identity.types import keyring_address

    node = TestNode(base)
    node.init()
    addresses = create_dev_keys(node.home)
    doc = node.genesis()
    fund_dev_accounts(doc, addresses)
    state = doc["app_state"]
    state["identity"]["keyrings"] = [
        {
            "address": keyring_address(1),
            "creator": addresses["validator"],
            "admins": [addresses["validator"]],
            "parties": [addresses["bob"]],
            "party_threshold": 1,
            "is_active": True,
        }
    ]
    state["treasury"]["params"]["mpc_keyring"] = keyring_address(1)
    state["treasury"]["params"]["zr_sign_address"] = addresses["relayer"]
    if edit is not None:
        edit(node, doc)
    node.write_genesis(doc)
    node.start()
    return node


class BridgeProc:
    def __init__(self, base: Path, node: TestNode, nets: list[dict[str, Any]]) -> None:
        base.mkdir(parents=True, exist_ok=True)
        self.log = base / "bridge.log"
        cfg = [
            "[zrchain]",
            f'node = "{node.rpc_url}"',
            'chain_id = "zenrock"',
            f'home = "{node.home}"',
            'signer = "relayer"',
            'gas_prices = "0.0001urock"',
            "max_msgs_per_tx = 100",
            "",
            "[bridge]",
            f'state_dir = "{base / "state"}"',
            "progress_interval = 5.0",
            "",
        ]
        for n in nets:
            cfg.append("[[networks]]")
            cfg += [f"{k} = {json.dumps(v)}" for k, v in n.items()]
        self.config = base / "bridge.toml"
        self.config.write_text("\n".join(cfg) + "\n")
        with open(self.log, "ab") as fh:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "evm_bridge.cli", "start", "--config", str(self.config)],
                stdout=fh,
                stderr=subprocess.STDOUT,
                preexec_fn=_die_with_parent,
                cwd=ROOT,
            )

    def events(self, name: str) -> list[dict[str, Any]]:
        out = []
        for line in self.log.read_text(errors="replace").splitlines():
            try:
                doc = json.loads(line)
            except ValueError:
                continue
            if doc.get("event") == name:
                out.append(doc)
        return out

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def wait_for(pred: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = pred()
        if got:
            return got
        time.sleep(0.2)
    raise TimeoutError(what)


def zr_block_time(node: TestNode, height: int) -> float:
    from datetime import datetime

    text = node.rpc.call("block", height=str(height))["block"]["header"]["time"]
    head, _, frac = text.rstrip("Z").partition(".")
    base = datetime.fromisoformat(head + "+00:00").timestamp()
    return base + (float("0." + frac) if frac else 0.0)


def end_to_end_rate(
    base: Path, node: TestNode, anvil: AnvilNode, contract: ZrSignContract, first: int, n: int
) -> dict:
    net = {
        "caip2": CAIP2,
        "rpc_url": anvil.url,
        "contract": contract.address,
        "start_block": first,
        "confirmations": 0,
        "max_block_range": 2000,
        "watch_pending": False,
        "poll_interval": 0.2,
    }
    bridge = BridgeProc(base / "backfill", node, [net])
    try:
        wait_for(
            lambda: len(bridge.events("ingested")) >= n or bridge.proc.poll() is not None,
            timeout=3600,
            what="backfill",
        )
    finally:
        bridge.stop()
    ingested = bridge.events("ingested")
    start = bridge.events("bridge_start")[0]["ts"]
    end = max(e["ts"] for e in ingested)
    progress = [e["msg"] for e in bridge.events("backfill")][:3]
    return {
        "logs": len(ingested),
        "seconds": round(end - start, 1),
        "logs_per_s": round(len(ingested) / (end - start), 1),
        "progress_lines": progress,
    }


def latency(
    base: Path, node: TestNode, confirmations: int, block_time: float, samples: int
) -> dict:
    anvil = AnvilNode(CHAIN, block_time=block_time)
    anvil.start()
    bridge = None
    try:
        contract = deploy(anvil)
        net = {
            "caip2": CAIP2,
            "rpc_url": anvil.url,
            "contract": contract.address,
            "start_block": anvil.web3().eth.block_number,
            "confirmations": confirmations,
            "poll_interval": 0.2,
        }
        bridge = BridgeProc(base / "latency", node, [net])
        wait_for(lambda: bridge.events("caught_up"), 60, "bridge up")
        sender = Account.from_key(DEFAULT_PRIVATE_KEYS[2])
        for i in range(samples):
            contract.zr_key_req(
                Account.from_key(DEFAULT_PRIVATE_KEYS[i % 4]).address, sender=sender, value=PAY
            )
            time.sleep(block_time * 1.3)
        wait_for(
            lambda: len(bridge.events("ingested")) >= samples,
            timeout=60 + samples * block_time * (confirmations + 3),
            what="ingestion",
        )
        lat = []
        for e in bridge.events("ingested"):
            lat.append(zr_block_time(node, int(e["zr_height"])) - float(e["evm_time"]))
    finally:
        if bridge is not None:
            bridge.stop()
        anvil.stop()
    return {
        "samples": len(lat),
        "confirmations": confirmations,
        "evm_block_time_s": block_time,
        "median_s": round(statistics.median(lat), 2),
        "max_s": round(max(lat), 2),
        "min_s": round(min(lat), 2),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=10_000)
    ap.add_argument("--samples", type=int, default=20)
    ap.add_argument("--confirmations", type=int, default=2)
    ap.add_argument("--block-time", type=float, default=1.0)
    ap.add_argument("--no-node", action="store_true", help="follower-only figure")
    ap.add_argument("--out", default="", help="also write the JSON result here")
    args = ap.parse_args()
    result: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="bridge-bench-") as tmp:
        base = Path(tmp)
        anvil = AnvilNode(CHAIN, extra_args=["--gas-limit", "60000000"])
        anvil.start()
        node = None
        try:
            contract = deploy(anvil)
            first, _ = fill_history(anvil, contract, args.requests)
            result["backfill_follower_only"] = follower_only_rate(
                anvil, contract, first, args.requests
            )
            print("follower only:", result["backfill_follower_only"])
            if not args.no_node:
                node = start_node(base)
                result["backfill_end_to_end"] = end_to_end_rate(
                    base, node, anvil, contract, first, args.requests
                )
                print("end to end:", result["backfill_end_to_end"])
                result["latency"] = latency(
                    base, node, args.confirmations, args.block_time, args.samples
                )
                print("latency:", result["latency"])
        finally:
            if node is not None:
                node.stop()
            anvil.stop()
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        Path(args.out).write_text(text + "\n")


if __name__ == "__main__":
    main()
