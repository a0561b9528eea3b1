"""x/distribution on an in-process chain: fees reach validators by power and delegators by
share (F1), withdrawals pay exact whole urock, commission and the community pool."""

from __future__ import annotations

import pytest
from cosmpy.protos.cosmos.distribution.v1beta1 import query_pb2 as dq
from cosmpy.protos.cosmos.distribution.v1beta1 import tx_pb2 as dtx

from tests.unit.validation.staking_helpers import (
    STAKE,
    check_invariants,
    coin,
    cons_addr,
    cons_key,
    create_validator,
    ok,
    staking_chain,
    valoper,
)
from zrchain.codec.gen.zrchain.validation import tx_pb2 as vtx

DQ = "/cosmos.distribution.v1beta1.Query/"
FEE = 40_000


@pytest.fixture
def chain(tmp_path):  # type: ignore[no-untyped-def]
    c = staking_chain(tmp_path)
    yield c
    c.app.close()


def _send(chain, name: str, msgs, votes=()):  # type: ignore[no-untyped-def]
    w = chain.wallets[name]
    res = chain.block([chain.tx(w, msgs, fee=f"{FEE}urock", gas=400_000)], votes=votes)
    w.sequence += 1
    return res.tx_results[0]


def _votes(power: int) -> list[tuple[bytes, int, bool]]:
    return [(cons_addr(cons_key(0)), power, True)]


