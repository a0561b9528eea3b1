"""Ingestion of one network's confirmed logs: decode, translate, submit, remember.

Exactly-once rests on two things: zrChain refuses a repeated request (key requests are
idempotent per (owner, wallet type, index); signature requests carry a `cache_id`), and the
state file records which logs of the range in progress are done, saved after every batch.
So a crash, a restart from an old cursor or a second bridge re-submits at worst, and
re-submitting changes nothing on zrChain.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any, TypedDict

from evm_bridge.evm_rpc import BlockHeader, RpcError
from evm_bridge.gateway import Gateway, Outcome, SubmitResult
from evm_bridge.ingest import (
    ConfigChange,
    Hold,
    Ingest,
    KeyIngest,
    OmniIngest,
    SigIngest,
    Skip,
    Translator,
    hx,
    ingest_from_json,
    ingest_to_json,
)
from evm_bridge.logs import emit, get_logger
from evm_bridge.state import NetworkState, log_id
from zrchain.evm.events import EventDecoder
from zrchain.evm.ids import REQ_SIMPLE_TX, REQ_TX

#: How many requests are sent before the state file is saved again.
FLUSH_EVERY = 200

SimpleTxConverter = Callable[[SigIngest, str], str]


def _qty(value: Any) -> Any:
    """JSON-RPC quantities ("0x1a") as ints; anything else unchanged."""
    if isinstance(value, str) and value.startswith("0x"):
        return int(value, 16)
    return value


def normalise_log(raw: Mapping[str, Any]) -> dict[str, Any]:
    """A raw eth_getLogs entry with its numeric fields as ints (what the decoder expects)."""
    out = dict(raw)
    for key in ("blockNumber", "logIndex", "transactionIndex"):
        if key in out:
            out[key] = _qty(out[key])
    return out


def raw_log_id(raw: Mapping[str, Any]) -> str | None:
    """`<tx hash>:<log index>` of a raw log, or None when those fields are unreadable."""
    try:
        tx = raw["transactionHash"]
        tx = tx if isinstance(tx, str) else "0x" + bytes(tx).hex()
        idx = raw["logIndex"]
        return log_id(tx, int(idx, 16) if isinstance(idx, str) else int(idx))
    except (KeyError, TypeError, ValueError):
        return None


class _Where(TypedDict):
    """Where a log came from, as its log lines name it."""

    network: str
    tx: object
    log_index: object


class Pipeline:
    """Turns a range's logs into zrChain requests for one network."""

    def __init__(
        self,
        *,
        label: str,
        state: NetworkState,
        save: Callable[[], None],
        gateway: Gateway,
        translator: Translator,
        direct: bool = False,
        key_writeback: bool = False,
        relay: bool = True,
        defer_timeout: float = 3600.0,
        convert_simple_tx: SimpleTxConverter | None = None,
        decoder: EventDecoder | None = None,
        clock: Callable[[], float] = time.time,
        logger: logging.Logger | None = None,
    ) -> None:
        self.label = label
        self.state = state
        self.save = save
        self.gateway = gateway
        self.translator = translator
        self.direct = direct
        self.key_writeback = direct or key_writeback
        self.relay = relay
        self.defer_timeout = defer_timeout
        self.convert_simple_tx = convert_simple_tx
        self.decoder = decoder or EventDecoder()
        self.clock = clock
        self.log = logger or get_logger("ingest")
        self._known_keys: dict[tuple[str, str, int], str] = {}

    # -- a confirmed range ---------------------------------------------------------------
    def handle_range(
        self, logs: Sequence[Mapping[str, Any]], headers: Mapping[int, BlockHeader | None]
    ) -> None:
        """Process every not-yet-done log of a range in (block, log index) order."""
        done = set(self.state.range_done)
        batch: list[tuple[str, Ingest]] = []
        for raw in logs:
            lid = raw_log_id(raw)
            if lid is not None and lid in done:
                continue
            self.state.stats.logs_seen += 1
            item = self._decide(raw, headers)
            if item is None:
                if lid is not None:
                    self._mark(lid, done)
                continue
            batch.append((lid or item.origin.log_id, item))
            if len(batch) >= FLUSH_EVERY:
                self._flush(batch, done)
                batch = []
        self._flush(batch, done)

    def _mark(self, lid: str, done: set[str]) -> None:
        done.add(lid)
        self.state.range_done.append(lid)

    def _decide(
        self, raw: Mapping[str, Any], headers: Mapping[int, BlockHeader | None]
    ) -> Ingest | None:
        where: _Where = {
            "network": self.label,
            "tx": raw.get("transactionHash"),
            "log_index": raw.get("logIndex"),
        }
        if raw.get("removed"):
            emit(self.log, logging.WARNING, "removed_log", "removed log not ingested", **where)
            return None
        try:
            event = self.decoder.decode(normalise_log(raw))
        except Exception as exc:  # malformed data under one of our topics
            self.state.stats.skipped += 1
            emit(
                self.log,
                logging.WARNING,
                "malformed_log",
                f"undecodable log skipped: {type(exc).__name__}: {exc}",
                topic0=(raw.get("topics") or [None])[0],
                **where,
            )
            return None
        if event is None:
            emit(
                self.log,
                logging.INFO,
                "foreign_log",
                "log with an unknown topic skipped",
                topic0=(raw.get("topics") or [None])[0],
                **where,
            )
            return None
        header = headers.get(event.meta.block_number)
        decision = self.translator.translate(event, header.timestamp if header else 0, self.clock())
        if isinstance(decision, ConfigChange):
            self.state.wallet_types = dict(self.translator.wallet_types)
            self.state.chains = dict(self.translator.chains)
            emit(self.log, logging.INFO, "config", decision.what, network=self.label)
            return None
        if isinstance(decision, Skip):
            if decision.level != "debug":
                self.state.stats.skipped += 1
            level = logging.DEBUG if decision.level == "debug" else logging.WARNING
            emit(self.log, level, "skipped", decision.reason, **where)
            return None
        self.state.stats.requests += 1
        if isinstance(decision, Hold):
            self._defer(decision.item, decision.reason)
            return None
        return decision

    # -- submitting ----------------------------------------------------------------------
    def _ready(self, item: Ingest) -> tuple[Ingest | None, str]:
        """The item as it can be submitted now, or (None, why not)."""
        if isinstance(item, KeyIngest | OmniIngest):
            return item, ""
        slot = item.key_slot
        address = self._known_keys.get(slot)
        if address is None:
            key = self.gateway.zr_sign_key(item.owner, item.coin_type, item.wallet_index)
            if key is None:
                return None, "key not generated on zrChain yet"
            address = self._known_keys[slot] = key.address
        if item.req_type == REQ_SIMPLE_TX and not item.converted_tx:
            if self.convert_simple_tx is None:
                raise ValueError("simple-tx requests need a destination RPC to convert them")
            return replace(item, converted_tx=self.convert_simple_tx(item, address)), ""
        return item, ""

    def _flush(self, batch: list[tuple[str, Ingest]], done: set[str]) -> None:
        if not batch:
            self.save()
            return
        ready: list[tuple[str, Ingest]] = []
        for lid, item in batch:
            try:
                prepared, why = self._ready(item)
            except ValueError as exc:
                self._skip(item, str(exc))
                self._mark(lid, done)
                continue
            except RpcError as exc:
                prepared, why = None, f"destination RPC: {exc}"
            if prepared is None:
                assert isinstance(item, SigIngest)
                self._defer(item, why)
                self._mark(lid, done)
            else:
                ready.append((lid, prepared))
        if ready:
            results = self.gateway.submit([item for _, item in ready])
            for (lid, item), result in zip(ready, results, strict=True):
                self._record(item, result)
                self._mark(lid, done)
        self.save()

    def _record(self, item: Ingest, result: SubmitResult) -> None:
        fields = {"network": self.label, **item.describe()}
        if result.outcome is Outcome.CREATED:
            self.state.stats.ingested += 1
            emit(
                self.log,
                logging.INFO,
                "ingested",
                f"{item.kind} request forwarded to zrChain",
                zr_request=result.request_id,
                zr_height=result.height,
                evm_time=item.origin.block_time,
                **fields,
            )
        elif result.outcome is Outcome.DUPLICATE:
            self.state.stats.duplicates += 1
            emit(
                self.log,
                logging.INFO,
                "duplicate",
                "zrChain already has this request",
                zr_request=result.request_id,
                **fields,
            )
        elif result.outcome is Outcome.NOT_READY and isinstance(item, SigIngest):
            self._defer(item, result.reason)
            return
        else:
            self.state.stats.rejected += 1
            emit(
                self.log,
                logging.ERROR,
                "rejected",
                f"zrChain refused the request: {result.reason}",
                **fields,
            )
            return
        self._follow_up(item, result.request_id)

    def _follow_up(self, item: Ingest, request_id: int | None) -> None:
        """Register the response (key: Direct, or a zrsign-v1 contract's key registration;
        signature: Direct) and the relay this request needs once it is fulfilled."""
        if isinstance(item, OmniIngest):
            return  # zrChain acts on it; nothing goes back to the contract
        if isinstance(item, KeyIngest):
            if not self.key_writeback:
                return
            key = ["key", *item.slot]
            if any(r.get("key") == key for r in self.state.responses):
                return  # a top-up of a slot already waiting for its answer
            self.state.responses.append(
                {"key": key, "item": ingest_to_json(item), "request_id": request_id}
            )
            return
        relay = self.relay and item.broadcast and item.req_type in (REQ_TX, REQ_SIMPLE_TX)
        if not (self.direct or relay):
            return
        key = ["sig", item.trace_id]
        if any(r.get("key") == key for r in self.state.responses):
            return
        self.state.responses.append(
            {
                "key": key,
                "item": ingest_to_json(item),
                "request_id": request_id,
                "respond": self.direct,
                "relay": relay,
            }
        )

    def _skip(self, item: Ingest, reason: str) -> None:
        self.state.stats.skipped += 1
        emit(self.log, logging.WARNING, "skipped", reason, network=self.label, **item.describe())

    def _defer(self, item: SigIngest, reason: str) -> None:
        self.state.stats.deferred += 1
        if any(d["item"]["trace_id"] == item.trace_id for d in self.state.deferred):
            return
        since = item.first_seen or self.clock()
        self.state.deferred.append(
            {"item": ingest_to_json(replace(item, first_seen=since)), "reason": reason}
        )
        emit(
            self.log,
            logging.INFO,
            "deferred",
            f"held back: {reason}",
            network=self.label,
            **item.describe(),
        )

    # -- held-back requests ----------------------------------------------------------------
    def retry_deferred(self) -> None:
        """Submit the held-back requests that have become ready; drop expired ones."""
        if not self.state.deferred:
            return
        keep: list[dict[str, Any]] = []
        ready: list[Ingest] = []
        now = self.clock()
        for entry in self.state.deferred:
            item = ingest_from_json(entry["item"])
            assert isinstance(item, SigIngest)
            if now - item.first_seen > self.defer_timeout:
                self._skip(item, f"held back too long ({entry.get('reason')}); giving up")
                continue
            decision = self.translator.check_destination(item)
            if isinstance(decision, Skip):
                self._skip(item, decision.reason)
                continue
            if isinstance(decision, Hold):
                keep.append(entry)
                continue
            try:
                prepared, why = self._ready(decision)
            except ValueError as exc:
                self._skip(item, str(exc))
                continue
            except RpcError as exc:
                prepared, why = None, f"destination RPC: {exc}"
            if prepared is None:
                keep.append({**entry, "reason": why})
            else:
                ready.append(prepared)
        if ready:
            results = self.gateway.submit(ready)
            for item, result in zip(ready, results, strict=True):
                if result.outcome is Outcome.NOT_READY:
                    keep.append({"item": ingest_to_json(item), "reason": result.reason})
                else:
                    self._record(item, result)
        self.state.deferred = keep
        self.save()

    def drop_after(self, block: int) -> list[str]:
        """Forget held-back requests and pending answers from blocks above `block` (a reorg
        removed them); returns what was dropped."""
        dropped = []
        keep = []
        for entry in self.state.deferred:
            if entry["item"]["origin"]["block_number"] > block:
                dropped.append(entry["item"]["origin"]["tx_hash"])
            else:
                keep.append(entry)
        self.state.deferred = keep
        responses = []
        for entry in self.state.responses:
            if entry["item"]["origin"]["block_number"] > block:
                dropped.append(entry["item"]["origin"]["tx_hash"])
            else:
                responses.append(entry)
        self.state.responses = responses
        return dropped


def cache_hex(item: SigIngest) -> str:
    return hx(item.cache_id)
