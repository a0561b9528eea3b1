"""Simulate off the consensus path, bounded (issue 11, item 4).

Simulate is unauthenticated: anyone may ask a node to run any tx. It runs over a *view*
taken in a moment under the check-state lock — the committed version CheckTx builds on
and a copy of what CheckTx added to it — and never holds a lock that CheckTx, recheck or
Commit wait on. It is bounded: the tx may be no larger than the mempool accepts
(``max_tx_bytes``), it may use at most ``gas_limit`` gas, and it stops after ``timeout``
seconds; each limit has its own clear error.

Two runners share this contract. ``InlineSimulator`` executes in the caller's thread (unit
tests, an app without a node). ``ProcessSimulator`` (what ``zrchaind start`` uses) executes
in worker processes (``zrchain.tx.simworker``): CPU-bound Python in a thread of the node
would share the interpreter lock with the ABCI loop and slow every block (2.7-4.9x on
consensus work during a large simulate, scripts/bench/simulate_bench.py); a worker runs at
the lowest CPU priority, so on a busy machine the node's own work still comes first. A
worker holds no database: the committed state reaches it through the request's pipe, read
by the calling (gRPC/REST/query) thread from the LevelDB snapshot, so reads stay
consistent and LevelDB stays single-process. A worker that overruns is killed and replaced.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import queue
import socket
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, replace
from itertools import islice
from multiprocessing.connection import Connection
from typing import Any, Protocol

from cosmpy.protos.cosmos.base.abci.v1beta1 import abci_pb2 as sdk_abci

from zrchain.abci.encode import to_abci_events
from zrchain.context import Mode
from zrchain.errors import ErrOutOfGas, QueryError, Status
from zrchain.gas import GasMeter
from zrchain.store.kv import Branch

log = logging.getLogger("zrchain.simulate")

DEFAULT_MAX_TX_BYTES = 1024 * 1024  # CometBFT's default mempool.max_tx_bytes
SCAN_PAGE = 256  # pairs per iteration round trip between a worker and the node


@dataclass(frozen=True)
class SimulationLimits:
    """What one Simulate may cost this node ([simulate] in app.toml)."""

    max_tx_bytes: int = DEFAULT_MAX_TX_BYTES  # the mempool's: a larger tx is never included
    gas_limit: int = 300_000_000
    timeout: float = 10.0  # seconds
    workers: int = 1  # simulations run at once; more wait up to ``timeout`` for a turn


class SimulationTimeout(Exception):
    """The simulation ran past its deadline (raised inside it by its gas meter)."""


class DeadlineMeter(GasMeter):
    """A gas meter that also stops the simulation at its deadline (checked every 256
    charges: every store access and payload check is one)."""

    __slots__ = ("_calls", "_deadline")

    def __init__(self, limit: int | None, deadline: float) -> None:
        super().__init__(limit)
        self._deadline = deadline
        self._calls = 0

    def consume(self, amount: int, descriptor: str) -> None:
        GasMeter.consume(self, amount, descriptor)
        self._calls += 1
        if not self._calls & 0xFF and time.monotonic() > self._deadline:
            raise SimulationTimeout(descriptor)


@dataclass(frozen=True)
class ErrorResult:
    """A failed simulation's tx error, as the doors render it (SDK code, codespace, log)."""

    codespace: str
    code: int
    log: str


class SimulationFailed(Exception):
    """Simulation ran and failed: ``error`` is the tx error, ``gas_used`` the gas so far."""

    def __init__(self, error: Any, gas_used: int) -> None:
        self.error = error
        self.gas_used = gas_used
        super().__init__(f"{error.log} with gas used: '{gas_used}'")


@dataclass
class Header:
    """The context a simulation runs in: the last committed block, as CheckTx sees it."""

    height: int
    time_ns: int
    chain_id: str
    block_max_gas: int
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class CheckStateView:
    """The check state at one moment: a committed version and CheckTx's writes over it."""

    header: Header
    state: Branch  # writes = a copy of the check state's, parent = the committed version


class SimulationHost(Protocol):
    """What a simulation needs from the app (``ZrChainApp`` provides it)."""

    store: Any
    chain_id: str
    pipeline: Any
    _lock: Any
    _check: Branch
    _ctx_params: dict[str, Any]

    @property
    def block_max_gas(self) -> int: ...

    def last_block_header(self) -> tuple[int, int]: ...


