"""The consensus side of attestation: ExtendVote, VerifyVoteExtension, PrepareProposal,
ProcessProposal and the FinalizeBlock step (docs/attestation.md).

* ExtendVote: the local follower's view (``EventSource``), minus what is ingested or about
  to be (the block being voted on), cut to the size limit — never an error: no view, no
  extension.
* VerifyVoteExtension: rejects only bytes that are not a canonical extension within the
  limits; a view that differs from ours is accepted (it is outvoted, not refused).
* PrepareProposal: from the extended commit CometBFT hands the proposer (signatures already
  verified by CometBFT), the requests > 2/3 of the voting power attested become the first
  tx, with every signed extension as the proof.
* ProcessProposal: the proof is checked again (ed25519 over CometBFT's sign bytes, votes and
  powers from the proposed last commit); an injection anywhere but first, without a valid
  proof, or listing other requests than the proof backs is rejected; so is a block without
  an injection when the extensions this validator received back a request.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from zrchain.abci import types as abci
from zrchain.abci.encode import encode_exec_tx_result
from zrchain.context import Context
from zrchain.x.attest.codec import (
    MAX_EXTENSION_BYTES,
    MAX_ITEMS,
    MAX_QUOTES,
    CodecError,
    Extension,
    Injection,
    Item,
    NetworkView,
    Quote,
    QuoteRequest,
    SignedExtension,
    is_injection,
    unattestable,
)
from zrchain.x.attest.module import AttestModule
from zrchain.x.attest.proof import (
    Attestation,
    CommitVote,
    ProofError,
    Tally,
    check_injection,
    tally,
)

log = logging.getLogger("zrchain.attest")

BLOCK_ID_FLAG_COMMIT = 2  # tendermint.types.BlockIDFlag
#: Extensions received per height are kept this many heights (for the omission check).
KEEP_SEEN_HEIGHTS = 4


class EventSource(Protocol):
    """A validator's local view of the followed networks (the bridge's follower)."""

    def views(self) -> Sequence[NetworkView]:
        """Per network, every request in confirmed blocks up to ``confirmed``, oldest first
        (complete through that block). May raise: the validator then attests nothing."""
        ...

    def forget(self, ids: set[bytes]) -> None:
        """Requests the chain has ingested: the view need not keep them."""
        ...

    def quotes(self, requests: Sequence[QuoteRequest]) -> Sequence[Quote]:
        """The quotes this validator has read for ``requests`` (those whose destination it
        follows), each at exactly the request's block; may return fewer (not read yet) or
        raise (nothing is quoted this time)."""
        ...


def commit_votes(votes: Sequence[Any]) -> list[CommitVote]:
    return [
        CommitVote(bytes(v.validator.address), int(v.validator.power),
                   v.block_id_flag == BLOCK_ID_FLAG_COMMIT)
        for v in votes
    ]  # fmt: skip


def bounded_view(views: Sequence[NetworkView], skip: Callable[[bytes], bool]) -> Extension:
    """The extension of ``views`` without the skipped ids and the unattestable items (an
    oversize Msg: every validator leaves it out, so its extension stays valid for all),
    within MAX_ITEMS and MAX_EXTENSION_BYTES: a network cut short claims only the blocks it
    lists completely."""
    nets: list[NetworkView] = []
    budget_items = MAX_ITEMS
    for view in sorted(views, key=lambda v: v.caip2):
        items = sorted(
            (it for it in view.items if not skip(it.id) and not unattestable(it)),
            key=lambda it: it.order,
        )
        confirmed = view.confirmed
        if len(items) > budget_items:
            confirmed = items[budget_items].block_number - 1
            items = [it for it in items if it.block_number <= confirmed]
        net = NetworkView(view.caip2, confirmed, tuple(items))
        while net.items and len(Extension((*nets, net)).encode()) > MAX_EXTENSION_BYTES:
            confirmed = net.items[-1].block_number - 1
            net = NetworkView(
                view.caip2, confirmed, tuple(it for it in net.items if it.block_number <= confirmed)
            )
        if confirmed < 0 or len(Extension((*nets, net)).encode()) > MAX_EXTENSION_BYTES:
            continue
        nets.append(net)
        budget_items -= len(net.items)
    return Extension(tuple(nets))


def with_quotes(ext: Extension, quotes: Sequence[Quote]) -> Extension:
    """``ext`` plus as many of ``quotes`` (ascending request id) as fit the size limit."""
    kept = list(quotes[:MAX_QUOTES])
    while kept and len(Extension(ext.networks, tuple(kept)).encode()) > MAX_EXTENSION_BYTES:
        kept.pop()
    return Extension(ext.networks, tuple(kept))


@dataclass
class VoteExtensions:
    """Bound to the app: ``state()`` gives a read context over the committed state,
    ``chain_id()`` and ``enable_height()`` read the app's, ``own_address`` is this node's
    consensus address (b"" for a non-validator)."""

    module: AttestModule
    state: Callable[[], Context]
    chain_id: Callable[[], str]
    enable_height: Callable[[], int]
    source: EventSource | None = None
    own_address: bytes = b""
    #: (height, validator address) -> extension bytes received (and our own)
    seen: dict[tuple[int, bytes], bytes] = field(default_factory=dict)
    last_extension_bytes: int = 0

    def _enabled(self, ctx: Context) -> bool:
        return self.module.keeper.params(ctx).enabled

    def _extensions_at(self, height: int) -> bool:
        e = self.enable_height()
        return e > 0 and height >= e

    # -- votes -----------------------------------------------------------------------------------
    def extend_vote(self, req: abci.RequestExtendVote) -> bytes:
        ctx = self.state()
        if self.source is None or not self._enabled(ctx):
            return b""
        about_to_be = set()
        if req.txs and is_injection(req.txs[0]):
            with contextlib.suppress(CodecError):
                inj = Injection.decode(req.txs[0])
                about_to_be = {it.id for it in inj.items} | {q.request for q in inj.quotes}
        try:
            views = list(self.source.views())
        except Exception as exc:  # an EVM RPC down or behind: attest nothing this time
            log.warning("attestation view unavailable at height %d: %s", req.height, exc)
            return b""
        done: set[bytes] = set()

        def skip(item_id: bytes) -> bool:
            if item_id in about_to_be:
                return True
            if self.module.keeper.ingested(ctx, item_id):
                done.add(item_id)
                return True
            return False

        quotes = self._quotes(ctx, about_to_be, req.height)
        ext = with_quotes(bounded_view(views, skip), quotes).encode()
        if done:
            self.source.forget(done)
        self.last_extension_bytes = len(ext)
        log.debug("vote extension at height %d: %d bytes", req.height, len(ext))
        if self.own_address:
            self._remember(int(req.height), self.own_address, ext)
        return ext

    def _quotes(self, ctx: Context, about_to_be: set[bytes], height: int) -> list[Quote]:
        """The source's quotes for the requests awaiting one, at their designated blocks,
        minus those the block being voted on quotes."""
        assert self.source is not None
        wanted = {r.request: r for r in self.module.quote_requests(ctx)}
        for rid in about_to_be:
            wanted.pop(rid, None)
        if not wanted:
            return []
        try:
            got = list(self.source.quotes(list(wanted.values())))
        except Exception as exc:  # a destination RPC down: quote nothing this time
            log.warning("quotes unavailable at height %d: %s", height, exc)
            return []
        out = {q.request: q for q in got if (r := wanted.get(q.request)) and r.block == q.block}
        return [out[k] for k in sorted(out)][:MAX_QUOTES]

    def verify_vote_extension(self, req: abci.RequestVerifyVoteExtension) -> bool:
        try:
            Extension.decode(bytes(req.vote_extension))
        except CodecError as exc:
            log.warning(
                "refusing the vote extension of %s at height %d: %s",
                bytes(req.validator_address).hex().upper(),
                req.height,
                exc,
            )
            return False
        self._remember(int(req.height), bytes(req.validator_address), bytes(req.vote_extension))
        return True

    def _remember(self, height: int, address: bytes, ext: bytes) -> None:
        self.seen[(height, address)] = ext
        for key in [k for k in self.seen if k[0] < height - KEEP_SEEN_HEIGHTS]:
            del self.seen[key]

    # -- proposals --------------------------------------------------------------------------------
    def prepare(self, req: abci.RequestPrepareProposal) -> bytes | None:
        """The injection tx for block ``req.height``, or None."""
        if not self._extensions_at(req.height - 1):
            return None
        ctx = self.state()
        if not self._enabled(ctx):
            return None
        commit = req.local_last_commit
        attestations = []
        for v in commit.votes:
            if v.block_id_flag != BLOCK_ID_FLAG_COMMIT or not v.vote_extension:
                continue
            address = bytes(v.validator.address)
            pubkey = self.module.keeper.pubkey(ctx, address)
            if pubkey is None:
                continue
            try:
                ext = Extension.decode(bytes(v.vote_extension))
            except CodecError:
                continue
            signed = SignedExtension(pubkey, bytes(v.vote_extension), bytes(v.extension_signature))
            attestations.append(Attestation(address, int(v.validator.power), ext, signed))
        total = sum(int(v.validator.power) for v in commit.votes)
        result = tally(
            attestations,
            total,
            lambda i: self.module.keeper.ingested(ctx, i),
            lambda q: self.module.quotable(ctx, q),
        )
        if not result.anything:
            return None
        votes = tuple(a.signed for a in attestations if a.signed is not None)
        injection = Injection(
            int(commit.round), votes, tuple(result.items), tuple(result.quotes)
        ).encode()
        if len(injection) > req.max_tx_bytes:  # CometBFT refuses a proposal above its limit
            log.error(
                "height %d: the injection (%d bytes) exceeds the block's %d bytes; not proposed",
                req.height,
                len(injection),
                req.max_tx_bytes,
            )
            return None
        log.info(
            "proposing height %d: %d attested request(s), %d quote(s), proof of %d vote(s)",
            req.height,
            len(result.items),
            len(result.quotes),
            len(votes),
        )
        return injection

    def process(self, req: abci.RequestProcessProposal) -> str:
        """'' to accept, else why the proposal is rejected."""
        txs = list(req.txs)
        if any(is_injection(tx) for tx in txs[1:]):
            return "an injection tx that is not the block's first"
        ctx = self.state()
        if txs and is_injection(txs[0]):
            try:
                self.check(txs[0], ctx, req.height, req.proposed_last_commit)
            except (CodecError, ProofError) as exc:
                return f"injection refused: {exc}"
            return ""
        if self._extensions_at(req.height - 1) and self._enabled(ctx):
            missing = self._available(ctx, req.height - 1, req.proposed_last_commit)
            if missing:
                return (
                    f"omits {len(missing)} request(s) or quote(s) backed by > 2/3 of the voting "
                    "power"
                )
        return ""

    def check(self, tx: bytes, ctx: Context, height: int, last_commit: Any) -> Tally:
        """The tally the injection ``tx`` of block ``height`` proves (CodecError/ProofError)."""
        if not self._extensions_at(height - 1):
            raise ProofError(f"vote extensions are not enabled at height {height - 1}")
        if not self._enabled(ctx):
            raise ProofError("attestation is off (attest params)")
        inj = Injection.decode(tx)
        return check_injection(
            inj,
            chain_id=self.chain_id(),
            height=height - 1,
            commit_round=int(last_commit.round),
            commit=commit_votes(last_commit.votes),
            ingested=lambda i: self.module.keeper.ingested(ctx, i),
            quotable=lambda q: self.module.quotable(ctx, q),
        )

    def _available(self, ctx: Context, height: int, last_commit: Any) -> list[Item | Quote]:
        """What the extensions this validator received for ``height`` back, counting only
        validators whose precommits are in the proposed commit."""
        votes = commit_votes(last_commit.votes)
        attestations = []
        for v in votes:
            raw = self.seen.get((height, v.address))
            if not v.committed or not raw:
                continue
            try:
                attestations.append(Attestation(v.address, v.power, Extension.decode(raw)))
            except CodecError:
                continue
        total = sum(v.power for v in votes)
        result = tally(
            attestations,
            total,
            lambda i: self.module.keeper.ingested(ctx, i),
            lambda q: self.module.quotable(ctx, q),
        )
        return [*result.items, *result.quotes]

    # -- the block --------------------------------------------------------------------------------
    def finalize(
        self,
        ctx: Context,
        tx: bytes,
        last_commit: Any,
        indexed: frozenset[str] | None = None,
    ) -> bytes:
        """Run the injection ``tx`` (the block's first) on the block state; its ExecTxResult.

        The proof is checked again against the decided commit, so a node replaying blocks it
        never voted on (blocksync) computes the same result; a proof that fails here (never,
        after ProcessProposal) ingests nothing. ``indexed``: app.toml's index-events."""
        saved, ctx.events = ctx.events, []
        try:
            result = self.check(tx, ctx, ctx.height, last_commit)
        except (CodecError, ProofError) as exc:
            ctx.events = saved
            return encode_exec_tx_result(1, b"", f"injection refused: {exc}", 0, 0, [], "attest")
        self.module.ingest(ctx, result)
        events, ctx.events = ctx.events, saved
        return encode_exec_tx_result(0, b"", "", 0, 0, events, "", indexed)


class AttestingApp(Protocol):
    """What ``attestation_for`` reads from the app (the app is not imported here)."""

    registry: Any
    chain_id: str
    settings: Any

    def committed_context(self) -> Context: ...

    @property
    def vote_extensions_enable_height(self) -> int: ...


def attestation_for(app: AttestingApp) -> VoteExtensions | None:
    """The app's VoteExtensions when its module list has x/attest, else None."""
    module = next((m for m in app.registry.modules if isinstance(m, AttestModule)), None)
    if module is None:
        return None
    return VoteExtensions(
        module=module,
        state=app.committed_context,
        chain_id=lambda: app.chain_id,
        enable_height=lambda: app.vote_extensions_enable_height,
        own_address=_own_address(app.settings.extra.get("home")),
    )


def _own_address(home: str | None) -> bytes:
    """This node's consensus address from its CometBFT key file (b"" when it has none)."""
    import json
    from pathlib import Path

    if not home:
        return b""
    try:
        doc = json.loads((Path(home) / "config" / "priv_validator_key.json").read_text())
        return bytes.fromhex(doc["address"])
    except (OSError, ValueError, KeyError, TypeError):
        return b""
