"""State-history benchmark: disk cost per kept version, reads at an old height vs the
latest, and what background pruning costs the blocks committed meanwhile.

A state of ``--keys`` keys is restored (as state sync does, so it has no history), then
``--versions`` blocks each change ``--changed`` keys (half updates, half inserts). Printed:

* history bytes per version: logical (keys + values of the ``h``/``n``/``c`` entries) and
  on disk (LevelDB's size of those ranges after compaction, snappy-compressed);
* get / prove / iterate-100 latency at the oldest kept height vs the latest (medians, and
  the ratio old/latest);
* median apply+commit time of blocks while the worker deletes that history, vs blocks with
  nothing to prune (ratio), and how long pruning took.

    .venv/bin/python scripts/bench/history_bench.py [--keys 1000000] [--changed 1000]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from itertools import islice

from store_bench import block_writes, key  # beside this script

from zrchain.store.app_store import AppStore
from zrchain.store.pruning import PruningOptions


def restore(store: AppStore, n: int, batch: int = 200_000) -> None:
    t0 = time.perf_counter()
    for lo in range(0, n, batch):
        hi = min(n, lo + batch)
        store.write_state_pairs([(key(i), str(i * 7).encode()) for i in range(lo, hi)])
    root = store.rebuild_trie()
    store.mark_committed(1, root)
    print(f"  restored {n:,} keys at height 1 in {time.perf_counter() - t0:.0f} s", flush=True)


def commit_blocks(store: AppStore, count: int, changed: int, rng: random.Random,
                  next_new: list[int], n_keys: int) -> list[float]:
    times = []
    for _ in range(count):
        writes = block_writes(n_keys, changed, rng, next_new)
        store.pause_background()  # as FinalizeBlock does
        t0 = time.perf_counter()
        root = store.apply(writes)
        store.commit(store.height + 1, root)
        times.append(time.perf_counter() - t0)
    return times


def history_bytes(store: AppStore) -> tuple[int, int]:
    """(logical bytes, bytes on disk) of the history namespaces."""
    logical = 0
    for ns in (b"h", b"n", b"c"):
        for k, v in store.db.iterator(prefix=ns):
            logical += len(k) + len(v)
    store.db.compact_range()
    on_disk = sum(
        store.db.approximate_size(ns, bytes([ns[0] + 1])) for ns in (b"h", b"n", b"c")
    )
    return logical, on_disk


def median_us(fn: Callable[[bytes], object], probes: list[bytes]) -> float:
    times = []
    for k in probes:
        t0 = time.perf_counter()
        fn(k)
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1e6


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--keys", type=int, default=1_000_000)
    ap.add_argument("--changed", type=int, default=1000)
    ap.add_argument("--versions", type=int, default=20)
    ap.add_argument("--samples", type=int, default=2000)
    args = ap.parse_args()
    n, c, v = args.keys, args.changed, args.versions
    rng = random.Random(7)
    nothing = PruningOptions.parse("nothing")
    with tempfile.TemporaryDirectory() as d:
        store = AppStore(os.path.join(d, "db"), pruning=nothing)
        print(f"state of {n:,} keys, {v} versions of {c:,} changed keys:")
        restore(store, n)
        next_new = [n]
        quiet = commit_blocks(store, v, c, rng, next_new, n)
        store.worker.wait()
        logical, on_disk = history_bytes(store)
        latest_bytes = sum(
            store.db.approximate_size(ns, bytes([ns[0] + 1])) for ns in (b"s", b"t")
        )

        # reads: keys changed in the kept versions and untouched ones, at height 1 vs latest
        probes = [key(rng.randrange(n)) for _ in range(args.samples)]
        old, new = store.version(1), store.version()
        rows = []
        for name, fn in (
            ("get", lambda ver: ver.get),
            ("prove", lambda ver: ver.prove),
            ("iterate 100", lambda ver: lambda k: list(islice(ver.kv.iterate(k), 100))),
        ):
            lat_new = median_us(fn(new), probes)
            lat_old = median_us(fn(old), probes)
            rows.append((name, lat_new, lat_old))

        # blocks while the worker deletes all that history vs blocks with nothing to prune
        store.pruning = PruningOptions.parse("everything")
        while store.height % 10 != 9:
            commit_blocks(store, 1, c, rng, next_new, n)
        commit_blocks(store, 1, c, rng, next_new, n)  # this commit moves the earliest height
        t0 = time.perf_counter()
        pruning_started = store.height
        busy = commit_blocks(store, 5, c, rng, next_new, n)
        store.worker.wait()
        prune_s = time.perf_counter() - t0
        store.pruning = nothing
        after = commit_blocks(store, 5, c, rng, next_new, n)
        store.close()

    print()
    print(f"history per kept version ({c:,} changed keys, {n:,}-key state):")
    print(f"  logical {logical / v / 1024:8.1f} KiB   on disk {on_disk / v / 1024:8.1f} KiB   "
          f"({on_disk / v / c:.0f} B per changed key; latest state on disk "
          f"{latest_bytes / 2**20:.0f} MiB)")
    print(f"\nread latency at height 1 ({v} versions back) vs the latest, median of "
          f"{args.samples}:")
    print(f"  {'':<12} {'latest':>10} {'old':>10} {'old/latest':>11}")
    for name, a, b in rows:
        print(f"  {name:<12} {a:>7.1f} µs {b:>7.1f} µs {b / a:>10.2f}x")
    q, b, a = (statistics.median(x) * 1000 for x in (quiet, busy, after))
    print(f"\napply+commit per block (median): no pruning {q:.1f} ms; while pruning "
          f"{b:.1f} ms ({b / a:.2f}x the {a:.1f} ms right after)")
    print(f"  pruning the history below height {pruning_started - 2} took {prune_s:.1f} s "
          "(in the background)")


if __name__ == "__main__":
    main()
