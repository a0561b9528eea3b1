"""x/validation genesis: zrChain's GenesisState (its staking part), the SDK's checks and
InitGenesis. Validators of a new chain come from gentxs (x/genutil), not from here; an
exported genesis carries them with ``exported = true``."""

from __future__ import annotations

from typing import Any

from zrchain.codec import address
from zrchain.codec.dec import Dec
from zrchain.codec.gen.zrchain.validation import genesis_pb2 as gpb
from zrchain.codec.gen.zrchain.validation import hybrid_validation_pb2 as hv
from zrchain.codec.json import from_dict, to_dict
from zrchain.context import Context
from zrchain.errors import ChainError
from zrchain.x.validation import params as vparams
from zrchain.x.validation import types as t
from zrchain.x.validation.keeper import LAST_POWER, ValidationKeeper, lp
from zrchain.x.validation.msg_server import consensus_pubkey


def default() -> dict[str, Any]:
    return to_dict(
        gpb.GenesisState(
            params=vparams.DEFAULT_PARAMS, last_total_power=b"0", HVParams=hv.HVParams()
        )
    )


def parse(data: dict[str, Any]) -> gpb.GenesisState:
    try:
        return from_dict(data, gpb.GenesisState())
    except ValueError as exc:
        raise ValueError(f"validation genesis: {exc}") from None


def validate(data: dict[str, Any]) -> None:
    gs = parse(data)
    try:
        vparams.validate(gs.params)
        _validate_validators(gs)
    except (ValueError, ChainError) as exc:
        msg = exc.log if isinstance(exc, ChainError) else str(exc)
        raise ValueError(f"validation genesis: {msg}") from None


def _validate_validators(gs: gpb.GenesisState) -> None:
    seen_ops: set[bytes] = set()
    seen_cons: set[bytes] = set()
    for proto in gs.validators:
        op = address.val_bytes(proto.operator_address)
        v = t.Validator(proto, op)
        pk = consensus_pubkey(proto.consensus_pubkey)
        cons = t.cons_address(pk)
        if op in seen_ops or cons in seen_cons:
            raise ValueError(
                f"duplicate validator in genesis state: moniker {v.moniker}, "
                f"address {address.cons_string(cons)}"
            )
        if v.jailed and v.is_bonded():
            raise ValueError(
                f"validator is bonded and jailed in genesis state: moniker {v.moniker}, "
                f"address {address.cons_string(cons)}"
            )
        if v.delegator_shares.is_zero() and not v.is_unbonding():
            raise ValueError(
                "bonded/unbonded genesis validator cannot have zero delegator shares, "
                f"validator: {v.operator_address}"
            )
        seen_ops.add(op)
        seen_cons.add(cons)
    for d in gs.delegations:
        address.acc_bytes(d.delegator_address)
        address.val_bytes(d.validator_address)
        if Dec.from_atomics(d.shares).is_negative():
            raise ValueError(f"delegation {d.delegator_address} has negative shares")


def init(ctx: Context, k: ValidationKeeper, data: dict[str, Any]) -> None:
    """Store the genesis state, check the pools hold exactly the staked tokens, and (for a
    new chain's genesis with validators) bond the strongest."""
    gs = parse(data)
    k.set_params(ctx, gs.params)
    k.set_last_total_power(ctx, int(gs.last_total_power or b"0"))
    bonded = not_bonded = 0
    for proto in gs.validators:
        v = t.Validator(proto, address.val_bytes(proto.operator_address))
        k.set_validator(ctx, v)
        k.set_validator_by_cons_addr(ctx, v)
        k.set_power_index(ctx, v)
        if not gs.exported:
            k.hooks.after_validator_created(ctx, v.operator)
        if v.is_unbonding():
            k.insert_validator_queue(ctx, v)
        if v.is_bonded():
            bonded += v.tokens
        else:
            not_bonded += v.tokens
    for d in gs.delegations:
        del_addr = address.acc_bytes(d.delegator_address)
        val_addr = address.val_bytes(d.validator_address)
        if not gs.exported:
            k.hooks.before_delegation_created(ctx, del_addr, val_addr)
        k.set_delegation(ctx, d, del_addr, val_addr)
        if not gs.exported:
            k.hooks.after_delegation_modified(ctx, del_addr, val_addr)
    for ubd in gs.unbonding_delegations:
        del_addr = address.acc_bytes(ubd.delegator_address)
        val_addr = address.val_bytes(ubd.validator_address)
        k.set_unbonding_delegation(ctx, ubd, del_addr, val_addr)
        for entry in ubd.entries:
            k.insert_ubd_queue(ctx, del_addr, val_addr, t.ts_ns(entry.completion_time))
            not_bonded += t.int_of(entry.balance)
    for red in gs.redelegations:
        del_addr = address.acc_bytes(red.delegator_address)
        src = address.val_bytes(red.validator_src_address)
        dst = address.val_bytes(red.validator_dst_address)
        k.set_redelegation(ctx, red, del_addr, src, dst)
        for e in red.entries:
            k.insert_red_queue(ctx, del_addr, src, dst, t.ts_ns(e.completion_time))
    for pool, expected in ((t.BONDED_POOL, bonded), (t.NOT_BONDED_POOL, not_bonded)):
        k.accounts.get_module_account(ctx, pool)
        have = k.pool_balance(ctx, pool)
        if have != expected:
            denom = gs.params.bond_denom
            raise ValueError(
                f"{pool} balance is different from the staked coins: "
                f"{have}{denom} <-> {expected}{denom}"
            )
    if gs.exported:
        store = ctx.store(t.STORE_KEY)
        for lv in gs.last_validator_powers:
            op = address.val_bytes(lv.address)
            store.set(LAST_POWER + lp(op), int(lv.power).to_bytes(8, "big"))
            v = k.must_validator(ctx, op)
            k.valset.propose(ctx, v.cons_pubkey, int(lv.power))
    else:
        k.apply_validator_set_updates(ctx)


def export(ctx: Context, k: ValidationKeeper) -> dict[str, Any]:
    gs = gpb.GenesisState(
        params=k.params(ctx),
        last_total_power=str(k.last_total_power(ctx)).encode(),
        exported=True,
        HVParams=hv.HVParams(),
    )
    for op, power in k.last_validator_powers(ctx):
        gs.last_validator_powers.add(address=address.val_string(op), power=power)
    gs.validators.extend(v.proto for v in k.iterate_validators(ctx))
    gs.delegations.extend(d for _, _, d in k.iterate_delegations(ctx))
    gs.unbonding_delegations.extend(k.iterate_unbonding_delegations(ctx))
    gs.redelegations.extend(k.iterate_redelegations(ctx))
    return to_dict(gs)


__all__ = ["default", "export", "init", "validate"]
