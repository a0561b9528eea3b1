"""``zrchaind start``: the ABCI app, its gRPC/REST servers and (by default) a CometBFT child.

Shutdown order on SIGINT/SIGTERM: CometBFT first (so it never sees the app vanish
mid-block), then the servers, then the app's database.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zrchain import cometbft
from zrchain.abci.server import ABCIServer
from zrchain.app import AppSettings, ZrChainApp
from zrchain.config import NodeConfig

log = logging.getLogger("zrchain.node")

# Servers started beside the ABCI socket: (name, factory(app, cfg) -> object with start/stop).
ServerFactory = Callable[[ZrChainApp, NodeConfig], Any]


def app_data_dir(home: str | Path) -> str:
    return str(Path(home) / "data" / "application.db")


def make_app(home: str | Path, cfg: NodeConfig) -> ZrChainApp:
    settings = AppSettings(
        min_gas_prices=cfg.minimum_gas_prices,
        pruning=cfg.pruning_options(),
        sync_writes=cfg.sync_writes,
        min_retain_blocks=cfg.min_retain_blocks,
        extra={
            "rpc_address": cfg.rpc_address,
            "snapshot_interval": cfg.snapshot_interval,
            "snapshot_keep_recent": cfg.snapshot_keep_recent,
            "home": str(home),
        },
    )
    return ZrChainApp(app_data_dir(home), settings=settings)


@dataclass
class Node:
    home: str
    cfg: NodeConfig
    with_comet: bool = True
    comet_binary: str | None = None
    comet_args: list[str] = field(default_factory=list)
    servers: list[ServerFactory] = field(default_factory=list)

    async def run(self) -> int:
        app = make_app(self.home, self.cfg)
        abci_server = ABCIServer(app, self.cfg.abci_address)
        started: list[Any] = []
        proc: asyncio.subprocess.Process | None = None
        stop = asyncio.Event()
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
            waiters = [asyncio.create_task(stop.wait())]
            if proc is not None:
                waiters.append(asyncio.create_task(proc.wait()))
            _done, pending = await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
            for t in pending:
                t.cancel()
            if proc is not None and proc.returncode is not None and not stop.is_set():
                log.error("cometbft exited with code %s; stopping", proc.returncode)
                code = 1
        finally:
            if proc is not None and proc.returncode is None:
                await _terminate(proc)
            for srv in reversed(started):
                with contextlib.suppress(Exception):
                    await _maybe_await(srv.stop())
            await abci_server.stop()
            app.close()
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
