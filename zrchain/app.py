"""ZrChainApp: ABCI 2.0 methods on top of the store, the module registry and the tx pipeline.

State flow per height H::

    FinalizeBlock(H): block branch over the staged state -> begin-block hooks -> txs ->
                      end-block hooks -> stage writes, update the trie -> app hash
    Commit:           one WriteBatch (state, trie, H, app hash) -> new committed version ->
                      fresh check state

InitChain stages the genesis state the same way; it is committed together with the first
block, so Info reports height 0 until then and a crash simply means InitChain again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from cosmpy.protos.tendermint.crypto import keys_pb2
from cosmpy.protos.tendermint.types import params_pb2

from zrchain import __version__, baseapp
from zrchain.abci import types as abci
from zrchain.abci.encode import encode_events, encode_finalize_block
from zrchain.codec.address import canonicalize_json
from zrchain.context import Context, Mode, comet_info, new_context
from zrchain.errors import NodeFault
from zrchain.gas import GasMeter
from zrchain.module import Module, Registry
from zrchain.store.app_store import STORAGE_ERRORS, AppStore, VersionUnavailable, describe
from zrchain.store.kv import Branch, CachedReads
from zrchain.store.pruning import PruningOptions
from zrchain.store.snapshots import FORMAT as SNAPSHOT_FORMAT
from zrchain.store.snapshots import Restore, SnapshotStore, decode_pairs, snapshot_from_abci
from zrchain.tx.simulation import InlineSimulator, SimulationLimits
from zrchain.valset import merge_updates
from zrchain.x.attest.abci import VoteExtensions, attestation_for
from zrchain.x.attest.codec import is_injection

log = logging.getLogger("zrchain.app")

APP_NAME = "ZenrockApp"


@dataclass
class AppSettings:
    """Node-level settings that shape execution (from the home's app.toml)."""

    min_gas_prices: str = ""  # validator-local floor; the on-chain treasury param also applies
    pruning: PruningOptions = field(default_factory=PruningOptions)  # history kept on disk
    sync_writes: bool = False
    min_retain_blocks: int = 0
    simulation: SimulationLimits = field(default_factory=SimulationLimits)
    # app.toml index-events: the "{event type}.{attribute key}" CometBFT is told to index;
    # empty: every attribute (the SDK's default and ours)
    index_events: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)


