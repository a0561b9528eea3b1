"""policy genesis (docs/identity-policy.md, *Genesis*): params, port, policies, actions, sign
methods.

Import sets each counter to the largest imported id, so the next id is max(id) + 1 and an
imported object is never overwritten (fix 8 of docs/COMPATIBILITY.md; zrChain uses the list length).
"""

from __future__ import annotations

import re
from typing import Any

# Every Msg an action may carry must be in the descriptor pool for proto-JSON of its Any.
from zrchain.codec.gen.zrchain.identity import tx_pb2 as _identity_tx  # noqa: F401
from zrchain.codec.gen.zrchain.policy import genesis_pb2
from zrchain.codec.gen.zrchain.policy import tx_pb2 as _policy_tx  # noqa: F401
from zrchain.codec.gen.zrchain.treasury import tx_pb2 as _treasury_tx  # noqa: F401
from zrchain.codec.json import from_dict, to_dict
from zrchain.context import Context
from zrchain.x.policy.keeper import DEFAULT_PARAMS, PolicyKeeper
from zrchain.x.policy.types import PORT_ID

_PORT_RE = re.compile(r"^[a-zA-Z0-9._+\-#\[\]<>]{2,128}$")


def default() -> dict[str, Any]:
    return to_dict(genesis_pb2.GenesisState(params=DEFAULT_PARAMS, port_id=PORT_ID))


def parse(data: dict[str, Any]) -> genesis_pb2.GenesisState:
    try:
        gs: genesis_pb2.GenesisState = from_dict(data, genesis_pb2.GenesisState())
    except ValueError as exc:
        raise ValueError(f"policy genesis: {exc}") from exc
    return gs


def validate_port(port: str, module: str) -> None:
    if not _PORT_RE.match(port):
        raise ValueError(
            f"{module} genesis: invalid port id {port!r}: 2-128 characters of "
            "[a-zA-Z0-9._+-#[]<>] (ICS-24)"
        )


def validate(data: dict[str, Any]) -> None:
    gs = parse(data)
    validate_port(gs.port_id, "policy")
    for what, ids in (
        ("policy", [p.id for p in gs.policies]),
        ("action", [a.id for a in gs.actions]),
    ):
        seen: set[int] = set()
        for i in ids:
            if i in seen:
                raise ValueError(f"policy genesis: duplicate {what} id {i}")
            seen.add(i)
    keys: set[tuple[str, str]] = set()
    for sm in gs.sign_methods:
        if not sm.HasField("config"):
            raise ValueError(f"policy genesis: sign method ({sm.owner}, {sm.id}) has no config")
        if (sm.owner, sm.id) in keys:
            raise ValueError(f"policy genesis: duplicate sign method ({sm.owner}, {sm.id})")
        keys.add((sm.owner, sm.id))


def init(ctx: Context, k: PolicyKeeper, data: dict[str, Any]) -> None:
    gs = parse(data)
    k.set_port(ctx, gs.port_id)
    k.set_params(ctx, gs.params)
    for p in gs.policies:
        k.set_policy(ctx, p)
    k.set_policy_count(ctx, max((p.id for p in gs.policies), default=0))
    for a in gs.actions:
        k.set_action(ctx, a)
    k.set_action_count(ctx, max((a.id for a in gs.actions), default=0))
    for sm in gs.sign_methods:
        k.set_sign_method(ctx, sm.owner, sm.id, sm.config)


def export(ctx: Context, k: PolicyKeeper) -> dict[str, Any]:
    gs = genesis_pb2.GenesisState(port_id=k.port(ctx))
    params = k.params(ctx)
    if params is not None:
        gs.params.CopyFrom(params)
    gs.policies.extend(k.iterate_policies(ctx))
    gs.actions.extend(k.iterate_actions(ctx))
    for owner, cid, cfg in k.iterate_sign_methods(ctx):
        gs.sign_methods.append(genesis_pb2.GenesisSignMethod(owner=owner, id=cid, config=cfg))
    return to_dict(gs)
