"""Block following: websocket NewBlockHeader events, and polling when the websocket is gone.

A small aiohttp server on 127.0.0.1 plays CometBFT: ``/websocket`` accepts a subscription and
pushes events; ``/`` answers JSON-RPC ``status``.
"""

from __future__ import annotations

import asyncio
import json

from aiohttp import WSMsgType, web

from zrchain.mpc.follower import QUERY, BlockFollower, event_height, websocket_url


def test_event_parsing_and_urls() -> None:
    header_event = {
        "result": {
            "data": {
                "type": "tendermint/event/NewBlockHeader",
                "value": {"header": {"height": "42"}},
            }
        }
    }
    block_event = {"result": {"data": {"value": {"block": {"header": {"height": "7"}}}}}}
    assert event_height(header_event) == 42
    assert event_height(block_event) == 7
    assert event_height({"result": {}}) is None
    assert event_height({"id": 1, "result": {}}) is None
    assert websocket_url("tcp://127.0.0.1:26657") == "ws://127.0.0.1:26657/websocket"
    assert websocket_url("https://node.example:443/") == "wss://node.example:443/websocket"


class FakeComet:
    def __init__(self) -> None:
        self.height = 5
        self.ws_enabled = True
        self.subscriptions: list[str] = []
        self.sockets: list[web.WebSocketResponse] = []

    async def websocket(self, request: web.Request) -> web.StreamResponse:
        if not self.ws_enabled:
            return web.Response(status=503)
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.sockets.append(ws)
        async for msg in ws:
            if msg.type == WSMsgType.TEXT:
                body = json.loads(msg.data)
                self.subscriptions.append(body["params"]["query"])
                await ws.send_str(json.dumps({"jsonrpc": "2.0", "id": body["id"], "result": {}}))
        return ws

    async def rpc(self, request: web.Request) -> web.Response:
        body = await request.json()
        assert body["method"] == "status"
        return web.json_response(
            {
                "jsonrpc": "2.0",
                "id": body["id"],
                "result": {"sync_info": {"latest_block_height": str(self.height)}},
            }
        )

    async def push(self, height: int) -> None:
        self.height = height
        event = {
            "jsonrpc": "2.0",
            "id": 1,
            "result": {
                "query": QUERY,
                "data": {
                    "type": "tendermint/event/NewBlockHeader",
                    "value": {"header": {"height": str(height)}},
                },
            },
        }
        for ws in list(self.sockets):
            if not ws.closed:
                await ws.send_str(json.dumps(event))


def test_websocket_then_poll_fallback() -> None:
    async def go() -> None:
        comet = FakeComet()
        app = web.Application()
        app.router.add_get("/websocket", comet.websocket)
        app.router.add_post("/", comet.rpc)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        follower = BlockFollower(
            f"tcp://127.0.0.1:{port}", poll_interval=0.05, retry_interval=0.3, quiet_timeout=5
        )
        stop = asyncio.Event()
        task = asyncio.create_task(follower.run(stop))
        try:
            for _ in range(100):
                if comet.subscriptions:
                    break
                await asyncio.sleep(0.02)
            assert comet.subscriptions == [QUERY] and follower.mode == "websocket"
            await comet.push(6)
            assert await follower.wait_block(5, 2.0) == 6
            # websocket goes away: polling takes over and still sees new heights
            comet.ws_enabled = False
            for ws in list(comet.sockets):
                await ws.close()
            comet.height = 9
            assert await follower.wait_block(6, 3.0) == 9
            assert follower.mode == "poll"
            # and the websocket is used again once it is back
            comet.ws_enabled = True
            for _ in range(100):
                if follower.mode == "websocket":
                    break
                await asyncio.sleep(0.05)
            assert follower.mode == "websocket"
            await comet.push(12)
            assert await follower.wait_block(9, 2.0) == 12
            # wait_block times out quietly when nothing happens
            assert await follower.wait_block(12, 0.1) == 12
        finally:
            stop.set()
            await asyncio.wait_for(task, 5)
            await runner.cleanup()

    asyncio.run(go())
