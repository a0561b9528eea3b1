"""identity genesis (docs/identity-policy.md, *Genesis*): params, port, keyrings and workspaces.

Objects are stored under their ``address`` verbatim. The counters are set to the list
lengths, as zrChain does, so a chain exported and re-imported derives the same next
addresses; creation then skips any derived address already taken, so an imported object
is never overwritten (fix 8 of docs/COMPATIBILITY.md; identity objects have no ids).
"""

from __future__ import annotations

from typing import Any

from zrchain.codec.gen.zrchain.identity import genesis_pb2
from zrchain.codec.json import from_dict, to_dict
from zrchain.context import Context
from zrchain.x.identity.keeper import DEFAULT_PARAMS, IdentityKeeper
from zrchain.x.identity.types import PORT_ID
from zrchain.x.policy.genesis import validate_port


def default() -> dict[str, Any]:
    return to_dict(genesis_pb2.GenesisState(params=DEFAULT_PARAMS, port_id=PORT_ID))


def parse(data: dict[str, Any]) -> genesis_pb2.GenesisState:
    try:
        gs: genesis_pb2.GenesisState = from_dict(data, genesis_pb2.GenesisState())
    except ValueError as exc:
        raise ValueError(f"identity genesis: {exc}") from exc
    return gs


def validate(data: dict[str, Any]) -> None:
    gs = parse(data)
    validate_port(gs.port_id, "identity")
    for what, addrs in (
        ("keyring", [k.address for k in gs.keyrings]),
        ("workspace", [w.address for w in gs.workspaces]),
    ):
        seen: set[str] = set()
        for a in addrs:
            if not a:
                raise ValueError(f"identity genesis: {what} without an address")
            if a in seen:
                raise ValueError(f"identity genesis: duplicate {what} {a}")
            seen.add(a)


def init(ctx: Context, k: IdentityKeeper, data: dict[str, Any]) -> None:
    gs = parse(data)
    k.set_port(ctx, gs.port_id)
    k.set_params(ctx, gs.params)
    for kr in gs.keyrings:
        k.set_keyring(ctx, kr)
    for ws in gs.workspaces:
        k.set_workspace(ctx, ws)
    k.set_counts(ctx, workspaces=len(gs.workspaces), keyrings=len(gs.keyrings))


def export(ctx: Context, k: IdentityKeeper) -> dict[str, Any]:
    gs = genesis_pb2.GenesisState(port_id=k.port(ctx))
    params = k.params(ctx)
    if params is not None:
        gs.params.CopyFrom(params)
    gs.keyrings.extend(k.iterate_keyrings(ctx))
    gs.workspaces.extend(k.iterate_workspaces(ctx))
    return to_dict(gs)
