"""The only code that touches the distribution store: the SDK's F1 fee distribution.

Each validator has periods. Rewards allocated to it accumulate in its *current* rewards;
ending a period (a delegation starts or changes, a slash) adds ``rewards / tokens`` to the
cumulative reward ratio kept as the period's *historical* rewards. A delegation remembers
the period it started after and its stake then; its reward is
``stake * (ratio(end) - ratio(start))``, split at every slash in between (the stake shrinks by
the slash fraction). All amounts are DecCoins (LegacyDec, 18 decimals) truncated as the SDK
does; what truncation leaves (the sub-urock change of a withdrawal, rewards of a validator
with no tokens) goes to the community pool, so nothing is created or lost: the module
account always holds exactly outstanding rewards + community pool (truncated down).

Layout under ``distribution/`` (``val``/``del`` 20 bytes, integers 8-byte big-endian), the
SDK's prefixes::

    0x00                 -> FeePool (the community pool)
    0x01                 -> previous proposer's consensus address
    0x02 val             -> ValidatorOutstandingRewards
    0x03 del             -> withdraw address (20 bytes)
    0x04 val del         -> DelegatorStartingInfo
    0x05 val period      -> ValidatorHistoricalRewards
    0x06 val             -> ValidatorCurrentRewards
    0x07 val             -> ValidatorAccumulatedCommission
    0x08 val height period -> ValidatorSlashEvent
    0x09                 -> Params
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from cosmpy.protos.cosmos.distribution.v1beta1 import distribution_pb2 as dpb

from zrchain.codec.address import acc_string, module_address, val_string
from zrchain.codec.coins import Coins
from zrchain.codec.dec import ONE, Dec
from zrchain.context import Context, VoteInfo
from zrchain.errors import register
from zrchain.store.kv import iterate_prefix
from zrchain.x.distribution import deccoins as dc
from zrchain.x.distribution.deccoins import DecCoins
from zrchain.x.distribution.expected import (
    DistributionAccounts,
    DistributionBank,
    DistributionStaking,
)
from zrchain.x.validation.types import delegation_shares

MODULE = "distribution"
STORE_KEY = "distribution"
FEE_COLLECTOR = "fee_collector"

FEE_POOL = b"\x00"
PROPOSER = b"\x01"
OUTSTANDING = b"\x02"
WITHDRAW_ADDR = b"\x03"
STARTING_INFO = b"\x04"
HISTORICAL = b"\x05"
CURRENT = b"\x06"
COMMISSION = b"\x07"
SLASH_EVENT = b"\x08"
PARAMS = b"\x09"

ErrEmptyDelegatorAddr = register(MODULE, 2, "delegator address is empty")
ErrEmptyWithdrawAddr = register(MODULE, 3, "withdraw address is empty")
ErrEmptyValidatorAddr = register(MODULE, 4, "validator address is empty")
ErrEmptyDelegationDistInfo = register(MODULE, 5, "no delegation distribution info")
ErrNoValidatorDistInfo = register(MODULE, 6, "no validator distribution info")
ErrNoValidatorCommission = register(MODULE, 7, "no validator commission to withdraw")
ErrSetWithdrawAddrDisabled = register(MODULE, 8, "set withdraw address disabled")
ErrBadDistribution = register(
    MODULE, 9, "community pool does not have sufficient coins to distribute"
)
ErrNoValidatorExists = register(MODULE, 12, "validator does not exist")
ErrNoDelegationExists = register(MODULE, 13, "delegation does not exist")

DEFAULT_PARAMS = dpb.Params(
    community_tax=Dec.ratio(2, 100).atomics(),
    base_proposer_reward=Dec(0).atomics(),
    bonus_proposer_reward=Dec(0).atomics(),
    withdraw_addr_enabled=True,
)


def validate_params(p: dpb.Params) -> None:
    """Raise ValueError with the SDK's wording."""
    try:
        tax = Dec.from_atomics(p.community_tax)
    except Exception:
        raise ValueError(f"invalid community tax rate: {p.community_tax!r}") from None
    if tax.is_negative():
        raise ValueError(f"community tax must be positive: {tax}")
    if tax > ONE:
        raise ValueError(f"community tax too large: {tax}")


