"""A small EVM JSON-RPC client over HTTP with batching.

The follower needs only a handful of methods and must see *every* failure as an exception
(never a silently empty result), so it talks JSON-RPC itself instead of through web3's
middleware stack. Batches keep header look-ups for a whole range to one round trip.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import requests


class RpcError(RuntimeError):
    """Any failure talking to the EVM node; `retryable` says whether backing off may help."""

    retryable = True


class RpcTransportError(RpcError):
    """Connection refused, timeout, HTTP error, unparsable body."""


class RpcResponseError(RpcError):
    """The node answered with a JSON-RPC error object."""

    def __init__(self, method: str, code: int, message: str, data: Any = None) -> None:
        self.method, self.code, self.message, self.data = method, code, message, data
        super().__init__(f"{method}: {message} (code {code})")

    @property
    def too_many_results(self) -> bool:
        """Providers refuse large eth_getLogs ranges with messages like these."""
        text = self.message.lower()
        return any(
            needle in text
            for needle in (
                "more than",
                "too many",
                "range is too large",
                "block range",
                "limit exceeded",
                "response size",
                "query timeout",
            )
        )


@dataclass(frozen=True)
class BlockHeader:
    """The three header fields the follower checks."""

    number: int
    hash: str
    parent_hash: str
    timestamp: int


def _qty(n: int) -> str:
    return hex(n)


def parse_header(raw: dict[str, Any]) -> BlockHeader:
    return BlockHeader(
        number=int(raw["number"], 16),
        hash=str(raw["hash"]).lower(),
        parent_hash=str(raw["parentHash"]).lower(),
        timestamp=int(raw["timestamp"], 16),
    )


class EvmRpc:
    """JSON-RPC over HTTP; thread-safe (one requests.Session per thread)."""

    def __init__(self, url: str, timeout: float = 15.0) -> None:
        self.url = url
        self.timeout = timeout
        self._ids = itertools.count(1)
        self._local = threading.local()

    @property
    def _session(self) -> requests.Session:
        s = getattr(self._local, "session", None)
        if s is None:
            s = self._local.session = requests.Session()
        return s

    def _post(self, body: Any) -> Any:
        try:
            resp = self._session.post(self.url, json=body, timeout=self.timeout)
        except requests.RequestException as exc:
            raise RpcTransportError(f"{self.url}: {type(exc).__name__}: {exc}") from None
        if resp.status_code >= 400 and not resp.text.startswith(("{", "[")):
            raise RpcTransportError(f"{self.url}: HTTP {resp.status_code}")
        try:
            return resp.json()
        except ValueError:
            raise RpcTransportError(f"{self.url}: unparsable response") from None

    def call(self, method: str, params: Sequence[Any] = ()) -> Any:
        reply = self._post(
            {"jsonrpc": "2.0", "id": next(self._ids), "method": method, "params": list(params)}
        )
        if not isinstance(reply, dict):
            raise RpcTransportError(f"{method}: malformed reply")
        if reply.get("error"):
            err = reply["error"]
            raise RpcResponseError(
                method, int(err.get("code", 0)), str(err.get("message", "")), err.get("data")
            )
        if "result" not in reply:
            raise RpcTransportError(f"{method}: reply without result")
        return reply["result"]

    def batch(self, calls: Sequence[tuple[str, Sequence[Any]]]) -> list[Any]:
        """Several calls in one request; results in call order; any error raises."""
        if not calls:
            return []
        first = next(self._ids)
        body = [
            {"jsonrpc": "2.0", "id": first + i, "method": m, "params": list(p)}
            for i, (m, p) in enumerate(calls)
        ]
        for _ in range(len(calls) - 1):
            next(self._ids)
        reply = self._post(body)
        if isinstance(reply, dict) and reply.get("error"):  # batch refused as a whole
            err = reply["error"]
            raise RpcResponseError("batch", int(err.get("code", 0)), str(err.get("message", "")))
        if not isinstance(reply, list) or len(reply) != len(calls):
            raise RpcTransportError("batch: malformed reply")
        by_id = {item.get("id"): item for item in reply if isinstance(item, dict)}
        out = []
        for i, (method, _) in enumerate(calls):
            item = by_id.get(first + i)
            if item is None:
                raise RpcTransportError(f"batch: no reply for {method}")
            if item.get("error"):
                err = item["error"]
                raise RpcResponseError(
                    method, int(err.get("code", 0)), str(err.get("message", "")), err.get("data")
                )
            out.append(item.get("result"))
        return out

    # -- typed helpers -----------------------------------------------------------------
    def chain_id(self) -> int:
        return int(self.call("eth_chainId"), 16)

    def block_number(self) -> int:
        return int(self.call("eth_blockNumber"), 16)

    def header(self, number: int) -> BlockHeader | None:
        raw = self.call("eth_getBlockByNumber", [_qty(number), False])
        return parse_header(raw) if raw else None

    def headers(self, numbers: Sequence[int]) -> dict[int, BlockHeader | None]:
        """Headers by number in one batch (None where the node has no such block)."""
        wanted = sorted(set(numbers))
        raws = self.batch([("eth_getBlockByNumber", [_qty(n), False]) for n in wanted])
        return {n: (parse_header(r) if r else None) for n, r in zip(wanted, raws, strict=True)}

    def get_logs(
        self, address: str, from_block: int, to_block: int, topics: Sequence[Any] | None = None
    ) -> list[dict[str, Any]]:
        params: dict[str, Any] = {
            "address": address,
            "fromBlock": _qty(from_block),
            "toBlock": _qty(to_block),
        }
        if topics is not None:
            params["topics"] = list(topics)
        result = self.call("eth_getLogs", [params])
        if not isinstance(result, list):
            raise RpcTransportError("eth_getLogs: result is not a list")
        return result

    def send_raw_transaction(self, raw: bytes) -> str:
        return str(self.call("eth_sendRawTransaction", ["0x" + raw.hex()]))

    def transaction(self, tx_hash: str) -> dict[str, Any] | None:
        result = self.call("eth_getTransactionByHash", [tx_hash])
        return result if isinstance(result, dict) else None

    def receipt(self, tx_hash: str) -> dict[str, Any] | None:
        result = self.call("eth_getTransactionReceipt", [tx_hash])
        return result if isinstance(result, dict) else None

    def nonce(self, address: str, block: str = "pending") -> int:
        return int(self.call("eth_getTransactionCount", [address, block]), 16)

    def eth_call(self, to: str, data: bytes) -> bytes:
        out = self.call("eth_call", [{"to": to, "data": "0x" + data.hex()}, "latest"])
        return bytes.fromhex(str(out)[2:])
