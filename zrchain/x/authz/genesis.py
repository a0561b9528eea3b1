"""authz genesis: the list of grants (granter, grantee, authorization Any, expiration).

Import skips grants that expired before genesis time, as the SDK does. Validation is
stricter than the SDK's (which accepts anything and fails later in InitChain): addresses,
authorization types, their ValidateBasic and duplicates are checked up front.
"""

from __future__ import annotations

from typing import Any

from cosmpy.protos.cosmos.authz.v1beta1 import authz_pb2, genesis_pb2

from zrchain.codec import address
from zrchain.codec.json import from_dict, to_dict
from zrchain.context import Context
from zrchain.errors import ChainError
from zrchain.x.authz.keeper import AuthzKeeper
from zrchain.x.authz.types import (
    resolve_authorization,
)
from zrchain.x.storekeys import (
    timestamp_ns,
)


def default() -> dict[str, Any]:
    return {"authorization": []}


def parse(data: dict[str, Any]) -> Any:
    try:
        return from_dict(data, genesis_pb2.GenesisState())
    except ValueError as exc:
        raise ValueError(f"authz genesis: {exc}") from exc


def validate(data: dict[str, Any]) -> None:
    gs = parse(data)
    seen: set[tuple[str, str, str]] = set()
    for i, e in enumerate(gs.authorization):
        where = f"authz genesis: authorization {i}"
        try:
            address.acc_bytes(e.granter)
            address.acc_bytes(e.grantee)
            if e.granter.casefold() == e.grantee.casefold():
                raise ValueError("grantee and granter should be different")
            if not e.HasField("authorization"):
                raise ValueError("authorization is missing")
            kind, auth = resolve_authorization(e.authorization)
            kind.validate_basic(auth)
        except (ChainError, ValueError) as exc:
            text = exc.log if isinstance(exc, ChainError) else str(exc)
            raise ValueError(f"{where}: {text}") from exc
        key = (e.granter, e.grantee, kind.msg_type_url(auth))
        if key in seen:
            raise ValueError(f"{where}: duplicate grant {key[2]} from {e.granter} to {e.grantee}")
        seen.add(key)


def init(ctx: Context, k: AuthzKeeper, data: dict[str, Any]) -> None:
    gs = parse(data)
    for e in gs.authorization:
        exp = e.expiration if e.HasField("expiration") else None
        if exp is not None and timestamp_ns(exp) < ctx.time_ns:
            continue  # expired before genesis
        kind, auth = resolve_authorization(e.authorization)
        k.save_grant(
            ctx,
            address.acc_bytes(e.granter),
            address.acc_bytes(e.grantee),
            e.authorization,
            kind.msg_type_url(auth),
            exp,
            check_expiration=False,
        )


def export(ctx: Context, k: AuthzKeeper) -> dict[str, Any]:
    entries = []
    for granter, grantee, grant in k.iterate_grants(ctx):
        ga = authz_pb2.GrantAuthorization(
            granter=address.acc_string(granter),
            grantee=address.acc_string(grantee),
            authorization=grant.authorization,
        )
        if grant.HasField("expiration"):
            ga.expiration.CopyFrom(grant.expiration)
        d = _plain(to_dict(ga))
        d.setdefault("expiration", None)  # the SDK writes null for "never"
        entries.append(d)
    return {"authorization": entries}


def _plain(obj: Any) -> Any:
    """Plain dicts with ``@type`` first (json_format gives Anys as OrderedDicts whose key
    order varies), so exports compare and print the same every time."""
    if isinstance(obj, dict):
        keys = sorted(obj, key=lambda k: k != "@type")
        return {k: _plain(obj[k]) for k in keys}
    if isinstance(obj, list):
        return [_plain(x) for x in obj]
    return obj
