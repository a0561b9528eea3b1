"""x/evidence (cosmos.evidence.v1beta1): CometBFT's committed misbehaviour is punished at
begin block, as the SDK's evidence BeginBlocker does.

A duplicate vote (or light-client attack) by a validator that is still bonded or unbonding,
not tombstoned and not older than the consensus evidence age, slashes it by
``slash_fraction_double_sign`` at the infraction height, jails it until year 9999 and
tombstones it (it can never unjail). The Equivocation is stored by its hash
(sha256 of its encoding). Layout under ``evidence/``: ``0x00 | hash`` -> Any(Equivocation).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from cosmpy.protos.cosmos.base.query.v1beta1.pagination_pb2 import PageRequest, PageResponse
from cosmpy.protos.cosmos.evidence.v1beta1 import evidence_pb2
from google.protobuf.any_pb2 import Any as AnyProto

from zrchain.baseapp import CONSENSUS_PARAMS_KEY
from zrchain.codec import address
from zrchain.context import Context
from zrchain.store.kv import iterate_prefix
from zrchain.x.evidence.expected import EvidenceSlashing, EvidenceStaking
from zrchain.x.evidence.types import (
    EQUIVOCATION_URL,
    EVIDENCE_PREFIX,
    STORE_KEY,
    equivocation_hash,
)
from zrchain.x.pagination import paginate
from zrchain.x.slashing.keeper import DOUBLE_SIGN_JAIL_END_S, INFRACTION_DOUBLE_SIGN
from zrchain.x.slashing.keeper import param_dec as slashing_dec
from zrchain.x.validation.types import VALIDATOR_UPDATE_DELAY


class EvidenceKeeper:
    def __init__(self, slashing: EvidenceSlashing, staking: EvidenceStaking) -> None:
        self.slashing = slashing
        self.staking = staking

    def _store(self, ctx: Context) -> Any:
        return ctx.store(STORE_KEY)

    def evidence(self, ctx: Context, h: bytes) -> AnyProto | None:
        raw = self._store(ctx).get(EVIDENCE_PREFIX + h)
        return None if raw is None else AnyProto.FromString(raw)

    def set_evidence(self, ctx: Context, e: evidence_pb2.Equivocation) -> bytes:
        h = equivocation_hash(e)
        wrapped = AnyProto(type_url=EQUIVOCATION_URL, value=e.SerializeToString())
        self._store(ctx).set(EVIDENCE_PREFIX + h, wrapped.SerializeToString())
        return h

    def evidence_page(
        self, ctx: Context, page: PageRequest | None
    ) -> tuple[list[AnyProto], PageResponse]:
        return paginate(
            self._store(ctx), EVIDENCE_PREFIX, page, lambda _, raw: AnyProto.FromString(raw)
        )

    def iterate_evidence(self, ctx: Context) -> Iterator[AnyProto]:
        for _, raw in iterate_prefix(self._store(ctx), EVIDENCE_PREFIX):
            yield AnyProto.FromString(raw)

    def handle_equivocation(self, ctx: Context, e: evidence_pb2.Equivocation) -> None:
        """The SDK's handleEquivocationEvidence (see the module docstring)."""
        cons = address.cons_bytes(e.consensus_address)
        staking = self.staking
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

    raw = ctx.root.get(CONSENSUS_PARAMS_KEY) if ctx.root is not None else None
    params = params_pb2.ConsensusParams.FromString(raw) if raw else None
    if params is None or not params.HasField("evidence"):
        return None, 0
    d = params.evidence.max_age_duration
    return int(d.seconds) * 10**9 + int(d.nanos), int(params.evidence.max_age_num_blocks)


__all__ = ["EvidenceKeeper"]
