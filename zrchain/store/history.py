"""Past versions of the state on disk: reverse deltas keyed by (key, height).

The latest state stays where consensus reads and writes it (``s`` values by key, ``t`` trie
nodes by position, see ``app_store.py``). A commit at height h also records, in the same
WriteBatch, what each state key and trie node it changes held *before* h (its value at
h-1), and the list of what changed at h:

* ``h | esc(key) | 00 01 | h``  ->  ``00`` (absent) or ``01 | value``
* ``n | position | h``          ->  the old node, or empty (no node there)
* ``c | h``                     ->  the keys and positions changed at h (what pruning deletes)

(h is a u64 BE; ``esc`` doubles each 00 byte as ``00 FF``, so ``esc(key) | 00 01`` is
prefix-free and sorts as the keys do.) The value of a key at height H is the pre-image
recorded by its first change after H, or its latest value when it has not changed since:
one seek. Iterating at H merges the latest values with the keys changed since H.

All reads go through one LevelDB snapshot taken after a commit, so a reader never mixes two
commits. A pre-image recorded at h is needed only by heights below h, so pruning everything
below height K deletes exactly the entries listed under ``c | h`` for h <= K.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from zrchain.store.kv import LevelView, Pair, merge_overlay, seek_last_below

NS_STATE = b"s"
NS_TRIE = b"t"
NS_HIST = b"h"
NS_NODES = b"n"
NS_CHANGES = b"c"
TERM = b"\x00\x01"
_NS_HIST_END = b"i"
_ABSENT = b"\x00"
_PRESENT = b"\x01"
_PAST_ANY_HEIGHT = b"\xff" * 8


def height_bytes(height: int) -> bytes:
    return height.to_bytes(8, "big")


def escape(key: bytes) -> bytes:
    """``key`` with its terminator: prefix-free, in the same order as the keys."""
    return key.replace(b"\x00", b"\x00\xff") + TERM


def unescape(escaped: bytes) -> bytes:
    """The key of an ``escape``d key (terminator included)."""
    return escaped[: -len(TERM)].replace(b"\x00\xff", b"\x00")


def encode_old_value(value: bytes | None) -> bytes:
    return _ABSENT if value is None else _PRESENT + value


def decode_old_value(raw: bytes) -> bytes | None:
    return None if raw[:1] == _ABSENT else raw[1:]


def encode_changes(escaped_keys: list[bytes], positions: Iterable[bytes]) -> bytes:
    """The ``c | h`` record: escaped keys (self-delimiting), then trie positions (each
    starts with its depth, which gives its length)."""
    state = b"".join(escaped_keys)
    return len(state).to_bytes(4, "big") + state + b"".join(positions)


def history_keys(height: int, record: bytes) -> list[bytes]:
    """Every ``h`` and ``n`` entry a ``c | height`` record lists."""
    hb = height_bytes(height)
    n = int.from_bytes(record[:4], "big")
    state, trie = record[4 : 4 + n], record[4 + n :]
    out = [NS_HIST + ek + TERM + hb for ek in state.split(TERM)[:-1]]
    pos = 0
    while pos < len(trie):
        depth = int.from_bytes(trie[pos : pos + 2], "big")
        end = pos + 2 + (depth + 7) // 8
        out.append(NS_NODES + trie[pos:end] + hb)
        pos = end
    return out


class _Seeker:
    """Point reads at a past height: the pre-image of the first change after it, if any."""

    __slots__ = ("_after", "_it", "_snap")

    def __init__(self, snapshot: Any, height: int) -> None:
        self._snap = snapshot
        self._after = height_bytes(height + 1)
        self._it: Any = None

    def first_change_after(self, prefix: bytes) -> bytes | None:
        """The value of the first entry ``prefix | h`` with h > height (None: none)."""
        it = self._it
        if it is None:
            it = self._it = self._snap.raw_iterator()
        it.seek(prefix + self._after)
        if it.valid() and it.key().startswith(prefix):
            value: bytes = it.value()
            return value
        return None


class HistoricalView:
    """Read-only state at ``height``, below the latest version ``snapshot`` holds."""

    __slots__ = ("_after", "_seeker", "_snap", "height")

    def __init__(self, snapshot: Any, height: int) -> None:
        self._snap = snapshot
        self.height = height
        self._after = height_bytes(height + 1)
        self._seeker = _Seeker(snapshot, height)

    def get(self, key: bytes) -> bytes | None:
        old = self._seeker.first_change_after(NS_HIST + escape(key))
        if old is not None:
            return decode_old_value(old)
        value: bytes | None = self._snap.get(NS_STATE + key)
        return value

    def has(self, key: bytes) -> bool:
        return self.get(key) is not None

    def iterate(
        self, start: bytes | None = None, end: bytes | None = None, reverse: bool = False
    ) -> Iterator[Pair]:
        latest = LevelView(self._snap, NS_STATE).iterate(start, end, reverse)
        return merge_overlay(latest, self._changed_since(start, end, reverse), reverse)

    def _changed_since(
        self, start: bytes | None, end: bytes | None, reverse: bool
    ) -> Iterator[tuple[bytes, bytes | None]]:
        """(key, value at height) for each key in [start, end) changed after height."""
        lo = NS_HIST + escape(start)[: -len(TERM)] if start else NS_HIST
        hi = NS_HIST + escape(end)[: -len(TERM)] if end is not None else _NS_HIST_END
        after = self._after
        it = self._snap.raw_iterator()
        try:
            if not reverse:
                it.seek(lo)
                while it.valid():
                    k = it.key()
                    if k >= hi:
                        break
                    group = k[:-8]
                    it.seek(group + after)
                    if it.valid() and it.key().startswith(group):
                        yield unescape(group[1:]), decode_old_value(it.value())
                        it.seek(group + _PAST_ANY_HEIGHT)
                    # else: already at the next key's first entry
                return
            seek_last_below(it, hi)
            while it.valid():
                k = it.key()
                if k < lo:
                    break
                group = k[:-8]
                it.seek(group + after)
                if it.valid() and it.key().startswith(group):
                    yield unescape(group[1:]), decode_old_value(it.value())
                it.seek(group)
                it.prev()
        finally:
            it.close()


class HistoricalNodes:
    """A reader of trie nodes (``get(b"t" + position)``) as they were at ``height``."""

    __slots__ = ("_seeker", "_snap")

    def __init__(self, snapshot: Any, height: int) -> None:
        self._snap = snapshot
        self._seeker = _Seeker(snapshot, height)

    def get(self, key: bytes) -> bytes | None:
        old = self._seeker.first_change_after(NS_NODES + key[len(NS_TRIE) :])
        if old is not None:
            return old or None
        value: bytes | None = self._snap.get(key)
        return value
