"""How long a new node needs to join: blocksync (replay every block) vs state sync
(restore a snapshot), on a chain whose state holds --accounts funded accounts.

    .venv/bin/python scripts/bench/join_bench.py [--accounts 100000] [--blocks 200]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from zrchain.codec.address import acc_string
from zrchain.testing.network import TestNetwork
from zrchain.testing.node import FAST_CONSENSUS


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--accounts", type=int, default=100_000)
    ap.add_argument("--blocks", type=int, default=200)
    ap.add_argument("--snapshot-interval", type=int, default=50)
    args = ap.parse_args()

    def genesis(doc: dict) -> None:
        accounts = doc["app_state"]["auth"].setdefault("accounts", [])
        balances = doc["app_state"]["bank"].setdefault("balances", [])
        for i in range(args.accounts):
            a = acc_string((i + 1).to_bytes(20, "big"))
            accounts.append(
                {
                    "@type": "/cosmos.auth.v1beta1.BaseAccount",
                    "address": a,
                    "pub_key": None,
                    "account_number": "0",
                    "sequence": "0",
                }
            )
            balances.append({"address": a, "coins": [{"denom": "urock", "amount": "1000"}]})

    with tempfile.TemporaryDirectory() as d:
        net = TestNetwork(
            Path(d),
            validators=2,
            consensus=FAST_CONSENSUS,
            snapshot_interval=args.snapshot_interval,
        )
        print(f"genesis with {args.accounts:,} accounts ...", file=sys.stderr)
        net.init(genesis=genesis, dev_accounts=False)
        t0 = time.perf_counter()
        net.start(wait_height=1, timeout=600)
        print(f"  InitChain + first block: {time.perf_counter() - t0:.1f} s", file=sys.stderr)
        net.wait_height(args.blocks, timeout=1200)
        try:
            t0 = time.perf_counter()
            net.add_node("blocksync", statesync=False)
            blocksync = time.perf_counter() - t0
            net.wait_height(net.nodes[0].height() + 2)
            t0 = time.perf_counter()
            ss = net.add_node("statesync", statesync=True)
            statesync = time.perf_counter() - t0
            restored = "restored height" in ss.tail("app", 200)
        finally:
            net.stop()
    print(
        f"\njoining a chain at height ~{args.blocks} with {args.accounts:,} accounts "
        f"(2 validators, snapshots every {args.snapshot_interval} blocks):"
    )
    print(f"  blocksync (InitChain + replay every block): {blocksync:7.1f} s")
    print(
        f"  state sync (discover, fetch, restore, verify): {statesync:7.1f} s"
        f"{'' if restored else '  (WARNING: no restore seen in the log)'}"
    )
    print("  (state sync includes CometBFT's 15 s snapshot discovery window)")


if __name__ == "__main__":
    main()
