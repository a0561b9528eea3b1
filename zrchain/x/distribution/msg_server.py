"""cosmos.distribution.v1beta1.Msg: withdrawals, withdraw address, the community pool."""

from __future__ import annotations

from cosmpy.protos.cosmos.distribution.v1beta1 import tx_pb2 as tx

from zrchain import module
from zrchain.codec import address
from zrchain.codec.coins import Coins
from zrchain.context import Context
from zrchain.errors import (
    ChainError,
    ErrInvalidAddress,
    ErrInvalidCoins,
    ErrInvalidRequest,
    ErrUnauthorized,
)
from zrchain.module import validate_basic
from zrchain.x.distribution import deccoins as dc
from zrchain.x.distribution.keeper import (
    MODULE,
    DistributionKeeper,
    ErrBadDistribution,
    ErrNoDelegationExists,
    ErrNoValidatorExists,
    ErrSetWithdrawAddrDisabled,
    validate_params,
)
from zrchain.x.gov.types import GOV_AUTHORITY
from zrchain.x.gov.types import ErrInvalidSigner as ErrGovInvalidSigner


def _acc(text: str, what: str) -> bytes:
    try:
        return address.acc_bytes(text)
    except ChainError as exc:
        raise ErrInvalidAddress.wrap(f"invalid {what} address: {exc.context}") from None


def _val(text: str) -> bytes:
    try:
        return address.val_bytes(text)
    except ChainError as exc:
        raise ErrInvalidAddress.wrap(f"invalid validator address: {exc.context}") from None


def _positive_coins(protos: object) -> Coins:
    coins = Coins.from_protos(protos)  # type: ignore[arg-type]
    if not coins:
        raise ErrInvalidCoins.wrap("must provide a positive amount")
    return coins


def validate_set_withdraw_address(msg: tx.MsgSetWithdrawAddress) -> None:
    _acc(msg.delegator_address, "delegator")
    _acc(msg.withdraw_address, "withdraw")


def validate_withdraw_reward(msg: tx.MsgWithdrawDelegatorReward) -> None:
    _acc(msg.delegator_address, "delegator")
    _val(msg.validator_address)


def validate_withdraw_commission(msg: tx.MsgWithdrawValidatorCommission) -> None:
    _val(msg.validator_address)


def validate_fund(msg: tx.MsgFundCommunityPool) -> None:
    _acc(msg.depositor, "depositor")
    _positive_coins(msg.amount)


def validate_deposit_validator_rewards_pool(msg: tx.MsgDepositValidatorRewardsPool) -> None:
    """What the SDK v0.50 handler refuses before reading state (address decoding, SendCoins'
    ``Coins.IsValid``), with its codes; checked here at decoding, so a malformed deposit
    costs no fee. No coins at all is valid there (a deposit of nothing), so it is here."""
    _acc(msg.depositor, "depositor")
    _val(msg.validator_address)
    Coins.from_protos(msg.amount)


def validate_update_params(msg: tx.MsgUpdateParams) -> None:
    _acc(msg.authority, "authority")


def validate_spend(msg: tx.MsgCommunityPoolSpend) -> None:
    _acc(msg.authority, "authority")
    _acc(msg.recipient, "recipient")
    _positive_coins(msg.amount)


def _require_gov(authority: str) -> None:
    if authority != GOV_AUTHORITY:
        raise ErrGovInvalidSigner.wrap(
            f"invalid authority; expected {GOV_AUTHORITY}, got {authority}"
        )


