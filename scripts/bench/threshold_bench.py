"""Threshold keyring figures (DKLs23 ECDSA, FROST Ed25519) for 2-of-3 and 3-of-5:

1. **Protocol only, over the real transport**: the parties' threshold backends in one
   process, each with its own Noise/TCP endpoint on 127.0.0.1 (agreement, rounds, echo
   broadcasts, keygen confirmation -- everything but the chain). Baseline measured in the
   same run: the same protocol with messages handed over in memory (no transport, no
   agreement), so ``transport x`` is the cost of the network layer. Bytes per signing are
   the protocol messages all signers sent (what the peers' Noise channels carried).
2. **End to end** (``--e2e``): a real node and one real keeper process per party; latency
   from the block holding the request to the block where the chain marked it FULFILLED,
   in blocks and seconds (block times), for key and signature requests sent one by one.

    .venv/bin/python scripts/bench/threshold_bench.py [--runs 10] [--e2e] [--e2e-requests 5]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import zrchain_tss as tss

from zrchain.chains.keys import KeyType
from zrchain.crypto import keys
from zrchain.mpc.backend import RequestKind
from zrchain.mpc.testing import close_all, key_ref, keygen, make_parties, start_all
from zrchain.mpc.threshold import ThresholdOptions

ECDSA, EDDSA = KeyType.KEY_TYPE_ECDSA_SECP256K1, KeyType.KEY_TYPE_EDDSA_ED25519
SHAPES = ((3, 2), (5, 3))


def ms(xs: list[float]) -> float:
    return round(statistics.median(xs) * 1000, 1)


# -- baseline: in-memory routing ---------------------------------------------------------------


def run_in_memory(machines: dict[int, Any]) -> None:
    outs = {i: m.start() for i, m in machines.items()}
    while not all(m.done for m in machines.values()):
        nxt = {}
        for i in machines:
            b = {j: o[0] for j, o in outs.items() if j != i and o[0] is not None}
            p = {j: o[1][i] for j, o in outs.items() if j != i and i in o[1]}
            nxt[i] = machines[i].step(b, p)
        outs = nxt


def baseline(n: int, t: int, runs: int) -> dict[str, float]:
    out: dict[str, float] = {}
    for name, kg, sg, payload in (
        ("ecdsa", tss.dkls_keygen, tss.dkls_sign, hashlib.sha256(b"x").digest()),
        ("ed25519", tss.frost_keygen, tss.frost_sign, b"solana message"),
    ):
        dkg, sign = [], []
        shares: dict[int, bytes] = {}
        for r in range(max(1, runs // 5 if name == "ecdsa" else runs)):
            sid = os.urandom(32)
            t0 = time.perf_counter()
            ms_ = {i: kg(sid, i, n, t) for i in range(1, n + 1)}
            run_in_memory(ms_)
            dkg.append(time.perf_counter() - t0)
            if r == 0:
                shares = {i: m.share() for i, m in ms_.items()}
        for _ in range(runs):
            sid = os.urandom(32)
            t0 = time.perf_counter()
            signers = list(range(1, t + 1))
            run_in_memory({i: sg(shares[i], sid, signers, payload) for i in signers})
            sign.append(time.perf_counter() - t0)
        out[f"{name}_dkg_ms"], out[f"{name}_sign_ms"] = ms(dkg), ms(sign)
    return out


# -- over the transport -------------------------------------------------------------------------


async def over_transport(n: int, t: int, runs: int, base: Path) -> dict[str, float]:
    opts = ThresholdOptions(round_timeout=60, offer_timeout=60, grace=0.05, answer_wait=300)
    parties = make_parties(base, n, t, options=opts, tag=f"b{n}")
    await start_all(parties)
    out: dict[str, float] = {}
    try:
        rid = 0
        for name, kt, payload in (
            ("ecdsa", ECDSA, hashlib.sha256(b"x").digest()),
            ("ed25519", EDDSA, b"solana message"),
        ):
            dkg, sign, sizes = [], [], []
            pk = b""
            key_id = 0
            for _ in range(max(1, runs // 5 if name == "ecdsa" else runs)):
                rid += 1
                t0 = time.perf_counter()
                pk = (await keygen(parties, rid, kt))[0]
                dkg.append(time.perf_counter() - t0)
                key_id = rid
            for r in range(runs):
                sid = 10_000 * n + 1000 * int(kt) + r  # distinct per shape, key type and run
                session = parties[0].backend.ctx.session(RequestKind.SIGNATURE, sid)
                ref = key_ref(key_id, kt, pk)
                t0 = time.perf_counter()
                await asyncio.gather(*(p.backend.sign(session, ref, payload) for p in parties))
                sign.append(time.perf_counter() - t0)
                sizes.append(
                    sum(
                        e["bytes_sent"]
                        for p in parties
                        for e in p.backend.run_log
                        if e["session"] == str(session) and e["outcome"] == "ok"
                    )
                )
            out[f"{name}_dkg_ms"], out[f"{name}_sign_ms"] = ms(dkg), ms(sign)
            out[f"{name}_bytes_per_signing"] = statistics.median(sizes)
    finally:
        await close_all(parties)
    return out


# -- end to end ----------------------------------------------------------------------------------


def end_to_end(n: int, t: int, requests: int, base: Path) -> dict[str, Any]:
    from zrchain.client.chain import ChainClient
    from zrchain.mpc.testing import Actor, KeeperProcess, event_heights, free_port
    from zrchain.testing.node import TestNode, zrchaind

    sys.path.insert(0, str(Path(__file__).parent))
    from keeper_bench import block_time  # the same block-time reader as the keeper bench

    owner = hashlib.sha256(b"bench owner").digest()
    secrets = [hashlib.sha256(f"bench party {n} {i}".encode()).digest() for i in range(n)]
    addrs = [keys.account_address(keys.public_key(s)) for s in secrets]
    node = TestNode(base / f"node{n}")
    home = str(node.home)
    zrchaind("init", "bench", "--chain-id", "zenrock", "--home", home)
    node.configure()
    for a in [keys.account_address(keys.public_key(owner)), *addrs]:
        zrchaind("genesis", "add-genesis-account", a, "1000000000000urock", "--home", home)
    doc = node.genesis()
    doc["app_state"]["identity"]["params"]["keyring_creation_fee"] = "0"
    doc["app_state"]["treasury"]["params"]["default_btl"] = "100000"
    node.write_genesis(doc)
    node.start()
    keepers: list[KeeperProcess] = []
    try:
        client = ChainClient(node.rpc_url, "zenrock")
        actor = Actor(client, owner)
        ws = actor.new_workspace()
        kr = actor.new_keyring(addrs, t)
        ports = [free_port() for _ in addrs]
        for i in range(n):
            peers = [f"{addrs[j]}@127.0.0.1:{ports[j]}" for j in range(n) if j != i]
            k = KeeperProcess(
                base / f"keepers{n}", f"p{i}", node.rpc_url, "zenrock", kr, secrets[i],
                settings={"signer": {"backend": "threshold"},
                          "threshold": {"listen": f"127.0.0.1:{ports[i]}", "peers": peers},
                          "log": {"level": "info"}},
            )  # fmt: skip
            keepers.append(k.start())
        for k in keepers:
            k.wait_event(lambda ev: ev.get("event") == "keeper_started", timeout=60)
        h0 = int(client.rpc.latest_height())
        out: dict[str, Any] = {}
        key_ids: dict[str, int] = {}
        for kt in ("ecdsa", "eddsa"):
            for _ in range(requests):
                rid, _h = actor.key_request(ws, kr, kt)
                _wait(lambda rid=rid: _status(client, "key", rid) == 3)
                key_ids[kt] = rid
        for kt, payload in (("ecdsa", hashlib.sha256(b"e2e").digest()), ("eddsa", b"sol")):
            for _ in range(requests):
                sid, _h = actor.signature_request([key_ids[kt]], [payload])
                _wait(lambda sid=sid: _status(client, "signature", sid) == 3)
        h1 = int(client.rpc.latest_height())
        for kind, new, done in (
            ("key", "new_key_request", "key_request_fulfilled"),
            ("signature", "new_sign_request", "sign_request_fulfilled"),
        ):
            created = event_heights(client, new, h0, h1)
            fulfilled = event_heights(client, done, h0, h1)
            ids = sorted(r for r in created if r in fulfilled)
            for kt, chunk in (("ecdsa", ids[:requests]), ("ed25519", ids[requests:])):
                blocks = [fulfilled[r] - created[r] for r in chunk]
                secs = [
                    block_time(client, fulfilled[r]) - block_time(client, created[r]) for r in chunk
                ]
                out[f"{kt}_{kind}_blocks_median"] = statistics.median(blocks)
                out[f"{kt}_{kind}_seconds_median"] = round(statistics.median(secs), 2)
        return out
    finally:
        for k in keepers:
            k.stop()
        node.stop()


def _status(client: Any, kind: str, rid: int) -> int:
    from zrchain.mpc.answers import parse_status
    from zrchain.mpc.testing import key_request, sign_request

    r = key_request(client, rid) if kind == "key" else sign_request(client, rid)
    return int(parse_status(r.status))


def _wait(pred: Any, timeout: float = 300.0) -> None:
    deadline = time.monotonic() + timeout
    while not pred():
        if time.monotonic() > deadline:
            raise TimeoutError("request not fulfilled")
        time.sleep(0.1)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--runs", type=int, default=10, help="signings per key type (DKG: runs/5)")
    ap.add_argument("--e2e", action="store_true", help="also measure with a node and keepers")
    ap.add_argument("--e2e-requests", type=int, default=5)
    ap.add_argument("--json", default="")
    args = ap.parse_args()
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n, t in SHAPES:
            label = f"{t}-of-{n}"
            mem = baseline(n, t, args.runs)
            net = asyncio.run(over_transport(n, t, args.runs, Path(tmp)))
            results[label] = {"in_memory": mem, "transport": net}
            print(f"\n{label} protocol only (median ms)      in memory   transport   transport x")
            for k in ("ecdsa_dkg_ms", "ecdsa_sign_ms", "ed25519_dkg_ms", "ed25519_sign_ms"):
                print(f"  {k:<30} {mem[k]:>10} {net[k]:>11} {net[k] / max(mem[k], 1e-3):>12.1f}")
            for k in ("ecdsa_bytes_per_signing", "ed25519_bytes_per_signing"):
                print(f"  {k:<30} {'':>10} {int(net[k]):>11}")
            if args.e2e:
                e2e = end_to_end(n, t, args.e2e_requests, Path(tmp))
                results[label]["e2e"] = e2e
                print(f"{label} end to end (request block -> fulfilled block), median")
                for k, v in e2e.items():
                    print(f"  {k:<40} {v}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
