"""cosmos.bank.v1beta1.Query."""

from __future__ import annotations

from cosmpy.protos.cosmos.bank.v1beta1 import query_pb2 as q
from cosmpy.protos.cosmos.base.v1beta1.coin_pb2 import Coin as CoinProto

from zrchain import module
from zrchain.codec.address import query_address
from zrchain.codec.coins import DENOM_RE
from zrchain.context import Context
from zrchain.errors import invalid_argument, not_found
from zrchain.x.bank.keeper import BankKeeper
from zrchain.x.pagination import page_of


def _denom(text: str) -> str:
    if not DENOM_RE.match(text):
        raise invalid_argument(f"invalid denom: {text}")
    return text


class BankQueryServer(module.QueryServer):
    descriptor = q.DESCRIPTOR.services_by_name["Query"]
    absent = {
        "DenomMetadataByQueryString": "not served yet (SDK v0.50.x addition)",
        "DenomOwners": "not served: needs a denom -> holders index this node does not keep",
        "DenomOwnersByQuery": "not served: needs a denom -> holders index this node does not keep",
    }

    def __init__(self, keeper: BankKeeper) -> None:
        self.k = keeper

    def balance(self, ctx: Context, req: q.QueryBalanceRequest) -> q.QueryBalanceResponse:
        addr, denom = query_address(req.address), _denom(req.denom)
        return q.QueryBalanceResponse(
            balance=CoinProto(denom=denom, amount=str(self.k.balance(ctx, addr, denom)))
        )

    def all_balances(
        self, ctx: Context, req: q.QueryAllBalancesRequest
    ) -> q.QueryAllBalancesResponse:
        items, page = self.k.balances_page(ctx, query_address(req.address), page_of(req))
        return q.QueryAllBalancesResponse(balances=items, pagination=page)

    def spendable_balances(
        self, ctx: Context, req: q.QuerySpendableBalancesRequest
    ) -> q.QuerySpendableBalancesResponse:
        items, page = self.k.balances_page(ctx, query_address(req.address), page_of(req))
        return q.QuerySpendableBalancesResponse(balances=items, pagination=page)

    def spendable_balance_by_denom(
        self, ctx: Context, req: q.QuerySpendableBalanceByDenomRequest
    ) -> q.QuerySpendableBalanceByDenomResponse:
        addr, denom = query_address(req.address), _denom(req.denom)
        return q.QuerySpendableBalanceByDenomResponse(
            balance=CoinProto(denom=denom, amount=str(self.k.balance(ctx, addr, denom)))
        )

    def total_supply(
        self, ctx: Context, req: q.QueryTotalSupplyRequest
    ) -> q.QueryTotalSupplyResponse:
        items, page = self.k.supply_page(ctx, page_of(req))
        return q.QueryTotalSupplyResponse(supply=items, pagination=page)

    def supply_of(self, ctx: Context, req: q.QuerySupplyOfRequest) -> q.QuerySupplyOfResponse:
        denom = _denom(req.denom)
        return q.QuerySupplyOfResponse(
            amount=CoinProto(denom=denom, amount=str(self.k.supply(ctx, denom)))
        )

    def params(self, ctx: Context, req: q.QueryParamsRequest) -> q.QueryParamsResponse:
        return q.QueryParamsResponse(params=self.k.params(ctx))

    def denom_metadata(
        self, ctx: Context, req: q.QueryDenomMetadataRequest
    ) -> q.QueryDenomMetadataResponse:
        md = self.k.denom_metadata(ctx, _denom(req.denom))
        if md is None:
            raise not_found(f"client metadata for denom {req.denom}")
        return q.QueryDenomMetadataResponse(metadata=md)

    def denoms_metadata(
        self, ctx: Context, req: q.QueryDenomsMetadataRequest
    ) -> q.QueryDenomsMetadataResponse:
        return q.QueryDenomsMetadataResponse(metadatas=list(self.k.iterate_metadata(ctx)))

    def send_enabled(
        self, ctx: Context, req: q.QuerySendEnabledRequest
    ) -> q.QuerySendEnabledResponse:
        p = self.k.params(ctx)
        entries = [e for e in p.send_enabled if not req.denoms or e.denom in req.denoms]
        return q.QuerySendEnabledResponse(send_enabled=entries)
