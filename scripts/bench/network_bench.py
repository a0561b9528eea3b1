"""Throughput and latency of real networks, next to CometBFT's built-in kvstore app.

For each workload (bank sends; identity NewWorkspace when the identity module is present)
and each topology (1 and 4 validators on 127.0.0.1), N signed txs are fed through
``broadcast_tx_sync`` (spread over the validators' RPCs); commit times come from a
websocket ``NewBlock`` subscription. The same number of same-size txs goes to a kvstore
network of the same size with the same timeouts and feeder. Printed: committed tx/s,
p50/p99 broadcast->commit latency, ratios, the CPU time each process used per committed tx
during the load, the refused broadcasts by reason, and the memory of each process after the
run. ``--repeat N`` runs every pair N times, alternated, and prints the median ratios (one
run of a few seconds swings by a factor of two on a shared machine).

With ``--socket-kvstore`` a second baseline runs: the same kvstore served by CometBFT's
``abci-cli`` over an ABCI socket, as our app is (the built-in kvstore is called in-process,
with no socket round trip or flush throttle); its ratio separates the cost of the socket
from the cost of the app.

    .venv/bin/python scripts/bench/network_bench.py [--txs 2000] [--validators 1,4]
        [--concurrency 32] [--socket-kvstore] [--repeat 1]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import coincurve
from cosmpy.protos.cosmos.bank.v1beta1 import tx_pb2 as bank_tx

from zrchain import cometbft
from zrchain.client.chain import ChainClient
from zrchain.client.tx import build_tx, private_key_signer
from zrchain.codec.address import acc_string, pubkey_to_address
from zrchain.codec.coins import parse_coins
from zrchain.testing.genesis import add_account
from zrchain.testing.network import TestNetwork, validator_pubkey
from zrchain.testing.node import FAST_CONSENSUS, Ports, _die_with_parent

CONSENSUS = dict(FAST_CONSENSUS, **{"consensus.timeout_commit": "500ms"})


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used so far (0 if it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Result:
    name: str
    validators: int
    txs: int
    size: int
    committed: int = 0
    ok: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    rss: dict[str, float] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds during the load
    refused: Counter[str] = field(default_factory=Counter)  # broadcast errors by log

    def cpu_per_tx(self) -> str:
        n = max(1, self.committed)
        return ", ".join(f"{k} {v / n * 1e6:.0f}" for k, v in self.cpu.items())

    @property
    def tps(self) -> float:
        return self.committed / self.seconds if self.seconds else 0.0

    def pct(self, p: float) -> float:
        if not self.latencies:
            return 0.0
        xs = sorted(self.latencies)
        return xs[min(len(xs) - 1, int(p * len(xs)))]


async def run_load(
    rpc_urls: list[str],
    ws_url: str,
    txs: list[bytes],
    concurrency: int,
    refused: Counter[str],
    timeout: float = 300,
) -> tuple[dict[str, float], dict[str, float], float]:
    """Feed ``txs``; returns (broadcast time by hash, commit time by hash, wall seconds);
    counts the refused broadcasts in ``refused`` by the start of their log.

    Commit time = when the ``NewBlockHeader`` event of the tx's block arrived (headers are
    small, so CometBFT never drops this subscriber for being slow); which block holds a tx
    comes from fetching the blocks, so no tx can be missed.
    """
    sent: dict[str, float] = {}
    arrived: dict[int, float] = {}
    # One connection per feeder (aiohttp's default pool of 100 held feeders back, so an
    # account's next sequence could reach the node before its previous one).
    connector = aiohttp.TCPConnector(limit=concurrency + 2)
    async with aiohttp.ClientSession(connector=connector) as session:
        rpc = rpc_urls[0]

        async def call(method: str, **params: Any) -> Any:
            body = {"jsonrpc": "2.0", "id": 1, "method": method, "params": params}
            async with session.post(rpc, json=body) as r:
                return (await r.json())["result"]

        start_height = int((await call("status"))["sync_info"]["latest_block_height"])
        ws = await session.ws_connect(ws_url, max_msg_size=0)
        await ws.send_json(
            {
                "jsonrpc": "2.0",
                "id": 1,
                "method": "subscribe",
                "params": {"query": "tm.event='NewBlockHeader'"},
            }
        )

        async def listen() -> None:
            async for m in ws:
                value = json.loads(m.data).get("result", {}).get("data", {}).get("value", {})
                header = (value or {}).get("header")
                if header:
                    arrived.setdefault(int(header["height"]), time.perf_counter())

        listener = asyncio.create_task(listen())
        queue: asyncio.Queue[bytes] = asyncio.Queue()
        for t in txs:
            queue.put_nowait(t)

        async def worker(i: int) -> None:
            url = rpc_urls[i % len(rpc_urls)]
            while not queue.empty():
                t = queue.get_nowait()
                h = hashlib.sha256(t).hexdigest().upper()
                sent[h] = time.perf_counter()
                body = {
                    "jsonrpc": "2.0",
                    "id": 1,
                    "method": "broadcast_tx_sync",
                    "params": {"tx": base64.b64encode(t).decode()},
                }
                async with session.post(url, json=body) as r:
                    res = await r.json()
                if "error" in res or int(res.get("result", {}).get("code", 0)):
                    sent.pop(h)
                    err = res.get("error")
                    why = str(err.get("data") or err) if err else res["result"].get("log", "")
                    refused[re.sub(r"\d+", "N", why)[:90]] += 1  # one cause, one count

        t0 = time.perf_counter()
        await asyncio.gather(*(worker(i) for i in range(concurrency)))
        committed: dict[str, float] = {}
        next_height = start_height + 1
        deadline = time.monotonic() + timeout
        while len(committed) < len(sent) and time.monotonic() < deadline:
            top = int((await call("status"))["sync_info"]["latest_block_height"])
            while next_height <= top:
                block = await call("block", height=str(next_height))
                seen = arrived.get(next_height, time.perf_counter())
                for t in block["block"]["data"]["txs"] or []:
                    h = hashlib.sha256(base64.b64decode(t)).hexdigest().upper()
                    if h in sent:
                        committed[h] = seen
                next_height += 1
            await asyncio.sleep(0.05)
        listener.cancel()
        await ws.close()
        end = max(committed.values(), default=time.perf_counter())
        return sent, committed, end - t0


# -- zrchaind networks --------------------------------------------------------------------
@dataclass
class Workload:
    name: str
    make: Callable[[int, list[coincurve.PrivateKey], list[str], list[int]], list[bytes]]


def bank_sends(n: int, keys: list, addrs: list[str], numbers: list[int]) -> list[bytes]:
    s = len(keys)
    out = []
    for i in range(n):
        j = i % s
        msg = bank_tx.MsgSend(
            from_address=addrs[j],
            to_address=addrs[(j + 1) % s],
            amount=parse_coins("1urock").to_protos(),
        )
        out.append(
            build_tx(
                [msg],
                pubkey=keys[j].public_key.format(),
                sequence=i // s,
                account_number=numbers[j],
                chain_id="zenrock",
                sign=private_key_signer(keys[j].secret),
                fee=parse_coins("30urock"),
                gas_limit=300_000,
            )
        )
    return out


def new_workspaces(n: int, keys: list, addrs: list[str], numbers: list[int]) -> list[bytes]:
    from zrchain.codec.gen.zrchain.identity import tx_pb2 as id_tx

    s = len(keys)
    out = []
    for i in range(n):
        j = i % s
        msg = id_tx.MsgNewWorkspace(creator=addrs[j])
        out.append(
            build_tx(
                [msg],
                pubkey=keys[j].public_key.format(),
                sequence=i // s,
                account_number=numbers[j],
                chain_id="zenrock",
                sign=private_key_signer(keys[j].secret),
                fee=parse_coins("50urock"),
                gas_limit=500_000,
            )
        )
    return out


def workloads() -> list[Workload]:
    out = [Workload("bank send", bank_sends)]
    try:
        from zrchain.modules import default_modules

        if any(m.name == "identity" for m in default_modules()):
            out.append(Workload("NewWorkspace", new_workspaces))
    except Exception:
        pass
    return out


def run_zrchain(base: Path, validators: int, wl: Workload, n: int, concurrency: int) -> Result:
    senders = max(1, min(n, 1000))
    keys = [coincurve.PrivateKey(i.to_bytes(32, "big")) for i in range(1, senders + 1)]
    addrs = [acc_string(pubkey_to_address(k.public_key.format())) for k in keys]

    def genesis(doc: dict[str, Any]) -> None:
        for a in addrs:
            add_account(doc["app_state"], a, "1000000000urock")

    net = TestNetwork(
        base / f"zr-{validators}-{wl.name.replace(' ', '_')}", validators, consensus=CONSENSUS
    )
    net.init(genesis=genesis, dev_accounts=False).start(wait_height=2)
    try:
        cc = ChainClient(net.nodes[0].rpc_url)
        accounts = [cc.account(a) for a in addrs]
        numbers = [a.number for a in accounts if a is not None]
        assert len(numbers) == len(addrs), "every funded address has an account"
        txs = wl.make(n, keys, addrs, numbers)
        res = Result(f"zrchaind {wl.name}", validators, n, sum(map(len, txs)) // n)
        rpcs = [f"http://127.0.0.1:{x.ports.rpc}" for x in net.nodes]
        procs = {}
        for x in net.nodes:
            assert x.app_proc is not None and x.comet_proc is not None
            procs[f"{x.name} app"] = x.app_proc.pid
            procs[f"{x.name} comet"] = x.comet_proc.pid
        cpu0 = {k: cpu_seconds(pid) for k, pid in procs.items()}
        # consecutive sequences of one account must reach the same mempool first
        sent, committed, secs = asyncio.run(
            run_load(
                rpcs[:1],
                f"ws://127.0.0.1:{net.nodes[0].ports.rpc}/websocket",
                txs,
                concurrency,
                res.refused,
            )
        )
        res.cpu = {k: cpu_seconds(pid) - cpu0[k] for k, pid in procs.items()}
        res.committed, res.seconds = len(committed), secs
        res.latencies = [committed[h] - sent[h] for h in committed if h in sent]
        res.ok = res.committed
        for x in net.nodes:
            assert x.app_proc is not None and x.comet_proc is not None
            res.rss[f"{x.name} app"] = rss_mb(x.app_proc.pid)
            res.rss[f"{x.name} comet"] = rss_mb(x.comet_proc.pid)
        return res
    finally:
        net.stop()


# -- kvstore networks ------------------------------------------------------------------------
def comet_genesis_validator(pubkey: bytes, power: int) -> dict[str, Any]:
    """A validator entry of CometBFT's own genesis.json (the kvstore app has no gentxs)."""
    return {
        "address": hashlib.sha256(pubkey).digest()[:20].hex().upper(),
        "pub_key": {"type": "tendermint/PubKeyEd25519", "value": base64.b64encode(pubkey).decode()},
        "power": str(power),
        "name": "",
    }


