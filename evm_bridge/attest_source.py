"""A validator's own view of the zrSign networks, for its vote extensions (docs/attestation.md).

`zrchaind start` runs this beside the app when app.toml has an `[attestation]` section
naming a networks file (the bridge's `[[networks]]` tables; nothing is signed, no key is
needed). Per network, the bridge's reorg-safe `Follower` reads confirmed logs at the
configured depth; instead of submitting requests, `ObservedRequests` keeps each one as the
`Item` the chain would execute, and `views()` hands the app, per network, the confirmed
block and every request up to it.

A network whose RPC is down or behind simply stops advancing (its thread backs off and
retries); nothing here can stop the node. What is attested depends on the event alone: a
request whose destination this follower has no CAIP-2 id for is resolved from the event
(``Translator.destination_from_event``) instead of being held as the relayer holds it.
A simple-tx request is attested as it is in the event (kind 5, its destination as the
event's ``dstChainId``); the transaction is built by the chain from a **quote** the
followers read at a destination block the chain designates (`Quoter`, `QuoteBook`):
the wallet's nonce and the base fee at that block, values every honest node serving that
block returns identically.
"""

from __future__ import annotations

import logging
import threading
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, cast

from eth_utils import to_canonical_address, to_checksum_address

from evm_bridge.config import ConfigError, NetworkConfig, _network, check_caip2
from evm_bridge.daemon import Backoff, coin_lookup
from evm_bridge.evm_rpc import BlockHeader, EvmRpc
from evm_bridge.follower import Follower, RangeRetry
from evm_bridge.ingest import (
    ConfigChange,
    Hold,
    Ingest,
    KeyIngest,
    OmniIngest,
    SigIngest,
    Skip,
    Translator,
    unhx,
)
from evm_bridge.pipeline import Pipeline, normalise_log
from evm_bridge.state import NetworkState, StateStore
from zrchain.evm.events import EventDecoder
from zrchain.evm.ids import REQ_SIMPLE_TX
from zrchain.evm.simple_tx import decode_simple_tx
from zrchain.x.attest.codec import (
    KIND_KEY,
    KIND_OMNI_APPROVAL,
    KIND_OMNI_CALL,
    KIND_SIG,
    KIND_SIMPLE_TX,
    Item,
    NetworkView,
    Quote,
    QuoteRequest,
    simple_tx_msg,
    unattestable,
)

log = logging.getLogger("evm_bridge.attest")


def kind_of(req: Ingest) -> int:
    """The item kind of a translated event (docs/attestation.md)."""
    if isinstance(req, KeyIngest):
        return KIND_KEY
    if isinstance(req, OmniIngest):
        return KIND_OMNI_APPROVAL if req.op in ("approve", "reject") else KIND_OMNI_CALL
    if req.req_type == REQ_SIMPLE_TX:
        return KIND_SIMPLE_TX
    return KIND_SIG


def item_msg(req: Ingest) -> bytes:
    """The item's ``msg``: the relayer path's Msg without creator. A simple-tx request keeps
    its payload unconverted and names its destination by the event's ``dstChainId`` (not by
    this follower's map, which other followers may not share)."""
    if isinstance(req, SigIngest) and req.req_type == REQ_SIMPLE_TX:
        unconverted = replace(req, dst_caip2="", converted_tx="")
        return simple_tx_msg(unhx(req.dst_chain_id), unconverted.msg("").SerializeToString())
    return req.msg("").SerializeToString()


def to_item(req: Ingest) -> Item:
    """The chain-side form of a translated event: its Msg without a creator."""
    o = req.origin
    return Item(
        caip2=o.caip2,
        contract=to_canonical_address(o.contract),
        block_number=o.block_number,
        block_hash=unhx(o.block_hash),
        tx_hash=unhx(o.tx_hash),
        log_index=o.log_index,
        kind=kind_of(req),
        msg=item_msg(req),
    )


