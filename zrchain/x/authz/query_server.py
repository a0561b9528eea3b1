"""cosmos.authz.v1beta1.Query: Grants, GranterGrants, GranteeGrants (paginated)."""

from __future__ import annotations

from cosmpy.protos.cosmos.authz.v1beta1 import authz_pb2
from cosmpy.protos.cosmos.authz.v1beta1 import query_pb2 as q

from zrchain import module
from zrchain.codec import address
from zrchain.context import Context
from zrchain.errors import ChainError, invalid_argument
from zrchain.x.authz.keeper import AuthzKeeper
from zrchain.x.authz.types import ErrNoAuthorizationFound
from zrchain.x.pagination import page_of


def _addr(text: str) -> bytes:
    if not text:
        raise invalid_argument("empty address string is not allowed")
    try:
        return address.acc_bytes(text)
    except ChainError as exc:
        raise invalid_argument(exc.context or exc.log) from exc


def _grant_authorization(
    granter: str, grantee: str, grant: authz_pb2.Grant
) -> authz_pb2.GrantAuthorization:
    ga = authz_pb2.GrantAuthorization(
        granter=granter, grantee=grantee, authorization=grant.authorization
    )
    if grant.HasField("expiration"):
        ga.expiration.CopyFrom(grant.expiration)
    return ga


class AuthzQueryServer(module.QueryServer):
    descriptor = q.DESCRIPTOR.services_by_name["Query"]

    def __init__(self, keeper: AuthzKeeper) -> None:
        self.k = keeper

    def grants(self, ctx: Context, req: q.QueryGrantsRequest) -> q.QueryGrantsResponse:
        granter, grantee = _addr(req.granter), _addr(req.grantee)
        if req.msg_type_url:
            grant = self.k.get_grant(ctx, granter, grantee, req.msg_type_url)
            if grant is None:
                raise ErrNoAuthorizationFound.wrap(
                    f"authorization not found for {req.msg_type_url} type"
                )
            return q.QueryGrantsResponse(grants=[grant])
        items, page = self.k.grants_page(ctx, granter, grantee, page_of(req))
        return q.QueryGrantsResponse(grants=items, pagination=page)

    def granter_grants(
        self, ctx: Context, req: q.QueryGranterGrantsRequest
    ) -> q.QueryGranterGrantsResponse:
        items, page = self.k.granter_page(ctx, _addr(req.granter), page_of(req))
        grants = [
            _grant_authorization(req.granter, address.acc_string(grantee), grant)
            for grantee, grant in items
        ]
        return q.QueryGranterGrantsResponse(grants=grants, pagination=page)

    def grantee_grants(
        self, ctx: Context, req: q.QueryGranteeGrantsRequest
    ) -> q.QueryGranteeGrantsResponse:
        items, page = self.k.grantee_page(ctx, _addr(req.grantee), page_of(req))
        grants = [
            _grant_authorization(address.acc_string(granter), req.grantee, grant)
            for granter, grant in items
        ]
        return q.QueryGranteeGrantsResponse(grants=grants, pagination=page)
