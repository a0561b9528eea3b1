"""Which committed heights stay readable (the SDK's pruning options), and the pruner that
deletes the history of the others in bounded batches off the consensus thread.

Options, as app.toml's ``pruning``, ``pruning-keep-recent`` and ``pruning-interval`` mean in
Cosmos SDK v0.50 (``store/pruning``): ``default`` keeps the last 362880 heights and prunes
every 10, ``everything`` keeps 2 and prunes every 10, ``nothing`` keeps all, ``custom``
takes the two numbers (interval >= 10, keep-recent >= 2). Committing height H with
H % interval == 0 and H > keep-recent makes every height below H - keep-recent unreadable
at once (so heights H - keep-recent .. H stay), and the pruner then deletes their history.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

from zrchain.store.history import NS_CHANGES, height_bytes, history_keys

log = logging.getLogger("zrchain.pruning")

DEFAULT = "default"
NOTHING = "nothing"
EVERYTHING = "everything"
CUSTOM = "custom"
_EVERYTHING_KEEP_RECENT = 2
_EVERYTHING_INTERVAL = 10
_MAX_INT64 = 2**63 - 1


class PruningConfigError(ValueError):
    pass


@dataclass(frozen=True)
class PruningOptions:
    strategy: str = DEFAULT
    keep_recent: int = 362880
    interval: int = 10

    @classmethod
    def parse(cls, strategy: str, keep_recent: object = 0, interval: object = 0) -> PruningOptions:
        """From app.toml values (numbers may be TOML integers or, as the SDK writes them,
        strings); the numbers are read only for ``custom``, as in the SDK."""
        name = str(strategy).strip().lower()
        if name == DEFAULT:
            return cls(DEFAULT, 362880, 10)
        if name == EVERYTHING:
            return cls(EVERYTHING, _EVERYTHING_KEEP_RECENT, _EVERYTHING_INTERVAL)
        if name == NOTHING:
            return cls(NOTHING, 0, 0)
        if name != CUSTOM:
            raise PruningConfigError(
                f"unknown pruning strategy {strategy!r} "
                "(use default, nothing, everything or custom)"
            )
        opts = cls(
            CUSTOM,
            _uint("pruning-keep-recent", keep_recent),
            _uint("pruning-interval", interval),
        )
        opts.validate()
        return opts

    def validate(self) -> None:
        """The SDK's rules (``PruningOptions.Validate``), with its messages."""
        if self.strategy == NOTHING:
            return
        prefix = "invalid custom pruning options: " if self.strategy == CUSTOM else ""
        if self.interval == 0:
            raise PruningConfigError(
                prefix + "'pruning-interval' must not be 0. If you want to disable pruning, "
                'select pruning = "nothing"'
            )
        if self.interval < _EVERYTHING_INTERVAL:
            raise PruningConfigError(
                prefix + f"'pruning-interval' must not be less than {_EVERYTHING_INTERVAL}. "
                'For the most aggressive pruning, select pruning = "everything"'
            )
        if self.keep_recent < _EVERYTHING_KEEP_RECENT:
            raise PruningConfigError(
                prefix + f"'pruning-keep-recent' must not be less than {_EVERYTHING_KEEP_RECENT}. "
                'For the most aggressive pruning, select pruning = "everything"'
            )
        if self.keep_recent > _MAX_INT64:
            raise PruningConfigError(
                prefix + "'pruning-keep-recent' must not be greater than 2^63-1. "
                'Select pruning = "nothing"'
            )

    def check_snapshots(self, snapshot_interval: int) -> None:
        """The SDK refuses state-sync snapshots with ``everything`` (app config check)."""
        if self.strategy == EVERYTHING and snapshot_interval > 0:
            raise PruningConfigError(
                "cannot enable state sync snapshots with 'everything' pruning setting"
            )

    def earliest_after_commit(self, height: int) -> int | None:
        """The earliest height kept once ``height`` is committed, when it prunes."""
        if self.strategy == NOTHING or self.interval <= 0:
            return None
        if height % self.interval or height <= self.keep_recent:
            return None
        return height - self.keep_recent


def _uint(name: str, value: object) -> int:
    text = str(value).strip()
    if isinstance(value, bool) or not text.isascii() or not text.isdigit():
        raise PruningConfigError(f"invalid {name} {value!r}: not a non-negative integer")
    return int(text)


class Pruner:
    """Deletes the history of heights below a target, a bounded batch at a time.

    The ``c | h`` records are the work queue: each lists the entries recorded at h, and it
    is deleted in the batch that deletes its last entries, so a crash mid-way leaves the
    record to finish after restart (deleting twice is harmless). A record at h is garbage
    once h <= the earliest kept height, since it only serves heights below h.
    """

    def __init__(self, db: Any, batch_keys: int = 1024) -> None:
        self._db = db
        self._batch_keys = batch_keys
        self._cv = threading.Condition()
        self._target = 0  # delete the records of heights <= target
        self._done = 0
        self._cursor = 0  # no record below this height is left (skips deleted records' tombstones)
        self._stopping = False
        self._thread: threading.Thread | None = None

    def request(self, through: int) -> None:
        """Delete the records of every height <= ``through`` in the background."""
        with self._cv:
            if through <= self._target or self._stopping:
                return
            self._target = through
            self._cv.notify_all()
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="pruner", daemon=True)
                self._thread.start()

    def wait(self, timeout: float | None = None) -> bool:
        """Until every requested height is pruned (tests, benchmarks); False on timeout."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cv:
            while self._done < self._target and not self._stopping:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return False
                self._cv.wait(left)
            return self._done >= self._target

    def close(self) -> None:
        with self._cv:
            self._stopping = True
            self._cv.notify_all()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def _run(self) -> None:
        while True:
            with self._cv:
                while not self._stopping and self._done >= self._target:
                    self._cv.wait()
                if self._stopping:
                    return
                target = self._target
            try:
                more = self.step(target)
            except Exception:  # the DB closing under us, or a disk error: stop, log once
                log.exception("pruning stopped")
                with self._cv:
                    self._stopping = True
                    self._cv.notify_all()
                return
            if more:
                time.sleep(0)  # let the consensus thread have the interpreter
                continue
            with self._cv:
                self._done = max(self._done, target)
                self._cv.notify_all()

    def step(self, through: int) -> bool:
        """Delete the oldest record of a height <= ``through`` and its entries (in batches
        of at most ``batch_keys`` deletes); True when one was found."""
        start = NS_CHANGES + height_bytes(self._cursor)
        stop = NS_CHANGES + height_bytes(through + 1)
        with self._db.iterator(start=start, stop=stop) as it:
            item = next(it, None)
        if item is None:
            self._cursor = max(self._cursor, through + 1)
            return False
        key, record = item
        height = int.from_bytes(key[len(NS_CHANGES) :], "big")
        keys = history_keys(height, record)
        # Entries already deleted by an interrupted run are deleted again: harmless, and the
        # record goes only with the last batch.
        n = self._batch_keys
        for i in range(0, max(len(keys), 1), n):
            batch = self._db.write_batch()
            for k in keys[i : i + n]:
                batch.delete(k)
            if i + n >= len(keys):
                batch.delete(key)
            batch.write()
            if i + n < len(keys):
                time.sleep(0)
        self._cursor = height + 1
        return True
