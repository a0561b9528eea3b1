"""MsgDepositValidatorRewardsPool (SDK v0.50): a depositor's coins join one validator's
rewards as if allocated from fees — its commission rate applies, its delegators share the
rest by stake — and bad deposits are refused with nothing moved but the fee.

The chains' blocks carry no votes, so fees go to the community pool and the figures below
are the deposits' alone."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from cosmpy.protos.cosmos.base.v1beta1.coin_pb2 import Coin
from cosmpy.protos.cosmos.distribution.v1beta1 import query_pb2 as dq
from cosmpy.protos.cosmos.distribution.v1beta1 import tx_pb2 as dtx

from tests.unit.validation.staking_helpers import (
    FUNDS,
    STAKE,
    check_invariants,
    coin,
    cons_key,
    create_validator,
    ok,
    staking_chain,
    valoper,
)
from zrchain.codec.address import acc_bytes, acc_string, module_address, val_string
from zrchain.codec.gen.zrchain.validation import tx_pb2 as vtx
from zrchain.testing.inproc import Chain, Wallet
from zrchain.testing.state import assert_unchanged, snapshot_app

DQ = "/cosmos.distribution.v1beta1.Query/"
FEE = "40000urock"
ATOMICS = 10**18  # LegacyDec's 18 decimals


@pytest.fixture
def chain(tmp_path: Any) -> Iterator[Chain]:
    """alice's validator (10 % commission, 10M self-bond) and bob's 10M delegation to it."""
    c = staking_chain(tmp_path, funds=FUNDS + ",1000000uzen")
    alice, bob = c.wallets["alice"], c.wallets["bob"]
    ok(c.run(alice, [create_validator(alice, cons_key(0))], fee=FEE))
    delegate = vtx.MsgDelegate(
        delegator_address=bob.address, validator_address=valoper(alice), amount=coin(STAKE)
    )
    ok(c.run(bob, [delegate], fee=FEE))
    yield c
    c.app.close()


def deposit(
    depositor: str, val: str, *coins: tuple[str, str]
) -> dtx.MsgDepositValidatorRewardsPool:
    return dtx.MsgDepositValidatorRewardsPool(
        depositor=depositor,
        validator_address=val,
        amount=[Coin(denom=d, amount=a) for a, d in coins],
    )


def _dec(coins: Any) -> dict[str, int]:
    """DecCoin protos -> denom: LegacyDec atomics."""
    return {c.denom: int(c.amount) for c in coins}


def rewards(chain: Chain, delegator: Wallet, val: str) -> dict[str, int]:
    req = dq.QueryDelegationRewardsRequest(delegator_address=delegator.address,
                                           validator_address=val)  # fmt: skip
    return _dec(chain.q(DQ + "DelegationRewards", req, dq.QueryDelegationRewardsResponse).rewards)


def commission(chain: Chain, val: str) -> dict[str, int]:
    req = dq.QueryValidatorCommissionRequest(validator_address=val)
    res = chain.q(DQ + "ValidatorCommission", req, dq.QueryValidatorCommissionResponse)
    return _dec(res.commission.commission)


def outstanding(chain: Chain, val: str) -> dict[str, int]:
    req = dq.QueryValidatorOutstandingRewardsRequest(validator_address=val)
    res = chain.q(DQ + "ValidatorOutstandingRewards", req,
                  dq.QueryValidatorOutstandingRewardsResponse)  # fmt: skip
    return _dec(res.rewards.rewards)


def _attrs(res: Any, kind: str) -> list[dict[str, str]]:
    return [{a.key: a.value for a in e.attributes} for e in res.events if e.type == kind]


def test_a_deposit_is_shared_as_fees_are(chain: Chain) -> None:
    """carol deposits 999,999 urock: 10 % (99,999.9) is alice's commission, 899,999.1 is
    shared by stake — bob holds half, so 449,999.55 — and a withdrawal pays 449,999 whole
    urock, the 0.55 change going to the community pool."""
    alice, bob, carol = (chain.wallets[n] for n in ("alice", "bob", "carol"))
    val = valoper(alice)
    before = chain.balance(carol.address)
    res = ok(chain.run(carol, [deposit(carol.address, val, ("999999", "urock"))], fee=FEE))
    assert chain.balance(carol.address) == before - 40_000 - 999_999
    assert _attrs(res, "commission") == [
        {"amount": "99999.900000000000000000urock", "validator": val, "msg_index": "0"}
    ]
    assert _attrs(res, "rewards") == [
        {"amount": "999999.000000000000000000urock", "validator": val, "msg_index": "0"}
    ]
    assert {"recipient": acc_string(module_address("distribution")), "sender": carol.address,
            "amount": "999999urock", "msg_index": "0"} in _attrs(res, "transfer")  # fmt: skip
    assert commission(chain, val) == {"urock": 99_999_900 * ATOMICS // 1000}
    assert outstanding(chain, val) == {"urock": 999_999 * ATOMICS}
    assert rewards(chain, bob, val) == {"urock": 449_999_550 * ATOMICS // 1000}
    assert rewards(chain, alice, val) == {"urock": 449_999_550 * ATOMICS // 1000}
    check_invariants(chain)

    pool = _dec(chain.q(DQ + "CommunityPool", dq.QueryCommunityPoolRequest(),
                        dq.QueryCommunityPoolResponse).pool)["urock"]  # fmt: skip
    before = chain.balance(bob.address)
    withdraw = dtx.MsgWithdrawDelegatorReward(delegator_address=bob.address, validator_address=val)
    ok(chain.run(bob, [withdraw], fee=FEE))
    assert chain.balance(bob.address) == before - 40_000 + 449_999
    after = _dec(chain.q(DQ + "CommunityPool", dq.QueryCommunityPoolRequest(),
                         dq.QueryCommunityPoolResponse).pool)["urock"]  # fmt: skip
    # the pool gains the fee of carol's block (allocated, without votes, at this block's
    # start) and bob's sub-urock change
    assert after - pool == 40_000 * ATOMICS + 550 * ATOMICS // 1000
    check_invariants(chain)


def test_any_denom_may_be_deposited(chain: Chain) -> None:
    """SDK v0.50 takes any denom (not only the bond denom): 7 uzen -> 0.7 commission, 3.15
    each to alice and bob; bob's withdrawal pays 3 uzen."""
    alice, bob, carol = (chain.wallets[n] for n in ("alice", "bob", "carol"))
    val = valoper(alice)
    ok(chain.run(carol, [deposit(carol.address, val, ("10", "urock"), ("7", "uzen"))], fee=FEE))
    assert commission(chain, val) == {"urock": 1 * ATOMICS, "uzen": 7 * ATOMICS // 10}
    assert rewards(chain, bob, val) == {"urock": 45 * ATOMICS // 10, "uzen": 315 * ATOMICS // 100}
    withdraw = dtx.MsgWithdrawDelegatorReward(delegator_address=bob.address, validator_address=val)
    ok(chain.run(bob, [withdraw], fee=FEE))
    assert chain.balance(bob.address, "uzen") == 1_000_000 + 3
    check_invariants(chain)


def test_a_delegation_made_after_the_deposit_does_not_share_it(chain: Chain) -> None:
    """The deposit belongs to the period it lands in: dave delegating afterwards ends that
    period, so he earns nothing of it while bob and alice keep their halves."""
    alice, bob, carol, dave = (chain.wallets[n] for n in ("alice", "bob", "carol", "dave"))
    val = valoper(alice)
    ok(chain.run(carol, [deposit(carol.address, val, ("2000000", "urock"))], fee=FEE))
    delegate = vtx.MsgDelegate(
        delegator_address=dave.address, validator_address=val, amount=coin(STAKE)
    )
    ok(chain.run(dave, [delegate], fee=FEE))
    chain.block([])
    assert rewards(chain, dave, val) == {}
    assert rewards(chain, bob, val) == {"urock": 900_000 * ATOMICS}
    check_invariants(chain)


def test_a_deposit_of_no_coins_is_accepted_and_moves_nothing(chain: Chain) -> None:
    """SDK v0.50 has no amount check for this Msg and SendCoins takes empty Coins: the tx
    succeeds and only its fee moves."""
    alice, carol = chain.wallets["alice"], chain.wallets["carol"]
    before = snapshot_app(chain.app)
    ok(chain.run(carol, [deposit(carol.address, valoper(alice))], fee=FEE))
    assert_unchanged(before, snapshot_app(chain.app), carol.address, FEE, [carol.address])


def _refused(
    chain: Chain, w: Wallet, msg: Any, code: int, text: str, codespace: str, charged: bool
) -> None:
    before = snapshot_app(chain.app)
    res = chain.run(w, [msg], fee=FEE)
    assert (res.codespace, res.code) == (codespace, code), res.log
    assert text in res.log, res.log
    if charged:  # passed the ante handler, failed in the handler: the SDK keeps the fee
        assert_unchanged(before, snapshot_app(chain.app), w.address, FEE, [w.address])
    else:
        assert_unchanged(before, snapshot_app(chain.app))


def test_a_deposit_to_an_unknown_validator_is_refused(chain: Chain) -> None:
    carol = chain.wallets["carol"]
    nobody = val_string(acc_bytes(carol.address))  # carol runs no validator
    msg = deposit(carol.address, nobody, ("1000", "urock"))
    _refused(chain, carol, msg, 12, "validator does not exist", "distribution", charged=True)


def test_a_deposit_beyond_the_balance_is_refused(chain: Chain) -> None:
    alice, carol = chain.wallets["alice"], chain.wallets["carol"]
    msg = deposit(carol.address, valoper(alice), ("1", "uatom"))
    _refused(chain, carol, msg, 5, "insufficient funds", "sdk", charged=True)


@pytest.mark.parametrize(
    "coins, text",
    [
        ((("0", "urock"),), "amount is not positive"),
        ((("-5", "urock"),), "amount is not positive"),
        ((("5", "urock"), ("5", "uatom")), "is not sorted"),
        ((("5", "urock"), ("6", "urock")), "is not sorted"),
        ((("5", "1x"),), "invalid denom"),
        ((("5.5", "urock"),), "invalid coins"),
        ((("1" * 80, "urock"),), "invalid coins"),
    ],
    ids=["zero", "negative", "unsorted", "duplicate", "bad-denom", "decimal", "oversize"],
)
def test_malformed_coins_are_refused_before_any_fee(
    chain: Chain, coins: tuple[tuple[str, str], ...], text: str
) -> None:
    alice, carol = chain.wallets["alice"], chain.wallets["carol"]
    msg = deposit(carol.address, valoper(alice), *coins)
    _refused(chain, carol, msg, 10, text, "sdk", charged=False)


@pytest.mark.parametrize(
    "val",
    ["zenvaloper1bad", "", "zen1a0qwuze2h85zw7nqpsj3ga0z9geyrgwpdj4nkl"],
    ids=["bad-bech32", "empty", "account-prefix"],
)
def test_a_malformed_validator_address_is_refused_before_any_fee(chain: Chain, val: str) -> None:
    carol = chain.wallets["carol"]
    msg = deposit(carol.address, val, ("5", "urock"))
    _refused(chain, carol, msg, 7, "invalid validator address", "sdk", charged=False)


def test_depositing_someone_elses_coins_is_refused(chain: Chain) -> None:
    """The depositor is the Msg's signer: carol cannot spend bob's coins."""
    alice, bob, carol = (chain.wallets[n] for n in ("alice", "bob", "carol"))
    msg = deposit(bob.address, valoper(alice), ("5", "urock"))
    _refused(chain, carol, msg, 8, "pubKey does not match signer", "sdk", charged=False)


@pytest.mark.parametrize(
    "module, code, text",
    [
        ("distribution", 8, "pubKey does not match signer"),
        ("bonded_tokens_pool", 8, "pubKey does not match signer"),
        # as the first signer it pays the fee, checked before the signatures: the fee
        # collector is emptied every block, gov (created at genesis) holds no deposit
        ("fee_collector", 5, "insufficient funds"),
        ("gov", 5, "insufficient funds"),
    ],
)
def test_a_module_account_as_depositor_is_refused(
    chain: Chain, module: str, code: int, text: str
) -> None:
    """No key signs for a module account, so its coins cannot be deposited."""
    alice, carol = chain.wallets["alice"], chain.wallets["carol"]
    msg = deposit(acc_string(module_address(module)), valoper(alice), ("5", "urock"))
    _refused(chain, carol, msg, code, text, "sdk", charged=False)
