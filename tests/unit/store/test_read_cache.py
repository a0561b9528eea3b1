"""The latest state's reads and trie nodes are remembered across blocks
(zrchain/store/app_store.py ``_RecordingView``, zrchain/store/smt.py ``remembered``): a
commit puts what it wrote there, a restore forgets them. A read after a commit sees the
committed value, never a remembered older one, also when the read raced the commit on
another thread; the roots are those of a trie read afresh from disk. The check state reads
the memory too (``AppStore.check_view``), but only while it holds the check state's own
version: a check state from before a commit or a restore still reads its version."""

from __future__ import annotations

import tempfile
from typing import Any
from unittest import mock

from cosmpy.protos.cosmos.bank.v1beta1 import tx_pb2 as bank_tx
from hypothesis import given, settings
from hypothesis import strategies as st

from zrchain.codec.coins import parse_coins
from zrchain.store.app_store import (
    _UNREAD,
    NS_STATE,
    NS_TRIE,
    AppStore,
    VerifiedReader,
    _CheckView,
    _RecordingView,
)
from zrchain.store.kv import Branch, CachedReads
from zrchain.store.smt import SparseMerkleTrie
from zrchain.testing.inproc import make_chain


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


def _remembered_bytes(seen: dict[bytes, bytes | None]) -> int:
    return sum(len(k) + len(v or b"") for k, v in seen.items())


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(block, st.lists(keys, max_size=6)), min_size=1, max_size=8),
    st.integers(1, 40),
    st.integers(1, 40),
    st.integers(1, 300),
)
def test_remembered_reads_and_nodes_follow_every_commit(
    blocks, max_values, max_nodes, max_bytes
) -> None:
    """Blocks of writes and deletes, reads before each (remembered), small bounds so the
    memories start over: every read is the model's value, every root the fresh trie's; the
    memory counts its bytes exactly and, after each commit, holds no more than the bound
    or the commit's own writes."""
    bounds = {
        "MAX_REMEMBERED": max_values,
        "MAX_NODES_REMEMBERED": max_nodes,
        "MAX_REMEMBERED_BYTES": max_bytes,
    }
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
                memory = store._read
                assert memory.size == _remembered_bytes(memory.seen)
                assert memory.size <= max(max_bytes, _remembered_bytes(dict(writes)))
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


def _check_state(store: AppStore) -> Branch:
    """A check state as the app builds one after each commit (``_fresh_check_state``)."""
    return Branch(CachedReads(store.check_view()))


def test_a_check_state_from_before_a_commit_reads_its_own_version(tmp_path) -> None:
    store = AppStore(str(tmp_path / "db"), background=False)
    try:
        store.apply({b"k": b"1", b"gone": b"x"})
        store.commit(1, store.root())
        check = _check_state(store)  # created after commit 1, first read after commit 2
        store.apply({b"k": b"2", b"gone": None, b"new": b"n"})
        store.commit(2, store.root())
        assert store._read.seen[b"k"] == b"2"  # what the memory holds now...
        assert check.get(b"k") == b"1"  # ...is not this version's
        assert check.get(b"gone") == b"x"
        assert check.get(b"new") is None
        after = _check_state(store)
        assert (after.get(b"k"), after.get(b"gone"), after.get(b"new")) == (b"2", None, b"n")
    finally:
        store.close()


class _CommitDuringLookup(dict[bytes, "bytes | None"]):
    """The memory's values, in which a commit lands in the middle of the first lookup."""

    def __init__(self, view: _RecordingView) -> None:
        super().__init__({b"k": b"old"})
        self.view: _RecordingView | None = view

    def get(self, key: bytes, default: Any = None) -> Any:
        view, self.view = self.view, None  # once (the commit itself looks keys up too)
        if view is not None:
            view.committed({key: b"new"})
        return super().get(key, default)


def test_a_recall_racing_a_commit_is_not_used() -> None:
    view = _RecordingView(VerifiedReader(None), NS_STATE)
    generation = view.generation
    view.seen = _CommitDuringLookup(view)
    assert view.recall(b"k", generation) is _UNREAD  # the lookup saw the next version
    assert view.recall(b"k", view.generation) == b"new"


