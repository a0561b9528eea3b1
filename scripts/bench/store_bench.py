"""Store benchmark: app-hash update and commit time per block of changed keys.

Prints, for states of 100k and 1M keys, the time to update the state trie (app hash) and
to commit (one LevelDB WriteBatch) for blocks changing 1k and 10k keys (half updates, half
inserts), the time the history worker then needs before the next block (off the consensus
path: paused while a block executes, as FinalizeBlock does), and the resident memory of
this process after the largest state.

    .venv/bin/python scripts/bench/store_bench.py [--sizes 100000,1000000] [--blocks 5]
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
from statistics import median

from zrchain.store.app_store import AppStore


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def key(i: int) -> bytes:
    return b"bank/\x02\x14" + i.to_bytes(20, "big") + b"urock"


def fill(store: AppStore, n: int, batch: int = 100_000) -> int:
    height = store.height
    done = 0
    t0 = time.perf_counter()
    while done < n:
        m = min(batch, n - done)
        writes: dict[bytes, bytes | None] = {
            key(i): str(i * 7).encode() for i in range(done, done + m)
        }
        root = store.apply(writes)
        height += 1
        store.commit(height, root)
        done += m
        rate = done / (time.perf_counter() - t0)
        print(f"  filled {done:>9,} / {n:,} keys  ({rate:,.0f} keys/s)", flush=True)
    return height


def block_writes(
    n_keys: int, changed: int, rng: random.Random, next_new: list[int]
) -> dict[bytes, bytes | None]:
    """A block changing ``changed`` keys: half updates of existing keys, half inserts."""
    writes: dict[bytes, bytes | None] = {}
    for _ in range(changed // 2):
        writes[key(rng.randrange(n_keys))] = rng.randbytes(8)
    for _ in range(changed - changed // 2):
        writes[key(next_new[0])] = b"new"
        next_new[0] += 1
    return writes


def block(
    store: AppStore, n_keys: int, changed: int, rng: random.Random, height: int, next_new: list[int]
) -> tuple[float, float, float]:
    writes = block_writes(n_keys, changed, rng, next_new)
    store.pause_background()  # as FinalizeBlock does
    for k in writes:  # a block reads what it changes (the history takes pre-images from it)
        store.pending.get(k)
    t0 = time.perf_counter()
    root = store.apply(writes)
    t1 = time.perf_counter()
    store.commit(height, root)
    t2 = time.perf_counter()
    store.worker.wait()
    return t1 - t0, t2 - t1, time.perf_counter() - t2


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="100000,1000000")
    ap.add_argument("--changes", default="1000,10000")
    ap.add_argument("--blocks", type=int, default=5)
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    changes = [int(s) for s in args.changes.split(",")]
    rows = []
    rss_after = 0.0
    for n in sizes:
        with tempfile.TemporaryDirectory() as d:
            store = AppStore(os.path.join(d, "db"))  # SDK default pruning: history kept
            print(f"state of {n:,} keys:")
            height = fill(store, n)
            store.worker.wait()  # the fill's history (blocks of 100k keys) is not measured
            rng = random.Random(n)
            next_new = [n]
            for c in changes:
                upd, com, bg = [], [], []
                for _ in range(args.blocks):
                    height += 1
                    u, m, b = block(store, n, c, rng, height, next_new)
                    upd.append(u)
                    com.append(m)
                    bg.append(b)
                rows.append((n, c, median(upd), median(com), median(bg)))
            rss_after = rss_mb()
            store.close()
    print()
    print(
        f"{'state keys':>12} {'changed':>8} {'app-hash update':>16} {'commit':>10} "
        f"{'per changed key':>16} {'history (background)':>21}"
    )
    for n, c, u, m, b in rows:
        print(
            f"{n:>12,} {c:>8,} {u * 1000:>13.1f} ms {m * 1000:>7.1f} ms "
            f"{(u + m) / c * 1e6:>13.1f} µs {b * 1000:>18.1f} ms"
        )
    print(
        f"\nresident memory after the {sizes[-1]:,}-key state: {rss_after:.0f} MB (medians of",
        args.blocks,
        "blocks)",
    )


if __name__ == "__main__":
    main()