class ObservedRequests:
    """Stands where the bridge's Pipeline stands, but only remembers what it reads."""

    def __init__(self, translator: Translator, label: str) -> None:
        self.translator = translator
        self.label = label
        self.decoder = EventDecoder()
        self.items: dict[tuple[int, int], Item] = {}
        self.lock = threading.Lock()

    def handle_range(
        self, logs: Sequence[Mapping[str, Any]], headers: Mapping[int, BlockHeader | None]
    ) -> None:
        found = []
        for raw in logs:
            if raw.get("removed"):
                continue
            try:
                event = self.decoder.decode(normalise_log(raw))
            except Exception as exc:  # malformed data under a zrSign topic: not a request
                log.warning("%s: undecodable log skipped: %s", self.label, exc)
                continue
            if event is None:
                continue
            header = headers.get(event.meta.block_number)
            decision = self.translator.translate(event, header.timestamp if header else 0, 0.0)
            if isinstance(decision, Hold):
                decision = self.translator.destination_from_event(decision.item)
            if isinstance(decision, SigIngest) and decision.req_type == REQ_SIMPLE_TX:
                try:
                    decode_simple_tx(unhx(decision.payload))
                except ValueError as exc:
                    decision = Skip(f"simple-tx payload rejected: {exc}")
            if isinstance(decision, Skip) and decision.level != "debug":
                m = event.meta
                log.warning("%s: block %d log %d not attested: %s", self.label,
                            m.block_number, m.log_index, decision.reason)  # fmt: skip
            if isinstance(decision, ConfigChange | Skip):
                continue
            item = to_item(decision)
            if why := unattestable(item):
                log.warning("%s: block %d log %d not attested: %s", self.label,
                            item.block_number, item.log_index, why)  # fmt: skip
                continue
            found.append(((item.block_number, item.log_index), item))
        with self.lock:
            self.items.update(found)

    def forget(self, ids: set[bytes]) -> None:
        with self.lock:
            for key in [k for k, item in self.items.items() if item.id in ids]:
                del self.items[key]

    def retry_deferred(self) -> None:
        return None

    def drop_after(self, block: int) -> list[str]:
        with self.lock:
            gone = [k for k in self.items if k[0] > block]
            for k in gone:
                del self.items[k]
        return [f"block {b} log {i}" for b, i in gone]


class _NoFile:
    """The follower's state lives in memory: the view is rebuilt from start_block at start."""

    path = Path("<memory>")

    def load(self) -> NetworkState | None:
        return None

    def save(self, state: NetworkState) -> None:
        return None


class NetworkWatcher:
    def __init__(self, net: NetworkConfig, known_caip2: list[str]) -> None:
        self.net = net
        self.translator = Translator(
            caip2=net.caip2,
            contract=net.contract,
            known_caip2=known_caip2,
            lookup_coin=coin_lookup(net.rpc_url, net.contract),
        )
        self.observed = ObservedRequests(self.translator, net.label)
        self.follower = Follower(
            net=net,
            rpc=EvmRpc(net.rpc_url, timeout=5.0),
            store=cast(StateStore, _NoFile()),
            pipeline_factory=lambda _s, _save: cast(Pipeline, self.observed),
            logger=logging.getLogger("evm_bridge.attest.follower"),
        )
        self.error = ""

    def view(self) -> NetworkView:
        with self.observed.lock:
            confirmed = self.follower.state.cursor
            items = tuple(v for k, v in sorted(self.observed.items.items()) if k[0] <= confirmed)
        return NetworkView(self.net.caip2, max(confirmed, 0), items)

    def run(self, stop: threading.Event) -> None:
        backoff = Backoff()
        while not stop.is_set():
            try:
                more = self.follower.step()
                backoff.reset()
                self.error = ""
                if not more:
                    stop.wait(self.net.poll_interval)
            except RangeRetry:
                continue
            except Exception as exc:  # RPC down or behind, or a bug: log, back off, go on
                self.error = f"{type(exc).__name__}: {exc}"
                log.warning("%s: %s", self.net.label, self.error)
                stop.wait(backoff.next())


class Quoter:
    """Reads one simple-tx quote on a destination network at a fixed block: the wallet's
    nonce (eth_getTransactionCount at that block) and the block's hash and base fee
    (eth_getBlockByNumber). Both are consensus data of that block: any honest node serving
    it returns the same values, whatever its client."""

    def __init__(self, rpc: EvmRpc) -> None:
        self.rpc = rpc

    def read(self, req: QuoteRequest) -> Quote:
        tag = hex(req.block)
        block = self.rpc.call("eth_getBlockByNumber", [tag, False])
        if not block:
            raise ValueError(f"{req.caip2} has no block {req.block} yet")
        nonce = self.rpc.nonce(to_checksum_address(req.wallet), tag)
        return Quote(
            request=req.request,
            block=req.block,
            block_hash=unhx(block["hash"]),
            nonce=nonce,
            base_fee=int(block.get("baseFeePerGas") or "0x0", 16),
        )


