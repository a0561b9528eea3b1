"""Crash-safe private files and single-owner locks for the daemons' state.

The keeper's state, seed and shares and the bridge's per-network state are written so a
crash leaves the old or the new content, never a torn file, and only the owner can read it;
a lock file held with ``flock`` keeps a second process of the same daemon off them (the OS
releases it when the holder dies)."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import tempfile
from pathlib import Path


def write_private(path: str | os.PathLike[str], text: str, prefix: str = ".tmp-") -> None:
    """Write ``text`` to ``path`` with mode 0600: temp file, fsync, rename, fsync the folder."""
    target = Path(path)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=prefix, suffix=".part")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):
        dfd = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)


def write_private_json(path: str | os.PathLike[str], doc: object) -> None:
    """``doc`` as indented, key-sorted JSON through :func:`write_private` (folder created)."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    write_private(path, json.dumps(doc, indent=1, sort_keys=True))


class LockHeld(Exception):
    """Another process holds the lock."""


class FileLock:
    """An exclusive ``flock`` on ``path`` (created 0600; the holder's PID is written in it)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> None:
        """Take the lock now or raise :class:`LockHeld`; the OS drops it if we die."""
        if self._fd is not None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise LockHeld(str(self.path)) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
