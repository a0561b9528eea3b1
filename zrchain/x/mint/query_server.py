"""zrchain.mint.v1beta1.Query: params, inflation and annual provisions."""

from __future__ import annotations

from zrchain import module
from zrchain.codec.gen.zrchain.mint.v1beta1 import query_pb2 as q
from zrchain.context import Context
from zrchain.x.mint.keeper import MintKeeper


class MintQueryServer(module.QueryServer):
    descriptor = q.DESCRIPTOR.services_by_name["Query"]

    def __init__(self, keeper: MintKeeper) -> None:
        self.k = keeper

    def params(self, ctx: Context, req: q.QueryParamsRequest) -> q.QueryParamsResponse:
        return q.QueryParamsResponse(params=self.k.params(ctx))

    # The decimals travel as bytes holding the atomics' digits, as in the SDK's x/mint.
    def inflation(self, ctx: Context, req: q.QueryInflationRequest) -> q.QueryInflationResponse:
        return q.QueryInflationResponse(inflation=self.k.minter(ctx).inflation.encode())

    def annual_provisions(
        self, ctx: Context, req: q.QueryAnnualProvisionsRequest
    ) -> q.QueryAnnualProvisionsResponse:
        minter = self.k.minter(ctx)
        return q.QueryAnnualProvisionsResponse(annual_provisions=minter.annual_provisions.encode())


__all__ = ["MintQueryServer"]
