"""The execution context handed to module code: state, block info, gas and events."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from enum import IntEnum
from functools import cache
from typing import Any

from zrchain.gas import GasMeter, MeteredPrefixStore
from zrchain.store.kv import Branch, PrefixStore


class Mode(IntEnum):
    CHECK = 0
    RECHECK = 1
    SIMULATE = 2
    FINALIZE = 3
    GENESIS = 4
    QUERY = 5


@dataclass(slots=True)
class Event:
    type: str
    attributes: list[tuple[str, str]]

    def get(self, key: str) -> str | None:
        for k, v in self.attributes:
            if k == key:
                return v
        return None


_LOG = logging.getLogger("zrchain.app")

# CometBFT's BlockIDFlag of a vote in the last commit.
BLOCK_ID_FLAG_ABSENT = 1
BLOCK_ID_FLAG_COMMIT = 2
BLOCK_ID_FLAG_NIL = 3
# CometBFT's MisbehaviorType.
MISBEHAVIOR_DUPLICATE_VOTE = 1
MISBEHAVIOR_LIGHT_CLIENT_ATTACK = 2


@dataclass(frozen=True, slots=True)
class VoteInfo:
    """One validator of the previous block's commit (``decided_last_commit``)."""

    address: bytes  # consensus address: sha256(ed25519 key)[:20]
    power: int
    block_id_flag: int  # BLOCK_ID_FLAG_*: absent means it did not sign


@dataclass(frozen=True, slots=True)
class Misbehavior:
    """Evidence CometBFT committed in this block (duplicate votes, light-client attacks)."""

    type: int  # MISBEHAVIOR_*
    address: bytes
    power: int  # the validator's power at the infraction height
    height: int
    time_ns: int
    total_voting_power: int


@dataclass(frozen=True, slots=True)
class CometInfo:
    """What FinalizeBlock says about consensus (the SDK's ``ctx.CometInfo()``): who signed
    the previous block, the misbehaviour to punish and this block's proposer. Part of the
    block, so every node (and every replay) sees the same."""

    votes: tuple[VoteInfo, ...] = ()
    misbehavior: tuple[Misbehavior, ...] = ()
    proposer: bytes = b""
    # The rest of the block header the SDK v0.50 builds in FinalizeBlock (x/validation's
    # HistoricalInfo records it): the next set's hash and the last committed app hash.
    next_validators_hash: bytes = b""
    last_app_hash: bytes = b""


NO_COMET = CometInfo()  # immutable: shared by every context outside a block's hooks


def comet_info(req: Any, last_app_hash: bytes = b"") -> CometInfo:
    """From a RequestFinalizeBlock and the app hash committed before it."""
    votes = tuple(
        VoteInfo(bytes(v.validator.address), int(v.validator.power), int(v.block_id_flag))
        for v in req.decided_last_commit.votes
    )
    misbehavior = tuple(
        Misbehavior(
            int(m.type),
            bytes(m.validator.address),
            int(m.validator.power),
            int(m.height),
            int(m.time.seconds) * 10**9 + int(m.time.nanos),
            int(m.total_voting_power),
        )
        for m in req.misbehavior
    )
    return CometInfo(
        votes,
        misbehavior,
        bytes(req.proposer_address),
        bytes(req.next_validators_hash),
        last_app_hash,
    )


@cache
def store_prefix(store_key: str) -> bytes:
    return store_key.encode() + b"/"


@dataclass(slots=True)
class Context:
    """One execution: a tx, a block hook, genesis or a query.

    ``root`` is the KV store of this execution (a branch of the block state, or a committed
    version for queries); ``store(key)`` gives a module its own prefixed, gas-metered view.
    """

    root: Any
    mode: Mode
    height: int = 0
    time_ns: int = 0  # block time, from the header; never the wall clock
    chain_id: str = ""
    gas: GasMeter = field(default_factory=lambda: GasMeter(None))
    events: list[Event] = field(default_factory=list)
    proposer: bytes = b""
    params: dict[str, Any] = field(default_factory=dict)  # node-level settings (min gas price…)
    services: Any = None  # the app's module registry, for cross-module look-ups
    log: logging.Logger = _LOG
    metered: bool = True
    tx_bytes: bytes = b""  # the raw tx whose messages run (SDK ctx.TxBytes()); b"" elsewhere
    comet: CometInfo = NO_COMET  # set in FinalizeBlock's block hooks
    # False in CheckTx and recheck: their answers carry no events (the SDK's CheckTx returns
    # none), so none are built. Events never decide anything, so results are unchanged.
    records_events: bool = True
    _stores: dict[str, Any] = field(default_factory=dict)

    def store(self, store_key: str) -> Any:
        """The module's own view: prefixed, gas-metered (cached per context)."""
        s = self._stores.get(store_key)
        if s is None:
            if self.metered:
                s = MeteredPrefixStore(self.root, store_prefix(store_key), self.gas)
            else:
                s = PrefixStore(self.root, store_prefix(store_key))
            self._stores[store_key] = s
        return s

    def emit(self, type_: str, *attributes: tuple[str, str]) -> None:
        if self.records_events:
            self.events.append(Event(type_, list(attributes)))

    def emit_event(self, event: Event) -> None:
        if self.records_events:
            self.events.append(event)

    def branch(self) -> tuple[Context, Branch]:
        """A child context whose writes and events are kept only if the caller merges them."""
        br = Branch(self.root)
        child = Context(
            root=br,
            mode=self.mode,
            height=self.height,
            time_ns=self.time_ns,
            chain_id=self.chain_id,
            gas=self.gas,
            events=[],
            proposer=self.proposer,
            params=self.params,
            services=self.services,
            log=self.log,
            metered=self.metered,
            tx_bytes=self.tx_bytes,
            comet=self.comet,
            records_events=self.records_events,
        )
        return child, br

    @property
    def is_check(self) -> bool:
        return self.mode in (Mode.CHECK, Mode.RECHECK)

    @property
    def block_time_seconds(self) -> int:
        return self.time_ns // 1_000_000_000


def new_context(
    services: Any,
    chain_id: str,
    params: dict[str, Any],
    root: Any,
    mode: Mode,
    height: int = 0,
    time_ns: int = 0,
    gas: GasMeter | None = None,
    metered: bool = True,
) -> Context:
    """A context over ``root`` for an app (or a simulation worker) with these services."""
    return Context(
        root=root,
        mode=mode,
        height=height,
        time_ns=time_ns,
        chain_id=chain_id,
        gas=gas if gas is not None else GasMeter(None),
        services=services,
        params=params,
        metered=metered,
        records_events=mode not in (Mode.CHECK, Mode.RECHECK),
    )
