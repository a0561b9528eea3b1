"""State history on disk: every kept height reads, iterates and proves as a model says,
across restarts; pruning removes exactly the history below the earliest kept height."""

from __future__ import annotations

import tempfile
from bisect import bisect_left
from contextlib import AbstractContextManager
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zrchain.store.app_store import LAYOUT, AppStore, VersionUnavailable
from zrchain.store.history import Changes, escape, unescape
from zrchain.store.proof import verify
from zrchain.store.pruning import PruningOptions
from zrchain.store.worker import Worker

# Few bytes, chosen to stress the key escaping (00, 01, FF) and prefix relations.
keys = st.binary(min_size=1, max_size=4).map(
    lambda b: bytes(b"\x00\x01a\xff"[x % 4] for x in b)
)
values = st.binary(max_size=6)
block = st.dictionaries(keys, st.one_of(st.none(), values), max_size=12)
NOTHING = PruningOptions("nothing", 0, 0)


def run(store: AppStore, blocks: list[dict[bytes, bytes | None]], start: int,
        models: dict[int, dict[bytes, bytes]], roots: dict[int, bytes],
        split: bool = False) -> None:
    """Commit ``blocks`` from height ``start``; ``split`` stages each in two applies (as
    genesis and block 1 are), the second one redoing half of the first, after reading every
    third key as a block does (those reads give the commit its pre-images)."""
    state = dict(models.get(start - 1, {}))
    for h, writes in enumerate(blocks, start=start):
        state_before = dict(state)
        for k, v in writes.items():
            if v is None:
                state.pop(k, None)
            else:
                state[k] = v
        if split:
            for k in list(writes)[::3]:
                assert store.pending.get(k) == state_before.get(k)
            items = list(writes.items())
            store.apply({k: (b"tmp" if v is None else None) for k, v in items[::2]})
        root = store.apply(dict(writes))
        store.commit(h, root)
        models[h] = dict(state)
        roots[h] = root


def check_height(store: AppStore, h: int, model: dict[bytes, bytes], root: bytes,
                 probes: list[bytes], bounds: tuple[bytes, bytes | None]) -> None:
    v = store.version(h)
    assert v.height == h and v.app_hash == root
    kv = v.kv
    for k in probes:
        assert kv.get(k) == model.get(k), (h, k)
    assert list(kv.iterate()) == sorted(model.items())
    assert list(kv.iterate(reverse=True)) == sorted(model.items(), reverse=True)
    lo, hi = bounds
    ordered = sorted(model)
    sub = ordered[bisect_left(ordered, lo) : bisect_left(ordered, hi) if hi else None]
    assert [k for k, _ in kv.iterate(lo, hi)] == sub
    assert [k for k, _ in kv.iterate(lo, hi, reverse=True)] == sub[::-1]
    for k in probes[:6]:
        value, proof = v.prove(k)
        assert value == model.get(k)
        assert verify(root, k, value, proof.encode())


def small_steps() -> AbstractContextManager[object]:
    """Background steps of a few entries, so heights are written and pruned in parts."""
    return mock.patch.multiple("zrchain.store.app_store", NODE_BATCH=3, PRUNE_BATCH=2)


def open_store(path: str, mode: str, pruning: PruningOptions = NOTHING) -> AppStore:
    """``inline``: the deferred history work runs inside each commit; ``deferred``: it waits
    until the test runs the steps (so the trie history of every height is still in memory,
    then on disk bit by bit); ``background``: the worker thread races the reads."""
    if mode != "deferred":
        return AppStore(path, pruning=pruning, background=mode == "background")
    with mock.patch.object(Worker, "wake", lambda self: None):  # also the one at open
        store = AppStore(path, pruning=pruning)
    store.worker.wake = lambda: None  # type: ignore[method-assign]
    return store


@settings(max_examples=200, deadline=None)
@given(st.lists(block, min_size=1, max_size=10), st.lists(block, max_size=6),
       st.lists(keys, max_size=8), keys, st.one_of(st.none(), keys), st.booleans(),
       st.sampled_from(["inline", "deferred", "background"]))
