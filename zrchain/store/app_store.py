"""The application's committed state: LevelDB, the state trie and its versions.

LevelDB namespaces: ``s`` state values and ``t`` trie nodes (the latest version, in place),
``h``/``n``/``c`` the history of older versions (``history.py``), ``m`` metadata (height,
app hash, earliest kept height, how far the trie history is written, layout). Between
commits, applied-but-uncommitted writes live in ``pending`` (a Branch over the DB) and in
the trie's pending nodes; ``commit`` writes them, what they replace, the height and the app
hash in one ``WriteBatch``, so a crash leaves either the old or the new block.

Readers (queries from any thread) use ``version(height)``: every kept height from
``earliest`` to the latest, read through the LevelDB snapshot pinned at the last commit, so
they never see a block half-applied.

A background worker does what the commit defers: it writes the trie history of each height
(one bounded step per height, in height order) and deletes the history below ``earliest``
once pruning moves it (a bounded batch per step).

LevelDB runs with paranoid checks and every read verifies block checksums: a damaged
database is an error (``STORAGE_ERRORS``), never silently lost or wrong data.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import deque
from dataclasses import dataclass
from enum import Enum
from typing import Any, Final

import plyvel

from zrchain.store.history import (
    NO_NODE,
    NS_CHANGES,
    NS_HIST,
    NS_NODES,
    NS_STATE,
    NS_TRIE,
    Changes,
    HistoricalNodes,
    HistoricalView,
    Recent,
    encode_old_value,
    escape,
    height_bytes,
)
from zrchain.store.kv import Branch, KVReader, LevelView
from zrchain.store.proof import Proof
from zrchain.store.pruning import PruningOptions
from zrchain.store.smt import SparseMerkleTrie
from zrchain.store.worker import Worker

log = logging.getLogger("zrchain.store")

NS_META = b"m"
_HEIGHT = NS_META + b"height"
_APP_HASH = NS_META + b"app_hash"
_EARLIEST = NS_META + b"earliest"
_NODES_WRITTEN = NS_META + b"nodes_written"  # trie history is written up to this height
_LAYOUT = NS_META + b"layout"
LAYOUT = 2  # 1: latest state only (before on-disk history); 2: with history
_NAMESPACES = (NS_STATE, NS_TRIE, NS_HIST, NS_NODES, NS_CHANGES, NS_META)
# Trie history waiting in memory (heights, nodes: ~250 bytes each); a commit waits beyond.
MAX_RECENT, MAX_RECENT_NODES = 16, 500_000
PRUNE_BATCH = 1024  # deletes per pruning step
NODE_BATCH = 2048  # trie history entries per step
# Latest-state values and trie nodes kept in memory across blocks (hot accounts, the trie's
# upper levels); past these counts each starts over. Roughly 100 bytes per entry; values
# can be far larger (a request's payload), so those also start over past a byte count.
MAX_REMEMBERED, MAX_NODES_REMEMBERED = 1 << 18, 1 << 18
MAX_REMEMBERED_BYTES = 1 << 26


# A storage failure of this node: it must stop rather than answer or commit anything.
STORAGE_ERRORS: tuple[type[BaseException], ...] = (plyvel.Error, OSError)


class VersionUnavailable(LookupError):
    pass


class StoreOpenError(Exception):
    """The database cannot be opened or read at start (corrupt, locked, unreadable)."""


class StoreLayoutError(RuntimeError):
    """The data directory was written by a newer zrchaind."""


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

    def raw_iterator(self) -> Any:
        return self._reader.raw_iterator(verify_checksums=True)


@dataclass(frozen=True)
class Version:
    """A consistent read-only view of the state at one committed height."""

    height: int
    app_hash: bytes
    _snapshot: VerifiedReader  # the LevelDB snapshot of the latest commit
    latest: bool = True
    recent: Recent = ()  # trie history not yet in the snapshot's ``n`` entries

    @classmethod
    def past(cls, at: Version, height: int) -> Version:
        nodes = HistoricalNodes(at._snapshot, height, at.recent)
        root = SparseMerkleTrie(nodes, NS_TRIE).root()
        return cls(height, root, at._snapshot, latest=False, recent=at.recent)

    @property
    def kv(self) -> KVReader:
        if self.latest:
            return LevelView(self._snapshot, NS_STATE)
        return HistoricalView(self._snapshot, self.height)

    def get(self, key: bytes) -> bytes | None:
        if self.latest:
            value: bytes | None = self._snapshot.get(NS_STATE + key)
            return value
        return HistoricalView(self._snapshot, self.height).get(key)

    def prove(self, key: bytes) -> tuple[bytes | None, Proof]:
        nodes = (
            self._snapshot
            if self.latest
            else HistoricalNodes(self._snapshot, self.height, self.recent)
        )
        return self.get(key), SparseMerkleTrie(nodes, NS_TRIE).prove(key)


class _Unread(Enum):
    UNREAD = 0


_UNREAD: Final = _Unread.UNREAD  # not remembered (None is a remembered absent key)


class _RecordingView(LevelView):
    """The latest state as the block reads it, remembering each value read: they are the
    pre-images the commit records (the block reads most keys it writes), at the cost of
    one dict store per read instead of a second LevelDB read per write. The remembered
    values also answer repeated reads, within a block and across blocks (the SDK's
    inter-block cache), and the check state's reads (``recall``). The latest state changes
    only when ``commit`` writes it, which puts what it wrote here too (``committed``), or
    when a restore writes it, which ``forget``s everything before and after each chunk's
    write (a read in between would otherwise keep the old value); each bumps the generation
    count first, so what is remembered at one generation is of one state. Bounded: past
    MAX_REMEMBERED values or MAX_REMEMBERED_BYTES bytes of keys and values, it starts over
    at a commit, from what the commit wrote. Before the first commit CheckTx reads here from
    its own thread: a value it read before a commit is not remembered after it (the
    generation count). Once a version exists only the consensus thread reads here (CheckTx
    recalls), so no value a commit wrote is remembered at the generation before it."""

    __slots__ = ("_gen", "_lock", "seen", "size")

    def __init__(self, reader: Any, namespace: bytes) -> None:
        super().__init__(reader, namespace)
        self.seen: dict[bytes, bytes | None] = {}
        self.size = 0  # bytes of the keys and values in ``seen``
        self._gen = 0
        self._lock = threading.Lock()

    @property
    def generation(self) -> int:
        return self._gen

    def get(self, key: bytes) -> bytes | None:
        seen = self.seen
        hit = seen.get(key, _UNREAD)  # one lookup: a commit on another thread may clear it
        if hit is not _UNREAD:
            return hit
        gen = self._gen
        value: bytes | None = self._reader.get(self._ns + key)
        with self._lock:
            if gen == self._gen and key not in seen:
                seen[key] = value
                self.size += len(key) + (len(value) if value else 0)
        return value

    def recall(self, key: bytes, generation: int) -> bytes | _Unread | None:
        """``key``'s remembered value if the memory still holds the state of ``generation``,
        from any thread without the lock: a commit or restore bumps the count before it
        changes ``seen`` and the count only grows, so one unchanged after the lookup was
        unchanged through it."""
        hit = self.seen.get(key, _UNREAD)
        return hit if self._gen == generation else _UNREAD

    def committed(self, writes: dict[bytes, bytes | None]) -> None:
        """``writes`` are in the latest state now (called after the commit's write)."""
        with self._lock:
            self._gen += 1
            seen = self.seen
            grown = alone = 0  # bytes the writes add to the memory; the writes' own bytes
            for key, value in writes.items():
                n = len(key) + (len(value) if value else 0)
                alone += n
                old = seen.get(key, _UNREAD)
                grown += n if old is _UNREAD else n - len(key) - (len(old) if old else 0)
            size = self.size + grown
            if len(seen) + len(writes) > MAX_REMEMBERED or size > MAX_REMEMBERED_BYTES:
                seen.clear()  # the block's own writes stay: the next block reads them most
                size = alone
            seen.update(writes)
            self.size = size

    def forget(self) -> None:
        """The latest state has changed other than by a commit: nothing read is current."""
        with self._lock:
            self._gen += 1
            self.seen.clear()
            self.size = 0


class _CheckView(LevelView):
    """The latest version as the check state reads it: what the inter-block memory holds
    while it still describes this version, else the version's snapshot. After a commit
    CheckTx and recheck read the accounts and balances the block just wrote: from memory,
    not LevelDB."""

    __slots__ = ("_gen", "_memory")

    def __init__(self, version: Version, memory: _RecordingView, generation: int) -> None:
        super().__init__(version._snapshot, NS_STATE)
        self._memory = memory
        self._gen = generation

    def get(self, key: bytes) -> bytes | None:
        hit = self._memory.recall(key, self._gen)
        if hit is not _UNREAD:
            return hit
        value: bytes | None = self._reader.get(self._ns + key)
        return value


class AppStore:
    def __init__(
        self,
        path: str,
        pruning: PruningOptions | None = None,
        sync: bool = False,
        background: bool = True,
    ) -> None:
        """``background=False`` does the deferred history work inside ``commit`` (tests)."""
        self.path = path
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
            self.height = int.from_bytes(raw_height, "big") if raw_height else 0
            self.app_hash = self._reader.get(_APP_HASH) or b""
            self.earliest = self._open_layout()
            self._recent = self._load_recent()  # height -> changes whose trie history waits
        except STORAGE_ERRORS as exc:
            raise StoreOpenError(
                f"cannot open the application database at {path}: {describe(exc)}"
            ) from exc
        self.trie = SparseMerkleTrie(self._reader, NS_TRIE)
        self._read = _RecordingView(self._reader, NS_STATE)
        self.pending = Branch(self._read)
        self.pruning = pruning or PruningOptions()
        self.sync = sync
        self._lock = threading.Lock()
        self._pruned_below = 0  # no ``c`` record below this height is left
        self._pruning: tuple[int, list[bytes], int] | None = None  # height, entries, done
        self._writing: tuple[int, int, int] | None = None  # height, entries to write, written
        self._latest: Version | None = None
        if self.height:
            self._latest = self._pin(self.height, self.app_hash)
        self.background = background
        self.worker = Worker(self._background_step, "history")
        if self._recent or self._history_below(self.earliest):
            self._after_commit()  # finish what a stop interrupted

    def _open_layout(self) -> int:
        """The earliest kept height; a data dir from before history is migrated in place."""
        raw = self._reader.get(_LAYOUT)
        layout = int(raw) if raw else (1 if self.height else LAYOUT)
        if layout > LAYOUT:
            raise StoreLayoutError(
                f"{self.path} holds state layout {layout}, newer than this zrchaind's "
                f"({LAYOUT}): run the zrchaind that wrote it, or state-sync into an empty home"
            )
        if layout == 1:
            # The latest state and trie are laid out as before; history starts now.
            log.warning(
                "data dir predates on-disk history: heights before %d are not queryable",
                self.height,
            )
            batch = self.db.write_batch(sync=True)
            batch.put(_EARLIEST, height_bytes(self.height))
            batch.put(_LAYOUT, str(LAYOUT).encode())
            batch.write()
        elif not raw:
            self.db.put(_LAYOUT, str(LAYOUT).encode())
        raw_earliest = self._reader.get(_EARLIEST)
        return int.from_bytes(raw_earliest, "big") if raw_earliest else self.height

    def _load_recent(self) -> dict[int, Changes]:
        """The heights committed with their trie history still to write (after a stop)."""
        raw = self._reader.get(_NODES_WRITTEN)
        start = NS_CHANGES + height_bytes(int.from_bytes(raw, "big") + 1 if raw else 0)
        recent = {}
        with self._reader.iterator(start=start, stop=NS_CHANGES + b"\xff" * 8) as it:
            for key, record in it:
                changes, written = Changes.decode(record)
                if not written:
                    recent[int.from_bytes(key[len(NS_CHANGES) :], "big")] = changes
        return recent

    def _history_below(self, height: int) -> bool:
        """Whether history that only heights below ``height`` need is still on disk."""
        stop = NS_CHANGES + height_bytes(height + 1)
        with self._reader.iterator(prefix=NS_CHANGES, include_value=False) as it:
            first = next(it, None)
        return first is not None and first < stop

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
        """Write the staged state, the trie nodes, what they replace (once a version before
        this one exists), the height, app hash and earliest kept height atomically; a
        storage error of the background worker is raised here (the node must stop)."""
        if self.worker.error is not None:
            raise self.worker.error
        batch = self.db.write_batch(sync=self.sync)
        changes = self._write_with_history(batch, height) if self.height else None
        if changes is None:
            self._write_latest(batch)
        batch.put(_HEIGHT, height_bytes(height))
        batch.put(_APP_HASH, app_hash)
        earliest = self.earliest if self.height else height
        pruned = self.pruning.earliest_after_commit(height)
        if pruned is not None and pruned > earliest:
            earliest = pruned
        if earliest != self.earliest:
            batch.put(_EARLIEST, height_bytes(earliest))
        batch.write()
        self.trie.committed_nodes(MAX_NODES_REMEMBERED)
        with self._lock:  # the memory's new generation with the version it holds (check_view)
            self._read.committed(self.pending.writes)
            if changes is not None and changes.positions:
                self._recent[height] = changes
            self.height, self.app_hash, self.earliest = height, app_hash, earliest
            self._latest = self._pin(height, app_hash)
        self._clear_staged()
        self._after_commit()

    def _pin(self, height: int, app_hash: bytes) -> Version:
        """The latest version: a snapshot and the trie history it lacks, taken together
        (under the lock, so the worker cannot write a height in between)."""
        recent = tuple(self._recent.items())
        return Version(height, app_hash, VerifiedReader(self.db.snapshot()), recent=recent)

    def pause_background(self) -> None:
        """A block is executing: the history worker waits until the next commit."""
        self.worker.pause()

    def _after_commit(self) -> None:
        if not self.background:
            while self._background_step():
                pass
            return
        self.worker.resume()
        self.worker.wake()
        if not self._recent_fits():  # the worker is behind: wait, bounding memory
            t0 = time.monotonic()
            self.worker.wait_until(self._recent_fits)
            log.info("commit waited %.3fs for the history worker", time.monotonic() - t0)

    def _recent_fits(self) -> bool:
        recent = list(self._recent.values())
        size = sum(len(c.positions) for c in recent)
        return len(recent) <= MAX_RECENT and size <= MAX_RECENT_NODES

    def _write_latest(self, batch: Any) -> None:
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

    def _write_with_history(self, batch: Any, height: int) -> Changes:
        """The latest writes, each state key's pre-image, and one record of the changes
        holding the trie's old nodes (their entries are written later, in the background:
        about ten per changed key, they would double the commit's work)."""
        put, delete, get = batch.put, batch.delete, self._reader.get
        hb = height_bytes(height)
        changed: list[bytes] = []
        seen = self._read.seen
        for k, v in self.pending.writes.items():
            sk = NS_STATE + k
            old = seen[k] if k in seen else get(sk)
            if old == v:
                continue
            ek = escape(k)
            put(NS_HIST + ek + hb, encode_old_value(old))
            changed.append(ek)
            if v is None:
                delete(sk)
            else:
                put(sk, v)
        # The update read almost every node it replaces (``committed``); the rest are new
        # positions. An unchanged node recorded as its own pre-image is harmless.
        nodes = self.trie.pending
        before = self.trie.committed
        olds = [(before[p] if p in before else get(NS_TRIE + p)) or NO_NODE for p in nodes]
        for pos, node in nodes.items():
            if node is None:
                delete(NS_TRIE + pos)
            else:
                put(NS_TRIE + pos, node)
        changes = Changes(b"".join(changed), list(nodes), olds)
        if changed or nodes:
            put(NS_CHANGES + hb, changes.encode(indexed=False))
        return changes

    def _clear_staged(self) -> None:
        """Drop the staged block; the remembered latest state stays (it is unchanged)."""
        self.pending.discard()
        self.trie.pending.clear()
        self.trie.committed.clear()

    def discard_pending(self) -> None:
        self._clear_staged()

    # -- background work (the worker thread, or commit with background=False) --------------
    def _background_step(self) -> bool:
        """Write the trie history of the lowest waiting height, else delete the pruned
        history of one height (at most PRUNE_BATCH entries); False when nothing is left."""
        with self._lock:
            waiting = min(self._recent, default=None)
            earliest = self.earliest
        if waiting is not None:
            self._write_nodes(waiting, earliest)
            return True
        return self._prune_step(earliest)

    def _write_nodes(self, height: int, earliest: int) -> None:
        """The next NODE_BATCH ``n`` entries of ``height``; with the last ones, the record
        without its nodes and the written-up-to mark (after a stop the height starts over:
        writing an entry twice is harmless)."""
        changes = self._recent[height]
        if self._writing is None or self._writing[0] != height:
            pruned = height <= earliest  # pruned meanwhile: pruning deletes its record
            self._writing = (height, 0 if pruned else len(changes.positions), 0)
        _, total, done = self._writing
        hb = height_bytes(height)
        end = min(total, done + NODE_BATCH)
        batch = self.db.write_batch()
        keys = [NS_NODES + p + hb for p in changes.positions[done:end]]
        deque(map(batch.put, keys, changes.olds[done:end]), maxlen=0)
        if end < total:
            batch.write()
            self._writing = (height, total, end)
            return
        if total:
            batch.put(NS_CHANGES + hb, changes.encode(indexed=True))
        batch.put(_NODES_WRITTEN, hb)
        batch.write()
        self._writing = None
        with self._lock:  # after the write: a version pinned from now on has the entries
            del self._recent[height]

    def _prune_step(self, earliest: int) -> bool:
        start = NS_CHANGES + height_bytes(self._pruned_below)
        stop = NS_CHANGES + height_bytes(earliest + 1)
        with self._reader.iterator(start=start, stop=stop, include_value=False) as it:
            key = next(it, None)
        if key is None:
            self._pruned_below = max(self._pruned_below, earliest + 1)
            return False
        height = int.from_bytes(key[len(NS_CHANGES) :], "big")
        if self._pruning is None or self._pruning[0] != height:
            record = self._reader.get(key) or b""
            self._pruning = (height, Changes.decode(record)[0].history_keys(height), 0)
        _, keys, done = self._pruning
        batch = self.db.write_batch()
        for k in keys[done : done + PRUNE_BATCH]:
            batch.delete(k)
        done += PRUNE_BATCH
        if done >= len(keys):
            batch.delete(key)  # the record goes with its last entries; after a stop, a
            self._pruned_below = height + 1  # height pruned halfway starts over (harmless)
            self._pruning = None
        else:
            self._pruning = (height, keys, done)
        batch.write()
        return True

    # -- reading (any thread) -------------------------------------------------------------
    def version(self, height: int = 0) -> Version:
        """The committed state at ``height`` (0: the latest)."""
        with self._lock:
            latest, earliest = self._latest, self.earliest
        if latest is None:
            raise VersionUnavailable("no committed state yet")
        if height == 0 or height == latest.height:
            return latest
        if height > latest.height:
            raise VersionUnavailable(
                f"failed to load state at height {height}; version does not exist "
                f"(latest height: {latest.height})"
            )
        if height < earliest:
            raise VersionUnavailable(
                f"failed to load state at height {height}; version does not exist "
                f"(latest height: {latest.height}); the earliest kept height is {earliest}"
            )
        return Version.past(latest, height)

    def check_view(self) -> KVReader:
        """The latest version for the check state, read through the inter-block memory
        while that holds the same version: the two are taken together under the lock
        ``commit`` changes both under."""
        with self._lock:
            latest, generation = self._latest, self._read.generation
        if latest is None:
            raise VersionUnavailable("no committed state yet")
        return _CheckView(latest, self._read, generation)

    # -- state-sync restore (into an empty store) ------------------------------------------
    def wipe(self) -> None:
        """Delete all state, history and metadata (before restoring a snapshot)."""
        self.worker.resume()
        self.worker.wait()
        for ns in _NAMESPACES:
            batch = self.db.write_batch()
            with self.db.iterator(prefix=ns, include_value=False) as it:
                for k in it:
                    batch.delete(k)
            batch.write()
        self.db.put(_LAYOUT, str(LAYOUT).encode())
        self.discard_pending()
        self.trie.forget()
        with self._lock:
            self._read.forget()
            self.height, self.app_hash, self.earliest, self._latest = 0, b"", 0, None
            self._recent.clear()
            self._pruned_below, self._pruning, self._writing = 0, None, None

    def write_state_pairs(self, pairs: list[tuple[bytes, bytes]]) -> None:
        self._read.forget()  # values remembered before these writes are stale
        batch = self.db.write_batch()
        for k, v in pairs:
            batch.put(NS_STATE + k, v)
        batch.write()
        # and again after it: a read between the first forget and the write remembered
        # the old value (the generation bump also stops one in flight across the write)
        self._read.forget()

    def rebuild_trie(self, batch_keys: int = 50_000) -> bytes:
        """Recompute the trie from every stored state key (flushing nodes as it goes)."""
        self._clear_staged()
        self.trie.forget()
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
            self.trie.committed_nodes(MAX_NODES_REMEMBERED)
            self.trie.pending.clear()
            self.trie.committed.clear()
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
        """A restored snapshot's height becomes the latest and the earliest kept version."""
        batch = self.db.write_batch(sync=True)
        batch.put(_HEIGHT, height_bytes(height))
        batch.put(_APP_HASH, app_hash)
        batch.put(_EARLIEST, height_bytes(height))
        batch.write()
        with self._lock:
            self.height, self.app_hash, self.earliest = height, app_hash, height
            self._latest = self._pin(height, app_hash)

    def close(self) -> None:
        self.worker.close()
        with self._lock:
            self._latest = None
        self.db.close()
