"""cosmos.feegrant.v1beta1.Query: Allowance, Allowances (by grantee), AllowancesByGranter."""

from __future__ import annotations

from cosmpy.protos.cosmos.feegrant.v1beta1 import query_pb2 as q

from zrchain import module
from zrchain.codec.address import query_address
from zrchain.context import Context
from zrchain.errors import ChainError, QueryError, Status
from zrchain.x.feegrant.keeper import FeegrantKeeper
from zrchain.x.pagination import page_of


class FeegrantQueryServer(module.QueryServer):
    descriptor = q.DESCRIPTOR.services_by_name["Query"]

    def __init__(self, keeper: FeegrantKeeper) -> None:
        self.k = keeper

    def allowance(self, ctx: Context, req: q.QueryAllowanceRequest) -> q.QueryAllowanceResponse:
        granter, grantee = query_address(req.granter), query_address(req.grantee)
        try:
            grant = self.k.get_grant(ctx, granter, grantee)
        except ChainError as exc:  # the SDK answers codes.Internal with the keeper's text
            raise QueryError(Status.INTERNAL, exc.log) from exc
        grant.granter, grant.grantee = req.granter, req.grantee
        return q.QueryAllowanceResponse(allowance=grant)

    def allowances(self, ctx: Context, req: q.QueryAllowancesRequest) -> q.QueryAllowancesResponse:
        items, page = self.k.grantee_page(ctx, query_address(req.grantee), page_of(req))
        return q.QueryAllowancesResponse(allowances=items, pagination=page)

    def allowances_by_granter(
        self, ctx: Context, req: q.QueryAllowancesByGranterRequest
    ) -> q.QueryAllowancesByGranterResponse:
        items, page = self.k.granter_page(ctx, query_address(req.granter), page_of(req))
        return q.QueryAllowancesByGranterResponse(allowances=items, pagination=page)
