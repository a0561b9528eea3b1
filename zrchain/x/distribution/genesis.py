"""x/distribution genesis (cosmos.distribution.v1beta1.GenesisState): params, the
community pool and withdraw addresses. The per-validator F1 records are not exported yet:
``init`` starts every validator and delegation present at genesis afresh, and whatever the
distribution account holds beyond the community pool (rewards not withdrawn before an
export) joins the pool, so the account still equals pool + outstanding."""

from __future__ import annotations

from typing import Any

from cosmpy.protos.cosmos.distribution.v1beta1 import genesis_pb2

from zrchain.codec import address
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
    for v in k.staking.iterate_validators(ctx):
        k.initialize_validator(ctx, v.operator)
    for delegator, val, _ in k.staking.iterate_delegations(ctx):
        k.increment_validator_period(ctx, val)
        k.initialize_delegation(ctx, val, delegator)
    held = dc.of_coins(k.bank.all_balances(ctx, k.module_address))
    try:
        k.add_to_community_pool(ctx, dc.sub(held, k.community_pool(ctx)))
    except ArithmeticError:
        # A genesis assembled from parts (another chain's bank state) may not fund the pool;
        # the invariant check reports it, genesis does not refuse it.
        ctx.log.warning("distribution genesis: the community pool exceeds the account's balance")


def export(ctx: Context, k: DistributionKeeper) -> dict[str, Any]:
    gs = genesis_pb2.GenesisState(params=k.params(ctx))
    gs.fee_pool.community_pool.extend(dc.to_protos(k.community_pool(ctx)))
    for d, w in k.iterate_withdraw_addrs(ctx):
        gs.delegator_withdraw_infos.add(
            delegator_address=address.acc_string(d), withdraw_address=address.acc_string(w)
        )
    return to_dict(gs)
