"""In-process execution of signed bank sends: CheckTx of every tx, recheck of every tx after
an empty block's commit, then FinalizeBlock with blocks of 1,000 txs, next to the floor
measured in the same run (decode + one secp256k1 verify per tx). As on a node, a block's
txs have been through this node's CheckTx first;
``--cold`` skips that (a block of txs this node never saw). Each step is timed twice: wall
clock, and this thread's CPU time (``time.thread_time``), which other processes on a shared
machine disturb far less; ratios of both are printed.

    .venv/bin/python scripts/bench/tx_inprocess.py [--txs 1000] [--blocks 5] [--cold]
        [--profile finalize|check|recheck]

``--profile`` prints a pyinstrument tree of one block's step and writes it as a flame graph
(``tx_inprocess-<step>.speedscope.json``, open it in https://www.speedscope.app).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from typing import Any

import coincurve
from cosmpy.protos.cosmos.bank.v1beta1 import tx_pb2 as bank_tx
from cosmpy.protos.cosmos.tx.v1beta1 import tx_pb2
from google.protobuf.timestamp_pb2 import Timestamp

from zrchain.abci import types as abci
from zrchain.app import AppSettings, ZrChainApp
from zrchain.cli.node_cmds import default_app_state
from zrchain.client.tx import build_tx, private_key_signer
from zrchain.codec.address import acc_string, pubkey_to_address
from zrchain.codec.coins import parse_coins
from zrchain.context import Mode
from zrchain.testing.genesis import add_account
from zrchain.tx.ante import verify_secp256k1


def setup(path: str, n: int) -> tuple[ZrChainApp, list[coincurve.PrivateKey], list[str]]:
    keys = [coincurve.PrivateKey(i.to_bytes(32, "big")) for i in range(1, n + 1)]
    addrs = [acc_string(pubkey_to_address(k.public_key.format())) for k in keys]
    state = default_app_state()
    for a in addrs:
        add_account(state, a, "1000000000000urock")
    app = ZrChainApp(path, settings=AppSettings(min_gas_prices="0.0001urock"))
    req = abci.RequestInitChain(
        chain_id="zenrock", initial_height=1, app_state_bytes=json.dumps(state).encode()
    )
    req.consensus_params.block.max_gas = -1
    req.consensus_params.block.max_bytes = 22020096
    app.init_chain(req)
    finalize(app, 1, [])
    app.commit(abci.RequestCommit())
    return app, keys, addrs


def finalize(app: ZrChainApp, height: int, txs: list[bytes]) -> abci.ResponseFinalizeBlock:
    req = abci.RequestFinalizeBlock(height=height, txs=txs)
    req.time.CopyFrom(Timestamp(seconds=1_700_000_000 + height))
    return app.finalize_block(req)


def make_block(keys: list, addrs: list[str], numbers: list[int], seq: int) -> list[bytes]:
    fee = parse_coins("20urock")
    out = []
    n = len(keys)
    for i, k in enumerate(keys):
        msg = bank_tx.MsgSend(
            from_address=addrs[i],
            to_address=addrs[(i + 7) % n],
            amount=parse_coins("1urock").to_protos(),
        )
        out.append(
            build_tx(
                [msg],
                pubkey=k.public_key.format(),
                sequence=seq,
                account_number=numbers[i],
                chain_id="zenrock",
                sign=private_key_signer(k.secret),
                fee=fee,
                gas_limit=200_000,
            )
        )
    return out


class Clocks:
    """Wall and this-thread CPU seconds of one step."""

    def __init__(self) -> None:
        self.wall = self.cpu = 0.0

    def __enter__(self) -> Clocks:
        self._w, self._c = time.perf_counter(), time.thread_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self._w
        self.cpu = time.thread_time() - self._c


def floor(txs: list[bytes], pubkeys: list[bytes], numbers: list[int]) -> Clocks:
    with Clocks() as c:
        _floor(txs, pubkeys, numbers)
    return c


def _floor(txs: list[bytes], pubkeys: list[bytes], numbers: list[int]) -> None:
    for raw, pk, num in zip(txs, pubkeys, numbers, strict=True):
        r = tx_pb2.TxRaw.FromString(raw)
        tx_pb2.TxBody.FromString(r.body_bytes)
        tx_pb2.AuthInfo.FromString(r.auth_info_bytes)
        doc = tx_pb2.SignDoc(
            body_bytes=r.body_bytes,
            auth_info_bytes=r.auth_info_bytes,
            chain_id="zenrock",
            account_number=num,
        ).SerializeToString()
        assert verify_secp256k1(pk, r.signatures[0], doc)


def check_all(
    app: ZrChainApp, txs: list[bytes], profile: bool = False, recheck: bool = False
) -> Clocks:
    kind = abci.RECHECK if recheck else abci.NEW
    reqs = [abci.RequestCheckTx(tx=raw, type=kind) for raw in txs]
    if profile:
        from pyinstrument import Profiler

        prof = Profiler()
        prof.start()
    with Clocks() as took:
        for req in reqs:
            res = app.check_tx(req)
            assert res.code == 0, res.log
    if profile:
        prof.stop()
        report(prof, "recheck" if recheck else "check")
    return took


def report(prof: Any, step: str) -> None:
    """The profile as a tree on stdout and as a flame graph file."""
    from pyinstrument.renderers import SpeedscopeRenderer

    print(prof.output_text(unicode=True, color=False, show_all=False))
    path = f"tx_inprocess-{step}.speedscope.json"
    with open(path, "w") as f:
        f.write(prof.output(renderer=SpeedscopeRenderer()))
    print(f"flame graph: {path}", file=sys.stderr)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--txs", type=int, default=1000)
    ap.add_argument("--blocks", type=int, default=5)
    ap.add_argument("--cold", action="store_true", help="FinalizeBlock without CheckTx first")
    ap.add_argument(
        "--profile",
        choices=("finalize", "check", "recheck"),
        help="pyinstrument one block's step",
    )
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        app, keys, addrs = setup(os.path.join(d, "db"), args.txs)
        from zrchain.x.auth.keeper import AccountKeeper

        ak: AccountKeeper = app.registry.module("auth").keeper
        ctx = app.context(app.store.pending, Mode.CHECK)
        accounts = [ak.get_account(ctx, pubkey_to_address(k.public_key.format())) for k in keys]
        numbers = [a.number for a in accounts if a is not None]
        assert len(numbers) == len(keys), "every funded key has an account"
        pubkeys = [k.public_key.format() for k in keys]
        print(f"signing {args.blocks} blocks of {args.txs} txs ...", file=sys.stderr)
        blocks = [make_block(keys, addrs, numbers, s) for s in range(args.blocks)]
        exec_times, commit_times, floor_times, check_times, recheck_times = [], [], [], [], []
        h = 1
        for i, txs in enumerate(blocks):
            floor_times.append(floor(txs, pubkeys, numbers))
            if not args.cold:
                check_times.append(check_all(app, txs, profile=args.profile == "check" and i == 1))
                # As CometBFT after a block that left them in the mempool: an empty block is
                # committed (the check state starts over), then every tx is rechecked.
                h += 1
                finalize(app, h, [])
                app.commit(abci.RequestCommit())
                prof_re = args.profile == "recheck" and i == 1
                recheck_times.append(check_all(app, txs, profile=prof_re, recheck=True))
            h += 1
            if args.profile == "finalize" and i == 1:
                from pyinstrument import Profiler

                prof = Profiler()
                prof.start()
            with Clocks() as ex_clock:
                res = finalize(app, h, txs)
            if args.profile == "finalize" and i == 1:
                prof.stop()
                report(prof, "finalize")
            with Clocks() as cm_clock:
                app.commit(abci.RequestCommit())
            bad = [r.log for r in res.tx_results if r.code]
            assert not bad, bad[:3]
            exec_times.append(ex_clock)
            commit_times.append(cm_clock)
        n = args.txs
        med = statistics.median
        ex, fl, cm = (med(c.wall for c in x) for x in (exec_times, floor_times, commit_times))
        print(f"\nblocks of {n} signed bank sends, median of {args.blocks} blocks")
        print(
            f"  FinalizeBlock: {ex * 1000:8.1f} ms  {ex / n * 1e6:7.1f} µs/tx  {n / ex:8.0f} tx/s"
        )
        print(f"  Commit:        {cm * 1000:8.1f} ms")
        print(f"  floor (decode + 1 verify): {fl / n * 1e6:5.1f} µs/tx  {n / fl:8.0f} tx/s")
        print(f"  ratio FinalizeBlock / floor: {ex / fl:.2f}x" + ("  (cold)" if args.cold else ""))
        if check_times:
            ck = med(c.wall for c in check_times)
            print(f"  CheckTx:       {ck / n * 1e6:7.1f} µs/tx  {n / ck:8.0f} tx/s")
            print(f"  ratio CheckTx / floor: {ck / fl:.2f}x")
            rk = med(c.wall for c in recheck_times)
            print(f"  Recheck:       {rk / n * 1e6:7.1f} µs/tx  {n / rk:8.0f} tx/s")
        # CPU time of this thread: what the steps cost, without the time other processes
        # on a shared machine took the core away (the median of per-block ratios).
        fin_cpu = med(e.cpu / f.cpu for e, f in zip(exec_times, floor_times, strict=True))
        line = f"  CPU-time ratios (median per block): FinalizeBlock / floor {fin_cpu:.2f}x"
        if check_times:
            ck_cpu = med(c.cpu / f.cpu for c, f in zip(check_times, floor_times, strict=True))
            rk_cpu = med(c.cpu / f.cpu for c, f in zip(recheck_times, floor_times, strict=True))
            line += f", CheckTx / floor {ck_cpu:.2f}x, Recheck / floor {rk_cpu:.2f}x"
        print(line)
        app.close()


if __name__ == "__main__":
    main()
