"""The chain's accounting invariants, checked on a whole-state snapshot.

A snapshot (``zrchain.testing.state``) is read the same way from an in-process app and
from a real node over ABCI, so one check serves unit tests and network tests. What holds
after every block (the SDK's bank and staking invariants, for the modules this node runs):

- bank: each denom's total supply equals the sum of all balances (module accounts, and so
  the bonded and not-bonded pools, included); no balance is zero or negative;
- validation: the bonded pool holds exactly the tokens of the bonded validators; the
  not-bonded pool holds the tokens of the unbonding and unbonded validators plus the
  balances of every unbonding-delegation entry; each validator's ``delegator_shares`` is
  the sum of its delegations' shares, and no delegation has zero shares.

- distribution: the distribution module account holds exactly the community pool plus
  every validator's outstanding rewards (DecCoins summed exactly: F1 leaks and creates no
  fraction of a urock), and no validator's commission exceeds its outstanding rewards.
  With the bank rule this is the issue's "total supply = balances + bonded + unbonding +
  community pool + outstanding rewards" (the pools are module-account balances).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from cosmpy.protos.cosmos.distribution.v1beta1 import distribution_pb2 as dpb

from zrchain.codec.address import module_address
from zrchain.codec.dec import Dec
from zrchain.codec.gen.zrchain.validation import hybrid_validation_pb2 as hv
from zrchain.codec.gen.zrchain.validation import staking_pb2 as st
from zrchain.testing.state import StateSnapshot
from zrchain.x.bank.keeper import BALANCE_PREFIX, SUPPLY_PREFIX
from zrchain.x.distribution import keeper as dk
from zrchain.x.validation import keeper as vk
from zrchain.x.validation import types as t


class InvariantBroken(AssertionError):
    pass


def _split_lp(key: bytes, count: int) -> list[bytes]:
    out, i = [], 0
    for _ in range(count):
        n = key[i]
        out.append(key[i + 1 : i + 1 + n])
        i += 1 + n
    return out


def bank_problems(snap: StateSnapshot) -> list[str]:
    bank = snap.stores.get("bank", {})
    supply: dict[str, int] = {}
    held: dict[str, int] = defaultdict(int)
    problems = []
    for key, raw in bank.items():
        if key.startswith(SUPPLY_PREFIX):
            supply[key[1:].decode()] = int(raw)
        elif key.startswith(BALANCE_PREFIX):
            n = key[1]
            denom = key[2 + n :].decode()
            amount = int(raw)
            if amount <= 0:
                problems.append(f"balance {key[2 : 2 + n].hex()} {denom} is {amount}")
            held[denom] += amount
    for denom in sorted(set(supply) | set(held)):
        if supply.get(denom, 0) != held.get(denom, 0):
            problems.append(
                f"supply of {denom} is {supply.get(denom, 0)} but balances sum to "
                f"{held.get(denom, 0)}"
            )
    return problems


def _balance(snap: StateSnapshot, module: str, denom: str) -> int:
    addr = module_address(module)
    raw = snap.get("bank", BALANCE_PREFIX + bytes([len(addr)]) + addr + denom.encode())
    return int(raw) if raw else 0


def staking_problems(snap: StateSnapshot, denom: str = "urock") -> list[str]:
    store = snap.stores.get(t.STORE_KEY, {})
    bonded = not_bonded = 0
    shares: dict[bytes, Dec] = {}
    held: dict[bytes, Dec] = defaultdict(lambda: Dec.of(0))
    problems = []
    for key, raw in store.items():
        if key.startswith(vk.VALIDATORS):
            op = _split_lp(key[1:], 1)[0]
            v = hv.ValidatorHV.FromString(raw)
            tokens = int(v.tokensNative or "0")
            if v.status == t.BONDED:
                bonded += tokens
            else:
                not_bonded += tokens
            shares[op] = Dec.from_atomics(v.delegator_shares or "0")
        elif key.startswith(vk.DELEGATIONS):
            _, op = _split_lp(key[1:], 2)
            d = st.Delegation.FromString(raw)
            s = Dec.from_atomics(d.shares or "0")
            if s.is_zero():
                problems.append(f"delegation {d.delegator_address} -> {d.validator_address} "
                                "has zero shares")  # fmt: skip
            held[op] = held[op] + s
        elif key.startswith(vk.UBDS):
            for e in st.UnbondingDelegation.FromString(raw).entries:
                not_bonded += int(e.balance or "0")
    pool_b, pool_nb = _balance(snap, t.BONDED_POOL, denom), _balance(snap, t.NOT_BONDED_POOL, denom)
    if pool_b != bonded:
        problems.append(f"bonded pool holds {pool_b}{denom}, bonded validators {bonded}{denom}")
    if pool_nb != not_bonded:
        problems.append(
            f"not-bonded pool holds {pool_nb}{denom}, unbonding/unbonded stake {not_bonded}{denom}"
        )
    for op, total in shares.items():
        if held[op] != total:
            problems.append(
                f"validator {op.hex()} has {total} delegator shares, delegations hold {held[op]}"
            )
    for op in set(held) - set(shares):
        problems.append(f"delegations to {op.hex()}, which is no validator")
    return problems


def _dec_coins(protos: Iterable[Any]) -> dict[str, Dec]:
    return {p.denom: Dec.from_atomics(p.amount) for p in protos if p.amount}


def distribution_problems(snap: StateSnapshot) -> list[str]:
    store = snap.stores.get(dk.STORE_KEY, {})
    expected: dict[str, Dec] = defaultdict(lambda: Dec(0))
    problems = []
    raw = store.get(dk.FEE_POOL)
    if raw is not None:
        for denom, amount in _dec_coins(dpb.FeePool.FromString(raw).community_pool).items():
            expected[denom] = expected[denom] + amount
    outstanding: dict[bytes, dict[str, Dec]] = {}
    for key, raw in store.items():
        if key.startswith(dk.OUTSTANDING):
            r = _dec_coins(dpb.ValidatorOutstandingRewards.FromString(raw).rewards)
            outstanding[key[1:]] = r
            for denom, amount in r.items():
                expected[denom] = expected[denom] + amount
    for key, raw in store.items():
        if key.startswith(dk.COMMISSION):
            c = _dec_coins(dpb.ValidatorAccumulatedCommission.FromString(raw).commission)
            have = outstanding.get(key[1:], {})
            for denom, amount in c.items():
                if have.get(denom, Dec(0)) < amount:
                    problems.append(f"validator {key[1:].hex()} commission above outstanding")
    for denom, amount in sorted(expected.items()):
        held = _balance(snap, dk.MODULE, denom)
        if Dec.of(held) != amount:
            problems.append(
                f"distribution holds {held}{denom}, community pool + outstanding {amount}{denom}"
            )
    return problems


def assert_invariants(snap: StateSnapshot) -> None:
    """Raise InvariantBroken listing every broken rule (see the module docstring)."""
    problems = bank_problems(snap) + staking_problems(snap) + distribution_problems(snap)
    if problems:
        raise InvariantBroken(f"at height {snap.height}: " + "; ".join(problems))


__all__ = [
    "InvariantBroken",
    "assert_invariants",
    "bank_problems",
    "distribution_problems",
    "staking_problems",
]
