"""A reorg-safe follower of one contract's logs on one EVM network.

Each step reads one bounded range `[cursor+1, min(head - confirmations, cursor+range)]`
with eth_getLogs, then fetches (in one batch) the headers of the range's first and last
blocks and of every block holding a log, and checks them:

* every log's blockHash is the canonical hash of its block (else the node's view moved while
  we read: the range is read again);
* the first block's parentHash is the hash we stored for the cursor block, and the cursor
  block's hash is unchanged (else a reorg deeper than the confirmation depth reached blocks
  already read: we rewind to the newest stored block that is still canonical).

Only then are the logs handed to the pipeline and the cursor moved, with the hashes of the
blocks read stored beside it. A log from a block that a reorg removes is therefore never
ingested, and a log is never ingested twice (the pipeline's range bookkeeping and zrChain's
refusals cover re-reads). anvil's `anvil_reorg` does not mark removed logs, so nothing here
relies on the `removed` flag.

With `watch_pending`, logs above the confirmation depth are also read, only to be reported
("seen, waiting for N confirmations") and to report those a reorg drops.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from evm_bridge.config import NetworkConfig
from evm_bridge.evm_rpc import BlockHeader, EvmRpc, RpcResponseError
from evm_bridge.logs import emit, get_logger
from evm_bridge.pipeline import Pipeline, raw_log_id
from evm_bridge.state import NetworkState, StateStore


class RangeRetry(RuntimeError):
    """The range must be read again (node lagging, or a reorg while reading)."""


@dataclass
class Progress:
    """Backfill progress of this run, for the periodic progress line."""

    started: float
    start_cursor: int
    logs: int = 0
    last_report: float = 0.0
    caught_up: bool = False
    blocks: int = 0


@dataclass
class PendingLog:
    block_number: int
    block_hash: str
    topic0: str


@dataclass
class Follower:
    """Follows one (network, contract); `step()` does one unit of work."""

    net: NetworkConfig
    rpc: EvmRpc
    store: StateStore
    pipeline_factory: Callable[[NetworkState, Callable[[], None]], Pipeline]
    progress_interval: float = 5.0
    clock: Callable[[], float] = time.monotonic
    logger: logging.Logger = field(default_factory=lambda: get_logger("follower"))
    topics: list[Any] | None = None

    def __post_init__(self) -> None:
        state = self.store.load()
        if state is None:
            state = NetworkState(self.net.caip2, self.net.contract, self.net.start_block - 1)
        elif state.caip2 != self.net.caip2 or state.contract.lower() != self.net.contract.lower():
            raise ValueError(f"state file {self.store.path} belongs to another network")
        if state.cursor < self.net.start_block - 1:
            state.cursor = self.net.start_block - 1
        self.state = state
        self.pipeline = self.pipeline_factory(state, self.save)
        self.range = self.net.max_block_range
        self.pending: dict[str, PendingLog] = {}
        self.progress = Progress(self.clock(), state.cursor)
        self._chain_checked = False

    @property
    def label(self) -> str:
        return self.net.label

    def save(self) -> None:
        self.state.updated = time.time()
        self.store.save(self.state)

    # -- one step ------------------------------------------------------------------------
    def step(self) -> bool:
        """Read and ingest one range; True when more confirmed blocks are waiting."""
        if not self._chain_checked:
            self._check_chain()
        head = self.rpc.block_number()
        self.state.head = head
        safe = head - self.net.confirmations
        self._check_cursor()
        self.pipeline.retry_deferred()
        if self.net.watch_pending and safe - self.state.cursor <= self.net.max_block_range:
            self._watch_pending(max(safe + 1, self.state.cursor + 1), head)
        if safe <= self.state.cursor:
            self._caught_up(safe)
            return False
        first = self.state.cursor + 1
        last = min(safe, first + self.range - 1)
        logs = self._get_logs(first, last)
        if logs is None:
            return True  # range shrunk; try again at once
        headers = self._headers(first, last, logs)
        self.pipeline.handle_range(logs, headers)
        for number, header in headers.items():
            if header is not None:
                self.state.remember_hash(number, header.hash)
        self.state.cursor = last
        self.state.range_done = []
        self.save()
        self.progress.logs += len(logs)
        self.progress.blocks += last - first + 1
        if self.range < self.net.max_block_range:
            self.range = min(self.net.max_block_range, self.range * 2)
        if last >= safe:
            self._caught_up(safe)
            return False
        if safe - self.state.cursor > self.net.max_block_range:
            self.progress.caught_up = False
        if not self.progress.caught_up:
            self._report(safe)
        return True

    def _caught_up(self, safe: int) -> None:
        if not self.progress.caught_up:
            self._report(safe, force=True)
            self.progress.caught_up = True

    def _check_chain(self) -> None:
        expected = self.net.evm_chain_id
        if expected is not None:
            got = self.rpc.chain_id()
            if got != expected:
                raise RuntimeError(
                    f"{self.net.rpc_url} serves chain {got}, but the config says {self.net.caip2}"
                )
        self._chain_checked = True

    def _get_logs(self, first: int, last: int) -> list[dict[str, Any]] | None:
        try:
            logs = self.rpc.get_logs(self.net.contract, first, last, self.topics)
        except RpcResponseError as exc:
            if exc.too_many_results and self.range > 1:
                self.range = max(1, self.range // 2)
                emit(
                    self.logger,
                    logging.INFO,
                    "range_shrunk",
                    f"eth_getLogs refused the range; now {self.range} blocks",
                    network=self.label,
                    error=exc.message,
                )
                return None
            raise
        return sorted(logs, key=_log_order)

    def _headers(
        self, first: int, last: int, logs: list[dict[str, Any]]
    ) -> dict[int, BlockHeader | None]:
        numbers = {first, last}
        for raw in logs:
            try:
                numbers.add(int(raw["blockNumber"], 16))
            except (KeyError, TypeError, ValueError):
                continue
        headers = self.rpc.headers(sorted(numbers))
        if headers.get(last) is None:
            raise RangeRetry(f"node has no block {last} yet")
        for raw in logs:
            try:
                number = int(raw["blockNumber"], 16)
                block_hash = str(raw["blockHash"]).lower()
            except (KeyError, TypeError, ValueError):
                continue
            header = headers.get(number)
            if header is None or header.hash != block_hash:
                self.state.stats.reorgs += 1
                raise RangeRetry(f"log of block {number} is not on the canonical chain; re-reading")
        parent = self.state.hashes.get(first - 1)
        head_first = headers.get(first)
        if parent is not None and head_first is not None and head_first.parent_hash != parent:
            self._rewind(f"block {first} no longer follows the stored block {first - 1}")
            raise RangeRetry("rewound after a deep reorg")
        return headers

    # -- reorgs --------------------------------------------------------------------------
    def _check_cursor(self) -> None:
        """A reorg deeper than the confirmation depth changes the cursor block's hash."""
        stored = self.state.hashes.get(self.state.cursor)
        if stored is None:
            return
        header = self.rpc.header(self.state.cursor)
        if header is None or header.hash != stored:
            self._rewind(f"block {self.state.cursor} changed hash")

    def _rewind(self, why: str) -> None:
        numbers = sorted((n for n in self.state.hashes if n <= self.state.cursor), reverse=True)
        ancestor = self.net.start_block - 1
        for start in range(0, len(numbers), 100):
            chunk = numbers[start : start + 100]
            current = self.rpc.headers(chunk)
            found = [
                n for n in chunk if (h := current[n]) is not None and h.hash == self.state.hashes[n]
            ]
            if found:
                ancestor = max(found)
                break
        old = self.state.cursor
        self.state.stats.deep_reorgs += 1
        dropped = self.pipeline.drop_after(ancestor)
        emit(
            self.logger,
            logging.ERROR,
            "deep_reorg",
            f"reorg deeper than {self.net.confirmations} confirmations: {why}; rewinding",
            network=self.label,
            cursor=old,
            ancestor=ancestor,
            blocks=old - ancestor,
            dropped=dropped,
            note="requests already forwarded from the removed blocks stay on zrChain; "
            "re-read logs are refused as duplicates",
        )
        self.state.cursor = ancestor
        self.state.forget_after(ancestor)
        self.state.range_done = []
        self.range = self.net.max_block_range
        self.save()

    # -- unconfirmed logs (reporting only) -------------------------------------------------
    def _watch_pending(self, first: int, head: int) -> None:
        if first > head:
            seen: list[dict[str, Any]] = []
        else:
            seen = self.rpc.get_logs(self.net.contract, first, head, self.topics)
        now: dict[str, PendingLog] = {}
        for raw in seen:
            lid = raw_log_id(raw)
            if lid is None:
                continue
            try:
                entry = PendingLog(
                    int(raw["blockNumber"], 16),
                    str(raw["blockHash"]).lower(),
                    str((raw.get("topics") or [""])[0]),
                )
            except (KeyError, TypeError, ValueError):
                continue
            now[lid] = entry
            if lid not in self.pending:
                emit(
                    self.logger,
                    logging.INFO,
                    "pending",
                    "log seen; waiting for confirmations",
                    network=self.label,
                    tx=lid.split(":")[0],
                    log_index=int(lid.split(":")[1]),
                    block=entry.block_number,
                    confirmations=head - entry.block_number,
                    needed=self.net.confirmations,
                )
        left = sorted({p.block_number for p in self.pending.values() if p.block_number < first})
        canonical = self.rpc.headers(left) if left else {}
        for lid, old in self.pending.items():
            if old.block_number < first:
                # confirmed now (the normal path reads it) unless its block was replaced
                header = canonical.get(old.block_number)
                moved = header is None or header.hash != old.block_hash
                new = None
            else:
                new = now.get(lid)
                moved = new is None or new.block_hash != old.block_hash
            if moved:
                self.state.stats.reorgs += 1
                emit(
                    self.logger,
                    logging.WARNING,
                    "reorg_dropped",
                    "a reorg replaced the block of an unconfirmed log; that log is not "
                    "ingested (a copy re-included elsewhere would be, once confirmed)",
                    network=self.label,
                    tx=lid.split(":")[0],
                    log_index=int(lid.split(":")[1]),
                    block=old.block_number,
                    block_hash=old.block_hash,
                )
        self.pending = now

    # -- progress ------------------------------------------------------------------------
    def _report(self, safe: int, force: bool = False) -> None:
        now = self.clock()
        p = self.progress
        if not force and now - p.last_report < self.progress_interval:
            return
        p.last_report = now
        elapsed = max(now - p.started, 1e-9)
        to_go = max(0, safe - self.state.cursor)
        done = self.state.cursor - (self.net.start_block - 1)
        block_rate = p.blocks / elapsed
        log_rate = p.logs / elapsed
        eta = to_go / block_rate if block_rate > 0 else None
        total = done + to_go
        pct = 100.0 * done / total if total else 100.0
        caught = to_go == 0
        emit(
            self.logger,
            logging.INFO,
            "backfill" if not caught else "caught_up",
            f"{self.label}: blocks {done}/{total} ({pct:.1f}%), {to_go} to go, "
            f"{p.logs} logs, {block_rate:.0f} blocks/s, {log_rate:.0f} logs/s"
            + (f", eta {eta:.0f}s" if eta is not None and not caught else ""),
            network=self.label,
            cursor=self.state.cursor,
            blocks_done=done,
            blocks_to_go=to_go,
            logs=p.logs,
            blocks_per_s=round(block_rate, 1),
            logs_per_s=round(log_rate, 1),
            eta_s=round(eta, 1) if eta is not None else None,
        )


def _log_order(raw: dict[str, Any]) -> tuple[int, int]:
    try:
        return int(raw["blockNumber"], 16), int(raw["logIndex"], 16)
    except (KeyError, TypeError, ValueError):
        return (1 << 62, 0)
