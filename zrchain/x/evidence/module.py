"""x/evidence (cosmos.evidence.v1beta1): CometBFT's committed misbehaviour is punished at
begin block, as the SDK's evidence BeginBlocker does.

A duplicate vote (or light-client attack) by a validator that is still bonded or unbonding,
not tombstoned and not older than the consensus evidence age, slashes it by
``slash_fraction_double_sign`` at the infraction height, jails it until year 9999 and
tombstones it (it can never unjail). The Equivocation is stored by its hash
(sha256 of its encoding). Layout under ``evidence/``: ``0x00 | hash`` -> Any(Equivocation).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from cosmpy.protos.cosmos.evidence.v1beta1 import evidence_pb2, genesis_pb2
from cosmpy.protos.cosmos.evidence.v1beta1 import query_pb2 as q
from cosmpy.protos.cosmos.evidence.v1beta1 import tx_pb2 as tx
from google.protobuf.any_pb2 import Any as AnyProto
from google.protobuf.message import DecodeError

from zrchain import module
from zrchain.codec import address
from zrchain.codec.json import from_dict, to_dict
from zrchain.context import MISBEHAVIOR_DUPLICATE_VOTE, MISBEHAVIOR_LIGHT_CLIENT_ATTACK, Context
from zrchain.errors import (
    ChainError,
    ErrInvalidAddress,
    invalid_argument,
    not_found,
    register,
)
from zrchain.module import Module, Service, validate_basic
from zrchain.x.pagination import paginate
from zrchain.x.slashing.keeper import DOUBLE_SIGN_JAIL_END_S, INFRACTION_DOUBLE_SIGN, SlashingKeeper
from zrchain.x.slashing.keeper import param_dec as slashing_dec
from zrchain.x.validation.types import VALIDATOR_UPDATE_DELAY

MODULE = "evidence"
STORE_KEY = "evidence"
_EVIDENCE = b"\x00"
EQUIVOCATION_URL = "/cosmos.evidence.v1beta1.Equivocation"

ErrNoEvidenceHandlerExists = register(MODULE, 2, "unregistered handler for evidence type")
ErrInvalidEvidence = register(MODULE, 3, "invalid evidence")
ErrEvidenceExists = register(MODULE, 5, "evidence already exists")


def equivocation_hash(e: evidence_pb2.Equivocation) -> bytes:
    return hashlib.sha256(e.SerializeToString()).digest()


def _equivocation(any_msg: AnyProto) -> evidence_pb2.Equivocation:
    if any_msg.type_url != EQUIVOCATION_URL:
        raise ErrInvalidEvidence.wrap(f"unsupported evidence type {any_msg.type_url or '(none)'}")
    try:
        e = evidence_pb2.Equivocation.FromString(any_msg.value)
    except DecodeError as exc:
        raise ErrInvalidEvidence.wrap(str(exc)) from None
    if e.time.seconds <= 0:
        raise ErrInvalidEvidence.wrap(f"invalid equivocation time: {e.time.seconds}")
    if e.height < 1:
        raise ErrInvalidEvidence.wrap(f"invalid equivocation height: {e.height}")
    if e.power < 1:
        raise ErrInvalidEvidence.wrap(f"invalid equivocation validator power: {e.power}")
    if not e.consensus_address:
        raise ErrInvalidEvidence.wrap("invalid equivocation validator consensus address")
    return e


def validate_submit(msg: tx.MsgSubmitEvidence) -> None:
    try:
        address.acc_bytes(msg.submitter)
    except ChainError as exc:
        raise ErrInvalidAddress.wrap(f"invalid submitter address: {exc.context}") from None
    _equivocation(msg.evidence)


class EvidenceKeeper:
    def __init__(self, slashing: SlashingKeeper) -> None:
        self.slashing = slashing

    def _store(self, ctx: Context) -> Any:
        return ctx.store(STORE_KEY)

    def evidence(self, ctx: Context, h: bytes) -> AnyProto | None:
        raw = self._store(ctx).get(_EVIDENCE + h)
        return None if raw is None else AnyProto.FromString(raw)

    def set_evidence(self, ctx: Context, e: evidence_pb2.Equivocation) -> bytes:
        h = equivocation_hash(e)
        wrapped = AnyProto(type_url=EQUIVOCATION_URL, value=e.SerializeToString())
        self._store(ctx).set(_EVIDENCE + h, wrapped.SerializeToString())
        return h

    def handle_equivocation(self, ctx: Context, e: evidence_pb2.Equivocation) -> None:
        """The SDK's handleEquivocationEvidence (see the module docstring)."""
        cons = address.cons_bytes(e.consensus_address)
        staking = self.slashing.staking
        v = staking.validator_by_cons_addr(ctx, cons)
        if v is None or v.is_unbonded():
            return
        if self.slashing.pubkey(ctx, cons) is None:
            ctx.log.error("ignored evidence: no public key known for validator %s",
                          e.consensus_address)  # fmt: skip
            return
        age_ns = ctx.time_ns - (int(e.time.seconds) * 10**9 + int(e.time.nanos))
        age_blocks = ctx.height - int(e.height)
        max_ns, max_blocks = _evidence_age_limits(ctx)
        if max_ns is not None and age_ns > max_ns and age_blocks > max_blocks:
            ctx.log.info("ignored equivocation of %s at height %d: evidence too old",
                         e.consensus_address, e.height)  # fmt: skip
            return
        if self.slashing.signing_info(ctx, cons) is None:
            raise RuntimeError(f"expected signing info for validator {e.consensus_address}")
        if self.slashing.is_tombstoned(ctx, cons):
            ctx.log.info("ignored equivocation of %s: already tombstoned", e.consensus_address)
            return
        ctx.log.info("confirmed equivocation of %s at height %d", e.consensus_address, e.height)
        fraction = slashing_dec(self.slashing.params(ctx).slash_fraction_double_sign)
        self.slashing.slash(
            ctx,
            cons,
            fraction,
            int(e.power),
            int(e.height) - VALIDATOR_UPDATE_DELAY,
            INFRACTION_DOUBLE_SIGN,
        )
        v = staking.validator_by_cons_addr(ctx, cons)
        if v is not None and not v.jailed:
            staking.jail(ctx, v)
        self.slashing.jail_until(ctx, cons, DOUBLE_SIGN_JAIL_END_S * 10**9)
        self.slashing.tombstone(ctx, cons)
        self.set_evidence(ctx, e)


