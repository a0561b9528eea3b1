"""MPC keeper figures on a real node (CometBFT + zrchaind) with a real keeper process:

1. **Backlog throughput**: ``--keys`` key requests and ``--sigs`` signature requests are
   queued while the keeper is stopped; then it starts and we measure fulfilments per second
   (a) from process start to the last fulfilment, and (b) between the first and the last
   block holding a fulfilment (the keeper's steady rate, without its start-up).
2. **Latency under a steady stream**: with the keeper running, ``--stream`` requests (half
   key, half signature) arrive in small txs, one every ``--interval`` seconds; latency is
   (height of the block fulfilling the request) - (height of the block creating it), from
   the chain's own events (``new_key_request`` / ``new_sign_request`` vs
   ``key_request_fulfilled`` / ``sign_request_fulfilled``).

One 1-of-1 keyring, ``local`` backend, the node with the test suite's fast consensus
timeouts (``timeout_commit`` 150 ms). Everything runs on this machine.

    .venv/bin/python scripts/bench/keeper_bench.py [--keys 1000] [--sigs 1000] [--batch 100]
        [--in-flight 4] [--stream 300] [--interval 0.15] [--json out.json]
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from zrchain.client.chain import ChainClient
from zrchain.crypto import keys
from zrchain.mpc.answers import Status
from zrchain.mpc.backend import RequestKind
from zrchain.mpc.chainview import RpcChainView
from zrchain.mpc.testing import Actor, KeeperProcess, event_heights, key_request, wait_status
from zrchain.testing.node import TestNode, zrchaind

CHAIN_ID = "zenrock"
OWNER = bytes([0x51]) * 32
PARTY = bytes([0x61]) * 32
FUNDS = "1000000000000urock"


def start_node(base: Path) -> TestNode:
    node = TestNode(base)
    home = str(node.home)
    zrchaind("init", "bench", "--chain-id", CHAIN_ID, "--home", home)
    node.configure()
    node.add_genesis_validator()  # gentx + collect-gentxs, as an operator
    for secret in (OWNER, PARTY):
        addr = keys.account_address(keys.public_key(secret))
        zrchaind("genesis", "add-genesis-account", addr, FUNDS, "--home", home)
    doc = node.genesis()
    doc["app_state"]["identity"]["params"]["keyring_creation_fee"] = "0"
    doc["app_state"]["treasury"]["params"]["default_btl"] = "100000"
    node.write_genesis(doc)
    return node.start()


def open_count(view: RpcChainView, keyring: str) -> int:
    h = view.latest_height()
    return sum(
        1
        for kind in (RequestKind.KEY, RequestKind.SIGNATURE)
        for r in view.open_requests(kind, keyring, 1, h)
        if r.status in (Status.PENDING, Status.PARTIAL)
    )


def block_time(client: ChainClient, height: int) -> float:
    from datetime import datetime

    t = client.rpc.block(height)["block"]["header"]["time"]
    # RFC 3339 with nanoseconds: keep microseconds for datetime
    head, _, frac = t.rstrip("Z").partition(".")
    stamp = datetime.fromisoformat(head + "." + (frac + "000000")[:6] + "+00:00")
    return stamp.timestamp()


def latencies(client: ChainClient, start: int, end: int) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for kind, new, done in (
        ("key", "new_key_request", "key_request_fulfilled"),
        ("signature", "new_sign_request", "sign_request_fulfilled"),
    ):
        created = event_heights(client, new, start, end)
        fulfilled = event_heights(client, done, start, end)
        out[kind] = [fulfilled[r] - h for r, h in created.items() if r in fulfilled]
    return out


def summary(values: list[int]) -> dict[str, Any]:
    if not values:
        return {"n": 0}
    return {
        "n": len(values),
        "median": statistics.median(values),
        "p90": sorted(values)[int(0.9 * (len(values) - 1))],
        "max": max(values),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--keys", type=int, default=1000)
    ap.add_argument("--sigs", type=int, default=1000)
    ap.add_argument("--batch", type=int, default=100, help="keeper [batch] max_answers")
    ap.add_argument("--in-flight", type=int, default=4, help="keeper [batch] max_in_flight_txs")
    ap.add_argument("--stream", type=int, default=300, help="requests in the latency phase")
    ap.add_argument("--interval", type=float, default=0.15, help="seconds between stream txs")
    ap.add_argument("--json", default="", help="also write the figures here")
    args = ap.parse_args()

    base = Path(tempfile.mkdtemp(prefix="keeper-bench-"))
    node = start_node(base)
    keeper: KeeperProcess | None = None
    try:
        client = ChainClient(node.rpc_url, CHAIN_ID)
        view = RpcChainView(node.rpc_url, CHAIN_ID)
        owner = Actor(client, OWNER)
        ws = owner.new_workspace()
        party_addr = keys.account_address(keys.public_key(PARTY))
        kr = owner.new_keyring([party_addr], 1)
        keeper = KeeperProcess(
            base,
            "keeper",
            node.rpc_url,
            CHAIN_ID,
            kr,
            PARTY,
            settings={
                "batch": {"max_answers": args.batch, "max_in_flight_txs": args.in_flight},
                "log": {"level": "info"},
            },
        )
        # keys to sign with
        keeper.start()
        sign_keys = []
        for _ in range(10):
            rid, _ = owner.key_request(ws, kr, "ecdsa")
            sign_keys.append(rid)
        for rid in sign_keys:
            wait_status(
                functools.partial(key_request, client, rid), {"KEY_REQUEST_STATUS_FULFILLED"}
            )
        keeper.stop()

        # -- 1. backlog ----------------------------------------------------------------------
        q0 = node.height()
        msgs: list[Any] = [owner.key_request_msg(ws, kr, "ecdsa") for _ in range(args.keys)]
        from zrchain.codec.gen.zrchain.treasury import tx_pb2 as ttx

        for i in range(args.sigs):
            digest = hashlib.sha256(b"bench %d" % i).digest()
            msgs.append(
                ttx.MsgNewSignatureRequest(
                    creator=owner.address,
                    key_ids=[sign_keys[i % len(sign_keys)]],
                    data_for_signing=digest.hex(),
                )
            )
        batches = [msgs[i : i + 100] for i in range(0, len(msgs), 100)]
        hashes = owner.send_many(batches, gas_per_msg=120_000)
        for h in hashes:
            client.wait_tx(h, timeout=120)
        queued = open_count(view, kr)
        print(f"queued {queued} open requests (heights {q0}..{node.height()})", file=sys.stderr)
        t0 = time.monotonic()
        h0 = node.height()
        keeper.start()
        while open_count(view, kr) > 0:
            if time.monotonic() - t0 > 600:
                raise TimeoutError("backlog not drained in 600 s")
            time.sleep(0.2)
        wall = time.monotonic() - t0
        h1 = node.height()
        fulfil_heights = sorted(
            set(event_heights(client, "key_request_fulfilled", h0, h1).values())
            | set(event_heights(client, "sign_request_fulfilled", h0, h1).values())
        )
        first, last = fulfil_heights[0], fulfil_heights[-1]
        span = block_time(client, last) - block_time(client, first)
        blocks = last - first + 1
        backlog = {
            "requests": queued,
            "wall_seconds_from_process_start": round(wall, 2),
            "fulfilments_per_second_from_start": round(queued / wall, 1),
            "blocks_with_fulfilments": blocks,
            "first_to_last_fulfilment_seconds": round(span, 2),
            "fulfilments_per_second_steady": round(queued / span, 1) if span > 0 else None,
            "answers_per_block": round(queued / blocks, 1),
        }
        print(json.dumps({"backlog": backlog}), file=sys.stderr)

        # -- 2. latency under a steady stream ----------------------------------------------------
        s0 = node.height()
        acct = client.account(owner.address)
        assert acct is not None
        sequence = acct.sequence
        sent = 0
        i = 0
        while sent < args.stream:
            per_tx = 2
            batch = [owner.key_request_msg(ws, kr, "ecdsa")]
            digest = hashlib.sha256(b"stream %d" % i).digest()
            batch.append(
                ttx.MsgNewSignatureRequest(
                    creator=owner.address,
                    key_ids=[sign_keys[i % len(sign_keys)]],
                    data_for_signing=digest.hex(),
                )
            )
            owner.send_many([batch], gas_per_msg=150_000, sequence=sequence)
            sequence += 1
            sent += per_tx
            i += 1
            time.sleep(args.interval)
        deadline = time.monotonic() + 120
        while open_count(view, kr) > 0 and time.monotonic() < deadline:
            time.sleep(0.2)
        s1 = node.wait_height(node.height() + 2)
        lat = latencies(client, s0 - 1, s1)
        # backlog: blocks from the keeper's first block to each fulfilment (queue time while
        # it was stopped excluded)
        fulfil = {
            **{
                ("k", r): h
                for r, h in event_heights(client, "key_request_fulfilled", h0, h1).items()
            },
            **{
                ("s", r): h
                for r, h in event_heights(client, "sign_request_fulfilled", h0, h1).items()
            },
        }
        backlog_lat = [h - h0 for h in fulfil.values()]
        stream = {
            "requests": sum(len(v) for v in lat.values()),
            "blocks": s1 - s0,
            "key": summary(lat["key"]),
            "signature": summary(lat["signature"]),
            "all": summary(lat["key"] + lat["signature"]),
        }
        result = {
            "settings": {
                "batch_max_answers": args.batch,
                "max_in_flight_txs": args.in_flight,
                "timeout_commit": "150ms",
                "backend": "local",
            },
            "backlog": backlog,
            "backlog_blocks_from_keeper_start": summary(backlog_lat),
            "stream_latency_blocks": stream,
        }
        print(json.dumps(result, indent=2))
        if args.json:
            Path(args.json).write_text(json.dumps(result, indent=2) + "\n")
        return 0
    finally:
        if keeper is not None:
            keeper.stop()
        node.stop()


if __name__ == "__main__":
    sys.exit(main())
