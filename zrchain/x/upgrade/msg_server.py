"""cosmos.upgrade.v1beta1.Msg: schedule or cancel a software upgrade (gov authority only)."""

from __future__ import annotations

from cosmpy.protos.cosmos.upgrade.v1beta1 import tx_pb2 as tx
from cosmpy.protos.cosmos.upgrade.v1beta1 import upgrade_pb2

from zrchain import module
from zrchain.codec import address
from zrchain.context import Context
from zrchain.errors import ChainError, ErrInvalidAddress, ErrInvalidRequest
from zrchain.module import validate_basic
from zrchain.x.gov.types import require_gov
from zrchain.x.upgrade.keeper import UpgradeKeeper


def _authority(text: str) -> None:
    try:
        address.acc_bytes(text)
    except ChainError as exc:
        raise ErrInvalidAddress.wrap(f"authority: {exc.context}") from None


def validate_plan(plan: upgrade_pb2.Plan) -> None:
    """The SDK's Plan.ValidateBasic."""
    if plan.HasField("upgraded_client_state"):
        raise ErrInvalidRequest.wrap("upgrade logic for IBC has been moved to the IBC module")
    if not plan.name:
        raise ErrInvalidRequest.wrap("name cannot be empty")
    if plan.height <= 0:
        raise ErrInvalidRequest.wrap("height must be greater than 0")


def validate_software_upgrade(msg: tx.MsgSoftwareUpgrade) -> None:
    _authority(msg.authority)
    try:
        validate_plan(msg.plan)
    except ChainError as exc:
        raise ErrInvalidRequest.wrap(f"plan: {exc.log}") from None


def validate_cancel(msg: tx.MsgCancelUpgrade) -> None:
    _authority(msg.authority)


class UpgradeMsgServer(module.MsgServer):
    descriptor = tx.DESCRIPTOR.services_by_name["Msg"]

    def __init__(self, keeper: UpgradeKeeper) -> None:
        self.k = keeper

    @validate_basic(validate_software_upgrade)
    def software_upgrade(
        self, ctx: Context, msg: tx.MsgSoftwareUpgrade
    ) -> tx.MsgSoftwareUpgradeResponse:
        require_gov(msg.authority)
        if msg.plan.height <= ctx.height:
            raise ErrInvalidRequest.wrap("upgrade cannot be scheduled in the past")
        if self.k.done_height(ctx, msg.plan.name):
            raise ErrInvalidRequest.wrap(
                f"upgrade with name {msg.plan.name} has already been completed"
            )
        self.k.set_plan(ctx, msg.plan)  # replaces any earlier plan, as the SDK
        return tx.MsgSoftwareUpgradeResponse()

    @validate_basic(validate_cancel)
    def cancel_upgrade(self, ctx: Context, msg: tx.MsgCancelUpgrade) -> tx.MsgCancelUpgradeResponse:
        require_gov(msg.authority)
        self.k.clear_plan(ctx)
        return tx.MsgCancelUpgradeResponse()


__all__ = ["UpgradeMsgServer"]
