"""cosmos.auth.v1beta1.Query."""

from __future__ import annotations

from cosmpy.protos.cosmos.auth.v1beta1 import auth_pb2
from cosmpy.protos.cosmos.auth.v1beta1 import query_pb2 as q

from zrchain import module
from zrchain.codec import address
from zrchain.context import Context
from zrchain.errors import ChainError, invalid_argument, not_found
from zrchain.x.auth.keeper import AccountKeeper
from zrchain.x.pagination import page_of


def _addr(text: str) -> bytes:
    try:
        return address.acc_bytes(text)
    except ChainError as exc:
        raise invalid_argument(f"invalid address: {exc.log}") from exc


class AuthQueryServer(module.QueryServer):
    descriptor = q.DESCRIPTOR.services_by_name["Query"]
    absent = {"AccountAddressByID": "not served: no account-number index on this node"}

    def __init__(self, keeper: AccountKeeper) -> None:
        self.k = keeper

    def account(self, ctx: Context, req: q.QueryAccountRequest) -> q.QueryAccountResponse:
        if not req.address:
            raise invalid_argument("Address cannot be empty")
        acc = self.k.get_account(ctx, _addr(req.address))
        if acc is None:
            raise not_found(f"account {req.address} not found")
        return q.QueryAccountResponse(account=acc.to_any())

    def accounts(self, ctx: Context, req: q.QueryAccountsRequest) -> q.QueryAccountsResponse:
        items, page = self.k.accounts_page(ctx, page_of(req))
        return q.QueryAccountsResponse(accounts=items, pagination=page)

    def params(self, ctx: Context, req: q.QueryParamsRequest) -> q.QueryParamsResponse:
        return q.QueryParamsResponse(params=self.k.params(ctx))

    def module_accounts(
        self, ctx: Context, req: q.QueryModuleAccountsRequest
    ) -> q.QueryModuleAccountsResponse:
        accs = [a.to_any() for a in self.k.iterate_accounts(ctx) if a.module is not None]
        return q.QueryModuleAccountsResponse(accounts=accs)

    def module_account_by_name(
        self, ctx: Context, req: q.QueryModuleAccountByNameRequest
    ) -> q.QueryModuleAccountByNameResponse:
        if not req.name:
            raise invalid_argument("module name is empty")
        acc = self.k.get_account(ctx, address.module_address(req.name))
        if acc is None or acc.module is None:
            raise not_found(f"account {req.name} not found")
        return q.QueryModuleAccountByNameResponse(account=acc.to_any())

    def bech32_prefix(self, ctx: Context, req: q.Bech32PrefixRequest) -> q.Bech32PrefixResponse:
        return q.Bech32PrefixResponse(bech32_prefix=address.ACC_PREFIX)

    def address_bytes_to_string(
        self, ctx: Context, req: q.AddressBytesToStringRequest
    ) -> q.AddressBytesToStringResponse:
        if len(req.address_bytes) not in (20, 32):
            raise invalid_argument("empty or invalid address bytes")
        return q.AddressBytesToStringResponse(address_string=address.acc_string(req.address_bytes))

    def address_string_to_bytes(
        self, ctx: Context, req: q.AddressStringToBytesRequest
    ) -> q.AddressStringToBytesResponse:
        return q.AddressStringToBytesResponse(address_bytes=_addr(req.address_string))

    def account_info(
        self, ctx: Context, req: q.QueryAccountInfoRequest
    ) -> q.QueryAccountInfoResponse:
        acc = self.k.get_account(ctx, _addr(req.address))
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
