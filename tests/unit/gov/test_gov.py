"""x/gov v1 on an in-process chain with real staking: proposals of gov-signed Msgs pass,
fail quorum, are vetoed (deposit burned); the tally counts bonded stake, weighted votes and
validators' votes inherited by delegators who did not vote; a passed proposal's Msgs run
all-or-nothing."""

from __future__ import annotations

import pytest
from cosmpy.protos.cosmos.bank.v1beta1 import tx_pb2 as btx
from cosmpy.protos.cosmos.gov.v1 import gov_pb2
from cosmpy.protos.cosmos.gov.v1 import tx_pb2 as gtx
from gov_helpers import (
    MIN_DEPOSIT,
    counts,
    end_voting,
    gov_chain,
    proposal,
    set_zr_sign,
    submit_id,
    tally,
    treasury_params,
    vote,
)
from staking_helpers import STAKE, check_invariants, coin, ok, valoper

from zrchain.codec.gen.zrchain.validation import tx_pb2 as vtx
from zrchain.x.gov.types import GOV_AUTHORITY

YES, ABSTAIN, NO, VETO = (
    gov_pb2.VOTE_OPTION_YES,
    gov_pb2.VOTE_OPTION_ABSTAIN,
    gov_pb2.VOTE_OPTION_NO,
    gov_pb2.VOTE_OPTION_NO_WITH_VETO,
)


@pytest.fixture
def chain(tmp_path):  # type: ignore[no-untyped-def]
    c = gov_chain(tmp_path)
    yield c
    c.app.close()


def test_the_gov_module_account_exists_from_genesis_and_stays_one(chain) -> None:
    """The SDK's gov InitGenesis creates the module account (it holds deposits and burns
    vetoed ones). gov is open to transfers (zrChain's BlockedAddresses): a MsgSend to it
    before any deposit must not make it a plain account."""
    gov = chain.account(GOV_AUTHORITY)
    assert gov is not None and gov.module is not None
    assert (gov.module.name, list(gov.module.permissions)) == ("gov", ["burner"])
    carol = chain.wallets["carol"]
    sent = btx.MsgSend(from_address=carol.address, to_address=GOV_AUTHORITY, amount=[coin(7)])
    ok(chain.run(carol, [sent], fee="40000urock"))
    after = chain.account(GOV_AUTHORITY)
    assert after.module == gov.module and after.number == gov.number
    assert chain.balance(GOV_AUTHORITY) == 7
    check_invariants(chain)


def test_a_passed_proposal_changes_treasury_params_and_refunds_the_deposit(chain) -> None:
    alice, bob, carol = (chain.wallets[n] for n in ("alice", "bob", "carol"))
    before = chain.balance(carol.address)
    pid = submit_id(chain, carol, [set_zr_sign(chain, carol.address)])
    p = proposal(chain, pid)
    assert p.status == gov_pb2.PROPOSAL_STATUS_VOTING_PERIOD
    assert chain.balance(GOV_AUTHORITY) == MIN_DEPOSIT
    ok(vote(chain, alice, pid, YES))
    ok(vote(chain, bob, pid, YES))
    assert counts(tally(chain, pid)) == (2 * STAKE, 0, 0, 0)
    assert treasury_params(chain).zr_sign_address != carol.address
    end_voting(chain)
    p = proposal(chain, pid)
    assert p.status == gov_pb2.PROPOSAL_STATUS_PASSED, p.failed_reason
    assert counts(p.final_tally_result) == (2 * STAKE, 0, 0, 0)
    assert treasury_params(chain).zr_sign_address == carol.address
    fee = 40000
    assert chain.balance(carol.address) == before - fee  # deposit back, fee spent
    assert chain.balance(GOV_AUTHORITY) == 0
    check_invariants(chain)


def test_a_proposal_without_quorum_is_rejected_and_refunded(chain) -> None:
    carol = chain.wallets["carol"]
    pid = submit_id(chain, carol, [set_zr_sign(chain, carol.address)])
    before = chain.balance(carol.address)
    end_voting(chain)
    p = proposal(chain, pid)
    assert p.status == gov_pb2.PROPOSAL_STATUS_REJECTED
    assert chain.balance(carol.address) == before + MIN_DEPOSIT
    assert treasury_params(chain).zr_sign_address != carol.address
    check_invariants(chain)


def test_a_vetoed_proposal_burns_its_deposit(chain) -> None:
    alice, bob, carol = (chain.wallets[n] for n in ("alice", "bob", "carol"))
    pid = submit_id(chain, carol, [set_zr_sign(chain, carol.address)])
    before = chain.balance(carol.address)
    ok(vote(chain, alice, pid, VETO))
    ok(vote(chain, bob, pid, YES))
    end_voting(chain)
    p = proposal(chain, pid)
    assert p.status == gov_pb2.PROPOSAL_STATUS_REJECTED
    assert counts(p.final_tally_result) == (STAKE, 0, 0, STAKE)
    assert chain.balance(carol.address) == before
    assert chain.balance(GOV_AUTHORITY) == 0
    check_invariants(chain)  # supply = balances: the deposit left the supply