steps = st.lists(
    st.one_of(
        st.tuples(st.just("block"), block, st.lists(keys, max_size=4)),
        st.tuples(st.just("check"), st.integers(0, 3), st.lists(keys, max_size=6)),
        st.tuples(st.just("restore"), st.dictionaries(keys, st.binary(max_size=4), max_size=6)),
        st.tuples(st.just("forget")),
    ),
    max_size=16,
)


@settings(max_examples=80, deadline=None)
@given(steps, st.integers(1, 40))
def test_a_check_state_reads_the_version_it_was_created_on(steps, max_values) -> None:
    """Blocks (reads, then writes and deletes), state-sync restores and forgotten memories,
    with reads between them from the latest check state and from older ones (a CheckTx
    still holding the check state of before a commit), of keys read, written and never
    touched: every read is the value of the version the check state was created on."""
    with (
        tempfile.TemporaryDirectory() as d,
        mock.patch("zrchain.store.app_store.MAX_REMEMBERED", max_values),
    ):
        store = AppStore(d, background=False)
        model: dict[bytes, bytes] = {}
        checks: list[tuple[Branch, dict[bytes, bytes]]] = []  # check state, its version
        height = 0
        try:
            for step in steps:
                if step[0] == "block":
                    _, writes, reads = step
                    for k in reads:
                        assert Branch(store.pending).get(k) == model.get(k)
                    store.apply(dict(writes))
                    for check, version in checks[-1:]:  # CheckTx during the block
                        for k in writes:
                            assert check.get(k) == version.get(k)
                    height += 1
                    store.commit(height, store.root())
                    for k, v in writes.items():
                        if v is None:
                            model.pop(k, None)
                        else:
                            model[k] = v
                elif step[0] == "restore":
                    model = dict(step[1])
                    store.wipe()
                    store.write_state_pairs(sorted(model.items()))
                    height += 1
                    store.mark_committed(height, store.rebuild_trie())
                elif step[0] == "forget":
                    store._read.forget()
                    continue
                else:
                    _, back, reads = step
                    if checks:
                        check, version = checks[max(0, len(checks) - 1 - back)]
                        for k in reads:
                            assert check.get(k) == version.get(k)
                    continue
                checks.append((_check_state(store), dict(model)))
            for check, version in checks:
                for k in {*version, b"a", b"b\x00", b"\xff"}:
                    assert check.get(k) == version.get(k)
        finally:
            store.close()


class _CountingReader(VerifiedReader):
    """A LevelDB snapshot reader that records the keys read through it."""

    def __init__(self, reader: Any) -> None:
        super().__init__(reader)
        self.keys: list[bytes] = []

    def get(self, key: bytes) -> bytes | None:
        self.keys.append(key)
        return super().get(key)


def test_check_tx_after_a_commit_reads_what_the_block_wrote_from_memory(tmp_path) -> None:
    chain = make_chain(tmp_path / "c", {"alice": "1000000urock", "bob": "5000urock"})
    try:
        alice, bob = chain.wallets["alice"], chain.wallets["bob"]
        send = bank_tx.MsgSend(from_address=alice.address, to_address=bob.address,
                               amount=parse_coins("5urock").to_protos())  # fmt: skip
        txs = []
        for _ in range(2):
            txs.append(chain.tx(alice, [send]))
            alice.sequence += 1
        store = chain.app.store
        with (
            mock.patch("zrchain.store.app_store.VerifiedReader", _CountingReader),
            mock.patch.object(store, "apply", wraps=store.apply) as apply,
        ):
            assert chain.block(txs[:1]).tx_results[0].code == 0  # pins the spy snapshot
        written = {k for call in apply.call_args_list for k in call.args[0]}
        snapshot = store.version()._snapshot
        assert isinstance(snapshot, _CountingReader)
        with mock.patch.object(_CheckView, "get", autospec=True, side_effect=_CheckView.get) as get:
            assert chain.check(txs[1]).code == 0
        asked = {call.args[1] for call in get.call_args_list}
        from_leveldb = {k[len(NS_STATE) :] for k in snapshot.keys if k.startswith(NS_STATE)}
        assert asked & written  # the account and balances the block changed...
        assert not from_leveldb & written  # ...came from memory, not LevelDB
    finally:
        chain.app.close()
