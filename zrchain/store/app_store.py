"""The application's committed state: LevelDB, the state trie and committed versions.

LevelDB namespaces: ``s`` state values, ``t`` trie nodes, ``m`` metadata (height, app
hash). Between commits, applied-but-uncommitted writes live in ``pending`` (a Branch over
the DB) and in the trie's pending nodes; ``commit`` writes all of them plus the height and
app hash in one ``WriteBatch``, so a crash leaves either the old or the new block.

Readers (queries from any thread) use ``version(height)``: a LevelDB snapshot pinned at a
committed height, so they never see a block half-applied.

LevelDB runs with paranoid checks and every read verifies block checksums: a damaged
database is an error (``STORAGE_ERRORS``), never silently lost or wrong data.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import plyvel

from zrchain.store.kv import Branch, LevelView
from zrchain.store.proof import Proof
from zrchain.store.smt import SparseMerkleTrie

NS_STATE = b"s"
NS_TRIE = b"t"
NS_META = b"m"
_HEIGHT = NS_META + b"height"
_APP_HASH = NS_META + b"app_hash"


# A storage failure of this node: it must stop rather than answer or commit anything.
STORAGE_ERRORS: tuple[type[BaseException], ...] = (plyvel.Error, OSError)


class VersionUnavailable(LookupError):
    pass


class StoreOpenError(Exception):
    """The database cannot be opened or read at start (corrupt, locked, unreadable)."""


def describe(exc: BaseException) -> str:
    """One line for a storage error (plyvel's messages are bytes)."""
    msg = exc.args[0] if exc.args else ""
    text = msg.decode(errors="replace") if isinstance(msg, bytes) else str(exc)
    return f"{type(exc).__name__}: {text}"


class VerifiedReader:
    """A plyvel DB or snapshot whose reads verify LevelDB's block checksums."""

    __slots__ = ("_reader",)

    def __init__(self, reader: Any) -> None:
        self._reader = reader

    def get(self, key: bytes) -> bytes | None:
        value: bytes | None = self._reader.get(key, verify_checksums=True)
        return value

    def iterator(self, **kwargs: Any) -> Any:
        return self._reader.iterator(verify_checksums=True, **kwargs)


@dataclass(frozen=True)
class Version:
    """A consistent read-only view of the state at one committed height."""

    height: int
    app_hash: bytes
    _snapshot: VerifiedReader

    @property
    def kv(self) -> LevelView:
        return LevelView(self._snapshot, NS_STATE)

    def get(self, key: bytes) -> bytes | None:
        value: bytes | None = self._snapshot.get(NS_STATE + key)
        return value

    def prove(self, key: bytes) -> tuple[bytes | None, Proof]:
        return self.get(key), SparseMerkleTrie(self._snapshot, NS_TRIE).prove(key)


class AppStore:
    def __init__(self, path: str, keep_versions: int = 100, sync: bool = False) -> None:
        try:
            os.makedirs(path, exist_ok=True)
            # 8 MB is LevelDB's default block cache: far too small once the trie's upper
            # levels and hot accounts exceed it; bloom filters spare disk reads for absent
            # keys. Paranoid checks make a damaged log or table an error at open, where
            # LevelDB would otherwise drop what it cannot read.
            self.db = plyvel.DB(path, create_if_missing=True, paranoid_checks=True,
                                lru_cache_size=128 << 20, bloom_filter_bits=10,
                                write_buffer_size=32 << 20)  # fmt: skip
            self._reader = VerifiedReader(self.db)
            raw_height = self._reader.get(_HEIGHT)
            self.app_hash = self._reader.get(_APP_HASH) or b""
        except STORAGE_ERRORS as exc:
            raise StoreOpenError(
                f"cannot open the application database at {path}: {describe(exc)}"
            ) from exc
        self.trie = SparseMerkleTrie(self._reader, NS_TRIE)
        self.pending = Branch(LevelView(self._reader, NS_STATE))
        self.keep_versions = max(1, keep_versions)
        self.sync = sync
        self.height = int.from_bytes(raw_height, "big") if raw_height else 0
        self._lock = threading.Lock()
        self._versions: OrderedDict[int, Version] = OrderedDict()
        if self.height:
            self._versions[self.height] = Version(self.height, self.app_hash, self._snapshot())

    # -- writing (consensus thread only) -------------------------------------------------
    def apply(self, writes: dict[bytes, bytes | None]) -> bytes:
        """Stage a block's (or genesis') writes and return the resulting state root."""
        if writes:
            self.pending.writes.update(writes)
            self.pending._sorted = None
        return self.trie.update(writes.items())

    def root(self) -> bytes:
        return self.trie.root()

    def commit(self, height: int, app_hash: bytes) -> None:
        """Write the staged state, trie nodes, height and app hash atomically."""
        batch = self.db.write_batch(sync=self.sync)
        for k, v in self.pending.writes.items():
            if v is None:
                batch.delete(NS_STATE + k)
            else:
                batch.put(NS_STATE + k, v)
        for pos, node in self.trie.pending.items():
            if node is None:
                batch.delete(NS_TRIE + pos)
            else:
                batch.put(NS_TRIE + pos, node)
        batch.put(_HEIGHT, height.to_bytes(8, "big"))
        batch.put(_APP_HASH, app_hash)
        batch.write()
        self.pending.discard()
        self.trie.pending.clear()
        self.height, self.app_hash = height, app_hash
        version = Version(height, app_hash, self._snapshot())
        with self._lock:
            self._versions[height] = version
            while len(self._versions) > self.keep_versions:
                self._versions.popitem(last=False)

    def _snapshot(self) -> VerifiedReader:
        return VerifiedReader(self.db.snapshot())

    def discard_pending(self) -> None:
        self.pending.discard()
        self.trie.pending.clear()

    # -- reading (any thread) -------------------------------------------------------------
    def version(self, height: int = 0) -> Version:
        """The committed state at ``height`` (0: the latest)."""
        with self._lock:
            if not self._versions:
                raise VersionUnavailable("no committed state yet")
            if height == 0:
                return next(reversed(self._versions.values()))
            v = self._versions.get(height)
        if v is None:
            raise VersionUnavailable(
                f"version {height} is not available (kept: the last {self.keep_versions} heights "
                f"committed by this process)"
            )
        return v

    # -- state-sync restore (into an empty store) ------------------------------------------
    def wipe(self) -> None:
        """Delete all state, trie nodes and metadata (before restoring a snapshot)."""
        for ns in (NS_STATE, NS_TRIE, NS_META):
            batch = self.db.write_batch()
            with self.db.iterator(prefix=ns, include_value=False) as it:
                for k in it:
                    batch.delete(k)
            batch.write()
        self.discard_pending()
        self.height, self.app_hash = 0, b""
        with self._lock:
            self._versions.clear()

    def write_state_pairs(self, pairs: list[tuple[bytes, bytes]]) -> None:
        batch = self.db.write_batch()
        for k, v in pairs:
            batch.put(NS_STATE + k, v)
        batch.write()

    def rebuild_trie(self, batch_keys: int = 50_000) -> bytes:
        """Recompute the trie from every stored state key (flushing nodes as it goes)."""
        self.trie.pending.clear()
        buf: list[tuple[bytes, bytes]] = []
        root = self.trie.root()

        def flush() -> bytes:
            r = self.trie.update(buf)
            wb = self.db.write_batch()
            for pos, node in self.trie.pending.items():
                if node is None:
                    wb.delete(NS_TRIE + pos)
                else:
                    wb.put(NS_TRIE + pos, node)
            wb.write()
            self.trie.pending.clear()
            buf.clear()
            return r

        for k, v in LevelView(self._reader, NS_STATE).iterate():
            buf.append((k, v))
            if len(buf) >= batch_keys:
                root = flush()
        if buf:
            root = flush()
        return root

    def mark_committed(self, height: int, app_hash: bytes) -> None:
        batch = self.db.write_batch(sync=True)
        batch.put(_HEIGHT, height.to_bytes(8, "big"))
        batch.put(_APP_HASH, app_hash)
        batch.write()
        self.height, self.app_hash = height, app_hash
        with self._lock:
            self._versions[height] = Version(height, app_hash, self._snapshot())

    def close(self) -> None:
        with self._lock:
            self._versions.clear()
        self.db.close()
