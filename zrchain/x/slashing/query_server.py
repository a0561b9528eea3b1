"""cosmos.slashing.v1beta1.Query: params and signing infos."""

from __future__ import annotations

from cosmpy.protos.cosmos.slashing.v1beta1 import query_pb2 as q

from zrchain import module
from zrchain.codec import address
from zrchain.context import Context
from zrchain.errors import ChainError, invalid_argument, not_found
from zrchain.x.pagination import page_of
from zrchain.x.slashing.keeper import SlashingKeeper


class SlashingQueryServer(module.QueryServer):
    descriptor = q.DESCRIPTOR.services_by_name["Query"]

    def __init__(self, keeper: SlashingKeeper) -> None:
        self.k = keeper

    def params(self, ctx: Context, req: q.QueryParamsRequest) -> q.QueryParamsResponse:
        return q.QueryParamsResponse(params=self.k.params(ctx))

    def signing_info(
        self, ctx: Context, req: q.QuerySigningInfoRequest
    ) -> q.QuerySigningInfoResponse:
        if not req.cons_address:
            raise invalid_argument("invalid request")
        try:
            cons = address.cons_bytes(req.cons_address)
        except ChainError as exc:
            raise invalid_argument(exc.log) from None
        info = self.k.signing_info(ctx, cons)
        if info is None:
            raise not_found(f"SigningInfo not found for validator {req.cons_address}")
        return q.QuerySigningInfoResponse(val_signing_info=info)

    def signing_infos(
        self, ctx: Context, req: q.QuerySigningInfosRequest
    ) -> q.QuerySigningInfosResponse:
        items, page = self.k.signing_infos_page(ctx, page_of(req))
        return q.QuerySigningInfosResponse(info=items, pagination=page)


__all__ = ["SlashingQueryServer"]
