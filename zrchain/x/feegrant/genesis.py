"""feegrant genesis: the list of grants (granter, grantee, allowance Any).

Validation is stricter than the SDK's ``ValidateGenesis`` (which checks only each
allowance's ValidateBasic): addresses, self-grants and duplicate pairs are refused too.
Import runs the keeper's ``GrantAllowance`` as the SDK does (grantee accounts are
created; an expiration before genesis time fails InitChain).
"""

from __future__ import annotations

from typing import Any

from cosmpy.protos.cosmos.feegrant.v1beta1 import genesis_pb2

from zrchain.codec import address
from zrchain.codec.json import from_dict, to_dict
from zrchain.context import Context
from zrchain.errors import ChainError
from zrchain.x.feegrant.keeper import FeegrantKeeper
from zrchain.x.feegrant.types import resolve_allowance


def default() -> dict[str, Any]:
    return {"allowances": []}


def parse(data: dict[str, Any]) -> Any:
    try:
        return from_dict(data, genesis_pb2.GenesisState())
    except ValueError as exc:
        raise ValueError(f"feegrant genesis: {exc}") from exc


def validate(data: dict[str, Any]) -> None:
    gs = parse(data)
    seen: set[tuple[bytes, bytes]] = set()
    for i, g in enumerate(gs.allowances):
        where = f"feegrant genesis: allowance {i}"
        try:
            pair = (address.acc_bytes(g.granter), address.acc_bytes(g.grantee))
            if pair[0] == pair[1]:
                raise ValueError("cannot self-grant fee authorization")
            if not g.HasField("allowance"):
                raise ValueError("allowance is missing")
            kind, allowance = resolve_allowance(g.allowance)
            kind.validate_basic(allowance, 1)
        except (ChainError, ValueError) as exc:
            text = exc.log if isinstance(exc, ChainError) else str(exc)
            raise ValueError(f"{where}: {text}") from exc
        if pair in seen:
            raise ValueError(f"{where}: duplicate grant from {g.granter} to {g.grantee}")
        seen.add(pair)


def init(ctx: Context, k: FeegrantKeeper, data: dict[str, Any]) -> None:
    for g in parse(data).allowances:
        k.grant_allowance(
            ctx, address.acc_bytes(g.granter), address.acc_bytes(g.grantee), g.allowance
        )


def export(ctx: Context, k: FeegrantKeeper) -> dict[str, Any]:
    return {"allowances": [to_dict(g) for g in k.iterate_grants(ctx)]}
