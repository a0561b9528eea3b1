"""Key-value layers: a read view over LevelDB, write branches and prefix views.

A ``Branch`` buffers writes over a parent and merges them into it only on ``write()``;
that is how a tx runs in a branch of the block state and is kept only on success. All
layers iterate in byte order over ``[start, end)``; mutating a store while iterating it is
not supported (collect first, then write).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any, Protocol

Pair = tuple[bytes, bytes]


class KVReader(Protocol):
    def get(self, key: bytes) -> bytes | None: ...
    def iterate(
        self, start: bytes | None = None, end: bytes | None = None, reverse: bool = False
    ) -> Iterator[Pair]: ...


class KVStore(KVReader, Protocol):
    def set(self, key: bytes, value: bytes) -> None: ...
    def delete(self, key: bytes) -> None: ...
    def has(self, key: bytes) -> bool: ...


@lru_cache(maxsize=4096)
def prefix_end(prefix: bytes) -> bytes | None:
    """The first key after every key starting with ``prefix`` (None: no upper bound)."""
    b = bytearray(prefix)
    while b:
        if b[-1] != 0xFF:
            b[-1] += 1
            return bytes(b)
        b.pop()
    return None


class LevelView:
    """Read-only view of one namespace of a plyvel DB or snapshot."""

    __slots__ = ("_end", "_ns", "_reader")

    def __init__(self, reader: Any, namespace: bytes) -> None:
        self._reader = reader
        self._ns = namespace
        self._end = prefix_end(namespace)

    def get(self, key: bytes) -> bytes | None:
        value: bytes | None = self._reader.get(self._ns + key)
        return value

    def has(self, key: bytes) -> bool:
        return self._reader.get(self._ns + key) is not None

    def iterate(
        self, start: bytes | None = None, end: bytes | None = None, reverse: bool = False
    ) -> Iterator[Pair]:
        ns = self._ns
        lo = ns + start if start else ns
        hi = ns + end if end is not None else self._end
        n = len(ns)
        if reverse:
            yield from _reverse(self._reader, lo, hi, n)
            return
        with self._reader.iterator(start=lo, stop=hi) as it:
            for k, v in it:
                yield k[n:], v


def seek_last_below(it: Any, hi: bytes | None) -> None:
    """Put a plyvel raw iterator on the last key below ``hi`` (None: the last key)."""
    if hi is not None:
        it.seek(hi)
        if it.valid():
            it.prev()
            return
    it.seek_to_last()


def _reverse(reader: Any, lo: bytes, hi: bytes | None, strip: int) -> Iterator[Pair]:
    """Keys in [lo, hi) from the last, by hand: plyvel 1.5's reverse iterator yields nothing
    when the range holds a single key."""
    it = reader.raw_iterator()
    try:
        seek_last_below(it, hi)
        while it.valid():
            k = it.key()
            if k < lo:
                return
            yield k[strip:], it.value()
            it.prev()
    finally:
        it.close()


class CachedReads:
    """Remembered reads over an immutable view (a committed version): the check state reads
    the same params and module accounts for every tx until the next commit replaces it.
    Its view (``AppStore.check_view``) answers from the inter-block memory first, so what
    the last blocks read or wrote does not reach LevelDB here either."""

    __slots__ = ("_seen", "parent")

    def __init__(self, parent: KVReader) -> None:
        self.parent = parent
        self._seen: dict[bytes, bytes | None] = {}

    def get(self, key: bytes) -> bytes | None:
        seen = self._seen
        if key in seen:
            return seen[key]
        value = seen[key] = self.parent.get(key)
        return value

    def has(self, key: bytes) -> bool:
        return self.get(key) is not None

    def iterate(
        self, start: bytes | None = None, end: bytes | None = None, reverse: bool = False
    ) -> Iterator[Pair]:
        return self.parent.iterate(start, end, reverse)


class Branch:
    """A write buffer over a parent store; ``write()`` merges it into the parent."""

    __slots__ = ("_sorted", "parent", "writes")

    def __init__(self, parent: KVReader) -> None:
        self.parent = parent
        self.writes: dict[bytes, bytes | None] = {}
        self._sorted: list[bytes] | None = []

    def get(self, key: bytes) -> bytes | None:
        # Down the stack of branches in one frame (a tx's branch over the block's over the
        # pending state): most reads of a tx miss all three.
        branch = self
        while True:
            w = branch.writes
            if key in w:
                return w[key]
            parent = branch.parent
            if type(parent) is not Branch:
                value: bytes | None = parent.get(key)
                return value
            branch = parent

    def has(self, key: bytes) -> bool:
        return self.get(key) is not None

    def set(self, key: bytes, value: bytes) -> None:
        if key not in self.writes:
            self._sorted = None
        self.writes[key] = value

    def delete(self, key: bytes) -> None:
        if key not in self.writes:
            self._sorted = None
        self.writes[key] = None

    def write(self) -> None:
        """Merge the buffered writes into the parent and clear them."""
        parent: Any = self.parent
        if isinstance(parent, Branch):
            if parent._sorted is not None and not self.writes.keys() <= parent.writes.keys():
                parent._sorted = None
            parent.writes.update(self.writes)
        else:
            for k, v in self.writes.items():
                if v is None:
                    parent.delete(k)
                else:
                    parent.set(k, v)
        self.writes = {}
        self._sorted = []

    def discard(self) -> None:
        self.writes = {}
        self._sorted = []

    def iterate(
        self, start: bytes | None = None, end: bytes | None = None, reverse: bool = False
    ) -> Iterator[Pair]:
        keys = self._sorted
        if keys is None:
            keys = self._sorted = sorted(self.writes)
        lo = bisect_left(keys, start) if start else 0
        hi = bisect_left(keys, end) if end is not None else len(keys)
        w = self.writes
        overlay = [(k, w[k]) for k in keys[lo:hi]]
        if reverse:
            overlay.reverse()
        return merge_overlay(self.parent.iterate(start, end, reverse), overlay, reverse)


def merge_overlay(
    base: Iterator[Pair], overlay: Iterable[tuple[bytes, bytes | None]], reverse: bool
) -> Iterator[Pair]:
    """Merge an ordered base iterator with an ordered overlay (None values delete)."""
    if isinstance(overlay, list) and not overlay:
        yield from base
        return
    cur = next(base, None)
    for ok, ov in overlay:
        while cur is not None and (cur[0] > ok if reverse else cur[0] < ok):
            yield cur
            cur = next(base, None)
        if cur is not None and cur[0] == ok:
            cur = next(base, None)
        if ov is not None:
            yield ok, ov
    if cur is not None:
        yield cur
        yield from base


class PrefixStore:
    """A view of the keys under ``prefix`` with the prefix stripped (a module's own store)."""

    __slots__ = ("_end", "_prefix", "parent")

    def __init__(self, parent: Any, prefix: bytes) -> None:
        self.parent = parent
        self._prefix = prefix
        self._end = prefix_end(prefix)

    def get(self, key: bytes) -> bytes | None:
        value: bytes | None = self.parent.get(self._prefix + key)
        return value

    def has(self, key: bytes) -> bool:
        return bool(self.parent.has(self._prefix + key))

    def set(self, key: bytes, value: bytes) -> None:
        self.parent.set(self._prefix + key, value)

    def delete(self, key: bytes) -> None:
        self.parent.delete(self._prefix + key)

    def iterate(
        self, start: bytes | None = None, end: bytes | None = None, reverse: bool = False
    ) -> Iterator[Pair]:
        p = self._prefix
        lo = p + start if start else p
        hi = p + end if end is not None else self._end
        n = len(p)
        for k, v in self.parent.iterate(lo, hi, reverse):
            yield k[n:], v

    def prefix(self, sub: bytes) -> PrefixStore:
        return PrefixStore(self.parent, self._prefix + sub)


def iterate_prefix(store: KVReader, prefix: bytes, reverse: bool = False) -> Iterator[Pair]:
    return store.iterate(prefix, prefix_end(prefix), reverse)
