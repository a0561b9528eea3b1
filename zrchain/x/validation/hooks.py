"""The SDK's staking hooks: how x/validation tells other modules of its changes.

``StakingHooks`` are the SDK's staking hooks: x/slashing, and later x/distribution and
x/gov, implement the ones they need (subclass ``BaseStakingHooks``, whose methods do
nothing) and are registered on the keeper with ``ValidationKeeper.add_hooks``. A hook that
raises a ChainError fails the operation (the tx, or the block for end-block work), so a
hook must only raise for a real fault of the state machine.
"""

from __future__ import annotations

from typing import Protocol

from zrchain.codec.dec import Dec
from zrchain.context import Context


class StakingHooks(Protocol):
    def after_validator_created(self, ctx: Context, val_addr: bytes) -> None: ...
    def before_validator_modified(self, ctx: Context, val_addr: bytes) -> None: ...
    def after_validator_removed(self, ctx: Context, cons_addr: bytes, val_addr: bytes) -> None: ...
    def after_validator_bonded(self, ctx: Context, cons_addr: bytes, val_addr: bytes) -> None: ...
    def after_validator_begin_unbonding(
        self, ctx: Context, cons_addr: bytes, val_addr: bytes
    ) -> None: ...
    def before_delegation_created(self, ctx: Context, del_addr: bytes, val_addr: bytes) -> None: ...
    def before_delegation_shares_modified(
        self, ctx: Context, del_addr: bytes, val_addr: bytes
    ) -> None: ...
    def before_delegation_removed(self, ctx: Context, del_addr: bytes, val_addr: bytes) -> None: ...
    def after_delegation_modified(self, ctx: Context, del_addr: bytes, val_addr: bytes) -> None: ...
    def before_validator_slashed(self, ctx: Context, val_addr: bytes, fraction: Dec) -> None: ...
    def after_unbonding_initiated(self, ctx: Context, unbonding_id: int) -> None: ...


class BaseStakingHooks:
    """Every hook, doing nothing: subclass and override the ones you need."""

    def after_validator_created(self, ctx: Context, val_addr: bytes) -> None:
        return None

    def before_validator_modified(self, ctx: Context, val_addr: bytes) -> None:
        return None

    def after_validator_removed(self, ctx: Context, cons_addr: bytes, val_addr: bytes) -> None:
        return None

    def after_validator_bonded(self, ctx: Context, cons_addr: bytes, val_addr: bytes) -> None:
        return None

    def after_validator_begin_unbonding(
        self, ctx: Context, cons_addr: bytes, val_addr: bytes
    ) -> None:
        return None

    def before_delegation_created(self, ctx: Context, del_addr: bytes, val_addr: bytes) -> None:
        return None

    def before_delegation_shares_modified(
        self, ctx: Context, del_addr: bytes, val_addr: bytes
    ) -> None:
        return None

    def before_delegation_removed(self, ctx: Context, del_addr: bytes, val_addr: bytes) -> None:
        return None

    def after_delegation_modified(self, ctx: Context, del_addr: bytes, val_addr: bytes) -> None:
        return None

    def before_validator_slashed(self, ctx: Context, val_addr: bytes, fraction: Dec) -> None:
        return None

    def after_unbonding_initiated(self, ctx: Context, unbonding_id: int) -> None:
        return None


class MultiStakingHooks(BaseStakingHooks):
    """Calls every registered hook in registration order."""

    def __init__(self) -> None:
        self.hooks: list[StakingHooks] = []

    def after_validator_created(self, ctx: Context, val_addr: bytes) -> None:
        for h in self.hooks:
            h.after_validator_created(ctx, val_addr)

    def before_validator_modified(self, ctx: Context, val_addr: bytes) -> None:
        for h in self.hooks:
            h.before_validator_modified(ctx, val_addr)

    def after_validator_removed(self, ctx: Context, cons_addr: bytes, val_addr: bytes) -> None:
        for h in self.hooks:
            h.after_validator_removed(ctx, cons_addr, val_addr)

    def after_validator_bonded(self, ctx: Context, cons_addr: bytes, val_addr: bytes) -> None:
        for h in self.hooks:
            h.after_validator_bonded(ctx, cons_addr, val_addr)

    def after_validator_begin_unbonding(
        self, ctx: Context, cons_addr: bytes, val_addr: bytes
    ) -> None:
        for h in self.hooks:
            h.after_validator_begin_unbonding(ctx, cons_addr, val_addr)

    def before_delegation_created(self, ctx: Context, del_addr: bytes, val_addr: bytes) -> None:
        for h in self.hooks:
            h.before_delegation_created(ctx, del_addr, val_addr)

    def before_delegation_shares_modified(
        self, ctx: Context, del_addr: bytes, val_addr: bytes
    ) -> None:
        for h in self.hooks:
            h.before_delegation_shares_modified(ctx, del_addr, val_addr)

    def before_delegation_removed(self, ctx: Context, del_addr: bytes, val_addr: bytes) -> None:
        for h in self.hooks:
            h.before_delegation_removed(ctx, del_addr, val_addr)

    def after_delegation_modified(self, ctx: Context, del_addr: bytes, val_addr: bytes) -> None:
        for h in self.hooks:
            h.after_delegation_modified(ctx, del_addr, val_addr)

    def before_validator_slashed(self, ctx: Context, val_addr: bytes, fraction: Dec) -> None:
        for h in self.hooks:
            h.before_validator_slashed(ctx, val_addr, fraction)

    def after_unbonding_initiated(self, ctx: Context, unbonding_id: int) -> None:
        for h in self.hooks:
            h.after_unbonding_initiated(ctx, unbonding_id)


__all__ = ["BaseStakingHooks", "MultiStakingHooks", "StakingHooks"]
