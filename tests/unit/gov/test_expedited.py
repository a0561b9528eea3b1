"""Expedited proposals as the SDK v0.50's x/gov (docs/gov.md "Expedited proposals"): their
own minimum deposit, a shorter voting period and a higher threshold; one that fails its
tally becomes a regular proposal voting on until the regular period ends, its deposits
kept and its votes deleted (the SDK's tally deletes the votes it counts)."""

from __future__ import annotations

import pytest
from cosmpy.protos.cosmos.gov.v1 import gov_pb2
from cosmpy.protos.cosmos.gov.v1 import tx_pb2 as gtx
from gov_helpers import (
    EXPEDITED_DEPOSIT,
    EXPEDITED_S,
    MIN_DEPOSIT,
    VOTING_S,
    deposit,
    end_voting,
    events,
    gov_chain,
    proposal,
    set_zr_sign,
    submit,
    submit_id,
    treasury_params,
    vote,
    votes,
)
from staking_helpers import STAKE, check_invariants, ok

from zrchain.codec.json import from_dict
from zrchain.x.gov.types import DEFAULT_PARAMS, GOV_AUTHORITY, validate_params

YES, NO = gov_pb2.VOTE_OPTION_YES, gov_pb2.VOTE_OPTION_NO


@pytest.fixture
def chain(tmp_path):  # type: ignore[no-untyped-def]
    c = gov_chain(tmp_path)
    yield c
    c.app.close()


def _period_s(p: gov_pb2.Proposal) -> int:
    return p.voting_end_time.seconds - p.voting_start_time.seconds


def _yes_six_tenths(chain, pid: int) -> None:  # type: ignore[no-untyped-def]
    """alice yes, bob 0.2 yes / 0.8 no: yes is 0.6 of the stake (regular 0.5 < 0.6 <
    expedited 0.667)."""
    alice, bob = chain.wallets["alice"], chain.wallets["bob"]
    ok(vote(chain, alice, pid, YES))
    options = [
        gov_pb2.WeightedVoteOption(option=YES, weight="0.2"),
        gov_pb2.WeightedVoteOption(option=NO, weight="0.8"),
    ]
    ok(chain.run(bob, [gtx.MsgVoteWeighted(proposal_id=pid, voter=bob.address, options=options)]))


