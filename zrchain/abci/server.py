"""asyncio ABCI 2.0 socket server.

CometBFT opens four connections (query, snapshot, mempool, consensus) and expects one
response per request, in order, of the matching type. The server knows ABCI, nothing of
modules: it decodes each ``Request``, calls the application method named after the
request's oneof field, and writes the ``Response`` back. ``Flush`` and ``Echo`` are
answered here. A malformed frame closes only its own connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Callable
from typing import Any, Protocol

from google.protobuf.message import DecodeError, Message

from zrchain.abci import types as abci
from zrchain.abci.framing import FrameDecoder, FramingError, frame

log = logging.getLogger("zrchain.abci")

# Request oneof name -> Response oneof name (they match except for the wrapper numbers).
_HANDLED = (
    "info",
    "init_chain",
    "query",
    "check_tx",
    "commit",
    "list_snapshots",
    "offer_snapshot",
    "load_snapshot_chunk",
    "apply_snapshot_chunk",
    "prepare_proposal",
    "process_proposal",
    "extend_vote",
    "verify_vote_extension",
    "finalize_block",
)

# Calls whose failure CometBFT can survive: answer with an error code instead of an exception.
_SOFT_FAILURE = {
    "query": lambda: abci.ResponseQuery(code=1, codespace="undefined", log="internal"),
    "check_tx": lambda: abci.ResponseCheckTx(code=1, codespace="undefined", log="internal"),
}


class Application(Protocol):
    """The ABCI methods an application implements; each takes and returns the inner message."""

    def info(self, req: abci.RequestInfo) -> abci.ResponseInfo: ...
    def init_chain(self, req: abci.RequestInitChain) -> abci.ResponseInitChain: ...
    def query(self, req: abci.RequestQuery) -> abci.ResponseQuery: ...
    def check_tx(self, req: abci.RequestCheckTx) -> abci.ResponseCheckTx: ...
    def commit(self, req: abci.RequestCommit) -> abci.ResponseCommit: ...
    def list_snapshots(self, req: abci.RequestListSnapshots) -> abci.ResponseListSnapshots: ...
    def offer_snapshot(self, req: abci.RequestOfferSnapshot) -> abci.ResponseOfferSnapshot: ...
    def load_snapshot_chunk(
        self, req: abci.RequestLoadSnapshotChunk
    ) -> abci.ResponseLoadSnapshotChunk: ...
    def apply_snapshot_chunk(
        self, req: abci.RequestApplySnapshotChunk
    ) -> abci.ResponseApplySnapshotChunk: ...
    def prepare_proposal(
        self, req: abci.RequestPrepareProposal
    ) -> abci.ResponsePrepareProposal: ...
    def process_proposal(
        self, req: abci.RequestProcessProposal
    ) -> abci.ResponseProcessProposal: ...
    def extend_vote(self, req: abci.RequestExtendVote) -> abci.ResponseExtendVote: ...
    def verify_vote_extension(
        self, req: abci.RequestVerifyVoteExtension
    ) -> abci.ResponseVerifyVoteExtension: ...
    def finalize_block(self, req: abci.RequestFinalizeBlock) -> abci.ResponseFinalizeBlock: ...


def handle_request(app: Application, req: abci.Request) -> abci.Response:
    """Answer one decoded ``Request`` with its ``Response`` (Flush included)."""
    which = req.WhichOneof("value")
    if which == "echo":
        return abci.Response(echo=abci.ResponseEcho(message=req.echo.message))
    if which == "flush":
        return abci.Response(flush=abci.ResponseFlush())
    if which not in _HANDLED:
        raise DecodeError(f"unsupported request type {which!r}")
    method: Callable[[Message], Message] = getattr(app, which)
    try:
        inner = method(getattr(req, which))
    except Exception as exc:  # a bug in the app; never let it kill the server
        log.exception("ABCI %s failed", which)
        soft = _SOFT_FAILURE.get(which)
        if soft is not None:
            inner = soft()
        else:
            return abci.Response(exception=abci.ResponseException(error=f"{which}: {exc}"))
    resp = abci.Response()
    getattr(resp, which).CopyFrom(inner)
    return resp


class ABCIServer:
    def __init__(self, app: Application, address: str = "tcp://127.0.0.1:26658") -> None:
        self.app = app
        self.address = address
        self._server: asyncio.base_events.Server | None = None
        self.connections = 0

    async def start(self) -> None:
        kind, target = parse_address(self.address)
        if kind == "unix":
            if os.path.exists(target):
                os.unlink(target)
            self._server = await asyncio.start_unix_server(self._serve, path=target)
        else:
            host, port = target
            self._server = await asyncio.start_server(self._serve, host=host, port=port)
        log.info("ABCI server listening on %s", self.address)

    @property
    def port(self) -> int:
        assert self._server is not None
        return int(self._server.sockets[0].getsockname()[1])

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        peer = writer.get_extra_info("peername") or "unix"
        decoder = FrameDecoder()
        try:
            while True:
                data = await reader.read(1 << 16)
                if not data:
                    break
                for payload in decoder.feed(data):
                    req = abci.Request()
                    req.ParseFromString(payload)
                    if req.WhichOneof("value") is None:
                        raise DecodeError("empty request")
                    resp = handle_request(self.app, req)
                    writer.write(frame(resp.SerializeToString()))
                    if req.WhichOneof("value") == "flush":
                        await writer.drain()
                await writer.drain()
        except (FramingError, DecodeError) as exc:
            log.error("closing ABCI connection from %s: malformed message: %s", peer, exc)
        except (ConnectionResetError, BrokenPipeError):
            pass
        finally:
            self.connections -= 1
            writer.close()
            with contextlib.suppress(ConnectionResetError, BrokenPipeError):
                await writer.wait_closed()


def parse_address(address: str) -> tuple[str, Any]:
    """``tcp://host:port`` or ``unix:///path`` (a bare ``host:port`` means tcp)."""
    if address.startswith("unix://"):
        return "unix", address[len("unix://") :]
    target = address[len("tcp://") :] if address.startswith("tcp://") else address
    host, sep, port = target.rpartition(":")
    if not sep or not port.isdigit():
        raise ValueError(f"bad ABCI address {address!r}; expected tcp://host:port")
    return "tcp", (host or "127.0.0.1", int(port))
