"""A small client for CometBFT's JSON-RPC (used by the CLI, servers, keeper and bridge)."""

from __future__ import annotations

import base64
import itertools
import threading
from typing import Any

import requests


class RPCError(RuntimeError):
    """The node answered with a JSON-RPC error (``data`` holds CometBFT's explanation)."""

    def __init__(self, code: int, message: str, data: str = "") -> None:
        self.code = code
        self.message = message
        self.data = data
        super().__init__(f"{message}: {data}" if data else message)


def http_url(node: str) -> str:
    """``tcp://host:port`` (CometBFT style) -> ``http://host:port``."""
    if node.startswith("tcp://"):
        return "http://" + node[len("tcp://") :]
    if "://" not in node:
        return "http://" + node
    return node


class CometRPC:
    def __init__(self, node: str = "tcp://127.0.0.1:26657", timeout: float = 10.0) -> None:
        self.url = http_url(node).rstrip("/")
        self.timeout = timeout
        self._ids = itertools.count(1)
        self._local = threading.local()

    @property
    def _session(self) -> requests.Session:
        s = getattr(self._local, "session", None)
        if s is None:
            s = self._local.session = requests.Session()
        return s

    def call(self, method: str, **params: Any) -> Any:
        body = {
            "jsonrpc": "2.0",
            "id": next(self._ids),
            "method": method,
            "params": {k: v for k, v in params.items() if v is not None},
        }
        resp = self._session.post(self.url, json=body, timeout=self.timeout)
        try:
            payload = resp.json()
        except ValueError as exc:
            raise RPCError(-32700, f"bad response from {self.url}", resp.text[:200]) from exc
        if payload.get("error"):
            err = payload["error"]
            raise RPCError(
                int(err.get("code", -1)), str(err.get("message", "")), str(err.get("data", ""))
            )
        return payload["result"]

    # -- typed helpers (CometBFT JSON: int64 as strings, []byte as base64) ---------------
    def status(self) -> dict[str, Any]:
        return dict(self.call("status"))

    def abci_info(self) -> dict[str, Any]:
        return dict(self.call("abci_info")["response"])

    def abci_query(
        self, path: str, data: bytes = b"", height: int = 0, prove: bool = False
    ) -> dict[str, Any]:
        res = self.call("abci_query", path=path, data=data.hex(), height=str(height), prove=prove)
        return dict(res["response"])

    def broadcast_tx_sync(self, tx: bytes) -> dict[str, Any]:
        return dict(self.call("broadcast_tx_sync", tx=base64.b64encode(tx).decode()))

    def broadcast_tx_async(self, tx: bytes) -> dict[str, Any]:
        return dict(self.call("broadcast_tx_async", tx=base64.b64encode(tx).decode()))

    def broadcast_tx_commit(self, tx: bytes) -> dict[str, Any]:
        return dict(self.call("broadcast_tx_commit", tx=base64.b64encode(tx).decode()))

    def tx(self, tx_hash: bytes, prove: bool = False) -> dict[str, Any]:
        return dict(self.call("tx", hash=base64.b64encode(tx_hash).decode(), prove=prove))

    def tx_search(
        self, query: str, page: int = 1, per_page: int = 30, order_by: str = "asc"
    ) -> dict[str, Any]:
        return dict(
            self.call(
                "tx_search",
                query=query,
                prove=False,
                page=str(page),
                per_page=str(per_page),
                order_by=order_by,
            )
        )

    def block(self, height: int | None = None) -> dict[str, Any]:
        return dict(self.call("block", height=None if height is None else str(height)))

    def block_results(self, height: int | None = None) -> dict[str, Any]:
        return dict(self.call("block_results", height=None if height is None else str(height)))

    def validators(self, height: int | None = None) -> dict[str, Any]:
        return dict(
            self.call("validators", height=None if height is None else str(height), per_page="100")
        )

    def genesis(self) -> dict[str, Any]:
        return dict(self.call("genesis"))

    def net_info(self) -> dict[str, Any]:
        return dict(self.call("net_info"))

    def latest_height(self) -> int:
        return int(self.status()["sync_info"]["latest_block_height"])

    def close(self) -> None:
        s = getattr(self._local, "session", None)
        if s is not None:
            s.close()
