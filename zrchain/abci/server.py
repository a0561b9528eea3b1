"""asyncio ABCI 2.0 socket server.

CometBFT opens four connections (query, snapshot, mempool, consensus) and expects one
response per request, in order, of the matching type. The server knows ABCI, nothing of
modules: it decodes each ``Request``, calls the application method named after the
request's oneof field, and writes the ``Response`` back. ``Flush`` and ``Echo`` are
answered here. A malformed frame closes only its own connection.

Queries run on a small thread pool, in order per connection: a query (a Simulate through
ABCI, say) never holds up FinalizeBlock or Commit on the event loop. Everything else runs on
the loop, which serialises consensus and mempool calls.

Failures: a query, CheckTx or a snapshot served to a peer that fails gets an error answer
and the node keeps running. Any other failure (FinalizeBlock, Commit, ...), and a
``NodeFault`` anywhere, stops the node: CometBFT is answered with an exception (it stops
on it), every connection is closed, and ``on_fatal`` tells the owner to shut down, so no
validator goes on after a result it cannot trust.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol

from google.protobuf.message import DecodeError, Message

from zrchain.abci import types as abci
from zrchain.abci.framing import FrameDecoder, FramingError, encode_uvarint, frame
from zrchain.errors import NodeFault

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

# Calls that change no state: a failure is answered (error code, or nothing to offer a peer)
# and the node keeps running. A NodeFault raised by them still stops it.
_SOFT_FAILURE = {
    "query": lambda: abci.ResponseQuery(code=1, codespace="undefined", log="internal"),
    "check_tx": lambda: abci.ResponseCheckTx(code=1, codespace="undefined", log="internal"),
    "list_snapshots": abci.ResponseListSnapshots,
    "load_snapshot_chunk": abci.ResponseLoadSnapshotChunk,
}


# Calls an application may answer with pre-encoded bytes (``check_tx_encoded``...).
_ENCODED = {"check_tx": "check_tx_encoded", "finalize_block": "finalize_block_encoded"}
_RESPONSE_TAG = {
    name: encode_uvarint(abci.Response.DESCRIPTOR.fields_by_name[name].number << 3 | 2)
    for name in _ENCODED
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
    """Answer one decoded ``Request`` with its ``Response`` (Flush included).

    Raises :class:`NodeFault` when the node must stop (see the module docstring).
    """
    which = req.WhichOneof("value")
    if which == "echo":
        return abci.Response(echo=abci.ResponseEcho(message=req.echo.message))
    if which == "flush":
        return abci.Response(flush=abci.ResponseFlush())
    if which not in _HANDLED:
        raise DecodeError(f"unsupported request type {which!r}")
    method: Callable[[Message], Message] = getattr(app, which)
    inner = _invoke(which, method, getattr(req, which))
    resp = abci.Response()
    getattr(resp, which).CopyFrom(inner)
    return resp


def encoded_response(app: Application, req: abci.Request) -> bytes:
    """``handle_request`` as wire bytes. For the per-tx calls an application may offer
    ``<method>_encoded`` returning the inner response's bytes, wrapped here in the Response
    field without building message objects (docs/performance.md)."""
    which = req.WhichOneof("value")
    name = _ENCODED.get(which or "")
    method: Callable[[Message], bytes] | None = getattr(app, name, None) if name else None
    if method is None or which is None:
        return bytes(handle_request(app, req).SerializeToString())
    inner = _invoke(which, method, getattr(req, which))
    if isinstance(inner, Message):  # a soft failure's answer
        inner = inner.SerializeToString()
    return _RESPONSE_TAG[which] + encode_uvarint(len(inner)) + inner


def _invoke(which: str, method: Callable[[Message], Any], inner_req: Message) -> Any:
    try:
        return method(inner_req)
    except NodeFault:
        raise
    except Exception as exc:
        soft = _SOFT_FAILURE.get(which)
        if soft is None:
            raise NodeFault(f"{which} failed: {type(exc).__name__}: {exc}") from exc
        log.exception("ABCI %s failed; answered with an error", which)
        return soft()


class ABCIServer:
    def __init__(
        self,
        app: Application,
        address: str = "tcp://127.0.0.1:26658",
        on_fatal: Callable[[NodeFault], None] | None = None,
    ) -> None:
        self.app = app
        self.address = address
        self.on_fatal = on_fatal
        self.fault: NodeFault | None = None  # set once: the node is stopping
        self._server: asyncio.base_events.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._queries: ThreadPoolExecutor | None = None
        self.connections = 0

    async def start(self) -> None:
        self._queries = ThreadPoolExecutor(max_workers=4, thread_name_prefix="abci-query")
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
        if self._queries is not None:
            self._queries.shutdown(wait=False, cancel_futures=True)
            self._queries = None

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self._writers.add(writer)
        peer = writer.get_extra_info("peername") or "unix"
        decoder = FrameDecoder()
        try:
            while self.fault is None:
                data = await reader.read(1 << 16)
                if not data:
                    break
                # The answers to one read go out in one socket write: CometBFT pipelines
                # CheckTx requests, and a send per answer cost a third of the app's time
                # (docs/performance.md). Nothing waits on an answer held here: all are
                # written before the next read and before any await.
                answers: list[bytes] = []
                for payload in decoder.feed(data):
                    req = abci.Request()
                    req.ParseFromString(payload)
                    which = req.WhichOneof("value")
                    if which is None:
                        raise DecodeError("empty request")
                    try:
                        if which == "query" and self._queries is not None:
                            if answers:
                                writer.write(b"".join(answers))
                                answers = []
                            loop = asyncio.get_running_loop()
                            resp = await loop.run_in_executor(
                                self._queries, encoded_response, self.app, req
                            )
                        else:
                            resp = encoded_response(self.app, req)
                    except NodeFault as fault:
                        if answers:
                            writer.write(b"".join(answers))
                        await self._answer_fault(writer, fault)
                        return
                    answers.append(frame(resp))
                if answers:
                    writer.write(b"".join(answers))
                await writer.drain()
        except (FramingError, DecodeError) as exc:
            log.error("closing ABCI connection from %s: malformed message: %s", peer, exc)
        except (ConnectionResetError, BrokenPipeError):
            pass
        finally:
            self.connections -= 1
            self._writers.discard(writer)
            writer.close()
            with contextlib.suppress(ConnectionResetError, BrokenPipeError):
                await writer.wait_closed()

    async def _answer_fault(self, writer: asyncio.StreamWriter, fault: NodeFault) -> None:
        """CometBFT gets the exception (it stops on it), then the node stops serving."""
        resp = abci.Response(exception=abci.ResponseException(error=str(fault)))
        with contextlib.suppress(ConnectionResetError, BrokenPipeError):
            writer.write(frame(resp.SerializeToString()))
            await writer.drain()
        self._fail(fault)

    def _fail(self, fault: NodeFault) -> None:
        """Stop serving: the first fault is logged with its cause, every connection closed
        (CometBFT stops when its app connection fails) and the owner told."""
        if self.fault is not None:
            return
        self.fault = fault
        log.critical(
            "stopping the node: ABCI %s. %s",
            fault,
            fault.advice,
            exc_info=fault.__cause__ or fault,
        )
        if self._server is not None:
            self._server.close()  # no new connections
        for w in list(self._writers):
            w.close()
        if self.on_fatal is not None:
            self.on_fatal(fault)


def parse_address(address: str) -> tuple[str, Any]:
    """``tcp://host:port`` or ``unix:///path`` (a bare ``host:port`` means tcp)."""
    if address.startswith("unix://"):
        return "unix", address[len("unix://") :]
    target = address[len("tcp://") :] if address.startswith("tcp://") else address
    host, sep, port = target.rpartition(":")
    if not sep or not port.isdigit():
        raise ValueError(f"bad ABCI address {address!r}; expected tcp://host:port")
    return "tcp", (host or "127.0.0.1", int(port))
