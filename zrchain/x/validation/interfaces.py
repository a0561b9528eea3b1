"""What x/validation offers other modules, and what it calls on them.

``StakingHooks`` are the SDK's staking hooks: x/slashing, and later x/distribution and
x/gov, implement the ones they need (subclass ``BaseStakingHooks``, whose methods do
nothing) and are registered on the keeper with ``ValidationKeeper.add_hooks``. A hook that
raises a ChainError fails the operation (the tx, or the block for end-block work), so a
hook must only raise for a real fault of the state machine.

``StakingReader`` is the read side other modules may rely on (gov tallies with it,
distribution allocates and settles with it). Addresses are raw bytes: an operator's bytes
are both its account and its ``zenvaloper`` address; consensus addresses are the 20 bytes
CometBFT uses (``sha256(ed25519 key)[:20]``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from zrchain.codec.dec import Dec
from zrchain.codec.gen.zrchain.validation import staking_pb2
from zrchain.context import Context
from zrchain.x.validation.types import Validator


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


class StakingReader(Protocol):
    """Reads other modules may make (all in ``ctx``'s state; nothing is cached)."""

    def bond_denom(self, ctx: Context) -> str: ...
    def power_reduction(self) -> int: ...
    def validator(self, ctx: Context, val_addr: bytes) -> Validator | None: ...
    def validator_by_cons_addr(self, ctx: Context, cons_addr: bytes) -> Validator | None: ...
    def bonded_validators_by_power(self, ctx: Context) -> Iterator[Validator]:
        """Bonded validators, highest power first (at most ``max_validators``)."""
        ...

    def last_validator_powers(self, ctx: Context) -> Iterator[tuple[bytes, int]]:
        """(operator, power) of the set as of the last end block."""
        ...

    def total_bonded_tokens(self, ctx: Context) -> int: ...
    def last_total_power(self, ctx: Context) -> int: ...
    def delegation(
        self, ctx: Context, del_addr: bytes, val_addr: bytes
    ) -> staking_pb2.Delegation | None: ...
    def delegator_delegations(
        self, ctx: Context, del_addr: bytes
    ) -> Iterator[staking_pb2.Delegation]: ...
    def validator_delegations(
        self, ctx: Context, val_addr: bytes
    ) -> Iterator[staking_pb2.Delegation]: ...


__all__ = ["BaseStakingHooks", "MultiStakingHooks", "StakingHooks", "StakingReader"]
