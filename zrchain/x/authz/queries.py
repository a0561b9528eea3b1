"""cosmos.authz.v1beta1.Query handlers: Grants, GranterGrants, GranteeGrants (paginated)."""

from __future__ import annotations

from typing import Any

from cosmpy.protos.cosmos.authz.v1beta1 import authz_pb2
from cosmpy.protos.cosmos.authz.v1beta1 import query_pb2 as q

from zrchain.codec import address
from zrchain.context import Context
from zrchain.errors import ChainError, invalid_argument
from zrchain.module import QueryRoute, RestRoute
from zrchain.x.authz.keeper import AuthzKeeper
from zrchain.x.authz.types import (
    STORE_KEY,
    ErrNoAuthorizationFound,
    grant_key,
    grantee_index_prefix,
    granter_prefix,
    split_one,
)
from zrchain.x.pagination import paginate

SVC = "/cosmos.authz.v1beta1.Query/"
BASE = "/cosmos/authz/v1beta1"


def _addr(text: str) -> bytes:
    if not text:
        raise invalid_argument("empty address string is not allowed")
    try:
        return address.acc_bytes(text)
    except ChainError as exc:
        raise invalid_argument(exc.context or exc.log) from exc


def _page(req: Any) -> Any:
    return req.pagination if req.HasField("pagination") else None


def _grant_authorization(granter: str, grantee: str, grant: Any) -> Any:
    ga = authz_pb2.GrantAuthorization(
        granter=granter, grantee=grantee, authorization=grant.authorization
    )
    if grant.HasField("expiration"):
        ga.expiration.CopyFrom(grant.expiration)
    return ga


def routes(k: AuthzKeeper) -> list[QueryRoute]:
    def grants(ctx: Context, req: Any) -> Any:
        granter, grantee = _addr(req.granter), _addr(req.grantee)
        if req.msg_type_url:
            grant = k.get_grant(ctx, granter, grantee, req.msg_type_url)
            if grant is None:
                raise ErrNoAuthorizationFound.wrap(
                    f"authorization not found for {req.msg_type_url} type"
                )
            return q.QueryGrantsResponse(grants=[grant])
        items, page = paginate(
            ctx.store(STORE_KEY),
            grant_key(granter, grantee),
            _page(req),
            lambda key, v: authz_pb2.Grant.FromString(v),
        )
        return q.QueryGrantsResponse(grants=items, pagination=page)

    def granter_grants(ctx: Context, req: Any) -> Any:
        granter = _addr(req.granter)

        def item(key: bytes, v: bytes) -> Any:
            grantee, _ = split_one(key)
            grant = authz_pb2.Grant.FromString(v)
            return _grant_authorization(req.granter, address.acc_string(grantee), grant)

        items, page = paginate(ctx.store(STORE_KEY), granter_prefix(granter), _page(req), item)
        return q.QueryGranterGrantsResponse(grants=items, pagination=page)

    def grantee_grants(ctx: Context, req: Any) -> Any:
        grantee = _addr(req.grantee)
        store = ctx.store(STORE_KEY)

        def item(key: bytes, _v: bytes) -> Any:
            granter, url = split_one(key)
            raw = store.get(grant_key(granter, grantee, url))
            if raw is None:  # never: the index follows the grants
                return None
            grant = authz_pb2.Grant.FromString(raw)
            return _grant_authorization(address.acc_string(granter), req.grantee, grant)

        items, page = paginate(store, grantee_index_prefix(grantee), _page(req), item)
        return q.QueryGranteeGrantsResponse(grants=items, pagination=page)

    G = "GET"
    return [
        QueryRoute(
            SVC + "Grants",
            q.QueryGrantsRequest,
            q.QueryGrantsResponse,
            grants,
            (RestRoute(G, BASE + "/grants"),),
        ),
        QueryRoute(
            SVC + "GranterGrants",
            q.QueryGranterGrantsRequest,
            q.QueryGranterGrantsResponse,
            granter_grants,
            (RestRoute(G, BASE + "/grants/granter/{granter}"),),
        ),
        QueryRoute(
            SVC + "GranteeGrants",
            q.QueryGranteeGrantsRequest,
            q.QueryGranteeGrantsResponse,
            grantee_grants,
            (RestRoute(G, BASE + "/grants/grantee/{grantee}"),),
        ),
    ]
