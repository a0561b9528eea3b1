"""The latest state's reads and trie nodes are remembered across blocks
(zrchain/store/app_store.py ``_RecordingView``, zrchain/store/smt.py ``remembered``): a
commit puts what it wrote there, a restore forgets them. A read after a commit sees the
committed value, never a remembered older one, also when the read raced the commit on
another thread; the roots are those of a trie read afresh from disk."""

from __future__ import annotations

import tempfile
from typing import Any
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st

from zrchain.store.app_store import NS_STATE, NS_TRIE, AppStore, VerifiedReader, _RecordingView
from zrchain.store.kv import Branch
from zrchain.store.smt import SparseMerkleTrie


def test_a_read_after_a_commit_sees_the_committed_value(tmp_path) -> None:
    store = AppStore(str(tmp_path / "db"), background=False)
    try:
        store.apply({b"k": b"1"})
        store.commit(1, store.root())
        assert Branch(store.pending).get(b"k") == b"1"  # read from LevelDB, remembered
        assert Branch(store.pending).get(b"k") == b"1"  # answered from memory
        assert Branch(store.pending).get(b"absent") is None
        store.apply({b"k": b"2", b"absent": b"now"})
        store.commit(2, store.root())
        assert Branch(store.pending).get(b"k") == b"2"
        assert Branch(store.pending).get(b"absent") == b"now"
    finally:
        store.close()


class _CommitDuringRead:
    """A LevelDB reader whose answer is from before a commit that lands mid-read."""

    def __init__(self, view: list[_RecordingView]) -> None:
        self.view = view

    def get(self, key: bytes, **_: Any) -> bytes | None:
        self.view[0].committed({b"k": b"new"})  # the commit lands: written, remembered
        return b"old"


class _RestoreDuringRead(_CommitDuringRead):
    def get(self, key: bytes, **_: Any) -> bytes | None:
        self.view[0].forget()  # a restore writes the state: everything read is stale
        return b"old"


def test_a_value_read_across_a_commit_is_not_remembered() -> None:
    for reader in (_CommitDuringRead, _RestoreDuringRead):
        holder: list[_RecordingView] = []
        view = _RecordingView(reader(holder), NS_STATE)
        holder.append(view)
        assert view.get(b"k") == b"old"  # the racing reader gets what it read...
        assert view.seen.get(b"k") != b"old"  # ...and it is not what is remembered


keys = st.binary(min_size=1, max_size=2).map(lambda b: bytes(b"ab\x00\xff"[x % 4] for x in b))
block = st.dictionaries(keys, st.one_of(st.none(), st.binary(max_size=4)), max_size=10)


def _fresh_root(store: AppStore) -> bytes:
    """The root of the trie as stored on disk, read by a trie that remembers nothing."""
    return SparseMerkleTrie(VerifiedReader(store.db), NS_TRIE).root()


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(block, st.lists(keys, max_size=6)), min_size=1, max_size=8),
    st.integers(1, 40),
    st.integers(1, 40),
)
def test_remembered_reads_and_nodes_follow_every_commit(blocks, max_values, max_nodes) -> None:
    """Blocks of writes and deletes, reads before each (remembered), small bounds so the
    memories start over: every read is the model's value, every root the fresh trie's."""
    bounds = {"MAX_REMEMBERED": max_values, "MAX_NODES_REMEMBERED": max_nodes}
    with (
        tempfile.TemporaryDirectory() as d,
        mock.patch.multiple("zrchain.store.app_store", **bounds),
    ):
        store = AppStore(d, background=False)
        model: dict[bytes, bytes] = {}
        try:
            for h, (writes, reads) in enumerate(blocks, start=1):
                for k in reads + list(writes):
                    assert Branch(store.pending).get(k) == model.get(k)
                root = store.apply(dict(writes))
                store.commit(h, root)
                for k, v in writes.items():
                    if v is None:
                        model.pop(k, None)
                    else:
                        model[k] = v
                assert root == _fresh_root(store) == store.root()
                for k in reads + list(writes):
                    assert Branch(store.pending).get(k) == model.get(k)
                    assert store.db.get(NS_STATE + k) == model.get(k)
        finally:
            store.close()


def test_a_restore_forgets_what_was_remembered(tmp_path) -> None:
    store = AppStore(str(tmp_path / "db"), background=False)
    try:
        store.apply({b"k": b"1", b"j": b"2"})
        store.commit(1, store.root())
        assert Branch(store.pending).get(b"k") == b"1"
        store.wipe()
        assert Branch(store.pending).get(b"k") is None
        store.write_state_pairs([(b"k", b"restored")])
        assert Branch(store.pending).get(b"k") == b"restored"
        root = store.rebuild_trie()
        assert root == store.root() == _fresh_root(store)
        store.mark_committed(5, root)
        store.apply({b"j": b"3"})
        assert store.root() == SparseMerkleTrie(VerifiedReader(store.db), NS_TRIE).update(
            [(b"j", b"3")]
        )
    finally:
        store.close()


class _ReadBeforeBatchWrite:
    """The store's database, whose write batches first let a reader read ``key`` (a
    CheckTx racing a state-sync chunk)."""

    def __init__(self, store: AppStore, key: bytes) -> None:
        self._db, self._store, self._key = store.db, store, key

    def __getattr__(self, name: str) -> Any:
        return getattr(self._db, name)

    def write_batch(self) -> Any:
        batch, store, key = self._db.write_batch(), self._store, self._key

        class Batch:
            def put(self, k: bytes, v: bytes) -> None:
                batch.put(k, v)

            def write(self) -> None:
                Branch(store.pending).get(key)  # reads the value from before the chunk
                batch.write()

        return Batch()


def test_a_read_racing_a_restore_chunk_is_not_remembered(tmp_path) -> None:
    store = AppStore(str(tmp_path / "db"), background=False)
    try:
        store.wipe()
        db = store.db
        store.db = _ReadBeforeBatchWrite(store, b"k")  # type: ignore[assignment]
        store.write_state_pairs([(b"k", b"restored")])
        store.db = db
        root = store.rebuild_trie()
        store.mark_committed(5, root)
        store.apply({b"j": b"1"})
        store.commit(6, store.root())
        assert Branch(store.pending).get(b"k") == b"restored"
    finally:
        store.close()
