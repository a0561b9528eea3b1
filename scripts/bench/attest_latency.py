"""EVM block -> zrChain request latency: attested ingestion against the relayer path, in the
same run on the same events (issue 19).

One anvil network mining a block every `--block-time` seconds, one zrSign contract; two real
single-validator chains (CometBFT + zrchaind) follow it: R through the EVM bridge process
(relayer path), A through its own follower and vote extensions (attestation on, extensions
from height 1). `--samples` zrKeyReq txs, one per EVM block; for each, the time from the EVM
block's timestamp to the timestamp of the zrChain block that created the request (R: the
bridge's `ingested` log; A: the injection's `attested_request` event); medians, extremes and
the ratio of the medians are printed, and the injection sizes.

    .venv/bin/python scripts/bench/attest_latency.py [--samples 10] [--confirmations 2]
        [--block-time 1]
"""

from __future__ import annotations

import argparse
import base64
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from eth_account import Account
from eth_utils import keccak

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bridge_bench import (
    CAIP2,
    CHAIN,
    PAY,
    BridgeProc,
    deploy,
    start_node,
    wait_for,
    zr_block_time,
)

from zrchain.config import load as load_config
from zrchain.config import save as save_config
from zrchain.testing.anvil import DEFAULT_PRIVATE_KEYS, AnvilNode
from zrchain.testing.node import TestNode


def start_attesting_node(base: Path, net: dict[str, Any]) -> TestNode:
    """bridge_bench's node with attestation on from height 1, following ``net`` itself."""

    def edit(node: TestNode, doc: dict[str, Any]) -> None:
        doc["app_state"]["attest"] = {"params": {"enabled": True, "max_defer_blocks": "2000"}}
        doc["consensus_params"]["abci"]["vote_extensions_enable_height"] = "1"
        lines = ["[[networks]]"] + [f"{k} = {json.dumps(v)}" for k, v in net.items()]
        (node.home / "config" / "attest-networks.toml").write_text("\n".join(lines) + "\n")
        cfg = load_config(node.home)
        cfg.attestation_networks = "attest-networks.toml"
        save_config(node.home, cfg)

    return start_node(base, edit)


def attested(node: TestNode) -> list[tuple[int, int]]:
    """(EVM block, zrChain height) of every request the node created by attestation."""
    out = []
    for h in range(1, node.height() + 1):
        res = node.rpc.block_results(h)
        for tx in res.get("txs_results") or []:
            for ev in tx.get("events") or []:
                if ev["type"] != "attested_request":
                    continue
                attrs = {a["key"]: a["value"] for a in ev["attributes"]}
                if attrs.get("outcome") == "created":
                    out.append((int(attrs["evm_block"]), h))
    return out


def summary(lat: list[float]) -> str:
    return (
        f"n={len(lat)} median {statistics.median(lat):.2f}s min {min(lat):.2f}s max {max(lat):.2f}s"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--samples", type=int, default=10)
    ap.add_argument("--confirmations", type=int, default=2)
    ap.add_argument("--block-time", type=float, default=1.0)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="attest-latency-") as tmp:
        base = Path(tmp)
        anvil = AnvilNode(CHAIN, block_time=args.block_time)
        anvil.start()
        relayer_node = attest_node = bridge = None
        try:
            contract = deploy(anvil)
            net = {
                "caip2": CAIP2,
                "rpc_url": anvil.url,
                "contract": contract.address,
                "start_block": anvil.web3().eth.block_number,
                "confirmations": args.confirmations,
                "poll_interval": 0.2,
            }
            relayer_node = start_node(base / "relayer")
            attest_node = start_attesting_node(base / "attest", net)
            bridge = BridgeProc(base / "bridge", relayer_node, [net])
            wait_for(lambda: bridge.events("caught_up"), 60, "bridge up")
            sender = Account.from_key(DEFAULT_PRIVATE_KEYS[2])
            for i in range(args.samples):
                owner = Account.from_key(keccak(text=f"latency owner {i}")).address
                contract.zr_key_req(owner, sender=sender, value=PAY)
                time.sleep(args.block_time * 1.3)
            timeout = 60 + args.samples * args.block_time * (args.confirmations + 3)
            wait_for(lambda: len(bridge.events("ingested")) >= args.samples, timeout, "relayer")
            wait_for(lambda: len(attested(attest_node)) >= args.samples, timeout, "attestation")
            w3 = anvil.web3()
            relayer = [
                zr_block_time(relayer_node, int(e["zr_height"])) - float(e["evm_time"])
                for e in bridge.events("ingested")
            ]
            att = [
                zr_block_time(attest_node, h) - int(w3.eth.get_block(b)["timestamp"])
                for b, h in attested(attest_node)
            ]
            injections = []
            for h in range(1, attest_node.height() + 1):
                txs = attest_node.rpc.block(h)["block"]["data"]["txs"] or []
                first = base64.b64decode(txs[0]) if txs else b""
                if first[:1] == b"\xff":
                    injections.append(len(first))
            print(f"EVM block time {args.block_time}s, confirmations {args.confirmations}")
            print(f"relayer path (bridge process): {summary(relayer)}")
            print(f"attestation (vote extensions): {summary(att)}")
            print(f"ratio of medians: {statistics.median(att) / statistics.median(relayer):.2f}")
            print(f"injection bytes per injecting block (1 validator): {injections}")
        finally:
            if bridge is not None:
                bridge.stop()
            for n in (attest_node, relayer_node):
                if n is not None:
                    n.stop()
            anvil.stop()


if __name__ == "__main__":
    main()