def _u64(n: int) -> bytes:
    return n.to_bytes(8, "big")


class DistributionKeeper:
    def __init__(
        self,
        staking: DistributionStaking,
        bank: DistributionBank,
        module_address: bytes,
        accounts: DistributionAccounts,
    ) -> None:
        self.staking = staking
        self.bank = bank
        self.module_address = module_address
        self.accounts = accounts

    def _store(self, ctx: Context) -> Any:
        return ctx.store(STORE_KEY)

    def _get(self, ctx: Context, key: bytes, msg: Any) -> Any | None:
        raw = self._store(ctx).get(key)
        if raw is None:
            return None
        msg.ParseFromString(raw)
        return msg

    def _set(self, ctx: Context, key: bytes, msg: Any) -> None:
        self._store(ctx).set(key, msg.SerializeToString())

    # -- params and the community pool -------------------------------------------------
    def params(self, ctx: Context) -> dpb.Params:
        p = self._get(ctx, PARAMS, dpb.Params())
        return p if p is not None else DEFAULT_PARAMS

    def set_params(self, ctx: Context, p: dpb.Params) -> None:
        self._set(ctx, PARAMS, p)

    def community_pool(self, ctx: Context) -> DecCoins:
        fp = self._get(ctx, FEE_POOL, dpb.FeePool())
        return dc.from_protos(fp.community_pool) if fp is not None else {}

    def set_community_pool(self, ctx: Context, pool: Mapping[str, Dec]) -> None:
        self._set(ctx, FEE_POOL, dpb.FeePool(community_pool=dc.to_protos(pool)))

    def add_to_community_pool(self, ctx: Context, amount: Mapping[str, Dec]) -> None:
        if amount:
            self.set_community_pool(ctx, dc.add(self.community_pool(ctx), amount))

    def previous_proposer(self, ctx: Context) -> bytes:
        return bytes(self._store(ctx).get(PROPOSER) or b"")

    def set_previous_proposer(self, ctx: Context, cons: bytes) -> None:
        self._store(ctx).set(PROPOSER, cons)

    # -- withdraw addresses ------------------------------------------------------------
    def withdraw_addr(self, ctx: Context, delegator: bytes) -> bytes:
        return bytes(self._store(ctx).get(WITHDRAW_ADDR + delegator) or delegator)

    def set_withdraw_addr(self, ctx: Context, delegator: bytes, withdraw: bytes) -> None:
        if withdraw == delegator:
            self._store(ctx).delete(WITHDRAW_ADDR + delegator)
        else:
            self._store(ctx).set(WITHDRAW_ADDR + delegator, withdraw)

    def iterate_withdraw_addrs(self, ctx: Context) -> Iterator[tuple[bytes, bytes]]:
        for k, v in iterate_prefix(self._store(ctx), WITHDRAW_ADDR):
            yield bytes(k[1:]), bytes(v)

    # -- per-validator records ---------------------------------------------------------
    def outstanding(self, ctx: Context, val: bytes) -> DecCoins:
        r = self._get(ctx, OUTSTANDING + val, dpb.ValidatorOutstandingRewards())
        return dc.from_protos(r.rewards) if r is not None else {}

    def set_outstanding(self, ctx: Context, val: bytes, amount: Mapping[str, Dec]) -> None:
        self._set(
            ctx, OUTSTANDING + val, dpb.ValidatorOutstandingRewards(rewards=dc.to_protos(amount))
        )

    def iterate_outstanding(self, ctx: Context) -> Iterator[tuple[bytes, DecCoins]]:
        for k, v in iterate_prefix(self._store(ctx), OUTSTANDING):
            r = dpb.ValidatorOutstandingRewards.FromString(v)
            yield bytes(k[1:]), dc.from_protos(r.rewards)

    def commission(self, ctx: Context, val: bytes) -> DecCoins:
        r = self._get(ctx, COMMISSION + val, dpb.ValidatorAccumulatedCommission())
        return dc.from_protos(r.commission) if r is not None else {}

    def set_commission(self, ctx: Context, val: bytes, amount: Mapping[str, Dec]) -> None:
        self._set(
            ctx,
            COMMISSION + val,
            dpb.ValidatorAccumulatedCommission(commission=dc.to_protos(amount)),
        )

    def current_rewards(self, ctx: Context, val: bytes) -> tuple[DecCoins, int]:
        r = self._get(ctx, CURRENT + val, dpb.ValidatorCurrentRewards())
        if r is None:
            return {}, 0
        return dc.from_protos(r.rewards), int(r.period)

    def set_current_rewards(
        self, ctx: Context, val: bytes, rewards: Mapping[str, Dec], period: int
    ) -> None:
        self._set(
            ctx,
            CURRENT + val,
            dpb.ValidatorCurrentRewards(rewards=dc.to_protos(rewards), period=period),
        )

    def historical(self, ctx: Context, val: bytes, period: int) -> dpb.ValidatorHistoricalRewards:
        r = self._get(ctx, HISTORICAL + val + _u64(period), dpb.ValidatorHistoricalRewards())
        if r is None:
            raise ArithmeticError(f"no historical rewards for {val.hex()} period {period}")
        return r

    def set_historical(
        self, ctx: Context, val: bytes, period: int, h: dpb.ValidatorHistoricalRewards
    ) -> None:
        self._set(ctx, HISTORICAL + val + _u64(period), h)

    def _increment_reference(self, ctx: Context, val: bytes, period: int) -> None:
        h = self.historical(ctx, val, period)
        if h.reference_count > 2:
            raise ArithmeticError("reference count should never exceed 2")
        h.reference_count += 1
        self.set_historical(ctx, val, period, h)

    def _decrement_reference(self, ctx: Context, val: bytes, period: int) -> None:
        h = self.historical(ctx, val, period)
        if h.reference_count == 0:
            raise ArithmeticError("cannot set negative reference count")
        h.reference_count -= 1
        if h.reference_count == 0:
            self._store(ctx).delete(HISTORICAL + val + _u64(period))
        else:
            self.set_historical(ctx, val, period, h)

    def starting_info(self, ctx: Context, val: bytes, delegator: bytes) -> Any | None:
        return self._get(ctx, STARTING_INFO + val + delegator, dpb.DelegatorStartingInfo())

    def slash_events(
        self, ctx: Context, val: bytes, start_height: int, end_height: int
    ) -> Iterator[dpb.ValidatorSlashEvent]:
        """Slash events at heights start..end inclusive, in (height, period) order."""
        prefix = SLASH_EVENT + val
        store = self._store(ctx)
        for _k, v in store.iterate(prefix + _u64(start_height), prefix + _u64(end_height + 1)):
            yield dpb.ValidatorSlashEvent.FromString(v)

    def iterate_slash_events(
        self, ctx: Context, val: bytes
    ) -> Iterator[tuple[int, dpb.ValidatorSlashEvent]]:
        prefix = SLASH_EVENT + val
        for k, v in iterate_prefix(self._store(ctx), prefix):
            yield (
                int.from_bytes(k[len(prefix) : len(prefix) + 8], "big"),
                (dpb.ValidatorSlashEvent.FromString(v)),
            )

    # -- every record, for genesis export --------------------------------------------------
    def iterate_commissions(self, ctx: Context) -> Iterator[tuple[bytes, DecCoins]]:
        for k, v in iterate_prefix(self._store(ctx), COMMISSION):
            r = dpb.ValidatorAccumulatedCommission.FromString(v)
            yield bytes(k[1:]), dc.from_protos(r.commission)

    def iterate_historical(
        self, ctx: Context
    ) -> Iterator[tuple[bytes, int, dpb.ValidatorHistoricalRewards]]:
        for k, v in iterate_prefix(self._store(ctx), HISTORICAL):
            yield bytes(k[1:-8]), int.from_bytes(k[-8:], "big"), (
                dpb.ValidatorHistoricalRewards.FromString(v)
            )

    def iterate_current(self, ctx: Context) -> Iterator[tuple[bytes, dpb.ValidatorCurrentRewards]]:
        for k, v in iterate_prefix(self._store(ctx), CURRENT):
            yield bytes(k[1:]), dpb.ValidatorCurrentRewards.FromString(v)

    def iterate_starting_infos(
        self, ctx: Context
    ) -> Iterator[tuple[bytes, bytes, dpb.DelegatorStartingInfo]]:
        for k, v in iterate_prefix(self._store(ctx), STARTING_INFO):
            yield bytes(k[1:21]), bytes(k[21:]), dpb.DelegatorStartingInfo.FromString(v)

    def iterate_all_slash_events(
        self, ctx: Context
    ) -> Iterator[tuple[bytes, int, int, dpb.ValidatorSlashEvent]]:
        """(validator, height, period, event) of every validator."""
        for k, v in iterate_prefix(self._store(ctx), SLASH_EVENT):
            val, height = bytes(k[1:-16]), int.from_bytes(k[-16:-8], "big")
            yield val, height, int.from_bytes(k[-8:], "big"), dpb.ValidatorSlashEvent.FromString(v)

    def set_starting_info(
        self, ctx: Context, val: bytes, delegator: bytes, info: dpb.DelegatorStartingInfo
    ) -> None:
        self._set(ctx, STARTING_INFO + val + delegator, info)

    def set_slash_event(
        self, ctx: Context, val: bytes, height: int, period: int, e: dpb.ValidatorSlashEvent
    ) -> None:
        self._set(ctx, SLASH_EVENT + val + _u64(height) + _u64(period), e)

    # -- F1 ----------------------------------------------------------------------------
    def initialize_validator(self, ctx: Context, val: bytes) -> None:
        self.set_historical(ctx, val, 0, dpb.ValidatorHistoricalRewards(reference_count=1))
        self.set_current_rewards(ctx, val, {}, 1)
        self.set_commission(ctx, val, {})
        self.set_outstanding(ctx, val, {})

    def increment_validator_period(self, ctx: Context, val: bytes) -> int:
        """End the validator's current period; returns the period just ended."""
        v = self.staking.validator(ctx, val)
        rewards, period = self.current_rewards(ctx, val)
        if v is None or v.tokens == 0:
            # Nobody to earn them: they go to the community pool.
            self.add_to_community_pool(ctx, rewards)
            self.set_outstanding(ctx, val, dc.sub(self.outstanding(ctx, val), rewards))
            ratio: DecCoins = {}
        else:
            ratio = dc.quo_dec_truncate(rewards, Dec.of(v.tokens))
        prev = self.historical(ctx, val, period - 1)
        self._decrement_reference(ctx, val, period - 1)
        cumulative = dc.add(dc.from_protos(prev.cumulative_reward_ratio), ratio)
        self.set_historical(
            ctx,
            val,
            period,
            dpb.ValidatorHistoricalRewards(
                cumulative_reward_ratio=dc.to_protos(cumulative), reference_count=1
            ),
        )
        self.set_current_rewards(ctx, val, {}, period + 1)
        return period

    def initialize_delegation(self, ctx: Context, val: bytes, delegator: bytes) -> None:
        _, period = self.current_rewards(ctx, val)
        previous = period - 1
        self._increment_reference(ctx, val, previous)
        v = self.staking.validator(ctx, val)
        d = self.staking.delegation(ctx, delegator, val)
        if v is None or d is None:
            raise ArithmeticError("delegation initialised without validator or delegation")
        stake = v.tokens_from_shares_truncated(delegation_shares(d))
        self._set(
            ctx,
            STARTING_INFO + val + delegator,
            dpb.DelegatorStartingInfo(
                previous_period=previous, stake=stake.atomics(), height=ctx.height
            ),
        )

    def _rewards_between(
        self, ctx: Context, val: bytes, start: int, end: int, stake: Dec
    ) -> DecCoins:
        if start > end:
            raise ArithmeticError("start period after end period")
        if stake.is_negative():
            raise ArithmeticError("stake should not be negative")
        a = dc.from_protos(self.historical(ctx, val, start).cumulative_reward_ratio)
        b = dc.from_protos(self.historical(ctx, val, end).cumulative_reward_ratio)
        return dc.mul_dec_truncate(dc.sub(b, a), stake)

    def calculate_delegation_rewards(
        self, ctx: Context, val: bytes, delegator: bytes, ending_period: int
    ) -> DecCoins:
        info = self.starting_info(ctx, val, delegator)
        if info is None:
            raise ErrEmptyDelegationDistInfo.wrap(f"{acc_string(delegator)} to {val_string(val)}")
        if int(info.height) == ctx.height:
            return {}  # started this block: nothing earned yet
        start = int(info.previous_period)
        stake = Dec.from_atomics(info.stake)
        rewards: DecCoins = {}
        if ctx.height > int(info.height):
            for ev in self.slash_events(ctx, val, int(info.height), ctx.height):
                end = int(ev.validator_period)
                if end > start:
                    rewards = dc.add(rewards, self._rewards_between(ctx, val, start, end, stake))
                    stake = stake.mul_truncate(ONE - Dec.from_atomics(ev.fraction))
                    start = end
        v = self.staking.validator(ctx, val)
        d = self.staking.delegation(ctx, delegator, val)
        if v is None or d is None:
            raise ErrNoDelegationExists.wrap(acc_string(delegator))
        current = v.tokens_from_shares(delegation_shares(d))
        if stake > current:
            # Truncation in the slash fractions may leave the stake a few atomics above.
            if stake <= current + Dec(3):
                stake = current
            else:
                raise ArithmeticError(
                    f"calculated final stake for delegator {acc_string(delegator)} greater "
                    f"than current stake: {stake} > {current}"
                )
        return dc.add(rewards, self._rewards_between(ctx, val, start, ending_period, stake))

    def withdraw_delegation_rewards(self, ctx: Context, val: bytes, delegator: bytes) -> Coins:
        if self.starting_info(ctx, val, delegator) is None:
            raise ErrEmptyDelegationDistInfo.wrap(f"{acc_string(delegator)} to {val_string(val)}")
        ending = self.increment_validator_period(ctx, val)
        raw = self.calculate_delegation_rewards(ctx, val, delegator, ending)
        outstanding = self.outstanding(ctx, val)
        rewards = dc.intersect(raw, outstanding)
        whole, change = dc.truncate_decimal(rewards)
        if whole:
            self.bank.send_coins(
                ctx, self.module_address, self.withdraw_addr(ctx, delegator), whole
            )
        self.set_outstanding(ctx, val, dc.sub(outstanding, rewards))
        self.add_to_community_pool(ctx, change)
        info = self.starting_info(ctx, val, delegator)
        assert info is not None
        self._decrement_reference(ctx, val, int(info.previous_period))
        self._store(ctx).delete(STARTING_INFO + val + delegator)
        shown = str(whole) if whole else f"0{self.staking.bond_denom(ctx)}"
        ctx.emit(
            "withdraw_rewards",
            ("amount", shown),
            ("validator", val_string(val)),
            ("delegator", acc_string(delegator)),
        )
        return whole

    def withdraw_validator_commission(self, ctx: Context, val: bytes) -> Coins:
        accumulated = self.commission(ctx, val)
        if not accumulated:
            raise ErrNoValidatorCommission.wrap(val_string(val))
        whole, change = dc.truncate_decimal(accumulated)
        self.set_commission(ctx, val, change)
        self.set_outstanding(ctx, val, dc.sub(self.outstanding(ctx, val), dc.of_coins(whole)))
        if whole:
            self.bank.send_coins(ctx, self.module_address, self.withdraw_addr(ctx, val), whole)
        ctx.emit("withdraw_commission", ("amount", str(whole)))
        return whole

    def delegation_rewards_now(self, ctx: Context, val: bytes, delegator: bytes) -> DecCoins:
        """What a withdrawal would pay now, computed in a discarded branch (queries)."""
        branch, _ = ctx.branch()
        ending = self.increment_validator_period(branch, val)
        return self.calculate_delegation_rewards(branch, val, delegator, ending)

    # -- allocation --------------------------------------------------------------------
    def allocate_to_validator(self, ctx: Context, val: bytes, tokens: Mapping[str, Dec]) -> None:
        v = self.staking.validator(ctx, val)
        assert v is not None
        commission = dc.mul_dec(tokens, v.commission_rate)
        shared = dc.sub(tokens, commission)
        valoper = val_string(val)
        ctx.emit("commission", ("amount", dc.shown(commission)), ("validator", valoper))
        self.set_commission(ctx, val, dc.add(self.commission(ctx, val), commission))
        rewards, period = self.current_rewards(ctx, val)
        self.set_current_rewards(ctx, val, dc.add(rewards, shared), period)
        ctx.emit("rewards", ("amount", dc.shown(tokens)), ("validator", valoper))
        self.set_outstanding(ctx, val, dc.add(self.outstanding(ctx, val), tokens))

    def allocate_tokens(self, ctx: Context, votes: Sequence[VoteInfo]) -> None:
        """Move what the fee collector holds to the validators of the last commit by their
        share of the voters' bonded tokens (zrChain's fork; upstream shares by vote power),
        less the community tax; what is left goes to the community pool."""
        fee_collector = module_address(FEE_COLLECTOR)
        collected = self.bank.all_balances(ctx, fee_collector)
        if not collected:
            return
        self.bank.send_module_to_module(ctx, FEE_COLLECTOR, MODULE, collected)
        fees = dc.of_coins(collected)
        if sum(v.power for v in votes) == 0:
            self.add_to_community_pool(ctx, fees)
            return
        tax = Dec.from_atomics(self.params(ctx).community_tax)
        multiplier = dc.mul_dec_truncate(fees, ONE - tax)
        # a vote whose validator is gone since leaves its share in the community pool
        voters = [
            v
            for v in (self.staking.validator_by_cons_addr(ctx, vote.address) for vote in votes)
            if v is not None
        ]
        total_bonded = sum(v.bonded_tokens() for v in voters)
        remaining = fees
        if total_bonded > 0:  # else nobody voting is bonded: all to the community pool
            for v in voters:
                fraction = Dec.of(v.bonded_tokens()).quo_truncate(Dec.of(total_bonded))
                reward = dc.mul_dec_truncate(multiplier, fraction)
                self.allocate_to_validator(ctx, v.operator, reward)
                remaining = dc.sub(remaining, reward)
        self.add_to_community_pool(ctx, remaining)

    # -- removal -----------------------------------------------------------------------
    def remove_validator(self, ctx: Context, val: bytes) -> None:
        """Commission (whole coins) to the operator, the rest to the community pool."""
        outstanding = self.outstanding(ctx, val)
        commission = self.commission(ctx, val)
        if commission:
            outstanding = dc.sub(outstanding, commission)
            whole, change = dc.truncate_decimal(commission)
            self.add_to_community_pool(ctx, change)
            if whole:
                self.bank.send_coins(ctx, self.module_address, self.withdraw_addr(ctx, val), whole)
        self.add_to_community_pool(ctx, outstanding)
        store = self._store(ctx)
        for prefix in (OUTSTANDING, COMMISSION, CURRENT):
            store.delete(prefix + val)
        for prefix in (HISTORICAL + val, SLASH_EVENT + val):
            for k in [bytes(k) for k, _ in iterate_prefix(store, prefix)]:
                store.delete(k)

    def record_slash(self, ctx: Context, val: bytes, fraction: Dec) -> None:
        if fraction.is_negative() or fraction > ONE:
            raise ArithmeticError(f"fraction must be >=0 and <=1, current fraction: {fraction}")
        period = self.increment_validator_period(ctx, val)
        self._increment_reference(ctx, val, period)
        self._set(
            ctx,
            SLASH_EVENT + val + _u64(ctx.height) + _u64(period),
            dpb.ValidatorSlashEvent(validator_period=period, fraction=fraction.atomics()),
        )

    # -- totals (invariants, queries) --------------------------------------------------
    def total_outstanding(self, ctx: Context) -> DecCoins:
        total: DecCoins = {}
        for _, r in self.iterate_outstanding(ctx):
            total = dc.add(total, r)
        return total


__all__ = ["DistributionKeeper"]
