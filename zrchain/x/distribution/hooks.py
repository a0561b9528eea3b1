"""x/distribution's staking hooks: F1's periods follow delegations, slashes and removals."""

from __future__ import annotations

from zrchain.codec.dec import Dec
from zrchain.context import Context
from zrchain.x.distribution.keeper import DistributionKeeper
from zrchain.x.validation.hooks import BaseStakingHooks


class DistributionHooks(BaseStakingHooks):
    def __init__(self, keeper: DistributionKeeper) -> None:
        self.k = keeper

    def after_validator_created(self, ctx: Context, val_addr: bytes) -> None:
        self.k.initialize_validator(ctx, val_addr)

    def after_validator_removed(self, ctx: Context, cons_addr: bytes, val_addr: bytes) -> None:
        self.k.remove_validator(ctx, val_addr)

    def before_delegation_created(self, ctx: Context, del_addr: bytes, val_addr: bytes) -> None:
        self.k.increment_validator_period(ctx, val_addr)

    def before_delegation_shares_modified(
        self, ctx: Context, del_addr: bytes, val_addr: bytes
    ) -> None:
        self.k.withdraw_delegation_rewards(ctx, val_addr, del_addr)

    def after_delegation_modified(self, ctx: Context, del_addr: bytes, val_addr: bytes) -> None:
        self.k.initialize_delegation(ctx, val_addr, del_addr)

    def before_validator_slashed(self, ctx: Context, val_addr: bytes, fraction: Dec) -> None:
        self.k.record_slash(ctx, val_addr, fraction)


__all__ = ["DistributionHooks"]
