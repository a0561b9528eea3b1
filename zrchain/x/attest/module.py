"""x/attest: zrSign requests ingested from what > 2/3 of the validators' voting power
attested in their vote extensions (docs/attestation.md).

The ABCI side (extensions, proposals, the proof) is ``abci.py``; this module keeps the
state and turns an attested event into the Msg the relayer path sends, run through the
same handler with ``creator`` = treasury's ``zr_sign_address`` (so ``cache_id``, the
key-slot idempotency and x/omni's forwarded-call record are shared with the relayer path,
and the switch between the two never ingests an event twice).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from google.protobuf.message import DecodeError

from zrchain.chains.caip import omni_cache_id
from zrchain.chains.evm import canonical_address
from zrchain.codec.any import pack
from zrchain.codec.gen.zrchain.attest import attest_pb2 as pb
from zrchain.codec.gen.zrchain.omni import tx_pb2 as omni_tx
from zrchain.codec.gen.zrchain.treasury import query_pb2 as treasury_q
from zrchain.codec.gen.zrchain.treasury import tx_pb2
from zrchain.codec.json import from_dict, to_dict
from zrchain.context import Context
from zrchain.crypto.hashes import keccak256
from zrchain.errors import ChainError
from zrchain.evm.simple_tx import decode_simple_tx, rule_gas, simple_tx_unsigned
from zrchain.module import Module, Registry, Service
from zrchain.store.kv import Branch
from zrchain.x.attest.codec import (
    KIND_KEY,
    KIND_OMNI_APPROVAL,
    KIND_OMNI_CALL,
    KIND_SIG,
    KIND_SIMPLE_TX,
    MAX_QUOTES,
    OMNI_KINDS,
    CodecError,
    Item,
    Quote,
    QuoteRequest,
    split_simple_tx_msg,
)
from zrchain.x.attest.expected import TreasuryParams, ValidatorKeys
from zrchain.x.attest.keeper import (
    MODULE,
    STORE_KEY,
    AttestKeeper,
    AwaitingQuote,
    default_params,
)
from zrchain.x.attest.proof import Tally
from zrchain.x.attest.servers import AttestMsgServer, AttestQueryServer, check_params
from zrchain.x.attest.signbytes import consensus_address

EVENT_INGESTED = "attested_request"
EVENT_DISSENT = "attestation_dissent"
EVENT_QUOTED = "simple_tx_quoted"
ZRSIGN_KEYS = "/zrchain.treasury.Query/ZrSignKeys"
EVM_COIN = 60
#: Held-back signature requests retried per block.
MAX_RETRIES_PER_BLOCK = 50
#: A signature request refused with this is waiting for its key (retried, not dropped).
_NOT_READY = re.compile(r"wallet type workspace not found|key index not found")

_MSG_CLASS: dict[int, Any] = {
    KIND_KEY: tx_pb2.MsgNewKeyRequest,
    KIND_SIG: tx_pb2.MsgNewZrSignSignatureRequest,
    KIND_OMNI_CALL: omni_tx.MsgForwardOwnerCall,
    KIND_OMNI_APPROVAL: omni_tx.MsgForwardApproval,
}


def check_omni_origin(item: Item, msg: Any) -> str:
    """A forwarded Omni call must name the event it came from: its CAIP-2 id and its
    ``cache_id`` are derived from the item's origin (so each event is applied once, whichever
    path brings it). '' when it does, else why not."""
    if msg.caip2 != item.caip2:
        return f"the call names network {msg.caip2!r}, its event is on {item.caip2}"
    expected = omni_cache_id(item.caip2, "0x" + item.contract.hex(), item.tx_hash, item.log_index)
    if bytes(msg.cache_id) != expected:
        return "the call's cache_id is not its event's (caip2, contract, tx hash, log index)"
    return ""


@dataclass
class AttestModule(Module):
    treasury: TreasuryParams | None = None
    valset: ValidatorKeys | None = None
    keeper: AttestKeeper = field(default_factory=AttestKeeper)
    name: str = MODULE
    store_key: str = STORE_KEY
    _registry: Registry | None = None

    def bind_registry(self, registry: Registry) -> None:
        self._registry = registry

    def cli(self) -> ModuleType:
        from zrchain.x.attest import cli

        return cli

    def services(self) -> Sequence[Service]:
        return [AttestMsgServer(self.keeper), AttestQueryServer(self.keeper)]

    # -- genesis -------------------------------------------------------------------------------
    def default_genesis(self) -> dict[str, Any]:
        return to_dict(pb.GenesisState(params=default_params()))

    def validate_genesis(self, data: dict[str, Any]) -> None:
        try:
            check_params(from_dict(data, pb.GenesisState()).params)
        except ValueError as exc:
            raise ValueError(f"attest genesis: {exc}") from exc
        except ChainError as exc:
            raise ValueError(f"attest genesis: {exc.log}") from exc

    def init_genesis(self, ctx: Context, data: dict[str, Any]) -> None:
        self.keeper.set_params(ctx, from_dict(data, pb.GenesisState()).params)

    def export_genesis(self, ctx: Context) -> dict[str, Any]:
        return to_dict(pb.GenesisState(params=self.keeper.params(ctx)))

    # -- block hooks ---------------------------------------------------------------------------
    def begin_block(self, ctx: Context) -> None:
        """Held-back signature requests whose key may exist now; simple-tx requests whose
        wallet may exist now, or that waited too long for a quote."""
        params = self.keeper.params(ctx)
        lookups = 0
        for rec in list(self.keeper.all_awaiting(ctx)):
            if ctx.height - rec.first > params.max_defer_blocks:
                self.keeper.drop_awaiting(ctx, rec.item.id)
                self._emit(ctx, rec.item, "expired", "no quote was agreed in time")
            elif not rec.wallet and lookups < MAX_RETRIES_PER_BLOCK:
                lookups += 1
                self._designate(ctx, rec)
        for n, (first, item) in enumerate(list(self.keeper.deferred(ctx))):
            if n >= MAX_RETRIES_PER_BLOCK:
                break
            if ctx.height - first > params.max_defer_blocks:
                self.keeper.undefer(ctx, item.id)
                self._emit(ctx, item, "expired", "its key was not generated in time")
                continue
            if self._run(ctx, item) != "deferred":
                self.keeper.undefer(ctx, item.id)

    def end_block(self, ctx: Context) -> None:
        """Remember every validator's consensus key, so a proof can name a validator that
        has since left the set."""
        if self.valset is None:
            return
        for pubkey, _power in self.valset.validators(ctx):
            self.keeper.remember_pubkey(ctx, consensus_address(pubkey), pubkey)

    # -- ingestion -----------------------------------------------------------------------------
    def ingest(self, ctx: Context, result: Tally) -> None:
        """Run the requests an injection proved, once each, and the quotes it proved;
        record dissenting attesters."""
        for caip2, block in sorted(result.confirmed.items()):
            self.keeper.raise_confirmed(ctx, caip2, block)
        for item in result.items:
            if self.keeper.ingested(ctx, item.id):
                continue
            self.keeper.mark_ingested(ctx, item.id, ctx.height)
            if item.kind == KIND_SIMPLE_TX:
                self._await_quote(ctx, item)
            elif self._run(ctx, item) == "deferred":
                self.keeper.defer(ctx, item, ctx.height)
        for quote in result.quotes:
            self._apply_quote(ctx, quote)
        for d in result.dissent:
            self.keeper.record_dissent(ctx, ctx.height, d.address, d.signed)
            ctx.emit(
                EVENT_DISSENT,
                ("validator", d.address.hex().upper()),
                ("items", ",".join(i.hex() for i in d.item_ids)),
            )

    # -- simple-tx requests: awaiting a quote, then built and run ----------------------------
    def quotable(self, ctx: Context, quote: Quote) -> bool:
        """The request awaits a quote, its wallet is known, and the quote is at the block
        the chain designated for it."""
        rec = self.keeper.awaiting(ctx, quote.request)
        return rec is not None and bool(rec.wallet) and rec.block == quote.block

    def quote_requests(self, ctx: Context) -> list[QuoteRequest]:
        """What followers are asked to read (requests whose block is designated)."""
        out = []
        for r in self.keeper.all_awaiting(ctx):
            if r.wallet:
                out.append(QuoteRequest(r.item.id, r.caip2, r.wallet, r.block))
                if len(out) == MAX_QUOTES:
                    break
        return out

    def _await_quote(self, ctx: Context, item: Item) -> None:
        try:
            dst, raw = split_simple_tx_msg(item.msg)
            msg = tx_pb2.MsgNewZrSignSignatureRequest.FromString(raw)
            decode_simple_tx(bytes.fromhex(msg.data))
        except (CodecError, DecodeError, ValueError) as exc:
            self._emit(ctx, item, "refused", f"undecodable simple-tx request: {exc}")
            return
        caip2 = next(
            (
                c
                for c in self.keeper.followed(ctx)
                if c.startswith("eip155:") and keccak256(c.encode()) == dst
            ),
            None,
        )
        if caip2 is None:
            self._emit(ctx, item, "refused", f"destination 0x{dst.hex()} is not a network > 2/3 "
                       "of the voting power follow: no quote can be agreed")  # fmt: skip
            return
        self._designate(ctx, AwaitingQuote(item, ctx.height, caip2))

    def _designate(self, ctx: Context, rec: AwaitingQuote) -> None:
        """Store the request; once its MPC wallet exists, fix the quote block: the highest
        block of the destination > 2/3 of the power have said they saw complete."""
        msg = tx_pb2.MsgNewZrSignSignatureRequest.FromString(split_simple_tx_msg(rec.item.msg)[1])
        wallet = self._wallet(ctx, msg.address, msg.wallet_index)
        block = self.keeper.confirmed(ctx, rec.caip2)
        if wallet and block is not None:
            rec = dataclasses.replace(rec, wallet=wallet, block=block)
            self._emit(ctx, rec.item, "awaiting_quote", f"{rec.caip2} block {block}")
        elif rec.first == ctx.height:
            self._emit(ctx, rec.item, "awaiting_quote", "its key is not generated yet")
        else:
            return  # unchanged: still waiting for the key
        self.keeper.set_awaiting(ctx, rec)

    def _wallet(self, ctx: Context, owner: str, index: int) -> bytes:
        """The owner's zrSign EVM key address (20 bytes), b"" while there is none."""
        assert self._registry is not None, "bind_registry was not called"
        route = self._registry.queries.get(ZRSIGN_KEYS)
        if route is None:
            return b""
        req = treasury_q.QueryZrSignKeysRequest(address=owner, walletType=str(EVM_COIN))
        try:
            res = route.handler(dataclasses.replace(ctx, events=[], _stores={}), req)
        except ChainError:
            return b""
        assert isinstance(res, treasury_q.QueryZrSignKeysResponse)
        for entry in res.Keys:
            if entry.index == index and entry.walletType == str(EVM_COIN):
                return canonical_address(entry.address)
        return b""

    def _apply_quote(self, ctx: Context, quote: Quote) -> None:
        """Build the transaction from the agreed quote (the relayer path's builder) and run
        the signature request, once: the awaiting record is consumed."""
        rec = self.keeper.awaiting(ctx, quote.request)
        if rec is None or not self.quotable(ctx, quote):
            return
        self.keeper.drop_awaiting(ctx, quote.request)
        params = self.keeper.params(ctx)
        msg = tx_pb2.MsgNewZrSignSignatureRequest.FromString(split_simple_tx_msg(rec.item.msg)[1])
        simple = decode_simple_tx(bytes.fromhex(msg.data))
        chain_id = int(rec.caip2.partition(":")[2])
        nonce = self.keeper.next_nonce(ctx, rec.caip2, rec.wallet, quote.nonce)
        unsigned = simple_tx_unsigned(
            chain_id,
            simple,
            nonce=nonce,
            base_fee=quote.base_fee,
            priority_fee=int(params.simple_tx_priority_fee),
            gas=rule_gas(simple.data, int(params.simple_tx_call_gas)),
        )
        msg.data = unsigned.hex()
        msg.metadata.CopyFrom(pack(tx_pb2.MetadataEthereum(chain_id=chain_id)))
        ctx.emit(
            EVENT_QUOTED,
            ("request", rec.item.id.hex()),
            ("quote", quote.id.hex()),
            ("caip2", rec.caip2),
            ("block", str(quote.block)),
            ("nonce", str(nonce)),
            ("tx", unsigned.hex()),
        )
        signing = dataclasses.replace(rec.item, kind=KIND_SIG, msg=msg.SerializeToString())
        outcome = self._run(ctx, signing)
        if outcome == "deferred":
            self.keeper.defer(ctx, signing, ctx.height)
        if outcome != "refused":  # a refused request (e.g. its cache_id used) takes no nonce
            self.keeper.use_nonce(ctx, rec.caip2, rec.wallet, nonce)

    def creator(self, ctx: Context) -> str:
        """treasury's zr_sign_address: the creator (and cache_id namespace) of zrSign
        requests on either path. With attestation on its key signs nothing that is accepted."""
        params = self.treasury.params(ctx) if self.treasury is not None else None
        return str(getattr(params, "zr_sign_address", "") or "")

    def _run(self, ctx: Context, item: Item) -> str:
        """Execute one item in its own branch; 'created', 'deferred' or 'refused'."""
        assert self._registry is not None, "bind_registry was not called"
        try:
            msg = _MSG_CLASS[item.kind].FromString(item.msg)
        except (DecodeError, KeyError) as exc:
            self._emit(ctx, item, "refused", f"undecodable request: {exc}")
            return "refused"
        if item.kind in OMNI_KINDS and (why := check_omni_origin(item, msg)):
            self._emit(ctx, item, "refused", why)
            return "refused"
        msg.creator = self.creator(ctx)
        url = "/" + msg.DESCRIPTOR.full_name
        route = self._registry.msgs[url]
        branch = Branch(ctx.root)
        inner = dataclasses.replace(ctx, root=branch, events=[], _stores={})
        try:
            if route.validate is not None:
                route.validate(msg)
            with self.keeper.ingesting():
                route.handler(inner, msg)
        except ChainError as exc:
            if item.kind == KIND_SIG and _NOT_READY.search(exc.log):
                return "deferred"
            self._emit(ctx, item, "refused", exc.log)
            return "refused"
        branch.write()
        ctx.events.extend(inner.events)
        self._emit(ctx, item, "created", "")
        return "created"

    @staticmethod
    def _emit(ctx: Context, item: Item, outcome: str, reason: str) -> None:
        ctx.emit(
            EVENT_INGESTED,
            ("id", item.id.hex()),
            ("caip2", item.caip2),
            ("evm_block", str(item.block_number)),
            ("tx", "0x" + item.tx_hash.hex()),
            ("log_index", str(item.log_index)),
            ("outcome", outcome),
            ("reason", reason),
        )