def test_every_kept_height_reads_iterates_and_proves_as_the_model(
    before, after, extra_probes, lo, hi, split, mode
) -> None:
    with tempfile.TemporaryDirectory() as d, small_steps():
        models: dict[int, dict[bytes, bytes]] = {}
        roots: dict[int, bytes] = {}
        store = open_store(d, mode)
        run(store, before, 1, models, roots, split)
        store.close()  # a restart keeps every height, and what was left to write
        store = open_store(d, mode)
        run(store, after, len(before) + 1, models, roots, split)
        touched = {k for b in before + after for k in b}
        probes = sorted(touched | set(extra_probes))

        def check_all() -> None:
            for h in models:
                check_height(store, h, models[h], roots[h], probes, (lo, hi))

        check_all()
        if mode == "deferred":
            while store._recent:  # the worker's steps, one at a time
                store._background_step()
                store.commit(store.height + 1, store.apply({}))  # pins the new state
                models[store.height], roots[store.height] = models[store.height - 1], \
                    roots[store.height - 1]
                check_all()
        assert store.worker.wait(30)
        check_all()
        store.close()


def history_dump(store: AppStore) -> dict[bytes, bytes]:
    out = {}
    for ns in (b"h", b"n", b"c"):
        out.update(store.db.iterator(prefix=ns))
    return out


def entry_height(key: bytes) -> int:
    return int.from_bytes(key[-8:], "big")


@settings(max_examples=100, deadline=None)
@given(st.lists(block, min_size=1, max_size=16), st.integers(2, 4), st.integers(1, 4),
       st.lists(keys, max_size=6))
def test_pruning_removes_exactly_the_history_below_the_earliest_kept_height(
    blocks, keep_recent, interval, probes
) -> None:
    pruning = PruningOptions("custom", keep_recent, interval)  # smaller than the SDK allows
    with tempfile.TemporaryDirectory() as d1, tempfile.TemporaryDirectory() as d2, \
            small_steps():
        full, pruned = AppStore(d1, pruning=NOTHING), AppStore(d2, pruning=pruning)
        models: dict[int, dict[bytes, bytes]] = {}
        roots: dict[int, bytes] = {}
        run(full, blocks, 1, {}, {})
        run(pruned, blocks, 1, models, roots)
        assert pruned.worker.wait(30) and full.worker.wait(30)
        last = len(blocks)
        expected_earliest = 1
        for h in range(2, last + 1):
            if h % interval == 0 and h > keep_recent:
                expected_earliest = max(expected_earliest, h - keep_recent)
        assert pruned.earliest == expected_earliest
        # exactly the entries recorded after the earliest kept height remain
        want = {k: v for k, v in history_dump(full).items() if entry_height(k) > pruned.earliest}
        assert history_dump(pruned) == want
        probes = sorted({k for b in blocks for k in b} | set(probes))
        for h in range(pruned.earliest, last + 1):
            check_height(pruned, h, models[h], roots[h], probes, (b"\x00", None))
        for h in range(1, pruned.earliest):
            with pytest.raises(VersionUnavailable, match=f"failed to load state at height {h}; "
                               f"version does not exist \\(latest height: {last}\\)"):
                pruned.version(h)
        full.close()
        pruned.close()


def test_pruned_heights_stay_refused_after_a_restart_and_pruning_resumes(tmp_path) -> None:
    opts = PruningOptions("custom", 2, 10)
    store = AppStore(str(tmp_path), pruning=opts)
    models: dict[int, dict[bytes, bytes]] = {}
    roots: dict[int, bytes] = {}
    run(store, [{b"k": str(h).encode(), bytes([h]): b"x"} for h in range(1, 21)], 1, models,
        roots)
    assert store.earliest == 18
    store.worker.close()  # stop before it deletes anything: a node killed mid-prune
    store.db.close()
    store = AppStore(str(tmp_path), pruning=opts)
    assert store.earliest == 18
    assert store.worker.wait(30)
    assert all(entry_height(k) > 18 for k in history_dump(store))
    assert store.version(18).kv.get(b"k") == b"18"
    with pytest.raises(VersionUnavailable, match="earliest kept height is 18"):
        store.version(17)
    store.close()


def test_history_is_recorded_only_once_an_older_version_exists(tmp_path) -> None:
    store = AppStore(str(tmp_path), pruning=NOTHING)
    store.commit(1, store.apply({bytes([i]): b"v" for i in range(50)}))  # genesis + block 1
    assert history_dump(store) == {}
    store.commit(2, store.apply({b"\x01": b"w"}))
    hist = history_dump(store)
    assert b"h" + escape(b"\x01") + (2).to_bytes(8, "big") in hist
    assert store.version(1).kv.get(b"\x01") == b"v"
    store.close()


