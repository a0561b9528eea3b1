"""The latest state's reads are remembered until the next commit (zrchain/store/app_store.py
``_RecordingView``): a read after a commit sees the committed value, never a remembered
older one, also when the read raced the commit on another thread."""

from __future__ import annotations

from typing import Any

from zrchain.store.app_store import NS_STATE, AppStore, _RecordingView
from zrchain.store.kv import Branch


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
        self.view[0].forget()  # the commit: written, and what was read forgotten
        return b"old"


def test_a_value_read_across_a_commit_is_not_remembered() -> None:
    holder: list[_RecordingView] = []
    view = _RecordingView(_CommitDuringRead(holder), NS_STATE)
    holder.append(view)
    assert view.get(b"k") == b"old"  # the racing reader gets what it read...
    assert b"k" not in view.seen  # ...but the next read goes to the store again
