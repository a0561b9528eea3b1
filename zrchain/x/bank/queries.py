"""cosmos.bank.v1beta1.Query handlers."""

from __future__ import annotations

from typing import Any

from cosmpy.protos.cosmos.bank.v1beta1 import query_pb2 as q
from cosmpy.protos.cosmos.base.v1beta1.coin_pb2 import Coin as CoinProto

from zrchain.codec import address
from zrchain.codec.coins import DENOM_RE
from zrchain.context import Context
from zrchain.errors import ChainError, invalid_argument, not_found
from zrchain.module import QueryRoute, RestRoute
from zrchain.x.bank.keeper import BALANCE_PREFIX, STORE_KEY, SUPPLY_PREFIX, BankKeeper
from zrchain.x.pagination import paginate

SVC = "/cosmos.bank.v1beta1.Query/"
BASE = "/cosmos/bank/v1beta1"


def _addr(text: str) -> bytes:
    if not text:
        raise invalid_argument("empty address string is not allowed")
    try:
        return address.acc_bytes(text)
    except ChainError as exc:
        raise invalid_argument(f"invalid address: {exc.log}") from exc


def _denom(text: str) -> str:
    if not DENOM_RE.match(text):
        raise invalid_argument(f"invalid denom: {text}")
    return text


def _page(req: Any) -> Any:
    return req.pagination if req.HasField("pagination") else None


def _coin(k: bytes, v: bytes, offset: int) -> CoinProto | None:
    return CoinProto(denom=k[offset:].decode(), amount=v.decode()) if v else None


def routes(k: BankKeeper) -> list[QueryRoute]:
    def balance(ctx: Context, req: Any) -> Any:
        addr, denom = _addr(req.address), _denom(req.denom)
        return q.QueryBalanceResponse(
            balance=CoinProto(denom=denom, amount=str(k.balance(ctx, addr, denom)))
        )

    def all_balances(ctx: Context, req: Any) -> Any:
        addr = _addr(req.address)
        prefix = BALANCE_PREFIX + bytes([len(addr)]) + addr
        items, page = paginate(
            ctx.store(STORE_KEY), prefix, _page(req), lambda key, v: _coin(key, v, 0)
        )
        return q.QueryAllBalancesResponse(balances=items, pagination=page)

    def spendable_balances(ctx: Context, req: Any) -> Any:
        r = all_balances(ctx, req)
        return q.QuerySpendableBalancesResponse(balances=r.balances, pagination=r.pagination)

    def spendable_by_denom(ctx: Context, req: Any) -> Any:
        r = balance(ctx, req)
        return q.QuerySpendableBalanceByDenomResponse(balance=r.balance)

    def total_supply(ctx: Context, req: Any) -> Any:
        items, page = paginate(
            ctx.store(STORE_KEY), SUPPLY_PREFIX, _page(req), lambda key, v: _coin(key, v, 0)
        )
        return q.QueryTotalSupplyResponse(supply=items, pagination=page)

    def supply_of(ctx: Context, req: Any) -> Any:
        denom = _denom(req.denom)
        return q.QuerySupplyOfResponse(
            amount=CoinProto(denom=denom, amount=str(k.supply(ctx, denom)))
        )

    def params(ctx: Context, req: Any) -> Any:
        return q.QueryParamsResponse(params=k.params(ctx))

    def denom_metadata(ctx: Context, req: Any) -> Any:
        md = k.denom_metadata(ctx, _denom(req.denom))
        if md is None:
            raise not_found(f"client metadata for denom {req.denom}")
        return q.QueryDenomMetadataResponse(metadata=md)

    def denoms_metadata(ctx: Context, req: Any) -> Any:
        return q.QueryDenomsMetadataResponse(metadatas=list(k.iterate_metadata(ctx)))

    def send_enabled(ctx: Context, req: Any) -> Any:
        p = k.params(ctx)
        entries = [e for e in p.send_enabled if not req.denoms or e.denom in req.denoms]
        return q.QuerySendEnabledResponse(send_enabled=entries)

    G = "GET"
    R = QueryRoute
    return [
        R(
            SVC + "Balance",
            q.QueryBalanceRequest,
            q.QueryBalanceResponse,
            balance,
            (RestRoute(G, BASE + "/balances/{address}/by_denom"),),
        ),
        R(
            SVC + "AllBalances",
            q.QueryAllBalancesRequest,
            q.QueryAllBalancesResponse,
            all_balances,
            (RestRoute(G, BASE + "/balances/{address}"),),
        ),
        R(
            SVC + "SpendableBalances",
            q.QuerySpendableBalancesRequest,
            q.QuerySpendableBalancesResponse,
            spendable_balances,
            (RestRoute(G, BASE + "/spendable_balances/{address}"),),
        ),
        R(
            SVC + "SpendableBalanceByDenom",
            q.QuerySpendableBalanceByDenomRequest,
            q.QuerySpendableBalanceByDenomResponse,
            spendable_by_denom,
            (RestRoute(G, BASE + "/spendable_balances/{address}/by_denom"),),
        ),
        R(
            SVC + "TotalSupply",
            q.QueryTotalSupplyRequest,
            q.QueryTotalSupplyResponse,
            total_supply,
            (RestRoute(G, BASE + "/supply"),),
        ),
        R(
            SVC + "SupplyOf",
            q.QuerySupplyOfRequest,
            q.QuerySupplyOfResponse,
            supply_of,
            (RestRoute(G, BASE + "/supply/by_denom"),),
        ),
        R(
            SVC + "Params",
            q.QueryParamsRequest,
            q.QueryParamsResponse,
            params,
            (RestRoute(G, BASE + "/params"),),
        ),
        R(
            SVC + "DenomMetadata",
            q.QueryDenomMetadataRequest,
            q.QueryDenomMetadataResponse,
            denom_metadata,
            (RestRoute(G, BASE + "/denoms_metadata/{denom}"),),
        ),
        R(
            SVC + "DenomsMetadata",
            q.QueryDenomsMetadataRequest,
            q.QueryDenomsMetadataResponse,
            denoms_metadata,
            (RestRoute(G, BASE + "/denoms_metadata"),),
        ),
        R(
            SVC + "SendEnabled",
            q.QuerySendEnabledRequest,
            q.QuerySendEnabledResponse,
            send_enabled,
            (RestRoute(G, BASE + "/send_enabled"),),
        ),
    ]
