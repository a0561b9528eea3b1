"""The keeper engine: find open requests, answer them, send the answers exactly once.

One *round* runs whenever a new block is seen (or a tick passes without one), reading the
chain at one height ``H`` (the app's last committed height):

1. **scan** the keyring's PENDING and PARTIAL requests at ``H`` from a watermark (the lowest
   id that may still be open) -- from id 1 at start and every ``rescan_interval`` seconds,
   so nothing is missed after downtime; the open set is served by an index on-chain, so a
   scan costs what is open, not what ever existed;
2. **settle** in-flight txs (see :mod:`zrchain.mpc.state`): a tx whose sequence the account
   has used by ``H``, or whose ``timeout_height`` ``H`` has passed, is settled; the tx's
   result (one look-up per tx) and the scan tell which of its answers landed;
3. **rebroadcast** unsettled txs not included after a few blocks (a node restart empties
   its mempool; a crash may have come before the first broadcast) -- the same bytes, so
   the chain includes each at most once -- while the first half of the tx's life lasts;
   later it is left to expire (a copy reaching the node after its timeout height would
   land failing, a second answer in a block);
4. **answer** each open request this party has not answered, is not already sending, and is
   not backing off from (the backend may run many sessions concurrently); a request whose
   answer was recorded before (its tx expired or was refused) gets that answer again;
5. **send**: pack answers into txs (count and byte caps), give them consecutive sequences
   after the in-flight ones, record them (txs and answers) in the state file, then
   broadcast.

Failures: a tx refused by CheckTx is dropped (its requests stay open and come back); a tx
that fails in a block has its failing message (``message index: N``) blamed: that request
backs off and afterwards travels alone, the others are retried at once; a request closed
by other parties meanwhile is *superseded*. After ``max_attempts`` a request is given up
until the next full rescan. Node errors end the round; the next one starts afresh.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from zrchain.client.tx import build_tx, tx_hash
from zrchain.codec.coins import Coin, Coins, parse_coins, parse_dec_coins
from zrchain.crypto import keys
from zrchain.mpc import answers as answers_mod
from zrchain.mpc.answers import Answer, Request
from zrchain.mpc.backend import KeyRef, KeyringInfo, RequestKind, SignerBackend, TransientError
from zrchain.mpc.batching import make_batches
from zrchain.mpc.chainview import ChainView, TxOutcome
from zrchain.mpc.logs import EventLogger, get
from zrchain.mpc.metrics import Metrics
from zrchain.mpc.seed import Secret
from zrchain.mpc.state import InFlightTx, KeeperState, RecordedAnswer, StateStore

CODE_IN_MEMPOOL = 19
CODE_WRONG_SEQUENCE = 32
CODE_TX_TOO_LARGE = 21
CODE_OUT_OF_GAS = 11
MAX_BACKOFF_BLOCKS = 64
REFUSAL_PAUSE_BLOCKS = 5  # after CheckTx refuses a new tx (e.g. fees), before sending again


@dataclass(repr=False)
class PartyAccount:
    """The party's zrChain account: signs its txs and its party signatures."""

    secret: Secret

    @property
    def pubkey(self) -> bytes:
        return keys.public_key(self.secret.reveal())

    @property
    def address(self) -> str:
        return keys.account_address(self.pubkey)

    def sign(self, data: bytes) -> bytes:
        return keys.sign(self.secret.reveal(), data)

    def __repr__(self) -> str:
        return f"PartyAccount({self.address})"


@dataclass
class KeeperSettings:
    """Tunables (``[batch]``, ``[fees]``, ``[follow]`` of the config file)."""

    batch_size: int = 100
    max_tx_bytes: int = 256 * 1024
    max_in_flight_txs: int = 4
    tx_timeout_blocks: int = 10
    rebroadcast_after_blocks: int = 2
    gas_base: int = 100_000
    gas_per_answer: int = 60_000
    gas_prices: str = "0.0001urock"
    fees: str = ""
    rescan_interval: float = 60.0
    max_attempts: int = 5
    concurrency: int = 32
    # Test hooks: pause (seconds) right after recording txs / after broadcasting them.
    pause_after_persist: float = 0.0
    pause_after_broadcast: float = 0.0


@dataclass
class _Retry:
    attempts: int = 0
    not_before: int = 0
    isolate: bool = False  # its answer made a tx fail: send it alone from now on


