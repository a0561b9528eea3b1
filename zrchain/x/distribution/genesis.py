"""x/distribution genesis (cosmos.distribution.v1beta1.GenesisState), exported and imported
whole as the SDK's: params, the community pool, withdraw addresses, the previous proposer
and every F1 record (outstanding rewards, accumulated commission, historical and current
rewards, delegator starting infos, slash events), so unwithdrawn rewards survive an export
and import exactly.

A genesis assembled by hand may bond validators and delegations without their records:
``init`` starts those afresh (as the staking hooks would), and what the distribution
account holds beyond the pool and the outstanding rewards joins the pool, so the account
still equals pool + outstanding (docs/distribution.md "Genesis")."""

from __future__ import annotations

from typing import Any

from cosmpy.protos.cosmos.distribution.v1beta1 import genesis_pb2

from zrchain.codec import address
from zrchain.codec.dec import ONE_ATOMICS, Dec
from zrchain.codec.json import from_dict, to_dict
from zrchain.context import Context
from zrchain.errors import ChainError
from zrchain.x.distribution import deccoins as dc
from zrchain.x.distribution.keeper import (
    DEFAULT_PARAMS,
    MODULE,
    DistributionKeeper,
    validate_params,
)


def default() -> dict[str, Any]:
    gs = genesis_pb2.GenesisState(params=DEFAULT_PARAMS)
    gs.fee_pool.SetInParent()
    return to_dict(gs)


def _parse(data: dict[str, Any]) -> genesis_pb2.GenesisState:
    try:
        return from_dict(data, genesis_pb2.GenesisState())
    except ValueError as exc:
        raise ValueError(f"distribution genesis: {exc}") from None


def validate(data: dict[str, Any]) -> None:
    gs = _parse(data)
    try:
        validate_params(gs.params)
        for w in gs.delegator_withdraw_infos:
            address.acc_bytes(w.delegator_address)
            address.acc_bytes(w.withdraw_address)
        if gs.previous_proposer:
            address.cons_bytes(gs.previous_proposer)
        for records in (
            gs.outstanding_rewards,
            gs.validator_accumulated_commissions,
            gs.validator_historical_rewards,
            gs.validator_current_rewards,
            gs.validator_slash_events,
        ):
            for val in (r.validator_address for r in records):
                address.val_bytes(val)
        for si in gs.delegator_starting_infos:
            address.acc_bytes(si.delegator_address)
            address.val_bytes(si.validator_address)
    except (ValueError, ChainError) as exc:
        raise ValueError(f"distribution genesis: {getattr(exc, 'log', exc)}") from None


def init(ctx: Context, k: DistributionKeeper, data: dict[str, Any]) -> None:
    gs = _parse(data)
    k.accounts.get_module_account(ctx, MODULE)  # exists from genesis, as the SDK's
    k.set_params(ctx, gs.params)
    k.set_community_pool(ctx, dc.from_protos(gs.fee_pool.community_pool))
    for w in gs.delegator_withdraw_infos:
        k.set_withdraw_addr(
            ctx, address.acc_bytes(w.delegator_address), address.acc_bytes(w.withdraw_address)
        )
    if gs.previous_proposer:
        k.set_previous_proposer(ctx, address.cons_bytes(gs.previous_proposer))
    for o in gs.outstanding_rewards:
        k.set_outstanding(
            ctx, address.val_bytes(o.validator_address), dc.from_protos(o.outstanding_rewards)
        )
    for c in gs.validator_accumulated_commissions:
        k.set_commission(
            ctx, address.val_bytes(c.validator_address), dc.from_protos(c.accumulated.commission)
        )
    for h in gs.validator_historical_rewards:
        k.set_historical(ctx, address.val_bytes(h.validator_address), h.period, h.rewards)
    for cur in gs.validator_current_rewards:
        k.set_current_rewards(
            ctx,
            address.val_bytes(cur.validator_address),
            dc.from_protos(cur.rewards.rewards),
            cur.rewards.period,
        )
    for si in gs.delegator_starting_infos:
        k.set_starting_info(
            ctx,
            address.val_bytes(si.validator_address),
            address.acc_bytes(si.delegator_address),
            si.starting_info,
        )
    for e in gs.validator_slash_events:
        k.set_slash_event(
            ctx,
            address.val_bytes(e.validator_address),
            e.height,
            e.period,
            e.validator_slash_event,
        )
    _start_unrecorded(ctx, k)
    _balance_the_account(ctx, k)


def _start_unrecorded(ctx: Context, k: DistributionKeeper) -> None:
    """Records for validators and delegations a hand-made genesis bonds without them."""
    for v in k.staking.iterate_validators(ctx):
        if not k.current_rewards(ctx, v.operator)[1]:
            k.initialize_validator(ctx, v.operator)
    for delegator, val, _ in k.staking.iterate_delegations(ctx):
        if k.starting_info(ctx, val, delegator) is None:
            k.increment_validator_period(ctx, val)
            k.initialize_delegation(ctx, val, delegator)


def _balance_the_account(ctx: Context, k: DistributionKeeper) -> None:
    """The SDK requires the account to hold exactly trunc(pool + outstanding). Whole coins
    beyond that (a hand-made genesis) join the pool; a shortfall is logged (the invariant
    check reports it) rather than refused."""
    held = dc.of_coins(k.bank.all_balances(ctx, k.module_address))
    holdings = dc.add(k.community_pool(ctx), k.total_outstanding(ctx))
    surplus: dict[str, Dec] = {}
    for denom in sorted(set(held) | set(holdings)):
        diff = held.get(denom, Dec(0)) - holdings.get(denom, Dec(0))
        if diff.is_positive():
            surplus[denom] = diff
        elif diff.i <= -ONE_ATOMICS:
            ctx.log.warning(
                "distribution genesis: the account holds less %s than pool + outstanding", denom
            )
    k.add_to_community_pool(ctx, surplus)


def export(ctx: Context, k: DistributionKeeper) -> dict[str, Any]:
    gs = genesis_pb2.GenesisState(params=k.params(ctx))
    gs.fee_pool.community_pool.extend(dc.to_protos(k.community_pool(ctx)))
    for d, w in k.iterate_withdraw_addrs(ctx):
        gs.delegator_withdraw_infos.add(
            delegator_address=address.acc_string(d), withdraw_address=address.acc_string(w)
        )
    proposer = k.previous_proposer(ctx)
    if proposer:
        gs.previous_proposer = address.cons_string(proposer)
    for val, amount in k.iterate_outstanding(ctx):
        gs.outstanding_rewards.add(
            validator_address=address.val_string(val), outstanding_rewards=dc.to_protos(amount)
        )
    for val, amount in k.iterate_commissions(ctx):
        gs.validator_accumulated_commissions.add(
            validator_address=address.val_string(val)
        ).accumulated.commission.extend(dc.to_protos(amount))
    for val, period, rewards in k.iterate_historical(ctx):
        gs.validator_historical_rewards.add(
            validator_address=address.val_string(val), period=period, rewards=rewards
        )
    for val, current in k.iterate_current(ctx):
        gs.validator_current_rewards.add(validator_address=address.val_string(val), rewards=current)
    for val, delegator, info in k.iterate_starting_infos(ctx):
        gs.delegator_starting_infos.add(
            delegator_address=address.acc_string(delegator),
            validator_address=address.val_string(val),
            starting_info=info,
        )
    for val, height, period, event in k.iterate_all_slash_events(ctx):
        gs.validator_slash_events.add(
            validator_address=address.val_string(val),
            height=height,
            period=period,
            validator_slash_event=event,
        )
    return to_dict(gs)
