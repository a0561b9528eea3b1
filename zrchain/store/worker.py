"""A background thread that runs a store's deferred work one bounded step at a time, so
the consensus thread never waits for it. It can be paused: with one interpreter lock, work
running beside FinalizeBlock would slow the block down, so the app pauses it while a block
executes and the store resumes it after Commit."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

log = logging.getLogger("zrchain.store")


class Worker:
    def __init__(self, step: Callable[[], bool], name: str) -> None:
        self._step = step  # one bounded unit of work; False when nothing is left
        self._name = name
        self._cv = threading.Condition()
        self._woken = False
        self._idle = True
        self._stopping = False
        self._paused = False
        self._thread: threading.Thread | None = None
        self.error: Exception | None = None  # what stopped the thread, if anything

    def wake(self) -> None:
        """There is (or may be) work: run steps until none is left."""
        with self._cv:
            if self._stopping:
                return
            self._woken, self._idle = True, False
            self._cv.notify_all()
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
                self._thread.start()

    def pause(self) -> None:
        """No new step starts until ``resume`` (the current one finishes)."""
        with self._cv:
            self._paused = True

    def resume(self) -> None:
        with self._cv:
            self._paused = False
            self._cv.notify_all()

    def wait(self, timeout: float | None = None) -> bool:
        """Until the work is done (tests, benchmarks, shutdown); False on timeout."""
        return self.wait_until(lambda: self._idle, timeout)

    def wait_until(self, done: Callable[[], bool], timeout: float | None = None) -> bool:
        """Until ``done()`` (checked after each step); False on timeout or if stopped."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cv:
            while not done():
                left = None if deadline is None else deadline - time.monotonic()
                if self._stopping or (left is not None and left <= 0):
                    return False
                self._cv.wait(left)
            return True

    def close(self) -> None:
        """Stop after the current step (what is left stays on disk for the next start)."""
        with self._cv:
            self._stopping = True
            self._cv.notify_all()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def _run(self) -> None:
        while True:
            with self._cv:
                while not self._stopping and not self._woken:
                    self._cv.wait()
                if self._stopping:
                    return
                self._woken = False
            while True:
                with self._cv:
                    while self._paused and not self._stopping:
                        self._cv.wait()
                    if self._stopping:
                        return
                try:
                    more = self._step()
                except Exception as exc:  # a disk error: stop; the owner raises it next
                    log.exception("%s stopped", self._name)
                    with self._cv:
                        self.error = exc
                        self._stopping = True
                        self._cv.notify_all()
                    return
                with self._cv:
                    self._cv.notify_all()  # progress, for wait_until
                    if self._stopping:
                        return
                    if not more:
                        if not self._woken:
                            self._idle = True
                            self._cv.notify_all()
                            break
                        self._woken = False  # woken during the step: look again
                time.sleep(0)  # let the consensus thread have the interpreter
