"""A store killed (SIGKILL) at random moments while it commits and prunes: after each
restart every kept height still reads and proves as the model says, and pruning finishes
what the kill interrupted."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time

from zrchain.store.app_store import AppStore
from zrchain.store.proof import verify
from zrchain.store.pruning import PruningOptions
from zrchain.store.smt import SparseMerkleTrie

PRUNING = PruningOptions("custom", 3, 4)  # prunes often (smaller than the SDK allows)
KEYS = [bytes([a, b]) for a in (0, 1, 97, 255) for b in (0, 1, 2, 255)] + [b"\x00", b"a"]

CHILD = """
import sys
import zrchain.store.app_store as app_store
from zrchain.store.app_store import AppStore
from zrchain.store.pruning import PruningOptions
sys.path.insert(0, sys.argv[2])
from test_history_crash import writes_at
app_store.NODE_BATCH, app_store.PRUNE_BATCH = 3, 2  # kills land inside a height's steps
store = AppStore(sys.argv[1], pruning=PruningOptions("custom", 3, 4))
h = store.height
while True:
    h += 1
    store.commit(h, store.apply(writes_at(h)))
    print(h, flush=True)
"""


def writes_at(height: int) -> dict[bytes, bytes | None]:
    rng = random.Random(height)
    return {
        rng.choice(KEYS): (None if rng.random() < 0.25 else rng.randbytes(rng.randrange(0, 9)))
        for _ in range(rng.randrange(1, 12))
    }


def model_at(height: int) -> dict[bytes, bytes]:
    state: dict[bytes, bytes] = {}
    for h in range(1, height + 1):
        for k, v in writes_at(h).items():
            if v is None:
                state.pop(k, None)
            else:
                state[k] = v
    return state


class _Mem(dict):
    pass


def check(store: AppStore) -> None:
    for h in range(store.earliest, store.height + 1):
        model = model_at(h)
        v = store.version(h)
        assert dict(v.kv.iterate()) == model, h
        root = SparseMerkleTrie(_Mem()).update(model.items())
        assert v.app_hash == root, h
        for k in KEYS[::5]:
            value, proof = v.prove(k)
            assert value == model.get(k) and verify(root, k, value, proof.encode())


def test_kill_at_random_moments_then_every_kept_height_is_intact(tmp_path) -> None:
    path = str(tmp_path / "db")
    here = str(__import__("pathlib").Path(__file__).parent)
    rng = random.Random(5)
    last = 0
    for _cycle in range(4):
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, path, here], stdout=subprocess.PIPE, text=True
        )
        try:
            assert child.stdout is not None
            for _ in range(rng.randrange(8, 30)):
                line = child.stdout.readline()
                assert line, "the child died on its own"
                last = int(line)
            time.sleep(rng.random() * 0.02)
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait()
        store = AppStore(path, pruning=PRUNING)
        assert store.height >= last  # printed heights are committed; maybe one more
        assert store.earliest == max(1, store.height - store.height % 4 - 3)
        check(store)
        assert store.worker.wait(30)
        assert all(
            int.from_bytes(k[-8:], "big") > store.earliest
            for ns in (b"h", b"n", b"c")
            for k in store.db.iterator(prefix=ns, include_value=False)
        )
        store.close()