def check_state_view(app: SimulationHost) -> CheckStateView:
    """Copy the check state's writes under its lock (CheckTx waits only for the copy)."""
    if app.store.height == 0:
        raise QueryError(
            Status.FAILED_PRECONDITION,
            f"{app.chain_id or 'chain'} is not ready; please wait for the first block",
        )
    with app._lock:
        height, time_ns = app.last_block_header()
        check = app._check
        state = Branch(check.parent)
        state.writes = dict(check.writes)
        state._sorted = None
    header = Header(height, time_ns, app.chain_id, app.block_max_gas, dict(app._ctx_params))
    return CheckStateView(header, state)


def check_size(tx_bytes: bytes, limits: SimulationLimits) -> None:
    if len(tx_bytes) > limits.max_tx_bytes:
        raise QueryError(
            Status.INVALID_ARGUMENT,
            f"tx of {len(tx_bytes)} bytes is larger than the {limits.max_tx_bytes} bytes this "
            "node's mempool accepts (CometBFT mempool.max_tx_bytes): it could never be included",
        )


def timeout_error(limits: SimulationLimits) -> QueryError:
    return QueryError(
        Status.DEADLINE_EXCEEDED,
        f"simulation stopped after this node's limit of {limits.timeout:g}s "
        "([simulate] timeout in app.toml)",
    )


def execute(pipeline: Any, state: Any, tx_bytes: bytes, header: Header,
            limits: SimulationLimits, started: float) -> tuple[str, Any]:  # fmt: skip
    """Run the tx on a throwaway branch of ``state``: ("ok", (gas_wanted, gas_used,
    Result bytes)), ("error", (codespace, code, log, gas_used)), ("invalid", log) for bytes
    that are no tx, or ("timeout", gas_used)."""
    meter = DeadlineMeter(limits.gas_limit, started + limits.timeout)
    try:
        out = pipeline.run(Branch(state), tx_bytes, Mode.SIMULATE, header.height,
                           header.time_ns, sim_meter=meter)  # fmt: skip
    except SimulationTimeout:
        return "timeout", meter.consumed
    if out.error is not None:
        err = out.error
        if out.undecodable:
            return "invalid", err.log
        return "error", (err.codespace, err.code, err.log, out.gas_used)
    result = sdk_abci.Result(
        data=out.data,
        events=to_abci_events(out.events),
        msg_responses=sdk_abci.TxMsgData.FromString(out.data).msg_responses,
    )
    return "ok", (out.gas_wanted, out.gas_used, result.SerializeToString())


def outcome(kind: str, value: Any, limits: SimulationLimits) -> tuple[Any, Any]:
    """(GasInfo, Result) of an executed simulation, or its error raised."""
    if kind == "ok":
        gas_wanted, gas_used, result = value
        info = sdk_abci.GasInfo(gas_wanted=gas_wanted, gas_used=gas_used)
        return info, sdk_abci.Result.FromString(result)
    if kind == "error":
        codespace, code, text, gas_used = value
        if (codespace, code) == (ErrOutOfGas.codespace, ErrOutOfGas.code):
            # only this node's cap meters a simulation: the request asks too much of it
            raise QueryError(Status.INVALID_ARGUMENT, f"{text} with gas used: '{gas_used}'")
        raise SimulationFailed(ErrorResult(codespace, code, text), gas_used)
    if kind == "invalid":  # the request is malformed: a client error, not a failed run
        raise QueryError(Status.INVALID_ARGUMENT, f"failed to decode tx: {value}")
    if kind == "timeout":
        raise timeout_error(limits)
    log.error("simulation worker failed:\n%s", value)
    raise QueryError(Status.INTERNAL, "simulation failed inside the node (see its log)")


class InlineSimulator:
    """Runs simulations in the calling thread (same view, limits and errors)."""

    def __init__(self, app: SimulationHost, limits: SimulationLimits | None = None) -> None:
        self.app = app
        self.limits = limits or SimulationLimits()

    def simulate(self, tx_bytes: bytes) -> tuple[Any, Any]:
        check_size(tx_bytes, self.limits)
        started = time.monotonic()
        view = check_state_view(self.app)
        kind, value = execute(self.app.pipeline, view.state, tx_bytes, view.header,
                              self.limits, started)  # fmt: skip
        return outcome(kind, value, self.limits)

    def start(self) -> None:
        return None

    def close(self) -> None:
        return None


