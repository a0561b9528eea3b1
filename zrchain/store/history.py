"""Past versions of the state on disk: reverse deltas keyed by (key, height).

The latest state stays where consensus reads and writes it (``s`` values by key, ``t`` trie
nodes by position, see ``app_store.py``). A commit at height h also records what each state
key and trie node it changes held *before* h (its value at h-1), and the list of changes:

* ``h | esc(key) | 00 01 | h``  ->  ``00`` (absent) or ``01 | value``
* ``n | position | h``          ->  the old node, or ``00`` (no node there)
* ``c | h``                     ->  the keys and positions changed at h (what pruning deletes)

(h is a u64 BE; ``esc`` doubles each 00 byte as ``00 FF``, so ``esc(key) | 00 01`` is
prefix-free and sorts as the keys do.) The value of a key at height H is the pre-image
recorded by its first change after H, or its latest value when it has not changed since:
one seek. Iterating at H merges the latest values with the keys changed since H.

The ``h`` entries are written by the commit itself. The trie's old nodes (about ten per
changed key) go into the commit's batch as one ``c | h`` record *with* the nodes, and are
kept in memory as ``recent`` until a background step writes their ``n`` entries and
rewrites the record without them; a reader at H also looks in ``recent`` for heights above
H. Either way the commit stays one atomic WriteBatch.

All reads go through one LevelDB snapshot taken at a commit, so a reader never mixes two
commits. A pre-image recorded at h is needed only by heights below h, so pruning everything
below height K deletes exactly the entries listed under ``c | h`` for h <= K.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
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


_INDEXED = b"\x01"  # record: state keys, positions (their ``n`` entries are written)
_WITH_NODES = b"\x02"  # record: state keys, positions and their old nodes (not yet written)
NO_NODE = b"\x00"  # an ``n`` value: no node there
_NODE_SIZES = {b"L": 97, b"I": 33, NO_NODE: 1}  # smt.py's leaf and inner nodes; none


@dataclass(frozen=True)
class Changes:
    """What a commit changed: its escaped state keys (joined), the trie positions and their
    old nodes (``NO_NODE``: none), in the same order."""

    state: bytes
    positions: list[bytes]
    olds: list[bytes]

    @cached_property
    def nodes(self) -> dict[bytes, bytes]:
        """Position -> old node, built when a reader first needs it."""
        return dict(zip(self.positions, self.olds, strict=True))

    def encode(self, indexed: bool) -> bytes:
        head = len(self.state).to_bytes(4, "big") + self.state
        positions = b"".join(self.positions)
        if indexed:
            return _INDEXED + head + positions
        olds = b"".join(self.olds)
        return _WITH_NODES + head + len(positions).to_bytes(4, "big") + positions + olds

    @classmethod
    def decode(cls, record: bytes) -> tuple[Changes, bool]:
        """The changes (without old nodes once written) and whether they are written."""
        n = int.from_bytes(record[1:5], "big")
        state, rest = record[5 : 5 + n], record[5 + n :]
        if record[:1] == _INDEXED:
            return cls(state, _split_positions(rest), []), True
        m = int.from_bytes(rest[:4], "big")
        positions, data = _split_positions(rest[4 : 4 + m]), rest[4 + m :]
        olds, pos = [], 0
        for _ in positions:
            size = _NODE_SIZES[data[pos : pos + 1]]
            olds.append(data[pos : pos + size])
            pos += size
        return cls(state, positions, olds), False

    def history_keys(self, height: int) -> list[bytes]:
        """Every ``h`` and ``n`` entry these changes have (or will have) at ``height``."""
        hb = height_bytes(height)
        out = [NS_HIST + ek + TERM + hb for ek in self.state.split(TERM)[:-1]]
        out.extend(NS_NODES + p + hb for p in self.positions)
        return out


def _split_positions(data: bytes) -> list[bytes]:
    """Trie positions laid end to end (each starts with its depth, which gives its length)."""
    out, pos = [], 0
    while pos < len(data):
        depth = int.from_bytes(data[pos : pos + 2], "big")
        end = pos + 2 + (depth + 7) // 8
        out.append(data[pos:end])
        pos = end
    return out


class _Seeker:
    """Point reads at a past height: the pre-image of the first change after it, if any."""

    __slots__ = ("_after", "_it", "_snap", "found_height")

    def __init__(self, snapshot: Any, height: int) -> None:
        self._snap = snapshot
        self._after = height_bytes(height + 1)
        self._it: Any = None
        self.found_height = 0  # the height of the entry the last call found

    def first_change_after(self, prefix: bytes) -> bytes | None:
        """The value of the first entry ``prefix | h`` with h > height (None: none)."""
        it = self._it
        if it is None:
            it = self._it = self._snap.raw_iterator()
        it.seek(prefix + self._after)
        if it.valid():
            key: bytes = it.key()
            if key.startswith(prefix):
                self.found_height = int.from_bytes(key[-8:], "big")
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


Recent = tuple[tuple[int, Changes], ...]  # heights whose ``n`` entries may be unwritten, ascending


class HistoricalNodes:
    """A reader of trie nodes (``get(b"t" + position)``) as they were at ``height``: the
    first change after it, from the ``n`` entries or the ``recent`` heights not written yet
    (a height may be in both while it is being written: the lower height wins)."""

    __slots__ = ("_height", "_recent", "_seeker", "_snap")

    def __init__(self, snapshot: Any, height: int, recent: Recent = ()) -> None:
        self._snap = snapshot
        self._height = height
        self._recent = recent
        self._seeker = _Seeker(snapshot, height)

    def get(self, key: bytes) -> bytes | None:
        pos = key[len(NS_TRIE) :]
        old = self._seeker.first_change_after(NS_NODES + pos)
        for h, changes in self._recent:
            if h > self._height and pos in changes.nodes:
                if old is None or h < self._seeker.found_height:
                    old = changes.nodes[pos]
                break
        if old is not None:
            return None if old == NO_NODE else old
        value: bytes | None = self._snap.get(key)
        return value
