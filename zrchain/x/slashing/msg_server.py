"""cosmos.slashing.v1beta1.Msg: unjail, and params by governance."""

from __future__ import annotations

from cosmpy.protos.cosmos.slashing.v1beta1 import tx_pb2 as tx

from zrchain import module
from zrchain.codec import address
from zrchain.context import Context
from zrchain.errors import (
    ChainError,
    ErrInvalidAddress,
    ErrInvalidRequest,
)
from zrchain.module import validate_basic
from zrchain.x.gov.types import GOV_AUTHORITY, validate_authority_address
from zrchain.x.gov.types import ErrInvalidSigner as ErrGovInvalidSigner
from zrchain.x.slashing.keeper import SlashingKeeper, validate_params


def validate_unjail(msg: tx.MsgUnjail) -> None:
    try:
        address.val_bytes(msg.validator_addr)
    except ChainError as exc:
        raise ErrInvalidAddress.wrap(f"validator input address: {exc.context}") from None


class SlashingMsgServer(module.MsgServer):
    descriptor = tx.DESCRIPTOR.services_by_name["Msg"]

    def __init__(self, keeper: SlashingKeeper) -> None:
        self.k = keeper

    @validate_basic(validate_unjail)
    def unjail(self, ctx: Context, msg: tx.MsgUnjail) -> tx.MsgUnjailResponse:
        self.k.unjail(ctx, address.val_bytes(msg.validator_addr))
        return tx.MsgUnjailResponse()

    @validate_basic(validate_authority_address)
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


__all__ = ["SlashingMsgServer"]