# -- worker processes ---------------------------------------------------------------------------
# Frames on a worker's pipe (multiprocessing.connection framing), first byte the kind:
#   node -> worker  b"S" pickle((tx_bytes, header dict, limits dict))   simulate
#                   b"V" value | b"N"                                  a read's answer
#                   pickle([(key, value), ...])                          a scan's answer
#   worker -> node  b"G" key | b"I" pickle((start, end, reverse, n))    reads
#                   b"R" pickle((kind, value))                          the result
#                   b"Y"                                                ready after start


class Worker:
    """One worker process and the node's end of its pipe."""

    def __init__(self, modules: str) -> None:
        ours, theirs = socket.socketpair()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "zrchain.tx.simworker", str(theirs.fileno()), modules],
            pass_fds=(theirs.fileno(),),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
        )
        theirs.close()
        self.conn = Connection(ours.detach())
        self.ready = False

    def wait_ready(self, timeout: float) -> None:
        if self.ready:
            return
        if not self.conn.poll(timeout) or self.conn.recv_bytes() != b"Y":
            raise RuntimeError("simulation worker did not start")
        self.ready = True

    def run(self, view: CheckStateView, tx_bytes: bytes, limits: SimulationLimits,
            deadline: float) -> tuple[str, Any]:  # fmt: skip
        """Send the request, answer the worker's reads from ``view``, return its result;
        TimeoutError once ``deadline`` passes."""
        conn, state = self.conn, view.state
        conn.send_bytes(b"S" + pickle.dumps((tx_bytes, asdict(view.header), asdict(limits))))
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not conn.poll(remaining):
                raise TimeoutError
            msg = conn.recv_bytes()
            kind = msg[:1]
            if kind == b"G":
                value = state.get(msg[1:])
                conn.send_bytes(b"N" if value is None else b"V" + value)
            elif kind == b"I":
                start, end, reverse, n = pickle.loads(msg[1:])
                conn.send_bytes(pickle.dumps(list(islice(state.iterate(start, end, reverse), n))))
            elif kind == b"R":
                result: tuple[str, Any] = pickle.loads(msg[1:])
                return result
            else:
                raise RuntimeError(f"unexpected frame {kind!r} from a simulation worker")

    def kill(self) -> None:
        with contextlib.suppress(OSError):
            self.conn.close()
        if self.proc.poll() is None:
            self.proc.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(5)

    def stop(self) -> None:
        """Closing the pipe ends an idle worker; one that does not end is killed."""
        with contextlib.suppress(OSError):
            self.conn.close()
        try:
            self.proc.wait(2)
        except subprocess.TimeoutExpired:
            self.kill()


class ProcessSimulator:
    """Simulations in ``limits.workers`` worker processes, one request per worker at a time."""

    STARTUP_TIMEOUT = 60.0  # importing the modules on a loaded machine
    GRACE = 2.0  # beyond the timeout, for a worker to report its own timeout

    def __init__(self, app: SimulationHost, limits: SimulationLimits | None = None,
                 modules: str = "zrchain.modules:default_modules") -> None:  # fmt: skip
        self.app = app
        self.limits = limits or SimulationLimits()
        self.modules = modules
        self._idle: queue.Queue[Worker | None] = queue.Queue()
        self._all: set[Worker] = set()
        self._lock = threading.Lock()
        self._closed = False

    def start(self) -> None:
        """Start the workers now, so the first Simulate does not wait for one."""
        for _ in range(max(1, self.limits.workers)):
            self._idle.put(self._spawn())

    def _spawn(self) -> Worker:
        worker = Worker(self.modules)
        with self._lock:
            self._all.add(worker)
        return worker

    def simulate(self, tx_bytes: bytes) -> tuple[Any, Any]:
        limits = self.limits
        check_size(tx_bytes, limits)
        started = time.monotonic()
        view = check_state_view(self.app)
        worker = self._acquire()
        ok = False
        try:
            worker.wait_ready(self.STARTUP_TIMEOUT)
            # the time spent waiting for a worker counts: it gets what is left
            left = max(0.0, started + limits.timeout - time.monotonic())
            deadline = time.monotonic() + left + self.GRACE
            kind, value = worker.run(view, tx_bytes, replace(limits, timeout=left), deadline)
            ok = True
        except TimeoutError:
            log.warning("a simulation ran past %.1fs; its worker is replaced", limits.timeout)
            raise timeout_error(limits) from None
        except (OSError, EOFError, RuntimeError) as exc:
            log.error("simulation worker failed (%s); it is replaced", exc)
            raise QueryError(Status.UNAVAILABLE, "simulation worker failed; try again") from exc
        finally:
            self._release(worker, ok)
        return outcome(kind, value, limits)

    def _acquire(self) -> Worker:
        if self._closed:
            raise QueryError(Status.UNAVAILABLE, "the node is stopping")
        try:
            worker = self._idle.get(timeout=self.limits.timeout)
        except queue.Empty:
            raise QueryError(
                Status.RESOURCE_EXHAUSTED,
                f"all {self.limits.workers} simulation workers of this node are busy; try again",
            ) from None
        return worker if worker is not None else self._spawn()

    def _release(self, worker: Worker, healthy: bool) -> None:
        """Back to the pool, or (mid-request, dead or timed out) killed and its slot freed."""
        if healthy and not self._closed:
            self._idle.put(worker)
            return
        worker.kill()
        with self._lock:
            self._all.discard(worker)
        if not self._closed:
            self._idle.put(None)

    def close(self) -> None:
        self._closed = True
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for w in workers:
            w.stop()


