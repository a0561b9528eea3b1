"""cosmos.feegrant.v1beta1.Msg (the SDK v0.50 msg server): GrantAllowance,
RevokeAllowance, PruneAllowances."""

from __future__ import annotations

from cosmpy.protos.cosmos.feegrant.v1beta1 import tx_pb2

from zrchain import module
from zrchain.codec.address import msg_address
from zrchain.context import Context
from zrchain.errors import ErrInvalidAddress, ErrInvalidRequest
from zrchain.module import validate_basic
from zrchain.x.feegrant.keeper import FeegrantKeeper
from zrchain.x.feegrant.types import (
    EVENT_PRUNE,
    PRUNE_LIMIT_PER_MSG,
    ErrNoAllowance,
    check_allowance_any,
    resolve_allowance,
)


def validate_grant(msg: tx_pb2.MsgGrantAllowance) -> None:
    """Decoding unpacks the allowance Any against the FeeAllowanceI interface."""
    if msg.HasField("allowance"):
        check_allowance_any(msg.allowance)


class FeegrantMsgServer(module.MsgServer):
    descriptor = tx_pb2.DESCRIPTOR.services_by_name["Msg"]

    def __init__(self, keeper: FeegrantKeeper) -> None:
        self.k = keeper

    @validate_basic(validate_grant)
    def grant_allowance(
        self, ctx: Context, msg: tx_pb2.MsgGrantAllowance
    ) -> tx_pb2.MsgGrantAllowanceResponse:
        if msg.grantee.casefold() == msg.granter.casefold():
            raise ErrInvalidAddress.wrap("cannot self-grant fee authorization")
        grantee = msg_address(msg.grantee, "grantee")
        granter = msg_address(msg.granter, "granter")
        if self.k.has_grant(ctx, granter, grantee):
            raise ErrInvalidRequest.wrap("fee allowance already exists")
        if not msg.HasField("allowance"):
            raise ErrNoAllowance.wrap("failed to get allowance")
        kind, allowance = resolve_allowance(msg.allowance)
        kind.validate_basic(allowance, 1)
        self.k.grant_allowance(ctx, granter, grantee, msg.allowance)
        return tx_pb2.MsgGrantAllowanceResponse()

    def revoke_allowance(
        self, ctx: Context, msg: tx_pb2.MsgRevokeAllowance
    ) -> tx_pb2.MsgRevokeAllowanceResponse:
        if msg.grantee == msg.granter:
            raise ErrInvalidAddress.wrap("addresses must be different")
        grantee = msg_address(msg.grantee, "grantee")
        granter = msg_address(msg.granter, "granter")
        self.k.revoke_allowance(ctx, granter, grantee)
        return tx_pb2.MsgRevokeAllowanceResponse()

    def prune_allowances(
        self, ctx: Context, msg: tx_pb2.MsgPruneAllowances
    ) -> tx_pb2.MsgPruneAllowancesResponse:
        self.k.remove_expired(ctx, PRUNE_LIMIT_PER_MSG)
        ctx.emit(EVENT_PRUNE, ("pruner", msg.pruner))
        return tx_pb2.MsgPruneAllowancesResponse()
