"""Does a large Simulate slow consensus? (issue 11, item 4)

An in-process chain commits blocks of bank sends (FinalizeBlock + Commit: the consensus
thread's work) while another thread simulates a ~1 MB MsgMultiSend back to back. Printed:
the median and worst block time alone, with the simulation in a thread of the same process
(``InlineSimulator``: it shares the interpreter lock with consensus), in a worker process
(``ProcessSimulator``, what ``zrchaind start`` uses: lowest CPU priority, the node serves
its reads) and, for comparison, the same simulations in another process at normal priority
over its own copy of the chain (CPU contention alone); as ratios to the block time alone,
measured in the same run; and how long one simulation takes each way.

    .venv/bin/python scripts/bench/simulate_bench.py [--outputs 18000] [--blocks 20] [--sends 20]
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from cosmpy.protos.cosmos.bank.v1beta1 import bank_pb2
from cosmpy.protos.cosmos.bank.v1beta1 import tx_pb2 as bank_tx

from zrchain.codec.address import acc_string
from zrchain.testing.inproc import Chain, make_chain
from zrchain.tx.simulation import InlineSimulator, ProcessSimulator, SimulationLimits


def multisend(chain: Chain, outputs: int) -> bytes:
    a = chain.wallets["alice"]
    one = [{"denom": "urock", "amount": "1"}]
    msg = bank_tx.MsgMultiSend(
        inputs=[bank_pb2.Input(address=a.address,
                               coins=[{"denom": "urock", "amount": str(outputs)}])],
        outputs=[bank_pb2.Output(address=acc_string(i.to_bytes(20, "big")), coins=one)
                 for i in range(1, outputs + 1)],
    )  # fmt: skip
    return chain.tx(a, [msg], gas=0)


def block_of_sends(chain: Chain, n: int) -> float:
    b, a = chain.wallets["bob"], chain.wallets["alice"]
    one = [{"denom": "urock", "amount": "1"}]
    txs = [
        chain.tx(b, [bank_tx.MsgSend(from_address=b.address, to_address=a.address, amount=one)],
                 sequence=b.sequence + i, fee="2000urock", gas=200_000)
        for i in range(n)
    ]  # fmt: skip
    t0 = time.perf_counter()
    res = chain.block(txs)
    elapsed = time.perf_counter() - t0
    assert all(r.code == 0 for r in res.tx_results), res.tx_results[0].log
    b.sequence += n
    return elapsed


def measure(chain: Chain, blocks: int, sends: int) -> list[float]:
    return [block_of_sends(chain, sends) for _ in range(blocks)]


def with_simulations(chain: Chain, sim: Any, tx: bytes, blocks: int, sends: int
                     ) -> tuple[list[float], list[float]]:  # fmt: skip
    stop = threading.Event()
    sims: list[float] = []

    def loop() -> None:
        while not stop.is_set():
            t0 = time.perf_counter()
            sim.simulate(tx)
            sims.append(time.perf_counter() - t0)

    thread = threading.Thread(target=loop)
    thread.start()
    while not sims:  # the first one warms up (worker start)
        time.sleep(0.05)
    times = measure(chain, blocks, sends)
    stop.set()
    thread.join()
    return times, sims


def _burn(path: str, outputs: int, stop: Any) -> None:
    """In another process: simulate the same tx on its own copy of the chain, no IPC."""
    chain = make_chain(path, {"alice": "100000000000000urock", "bob": "100000000000urock"})
    tx = multisend(chain, outputs)
    sim = InlineSimulator(chain.app, SimulationLimits(max_tx_bytes=2 * len(tx), timeout=120.0))
    while not stop.is_set():
        sim.simulate(tx)


def with_cpu_only(chain: Chain, path: str, outputs: int, blocks: int, sends: int) -> list[float]:
    """The same CPU work at normal priority, sharing nothing: what CPU contention costs."""
    ctx = multiprocessing.get_context("spawn")
    stop = ctx.Event()
    proc = ctx.Process(target=_burn, args=(path, outputs, stop))
    proc.start()
    time.sleep(8)  # its chain set up and simulating
    try:
        return measure(chain, blocks, sends)
    finally:
        stop.set()
        proc.join(60)


def show(label: str, times: list[float], base: float) -> None:
    med = statistics.median(times)
    print(f"  {label:34s} median {med * 1e3:7.1f} ms  worst {max(times) * 1e3:7.1f} ms"
          f"  median/alone {med / base:5.2f}x")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--outputs", type=int, default=18_000)
    ap.add_argument("--blocks", type=int, default=20)
    ap.add_argument("--sends", type=int, default=20)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        funds = {"alice": "100000000000000urock", "bob": "100000000000urock"}
        chain = make_chain(Path(tmp) / "db", funds)
        tx = multisend(chain, args.outputs)
        limits = SimulationLimits(max_tx_bytes=2 * len(tx), timeout=120.0)
        print(f"simulating a {len(tx):,}-byte MsgMultiSend ({args.outputs:,} outputs) while "
              f"committing blocks of {args.sends} bank sends:")  # fmt: skip
        alone = measure(chain, args.blocks, args.sends)
        base = statistics.median(alone)
        show("alone", alone, base)
        inline = InlineSimulator(chain.app, limits)
        times, inline_sims = with_simulations(chain, inline, tx, args.blocks, args.sends)
        show("simulating in a thread (inline)", times, base)
        proc = ProcessSimulator(chain.app, limits)
        proc.start()
        try:
            times, proc_sims = with_simulations(chain, proc, tx, args.blocks, args.sends)
        finally:
            proc.close()
        show("simulating in a worker process", times, base)
        cpu = with_cpu_only(chain, str(Path(tmp) / "copy"), args.outputs, args.blocks, args.sends)
        show("same work, process at normal priority", cpu, base)
        alone = measure(chain, args.blocks, args.sends)
        show("alone again", alone, base)
        print("one simulation (median of those run):")
        print(f"  inline {statistics.median(inline_sims):6.2f} s   worker process "
              f"{statistics.median(proc_sims[1:] or proc_sims):6.2f} s")  # fmt: skip
        chain.app.close()


if __name__ == "__main__":
    main()