class QuoteBook:
    """Quotes read in the background: ``quotes()`` (called from ExtendVote) returns what is
    read and asks for the rest; a worker thread reads them, so no RPC call delays a vote.
    A quote at a fixed block never changes, so it is kept while it is asked for."""

    def __init__(self, quoters: Mapping[str, Quoter]) -> None:
        self.quoters = dict(quoters)
        self.lock = threading.Lock()
        self.read: dict[tuple[bytes, int], Quote] = {}
        self.wanted: list[QuoteRequest] = []

    def quotes(self, requests: Sequence[QuoteRequest]) -> list[Quote]:
        followed = [r for r in requests if r.caip2 in self.quoters]
        with self.lock:
            self.wanted = followed
            keys = {(r.request, r.block) for r in followed}
            self.read = {k: q for k, q in self.read.items() if k in keys}
            return [q for k, q in self.read.items()]

    def read_wanted(self) -> int:
        """Read every wanted quote not read yet; how many were read."""
        with self.lock:
            todo = [r for r in self.wanted if (r.request, r.block) not in self.read]
        n = 0
        for r in todo:
            try:
                q = self.quoters[r.caip2].read(r)
            except Exception as exc:  # RPC down, block not there yet: try again later
                log.info("%s: quote for %s not read: %s", r.caip2, r.request.hex()[:16], exc)
                continue
            with self.lock:
                self.read[(r.request, r.block)] = q
            n += 1
        return n

    def run(self, stop: threading.Event, interval: float = 0.2) -> None:
        while not stop.is_set():
            if not self.read_wanted():
                stop.wait(interval)


class AttestationSource:
    """The app's EventSource: one follower thread per network, one quote reader."""

    def __init__(self, networks: list[NetworkConfig]) -> None:
        known = [n.caip2 for n in networks]
        self.watchers = [NetworkWatcher(n, known) for n in networks]
        self.quote_book = QuoteBook(
            {n.caip2: Quoter(EvmRpc(n.rpc_url, timeout=5.0)) for n in networks}
        )
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def quotes(self, requests: Sequence[QuoteRequest]) -> list[Quote]:
        return self.quote_book.quotes(requests)

    def views(self) -> list[NetworkView]:
        return [w.view() for w in self.watchers if w.follower.state.cursor >= 0]

    def forget(self, ids: set[bytes]) -> None:
        for w in self.watchers:
            w.observed.forget(ids)

    def start(self) -> None:
        for w in self.watchers:
            t = threading.Thread(
                target=w.run, args=(self._stop,), name=f"attest-{w.net.label}", daemon=True
            )
            t.start()
            self._threads.append(t)
        t = threading.Thread(
            target=self.quote_book.run, args=(self._stop,), name="attest-quotes", daemon=True
        )
        t.start()
        self._threads.append(t)

    def stop(self) -> None:
        self._stop.set()
        for t in self._threads:
            t.join(timeout=10)


def load_networks(path: str | Path) -> list[NetworkConfig]:
    """The `[[networks]]` of an attestation networks file (the bridge's tables)."""
    try:
        doc = tomllib.loads(Path(path).read_text())
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from None
    raw = doc.get("networks")
    if not isinstance(raw, list) or not raw:
        raise ConfigError(f"{path}: at least one [[networks]] entry is required")
    nets = [_network(dict(entry), i) for i, entry in enumerate(raw)]
    for n in nets:
        check_caip2(n.caip2, n.label)
    if len({n.caip2 for n in nets}) != len(nets):
        raise ConfigError(f"{path}: a CAIP-2 id is listed twice")
    return nets


def start_source(path: str | Path) -> AttestationSource:
    """Entry point `zrchaind start` calls by name (zrchain never imports this package)."""
    source = AttestationSource(load_networks(path))
    source.start()
    return source