def _rewards(chain, delegator: str, val: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    r = chain.q(
        DQ + "DelegationRewards",
        dq.QueryDelegationRewardsRequest(delegator_address=delegator, validator_address=val),
        dq.QueryDelegationRewardsResponse,
    )
    return {c.denom: c.amount for c in r.rewards}


def test_fees_reach_the_delegator_by_share_and_the_validator_by_commission(chain) -> None:
    alice, bob = chain.wallets["alice"], chain.wallets["bob"]
    ok(_send(chain, "alice", [create_validator(alice, cons_key(0))]))  # commission 10 %
    # this block allocates alice's create-validator fee: all hers (commission + self-bond)
    ok(
        _send(
            chain,
            "bob",
            [
                vtx.MsgDelegate(
                    delegator_address=bob.address,
                    validator_address=valoper(alice),
                    amount=coin(STAKE),
                )
            ],
            votes=_votes(10),
        )
    )
    # this block allocates bob's delegate fee (40000): 2 % community tax, 10 % commission,
    # the rest by tokens: bob holds half of alice's 20 urock-millions
    chain.block([], votes=_votes(20))
    assert _rewards(chain, bob.address, valoper(alice)) == {
        "urock": str(17_640 * 10**18)  # 40000 * 0.98 * 0.9 / 2, as LegacyDec atomics
    }
    before = chain.balance(bob.address)
    res = ok(
        _send(
            chain,
            "bob",
            [
                dtx.MsgWithdrawDelegatorReward(
                    delegator_address=bob.address, validator_address=valoper(alice)
                )
            ],
        )
    )
    assert chain.balance(bob.address) == before - FEE + 17_640
    assert any(e.type == "withdraw_rewards" for e in res.events)
    # alice's commission: 10 % of both allocations (39200 each)
    before = chain.balance(alice.address)
    ok(
        _send(
            chain, "alice", [dtx.MsgWithdrawValidatorCommission(validator_address=valoper(alice))]
        )
    )
    assert chain.balance(alice.address) == before - FEE + 3_920 * 2
    # community pool: 2 % of the two fees allocated by votes, and all of bob's withdraw fee
    # (allocated by the commission block, which carried no votes: no power to share it)
    pool = chain.q(
        DQ + "CommunityPool", dq.QueryCommunityPoolRequest(), dq.QueryCommunityPoolResponse
    ).pool
    assert pool[0].amount == str((800 * 2 + FEE) * 10**18)  # fmt: skip
    check_invariants(chain)


def test_withdraw_address_receives_the_rewards(chain) -> None:
    alice, bob, carol = chain.wallets["alice"], chain.wallets["bob"], chain.wallets["carol"]
    ok(_send(chain, "alice", [create_validator(alice, cons_key(0))]))
    ok(
        _send(
            chain,
            "alice",
            [
                dtx.MsgSetWithdrawAddress(
                    delegator_address=alice.address, withdraw_address=carol.address
                )
            ],
            votes=_votes(10),
        )
    )
    chain.block([], votes=_votes(10))
    carol_before = chain.balance(carol.address)
    ok(
        _send(
            chain,
            "alice",
            [
                dtx.MsgWithdrawDelegatorReward(
                    delegator_address=alice.address, validator_address=valoper(alice)
                )
            ],
        )
    )
    # two allocations of 40000: 98 % of each, all alice's (commission stays accumulated)
    assert chain.balance(carol.address) == carol_before + 2 * (39_200 - 3_920)
    del bob
    check_invariants(chain)


def _distribution_view(chain, delegator: str, val: str) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """Everything a wallet or an operator reads of x/distribution for one delegation."""
    commission = chain.q(DQ + "ValidatorCommission",
                         dq.QueryValidatorCommissionRequest(validator_address=val),
                         dq.QueryValidatorCommissionResponse).commission.commission  # fmt: skip
    outstanding = chain.q(DQ + "ValidatorOutstandingRewards",
                          dq.QueryValidatorOutstandingRewardsRequest(validator_address=val),
                          dq.QueryValidatorOutstandingRewardsResponse).rewards.rewards  # fmt: skip
    pool = chain.q(DQ + "CommunityPool", dq.QueryCommunityPoolRequest(),
                   dq.QueryCommunityPoolResponse).pool  # fmt: skip
    return {
        "delegation": _rewards(chain, delegator, val),
        "self": _rewards(chain, chain.wallets["alice"].address, val),
        "commission": [(c.denom, c.amount) for c in commission],
        "outstanding": [(c.denom, c.amount) for c in outstanding],
        "pool": [(c.denom, c.amount) for c in pool],
    }


def test_an_exported_chain_imports_with_its_rewards_exactly(tmp_path) -> None:
    """Export carries every F1 record (the SDK's GenesisState): on the imported chain each
    reward, the commission, the outstanding rewards and the community pool read as they
    did, its own export equals the imported records (a slash event included), and a
    withdrawal pays exactly what was pending."""
    from tests.unit.validation.staking_helpers import FUNDS
    from zrchain.testing.inproc import make_chain

    a = staking_chain(tmp_path / "a")
    alice, bob = a.wallets["alice"], a.wallets["bob"]
    ok(_send(a, "alice", [create_validator(alice, cons_key(0))]))
    delegate = vtx.MsgDelegate(
        delegator_address=bob.address, validator_address=valoper(alice), amount=coin(STAKE)
    )
    ok(_send(a, "bob", [delegate], votes=_votes(10)))
    a.block([], votes=_votes(20))  # bob earns a share of his delegate fee
    before = _distribution_view(a, bob.address, valoper(alice))
    assert int(before["delegation"]["urock"]) > 0  # DecCoin atomics
    exported = a.app.export_genesis()
    a.app.close()
    records = exported["distribution"]
    for field in ("outstanding_rewards", "validator_accumulated_commissions",
                  "validator_historical_rewards", "validator_current_rewards",
                  "delegator_starting_infos"):  # fmt: skip
        assert records[field], field
    # a slash event from before bob's delegation (rewards unaffected) must survive too
    records["validator_slash_events"] = [{
        "validator_address": valoper(alice), "height": "1", "period": "1",
        "validator_slash_event": {"validator_period": "1",
                                  "fraction": "0.050000000000000000"},
    }]  # fmt: skip
    b = make_chain(
        tmp_path / "b",
        dict.fromkeys(("alice", "bob", "carol", "dave", "eve"), FUNDS),
        app_state=lambda full: full.update(exported),
        validators=[(cons_key(0), 20)],
    )
    try:
        check_invariants(b)
        assert _distribution_view(b, bob.address, valoper(alice)) == before
        assert b.app.export_genesis()["distribution"] == records  # every record, exactly
        for name in ("alice", "bob"):
            b.wallets[name].sequence = a.wallets[name].sequence
        pending = int(before["delegation"]["urock"]) // 10**18  # 17640
        balance = b.balance(bob.address)
        ok(_send(b, "bob", [dtx.MsgWithdrawDelegatorReward(
            delegator_address=bob.address, validator_address=valoper(alice))],
            votes=_votes(20)))  # fmt: skip
        assert b.balance(bob.address) == balance - FEE + pending
        again = b.app.export_genesis()["distribution"]
        # a no-fee block changed nothing but bob's now-withdrawn delegation
        assert (
            again["validator_accumulated_commissions"]
            == (records["validator_accumulated_commissions"])
        )
        ok(_send(b, "bob", [delegate], votes=_votes(20)))  # F1 hooks find their records
        b.block([], votes=_votes(30))
        check_invariants(b)
    finally:
        b.app.close()


def test_after_a_slash_the_delegator_earns_on_the_reduced_stake_truncated(chain) -> None:
    """Double sign (5 %): bob's 10 of alice's 20 urock-millions become 9.5 of 19. His reward
    for a later 40000 fee is 35280 * 9.5M / 19M computed as the SDK does: the ratio
    truncated to 18 decimals, then the product — 17639.99…, paid as 17639."""
    from cosmpy.protos.cosmos.bank.v1beta1 import tx_pb2 as btx

    from zrchain.abci import types as abci

    alice, bob, carol = chain.wallets["alice"], chain.wallets["bob"], chain.wallets["carol"]
    dave = chain.wallets["dave"]  # a second validator, so the set survives alice's jailing
    ok(_send(chain, "dave", [create_validator(dave, cons_key(1))]))
    ok(_send(chain, "alice", [create_validator(alice, cons_key(0))]))
    delegate = vtx.MsgDelegate(
        delegator_address=bob.address, validator_address=valoper(alice), amount=coin(STAKE)
    )
    ok(_send(chain, "bob", [delegate], votes=_votes(10)))  # alice earns dave's create fee
    chain.block([], votes=_votes(20))  # bob earns 17640 of the delegate fee
    m = abci.Misbehavior(type=abci.DUPLICATE_VOTE, height=chain.height, total_voting_power=20)
    m.validator.address, m.validator.power = cons_addr(cons_key(0)), 20
    m.time.seconds = chain.time_s
    chain.block([], votes=_votes(20), misbehavior=[m])
    send = btx.MsgSend(from_address=carol.address, to_address=carol.address, amount=[coin(1)])
    ok(_send(chain, "carol", [send], votes=_votes(20)))
    chain.block([], votes=_votes(19))  # allocates carol's fee to the slashed validator
    before = chain.balance(bob.address)
    ok(_send(chain, "bob", [dtx.MsgWithdrawDelegatorReward(
        delegator_address=bob.address, validator_address=valoper(alice))]))  # fmt: skip
    assert chain.balance(bob.address) == before - FEE + 17_640 + 17_639
    check_invariants(chain)