@dataclass
class RoundReport:
    """What one round did (for tests, the bench and debug logs)."""

    height: int = 0
    open: int = 0
    answered: int = 0
    txs_sent: int = 0
    settled: int = 0
    skipped: str = ""
    idents: list[tuple[str, int]] = field(default_factory=list)


def _key(ident: tuple[str, int]) -> str:
    return f"{ident[0]}:{ident[1]}"


def _ident(key: str) -> tuple[str, int]:
    kind, rid = key.rsplit(":", 1)
    return kind, int(rid)


def _last_rebroadcast_height(rec: InFlightTx) -> int:
    """The last height at which ``rec`` is rebroadcast: half its life before its timeout, so
    a copy cannot reach CheckTx only after the chain committed the timeout height."""
    return rec.built_height + max(0, rec.timeout_height - rec.built_height) // 2


class Keeper:
    def __init__(
        self,
        settings: KeeperSettings,
        chain: ChainView,
        backend: SignerBackend,
        account: PartyAccount,
        store: StateStore,
        *,
        metrics: Metrics | None = None,
        log: EventLogger | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings
        self.chain = chain
        self.backend = backend
        self.account = account
        self.party = account.address
        self.keyring = backend.ctx.keyring.address
        self.chain_id = backend.ctx.chain_id
        self.store = store
        self.metrics = metrics or Metrics()
        self.log = log or get()
        self.clock = clock
        self.state = KeeperState(self.chain_id, self.keyring, self.party)
        self.open: dict[tuple[str, int], Request] = {}
        self.retry: dict[tuple[str, int], _Retry] = {}
        self.gave_up: set[tuple[str, int]] = set()
        self.max_seen: dict[str, int] = {}
        self.keyring_info: KeyringInfo | None = backend.ctx.keyring
        self.height = 0
        self.account_number: int | None = None
        self._keys: OrderedDict[int, KeyRef] = OrderedDict()
        self._last_full_scan = -math.inf
        self._btl: int | None = None
        self._pubkey = account.pubkey
        self._paused_until = 0

    # -- lifecycle -------------------------------------------------------------------------
    async def start(self) -> None:
        self.store.lock()
        self.state = self.store.load(self.chain_id, self.keyring, self.party)
        for rec in self.state.in_flight:
            rec.broadcast_height = 0  # unknown after a restart: rebroadcast at once
        await self.backend.start()
        self.log.info(
            "keeper_started",
            party=self.party,
            keyring=self.keyring,
            chain_id=self.chain_id,
            backend=self.backend.name,
            in_flight=len(self.state.in_flight),
        )

    async def stop(self) -> None:
        try:
            self.store.save(self.state)
            await self.backend.close()
        finally:
            self.store.unlock()
            self.log.info("keeper_stopped", in_flight=len(self.state.in_flight))

    async def _io(self, fn: Callable[..., Any], *args: Any) -> Any:
        return await asyncio.to_thread(fn, *args)

    # -- one round ------------------------------------------------------------------------
    async def round(self) -> RoundReport:
        report = RoundReport()
        height = int(await self._io(self.chain.latest_height))
        self.height = report.height = height
        self.metrics.height.set(height)
        # The account and the scan read one version of the state (``height``), so a tx that
        # used its sequence by then is reflected in the requests the scan returns.
        acct = await self._io(self.chain.account, self.party, height)
        if acct is None:
            report.skipped = "account not found"
            self.log.warning("party_account_missing", party=self.party, height=height)
            return report
        self.account_number = acct.number
        full = self.clock() - self._last_full_scan >= self.settings.rescan_interval
        if full:
            await self._refresh_keyring()
        closed = await self._scan(height, full)
        report.settled = await self._settle(height, acct.sequence)
        busy = self.state.in_flight_items()
        for ident in closed - busy:
            self._forget(ident)
        await self._rebroadcast(height)
        report.open = len(self.open)
        if self.keyring_info is not None and self.party not in self.keyring_info.parties:
            report.skipped = "not a party"
            return report
        if self.keyring_info is not None and not self.keyring_info.active:
            report.skipped = "keyring inactive"
            return report
        if height < self._paused_until:
            report.skipped = "paused after a refused tx"
            return report
        capacity = self._capacity(acct.sequence)
        if capacity <= 0:
            report.skipped = "in-flight window full"
            return report
        work = self._work(height)[: capacity * self.settings.batch_size]
        answered = await self._answer_all(work, height)
        report.answered = len(answered)
        report.idents = [a.ident for a in answered]
        report.txs_sent = await self._send(answered, height, acct.sequence)
        self.metrics.in_flight.set(len(self.state.in_flight))
        return report

    async def _refresh_keyring(self) -> None:
        info = await self._io(self.chain.keyring, self.keyring)
        if info is None:
            self.log.error("keyring_missing", keyring=self.keyring)
            return
        if self.party not in info.parties:
            self.log.error("not_a_party", keyring=self.keyring, party=self.party)
        if not info.active:
            self.log.warning("keyring_inactive", keyring=self.keyring)
        self.keyring_info = info
        self.backend.ctx.keyring = info  # a threshold keygen uses the current party list

    # -- settling ------------------------------------------------------------------------
    async def _settle(self, height: int, chain_seq: int) -> int:
        """Settle txs whose sequence was used or whose timeout height passed (see state.py);
        ``self.open`` holds the requests as of ``height``."""
        keep: list[InFlightTx] = []
        done: list[tuple[InFlightTx, bool]] = []
        for rec in sorted(self.state.in_flight, key=lambda r: r.sequence):
            if rec.sequence < chain_seq:
                done.append((rec, True))
            elif height > rec.timeout_height:
                done.append((rec, False))  # block T+1, the last that could hold it, is past
            else:
                keep.append(rec)
        if not done:
            return 0
        for rec, consumed in done:
            outcome = await self._io(self.chain.tx, rec.txhash) if consumed else None
            await self._settle_items(rec, outcome, consumed, height)
        self.state.in_flight = keep
        self.store.save(self.state)
        return len(done)

    async def _landed(self, ident: tuple[str, int], rejection: bool) -> tuple[bool, bool]:
        """(landed, still open) for an item of a used-up tx whose result is unknown (no tx
        index on the node): one look-up of the request."""
        req = await self._io(self.chain.request, RequestKind(ident[0]), ident[1])
        if req is None:
            return False, False
        ours = self.party in req.answered_by
        if not ours and rejection:
            ours = req.status == answers_mod.Status.REJECTED
        return ours, req.open

    async def _settle_items(
        self, rec: InFlightTx, outcome: TxOutcome | None, consumed: bool, height: int
    ) -> None:
        blamed: tuple[str, int] | None = None
        failed_tx = outcome is not None and outcome.code != 0
        if failed_tx:
            assert outcome is not None
            self.metrics.txs_failed.inc()
            index = outcome.failed_message_index()
            if index is not None and 0 <= index < len(rec.items):
                blamed = (rec.items[index][0], rec.items[index][1])
            if outcome.code == CODE_OUT_OF_GAS:
                self.settings.gas_per_answer = int(self.settings.gas_per_answer * 1.5)
            self.log.warning(
                "tx_failed",
                txhash=rec.txhash,
                height=outcome.height,
                code=outcome.code,
                log=outcome.log[:300],
                blamed=_key(blamed) if blamed else None,
            )
        elif not consumed:
            self.log.warning("tx_expired", txhash=rec.txhash, timeout_height=rec.timeout_height)
        answer_height = outcome.height if outcome is not None else height
        for kind, rid, rejection in rec.items:
            ident = (kind, rid)
            req = self.open.get(ident)
            still_open = req is not None
            if outcome is not None:
                landed = outcome.code == 0
            elif consumed and req is not None:
                landed = self.party in req.answered_by
            elif consumed:
                landed, still_open = await self._landed(ident, rejection)
            else:
                landed = False
            if landed:
                counter = self.metrics.rejected if rejection else self.metrics.answered
                counter.labels(kind).inc()
                created = self.state.first_seen.get(_key(ident))
                if created is not None:
                    self.metrics.latency.labels(kind).observe(max(0, answer_height - created))
                self.retry.pop(ident, None)
                self.state.answers.pop(_key(ident), None)
                self.log.info(
                    "answer_committed",
                    kind=kind,
                    request_id=rid,
                    rejection=rejection,
                    height=answer_height,
                    latency_blocks=None if created is None else answer_height - created,
                )
            elif not still_open:
                self.metrics.superseded.labels(kind).inc()
                self.log.info("answer_superseded", kind=kind, request_id=rid)
            elif blamed == ident or (failed_tx and blamed is None):
                self.metrics.failed.labels(kind).inc()
                self.state.answers.pop(_key(ident), None)  # it may be the fault: redo it
                self._penalise(ident, height, "answer failed on-chain")
            elif not consumed:
                self._penalise(ident, height, "tx expired", give_up=False)
            elif outcome is None:
                # Included (its sequence is used) yet the answer is not on the request, and
                # with no tx index the node cannot say which Msg failed: each is sent alone
                # from now on, and one that fails alone is its own fault (backed off, given
                # up), instead of being re-sent and paid for every round.
                self.retry.setdefault(ident, _Retry()).isolate = True
                alone = len(rec.items) == 1
                if alone:
                    self.metrics.failed.labels(kind).inc()
                    self.state.answers.pop(_key(ident), None)
                self._penalise(ident, height, "answer not on the request", give_up=alone)
            if not still_open:
                self._forget(ident)

    def _penalise(
        self, ident: tuple[str, int], height: int, why: str, give_up: bool = True
    ) -> None:
        r = self.retry.setdefault(ident, _Retry())
        r.attempts += 1
        r.not_before = height + min(2**r.attempts, MAX_BACKOFF_BLOCKS)
        if give_up and r.attempts >= self.settings.max_attempts:
            self.gave_up.add(ident)
            self.log.error("giving_up", kind=ident[0], request_id=ident[1], reason=why)
        else:
            self.log.warning(
                "retry_later",
                kind=ident[0],
                request_id=ident[1],
                reason=why,
                attempts=r.attempts,
                not_before=r.not_before,
            )

    def _forget(self, ident: tuple[str, int]) -> None:
        self.open.pop(ident, None)
        self.retry.pop(ident, None)
        self.gave_up.discard(ident)
        self.state.first_seen.pop(_key(ident), None)
        self.state.answers.pop(_key(ident), None)

    # -- broadcasting ----------------------------------------------------------------------
    async def _rebroadcast(self, height: int) -> None:
        due = [
            r
            for r in sorted(self.state.in_flight, key=lambda r: r.sequence)
            if r.broadcast_height == 0
            or height - r.broadcast_height >= self.settings.rebroadcast_after_blocks
        ]
        if not due:
            return
        # The round's height may be blocks old by now (a slow round, a restart): judge each
        # tx's remaining life at the height the node has now.
        now = max(height, int(await self._io(self.chain.latest_height)))
        late = [r for r in due if now > _last_rebroadcast_height(r)]
        for r in late:
            self.log.debug(
                "tx_left_to_expire",
                txhash=r.txhash,
                height=now,
                timeout_height=r.timeout_height,
            )
        due = [r for r in due if now <= _last_rebroadcast_height(r)]
        if due:
            await self._broadcast(due, now, new=False)
            self.store.save(self.state)

    async def _broadcast(self, records: list[InFlightTx], height: int, new: bool) -> int:
        sent = 0
        for i, rec in enumerate(records):
            try:
                res = await self._io(self.chain.broadcast, rec.raw)
            except Exception as exc:  # the node may or may not have it: keep the record
                self.log.warning("broadcast_error", txhash=rec.txhash, error=str(exc)[:300])
                return sent
            if res.code in (0, CODE_IN_MEMPOOL):
                rec.broadcast_height = height
                sent += 1
                if new:
                    self.metrics.txs_sent.inc()
                    self.log.info(
                        "tx_broadcast",
                        txhash=rec.txhash,
                        sequence=rec.sequence,
                        answers=len(rec.items),
                        height=height,
                    )
                continue
            self.metrics.txs_failed.inc()
            self.log.warning(
                "tx_refused",
                txhash=rec.txhash,
                sequence=rec.sequence,
                code=res.code,
                codespace=res.codespace,
                log=res.log[:300],
                rebroadcast=not new,
            )
            if new:
                # Not in the mempool and never broadcast elsewhere: drop it and the ones
                # after it (their sequences now have a gap); their requests come back.
                if res.code == CODE_TX_TOO_LARGE:
                    self.settings.max_tx_bytes = max(4096, self.settings.max_tx_bytes // 2)
                elif res.code != CODE_WRONG_SEQUENCE:
                    # e.g. fees the account cannot pay: do not re-sign every block
                    self._paused_until = height + REFUSAL_PAUSE_BLOCKS
                dropped = {id(r) for r in records[i:]}
                self.state.in_flight = [r for r in self.state.in_flight if id(r) not in dropped]
            return sent
        return sent

    # -- scanning ----------------------------------------------------------------------------
    async def _scan(self, height: int, full: bool) -> set[tuple[str, int]]:
        """Refresh ``self.open`` from the chain at ``height``; the idents that closed."""
        if self._btl is None:
            self._btl = int(await self._io(self.chain.default_btl))
        closed: set[tuple[str, int]] = set()
        for kind in (RequestKind.KEY, RequestKind.SIGNATURE):
            k = str(kind)
            start = 1 if full else self.state.watermark.get(k, 1)
            reqs: list[Request] = await self._io(
                self.chain.open_requests, kind, self.keyring, start, height
            )
            fresh = set()
            for r in reqs:
                ident = r.ident
                fresh.add(ident)
                if _key(ident) not in self.state.first_seen:
                    created = r.mpc_btl - self._btl if r.mpc_btl > self._btl else height
                    self.state.first_seen[_key(ident)] = min(created, height)
                    self.metrics.seen.labels(k).inc()
                    self.log.debug("request_seen", kind=k, request_id=r.id, height=height)
                self.open[ident] = r
            known = (
                set(self.open)
                | self.state.in_flight_items()
                | {_ident(a) for a in self.state.answers}
            )
            for ident in known:
                if ident[0] == k and ident[1] >= start and ident not in fresh:
                    self.open.pop(ident, None)
                    closed.add(ident)
            if reqs:
                self.max_seen[k] = max(self.max_seen.get(k, 0), reqs[-1].id)
                self.state.watermark[k] = reqs[0].id
            else:
                self.state.watermark[k] = max(start, self.max_seen.get(k, 0) + 1)
        if full:
            self._last_full_scan = self.clock()
            self.gave_up.clear()
            self.log.info("full_scan", height=height, open=len(self.open))
        return closed

    # -- answering -----------------------------------------------------------------------
    def _capacity(self, chain_seq: int) -> int:
        """How many new txs may be sent now (0 while in-flight sequences have a gap)."""
        expected = chain_seq
        for rec in sorted(self.state.in_flight, key=lambda r: r.sequence):
            if rec.sequence != expected:
                return 0
            expected += 1
        return self.settings.max_in_flight_txs - len(self.state.in_flight)

    def _work(self, height: int) -> list[Request]:
        busy = self.state.in_flight_items()
        out = []
        for ident, req in self.open.items():
            if not req.needs_answer_from(self.party) or ident in busy or ident in self.gave_up:
                continue
            retry = self.retry.get(ident)
            if retry is not None and retry.not_before > height:
                continue
            out.append(req)
        out.sort(key=lambda r: (self.state.first_seen.get(_key(r.ident), 0), r.kind, r.id))
        return out

    async def _lookup_key(self, key_id: int) -> KeyRef | None:
        found = self._keys.get(key_id)
        if found is not None:
            return found
        key = await self._io(self.chain.key, key_id)
        if key is not None:
            self._keys[key_id] = key
            if len(self._keys) > 100_000:
                self._keys.popitem(last=False)
        return key

    async def _answer_all(self, work: list[Request], height: int) -> list[Answer]:
        sem = asyncio.Semaphore(max(1, self.settings.concurrency))
        again: set[tuple[str, int]] = set()

        async def one(req: Request) -> Answer | None:
            recorded = self.state.answers.get(_key(req.ident))
            if recorded is not None:  # answered before: that answer, never a fresh one
                again.add(req.ident)
                return Answer(req.kind, req.id, recorded.result, recorded.reject_reason)
            async with sem:
                try:
                    return await answers_mod.answer(req, self.backend, self._lookup_key)
                except TransientError as exc:
                    self._penalise(req.ident, height, f"backend: {exc}", give_up=False)
                except Exception as exc:
                    self.metrics.failed.labels(str(req.kind)).inc()
                    self.log.error(
                        "answer_error",
                        kind=str(req.kind),
                        request_id=req.id,
                        error_type=type(exc).__name__,
                        error=str(exc)[:300],
                    )
                    self._penalise(req.ident, height, "answer error")
                return None

        results = await asyncio.gather(*(one(r) for r in work))
        out = [a for a in results if a is not None]
        for a in out:
            if a.rejected and a.ident not in again:  # logged when it was decided
                self.log.warning(
                    "request_refused",
                    kind=str(a.kind),
                    request_id=a.request_id,
                    reason=a.reject_reason,
                )
        return out

    # -- sending -----------------------------------------------------------------------------
    def _fee(self, gas: int) -> Coins:
        if self.settings.fees:
            return parse_coins(self.settings.fees)
        if self.settings.gas_prices:
            return Coins.of(
                Coin(p.denom, math.ceil(p.amount * gas))
                for p in parse_dec_coins(self.settings.gas_prices)
            )
        return Coins()

    async def _send(self, answered: list[Answer], height: int, chain_seq: int) -> int:
        capacity = self._capacity(chain_seq)
        if not answered or capacity <= 0:
            return 0
        assert self.account_number is not None
        msgs = {
            a.ident: answers_mod.fulfil_msg(
                a, self.party, self.account.secret.reveal(), self.chain_id
            )
            for a in answered
        }
        batches = make_batches(
            answered,
            size=lambda a: msgs[a.ident].ByteSize() + 64,
            max_count=self.settings.batch_size,
            max_bytes=self.settings.max_tx_bytes,
            isolate=lambda a: a.ident in self.retry and self.retry[a.ident].isolate,
        )[:capacity]
        sequence = chain_seq + len(self.state.in_flight)
        # A long round (a big backlog) may have seen blocks pass: time out from now.
        now = max(height, int(await self._io(self.chain.latest_height)))
        timeout_height = now + self.settings.tx_timeout_blocks
        records = []
        for batch in batches:
            gas = self.settings.gas_base + self.settings.gas_per_answer * len(batch)
            raw = build_tx(
                [msgs[a.ident] for a in batch],
                pubkey=self._pubkey,
                sequence=sequence,
                account_number=self.account_number,
                chain_id=self.chain_id,
                sign=self.account.sign,
                fee=self._fee(gas),
                gas_limit=gas,
                timeout_height=timeout_height,
            )
            records.append(
                InFlightTx(
                    txhash=tx_hash(raw),
                    sequence=sequence,
                    timeout_height=timeout_height,
                    built_height=now,
                    items=[(str(a.kind), a.request_id, a.rejected) for a in batch],
                    raw=raw,
                )
            )
            sequence += 1
        self.state.in_flight.extend(records)
        for batch in batches:
            for a in batch:
                if not a.rejected:  # a rejection is decided afresh: its cause may pass
                    self.state.answers[_key(a.ident)] = RecordedAnswer(a.result, a.reject_reason)
        self.store.save(self.state)  # recorded before any byte leaves: see state.py
        self.log.info(
            "txs_recorded",
            txs=len(records),
            answers=sum(len(r.items) for r in records),
            txhashes=[r.txhash for r in records],
            requests=[f"{k}:{i}" for r in records for k, i, _ in r.items],
            height=height,
        )
        if self.settings.pause_after_persist:
            await asyncio.sleep(self.settings.pause_after_persist)
        sent = await self._broadcast(records, height, new=True)
        self.store.save(self.state)
        if self.settings.pause_after_broadcast and sent:
            self.log.info("paused_after_broadcast", seconds=self.settings.pause_after_broadcast)
            await asyncio.sleep(self.settings.pause_after_broadcast)
        return sent

    # -- the loop ------------------------------------------------------------------------------
    async def run(
        self,
        wait_block: Callable[[int, float], Any],
        stop: asyncio.Event,
        tick: float = 2.0,
    ) -> None:
        """Rounds until ``stop``; ``wait_block(height, timeout)`` returns on a newer block."""
        await self.start()
        failures = 0
        try:
            while not stop.is_set():
                try:
                    await self.round()
                    failures = 0
                except Exception as exc:
                    failures += 1
                    self.log.error(
                        "round_failed",
                        exc=failures == 1,
                        error_type=type(exc).__name__,
                        error=str(exc)[:300],
                        failures=failures,
                    )
                    await _sleep_or_stop(stop, min(10.0, 0.5 * 2 ** min(failures, 5)))
                    continue
                waiter = asyncio.ensure_future(wait_block(self.height, tick))
                stopper = asyncio.ensure_future(stop.wait())
                await asyncio.wait({waiter, stopper}, return_when=asyncio.FIRST_COMPLETED)
                for t in (waiter, stopper):
                    t.cancel()
        finally:
            await self.stop()


async def _sleep_or_stop(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)
