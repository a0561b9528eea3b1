"""End-to-end committed throughput on a one-validator localnet, fed through
``broadcast_tx_sync``, next to CometBFT's built-in ``kvstore`` app fed the same number of
same-size txs in the same run (same consensus timeouts, same feeder).

    .venv/bin/python scripts/bench/e2e_tps.py [--txs 3000] [--concurrency 32]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
import coincurve
from cosmpy.protos.cosmos.bank.v1beta1 import tx_pb2 as bank_tx

from zrchain import cometbft
from zrchain.client.rpc import CometRPC
from zrchain.client.tx import build_tx, private_key_signer
from zrchain.codec.address import acc_string, pubkey_to_address
from zrchain.codec.coins import parse_coins
from zrchain.testing.genesis import add_account
from zrchain.testing.node import FAST_CONSENSUS, Ports, TestNode, _die_with_parent

CONSENSUS = dict(FAST_CONSENSUS, **{"consensus.timeout_commit": "500ms"})


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


async def feed(url: str, txs: list[bytes], concurrency: int) -> tuple[float, int]:
    """broadcast_tx_sync every tx with ``concurrency`` requests in flight; (seconds, rejected)."""
    queue: asyncio.Queue[bytes] = asyncio.Queue()
    for t in txs:
        queue.put_nowait(t)
    rejected = 0

    async def worker(session: aiohttp.ClientSession) -> None:
        nonlocal rejected
        while not queue.empty():
            t = queue.get_nowait()
            body = {
                "jsonrpc": "2.0",
                "id": 1,
                "method": "broadcast_tx_sync",
                "params": {"tx": base64.b64encode(t).decode()},
            }
            async with session.post(url, json=body) as r:
                res = await r.json()
            if "error" in res or int(res.get("result", {}).get("code", 0)) != 0:
                rejected += 1

    t0 = time.perf_counter()
    conn = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=conn) as s:
        await asyncio.gather(*(worker(s) for _ in range(concurrency)))
    return time.perf_counter() - t0, rejected


def committed_since(rpc: CometRPC, start: int, want: int, timeout: float) -> tuple[float, int]:
    """Wait until ``want`` txs are in blocks after ``start``; (time of the last one, count)."""
    deadline = time.monotonic() + timeout
    seen, h = 0, start + 1
    last = time.perf_counter()
    while seen < want and time.monotonic() < deadline:
        top = rpc.latest_height()
        while h <= top:
            n = len(rpc.block(h)["block"]["data"]["txs"] or [])
            if n:
                seen += n
                last = time.perf_counter()
            h += 1
        time.sleep(0.05)
    return last, seen


def run_zrchain(base: Path, n_txs: int, concurrency: int) -> dict:
    senders = max(1, n_txs // 2)
    keys = [coincurve.PrivateKey(i.to_bytes(32, "big")) for i in range(1, senders + 1)]
    addrs = [acc_string(pubkey_to_address(k.public_key.format())) for k in keys]
    node = TestNode(base, "zr", consensus=CONSENSUS)

    def genesis(doc: dict) -> None:
        for a in addrs:
            add_account(doc["app_state"], a, "1000000000urock")

    node.init(genesis=genesis).start()
    try:
        from zrchain.client.chain import ChainClient

        cc = ChainClient(node.rpc_url)
        numbers = [cc.account(a).number for a in addrs]
        fee = parse_coins("20urock")
        txs = []
        for i in range(n_txs):
            j = i % senders
            msg = bank_tx.MsgSend(
                from_address=addrs[j],
                to_address=addrs[(j + 1) % senders],
                amount=parse_coins("1urock").to_protos(),
            )
            txs.append(
                build_tx(
                    [msg],
                    pubkey=keys[j].public_key.format(),
                    sequence=i // senders,
                    account_number=numbers[j],
                    chain_id="zenrock",
                    sign=private_key_signer(keys[j].secret),
                    fee=fee,
                    gas_limit=200_000,
                )
            )
        size = sum(len(t) for t in txs) // len(txs)
        start = node.height()
        t0 = time.perf_counter()
        feed_s, rejected = asyncio.run(feed(f"http://127.0.0.1:{node.ports.rpc}", txs, concurrency))
        last, seen = committed_since(node.rpc, start, n_txs - rejected, 300)
        ok = sum(1 for r in cc_results(node, start) if r == 0)
        return {
            "name": "zrchaind (bank sends)",
            "txs": n_txs,
            "size": size,
            "committed": seen,
            "ok": ok,
            "rejected": rejected,
            "feed_s": feed_s,
            "total_s": last - t0,
            "rss_app": rss_mb(node.app_proc.pid),
            "rss_comet": rss_mb(node.comet_proc.pid),
        }
    finally:
        node.stop()


def cc_results(node: TestNode, start: int) -> list[int]:
    codes = []
    for h in range(start + 1, node.height() + 1):
        res = node.rpc.block_results(h)
        codes += [int(r.get("code", 0)) for r in res.get("txs_results") or []]
    return codes


def run_kvstore(base: Path, n_txs: int, size: int, concurrency: int) -> dict:
    binary = cometbft.find_binary()
    home = base / "kv"
    subprocess.run([binary, "init", "--home", str(home)], check=True, capture_output=True)
    ports = Ports()
    cometbft.patch_toml(
        home / "config" / "config.toml",
        {
            "rpc.laddr": f"tcp://127.0.0.1:{ports.rpc}",
            "p2p.laddr": f"tcp://127.0.0.1:{ports.p2p}",
            **CONSENSUS,
        },
    )
    log = open(home / "comet.log", "wb")  # noqa: SIM115 - lives as long as the process
    proc = subprocess.Popen(
        [binary, "start", "--home", str(home), "--proxy_app", "kvstore"],
        stdout=log,
        stderr=subprocess.STDOUT,
        preexec_fn=_die_with_parent,
    )
    rpc = CometRPC(f"tcp://127.0.0.1:{ports.rpc}")
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if rpc.latest_height() >= 1:
                    break
            except Exception:
                pass
            time.sleep(0.1)
        pad = max(0, size - 12)
        txs = [f"k{i:08d}=".encode() + b"v" * pad for i in range(n_txs)]
        start = rpc.latest_height()
        t0 = time.perf_counter()
        feed_s, rejected = asyncio.run(feed(f"http://127.0.0.1:{ports.rpc}", txs, concurrency))
        last, seen = committed_since(rpc, start, n_txs - rejected, 300)
        return {
            "name": "cometbft kvstore",
            "txs": n_txs,
            "size": len(txs[0]),
            "committed": seen,
            "ok": seen,
            "rejected": rejected,
            "feed_s": feed_s,
            "total_s": last - t0,
            "rss_app": 0.0,
            "rss_comet": rss_mb(proc.pid),
        }
    finally:
        proc.terminate()
        proc.wait(20)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--txs", type=int, default=3000)
    ap.add_argument("--concurrency", type=int, default=32)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        zr = run_zrchain(Path(d), args.txs, args.concurrency)
        kv = run_kvstore(Path(d), args.txs, zr["size"], args.concurrency)
    rows = [zr, kv]
    if args.json:
        print(json.dumps(rows))
        return
    print(
        f"\n{args.txs} txs of ~{zr['size']} bytes, broadcast_tx_sync x{args.concurrency}, "
        f"timeout_commit {CONSENSUS['consensus.timeout_commit']}"
    )
    print(
        f"{'':24} {'committed':>9} {'ok':>6} {'feed s':>7} {'total s':>8} {'tx/s':>8} "
        f"{'RSS app MB':>10} {'RSS comet MB':>12}"
    )
    for r in rows:
        tps = r["committed"] / r["total_s"] if r["total_s"] else 0
        r["tps"] = tps
        print(
            f"{r['name']:24} {r['committed']:>9} {r['ok']:>6} {r['feed_s']:>7.2f} "
            f"{r['total_s']:>8.2f} {tps:>8.0f} {r['rss_app']:>10.0f} {r['rss_comet']:>12.0f}"
        )
    print(f"\nratio zrchaind / kvstore committed tx/s: {zr['tps'] / kv['tps']:.2f}")
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