def test_an_unchanged_write_records_no_history(tmp_path) -> None:
    store = AppStore(str(tmp_path), pruning=NOTHING)
    store.commit(1, store.apply({b"a": b"1"}))
    store.commit(2, store.apply({b"a": b"1", b"gone": None}))
    assert history_dump(store) == {}
    store.close()


def test_a_data_dir_from_before_history_is_migrated_and_starts_history_there(tmp_path) -> None:
    store = AppStore(str(tmp_path), pruning=NOTHING)
    for h in range(1, 4):
        store.commit(h, store.apply({b"k": str(h).encode()}))
    # what the previous release left: no layout, no earliest height, no history
    for key in (b"mlayout", b"mearliest"):
        store.db.delete(key)
    for k in list(history_dump(store)):
        store.db.delete(k)
    store.close()
    store = AppStore(str(tmp_path), pruning=NOTHING)
    assert (store.height, store.earliest) == (3, 3)
    assert store.db.get(b"mlayout") == str(LAYOUT).encode()
    store.commit(4, store.apply({b"k": b"4"}))
    assert store.version(3).kv.get(b"k") == b"3"
    with pytest.raises(VersionUnavailable, match="earliest kept height is 3"):
        store.version(2)
    store.close()


def test_a_newer_layout_is_refused_with_one_line(tmp_path) -> None:
    from zrchain.store.app_store import StoreLayoutError

    store = AppStore(str(tmp_path))
    store.db.put(b"mlayout", b"99")
    store.close()
    with pytest.raises(StoreLayoutError) as err:
        AppStore(str(tmp_path))
    assert "\n" not in str(err.value) and "layout 99" in str(err.value)


@given(st.binary(max_size=12))
def test_escaped_keys_are_prefix_free_and_ordered(key) -> None:
    assert unescape(escape(key)) == key
    assert b"\x00\x01" not in escape(key)[:-2]


@given(st.binary(max_size=6), st.binary(max_size=6))
def test_escaping_preserves_key_order(a, b) -> None:
    assert (a < b) == (escape(a) < escape(b))


@given(st.lists(keys, max_size=5), st.dictionaries(
    st.tuples(st.integers(0, 40), st.integers(0, 2**40)),
    st.sampled_from([b"\x00", b"I" + bytes(32), b"L" + bytes(range(96))]), max_size=6),
    st.booleans())
def test_change_records_round_trip_and_list_their_entries(state_keys, nodes, indexed) -> None:
    from zrchain.store.smt import position_key

    olds = {position_key(d, p % (1 << d) if d else 0): old for (d, p), old in nodes.items()}
    changes = Changes(b"".join(escape(k) for k in state_keys), list(olds), list(olds.values()))
    decoded, written = Changes.decode(changes.encode(indexed))
    assert written == indexed and decoded.state == changes.state
    assert decoded.positions == list(olds)
    assert decoded.olds == ([] if indexed else list(olds.values()))
    hb = (7).to_bytes(8, "big")
    assert decoded.history_keys(7) == [
        *(b"h" + escape(k) + hb for k in state_keys),
        *(b"n" + p + hb for p in olds),
    ]


def test_a_storage_error_of_the_worker_stops_the_next_commit(tmp_path) -> None:
    import plyvel

    store = AppStore(str(tmp_path), pruning=NOTHING)
    store.commit(1, store.apply({b"a": b"1"}))

    def broken() -> bool:
        raise plyvel.IOError(b"IO error: File too large")

    store.worker._step = broken
    store.commit(2, store.apply({b"a": b"2"}))  # wakes the worker, which fails
    assert store.worker.wait(10) is False and isinstance(store.worker.error, plyvel.IOError)
    with pytest.raises(plyvel.IOError):
        store.commit(3, store.apply({b"a": b"3"}))
    store.close()


def test_the_worker_waits_while_a_block_executes(tmp_path) -> None:
    store = AppStore(str(tmp_path), pruning=NOTHING)
    store.commit(1, store.apply({b"a": b"1"}))
    store.pause_background()  # as FinalizeBlock does
    with store._lock:
        store._recent[2] = Changes(b"", [], [])  # a height waiting to be written
    store.worker.wake()
    assert store.worker.wait(0.3) is False and 2 in store._recent  # nothing ran
    store.worker.resume()  # as the commit does
    assert store.worker.wait(10) and 2 not in store._recent
    store.close()
