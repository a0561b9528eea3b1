"""Following new blocks: a CometBFT websocket subscription, polling when it is down.

The subscription is to ``tm.event='NewBlockHeader'`` (the same moment as ``NewBlock``, but
without the block's txs and results, which can be megabytes). When the websocket cannot be
opened or goes quiet, the follower polls ``/status`` every ``poll_interval`` seconds and
retries the websocket every ``retry_interval``. The keeper never relies on it for
correctness: every round re-reads the chain, and a tick runs a round even without news.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
from typing import Any

import aiohttp

from zrchain.client.rpc import CometRPC, http_url
from zrchain.mpc.logs import EventLogger, get
from zrchain.mpc.metrics import Metrics

QUERY = "tm.event='NewBlockHeader'"


def websocket_url(rpc: str) -> str:
    """``tcp://127.0.0.1:26657`` -> ``ws://127.0.0.1:26657/websocket``."""
    url = http_url(rpc).rstrip("/")
    scheme, rest = url.split("://", 1)
    return ("wss" if scheme == "https" else "ws") + "://" + rest + "/websocket"


def event_height(message: dict[str, Any]) -> int | None:
    """The block height in a NewBlockHeader / NewBlock event message, if any."""
    value = (((message.get("result") or {}).get("data") or {}).get("value")) or {}
    header = value.get("header") or (value.get("block") or {}).get("header") or {}
    height = header.get("height")
    try:
        return int(height) if height is not None else None
    except (TypeError, ValueError):
        return None


class BlockFollower:
    def __init__(
        self,
        rpc: str,
        *,
        use_websocket: bool = True,
        poll_interval: float = 1.0,
        retry_interval: float = 10.0,
        quiet_timeout: float = 20.0,
        metrics: Metrics | None = None,
        log: EventLogger | None = None,
    ) -> None:
        self.rpc_url = rpc
        self.rpc = CometRPC(rpc, timeout=5.0)
        self.use_websocket = use_websocket
        self.poll_interval = poll_interval
        self.retry_interval = retry_interval
        self.quiet_timeout = quiet_timeout
        self.metrics = metrics
        self.log = log or get()
        self.latest = 0
        self.mode = "poll"
        self._changed = asyncio.Condition()

    async def _saw(self, height: int) -> None:
        if height > self.latest:
            self.latest = height
            async with self._changed:
                self._changed.notify_all()

    async def wait_block(self, after: int, timeout: float) -> int:
        """Return once a block newer than ``after`` is seen, or after ``timeout`` seconds."""
        if self.latest > after:
            return self.latest
        async with self._changed:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait_for(lambda: self.latest > after), timeout)
        return self.latest

    def _set_mode(self, mode: str) -> None:
        if mode != self.mode:
            self.mode = mode
            self.log.info("follow_mode", mode=mode)
        if self.metrics is not None:
            self.metrics.websocket.set(1 if mode == "websocket" else 0)

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            if self.use_websocket:
                try:
                    await self._follow_websocket(stop)
                except (aiohttp.ClientError, OSError, TimeoutError, ValueError) as exc:
                    self.log.warning("websocket_down", error=str(exc)[:200] or type(exc).__name__)
            self._set_mode("poll")
            await self._poll(stop, self.retry_interval if self.use_websocket else None)

    async def _poll(self, stop: asyncio.Event, duration: float | None) -> None:
        loop = asyncio.get_running_loop()
        end = None if duration is None else loop.time() + duration
        while not stop.is_set() and (end is None or loop.time() < end):
            try:
                height = await asyncio.to_thread(self.rpc.latest_height)
                await self._saw(height)
            except Exception as exc:
                self.log.debug("poll_failed", error=str(exc)[:200])
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.poll_interval)

    async def _follow_websocket(self, stop: asyncio.Event) -> None:
        url = websocket_url(self.rpc_url)
        ids = itertools.count(1)
        timeout = aiohttp.ClientTimeout(total=None, connect=5.0)
        async with (
            aiohttp.ClientSession(timeout=timeout) as session,
            session.ws_connect(url, heartbeat=10.0, max_msg_size=0) as ws,
        ):
            await ws.send_str(
                json.dumps(
                    {
                        "jsonrpc": "2.0",
                        "method": "subscribe",
                        "id": next(ids),
                        "params": {"query": QUERY},
                    }
                )
            )
            self._set_mode("websocket")
            while not stop.is_set():
                receive = asyncio.ensure_future(ws.receive())
                stopper = asyncio.ensure_future(stop.wait())
                done, _ = await asyncio.wait(
                    {receive, stopper},
                    timeout=self.quiet_timeout,
                    return_when=asyncio.FIRST_COMPLETED,
                )
                stopper.cancel()
                if receive not in done:
                    receive.cancel()
                    if stop.is_set():
                        return
                    raise TimeoutError(f"no websocket message for {self.quiet_timeout}s")
                msg = receive.result()
                if msg.type != aiohttp.WSMsgType.TEXT:
                    if msg.type in (aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
                        raise aiohttp.ClientError(f"websocket closed ({msg.type.name})")
                    continue
                data = json.loads(msg.data)
                if data.get("error"):
                    raise ValueError(f"subscription refused: {data['error']}")
                height = event_height(data)
                if height is not None:
                    await self._saw(height)