def _evidence_age_limits(ctx: Context) -> tuple[int | None, int]:
    """The consensus params' evidence max age (duration ns, blocks)."""
    from cosmpy.protos.tendermint.types import params_pb2

    from zrchain.app import CONSENSUS_PARAMS_KEY

    raw = ctx.root.get(CONSENSUS_PARAMS_KEY) if ctx.root is not None else None
    params = params_pb2.ConsensusParams.FromString(raw) if raw else None
    if params is None or not params.HasField("evidence"):
        return None, 0
    d = params.evidence.max_age_duration
    return int(d.seconds) * 10**9 + int(d.nanos), int(params.evidence.max_age_num_blocks)


class MsgServer(module.MsgServer):
    descriptor = tx.DESCRIPTOR.services_by_name["Msg"]

    def __init__(self, keeper: EvidenceKeeper) -> None:
        self.k = keeper

    @validate_basic(validate_submit)
    def submit_evidence(
        self, ctx: Context, msg: tx.MsgSubmitEvidence
    ) -> tx.MsgSubmitEvidenceResponse:
        """Equivocations come from CometBFT, not from txs: like the SDK app without an
        evidence router, a submitted one is refused."""
        e = _equivocation(msg.evidence)
        h = equivocation_hash(e)
        if self.k.evidence(ctx, h) is not None:
            raise ErrEvidenceExists.wrap(h.hex().upper())
        raise ErrNoEvidenceHandlerExists.wrap("equivocation")


class QueryServer(module.QueryServer):
    descriptor = q.DESCRIPTOR.services_by_name["Query"]

    def __init__(self, keeper: EvidenceKeeper) -> None:
        self.k = keeper

    def evidence(self, ctx: Context, req: q.QueryEvidenceRequest) -> q.QueryEvidenceResponse:
        if not req.hash:
            raise invalid_argument("invalid request; hash is empty")
        try:
            h = bytes.fromhex(req.hash)
        except ValueError:
            raise invalid_argument("invalid evidence hash") from None
        found = self.k.evidence(ctx, h)
        if found is None:
            raise not_found(f"evidence {req.hash} not found")
        return q.QueryEvidenceResponse(evidence=found)

    def all_evidence(self, ctx: Context, req: q.QueryAllEvidenceRequest) -> Any:
        items, page = paginate(
            ctx.store(STORE_KEY),
            _EVIDENCE,
            req.pagination if req.HasField("pagination") else None,
            lambda _, raw: AnyProto.FromString(raw),
        )
        return q.QueryAllEvidenceResponse(evidence=items, pagination=page)


@dataclass
class EvidenceModule(Module):
    slashing: SlashingKeeper | None = None
    name: str = MODULE
    store_key: str = STORE_KEY
    keeper: EvidenceKeeper = field(init=False)

    def __post_init__(self) -> None:
        if self.slashing is None:
            raise ValueError("EvidenceModule needs the slashing keeper")
        self.keeper = EvidenceKeeper(self.slashing)

    def services(self) -> Sequence[Service]:
        return (MsgServer(self.keeper), QueryServer(self.keeper))

    def begin_block(self, ctx: Context) -> None:
        for m in ctx.comet.misbehavior:
            if m.type not in (MISBEHAVIOR_DUPLICATE_VOTE, MISBEHAVIOR_LIGHT_CLIENT_ATTACK):
                ctx.log.error("ignored unknown evidence type %d", m.type)
                continue
            e = evidence_pb2.Equivocation(
                height=m.height,
                power=m.power,
                consensus_address=address.cons_string(m.address),
            )
            e.time.seconds, e.time.nanos = divmod(m.time_ns, 10**9)
            self.keeper.handle_equivocation(ctx, e)

    def default_genesis(self) -> dict[str, Any]:
        return to_dict(genesis_pb2.GenesisState())

    def validate_genesis(self, data: dict[str, Any]) -> None:
        try:
            gs = from_dict(data, genesis_pb2.GenesisState())
            for ev in gs.evidence:
                _equivocation(ev)
        except (ValueError, ChainError) as exc:
            raise ValueError(f"evidence genesis: {getattr(exc, 'log', exc)}") from None

    def init_genesis(self, ctx: Context, data: dict[str, Any]) -> None:
        gs = from_dict(data, genesis_pb2.GenesisState())
        for ev in gs.evidence:
            self.keeper.set_evidence(ctx, _equivocation(ev))

    def export_genesis(self, ctx: Context) -> dict[str, Any]:
        gs = genesis_pb2.GenesisState()
        for _, raw in ctx.store(STORE_KEY).iterate(_EVIDENCE, b"\x01"):
            gs.evidence.append(AnyProto.FromString(raw))
        return to_dict(gs)

    def cli_query(self) -> Any:
        from zrchain.x.slashing.cli import evidence_query_group

        return evidence_query_group


__all__ = ["EvidenceKeeper", "EvidenceModule", "equivocation_hash"]
