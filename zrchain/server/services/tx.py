"""``cosmos.tx.v1beta1.Service``: simulate through the app's pipeline; broadcast, look-ups
and searches through CometBFT's RPC, with the SDK's request checks, error texts and
TxResponse fields (docs/node-compat.md, *The Tx service*)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from cosmpy.protos.cosmos.base.abci.v1beta1 import abci_pb2
from cosmpy.protos.cosmos.crypto.multisig import keys_pb2 as _multisig  # noqa: F401 (Any types)
from cosmpy.protos.cosmos.crypto.secp256k1 import keys_pb2 as _secp256k1  # noqa: F401
from cosmpy.protos.cosmos.tx.v1beta1 import service_pb2 as s
from cosmpy.protos.cosmos.tx.v1beta1 import tx_pb2
from google.protobuf.any_pb2 import Any as AnyPb
from google.protobuf.message import DecodeError

from zrchain import module
from zrchain.codec.any import type_url
from zrchain.errors import (
    ErrMempoolIsFull,
    ErrorKind,
    ErrTxInMempoolCache,
    ErrTxTooLarge,
    QueryError,
    Status,
    invalid_argument,
    not_found,
)
from zrchain.server.services import convert
from zrchain.server.services.comet import Comet, CometError
from zrchain.server.services.tendermint import DEFAULT_LIMIT, fetch_block
from zrchain.tx.simulation import SimulationFailed

TX_TYPE_URL = type_url(tx_pb2.Tx)

# CometBFT broadcast errors that the SDK turns into a TxResponse code instead of an error
_MEMPOOL_ERRORS: tuple[tuple[str, ErrorKind], ...] = (
    ("tx already exists in cache", ErrTxInMempoolCache),
    ("mempool is full", ErrMempoolIsFull),
    ("tx too large", ErrTxTooLarge),
)
_MODES = {
    s.BroadcastMode.Value("BROADCAST_MODE_SYNC"): "broadcast_tx_sync",
    s.BroadcastMode.Value("BROADCAST_MODE_ASYNC"): "broadcast_tx_async",
}
_QUERY_OPERATORS = ("<", ">", "'", " CONTAINS ", " EXISTS")


def tx_hash(tx: bytes) -> str:
    return hashlib.sha256(tx).hexdigest().upper()


def decode_tx(raw: bytes) -> tx_pb2.Tx:
    """The Tx for display; undecodable bytes give an empty Tx whose body still renders."""
    try:
        return tx_pb2.Tx.FromString(raw)
    except DecodeError:
        tx = tx_pb2.Tx()
        tx.body.SetInParent()
        tx.auth_info.SetInParent()
        return tx


def legacy_events_query(events: Sequence[str]) -> str:
    """The pre-0.50 ``events`` list (``type.attr=value``) -> a CometBFT query, as the SDK did."""
    conditions = []
    for event in events:
        if any(op in event for op in _QUERY_OPERATORS):
            conditions.append(event)  # already a query condition
            continue
        if event.count("=") != 1:
            raise invalid_argument(
                f"invalid event; event {event} should be of the format: "
                "{eventType}.{eventAttribute}={value}"
            )
        key, value = (part.strip() for part in event.split("="))
        conditions.append(f"{key}={value}" if key == "tx.height" else f"{key}='{value}'")
    return " AND ".join(conditions)


class TxService(module.QueryServer):
    """Simulate through the app; the rest through CometBFT's RPC."""

    descriptor = s.DESCRIPTOR.services_by_name["Service"]
    absent = {
        "TxEncodeAmino": "not served: this chain signs with SIGN_MODE_DIRECT, no amino JSON",
        "TxDecodeAmino": "not served: this chain signs with SIGN_MODE_DIRECT, no amino JSON",
    }
    reads_state = False  # answered from the check state and CometBFT, not a version

    def __init__(self, app: Any, comet: Comet) -> None:
        self.app = app
        self.comet = comet

    # -- Simulate ------------------------------------------------------------------------
    def simulate(self, ctx: Any, req: s.SimulateRequest) -> s.SimulateResponse:
        if req.tx_bytes:
            tx_bytes = req.tx_bytes
        elif req.HasField("tx"):  # deprecated, and what cosmpy sends
            tx_bytes = req.tx.SerializeToString()
        else:
            raise invalid_argument("empty txBytes is not allowed")
        try:
            gas_info, result = self.app.simulate(tx_bytes)
        except SimulationFailed as exc:  # the tx ran and failed: the SDK's Unknown
            log = getattr(exc.error, "log", str(exc.error))
            raise QueryError(Status.UNKNOWN, f"{log} with gas used: '{exc.gas_used}'") from exc
        resp = s.SimulateResponse(gas_info=gas_info)
        if result is not None:
            resp.result.CopyFrom(result)
        return resp

    # -- BroadcastTx ---------------------------------------------------------------------
    def broadcast_tx(self, ctx: Any, req: s.BroadcastTxRequest) -> s.BroadcastTxResponse:
        if not req.tx_bytes:
            raise invalid_argument("invalid empty tx")
        method = _MODES.get(req.mode)
        if method is None:
            mode = s.BroadcastMode.Name(req.mode) if req.mode in s.BroadcastMode.values() else ""
            name = mode.removeprefix("BROADCAST_MODE_").lower() or str(req.mode)
            raise invalid_argument(f"unsupported return type {name}; supported types: sync, async")
        tx = req.tx_bytes
        try:
            res = self.comet.call(lambda rpc: getattr(rpc, method)(tx))
        except CometError as exc:
            if exc.rpc_error is None:
                raise
            low = exc.text.lower()
            for marker, kind in _MEMPOOL_ERRORS:
                if marker in low:
                    return s.BroadcastTxResponse(
                        tx_response=abci_pb2.TxResponse(
                            code=kind.code,
                            codespace=kind.codespace,
                            txhash=tx_hash(tx),
                            raw_log=kind.description,
                        )
                    )
            raise
        return s.BroadcastTxResponse(
            tx_response=abci_pb2.TxResponse(
                txhash=res.get("hash") or tx_hash(tx),
                code=convert.int_of(res.get("code")),
                codespace=res.get("codespace", ""),
                data=(res.get("data") or "").upper(),
                raw_log=res.get("log", ""),
            )
        )

    # -- GetTx / GetTxsEvent -------------------------------------------------------------
    def get_tx(self, ctx: Any, req: s.GetTxRequest) -> s.GetTxResponse:
        if not req.hash:
            raise invalid_argument("tx hash cannot be empty")
        try:
            raw_hash = bytes.fromhex(req.hash)
        except ValueError as exc:
            raise invalid_argument(f"invalid tx hash {req.hash!r}: not a hex string") from exc
        if len(raw_hash) != 32 or len(req.hash) != 64:  # fromhex skips whitespace
            raise invalid_argument(f"invalid tx hash {req.hash!r}: expected 64 hex digits")
        try:
            res = self.comet.call(lambda rpc: rpc.tx(raw_hash))
        except CometError as exc:
            if "not found" in exc.text:
                raise not_found(f"tx not found: {req.hash}") from exc
            raise
        tx, response = self._tx_response(res, {})
        return s.GetTxResponse(tx=tx, tx_response=response)

    def get_txs_event(self, ctx: Any, req: s.GetTxsEventRequest) -> s.GetTxsEventResponse:
        query = req.query or legacy_events_query(req.events)
        if not query:
            raise invalid_argument("query cannot be empty")
        limit = min(int(req.limit or req.pagination.limit) or DEFAULT_LIMIT, DEFAULT_LIMIT)
        page = int(req.page) or int(req.pagination.offset) // limit + 1
        order = "desc" if req.order_by == s.OrderBy.Value("ORDER_BY_DESC") else "asc"
        try:
            res = self.comet.call(lambda rpc: rpc.tx_search(query, page, limit, order))
        except CometError as exc:
            if exc.rpc_error is None or exc.status != Status.UNKNOWN:
                raise
            # CometBFT's query parser answers "offset 11: EOF" and the like
            raise invalid_argument(f"invalid query {query!r}: {exc.text}") from exc
        times: dict[int, str] = {}
        out = s.GetTxsEventResponse(total=convert.int_of(res.get("total_count")))
        out.pagination.total = out.total
        for item in res.get("txs") or []:
            tx, response = self._tx_response(item, times)
            out.txs.append(tx)
            out.tx_responses.append(response)
        return out

    # -- GetBlockWithTxs / TxDecode / TxEncode -------------------------------------------
    def get_block_with_txs(
        self, ctx: Any, req: s.GetBlockWithTxsRequest
    ) -> s.GetBlockWithTxsResponse:
        current = int(ctx.height)
        if req.height < 1 or req.height > current:
            raise invalid_argument(
                f"requested height {req.height} but height must not be less than 1 or greater "
                f"than the current height {current}"
            )
        bid, blk = fetch_block(self.comet, req.height)
        txs = list(blk.data.txs)
        offset = int(req.pagination.offset)
        limit = int(req.pagination.limit) or DEFAULT_LIMIT
        if txs and offset >= len(txs):
            raise invalid_argument(
                f"out of range: cannot paginate {len(txs)} txs with offset {offset} "
                f"and limit {limit}"
            )
        if req.pagination.reverse:
            txs.reverse()
        out = s.GetBlockWithTxsResponse(
            txs=[decode_tx(t) for t in txs[offset : offset + limit]], block_id=bid, block=blk
        )
        out.pagination.total = len(txs)
        return out

    def tx_decode(self, ctx: Any, req: s.TxDecodeRequest) -> s.TxDecodeResponse:
        if not req.tx_bytes:
            raise invalid_argument("invalid empty tx bytes")
        try:
            return s.TxDecodeResponse(tx=tx_pb2.Tx.FromString(req.tx_bytes))
        except DecodeError as exc:
            raise invalid_argument(f"tx parse error: {exc}") from exc

    def tx_encode(self, ctx: Any, req: s.TxEncodeRequest) -> s.TxEncodeResponse:
        if not req.HasField("tx"):
            raise invalid_argument("invalid empty tx")
        return s.TxEncodeResponse(tx_bytes=req.tx.SerializeToString())

    # -- helpers -------------------------------------------------------------------------
    def _tx_response(
        self, res: dict[str, Any], times: dict[int, str]
    ) -> tuple[tx_pb2.Tx, abci_pb2.TxResponse]:
        """A CometBFT ``ResultTx`` -> (Tx, TxResponse) the way the SDK's ``mkTxResult`` does."""
        raw = convert.b64_bytes(res.get("tx"))
        tx = decode_tx(raw)
        height = convert.int_of(res.get("height"))
        result = res.get("tx_result") or {}
        if height not in times:
            times[height] = self._block_time(height)
        response = abci_pb2.TxResponse(
            height=height,
            txhash=res.get("hash") or tx_hash(raw),
            codespace=result.get("codespace", ""),
            code=convert.int_of(result.get("code")),
            data=convert.b64_bytes(result.get("data")).hex().upper(),
            raw_log=result.get("log", ""),
            info=result.get("info", ""),
            gas_wanted=convert.int_of(result.get("gas_wanted")),
            gas_used=convert.int_of(result.get("gas_used")),
            tx=AnyPb(type_url=TX_TYPE_URL, value=tx.SerializeToString()),
            timestamp=times[height],
            events=convert.events(result.get("events")),
        )
        return tx, response

    def _block_time(self, height: int) -> str:
        try:
            header = self.comet.method("header", height=str(height))["header"]
        except CometError:
            return ""  # pruned block: the SDK would fail; the tx result is still worth giving
        return convert.rfc3339_seconds(convert.timestamp(header.get("time")))

