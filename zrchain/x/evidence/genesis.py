"""x/evidence genesis (cosmos.evidence.v1beta1.GenesisState): the equivocations handled."""

from __future__ import annotations

from typing import Any

from cosmpy.protos.cosmos.evidence.v1beta1 import genesis_pb2

from zrchain.codec.json import from_dict, to_dict
from zrchain.context import Context
from zrchain.errors import ChainError
from zrchain.x.evidence.keeper import EvidenceKeeper
from zrchain.x.evidence.types import equivocation_of


def default() -> dict[str, Any]:
    return to_dict(genesis_pb2.GenesisState())


def validate(data: dict[str, Any]) -> None:
    try:
        gs = from_dict(data, genesis_pb2.GenesisState())
        for ev in gs.evidence:
            equivocation_of(ev)
    except (ValueError, ChainError) as exc:
        raise ValueError(f"evidence genesis: {getattr(exc, 'log', exc)}") from None


def init(ctx: Context, k: EvidenceKeeper, data: dict[str, Any]) -> None:
    gs = from_dict(data, genesis_pb2.GenesisState())
    for ev in gs.evidence:
        k.set_evidence(ctx, equivocation_of(ev))


def export(ctx: Context, k: EvidenceKeeper) -> dict[str, Any]:
    gs = genesis_pb2.GenesisState()
    gs.evidence.extend(k.iterate_evidence(ctx))
    return to_dict(gs)
