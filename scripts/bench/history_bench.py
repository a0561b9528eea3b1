"""State-history benchmark: disk cost per kept version under the SDK's pruning options, and
reads at an old height vs the latest.

A state of ``--keys`` keys is restored once (as state sync does, so it has no history) and
copied for each pruning option (``nothing``, ``default``, ``everything``); each copy then
commits the same ``--versions`` blocks of ``--changed`` keys (half updates, half inserts),
each block reading what it writes first, as a block does, and the history worker finishing
between blocks, as it does in a node's idle time between Commit and the next block. Printed:

* per option: the database's size on disk after a full compaction, the history namespaces' share
  (``h``/``n``/``c``, LevelDB's estimate, snappy-compressed) and their logical size (keys
  + values), the kept versions, and bytes per kept version and per changed key; the
  baseline is the same state with no history (``everything`` vs ``nothing``: the ratio of
  whole databases);
* get / prove / iterate-100 latency at the oldest kept height (``--versions`` blocks back)
  vs the latest in the ``nothing`` copy (warm medians, and the ratio old/latest).

The commit's and the history worker's time per block are ``store_bench.py``'s.

    .venv/bin/python scripts/bench/history_bench.py [--keys 1000000] [--changed 1000]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import tempfile
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from itertools import islice

import plyvel
from store_bench import block_writes, key  # beside this script

from zrchain.store.app_store import AppStore
from zrchain.store.pruning import PruningOptions

HISTORY = (b"h", b"n", b"c")
NAMESPACES = (b"c", b"h", b"m", b"n", b"s", b"t")


def compact(db: plyvel.DB) -> None:
    """Every namespace to LevelDB's last level, where deleted and overwritten entries are
    dropped (a whole-range ``compact_range()`` leaves the upper levels in place)."""
    for ns in NAMESPACES:
        db.compact_range(start=ns, stop=bytes([ns[0] + 1]))


MODES = ("nothing", "default", "everything")


def restore(path: str, n: int, batch: int = 200_000) -> None:
    t0 = time.perf_counter()
    store = AppStore(path)
    for lo in range(0, n, batch):
        hi = min(n, lo + batch)
        store.write_state_pairs([(key(i), str(i * 7).encode()) for i in range(lo, hi)])
    store.mark_committed(1, store.rebuild_trie())
    compact(store.db)
    store.close()
    print(f"  restored {n:,} keys at height 1 in {time.perf_counter() - t0:.0f} s", flush=True)


def dir_bytes(path: str) -> int:
    return sum(e.stat().st_size for e in os.scandir(path) if e.is_file())


@dataclass
class Run:
    mode: str
    disk: int  # the whole database after compaction
    history: int  # LevelDB's estimate for the history namespaces
    logical: int  # keys + values of the history entries
    kept: int  # versions readable besides the latest


def commit_blocks(store: AppStore, count: int, changed: int, seed: int, n_keys: int) -> None:
    rng, next_new = random.Random(seed), [n_keys]
    for _ in range(count):
        writes = block_writes(n_keys, changed, rng, next_new)
        store.pause_background()  # as FinalizeBlock does
        for k in writes:  # a block reads what it changes (the history takes pre-images)
            store.pending.get(k)
        store.commit(store.height + 1, store.apply(writes))
        store.worker.wait()


def measure(store: AppStore, path: str, mode: str) -> Run:
    logical = 0
    for ns in HISTORY:
        with store.db.iterator(prefix=ns) as it:
            logical += sum(len(k) + len(v) for k, v in it)
    compact(store.db)
    history = sum(store.db.approximate_size(ns, bytes([ns[0] + 1])) for ns in HISTORY)
    return Run(mode, dir_bytes(path), history, logical, store.height - store.earliest)


def medians_us(fns: tuple[Callable[[bytes], object], ...], probes: list[bytes]) -> list[float]:
    """Median µs of each of ``fns`` over ``probes``: one untimed pass of each first (the
    same blocks cached for all: warm reads), then timed passes in turn, forward and back."""
    for fn in fns:
        deque(map(fn, probes), maxlen=0)
    times: list[list[float]] = [[] for _ in fns]
    order = list(range(len(fns)))
    for i in (*order, *reversed(order)):
        fn, out = fns[i], times[i]
        for k in probes:
            t0 = time.perf_counter()
            fn(k)
            out.append(time.perf_counter() - t0)
    return [statistics.median(t) * 1e6 for t in times]


def reads(store: AppStore, n: int, samples: int) -> list[tuple[str, float, float]]:
    """(operation, latest µs, old µs): random keys, a few changed in the kept versions."""
    rng = random.Random(11)
    probes = [key(rng.randrange(n)) for _ in range(samples)]
    old, new = store.version(store.earliest), store.version()
    rows = []
    for name, fn in (
        ("get", lambda ver: ver.get),
        ("prove", lambda ver: ver.prove),
        ("iterate 100", lambda ver: lambda k: list(islice(ver.kv.iterate(k), 100))),
    ):
        latest, past = medians_us((fn(new), fn(old)), probes)
        rows.append((name, latest, past))
    return rows


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--keys", type=int, default=1_000_000)
    ap.add_argument("--changed", type=int, default=1000)
    ap.add_argument("--versions", type=int, default=20)
    ap.add_argument("--samples", type=int, default=2000)
    args = ap.parse_args()
    n, c, v = args.keys, args.changed, args.versions
    runs: list[Run] = []
    with tempfile.TemporaryDirectory() as d:
        base = os.path.join(d, "base")
        print(f"state of {n:,} keys, {v} blocks of {c:,} changed keys per pruning option:")
        restore(base, n)
        base_disk = dir_bytes(base)
        for mode in MODES:
            path = os.path.join(d, mode)
            shutil.copytree(base, path)
            store = AppStore(path, pruning=PruningOptions.parse(mode))
            commit_blocks(store, v, c, seed=7, n_keys=n)
            runs.append(measure(store, path, mode))
            print(f"  {mode}: {v} blocks committed and measured", flush=True)
            if mode == "nothing":
                rows = reads(store, n, args.samples)
            store.close()
            shutil.rmtree(path)

    print(
        f"\nhistory on disk ({c:,} changed keys per block, {n:,}-key state; baseline: the "
        f"restored state without history, {base_disk / 2**20:.1f} MiB):"
    )
    print(
        f"  {'pruning':<11} {'kept':>5} {'database':>10} {'history':>10} {'per kept version':>17}"
        f" {'per changed key':>16} {'logical/version':>16}"
    )
    for r in runs:
        per = r.history / r.kept if r.kept else 0.0
        print(
            f"  {r.mode:<11} {r.kept:>5} {r.disk / 2**20:>6.1f} MiB {r.history / 2**20:>6.1f} MiB"
            f" {per / 1024:>13.1f} KiB {per / c:>14.0f} B"
            f" {(r.logical / r.kept if r.kept else 0) / 1024:>12.1f} KiB"
        )
    by = {r.mode: r for r in runs}
    keep = by["nothing"].disk - by["everything"].disk
    kept = by["nothing"].kept - by["everything"].kept
    print(
        f"  database everything/nothing: {by['everything'].disk / by['nothing'].disk:.2f}x; "
        f"their difference per version kept: {keep / kept / 1024:.1f} KiB"
        f" ({keep / kept / c:.0f} B per changed key)"
    )
    print(
        f"  default keeps 362880 versions: at this rate "
        f"{by['default'].history / by['default'].kept * 362880 / 2**30:.0f} GiB of history"
        f" once that many blocks are committed"
    )
    print(
        f"\nread latency at the oldest kept height ({v} versions back) vs the latest, "
        f"median of {args.samples} random keys:"
    )
    print(f"  {'':<12} {'latest':>10} {'old':>10} {'old/latest':>11}")
    for name, a, b in rows:
        print(f"  {name:<12} {a:>7.1f} µs {b:>7.1f} µs {b / a:>10.2f}x")


if __name__ == "__main__":
    main()
