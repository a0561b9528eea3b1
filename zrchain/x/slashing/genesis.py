"""x/slashing genesis (cosmos.slashing.v1beta1.GenesisState): params, signing infos and
the missed-block windows; every validator's consensus key is recorded at init (evidence
needs it)."""

from __future__ import annotations

from typing import Any

from cosmpy.protos.cosmos.slashing.v1beta1 import genesis_pb2

from zrchain.codec import address
from zrchain.codec.json import from_dict, to_dict
from zrchain.context import Context
from zrchain.errors import ChainError
from zrchain.x.slashing.keeper import DEFAULT_PARAMS, SlashingKeeper, validate_params


def default() -> dict[str, Any]:
    return to_dict(genesis_pb2.GenesisState(params=DEFAULT_PARAMS))


def _parse(data: dict[str, Any]) -> genesis_pb2.GenesisState:
    try:
        return from_dict(data, genesis_pb2.GenesisState())
    except ValueError as exc:
        raise ValueError(f"slashing genesis: {exc}") from None


def validate(data: dict[str, Any]) -> None:
    gs = _parse(data)
    try:
        validate_params(gs.params)
        for si in gs.signing_infos:
            address.cons_bytes(si.address)
        for mb in gs.missed_blocks:
            address.cons_bytes(mb.address)
    except (ValueError, ChainError) as exc:
        raise ValueError(f"slashing genesis: {getattr(exc, 'log', exc)}") from None


def init(ctx: Context, k: SlashingKeeper, data: dict[str, Any]) -> None:
    gs = _parse(data)
    k.set_params(ctx, gs.params)
    for v in k.staking.iterate_validators(ctx):  # evidence needs every validator's key
        k.add_pubkey(ctx, v.cons_pubkey, v.cons_address)
    for si in gs.signing_infos:
        k.set_signing_info(ctx, address.cons_bytes(si.address), si.validator_signing_info)
    for mb in gs.missed_blocks:
        cons = address.cons_bytes(mb.address)
        for m in mb.missed_blocks:
            if m.missed:
                k.set_missed(ctx, cons, int(m.index), True)


def export(ctx: Context, k: SlashingKeeper) -> dict[str, Any]:
    gs = genesis_pb2.GenesisState(params=k.params(ctx))
    for cons, info in k.iterate_signing_infos(ctx):
        text = address.cons_string(cons)
        gs.signing_infos.add(address=text, validator_signing_info=info)
        missed = gs.missed_blocks.add(address=text)
        for i in k.missed_indices(ctx, cons):
            missed.missed_blocks.add(index=i, missed=True)
    return to_dict(gs)
