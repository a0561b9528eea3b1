"""x/mint genesis (zrchain.mint.v1beta1.GenesisState): the minter and the params; init
creates the mint module account, as zrChain's InitGenesis does."""

from __future__ import annotations

from typing import Any

from zrchain.codec.gen.zrchain.mint.v1beta1 import genesis_pb2
from zrchain.codec.json import from_dict, to_dict
from zrchain.context import Context
from zrchain.x.mint.keeper import MODULE, MintKeeper
from zrchain.x.mint.params import DEFAULT_MINTER, DEFAULT_PARAMS, validate_minter, validate_params


def default() -> dict[str, Any]:
    return to_dict(genesis_pb2.GenesisState(minter=DEFAULT_MINTER, params=DEFAULT_PARAMS))


def _parse(data: dict[str, Any]) -> genesis_pb2.GenesisState:
    try:
        return from_dict(data, genesis_pb2.GenesisState())
    except ValueError as exc:
        raise ValueError(f"mint genesis: {exc}") from None


def validate(data: dict[str, Any]) -> None:
    gs = _parse(data)
    try:
        validate_params(gs.params)
        validate_minter(gs.minter)
    except ValueError as exc:
        raise ValueError(f"mint genesis: {exc}") from None


def init(ctx: Context, k: MintKeeper, data: dict[str, Any]) -> None:
    gs = _parse(data)
    k.set_minter(ctx, gs.minter)
    k.set_params(ctx, gs.params)
    k.accounts.get_module_account(ctx, MODULE)


def export(ctx: Context, k: MintKeeper) -> dict[str, Any]:
    return to_dict(genesis_pb2.GenesisState(minter=k.minter(ctx), params=k.params(ctx)))