class ZrChainApp:
    def __init__(
        self,
        data_dir: str,
        modules: Sequence[Module] | None = None,
        settings: AppSettings | None = None,
    ) -> None:
        from zrchain.modules import default_modules
        from zrchain.tx.pipeline import TxPipeline

        self.settings = settings or AppSettings()
        self.store = AppStore(
            data_dir, pruning=self.settings.pruning, sync=self.settings.sync_writes
        )
        self.registry = Registry(modules if modules is not None else default_modules())
        from zrchain.server.services import service_routes

        self.registry.add_queries(service_routes(self))
        self.pipeline = TxPipeline(self)
        for module in self.registry.modules:
            module.bind_tx_runner(self.pipeline.run_genesis_tx)
        self._ctx_params = {"min_gas_prices": self.settings.min_gas_prices}
        self.indexed_events = frozenset(self.settings.index_events) or None
        self._lock = threading.RLock()  # serialises check-state use (CheckTx vs Simulate)
        self.chain_id = ""
        self.initial_height = 1
        self.consensus_params = params_pb2.ConsensusParams()
        self._load_base()
        self._block: Branch | None = None
        self._block_height = 0
        self._pending_app_hash: bytes | None = None
        self._restore: Restore | None = None
        self.snapshots = SnapshotStore(
            self.settings.extra.get("snapshot_dir") or os.path.join(data_dir, "..", "snapshots"),
            keep_recent=int(self.settings.extra.get("snapshot_keep_recent", 2) or 2),
        )
        self._genesis_writes: dict[bytes, bytes | None] = {}
        self._check = self._fresh_check_state()
        self._last_header = self._read_last_header()
        # off the consensus path; the node replaces it with worker processes
        self.simulator: Any = InlineSimulator(self, self.settings.simulation)
        self.attestation: VoteExtensions | None = attestation_for(self)

    # -- base state --------------------------------------------------------------------
    def _load_base(self) -> None:
        view = self.store.pending
        raw = view.get(baseapp.CHAIN_ID_KEY)
        self.chain_id = raw.decode() if raw else ""
        raw = view.get(baseapp.INITIAL_HEIGHT_KEY)
        self.initial_height = int(raw) if raw else 1
        self.consensus_params = baseapp.consensus_params(view) or params_pb2.ConsensusParams()

    def _read_last_header(self) -> tuple[int, int]:
        return baseapp.decode_last_block(self.store.pending.get(baseapp.LAST_BLOCK_KEY))

    def last_block_header(self) -> tuple[int, int]:
        """(height, block time ns) of the last committed block: the check state's context."""
        return self._last_header

    def _fresh_check_state(self) -> Branch:
        try:
            return Branch(CachedReads(self.store.check_view()))
        except VersionUnavailable:
            return Branch(self.store.pending)

    @property
    def last_height(self) -> int:
        return self.store.height

    @property
    def block_max_gas(self) -> int:
        return (
            int(self.consensus_params.block.max_gas)
            if self.consensus_params.HasField("block")
            else -1
        )

    def context(
        self,
        root: Any,
        mode: Mode,
        height: int = 0,
        time_ns: int = 0,
        gas: GasMeter | None = None,
        metered: bool = True,
    ) -> Context:
        return new_context(self.registry, self.chain_id, self._ctx_params, root, mode,
                           height, time_ns, gas, metered)  # fmt: skip

    # -- handshake ---------------------------------------------------------------------
    def info(self, req: abci.RequestInfo) -> abci.ResponseInfo:
        app_version = (
            int(self.consensus_params.version.app)
            if self.consensus_params.HasField("version")
            else 0
        )
        return abci.ResponseInfo(
            data=APP_NAME,
            version=__version__,
            app_version=app_version,
            last_block_height=self.store.height,
            last_block_app_hash=self.store.app_hash,
        )

    def init_chain(self, req: abci.RequestInitChain) -> abci.ResponseInitChain:
        if self.store.height != 0:
            raise RuntimeError("InitChain on a chain that already has committed blocks")
        self.store.discard_pending()
        self.chain_id = req.chain_id
        self.initial_height = req.initial_height or 1
        self.consensus_params = params_pb2.ConsensusParams()
        self.consensus_params.CopyFrom(req.consensus_params)
        genesis = Branch(self.store.pending)
        genesis.set(baseapp.CHAIN_ID_KEY, self.chain_id.encode())
        genesis.set(baseapp.INITIAL_HEIGHT_KEY, str(self.initial_height).encode())
        genesis.set(baseapp.CONSENSUS_PARAMS_KEY, self.consensus_params.SerializeToString())
        app_state = json.loads(req.app_state_bytes or b"{}")
        ctx = self.context(
            genesis,
            Mode.GENESIS,
            height=self.initial_height,
            time_ns=req.time.seconds * 10**9 + req.time.nanos,
            metered=False,
        )
        genesis_validators = [
            (bytes(v.pub_key.ed25519), int(v.power))
            for v in req.validators
            if v.pub_key.WhichOneof("sum") == "ed25519"
        ]
        for module in self.registry.modules:  # the set CometBFT has, before any module's
            module.init_chain_validators(ctx, genesis_validators)
        self.init_genesis(ctx, app_state)
        updates = merge_updates(u for m in self.registry.modules for u in m.validator_updates(ctx))
        if genesis_validators and updates:
            raise ValueError(
                "genesis.json lists validators that differ from the set its app_state bonds "
                f"({len(genesis_validators)} listed, {len(updates)} changed): leave "
                "genesis.json's validators empty and let the gentxs build the set"
            )
        self._genesis_writes = dict(genesis.writes)
        app_hash = self.store.apply(genesis.writes)
        self._pending_app_hash = None
        self._check = Branch(self.store.pending)
        log.info(
            "InitChain chain_id=%s initial_height=%d app_hash=%s",
            self.chain_id,
            self.initial_height,
            app_hash.hex(),
        )
        return abci.ResponseInitChain(
            app_hash=app_hash,
            validators=[
                abci.ValidatorUpdate(pub_key=keys_pb2.PublicKey(ed25519=pk), power=power)
                for pk, power in updates
            ],
        )

    def init_genesis(self, ctx: Context, app_state: dict[str, Any]) -> None:
        app_state = canonicalize_json(app_state)  # upper-case addresses in lower case
        for module in self.registry.modules:
            default = module.default_genesis()
            if default is None:
                continue
            data = app_state.get(module.name, default)
            module.validate_genesis(data)
            module.init_genesis(ctx, data)

    def export_genesis(self, height: int = 0) -> dict[str, Any]:
        version = self.store.version(height)
        ctx = self.context(version.kv, Mode.QUERY, height=version.height, metered=False)
        out: dict[str, Any] = {}
        for module in self.registry.modules:
            exported = module.export_genesis(ctx)
            if exported is not None:
                out[module.name] = exported
        return out

    # -- mempool -----------------------------------------------------------------------
    def check_tx(self, req: abci.RequestCheckTx) -> abci.ResponseCheckTx:
        return abci.ResponseCheckTx.FromString(self.check_tx_encoded(req))

    def check_tx_encoded(self, req: abci.RequestCheckTx) -> bytes:
        """ResponseCheckTx wire bytes (the ABCI server sends them as they are)."""
        recheck = req.type == abci.RECHECK
        with self._lock:
            try:
                return self.pipeline.check(req.tx, self._check, recheck=recheck)
            except STORAGE_ERRORS as exc:  # the next block would hit it too: stop now
                raise NodeFault(f"CheckTx could not read the state: {describe(exc)}") from exc

    # -- consensus ---------------------------------------------------------------------
    def committed_context(self) -> Context:
        """A read-only context over the last committed state (proposals and votes)."""
        return self.context(self._fresh_check_state(), Mode.QUERY, metered=False)

    @property
    def vote_extensions_enable_height(self) -> int:
        cp = self.consensus_params
        return int(cp.abci.vote_extensions_enable_height) if cp.HasField("abci") else 0

    def prepare_proposal(self, req: abci.RequestPrepareProposal) -> abci.ResponsePrepareProposal:
        injection = self.attestation.prepare(req) if self.attestation else None
        if injection is None:
            txs = self.pipeline.select_for_proposal(req.txs, req.max_tx_bytes, self.block_max_gas)
            return abci.ResponsePrepareProposal(txs=txs)
        rest = [tx for tx in req.txs if not is_injection(tx)]
        room = req.max_tx_bytes - len(injection)
        txs = self.pipeline.select_for_proposal(rest, room, self.block_max_gas)
        return abci.ResponsePrepareProposal(txs=[injection, *txs])

    def process_proposal(self, req: abci.RequestProcessProposal) -> abci.ResponseProcessProposal:
        why = self.attestation.process(req) if self.attestation else ""
        if why:
            log.warning("rejecting the proposal for height %d: %s", req.height, why)
            return abci.ResponseProcessProposal(status=abci.ResponseProcessProposal.REJECT)
        return abci.ResponseProcessProposal(status=abci.ResponseProcessProposal.ACCEPT)

    def extend_vote(self, req: abci.RequestExtendVote) -> abci.ResponseExtendVote:
        ext = self.attestation.extend_vote(req) if self.attestation else b""
        return abci.ResponseExtendVote(vote_extension=ext)

    def verify_vote_extension(
        self, req: abci.RequestVerifyVoteExtension
    ) -> abci.ResponseVerifyVoteExtension:
        R = abci.ResponseVerifyVoteExtension
        ok = self.attestation.verify_vote_extension(req) if self.attestation else True
        return R(status=R.ACCEPT if ok else R.REJECT)

    def finalize_block(self, req: abci.RequestFinalizeBlock) -> abci.ResponseFinalizeBlock:
        return abci.ResponseFinalizeBlock.FromString(self.finalize_block_encoded(req))

    def finalize_block_encoded(self, req: abci.RequestFinalizeBlock) -> bytes:
        """ResponseFinalizeBlock wire bytes (the ABCI server sends them as they are)."""
        try:
            return self._finalize_block(req)
        except STORAGE_ERRORS as exc:
            fault = f"FinalizeBlock {req.height}: storage failure: {describe(exc)}"
            raise NodeFault(fault) from exc

    def _finalize_block(self, req: abci.RequestFinalizeBlock) -> bytes:
        expected = self.store.height + 1 if self.store.height else self.initial_height
        if req.height != expected:
            raise RuntimeError(f"FinalizeBlock height {req.height}, expected {expected}")
        if self._pending_app_hash is not None:
            # CometBFT restarted after our FinalizeBlock but before Commit and is replaying
            # this height: drop the uncommitted block (keep genesis, committed with it).
            self.store.discard_pending()
            if self._genesis_writes:
                self.store.apply(self._genesis_writes)
            self._pending_app_hash = None
        self.store.pause_background()  # resumed by the commit: the block has the interpreter
        block = Branch(self.store.pending)
        time_ns = req.time.seconds * 10**9 + req.time.nanos
        block.set(baseapp.LAST_BLOCK_KEY, baseapp.encode_last_block(req.height, time_ns))
        ctx = self.context(block, Mode.FINALIZE, height=req.height, time_ns=time_ns, metered=False)
        ctx.proposer = req.proposer_address
        ctx.comet = comet_info(req, self.store.app_hash)
        for module in self.registry.modules:
            module.begin_block(ctx)
        begin_events = ctx.events
        txs = list(req.txs)
        results = []
        if self.attestation and txs and is_injection(txs[0]):
            injection = txs.pop(0)
            last_commit = req.decided_last_commit
            results.append(
                self.attestation.finalize(ctx, injection, last_commit, self.indexed_events)
            )
        results += self.pipeline.deliver_block(ctx, txs)
        ctx.events = []
        for module in self.registry.modules:
            module.end_block(ctx)
        end_events = ctx.events
        updates = merge_updates(u for m in self.registry.modules for u in m.validator_updates(ctx))
        params = [p for m in self.registry.modules if (p := m.consensus_param_updates(ctx))]
        app_hash = self.store.apply(block.writes)
        self._block_height = req.height
        self._pending_app_hash = app_hash
        rest = abci.ResponseFinalizeBlock(
            app_hash=app_hash,
            validator_updates=[
                abci.ValidatorUpdate(pub_key=keys_pb2.PublicKey(ed25519=pk), power=power)
                for pk, power in updates
            ],
            consensus_param_updates=params[-1] if params else None,
        ).SerializeToString()
        return encode_finalize_block(
            encode_events(begin_events + end_events, b"\x0a", self.indexed_events), results, rest
        )

    def commit(self, req: abci.RequestCommit) -> abci.ResponseCommit:
        if self._pending_app_hash is None:
            raise RuntimeError("Commit without FinalizeBlock")
        try:
            self.store.commit(self._block_height, self._pending_app_hash)
        except STORAGE_ERRORS as exc:
            raise NodeFault(
                f"Commit {self._block_height}: the block could not be written: {describe(exc)}"
            ) from exc
        self._pending_app_hash = None
        self._genesis_writes = {}
        self._last_header = self._read_last_header()
        self._load_base()  # a consensus-params change applies from the next height
        self._maybe_snapshot()
        with self._lock:
            self._check = self._fresh_check_state()
            self.pipeline.on_commit()
        retain = 0
        if self.settings.min_retain_blocks > 0:
            retain = max(0, self.store.height - self.settings.min_retain_blocks)
        return abci.ResponseCommit(retain_height=retain)

    # -- queries -----------------------------------------------------------------------
    def simulate(self, tx_bytes: bytes) -> tuple[Any, Any]:
        """(GasInfo, Result) of ``tx_bytes`` over the check state, within the node's limits
        (``zrchain.tx.simulation``); raises SimulationFailed or QueryError."""
        result: tuple[Any, Any] = self.simulator.simulate(tx_bytes)
        return result

    def query(self, req: abci.RequestQuery) -> abci.ResponseQuery:
        from zrchain.server.abci_query import answer_query

        return answer_query(self, req)

    # -- state sync ------------------------------------------------------------------------
    def _maybe_snapshot(self) -> None:
        interval = int(self.settings.extra.get("snapshot_interval", 0) or 0)
        if interval <= 0 or self.store.height % interval:
            return
        version = self.store.version(self.store.height)
        self.snapshots.create_async(version.height, version.kv.iterate())

    def list_snapshots(self, req: abci.RequestListSnapshots) -> abci.ResponseListSnapshots:
        return abci.ResponseListSnapshots(
            snapshots=[
                abci.Snapshot(
                    height=s.height,
                    format=s.format,
                    chunks=s.chunks,
                    hash=s.hash,
                    metadata=s.metadata,
                )
                for s in self.snapshots.list()
            ]
        )

    def load_snapshot_chunk(
        self, req: abci.RequestLoadSnapshotChunk
    ) -> abci.ResponseLoadSnapshotChunk:
        return abci.ResponseLoadSnapshotChunk(
            chunk=self.snapshots.load_chunk(int(req.height), int(req.format), int(req.chunk))
        )

    def offer_snapshot(self, req: abci.RequestOfferSnapshot) -> abci.ResponseOfferSnapshot:
        R = abci.ResponseOfferSnapshot
        info = snapshot_from_abci(req.snapshot)
        if info.format != SNAPSHOT_FORMAT:
            return abci.ResponseOfferSnapshot(result=R.REJECT_FORMAT)
        if (
            info.chunks <= 0
            or len(info.metadata) != 32 * info.chunks
            or hashlib.sha256(info.metadata).digest() != info.hash
        ):
            return abci.ResponseOfferSnapshot(result=R.REJECT)
        if self.store.height != 0:
            log.warning("snapshot offered to a node that already has state; aborting state sync")
            return abci.ResponseOfferSnapshot(result=R.ABORT)
        self.store.wipe()
        self._restore = Restore(info, bytes(req.app_hash))
        log.info("restoring snapshot at height %d (%d chunks)", info.height, info.chunks)
        return abci.ResponseOfferSnapshot(result=R.ACCEPT)

    def apply_snapshot_chunk(
        self, req: abci.RequestApplySnapshotChunk
    ) -> abci.ResponseApplySnapshotChunk:
        R = abci.ResponseApplySnapshotChunk
        rs = self._restore
        if rs is None:
            return abci.ResponseApplySnapshotChunk(result=R.ABORT)
        index = int(req.index)
        if index != rs.next_index:
            return abci.ResponseApplySnapshotChunk(result=R.RETRY_SNAPSHOT)
        bad = abci.ResponseApplySnapshotChunk(
            result=R.RETRY,
            refetch_chunks=[index],
            reject_senders=[req.sender] if req.sender else [],
        )
        if hashlib.sha256(req.chunk).digest() != rs.info.chunk_hashes()[index]:
            log.warning("snapshot chunk %d from %s has the wrong hash", index, req.sender)
            return bad
        try:
            pairs = list(decode_pairs(req.chunk))
        except ValueError:
            return bad
        self.store.write_state_pairs(pairs)
        rs.next_index += 1
        if rs.next_index < rs.info.chunks:
            return abci.ResponseApplySnapshotChunk(result=R.ACCEPT)
        root = self.store.rebuild_trie()
        self._restore = None
        if root != rs.app_hash:
            log.error(
                "restored state hashes to %s, not the trusted app hash %s; rejecting",
                root.hex(),
                rs.app_hash.hex(),
            )
            self.store.wipe()
            return abci.ResponseApplySnapshotChunk(result=R.REJECT_SNAPSHOT)
        self.store.mark_committed(rs.info.height, root)
        self._load_base()
        self._last_header = self._read_last_header()
        with self._lock:
            self._check = self._fresh_check_state()
        log.info("state sync restored height %d", rs.info.height)
        return abci.ResponseApplySnapshotChunk(result=R.ACCEPT)

    def close(self) -> None:
        self.simulator.close()
        self.store.close()