# -- the worker's side -----------------------------------------------------------------------------
class RemoteState:
    """The node's view, read through the pipe (reads cached for the request: it is fixed)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._cache: dict[bytes, bytes | None] = {}

    def get(self, key: bytes) -> bytes | None:
        cache = self._cache
        if key in cache:
            return cache[key]
        self.conn.send_bytes(b"G" + key)
        raw = self.conn.recv_bytes()
        value = None if raw == b"N" else raw[1:]
        cache[key] = value
        return value

    def iterate(
        self, start: bytes | None = None, end: bytes | None = None, reverse: bool = False
    ) -> Iterator[tuple[bytes, bytes]]:
        while True:
            self.conn.send_bytes(b"I" + pickle.dumps((start, end, reverse, SCAN_PAGE)))
            page: list[tuple[bytes, bytes]] = pickle.loads(self.conn.recv_bytes())
            yield from page
            if len(page) < SCAN_PAGE:
                return
            last = page[-1][0]
            if reverse:
                end = last
            else:
                start = last + b"\x00"


class WorkerHost:
    """The parts of the app a simulation touches, rebuilt in the worker from the module
    list; chain id, block gas and node params come with each request."""

    def __init__(self, modules: str) -> None:
        import importlib

        from zrchain.module import Registry
        from zrchain.tx.pipeline import TxPipeline

        module_name, _, factory = modules.partition(":")
        self.registry = Registry(getattr(importlib.import_module(module_name), factory)())
        self.pipeline = TxPipeline(self)
        self.chain_id = ""
        self.block_max_gas = -1
        self._ctx_params: dict[str, Any] = {}

    def context(self, root: Any, mode: Mode, height: int = 0, time_ns: int = 0,
                gas: GasMeter | None = None, metered: bool = True) -> Any:  # fmt: skip
        from zrchain.context import new_context

        return new_context(self.registry, self.chain_id, self._ctx_params, root, mode,
                           height, time_ns, gas, metered)  # fmt: skip


def serve(fd: int, modules: str) -> None:
    """The worker's loop: one request at a time until the node closes the pipe."""
    conn = Connection(fd)
    _exit_with_parent()
    os.nice(19)  # the node's own work (consensus, CheckTx, queries) comes first
    host = WorkerHost(modules)
    conn.send_bytes(b"Y")
    while True:
        try:
            msg = conn.recv_bytes()
        except (EOFError, OSError):
            return
        started = time.monotonic()
        tx_bytes, header_d, limits_d = pickle.loads(msg[1:])
        header, limits = Header(**header_d), SimulationLimits(**limits_d)
        host.chain_id, host.block_max_gas = header.chain_id, header.block_max_gas
        host._ctx_params = header.params
        try:
            result = execute(host.pipeline, RemoteState(conn), tx_bytes, header, limits, started)
        except (EOFError, OSError):
            return
        except Exception:
            result = ("crash", traceback.format_exc())
        conn.send_bytes(b"R" + pickle.dumps(result))


def _exit_with_parent() -> None:
    """End this worker when the node is gone, even in the middle of a simulation."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()
