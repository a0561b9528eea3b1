"""The only code that touches the validation store: validators, delegations, unbonding and
redelegation entries, their queues, the power index and the bonded set.

The rules are the Cosmos SDK's x/staking (v0.50), which zrChain's x/validation keeps for
native stake. Layout under ``validation/`` (``lp(a)`` = one length byte, then ``a``; times
are block times in ns, 8 bytes big-endian, so keys sort by time)::

    0x11 lp(val)                    -> power in the last end block (8 bytes BE)
    0x12                            -> total power in the last end block (decimal)
    0x21 lp(val)                    -> ValidatorHV
    0x22 cons(20)                   -> val (operator bytes)
    0x23 power(8) lp(~val)          -> val; bonded candidates by power (not jailed). ~val is
                                       the address inverted: ties go to the lower address
    0x31 lp(del) lp(val)            -> Delegation
    0x32 lp(del) lp(val)            -> UnbondingDelegation
    0x33 lp(val) lp(del)            -> b"" (unbonding delegations by validator)
    0x34 lp(del) lp(src) lp(dst)    -> Redelegation
    0x35 lp(src) lp(del) lp(dst)    -> b"" (redelegations by source)
    0x36 lp(dst) lp(del) lp(src)    -> b"" (redelegations by destination)
    0x37                            -> last unbonding id (8 bytes BE)
    0x41 time                       -> DVPairs maturing then
    0x42 time                       -> DVVTriplets maturing then
    0x43 time height(8)             -> ValAddresses whose unbonding completes then
    0x50 height(8)                  -> HistoricalInfoHV (the last `historical_entries`)
    0x51                            -> Params
    0x71 lp(val) lp(del)            -> b"" (delegations by validator)

Tokens move between the bonded and the not-bonded pool module accounts as validators change
status, so bank balances always equal what this store says is staked (the invariants in
``invariants.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from cosmpy.protos.cosmos.base.query.v1beta1.pagination_pb2 import PageRequest, PageResponse
from cosmpy.protos.tendermint.types import types_pb2

from zrchain.codec.address import acc_string, val_bytes, val_string
from zrchain.codec.coins import Coin, Coins
from zrchain.codec.dec import ZERO, Dec
from zrchain.codec.gen.zrchain.validation import hybrid_validation_pb2 as hv
from zrchain.codec.gen.zrchain.validation import staking_pb2 as st
from zrchain.context import Context
from zrchain.errors import ErrInvalidRequest
from zrchain.store.kv import iterate_prefix, prefix_end
from zrchain.valset import MAX_TOTAL_VOTING_POWER, ValidatorSet
from zrchain.x.pagination import paginate
from zrchain.x.validation import types as t
from zrchain.x.validation.expected import StakingAccounts, StakingBank
from zrchain.x.validation.hooks import MultiStakingHooks, StakingHooks
from zrchain.x.validation.params import DEFAULT_PARAMS
from zrchain.x.validation.types import Validator

LAST_POWER = b"\x11"
LAST_TOTAL_POWER = b"\x12"
VALIDATORS = b"\x21"
BY_CONS = b"\x22"
BY_POWER = b"\x23"
DELEGATIONS = b"\x31"
UBDS = b"\x32"
UBDS_BY_VAL = b"\x33"
REDS = b"\x34"
REDS_BY_SRC = b"\x35"
REDS_BY_DST = b"\x36"
UNBONDING_ID = b"\x37"
UBD_QUEUE = b"\x41"
RED_QUEUE = b"\x42"
VAL_QUEUE = b"\x43"
HISTORICAL = b"\x50"  # height (8 bytes) -> HistoricalInfoHV
PARAMS = b"\x51"
DELEGATIONS_BY_VAL = b"\x71"

T = TypeVar("T")


def lp(addr: bytes) -> bytes:
    return bytes([len(addr)]) + addr


def _split_lp(key: bytes, count: int) -> list[bytes]:
    out = []
    i = 0
    for _ in range(count):
        n = key[i]
        out.append(key[i + 1 : i + 1 + n])
        i += 1 + n
    return out


def _u64(n: int) -> bytes:
    return n.to_bytes(8, "big")


def power_key(v: Validator, reduction: int = t.POWER_REDUCTION) -> bytes:
    inverted = bytes(b ^ 0xFF for b in v.operator)
    return BY_POWER + _u64(v.potential_power(reduction)) + lp(inverted)


class ValidationKeeper:
    """Staking state and its rules; other modules read it through ``StakingReader``
    (``interfaces.py``) and are told of changes through ``StakingHooks``."""

    def __init__(self, bank: StakingBank, accounts: StakingAccounts, valset: ValidatorSet) -> None:
        self.bank = bank
        self.accounts = accounts
        self.valset = valset
        self.hooks = MultiStakingHooks()
        self._params_cache: tuple[bytes, st.Params] | None = None

    def add_hooks(self, hooks: StakingHooks) -> None:
        self.hooks.hooks.append(hooks)

    def _store(self, ctx: Context) -> Any:
        return ctx.store(t.STORE_KEY)

    # -- params ---------------------------------------------------------------------------
    def params(self, ctx: Context) -> st.Params:
        """Read through the store (gas charged); do not mutate the result."""
        raw = self._store(ctx).get(PARAMS)
        if raw is None:
            return DEFAULT_PARAMS
        cached = self._params_cache
        if cached is None or cached[0] != raw:
            cached = self._params_cache = (raw, st.Params.FromString(raw))
        return cached[1]

    def set_params(self, ctx: Context, params: st.Params) -> None:
        self._store(ctx).set(PARAMS, params.SerializeToString())

    def bond_denom(self, ctx: Context) -> str:
        return str(self.params(ctx).bond_denom)

    def power_reduction(self) -> int:
        return t.POWER_REDUCTION

    def unbonding_time_ns(self, ctx: Context) -> int:
        d = self.params(ctx).unbonding_time
        return int(d.seconds) * 10**9 + int(d.nanos)

    def min_commission_rate(self, ctx: Context) -> Dec:
        return Dec.from_atomics(self.params(ctx).min_commission_rate)

    # -- validators ------------------------------------------------------------------------
    def validator(self, ctx: Context, val_addr: bytes) -> Validator | None:
        raw = self._store(ctx).get(VALIDATORS + lp(val_addr))
        return None if raw is None else Validator.decode(raw, val_addr)

    def must_validator(self, ctx: Context, val_addr: bytes) -> Validator:
        v = self.validator(ctx, val_addr)
        if v is None:
            raise t.ErrNoValidatorFound.wrap(val_string(val_addr))
        return v

    def validator_by_cons_addr(self, ctx: Context, cons_addr: bytes) -> Validator | None:
        op = self._store(ctx).get(BY_CONS + cons_addr)
        return None if op is None else self.validator(ctx, op)

    def set_validator(self, ctx: Context, v: Validator) -> None:
        self._store(ctx).set(VALIDATORS + lp(v.operator), v.encode())

    def set_validator_by_cons_addr(self, ctx: Context, v: Validator) -> None:
        self._store(ctx).set(BY_CONS + v.cons_address, v.operator)

    def set_power_index(self, ctx: Context, v: Validator) -> None:
        """Jailed validators are never candidates, so they are kept out of the index."""
        if not v.jailed:
            self._store(ctx).set(power_key(v), v.operator)

    def delete_power_index(self, ctx: Context, v: Validator) -> None:
        self._store(ctx).delete(power_key(v))

    def iterate_validators(self, ctx: Context) -> Iterator[Validator]:
        for k, raw in iterate_prefix(self._store(ctx), VALIDATORS):
            yield Validator.decode(raw, k[2:])

    def validators_by_power(self, ctx: Context) -> Iterator[Validator]:
        """Candidates (not jailed), highest potential power first, ties by address."""
        for _, op in iterate_prefix(self._store(ctx), BY_POWER, reverse=True):
            yield self.must_validator(ctx, op)

    def bonded_validators_by_power(self, ctx: Context) -> Iterator[Validator]:
        limit = int(self.params(ctx).max_validators)
        for i, v in enumerate(self.validators_by_power(ctx)):
            if i >= limit:
                return
            if v.is_bonded():
                yield v

    def add_tokens_and_shares(self, ctx: Context, v: Validator, amount: int) -> Dec:
        self.delete_power_index(ctx, v)
        issued = v.add_tokens_from_del(amount)
        self.set_validator(ctx, v)
        self.set_power_index(ctx, v)
        return issued

    def remove_shares(self, ctx: Context, v: Validator, shares: Dec) -> int:
        self.delete_power_index(ctx, v)
        amount = v.remove_del_shares(shares)
        self.set_validator(ctx, v)
        self.set_power_index(ctx, v)
        return amount

    def remove_tokens(self, ctx: Context, v: Validator, amount: int) -> None:
        self.delete_power_index(ctx, v)
        v.remove_tokens(amount)
        self.set_validator(ctx, v)
        self.set_power_index(ctx, v)

    def remove_validator(self, ctx: Context, v: Validator) -> None:
        """Forget an unbonded validator with no tokens left (its last shares are gone)."""
        if not v.is_unbonded():
            raise ErrInvalidRequest.wrap("cannot remove a bonded or unbonding validator")
        if v.tokens > 0:
            raise ErrInvalidRequest.wrap("attempting to remove a validator with tokens")
        store = self._store(ctx)
        store.delete(VALIDATORS + lp(v.operator))
        store.delete(BY_CONS + v.cons_address)
        store.delete(power_key(v))
        self.hooks.after_validator_removed(ctx, v.cons_address, v.operator)

    def jail(self, ctx: Context, v: Validator) -> None:
        if v.jailed:
            raise t.ErrValidatorJailed.wrap(
                f"cannot jail already jailed validator {v.operator_address}"
            )
        self.delete_power_index(ctx, v)
        v.proto.jailed = True
        self.set_validator(ctx, v)

    def unjail(self, ctx: Context, v: Validator) -> None:
        if not v.jailed:
            raise ErrInvalidRequest.wrap(
                f"cannot unjail already unjailed validator {v.operator_address}"
            )
        v.proto.jailed = False
        self.set_validator(ctx, v)
        self.set_power_index(ctx, v)

    def is_jailed(self, ctx: Context, cons_addr: bytes) -> bool | None:
        v = self.validator_by_cons_addr(ctx, cons_addr)
        return None if v is None else v.jailed

    # -- the last bonded set ---------------------------------------------------------------
    def last_validator_powers(self, ctx: Context) -> Iterator[tuple[bytes, int]]:
        for k, v in iterate_prefix(self._store(ctx), LAST_POWER):
            yield k[2:], int.from_bytes(v, "big")

    def last_validator_power(self, ctx: Context, val_addr: bytes) -> int:
        raw = self._store(ctx).get(LAST_POWER + lp(val_addr))
        return int.from_bytes(raw, "big") if raw else 0

    def last_total_power(self, ctx: Context) -> int:
        raw = self._store(ctx).get(LAST_TOTAL_POWER)
        return int(raw) if raw else 0

    def set_last_total_power(self, ctx: Context, power: int) -> None:
        self._store(ctx).set(LAST_TOTAL_POWER, str(power).encode())

    # -- historical info (the SDK's TrackHistoricalInfo) ---------------------------------
    def historical_info(self, ctx: Context, height: int) -> hv.HistoricalInfoHV | None:
        raw = self._store(ctx).get(HISTORICAL + height.to_bytes(8, "big"))
        return None if raw is None else hv.HistoricalInfoHV.FromString(raw)

    def track_historical_info(self, ctx: Context) -> None:
        """At begin block: record this block's header and the last bonded set (sorted as
        CometBFT sorts it) and prune to ``historical_entries``, as zrChain's keeper."""
        store = self._store(ctx)
        entries = int(self.params(ctx).historical_entries)
        # the entries to drop are a contiguous run ending at height - entries
        h = ctx.height - entries
        while h >= 0 and store.get(key := HISTORICAL + h.to_bytes(8, "big")) is not None:
            store.delete(key)
            h -= 1
        if entries == 0:
            return
        r = self.power_reduction()
        last = [self.must_validator(ctx, op) for op, _ in self.last_validator_powers(ctx)]
        last.sort(key=lambda v: (-(v.tokens // r if v.is_bonded() else 0), v.cons_address))
        header = types_pb2.Header(
            chain_id=ctx.chain_id,
            height=ctx.height,
            proposer_address=ctx.comet.proposer,
            next_validators_hash=ctx.comet.next_validators_hash,
            app_hash=ctx.comet.last_app_hash,
        )
        header.time.FromNanoseconds(ctx.time_ns)
        info = hv.HistoricalInfoHV(header=header, valset=[v.proto for v in last])
        store.set(HISTORICAL + ctx.height.to_bytes(8, "big"), info.SerializeToString())

    # -- delegations -----------------------------------------------------------------------
    def delegation(self, ctx: Context, del_addr: bytes, val_addr: bytes) -> st.Delegation | None:
        raw = self._store(ctx).get(DELEGATIONS + lp(del_addr) + lp(val_addr))
        return None if raw is None else st.Delegation.FromString(raw)

    def set_delegation(
        self, ctx: Context, d: st.Delegation, del_addr: bytes, val_addr: bytes
    ) -> None:
        store = self._store(ctx)
        store.set(DELEGATIONS + lp(del_addr) + lp(val_addr), d.SerializeToString())
        store.set(DELEGATIONS_BY_VAL + lp(val_addr) + lp(del_addr), b"")

    def remove_delegation(self, ctx: Context, del_addr: bytes, val_addr: bytes) -> None:
        self.hooks.before_delegation_removed(ctx, del_addr, val_addr)
        store = self._store(ctx)
        store.delete(DELEGATIONS + lp(del_addr) + lp(val_addr))
        store.delete(DELEGATIONS_BY_VAL + lp(val_addr) + lp(del_addr))

    def delegator_delegations(self, ctx: Context, del_addr: bytes) -> Iterator[st.Delegation]:
        for _, raw in iterate_prefix(self._store(ctx), DELEGATIONS + lp(del_addr)):
            yield st.Delegation.FromString(raw)

    def validator_delegations(self, ctx: Context, val_addr: bytes) -> Iterator[st.Delegation]:
        store = self._store(ctx)
        prefix = DELEGATIONS_BY_VAL + lp(val_addr)
        for k, _ in iterate_prefix(store, prefix):
            (del_addr,) = _split_lp(k[len(prefix) :], 1)
            raw = store.get(DELEGATIONS + lp(del_addr) + lp(val_addr))
            if raw is not None:
                yield st.Delegation.FromString(raw)

    def iterate_delegations(self, ctx: Context) -> Iterator[tuple[bytes, bytes, st.Delegation]]:
        """(delegator, validator, delegation) for every delegation, by delegator."""
        for k, raw in iterate_prefix(self._store(ctx), DELEGATIONS):
            d, v = _split_lp(k[1:], 2)
            yield d, v, st.Delegation.FromString(raw)

    # -- unbonding delegations -------------------------------------------------------------
    def unbonding_delegation(
        self, ctx: Context, del_addr: bytes, val_addr: bytes
    ) -> st.UnbondingDelegation | None:
        raw = self._store(ctx).get(UBDS + lp(del_addr) + lp(val_addr))
        return None if raw is None else st.UnbondingDelegation.FromString(raw)

    def set_unbonding_delegation(
        self, ctx: Context, ubd: st.UnbondingDelegation, del_addr: bytes, val_addr: bytes
    ) -> None:
        store = self._store(ctx)
        store.set(UBDS + lp(del_addr) + lp(val_addr), ubd.SerializeToString())
        store.set(UBDS_BY_VAL + lp(val_addr) + lp(del_addr), b"")

    def remove_unbonding_delegation(self, ctx: Context, del_addr: bytes, val_addr: bytes) -> None:
        store = self._store(ctx)
        store.delete(UBDS + lp(del_addr) + lp(val_addr))
        store.delete(UBDS_BY_VAL + lp(val_addr) + lp(del_addr))

    def delegator_unbonding_delegations(
        self, ctx: Context, del_addr: bytes
    ) -> Iterator[st.UnbondingDelegation]:
        for _, raw in iterate_prefix(self._store(ctx), UBDS + lp(del_addr)):
            yield st.UnbondingDelegation.FromString(raw)

    def validator_unbonding_delegations(
        self, ctx: Context, val_addr: bytes
    ) -> Iterator[tuple[bytes, st.UnbondingDelegation]]:
        store = self._store(ctx)
        prefix = UBDS_BY_VAL + lp(val_addr)
        for k, _ in list(iterate_prefix(store, prefix)):
            (del_addr,) = _split_lp(k[len(prefix) :], 1)
            ubd = self.unbonding_delegation(ctx, del_addr, val_addr)
            if ubd is not None:
                yield del_addr, ubd

    def iterate_unbonding_delegations(self, ctx: Context) -> Iterator[st.UnbondingDelegation]:
        for _, raw in iterate_prefix(self._store(ctx), UBDS):
            yield st.UnbondingDelegation.FromString(raw)

    # -- redelegations ---------------------------------------------------------------------
    def redelegation(
        self, ctx: Context, del_addr: bytes, src: bytes, dst: bytes
    ) -> st.Redelegation | None:
        raw = self._store(ctx).get(REDS + lp(del_addr) + lp(src) + lp(dst))
        return None if raw is None else st.Redelegation.FromString(raw)

    def set_redelegation(
        self, ctx: Context, red: st.Redelegation, del_addr: bytes, src: bytes, dst: bytes
    ) -> None:
        store = self._store(ctx)
        store.set(REDS + lp(del_addr) + lp(src) + lp(dst), red.SerializeToString())
        store.set(REDS_BY_SRC + lp(src) + lp(del_addr) + lp(dst), b"")
        store.set(REDS_BY_DST + lp(dst) + lp(del_addr) + lp(src), b"")

    def remove_redelegation(self, ctx: Context, del_addr: bytes, src: bytes, dst: bytes) -> None:
        store = self._store(ctx)
        store.delete(REDS + lp(del_addr) + lp(src) + lp(dst))
        store.delete(REDS_BY_SRC + lp(src) + lp(del_addr) + lp(dst))
        store.delete(REDS_BY_DST + lp(dst) + lp(del_addr) + lp(src))

    def has_receiving_redelegation(self, ctx: Context, del_addr: bytes, dst: bytes) -> bool:
        prefix = REDS_BY_DST + lp(dst) + lp(del_addr)
        return next(iter_keys(self._store(ctx), prefix), None) is not None

    def redelegations_from(
        self, ctx: Context, src: bytes
    ) -> Iterator[tuple[bytes, bytes, st.Redelegation]]:
        """(delegator, destination, redelegation) of every redelegation away from ``src``."""
        store = self._store(ctx)
        prefix = REDS_BY_SRC + lp(src)
        for k in list(iter_keys(store, prefix)):
            del_addr, dst = _split_lp(k[len(prefix) :], 2)
            red = self.redelegation(ctx, del_addr, src, dst)
            if red is not None:
                yield del_addr, dst, red

    def iterate_redelegations(self, ctx: Context) -> Iterator[st.Redelegation]:
        for _, raw in iterate_prefix(self._store(ctx), REDS):
            yield st.Redelegation.FromString(raw)

    def next_unbonding_id(self, ctx: Context) -> int:
        store = self._store(ctx)
        raw = store.get(UNBONDING_ID)
        n = (int.from_bytes(raw, "big") if raw else 0) + 1
        store.set(UNBONDING_ID, _u64(n))
        return n

    # -- pages (the SDK's pagination; the Query server's reads) ------------------------------
    def _page(
        self, ctx: Context, prefix: bytes, page: PageRequest | None,
        pick: Callable[[bytes, bytes], T | None],
    ) -> tuple[list[T], PageResponse]:  # fmt: skip
        return paginate(self._store(ctx), prefix, page, pick)

    def validators_page(
        self, ctx: Context, page: PageRequest | None, pick: Callable[[Validator], T | None]
    ) -> tuple[list[T], PageResponse]:
        return self._page(ctx, VALIDATORS, page, lambda k, raw: pick(Validator.decode(raw, k[1:])))

    def validator_delegations_page(
        self, ctx: Context, val_addr: bytes, page: PageRequest | None,
        pick: Callable[[st.Delegation], T | None],
    ) -> tuple[list[T], PageResponse]:  # fmt: skip
        def one(key: bytes, _: bytes) -> T | None:
            d = self.delegation(ctx, _split_lp(key, 1)[0], val_addr)
            return None if d is None else pick(d)

        return self._page(ctx, DELEGATIONS_BY_VAL + lp(val_addr), page, one)

    def validator_unbondings_page(
        self, ctx: Context, val_addr: bytes, page: PageRequest | None
    ) -> tuple[list[st.UnbondingDelegation], PageResponse]:
        def one(key: bytes, _: bytes) -> st.UnbondingDelegation | None:
            return self.unbonding_delegation(ctx, _split_lp(key, 1)[0], val_addr)

        return self._page(ctx, UBDS_BY_VAL + lp(val_addr), page, one)

    def delegator_delegations_page(
        self, ctx: Context, del_addr: bytes, page: PageRequest | None,
        pick: Callable[[st.Delegation], T | None],
    ) -> tuple[list[T], PageResponse]:  # fmt: skip
        prefix = DELEGATIONS + lp(del_addr)
        return self._page(ctx, prefix, page, lambda _, raw: pick(st.Delegation.FromString(raw)))

    def delegator_unbondings_page(
        self, ctx: Context, del_addr: bytes, page: PageRequest | None
    ) -> tuple[list[st.UnbondingDelegation], PageResponse]:
        return self._page(ctx, UBDS + lp(del_addr), page,
                          lambda _, raw: st.UnbondingDelegation.FromString(raw))  # fmt: skip

    def delegator_redelegations_page(
        self, ctx: Context, del_addr: bytes, page: PageRequest | None,
        pick: Callable[[st.Redelegation], T | None],
    ) -> tuple[list[T], PageResponse]:  # fmt: skip
        prefix = REDS + lp(del_addr)
        return self._page(ctx, prefix, page, lambda _, raw: pick(st.Redelegation.FromString(raw)))

    def redelegations_from_page(
        self, ctx: Context, src: bytes, page: PageRequest | None,
        pick: Callable[[st.Redelegation], T | None],
    ) -> tuple[list[T], PageResponse]:  # fmt: skip
        def one(key: bytes, _: bytes) -> T | None:
            del_addr, dst = _split_lp(key, 2)
            red = self.redelegation(ctx, del_addr, src, dst)
            return None if red is None else pick(red)

        return self._page(ctx, REDS_BY_SRC + lp(src), page, one)

    # -- queues ------------------------------------------------------------------------------
    def _queue_insert(self, ctx: Context, key: bytes, cls: Any, field: str, item: Any) -> None:
        store = self._store(ctx)
        raw = store.get(key)
        slice_ = cls() if raw is None else cls.FromString(raw)
        getattr(slice_, field).append(item)
        store.set(key, slice_.SerializeToString())

    def insert_ubd_queue(self, ctx: Context, del_addr: bytes, val_addr: bytes, when: int) -> None:
        pair = st.DVPair(
            delegator_address=acc_string(del_addr), validator_address=val_string(val_addr)
        )
        self._queue_insert(ctx, UBD_QUEUE + _u64(when), st.DVPairs, "pairs", pair)

    def insert_red_queue(
        self, ctx: Context, del_addr: bytes, src: bytes, dst: bytes, when: int
    ) -> None:
        triplet = st.DVVTriplet(
            delegator_address=acc_string(del_addr),
            validator_src_address=val_string(src),
            validator_dst_address=val_string(dst),
        )
        self._queue_insert(ctx, RED_QUEUE + _u64(when), st.DVVTriplets, "triplets", triplet)

    def _dequeue_mature(self, ctx: Context, prefix: bytes, now: int) -> list[bytes]:
        store = self._store(ctx)
        items = list(store.iterate(prefix, prefix + _u64(now + 1)))
        for k, _ in items:
            store.delete(k)
        return [v for _, v in items]

    def _val_queue_key(self, v: Validator) -> bytes:
        return VAL_QUEUE + _u64(t.ts_ns(v.proto.unbonding_time)) + _u64(v.proto.unbonding_height)

    def insert_validator_queue(self, ctx: Context, v: Validator) -> None:
        self._queue_insert(ctx, self._val_queue_key(v), st.ValAddresses, "addresses",
                           v.operator_address)  # fmt: skip

    def delete_validator_queue(self, ctx: Context, v: Validator) -> None:
        store = self._store(ctx)
        key = self._val_queue_key(v)
        raw = store.get(key)
        if raw is None:
            return
        addrs = st.ValAddresses.FromString(raw)
        left = [a for a in addrs.addresses if a != v.operator_address]
        if left:
            store.set(key, st.ValAddresses(addresses=left).SerializeToString())
        else:
            store.delete(key)

    # -- pools -------------------------------------------------------------------------------
    def _coins(self, ctx: Context, amount: int) -> Coins:
        return Coins([Coin(self.bond_denom(ctx), amount)]) if amount > 0 else Coins()

    def bonded_to_not_bonded(self, ctx: Context, amount: int) -> None:
        if amount > 0:
            self.bank.send_module_to_module(ctx, t.BONDED_POOL, t.NOT_BONDED_POOL,
                                            self._coins(ctx, amount))  # fmt: skip

    def not_bonded_to_bonded(self, ctx: Context, amount: int) -> None:
        if amount > 0:
            self.bank.send_module_to_module(ctx, t.NOT_BONDED_POOL, t.BONDED_POOL,
                                            self._coins(ctx, amount))  # fmt: skip

    def burn_bonded(self, ctx: Context, amount: int) -> None:
        if amount > 0:
            self.bank.burn_coins(ctx, t.BONDED_POOL, self._coins(ctx, amount))

    def burn_not_bonded(self, ctx: Context, amount: int) -> None:
        if amount > 0:
            self.bank.burn_coins(ctx, t.NOT_BONDED_POOL, self._coins(ctx, amount))

    def pool_balance(self, ctx: Context, pool: str) -> int:
        return self.bank.balance(ctx, self.accounts.module_address(pool), self.bond_denom(ctx))

    def total_bonded_tokens(self, ctx: Context) -> int:
        return self.pool_balance(ctx, t.BONDED_POOL)

    # -- delegating ----------------------------------------------------------------------------
    def check_power_bound(self, ctx: Context, amount: int) -> None:
        """Refuse stake that could make a voting power CometBFT refuses (it would stop the
        chain at the end block): all staked tokens together stay within its maximum."""
        staked = self.pool_balance(ctx, t.BONDED_POOL) + self.pool_balance(ctx, t.NOT_BONDED_POOL)
        if (staked + amount) // t.POWER_REDUCTION > MAX_TOTAL_VOTING_POWER:
            raise ErrInvalidRequest.wrap(
                f"delegation would raise the total stake above CometBFT's maximum voting power "
                f"({MAX_TOTAL_VOTING_POWER} x {t.POWER_REDUCTION}{self.bond_denom(ctx)})"
            )

    def delegate(
        self,
        ctx: Context,
        del_addr: bytes,
        amount: int,
        token_src: int,
        v: Validator,
        subtract_account: bool,
    ) -> Dec:
        """Bond ``amount`` to ``v`` for ``del_addr``; returns the new shares. Tokens come from
        the delegator's account (``subtract_account``) or, for a redelegation or a cancelled
        unbonding, from the pool of ``token_src``."""
        if v.invalid_ex_rate():
            raise t.ErrDelegatorShareExRateInvalid.wrap("")
        d = self.delegation(ctx, del_addr, v.operator)
        if d is not None:
            self.hooks.before_delegation_shares_modified(ctx, del_addr, v.operator)
        else:
            d = st.Delegation(
                delegator_address=acc_string(del_addr),
                validator_address=v.operator_address,
                shares=ZERO.atomics(),
            )
            self.hooks.before_delegation_created(ctx, del_addr, v.operator)
        if subtract_account:
            self.check_power_bound(ctx, amount)
            pool = t.BONDED_POOL if v.is_bonded() else t.NOT_BONDED_POOL
            self.bank.send_to_module(ctx, del_addr, pool, self._coins(ctx, amount))
        elif token_src == t.BONDED and not v.is_bonded():
            self.bonded_to_not_bonded(ctx, amount)
        elif token_src != t.BONDED and v.is_bonded():
            self.not_bonded_to_bonded(ctx, amount)
        issued = self.add_tokens_and_shares(ctx, v, amount)
        d.shares = (t.delegation_shares(d) + issued).atomics()
        self.set_delegation(ctx, d, del_addr, v.operator)
        self.hooks.after_delegation_modified(ctx, del_addr, v.operator)
        return issued

    def unbond(self, ctx: Context, del_addr: bytes, val_addr: bytes, shares: Dec) -> int:
        """Retire ``shares`` of a delegation; returns the tokens they were worth. An operator
        whose self-delegation falls below its minimum is jailed."""
        d = self.delegation(ctx, del_addr, val_addr)
        if d is None:
            raise t.ErrNoDelegatorForAddress.wrap("")
        self.hooks.before_delegation_shares_modified(ctx, del_addr, val_addr)
        have = t.delegation_shares(d)
        if have < shares:
            raise t.ErrNotEnoughDelegationShares.wrap(str(have))
        v = self.must_validator(ctx, val_addr)
        left = have - shares
        if (
            del_addr == val_addr
            and not v.jailed
            and v.tokens_from_shares(left).truncate_int() < v.min_self_delegation
        ):
            self.jail(ctx, v)
            v = self.must_validator(ctx, val_addr)
        if left.is_zero():
            self.remove_delegation(ctx, del_addr, val_addr)
        else:
            d.shares = left.atomics()
            self.set_delegation(ctx, d, del_addr, val_addr)
            self.hooks.after_delegation_modified(ctx, del_addr, val_addr)
        amount = self.remove_shares(ctx, v, shares)
        if v.delegator_shares.is_zero() and v.is_unbonded():
            self.remove_validator(ctx, v)
        return amount

    def validate_unbond_amount(
        self, ctx: Context, del_addr: bytes, val_addr: bytes, amount: int
    ) -> Dec:
        """The shares ``amount`` tokens of a delegation stand for (capped at the
        delegation's shares; asking for more than it holds is an error)."""
        v = self.must_validator(ctx, val_addr)
        d = self.delegation(ctx, del_addr, val_addr)
        if d is None:
            raise t.ErrNoDelegation.wrap("")
        shares = v.shares_from_tokens(amount)
        truncated = v.shares_from_tokens_truncated(amount)
        have = t.delegation_shares(d)
        if truncated > have:
            raise ErrInvalidRequest.wrap("invalid shares amount")
        return have if shares > have else shares

    def undelegate(
        self, ctx: Context, del_addr: bytes, val_addr: bytes, shares: Dec
    ) -> tuple[int, int]:
        """Start unbonding ``shares``; returns (completion time ns, tokens)."""
        v = self.must_validator(ctx, val_addr)
        ubd = self.unbonding_delegation(ctx, del_addr, val_addr)
        max_entries = int(self.params(ctx).max_entries)
        if ubd is not None and len(ubd.entries) >= max_entries:
            raise t.ErrMaxUnbondingDelegationEntries.wrap("")
        amount = self.unbond(ctx, del_addr, val_addr, shares)
        if v.is_bonded():
            self.bonded_to_not_bonded(ctx, amount)
        completion = ctx.time_ns + self.unbonding_time_ns(ctx)
        self.add_unbonding_entry(ctx, del_addr, val_addr, ctx.height, completion, amount)
        self.insert_ubd_queue(ctx, del_addr, val_addr, completion)
        return completion, amount

    def add_unbonding_entry(
        self, ctx: Context, del_addr: bytes, val_addr: bytes, height: int, when: int, amount: int
    ) -> st.UnbondingDelegation:
        """An entry merges into one with the same height and completion time."""
        ubd = self.unbonding_delegation(ctx, del_addr, val_addr)
        if ubd is None:
            ubd = st.UnbondingDelegation(
                delegator_address=acc_string(del_addr), validator_address=val_string(val_addr)
            )
        for e in ubd.entries:
            if e.creation_height == height and t.ts_ns(e.completion_time) == when:
                e.balance = str(t.int_of(e.balance) + amount)
                e.initial_balance = str(t.int_of(e.initial_balance) + amount)
                break
        else:
            uid = self.next_unbonding_id(ctx)
            ubd.entries.append(
                st.UnbondingDelegationEntry(
                    creation_height=height,
                    completion_time=t.timestamp(when),
                    initial_balance=str(amount),
                    balance=str(amount),
                    unbonding_id=uid,
                )
            )
            self.hooks.after_unbonding_initiated(ctx, uid)
        self.set_unbonding_delegation(ctx, ubd, del_addr, val_addr)
        return ubd

    def complete_unbonding(self, ctx: Context, del_addr: bytes, val_addr: bytes) -> Coins:
        ubd = self.unbonding_delegation(ctx, del_addr, val_addr)
        if ubd is None:
            raise t.ErrNoUnbondingDelegation.wrap("")
        paid = 0
        keep = []
        for e in ubd.entries:
            if t.ts_ns(e.completion_time) <= ctx.time_ns:
                paid += t.int_of(e.balance)
            else:
                keep.append(e)
        if paid:
            self.bank.send_from_module(ctx, t.NOT_BONDED_POOL, del_addr, self._coins(ctx, paid))
        if keep:
            del ubd.entries[:]
            ubd.entries.extend(keep)
            self.set_unbonding_delegation(ctx, ubd, del_addr, val_addr)
        else:
            self.remove_unbonding_delegation(ctx, del_addr, val_addr)
        return self._coins(ctx, paid)

    def begin_redelegation(
        self, ctx: Context, del_addr: bytes, src_addr: bytes, dst_addr: bytes, shares: Dec
    ) -> int:
        """Move ``shares`` worth of stake from ``src`` to ``dst`` at once; the stake stays
        slashable for ``src``'s misbehaviour until the returned completion time (ns)."""
        if src_addr == dst_addr:
            raise t.ErrSelfRedelegation.wrap("")
        dst = self.validator(ctx, dst_addr)
        if dst is None:
            raise t.ErrBadRedelegationDst.wrap("")
        src = self.validator(ctx, src_addr)
        if src is None:
            raise t.ErrBadRedelegationSrc.wrap("")
        if self.has_receiving_redelegation(ctx, del_addr, src_addr):
            raise t.ErrTransitiveRedelegation.wrap("")
        red = self.redelegation(ctx, del_addr, src_addr, dst_addr)
        if red is not None and len(red.entries) >= int(self.params(ctx).max_entries):
            raise t.ErrMaxRedelegationEntries.wrap("")
        amount = self.unbond(ctx, del_addr, src_addr, shares)
        if amount == 0:
            raise t.ErrTinyRedelegationAmount.wrap("")
        dst = self.must_validator(ctx, dst_addr)
        created = self.delegate(ctx, del_addr, amount, src.status, dst, False)
        # When the stake leaves: now for a bonded source, at its unbonding end for an
        # unbonding one, immediately (no entry) for an unbonded one.
        src_now = self.validator(ctx, src_addr)
        if src_now is None or src_now.is_bonded():
            completion, height = ctx.time_ns + self.unbonding_time_ns(ctx), ctx.height
        elif src_now.is_unbonded():
            return 0
        else:
            completion = t.ts_ns(src_now.proto.unbonding_time)
            height = int(src_now.proto.unbonding_height)
        uid = self.next_unbonding_id(ctx)
        if red is None:
            red = st.Redelegation(
                delegator_address=acc_string(del_addr),
                validator_src_address=val_string(src_addr),
                validator_dst_address=val_string(dst_addr),
            )
        red.entries.append(
            st.RedelegationEntry(
                creation_height=height,
                completion_time=t.timestamp(completion),
                initial_balance=str(amount),
                shares_dst=created.atomics(),
                unbonding_id=uid,
            )
        )
        self.set_redelegation(ctx, red, del_addr, src_addr, dst_addr)
        self.hooks.after_unbonding_initiated(ctx, uid)
        self.insert_red_queue(ctx, del_addr, src_addr, dst_addr, completion)
        return completion

    def complete_redelegation(self, ctx: Context, del_addr: bytes, src: bytes, dst: bytes) -> Coins:
        red = self.redelegation(ctx, del_addr, src, dst)
        if red is None:
            raise t.ErrNoRedelegation.wrap("")
        done = 0
        keep = []
        for e in red.entries:
            if t.ts_ns(e.completion_time) <= ctx.time_ns:
                done += t.int_of(e.initial_balance)
            else:
                keep.append(e)
        if keep:
            del red.entries[:]
            red.entries.extend(keep)
            self.set_redelegation(ctx, red, del_addr, src, dst)
        else:
            self.remove_redelegation(ctx, del_addr, src, dst)
        return self._coins(ctx, done)

    # -- slashing ------------------------------------------------------------------------------
    def slash(
        self, ctx: Context, cons_addr: bytes, infraction_height: int, power: int, fraction: Dec
    ) -> int:
        """Burn ``fraction`` of the stake that had ``power`` at ``infraction_height``: first
        from unbonding and redelegated stake that left after it, the rest from the
        validator. Returns the tokens burnt from the validator."""
        if fraction.is_negative():
            raise ErrInvalidRequest.wrap(f"attempted to slash with a negative fraction: {fraction}")
        slash_amount = Dec.of(power * t.POWER_REDUCTION).mul(fraction).truncate_int()
        v = self.validator_by_cons_addr(ctx, cons_addr)
        if v is None:
            ctx.log.error("ignored an attempt to slash a nonexistent validator %s",
                          cons_addr.hex())  # fmt: skip
            return 0
        if v.is_unbonded():
            raise ErrInvalidRequest.wrap(
                f"should not be slashing unbonded validator: {v.operator_address}"
            )
        self.hooks.before_validator_modified(ctx, v.operator)
        remaining = slash_amount
        if infraction_height > ctx.height:
            raise ErrInvalidRequest.wrap(
                f"impossible attempt to slash future infraction at height {infraction_height} "
                f"but we are at height {ctx.height}"
            )
        if infraction_height < ctx.height:
            for del_addr, ubd in list(self.validator_unbonding_delegations(ctx, v.operator)):
                remaining -= self._slash_unbonding(ctx, ubd, del_addr, v.operator,
                                                   infraction_height, fraction)  # fmt: skip
            for del_addr, dst, red in list(self.redelegations_from(ctx, v.operator)):
                remaining -= self._slash_redelegation(ctx, red, del_addr, dst,
                                                      infraction_height, fraction)  # fmt: skip
        v = self.must_validator(ctx, v.operator)
        burn = max(0, min(remaining, v.tokens))
        if burn == 0:
            return 0
        effective = Dec.of(burn).quo_round_up(Dec.of(v.tokens)).min(Dec.of(1))
        self.hooks.before_validator_slashed(ctx, v.operator, effective)
        self.remove_tokens(ctx, v, burn)
        if v.is_bonded():
            self.burn_bonded(ctx, burn)
        else:
            self.burn_not_bonded(ctx, burn)
        ctx.log.info("validator %s slashed by %s: %d%s burnt", v.operator_address, fraction,
                     burn, self.bond_denom(ctx))  # fmt: skip
        return burn

    def _slash_unbonding(
        self,
        ctx: Context,
        ubd: st.UnbondingDelegation,
        del_addr: bytes,
        val_addr: bytes,
        infraction_height: int,
        fraction: Dec,
    ) -> int:
        total = burned = 0
        for e in ubd.entries:
            if e.creation_height < infraction_height or t.ts_ns(e.completion_time) <= ctx.time_ns:
                continue
            amount = fraction.mul_int(t.int_of(e.initial_balance)).truncate_int()
            total += amount
            take = min(amount, t.int_of(e.balance))
            if take == 0:
                continue
            burned += take
            e.balance = str(t.int_of(e.balance) - take)
        if burned:
            self.set_unbonding_delegation(ctx, ubd, del_addr, val_addr)
            self.burn_not_bonded(ctx, burned)
        return total

    def _slash_redelegation(
        self,
        ctx: Context,
        red: st.Redelegation,
        del_addr: bytes,
        dst_addr: bytes,
        infraction_height: int,
        fraction: Dec,
    ) -> int:
        total = bonded_burn = not_bonded_burn = 0
        for e in red.entries:
            if e.creation_height < infraction_height or t.ts_ns(e.completion_time) <= ctx.time_ns:
                continue
            amount = fraction.mul_int(t.int_of(e.initial_balance)).truncate_int()
            total += amount
            # Stake that already left the destination again is slashed there first.
            ubd = self.unbonding_delegation(ctx, del_addr, dst_addr)
            if ubd is not None:
                changed = False
                for u in ubd.entries:
                    take = min(amount, t.int_of(u.balance))
                    if (
                        take == 0
                        or u.creation_height < infraction_height
                        or t.ts_ns(u.completion_time) <= ctx.time_ns
                    ):
                        continue
                    amount -= take
                    not_bonded_burn += take
                    u.balance = str(t.int_of(u.balance) - take)
                    changed = True
                if changed:
                    self.set_unbonding_delegation(ctx, ubd, del_addr, dst_addr)
            shares = fraction.mul(Dec.from_atomics(e.shares_dst))
            if shares.is_zero() or amount == 0:
                continue
            d = self.delegation(ctx, del_addr, dst_addr)
            if d is None:
                continue
            shares = shares.min(t.delegation_shares(d))
            burnt = self.unbond(ctx, del_addr, dst_addr, shares)
            dst = self.validator(ctx, dst_addr)
            if dst is not None and dst.is_bonded():
                bonded_burn += burnt
            else:
                not_bonded_burn += burnt
        self.burn_bonded(ctx, bonded_burn)
        self.burn_not_bonded(ctx, not_bonded_burn)
        return total

    # -- the end block ---------------------------------------------------------------------------
    def apply_validator_set_updates(self, ctx: Context) -> list[tuple[bytes, int]]:
        """The SDK's ApplyAndReturnValidatorSetUpdates: bond the ``max_validators``
        strongest candidates, start unbonding the ones that fell out, move their tokens
        between the pools, and propose the power changes to the validator set. Returns
        the (ed25519 key, power) changes."""
        store = self._store(ctx)
        max_validators = int(self.params(ctx).max_validators)
        last = dict(self.last_validator_powers(ctx))
        to_bonded = to_not_bonded = 0
        total = 0
        updates: list[tuple[bytes, int]] = []
        candidates: list[Validator] = []
        for v in self.validators_by_power(ctx):  # collected first: bonding rewrites the index
            if len(candidates) >= max_validators or v.potential_power() == 0:
                break
            candidates.append(v)
        for v in candidates:
            if v.jailed:
                raise RuntimeError(f"jailed validator {v.operator_address} in the power index")
            if not v.is_bonded():
                to_bonded += v.tokens
                v = self._bond(ctx, v)
            power = v.consensus_power()
            if last.pop(v.operator, None) != power:
                updates.append((v.cons_pubkey, power))
                store.set(LAST_POWER + lp(v.operator), _u64(power))
            total += power
        for op in sorted(last):
            v = self.must_validator(ctx, op)
            v = self._begin_unbonding(ctx, v)
            to_not_bonded += v.tokens
            store.delete(LAST_POWER + lp(op))
            updates.append((v.cons_pubkey, 0))
        if to_bonded > to_not_bonded:
            self.not_bonded_to_bonded(ctx, to_bonded - to_not_bonded)
        elif to_not_bonded > to_bonded:
            self.bonded_to_not_bonded(ctx, to_not_bonded - to_bonded)
        if updates:
            self.set_last_total_power(ctx, total)
        for pk, power in updates:
            self.valset.propose(ctx, pk, power)
        return updates

    def _bond(self, ctx: Context, v: Validator) -> Validator:
        self.delete_power_index(ctx, v)
        v.proto.status = t.BONDED
        self.set_validator(ctx, v)
        self.set_power_index(ctx, v)
        self.delete_validator_queue(ctx, v)
        self.hooks.after_validator_bonded(ctx, v.cons_address, v.operator)
        return v

    def _begin_unbonding(self, ctx: Context, v: Validator) -> Validator:
        if not v.is_bonded():
            raise RuntimeError(f"bad state transition bondedToUnbonding of {v.operator_address}")
        uid = self.next_unbonding_id(ctx)
        v.proto.status = t.UNBONDING
        v.proto.unbonding_time.CopyFrom(t.timestamp(ctx.time_ns + self.unbonding_time_ns(ctx)))
        v.proto.unbonding_height = ctx.height
        v.proto.unbonding_ids.append(uid)
        self.set_validator(ctx, v)
        self.set_power_index(ctx, v)
        self.insert_validator_queue(ctx, v)
        self.hooks.after_validator_begin_unbonding(ctx, v.cons_address, v.operator)
        self.hooks.after_unbonding_initiated(ctx, uid)
        return v

    def unbond_mature_validators(self, ctx: Context) -> None:
        store = self._store(ctx)
        end = VAL_QUEUE + _u64(ctx.time_ns + 1)
        for key, raw in list(store.iterate(VAL_QUEUE, end)):
            height = int.from_bytes(key[9:17], "big")
            if height > ctx.height:
                continue
            for addr in st.ValAddresses.FromString(raw).addresses:
                v = self.validator(ctx, val_bytes(addr))
                if v is None:
                    raise RuntimeError(f"validator {addr} in the unbonding queue was not found")
                if not v.is_unbonding():
                    raise RuntimeError(f"validator {addr} in the unbonding queue is not unbonding")
                v.proto.status = t.UNBONDED
                del v.proto.unbonding_ids[:]
                self.set_validator(ctx, v)
                if v.delegator_shares.is_zero():
                    self.remove_validator(ctx, v)
            store.delete(key)

    def dequeue_mature_unbondings(self, ctx: Context) -> list[st.DVPair]:
        out: list[st.DVPair] = []
        for raw in self._dequeue_mature(ctx, UBD_QUEUE, ctx.time_ns):
            out.extend(st.DVPairs.FromString(raw).pairs)
        return out

    def dequeue_mature_redelegations(self, ctx: Context) -> list[st.DVVTriplet]:
        out: list[st.DVVTriplet] = []
        for raw in self._dequeue_mature(ctx, RED_QUEUE, ctx.time_ns):
            out.extend(st.DVVTriplets.FromString(raw).triplets)
        return out


def iter_keys(store: Any, prefix: bytes) -> Iterator[bytes]:
    for k, _ in store.iterate(prefix, prefix_end(prefix)):
        yield k


__all__ = ["ValidationKeeper", "lp", "power_key"]
