"""cosmos.slashing.v1beta1 Msg and Query services."""

from __future__ import annotations

from typing import Any

from cosmpy.protos.cosmos.slashing.v1beta1 import query_pb2 as q
from cosmpy.protos.cosmos.slashing.v1beta1 import tx_pb2 as tx

from zrchain import module
from zrchain.codec import address
from zrchain.context import Context
from zrchain.errors import (
    ChainError,
    ErrInvalidAddress,
    ErrInvalidRequest,
    invalid_argument,
    not_found,
)
from zrchain.module import validate_basic
from zrchain.x.pagination import paginate
from zrchain.x.slashing.keeper import SIGNING_INFO, STORE_KEY, SlashingKeeper, validate_params
from zrchain.x.validation.msgs import GOV_AUTHORITY, ErrGovInvalidSigner


def validate_unjail(msg: tx.MsgUnjail) -> None:
    try:
        address.val_bytes(msg.validator_addr)
    except ChainError as exc:
        raise ErrInvalidAddress.wrap(f"validator input address: {exc.context}") from None


def validate_update_params(msg: tx.MsgUpdateParams) -> None:
    try:
        address.acc_bytes(msg.authority)
    except ChainError as exc:
        raise ErrInvalidAddress.wrap(f"invalid authority address: {exc.context}") from None


class MsgServer(module.MsgServer):
    descriptor = tx.DESCRIPTOR.services_by_name["Msg"]

    def __init__(self, keeper: SlashingKeeper) -> None:
        self.k = keeper

    @validate_basic(validate_unjail)
    def unjail(self, ctx: Context, msg: tx.MsgUnjail) -> tx.MsgUnjailResponse:
        self.k.unjail(ctx, address.val_bytes(msg.validator_addr))
        return tx.MsgUnjailResponse()

    @validate_basic(validate_update_params)
    def update_params(self, ctx: Context, msg: tx.MsgUpdateParams) -> tx.MsgUpdateParamsResponse:
        if msg.authority != GOV_AUTHORITY:
            raise ErrGovInvalidSigner.wrap(
                f"invalid authority; expected {GOV_AUTHORITY}, got {msg.authority}"
            )
        try:
            validate_params(msg.params)
        except ValueError as exc:
            raise ErrInvalidRequest.wrap(str(exc)) from None
        self.k.set_params(ctx, msg.params)
        return tx.MsgUpdateParamsResponse()


class QueryServer(module.QueryServer):
    descriptor = q.DESCRIPTOR.services_by_name["Query"]

    def __init__(self, keeper: SlashingKeeper) -> None:
        self.k = keeper

    def params(self, ctx: Context, req: q.QueryParamsRequest) -> q.QueryParamsResponse:
        return q.QueryParamsResponse(params=self.k.params(ctx))

    def signing_info(self, ctx: Context, req: q.QuerySigningInfoRequest) -> Any:
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

    def signing_infos(self, ctx: Context, req: q.QuerySigningInfosRequest) -> Any:
        from cosmpy.protos.cosmos.slashing.v1beta1 import slashing_pb2

        items, page = paginate(
            ctx.store(STORE_KEY),
            SIGNING_INFO,
            req.pagination if req.HasField("pagination") else None,
            lambda _, raw: slashing_pb2.ValidatorSigningInfo.FromString(raw),
        )
        return q.QuerySigningInfosResponse(info=items, pagination=page)


__all__ = ["MsgServer", "QueryServer"]