def test_delegators_inherit_their_validators_vote_unless_they_vote(chain) -> None:
    alice, carol = chain.wallets["alice"], chain.wallets["carol"]
    dele = vtx.MsgDelegate(
        delegator_address=carol.address, validator_address=valoper(alice), amount=coin(STAKE)
    )
    ok(chain.run(carol, [dele]))
    pid = submit_id(chain, carol, [set_zr_sign(chain, carol.address)])
    ok(vote(chain, alice, pid, YES))
    assert counts(tally(chain, pid)) == (2 * STAKE, 0, 0, 0)  # carol inherits alice's yes
    ok(vote(chain, carol, pid, NO))
    assert counts(tally(chain, pid)) == (STAKE, 0, STAKE, 0)  # her shares leave alice's
    end_voting(chain)  # 20 of 30 voted (quorum); yes 1/2 is not above the 1/2 threshold
    assert proposal(chain, pid).status == gov_pb2.PROPOSAL_STATUS_REJECTED


def test_weighted_votes_split_the_voters_power(chain) -> None:
    alice, bob, carol = (chain.wallets[n] for n in ("alice", "bob", "carol"))
    pid = submit_id(chain, carol, [set_zr_sign(chain, carol.address)])
    options = [
        gov_pb2.WeightedVoteOption(option=YES, weight="0.6"),
        gov_pb2.WeightedVoteOption(option=NO, weight="0.4"),
    ]
    ok(
        chain.run(
            alice, [gtx.MsgVoteWeighted(proposal_id=pid, voter=alice.address, options=options)]
        )
    )
    ok(vote(chain, bob, pid, ABSTAIN))
    assert counts(tally(chain, pid)) == (STAKE * 6 // 10, STAKE, STAKE * 4 // 10, 0)
    end_voting(chain)  # yes 0.6 of the non-abstaining power: passes
    assert proposal(chain, pid).status == gov_pb2.PROPOSAL_STATUS_PASSED


def test_a_voter_without_stake_counts_nothing(chain) -> None:
    alice, carol, dave = (chain.wallets[n] for n in ("alice", "carol", "dave"))
    pid = submit_id(chain, carol, [set_zr_sign(chain, carol.address)])
    ok(vote(chain, dave, pid, VETO))
    ok(vote(chain, alice, pid, YES))
    assert counts(tally(chain, pid)) == (STAKE, 0, 0, 0)


def test_a_proposal_whose_second_msg_fails_changes_nothing_and_records_why(chain) -> None:
    alice, bob, carol = (chain.wallets[n] for n in ("alice", "bob", "carol"))
    too_much = btx.MsgSend(
        from_address=GOV_AUTHORITY, to_address=carol.address, amount=[coin(10**15)]
    )
    pid = submit_id(chain, carol, [set_zr_sign(chain, carol.address), too_much])
    ok(vote(chain, alice, pid, YES))
    ok(vote(chain, bob, pid, YES))
    end_voting(chain)
    p = proposal(chain, pid)
    assert p.status == gov_pb2.PROPOSAL_STATUS_FAILED
    assert "insufficient funds" in p.failed_reason
    assert treasury_params(chain).zr_sign_address != carol.address
    check_invariants(chain)


def test_deposits_below_the_minimum_wait_and_a_second_deposit_starts_voting(chain) -> None:
    carol, dave = chain.wallets["carol"], chain.wallets["dave"]
    pid = submit_id(chain, carol, [set_zr_sign(chain, carol.address)], deposit=MIN_DEPOSIT // 2)
    assert proposal(chain, pid).status == gov_pb2.PROPOSAL_STATUS_DEPOSIT_PERIOD
    ok(chain.run(dave, [gtx.MsgDeposit(proposal_id=pid, depositor=dave.address,
                                       amount=[coin(MIN_DEPOSIT // 2)])]))  # fmt: skip
    p = proposal(chain, pid)
    assert p.status == gov_pb2.PROPOSAL_STATUS_VOTING_PERIOD
    assert [(c.denom, c.amount) for c in p.total_deposit] == [("urock", str(MIN_DEPOSIT))]


def test_a_proposal_short_of_its_deposit_is_dropped_and_refunded(chain) -> None:
    carol = chain.wallets["carol"]
    pid = submit_id(chain, carol, [set_zr_sign(chain, carol.address)], deposit=MIN_DEPOSIT // 2)
    before = chain.balance(carol.address)
    end_voting(chain)
    res = chain.query_raw("/cosmos.gov.v1.Query/Proposal", _req(pid))
    assert res.code != 0 and "doesn't exist" in res.log
    assert chain.balance(carol.address) == before + MIN_DEPOSIT // 2


def _req(pid: int):  # type: ignore[no-untyped-def]
    from cosmpy.protos.cosmos.gov.v1 import query_pb2 as gq

    return gq.QueryProposalRequest(proposal_id=pid)
