"""cosmos.auth.v1beta1.Query handlers."""

from __future__ import annotations

from typing import Any

from cosmpy.protos.cosmos.auth.v1beta1 import auth_pb2
from cosmpy.protos.cosmos.auth.v1beta1 import query_pb2 as q

from zrchain.codec import address
from zrchain.context import Context
from zrchain.errors import ChainError, invalid_argument, not_found
from zrchain.module import QueryRoute, RestRoute
from zrchain.x.auth.keeper import ACCOUNT_PREFIX, STORE_KEY, AccountKeeper, decode_account
from zrchain.x.pagination import paginate

SVC = "/cosmos.auth.v1beta1.Query/"


def _addr(text: str) -> bytes:
    try:
        return address.acc_bytes(text)
    except ChainError as exc:
        raise invalid_argument(f"invalid address: {exc.log}") from exc


def routes(k: AccountKeeper) -> list[QueryRoute]:
    def account(ctx: Context, req: Any) -> Any:
        if not req.address:
            raise invalid_argument("Address cannot be empty")
        acc = k.get_account(ctx, _addr(req.address))
        if acc is None:
            raise not_found(f"account {req.address} not found")
        return q.QueryAccountResponse(account=acc.to_any())

    def accounts(ctx: Context, req: Any) -> Any:
        items, page = paginate(
            ctx.store(STORE_KEY),
            ACCOUNT_PREFIX,
            req.pagination if req.HasField("pagination") else None,
            lambda _k, v: decode_account(v).to_any(),
        )
        return q.QueryAccountsResponse(accounts=items, pagination=page)

    def params(ctx: Context, req: Any) -> Any:
        return q.QueryParamsResponse(params=k.params(ctx))

    def module_accounts(ctx: Context, req: Any) -> Any:
        accs = [a.to_any() for a in k.iterate_accounts(ctx) if a.module is not None]
        return q.QueryModuleAccountsResponse(accounts=accs)

    def module_account_by_name(ctx: Context, req: Any) -> Any:
        if not req.name:
            raise invalid_argument("module name is empty")
        acc = k.get_account(ctx, address.module_address(req.name))
        if acc is None or acc.module is None:
            raise not_found(f"account {req.name} not found")
        return q.QueryModuleAccountByNameResponse(account=acc.to_any())

    def bech32_prefix(ctx: Context, req: Any) -> Any:
        return q.Bech32PrefixResponse(bech32_prefix=address.ACC_PREFIX)

    def bytes_to_string(ctx: Context, req: Any) -> Any:
        if len(req.address_bytes) not in (20, 32):
            raise invalid_argument("empty or invalid address bytes")
        return q.AddressBytesToStringResponse(address_string=address.acc_string(req.address_bytes))

    def string_to_bytes(ctx: Context, req: Any) -> Any:
        return q.AddressStringToBytesResponse(address_bytes=_addr(req.address_string))

    def account_info(ctx: Context, req: Any) -> Any:
        acc = k.get_account(ctx, _addr(req.address))
        if acc is None:
            raise not_found(f"account {req.address} not found")
        return q.QueryAccountInfoResponse(
            info=auth_pb2.BaseAccount(
                address=acc.base.address,
                pub_key=acc.base.pub_key,
                account_number=acc.number,
                sequence=acc.sequence,
            )
        )

    G = "GET"
    return [
        QueryRoute(
            SVC + "Account",
            q.QueryAccountRequest,
            q.QueryAccountResponse,
            account,
            (RestRoute(G, "/cosmos/auth/v1beta1/accounts/{address}"),),
        ),
        QueryRoute(
            SVC + "Accounts",
            q.QueryAccountsRequest,
            q.QueryAccountsResponse,
            accounts,
            (RestRoute(G, "/cosmos/auth/v1beta1/accounts"),),
        ),
        QueryRoute(
            SVC + "Params",
            q.QueryParamsRequest,
            q.QueryParamsResponse,
            params,
            (RestRoute(G, "/cosmos/auth/v1beta1/params"),),
        ),
        QueryRoute(
            SVC + "ModuleAccounts",
            q.QueryModuleAccountsRequest,
            q.QueryModuleAccountsResponse,
            module_accounts,
            (RestRoute(G, "/cosmos/auth/v1beta1/module_accounts"),),
        ),
        QueryRoute(
            SVC + "ModuleAccountByName",
            q.QueryModuleAccountByNameRequest,
            q.QueryModuleAccountByNameResponse,
            module_account_by_name,
            (RestRoute(G, "/cosmos/auth/v1beta1/module_accounts/{name}"),),
        ),
        QueryRoute(
            SVC + "Bech32Prefix",
            q.Bech32PrefixRequest,
            q.Bech32PrefixResponse,
            bech32_prefix,
            (RestRoute(G, "/cosmos/auth/v1beta1/bech32"),),
        ),
        QueryRoute(
            SVC + "AddressBytesToString",
            q.AddressBytesToStringRequest,
            q.AddressBytesToStringResponse,
            bytes_to_string,
            (RestRoute(G, "/cosmos/auth/v1beta1/bech32/{address_bytes}"),),
        ),
        QueryRoute(
            SVC + "AddressStringToBytes",
            q.AddressStringToBytesRequest,
            q.AddressStringToBytesResponse,
            string_to_bytes,
            (RestRoute(G, "/cosmos/auth/v1beta1/bech32/{address_string}"),),
        ),
        QueryRoute(
            SVC + "AccountInfo",
            q.QueryAccountInfoRequest,
            q.QueryAccountInfoResponse,
            account_info,
            (RestRoute(G, "/cosmos/auth/v1beta1/account_info/{address}"),),
        ),
    ]
