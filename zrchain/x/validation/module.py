"""Registration of x/validation: zrChain's staking module (native stake only)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from types import ModuleType

from zrchain.codec import address
from zrchain.context import Context
from zrchain.errors import ChainError
from zrchain.module import Genesis, Module, Service
from zrchain.valset import ValidatorSet
from zrchain.x.validation import genesis
from zrchain.x.validation import types as t
from zrchain.x.validation.expected import StakingAccounts, StakingBank
from zrchain.x.validation.keeper import ValidationKeeper
from zrchain.x.validation.msg_server import ValidationMsgServer
from zrchain.x.validation.query_server import ValidationQueryServer

# Module accounts of the two pools: the stake they hold can be burnt by slashing.
POOL_PERMISSIONS = {t.BONDED_POOL: ["burner", "staking"], t.NOT_BONDED_POOL: ["burner", "staking"]}


@dataclass
class ValidationModule(Module):
    bank: StakingBank | None = None
    accounts: StakingAccounts | None = None
    valset: ValidatorSet = field(default_factory=ValidatorSet)
    name: str = t.MODULE
    consensus_version = 9  # zrChain's
    store_key: str = t.STORE_KEY
    keeper: ValidationKeeper = field(init=False)

    def __post_init__(self) -> None:
        if self.bank is None or self.accounts is None:
            raise ValueError("ValidationModule needs the bank and account keepers")
        self.keeper = ValidationKeeper(self.bank, self.accounts, self.valset)

    def services(self) -> Sequence[Service]:
        return (ValidationMsgServer(self.keeper), ValidationQueryServer(self.keeper))

    def genesis(self) -> Genesis:
        return Genesis.of(genesis, self.keeper)

    # -- blocks --------------------------------------------------------------------------------
    def begin_block(self, ctx: Context) -> None:
        self.keeper.track_historical_info(ctx)

    def end_block(self, ctx: Context) -> None:
        """The SDK's staking EndBlocker: the new bonded set (its changes go to the
        validator set and so to CometBFT), then validators, unbondings and redelegations
        whose time has come."""
        k = self.keeper
        k.apply_validator_set_updates(ctx)
        k.unbond_mature_validators(ctx)
        for pair in k.dequeue_mature_unbondings(ctx):
            try:
                paid = k.complete_unbonding(
                    ctx,
                    address.acc_bytes(pair.delegator_address),
                    address.val_bytes(pair.validator_address),
                )
            except ChainError as exc:  # already completed by an earlier queue entry
                if not t.ErrNoUnbondingDelegation.is_(exc):
                    raise
                continue
            ctx.emit(
                t.EVENT_COMPLETE_UNBONDING,
                ("amount", str(paid)),
                ("validator", pair.validator_address),
                ("delegator", pair.delegator_address),
            )
        for triplet in k.dequeue_mature_redelegations(ctx):
            try:
                done = k.complete_redelegation(
                    ctx,
                    address.acc_bytes(triplet.delegator_address),
                    address.val_bytes(triplet.validator_src_address),
                    address.val_bytes(triplet.validator_dst_address),
                )
            except ChainError as exc:
                if not t.ErrNoRedelegation.is_(exc):
                    raise
                continue
            ctx.emit(
                t.EVENT_COMPLETE_REDELEGATION,
                ("amount", str(done)),
                ("delegator", triplet.delegator_address),
                ("source_validator", triplet.validator_src_address),
                ("destination_validator", triplet.validator_dst_address),
            )

    def cli(self) -> ModuleType:
        from zrchain.x.validation import cli

        return cli


__all__ = ["POOL_PERMISSIONS", "ValidationModule"]
