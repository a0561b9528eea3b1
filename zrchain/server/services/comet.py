"""The app's CometBFT RPC client for the services that CometBFT answers (txs, blocks, node).

One client per app, created on first use (the RPC address comes from the node settings and
CometBFT may start after the app). ``CometRPC`` keeps one HTTP session per thread, so the
gRPC and REST worker threads share it safely. Failures become ``QueryError``s, so every
door reports them with a gRPC status instead of a traceback.

These calls are refused on a thread that runs an event loop, i.e. when the route is reached
through ABCI Query on the ABCI server's loop: a blocking RPC there could wait on CometBFT
while CometBFT waits on the app (a broadcast needs CheckTx, ``abci_query`` needs Query, and
``status`` takes the consensus lock held during FinalizeBlock). The SDK runs these services
on gRPC and REST only in practice; so do we.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, TypeVar

import requests

from zrchain.client.rpc import CometRPC, RPCError
from zrchain.errors import QueryError, Status

T = TypeVar("T")
DEFAULT_RPC_ADDRESS = "tcp://127.0.0.1:26657"


class CometError(QueryError):
    """CometBFT answered with an error; ``text`` is its explanation (``data`` or message)."""

    def __init__(self, status: int, text: str, rpc_error: RPCError | None = None) -> None:
        super().__init__(status, text)
        self.text = text
        self.rpc_error = rpc_error


def status_for(text: str) -> int:
    """A gRPC status for a CometBFT error text (the SDK passes most through as Unknown)."""
    low = text.lower()
    if "not found" in low:
        return Status.NOT_FOUND
    if any(s in low for s in ("height", "must be", "invalid", "failed to parse", "page")):
        return Status.INVALID_ARGUMENT
    if "disabled" in low:
        return Status.FAILED_PRECONDITION
    return Status.UNKNOWN


# Set while an ABCI Query is answered: CometBFT waits on it, and the SDK answers these
# routes only on gRPC and REST, so they are refused there rather than calling CometBFT back.
VIA_ABCI_QUERY: ContextVar[bool] = ContextVar("via_abci_query", default=False)


def on_event_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


class Comet:
    def __init__(self, address: Callable[[], str] | str = DEFAULT_RPC_ADDRESS) -> None:
        self._address = address
        self._rpc: CometRPC | None = None
        self._lock = threading.Lock()

    @property
    def address(self) -> str:
        return self._address() if callable(self._address) else self._address

    @property
    def rpc(self) -> CometRPC:
        with self._lock:
            if self._rpc is None:
                self._rpc = CometRPC(self.address)
            return self._rpc

    def call(self, fn: Callable[[CometRPC], T]) -> T:
        """Run one RPC; CometBFT errors -> ``CometError``, an unreachable node -> UNAVAILABLE."""
        if VIA_ABCI_QUERY.get() or on_event_loop():
            raise CometError(
                Status.UNIMPLEMENTED,
                "this query is answered from CometBFT's RPC: use the gRPC or REST server, "
                "not ABCI Query",
            )
        try:
            return fn(self.rpc)
        except RPCError as exc:
            text = exc.data or exc.message
            raise CometError(status_for(text), text, exc) from exc
        except (requests.RequestException, OSError) as exc:
            raise CometError(
                Status.UNAVAILABLE, f"CometBFT RPC at {self.address} is unreachable: {exc}"
            ) from exc

    def method(self, name: str, **params: Any) -> Any:
        """A raw JSON-RPC method (``header``, ``consensus_params`` ...) through ``call``."""
        return self.call(lambda rpc: rpc.call(name, **params))
