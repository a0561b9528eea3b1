"""``zrchaind start``: the ABCI app, its gRPC/REST servers and (by default) a CometBFT child.

Shutdown order on SIGINT/SIGTERM: CometBFT first (so it never sees the app vanish
mid-block), then the servers, then the app's database. A node fault (a storage error, a
failed FinalizeBlock or Commit) stops the node the same way and exits with code 1.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
import os
import signal
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zrchain import cometbft, native
from zrchain.abci.server import ABCIServer
from zrchain.app import AppSettings, ZrChainApp
from zrchain.config import ConfigError, NodeConfig
from zrchain.errors import NodeFault
from zrchain.tx.simulation import DEFAULT_MAX_TX_BYTES, ProcessSimulator, SimulationLimits

log = logging.getLogger("zrchain.node")

# Servers started beside the ABCI socket: (name, factory(app, cfg) -> object with start/stop).
ServerFactory = Callable[[ZrChainApp, NodeConfig], Any]


def app_data_dir(home: str | Path) -> str:
    return str(Path(home) / "data" / "application.db")


def simulation_limits(home: str | Path, cfg: NodeConfig) -> SimulationLimits:
    """[simulate] of app.toml; the size limit defaults to CometBFT's own mempool limit."""
    max_tx = cfg.simulate_max_tx_bytes
    if max_tx <= 0:
        try:
            comet = tomllib.loads((Path(home) / "config" / "config.toml").read_text())
            max_tx = int(comet.get("mempool", {}).get("max_tx_bytes", DEFAULT_MAX_TX_BYTES))
        except (OSError, ValueError, tomllib.TOMLDecodeError):
            max_tx = DEFAULT_MAX_TX_BYTES
    return SimulationLimits(
        max_tx_bytes=max_tx,
        gas_limit=cfg.simulate_gas_limit,
        timeout=cfg.simulate_timeout,
        workers=max(1, cfg.simulate_workers),
    )


def make_app(home: str | Path, cfg: NodeConfig) -> ZrChainApp:
    settings = AppSettings(
        min_gas_prices=cfg.minimum_gas_prices,
        pruning=cfg.pruning_options(),
        sync_writes=cfg.sync_writes,
        min_retain_blocks=cfg.min_retain_blocks,
        simulation=simulation_limits(home, cfg),
        index_events=tuple(cfg.index_events),
        extra={
            "rpc_address": cfg.rpc_address,
            "snapshot_interval": cfg.snapshot_interval,
            "snapshot_keep_recent": cfg.snapshot_keep_recent,
            "home": str(home),
        },
    )
    return ZrChainApp(app_data_dir(home), settings=settings)


def start_attestation(app: ZrChainApp, home: str | Path, cfg: NodeConfig) -> Any:
    """Start this validator's EVM followers when app.toml's [attestation] names a networks
    file; the EVM bridge package is imported by name only then (zrchain never imports it)."""
    if not cfg.attestation_networks or app.attestation is None:
        return None
    path = Path(home) / "config" / cfg.attestation_networks
    source = importlib.import_module("evm_bridge.attest_source").start_source(path)
    app.attestation.source = source
    log.info("attesting zrSign events of %s", path)
    return source


@dataclass
class Node:
    home: str
    cfg: NodeConfig
    with_comet: bool = True
    comet_binary: str | None = None
    comet_args: list[str] = field(default_factory=list)
    servers: list[ServerFactory] = field(default_factory=list)

    async def run(self) -> int:
        app = make_app(self.home, self.cfg)  # StoreOpenError: reported by the caller
        if not native.installed():
            log.warning(
                "the hot-path extension (crates/zrchain-native) is not installed: txs, results "
                "and the state trie are done in Python alone (same results, slower); "
                "scripts/bootstrap.sh builds it"
            )
        app.simulator = ProcessSimulator(app, app.settings.simulation)
        app.simulator.start()
        stop = asyncio.Event()
        faults: list[NodeFault] = []

        def fatal(fault: NodeFault) -> None:
            faults.append(fault)
            stop.set()

        try:
            source = start_attestation(app, self.home, self.cfg)
        except ValueError as exc:  # the networks file: said in one line by `zrchaind start`
            app.close()
            raise ConfigError(f"[attestation] networks-file: {exc}") from None
        abci_server = ABCIServer(app, self.cfg.abci_address, on_fatal=fatal)
        started: list[Any] = []
        proc: asyncio.subprocess.Process | None = None
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        code = 0
        try:
            await abci_server.start()
            for factory in self.servers:
                srv = factory(app, self.cfg)
                if srv is not None:
                    await _maybe_await(srv.start())
                    started.append(srv)
            if self.with_comet:
                binary = cometbft.find_binary(self.comet_binary)
                args = cometbft.start_args(
                    binary, self.home, self.cfg.abci_address, self.comet_args
                )
                proc = await asyncio.create_subprocess_exec(*args, start_new_session=True)
                log.info("started cometbft (pid %d): %s", proc.pid, " ".join(args))
            log.info("zrchaind running: home=%s height=%d", self.home, app.last_height)
            waiters: list[asyncio.Task[object]] = [asyncio.create_task(stop.wait())]
            if proc is not None:
                waiters.append(asyncio.create_task(proc.wait()))
            _done, pending = await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
            for t in pending:
                t.cancel()
            if proc is not None and proc.returncode is not None and not stop.is_set():
                log.error("cometbft exited with code %s; stopping", proc.returncode)
                code = 1
            if faults:
                code = 1
        finally:
            if proc is not None and proc.returncode is None:
                await _terminate(proc)
            for srv in reversed(started):
                with contextlib.suppress(Exception):
                    await _maybe_await(srv.stop())
            await abci_server.stop()
            if source is not None:
                source.stop()
            app.close()
            if faults:
                log.critical("zrchaind stopped after a node fault: %s", faults[0])
            else:
                log.info("zrchaind stopped")
        return code


async def _terminate(proc: asyncio.subprocess.Process, timeout: float = 15.0) -> None:
    with contextlib.suppress(ProcessLookupError):
        proc.send_signal(signal.SIGTERM)
    try:
        await asyncio.wait_for(proc.wait(), timeout)
    except TimeoutError:
        log.warning("cometbft did not stop in %.0fs; killing it", timeout)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        await proc.wait()


async def _maybe_await(value: Any) -> Any:
    if asyncio.iscoroutine(value):
        return await value
    return value