class DistributionMsgServer(module.MsgServer):
    descriptor = tx.DESCRIPTOR.services_by_name["Msg"]

    def __init__(self, keeper: DistributionKeeper, blocked: set[bytes]) -> None:
        self.k = keeper
        self.blocked = blocked  # module accounts never receive rewards

    @validate_basic(validate_set_withdraw_address)
    def set_withdraw_address(
        self, ctx: Context, msg: tx.MsgSetWithdrawAddress
    ) -> tx.MsgSetWithdrawAddressResponse:
        if not self.k.params(ctx).withdraw_addr_enabled:
            raise ErrSetWithdrawAddrDisabled.wrap("set withdraw address disabled")
        withdraw = address.acc_bytes(msg.withdraw_address)
        if withdraw in self.blocked:
            raise ErrUnauthorized.wrap(
                f"{msg.withdraw_address} is not allowed to receive external funds"
            )
        self.k.set_withdraw_addr(ctx, address.acc_bytes(msg.delegator_address), withdraw)
        ctx.emit("set_withdraw_address", ("withdraw_address", msg.withdraw_address))
        return tx.MsgSetWithdrawAddressResponse()

    @validate_basic(validate_withdraw_reward)
    def withdraw_delegator_reward(
        self, ctx: Context, msg: tx.MsgWithdrawDelegatorReward
    ) -> tx.MsgWithdrawDelegatorRewardResponse:
        val = address.val_bytes(msg.validator_address)
        delegator = address.acc_bytes(msg.delegator_address)
        if self.k.staking.validator(ctx, val) is None:
            raise ErrNoValidatorExists.wrap(msg.validator_address)
        if self.k.staking.delegation(ctx, delegator, val) is None:
            raise ErrNoDelegationExists.wrap(f"{msg.delegator_address} to {msg.validator_address}")
        paid = self.k.withdraw_delegation_rewards(ctx, val, delegator)
        self.k.initialize_delegation(ctx, val, delegator)  # a new period starts now
        return tx.MsgWithdrawDelegatorRewardResponse(amount=paid.to_protos())

    @validate_basic(validate_withdraw_commission)
    def withdraw_validator_commission(
        self, ctx: Context, msg: tx.MsgWithdrawValidatorCommission
    ) -> tx.MsgWithdrawValidatorCommissionResponse:
        val = address.val_bytes(msg.validator_address)
        if self.k.staking.validator(ctx, val) is None:
            raise ErrNoValidatorExists.wrap(msg.validator_address)
        paid = self.k.withdraw_validator_commission(ctx, val)
        return tx.MsgWithdrawValidatorCommissionResponse(amount=paid.to_protos())

    @validate_basic(validate_fund)
    def fund_community_pool(
        self, ctx: Context, msg: tx.MsgFundCommunityPool
    ) -> tx.MsgFundCommunityPoolResponse:
        coins = _positive_coins(msg.amount)
        self.k.bank.send_to_module(ctx, address.acc_bytes(msg.depositor), MODULE, coins)
        self.k.add_to_community_pool(ctx, dc.of_coins(coins))
        return tx.MsgFundCommunityPoolResponse()

    @validate_basic(validate_deposit_validator_rewards_pool)
    def deposit_validator_rewards_pool(
        self, ctx: Context, msg: tx.MsgDepositValidatorRewardsPool
    ) -> tx.MsgDepositValidatorRewardsPoolResponse:
        """Coins from the depositor to the validator's rewards, as if allocated from fees:
        its commission rate applies and its delegators share the rest by stake."""
        coins = Coins.from_protos(msg.amount)
        # The SDK's order: the transfer first, so a poor depositor's error wins.
        self.k.bank.send_to_module(ctx, address.acc_bytes(msg.depositor), MODULE, coins)
        val = address.val_bytes(msg.validator_address)
        if self.k.staking.validator(ctx, val) is None:
            raise ErrNoValidatorExists.wrap(msg.validator_address)
        self.k.allocate_to_validator(ctx, val, dc.of_coins(coins))
        return tx.MsgDepositValidatorRewardsPoolResponse()

    @validate_basic(validate_update_params)
    def update_params(self, ctx: Context, msg: tx.MsgUpdateParams) -> tx.MsgUpdateParamsResponse:
        _require_gov(msg.authority)
        try:
            validate_params(msg.params)
        except ValueError as exc:
            raise ErrInvalidRequest.wrap(str(exc)) from None
        self.k.set_params(ctx, msg.params)
        return tx.MsgUpdateParamsResponse()

    @validate_basic(validate_spend)
    def community_pool_spend(
        self, ctx: Context, msg: tx.MsgCommunityPoolSpend
    ) -> tx.MsgCommunityPoolSpendResponse:
        _require_gov(msg.authority)
        coins = _positive_coins(msg.amount)
        recipient = address.acc_bytes(msg.recipient)
        if recipient in self.blocked:
            raise ErrUnauthorized.wrap(f"{msg.recipient} is not allowed to receive external funds")
        pool = self.k.community_pool(ctx)
        try:
            left = dc.sub(pool, dc.of_coins(coins))
        except ArithmeticError:
            raise ErrBadDistribution.wrap("community pool") from None
        self.k.set_community_pool(ctx, left)
        self.k.bank.send_coins(ctx, self.k.module_address, recipient, coins)
        return tx.MsgCommunityPoolSpendResponse()


__all__ = ["DistributionMsgServer"]