def test_an_expedited_proposal_needs_the_expedited_min_deposit(chain) -> None:
    carol, dave = chain.wallets["carol"], chain.wallets["dave"]
    pid = submit_id(chain, carol, [set_zr_sign(chain, carol.address)], expedited=True)
    p = proposal(chain, pid)
    assert p.expedited
    assert p.status == gov_pb2.PROPOSAL_STATUS_DEPOSIT_PERIOD  # min_deposit is not enough
    # each deposit must be min_deposit_ratio (1%) of the *expedited* minimum: 50000
    res = deposit(chain, dave, pid, EXPEDITED_DEPOSIT // 100 - 1)
    assert res.code == 16 and "minimum deposit is too small" in res.log, res.log
    floor = EXPEDITED_DEPOSIT // 100
    ok(deposit(chain, dave, pid, EXPEDITED_DEPOSIT - MIN_DEPOSIT - floor))
    assert proposal(chain, pid).status == gov_pb2.PROPOSAL_STATUS_DEPOSIT_PERIOD
    res = ok(deposit(chain, dave, pid, floor))
    started = [e["voting_period_start"] for e in events(res, "proposal_deposit") if len(e) == 2]
    assert started == [str(pid)]  # with msg_index
    p = proposal(chain, pid)
    assert p.status == gov_pb2.PROPOSAL_STATUS_VOTING_PERIOD
    assert [(c.denom, int(c.amount)) for c in p.total_deposit] == [("urock", EXPEDITED_DEPOSIT)]
    assert chain.balance(GOV_AUTHORITY) == EXPEDITED_DEPOSIT


def test_an_expedited_proposal_votes_for_the_expedited_period_and_passes_early(chain) -> None:
    alice, bob, carol = (chain.wallets[n] for n in ("alice", "bob", "carol"))
    before = chain.balance(carol.address)
    pid = submit_id(
        chain, carol, [set_zr_sign(chain, carol.address)], EXPEDITED_DEPOSIT, expedited=True
    )
    p = proposal(chain, pid)
    assert p.status == gov_pb2.PROPOSAL_STATUS_VOTING_PERIOD
    assert _period_s(p) == EXPEDITED_S
    ok(vote(chain, alice, pid, YES))
    ok(vote(chain, bob, pid, YES))
    res = end_voting(chain, EXPEDITED_S)  # well before the regular period would end
    assert events(res, "active_proposal") == [
        {"proposal_id": str(pid), "proposal_result": "proposal_passed", "proposal_log": "passed"}
    ]
    assert proposal(chain, pid).status == gov_pb2.PROPOSAL_STATUS_PASSED
    assert treasury_params(chain).zr_sign_address == carol.address
    assert chain.balance(carol.address) == before - 40000  # deposit back, fee spent
    check_invariants(chain)


def test_a_regular_proposal_passes_where_an_expedited_one_misses_its_threshold(chain) -> None:
    carol = chain.wallets["carol"]
    pid = submit_id(chain, carol, [set_zr_sign(chain, carol.address)])
    _yes_six_tenths(chain, pid)
    end_voting(chain)
    assert proposal(chain, pid).status == gov_pb2.PROPOSAL_STATUS_PASSED  # 0.6 > 0.5


def test_a_failed_expedited_proposal_becomes_regular_and_votes_again(chain) -> None:
    """0.6 yes misses the expedited 0.667: the proposal converts (deposits kept, votes
    deleted, end = start + the regular period); voted again, it passes at the regular
    period's end under the regular threshold."""
    carol = chain.wallets["carol"]
    pid = submit_id(
        chain, carol, [set_zr_sign(chain, carol.address)], EXPEDITED_DEPOSIT, expedited=True
    )
    start = proposal(chain, pid).voting_start_time.seconds
    _yes_six_tenths(chain, pid)
    held = chain.balance(GOV_AUTHORITY)
    res = end_voting(chain, EXPEDITED_S)
    assert events(res, "active_proposal") == [
        {
            "proposal_id": str(pid),
            "proposal_result": "expedited_proposal_rejected",
            "proposal_log": "expedited proposal converted to regular",
        }
    ]
    p = proposal(chain, pid)
    assert p.status == gov_pb2.PROPOSAL_STATUS_VOTING_PERIOD and not p.expedited
    assert p.voting_end_time.seconds == start + VOTING_S
    assert (int(p.final_tally_result.yes_count), int(p.final_tally_result.no_count)) == (
        STAKE * 12 // 10,
        STAKE * 8 // 10,
    )
    assert chain.balance(GOV_AUTHORITY) == held == EXPEDITED_DEPOSIT  # nothing refunded yet
    assert votes(chain, pid) == []  # the tally deleted them
    assert treasury_params(chain).zr_sign_address != carol.address
    _yes_six_tenths(chain, pid)
    while chain.time_s < p.voting_end_time.seconds - 1:  # not before the regular end
        chain.block([])
        assert proposal(chain, pid).status == gov_pb2.PROPOSAL_STATUS_VOTING_PERIOD
    res = chain.block([])
    assert events(res, "active_proposal")[0]["proposal_result"] == "proposal_passed"
    assert proposal(chain, pid).status == gov_pb2.PROPOSAL_STATUS_PASSED
    assert treasury_params(chain).zr_sign_address == carol.address
    assert chain.balance(GOV_AUTHORITY) == 0
    check_invariants(chain)


def test_a_converted_proposal_nobody_votes_on_again_is_rejected_and_refunded(chain) -> None:
    carol = chain.wallets["carol"]
    pid = submit_id(
        chain, carol, [set_zr_sign(chain, carol.address)], EXPEDITED_DEPOSIT, expedited=True
    )
    _yes_six_tenths(chain, pid)
    end_voting(chain, EXPEDITED_S)
    before = chain.balance(carol.address)
    res = end_voting(chain, VOTING_S - EXPEDITED_S)
    assert events(res, "active_proposal")[0]["proposal_result"] == "proposal_rejected"
    p = proposal(chain, pid)
    assert p.status == gov_pb2.PROPOSAL_STATUS_REJECTED
    assert p.failed_reason == "proposal did not get enough votes to pass"
    assert chain.balance(carol.address) == before + EXPEDITED_DEPOSIT  # quorum missed: refund
    check_invariants(chain)


def test_an_expedited_submission_below_the_initial_deposit_ratio_is_refused(tmp_path) -> None:
    chain = gov_chain(tmp_path, min_initial_deposit_ratio="0.5")
    try:
        carol = chain.wallets["carol"]
        before = chain.balance(carol.address)
        res = submit(chain, carol, [set_zr_sign(chain, carol.address)], MIN_DEPOSIT, True)
        assert res.code == 16 and "need (2500000urock)" in res.log, res.log
        assert chain.balance(carol.address) == before - 40000  # the fee only
        ok(submit(chain, carol, [set_zr_sign(chain, carol.address)], MIN_DEPOSIT))  # regular
    finally:
        chain.app.close()


@pytest.mark.parametrize(
    "change,text",
    [
        ({"expedited_threshold": "0.5"}, "must be greater than the regular threshold"),
        ({"expedited_threshold": "1.1"}, "expedited vote threshold too large"),
        ({"expedited_voting_period": "172800s"}, "strictly less that the regular voting period"),
        ({"expedited_voting_period": "0s"}, "expedited voting period must be positive"),
        (
            {"expedited_min_deposit": [{"denom": "urock", "amount": "10000000"}]},
            "expedited minimum deposit must be greater than minimum deposit",
        ),
        ({"expedited_min_deposit": []}, "invalid expedited minimum deposit"),
        ({"proposal_cancel_ratio": "1.5"}, "burn rate of cancel proposal is too large"),
        ({"proposal_cancel_dest": "zen1nope"}, "deposits destination address is invalid"),
    ],
    ids=[
        "threshold",
        "threshold>1",
        "period",
        "period0",
        "deposit",
        "no-deposit",
        "cancel",
        "dest",
    ],
)
def test_params_keep_expedited_stricter_than_regular(change, text) -> None:
    params = gov_pb2.Params()
    params.CopyFrom(DEFAULT_PARAMS)
    validate_params(params)  # the defaults are valid
    from zrchain.codec.json import to_dict

    changed = from_dict({**to_dict(params), **change}, gov_pb2.Params())
    with pytest.raises(ValueError, match=text):
        validate_params(changed)