def abci_cli() -> str:
    root = Path(__file__).resolve().parents[2]
    subprocess.run([str(root / "scripts" / "install-cometbft.sh"), "abci-cli"], check=True)
    return str(root / ".tools" / "bin" / "abci-cli")


def run_kvstore(
    base: Path, validators: int, n: int, size: int, concurrency: int, socket: bool = False
) -> Result:
    binary = cometbft.find_binary()
    kind = "socket" if socket else "builtin"
    homes = [base / f"kv-{kind}-{validators}-{size}-{i}" for i in range(validators)]
    ports = [Ports() for _ in homes]
    for h in homes:
        subprocess.run([binary, "init", "--home", str(h)], check=True, capture_output=True)
    genesis = json.loads((homes[0] / "config" / "genesis.json").read_text())
    genesis["validators"] = [comet_genesis_validator(validator_pubkey(h), 10) for h in homes]
    ids = [cometbft.node_id(binary, str(h)) for h in homes]
    procs: list[subprocess.Popen[bytes]] = []
    names: list[str] = []
    try:
        for i, h in enumerate(homes):
            (h / "config" / "genesis.json").write_text(json.dumps(genesis))
            peers = ",".join(
                f"{ids[j]}@127.0.0.1:{ports[j].p2p}" for j in range(validators) if j != i
            )
            cometbft.patch_toml(
                h / "config" / "config.toml",
                {
                    "rpc.laddr": f"tcp://127.0.0.1:{ports[i].rpc}",
                    "p2p.laddr": f"tcp://127.0.0.1:{ports[i].p2p}",
                    "p2p.persistent_peers": peers,
                    "p2p.addr_book_strict": False,
                    "p2p.allow_duplicate_ip": True,
                    **CONSENSUS,
                },
            )
            log = open(h / "comet.log", "wb")  # noqa: SIM115 - lives as long as the process
            proxy_app = "kvstore"
            if socket:
                proxy_app = f"tcp://127.0.0.1:{ports[i].abci}"
                names.append(f"node{i} abci-cli")
                procs.append(
                    subprocess.Popen(
                        [abci_cli(), "kvstore", "--address", proxy_app, "--log_level", "error"],
                        stdout=log,
                        stderr=subprocess.STDOUT,
                        preexec_fn=_die_with_parent,
                    )
                )
                time.sleep(0.5)
            names.append(f"node{i} comet")
            procs.append(
                subprocess.Popen(
                    [binary, "start", "--home", str(h), "--proxy_app", proxy_app],
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    preexec_fn=_die_with_parent,
                )
            )
        from zrchain.client.rpc import CometRPC

        rpc = CometRPC(f"tcp://127.0.0.1:{ports[0].rpc}")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if rpc.latest_height() >= 2:
                    break
            except Exception:
                pass
            time.sleep(0.1)
        pad = max(0, size - 12)
        txs = [f"k{i:08d}=".encode() + b"v" * pad for i in range(n)]
        res = Result(f"kvstore ({kind})", validators, n, len(txs[0]))
        cpu0 = [cpu_seconds(p.pid) for p in procs]
        sent, committed, secs = asyncio.run(
            run_load(
                [f"http://127.0.0.1:{ports[0].rpc}"],
                f"ws://127.0.0.1:{ports[0].rpc}/websocket",
                txs,
                concurrency,
                res.refused,
            )
        )
        res.cpu = {
            name: cpu_seconds(p.pid) - c0 for name, p, c0 in zip(names, procs, cpu0, strict=True)
        }
        res.committed = res.ok = len(committed)
        res.seconds = secs
        res.latencies = [committed[h] - sent[h] for h in committed if h in sent]
        for name, p in zip(names, procs, strict=True):
            res.rss[name] = rss_mb(p.pid)
        return res
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(20)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--txs", type=int, default=2000)
    ap.add_argument("--validators", default="1,4")
    ap.add_argument("--concurrency", type=int, default=32)
    ap.add_argument("--socket-kvstore", action="store_true", help="also kvstore over a socket")
    ap.add_argument(
        "--repeat", type=int, default=1, help="rounds of every run, alternated; medians printed"
    )
    args = ap.parse_args()
    sizes = [int(v) for v in args.validators.split(",")]
    rows: list[tuple[Result, Result]] = []
    socket_rows: dict[tuple[str, int, int], Result] = {}
    with tempfile.TemporaryDirectory() as d:
        for rnd in range(args.repeat):
            base = Path(d) / f"round{rnd}"
            for wl in workloads():
                for v in sizes:
                    print(f"running {wl.name} on {v} validator(s) ...", file=sys.stderr)
                    zr = run_zrchain(base, v, wl, args.txs, args.concurrency)
                    kv = run_kvstore(base, v, args.txs, zr.size, args.concurrency)
                    rows.append((zr, kv))
                    if args.socket_kvstore:
                        socket_rows[(zr.name, v, len(rows))] = run_kvstore(
                            base, v, args.txs, zr.size, args.concurrency, socket=True
                        )
    print(
        f"\n{args.txs} txs per run, broadcast_tx_sync x{args.concurrency}, "
        f"timeout_commit {CONSENSUS['consensus.timeout_commit']}, 127.0.0.1, same machine"
    )
    head = (
        f"{'workload':<24} {'vals':>4} {'bytes':>5} {'committed':>9} {'tx/s':>7} "
        f"{'p50 ms':>7} {'p99 ms':>7} {'kv tx/s':>8} {'kv p50':>7} {'kv p99':>7} "
        f"{'ratio':>6}"
    )
    print(head)
    for zr, kv in rows:
        print(
            f"{zr.name:<24} {zr.validators:>4} {zr.size:>5} {zr.committed:>9} "
            f"{zr.tps:>7.0f} {zr.pct(0.5) * 1000:>7.0f} {zr.pct(0.99) * 1000:>7.0f} "
            f"{kv.tps:>8.0f} {kv.pct(0.5) * 1000:>7.0f} {kv.pct(0.99) * 1000:>7.0f} "
            f"{zr.tps / kv.tps if kv.tps else 0:>6.2f}"
        )
    if args.repeat > 1:
        print(f"\nmedians of {args.repeat} rounds:")
        for name, vals in dict.fromkeys((zr.name, zr.validators) for zr, _ in rows):
            mine = [(zr, kv) for zr, kv in rows if (zr.name, zr.validators) == (name, vals)]
            med = statistics.median
            ratios = [zr.tps / kv.tps for zr, kv in mine if kv.tps]  # a round kvstore lost: out
            print(
                f"{name:<24} {vals:>4}  tx/s {med(zr.tps for zr, _ in mine):>7.0f}  "
                f"kv tx/s {med(kv.tps for _, kv in mine):>7.0f}  ratio "
                f"{med(ratios) if ratios else 0:.2f} "
                f"(rounds: {', '.join(f'{r:.2f}' for r in ratios)})"
            )
    if socket_rows:
        print("\nthe same kvstore over an ABCI socket (abci-cli), same runs:")
        for i, (zr, _) in enumerate(rows, start=1):
            sk = socket_rows[(zr.name, zr.validators, i)]
            print(
                f"{zr.name:<24} {zr.validators:>4}  socket kv tx/s {sk.tps:>7.0f}  "
                f"p50 {sk.pct(0.5) * 1000:>5.0f} ms  p99 {sk.pct(0.99) * 1000:>5.0f} ms  "
                f"ratio {zr.tps / sk.tps if sk.tps else 0:.2f}"
            )
    print("\nCPU time per committed tx during the load (µs; 2 cores = 2 s per wall second):")
    for i, (zr, kv) in enumerate(rows, start=1):
        print(f"  {zr.name} x{zr.validators}: {zr.cpu_per_tx()}")
        print(f"  kvstore x{kv.validators}: {kv.cpu_per_tx()}")
        if (zr.name, zr.validators, i) in socket_rows:
            sk = socket_rows[(zr.name, zr.validators, i)]
            print(f"  socket kvstore x{sk.validators}: {sk.cpu_per_tx()}")
    refusals = [(r.name, r.validators, r.refused) for zr, kv in rows for r in (zr, kv)]
    refusals += [(r.name, r.validators, r.refused) for r in socket_rows.values()]
    for name, vals, refused in refusals:
        if refused:
            print(f"  refused in {name} x{vals}: {sum(refused.values())} txs")
        for why, count in refused.most_common(3):
            print(f"    {count} x {why!r}")
    print("\nmemory after each run (MB):")
    for zr, kv in rows:
        mem = ", ".join(f"{k} {v:.0f}" for k, v in zr.rss.items())
        kvm = ", ".join(f"{k} {v:.0f}" for k, v in kv.rss.items())
        print(f"  {zr.name} x{zr.validators}: {mem}\n  kvstore x{kv.validators}: {kvm}")


if __name__ == "__main__":
    main()
