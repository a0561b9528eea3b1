"""x/distribution on an in-process chain: fees reach validators by bonded tokens and
delegators by share (F1), withdrawals pay exact whole urock, commission and the community
pool."""

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


def _outstanding(chain, val: str) -> int:  # type: ignore[no-untyped-def]
    """A validator's outstanding urock, as LegacyDec atomics (18 decimals)."""
    r = chain.q(DQ + "ValidatorOutstandingRewards",
                dq.QueryValidatorOutstandingRewardsRequest(validator_address=val),
                dq.QueryValidatorOutstandingRewardsResponse).rewards.rewards  # fmt: skip
    return sum(int(c.amount) for c in r if c.denom == "urock")


def _pool(chain) -> int:  # type: ignore[no-untyped-def]
    pool = chain.q(DQ + "CommunityPool", dq.QueryCommunityPoolRequest(),
                   dq.QueryCommunityPoolResponse).pool  # fmt: skip
    return sum(int(c.amount) for c in pool if c.denom == "urock")


def _fee_block(chain, votes) -> None:  # type: ignore[no-untyped-def]
    """A block carrying carol's 40000 urock fee, allocated by the block after it."""
    from cosmpy.protos.cosmos.bank.v1beta1 import tx_pb2 as btx

    carol = chain.wallets["carol"].address
    ok(_send(chain, "carol", [btx.MsgSend(from_address=carol, to_address=carol,
                                           amount=[coin(1)])], votes=votes))  # fmt: skip


def _allocated(chain, votes, vals: list[str]) -> tuple[list[int], int]:  # type: ignore[no-untyped-def]
    """What one block with ``votes`` adds to each validator's outstanding rewards and to the
    community pool (atomics)."""
    before, pool = [_outstanding(chain, v) for v in vals], _pool(chain)
    chain.block([], votes=votes)
    return [_outstanding(chain, v) - b for v, b in zip(vals, before, strict=True)], (
        _pool(chain) - pool
    )


def test_fees_are_shared_by_bonded_tokens_not_vote_power(chain) -> None:
    """zrChain's fork (v0.50.13-zenrock2) shares fees by the voters' bonded tokens. With
    10,999,999 and 20,000,001 urock bonded (powers 10 and 20), of 40000 * 0.98 = 39200:
    alice's fraction is 10999999/31000000 = 0.354838677419354838 (QuoTruncate), her reward
    39200 * that = 13909.676154838709649600 (MulDecTruncate); dave's fraction
    0.645161322580645161 gives 25290.323845161290311200. By power (upstream SDK) they
    would get 13066.666666666666653600 and 26133.333333333333307200."""
    alice, dave = chain.wallets["alice"], chain.wallets["dave"]
    ok(_send(chain, "dave", [create_validator(dave, cons_key(1), amount=20_000_001)]))
    ok(_send(chain, "alice", [create_validator(alice, cons_key(0), amount=10_999_999)],
             votes=[(cons_addr(cons_key(1)), 20, True)]))  # fmt: skip
    both = [(cons_addr(cons_key(0)), 10, True), (cons_addr(cons_key(1)), 20, False)]
    _fee_block(chain, both)
    (to_alice, to_dave), to_pool = _allocated(chain, both, [valoper(alice), valoper(dave)])
    assert to_alice == 13_909_676154838709649600
    assert to_dave == 25_290_323845161290311200
    # the 2 % tax and the truncation dust: 40000 - 39200 + 0.0000000000000392
    assert to_pool == 800 * 10**18 + 39_200
    assert to_alice + to_dave + to_pool == FEE * 10**18  # nothing created or lost
    check_invariants(chain)


def _double_sign(chain, i: int, power: int, votes=()) -> None:  # type: ignore[no-untyped-def]
    """Evidence of validator ``i`` signing twice: slashed 5 %, jailed, tombstoned."""
    from zrchain.abci import types as abci

    m = abci.Misbehavior(type=abci.DUPLICATE_VOTE, height=chain.height, total_voting_power=power)
    m.validator.address, m.validator.power = cons_addr(cons_key(i)), power
    m.time.seconds = chain.time_s
    chain.block([], votes=votes, misbehavior=[m])


def test_a_voter_that_is_not_bonded_gets_nothing_and_with_none_bonded_all_goes_to_the_pool(
    chain,
) -> None:
    """A validator jailed for double signing is unbonding at once, while CometBFT still has
    it in the next commits: its bonded tokens count 0. Beside it, a bonded voter takes
    all 39200 of a 40000 fee (fraction 1); alone (total power 20, bonded tokens 0), the whole fee
    goes to the community pool, not only the tax."""
    alice, dave = chain.wallets["alice"], chain.wallets["dave"]
    ok(_send(chain, "dave", [create_validator(dave, cons_key(1))]))
    ok(_send(chain, "alice", [create_validator(alice, cons_key(0))]))
    _double_sign(chain, 0, 10)
    jailed, bonded = (cons_addr(cons_key(0)), 10, True), (cons_addr(cons_key(1)), 10, True)
    vals = [valoper(alice), valoper(dave)]
    _fee_block(chain, [jailed, bonded])
    assert _allocated(chain, [jailed, bonded], vals) == ([0, 39_200 * 10**18], 800 * 10**18)
    _fee_block(chain, [jailed])
    assert _allocated(chain, [jailed], vals) == ([0, 0], FEE * 10**18)
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
    """Double sign (5 %): bob's 10 of alice's 20 urock-millions become 9.5 of 19. Alice is
    jailed (not bonded), so fees no longer reach her (zrChain shares them by bonded
    tokens); a 39200 deposit to her pool still does. Bob's part of its 35280 is
    35280 * 9.5M / 19M computed as the SDK does: the ratio truncated to 18 decimals, then
    the product — 17639.99…, paid as 17639."""
    from cosmpy.protos.cosmos.bank.v1beta1 import tx_pb2 as btx

    alice, bob, carol = chain.wallets["alice"], chain.wallets["bob"], chain.wallets["carol"]
    dave = chain.wallets["dave"]  # a second validator, so the set survives alice's jailing
    ok(_send(chain, "dave", [create_validator(dave, cons_key(1))]))
    ok(_send(chain, "alice", [create_validator(alice, cons_key(0))]))
    delegate = vtx.MsgDelegate(
        delegator_address=bob.address, validator_address=valoper(alice), amount=coin(STAKE)
    )
    ok(_send(chain, "bob", [delegate], votes=_votes(10)))  # alice earns dave's create fee
    chain.block([], votes=_votes(20))  # bob earns 17640 of the delegate fee
    _double_sign(chain, 0, 20, votes=_votes(20))
    send = btx.MsgSend(from_address=carol.address, to_address=carol.address, amount=[coin(1)])
    ok(_send(chain, "carol", [send], votes=_votes(20)))
    pending = _rewards(chain, bob.address, valoper(alice))
    chain.block([], votes=_votes(19))  # carol's fee: alice still votes, but is not bonded
    assert _rewards(chain, bob.address, valoper(alice)) == pending
    deposit = dtx.MsgDepositValidatorRewardsPool(
        depositor=carol.address, validator_address=valoper(alice), amount=[coin(39_200)]
    )
    ok(_send(chain, "carol", [deposit], votes=_votes(19)))
    before = chain.balance(bob.address)
    ok(_send(chain, "bob", [dtx.MsgWithdrawDelegatorReward(
        delegator_address=bob.address, validator_address=valoper(alice))]))  # fmt: skip
    assert chain.balance(bob.address) == before - FEE + 17_640 + 17_639
    check_invariants(chain)
