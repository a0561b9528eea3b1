"""x/slashing's staking hooks: signing infos and consensus keys follow the validators."""

from __future__ import annotations

from cosmpy.protos.cosmos.slashing.v1beta1 import slashing_pb2
from google.protobuf.timestamp_pb2 import Timestamp

from zrchain.codec.address import cons_string
from zrchain.context import Context
from zrchain.x.slashing.keeper import SlashingKeeper
from zrchain.x.validation.hooks import BaseStakingHooks


class SlashingHooks(BaseStakingHooks):
    """Signing infos start when a validator bonds; its consensus key is known from
    creation (evidence needs it) until it is removed."""

    def __init__(self, keeper: SlashingKeeper) -> None:
        self.k = keeper

    def after_validator_bonded(self, ctx: Context, cons_addr: bytes, val_addr: bytes) -> None:
        info = self.k.signing_info(ctx, cons_addr)
        if info is None:
            info = slashing_pb2.ValidatorSigningInfo(
                address=cons_string(cons_addr), start_height=ctx.height
            )
            info.jailed_until.CopyFrom(Timestamp(seconds=0))
        else:
            info.start_height = ctx.height
        self.k.set_signing_info(ctx, cons_addr, info)

    def after_validator_created(self, ctx: Context, val_addr: bytes) -> None:
        v = self.k.staking.validator(ctx, val_addr)
        if v is not None:
            self.k.add_pubkey(ctx, v.cons_pubkey, v.cons_address)

    def after_validator_removed(self, ctx: Context, cons_addr: bytes, val_addr: bytes) -> None:
        self.k.delete_pubkey(ctx, cons_addr)


__all__ = ["SlashingHooks"]
