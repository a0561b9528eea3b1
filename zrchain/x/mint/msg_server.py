"""zrchain.mint.v1beta1.Msg: params, by governance only."""

from __future__ import annotations

from zrchain import module
from zrchain.codec import address
from zrchain.codec.gen.zrchain.mint.v1beta1 import tx_pb2 as tx
from zrchain.context import Context
from zrchain.errors import ErrInvalidRequest
from zrchain.module import validate_basic
from zrchain.x.gov.types import require_gov, validate_authority_address
from zrchain.x.mint.keeper import MintKeeper
from zrchain.x.mint.params import validate_params


class MintMsgServer(module.MsgServer):
    descriptor = tx.DESCRIPTOR.services_by_name["Msg"]

    def __init__(self, keeper: MintKeeper) -> None:
        self.k = keeper

    @validate_basic(validate_authority_address)
    def update_params(self, ctx: Context, msg: tx.MsgUpdateParams) -> tx.MsgUpdateParamsResponse:
        require_gov(msg.authority)
        try:
            validate_params(msg.params)
        except ValueError as exc:
            raise ErrInvalidRequest.wrap(str(exc)) from None
        if address.acc_bytes(msg.params.protocol_wallet_address) in self.k.blocked:
            raise ErrInvalidRequest.wrap(  # zrChain accepts it, then mints nothing (docs/mint.md)
                f"protocol wallet {msg.params.protocol_wallet_address} is a module account "
                "that may not receive funds"
            )
        self.k.set_params(ctx, msg.params)
        return tx.MsgUpdateParamsResponse()


__all__ = ["MintMsgServer"]
