"""x/gov against an outsider on the session's real node: a proposal whose Msg is not signed
by the gov account, someone else's deposit, votes on what is not in its voting period, a
vote after the period, a replayed vote, malformed weighted votes, a vote without stake
that counts nothing, and cancelling someone else's, an unknown or a finished proposal.
Each case asserts the refusal and that the state is as it was (at most the sender's own
fee and sequence moved)."""

from __future__ import annotations

import time

import pytest
from cosmpy.protos.cosmos.bank.v1beta1 import tx_pb2 as bank_tx
from cosmpy.protos.cosmos.gov.v1 import gov_pb2
from cosmpy.protos.cosmos.gov.v1 import query_pb2 as gq
from cosmpy.protos.cosmos.gov.v1 import tx_pb2 as gov_tx
from cosmpy.protos.cosmos.slashing.v1beta1 import tx_pb2 as slashing_tx
from outsider_world import (
    GOV_MIN_DEPOSIT,
    GOV_VOTING_S,
    Outsider,
    coins,
    nothing_changes,
    refused_at_check,
    refused_in_block,
)

from zrchain.client.chain import QueryFailed
from zrchain.codec.any import pack
from zrchain.x.gov.types import GOV_AUTHORITY

pytestmark = pytest.mark.node

YES, VETO = gov_pb2.VOTE_OPTION_YES, gov_pb2.VOTE_OPTION_NO_WITH_VETO


def _proposal_msg(signer: str = GOV_AUTHORITY) -> slashing_tx.MsgUpdateParams:
    """A gov-signed Msg that would fail when executed (no params): proposals in these tests
    never pass, so they never change anything."""
    return slashing_tx.MsgUpdateParams(authority=signer)


def _submit(
    who: str, msgs: list, deposit: str = f"{GOV_MIN_DEPOSIT}urock"
) -> gov_tx.MsgSubmitProposal:  # type: ignore[type-arg]
    return gov_tx.MsgSubmitProposal(
        messages=[pack(m) for m in msgs],
        initial_deposit=coins(deposit).to_protos(),
        proposer=who,
        title="outsider",
        summary="outsider",
    )


def _proposal(chain: Outsider, pid: int) -> gov_pb2.Proposal | None:
    try:
        return chain.client.query(
            "/cosmos.gov.v1.Query/Proposal",
            gq.QueryProposalRequest(proposal_id=pid),
            gq.QueryProposalResponse,
        ).proposal
    except QueryFailed:
        return None


def _tally(chain: Outsider, pid: int) -> gov_pb2.TallyResult:
    return chain.client.query(
        "/cosmos.gov.v1.Query/TallyResult",
        gq.QueryTallyResultRequest(proposal_id=pid),
        gq.QueryTallyResultResponse,
    ).tally


def test_a_proposal_whose_msg_signer_is_not_the_gov_account_is_refused(chain: Outsider) -> None:
    outsider, alice = chain["outsider"], chain["alice"]
    steal = bank_tx.MsgSend(
        from_address=alice.address, to_address=outsider.address,
        amount=coins("5urock").to_protos(),
    )  # fmt: skip
    for msg in (steal, _proposal_msg(outsider.address)):
        refused_in_block(
            chain, outsider, [_submit(outsider.address, [msg])],
            "expected gov account as only signer",
        )  # fmt: skip


def test_a_proposal_without_msgs_or_with_an_unknown_msg_is_refused(chain: Outsider) -> None:
    outsider = chain["outsider"]
    refused_in_block(chain, outsider, [_submit(outsider.address, [])], "no messages proposed")
    bogus = _submit(outsider.address, [_proposal_msg()])
    bogus.messages[0].type_url = "/cosmos.nothing.v1.MsgNothing"
    with nothing_changes(chain):
        refused_at_check(chain, chain.tx(outsider, [bogus]), 2, "unable to resolve type URL")


def test_a_deposit_from_alices_account_is_refused_at_check(chain: Outsider) -> None:
    outsider, alice = chain["outsider"], chain["alice"]
    msg = gov_tx.MsgDeposit(
        proposal_id=1, depositor=alice.address, amount=coins("5urock").to_protos()
    )
    with nothing_changes(chain):
        refused_at_check(
            chain, chain.tx(outsider, [msg]), 8, "pubKey does not match signer address"
        )


def test_deposits_and_votes_on_an_unknown_proposal_are_refused(chain: Outsider) -> None:
    outsider = chain["outsider"]
    who = outsider.address
    deposit = gov_tx.MsgDeposit(
        proposal_id=10**6, depositor=who, amount=coins("5urock").to_protos()
    )
    refused_in_block(chain, outsider, [deposit], "doesn't exist")
    vote = gov_tx.MsgVote(proposal_id=10**6, voter=who, option=YES)
    refused_in_block(chain, outsider, [vote], "doesn't exist")


@pytest.mark.parametrize(
    "weights,text",
    [
        ([("0.5", YES), ("0.4", VETO)], "Total weight lower than 1.00"),
        ([("0.7", YES), ("0.7", VETO)], "Total weight overflow 1.00"),
        ([("1", YES), ("1", YES)], "Duplicated vote option"),
        ([("-1", YES), ("1", VETO)], "Invalid weight"),
        ([("x", YES)], "Invalid weight"),
        ([("1", 9)], "invalid vote option"),
        ([], "invalid vote option"),
    ],
    ids=["under-one", "over-one", "duplicate", "negative", "not-a-number", "unknown", "none"],
)
def test_malformed_weighted_votes_are_refused_at_check(chain: Outsider, weights, text) -> None:
    outsider = chain["outsider"]
    options = [gov_pb2.WeightedVoteOption(option=o, weight=w) for w, o in weights]
    msg = gov_tx.MsgVoteWeighted(proposal_id=1, voter=outsider.address, options=options)
    with nothing_changes(chain):
        res = chain.broadcast(chain.tx(outsider, [msg]))
        assert res.code != 0 and res.codespace == "gov", res.raw_log
        assert text in res.raw_log, res.raw_log


def test_a_vote_without_stake_counts_nothing_and_votes_after_the_period_are_refused(
    chain: Outsider,
) -> None:
    """The outsider (no delegation) proposes and votes veto: the tally stays zero; a replay
    of his vote is refused; after the voting period the proposal fails quorum, his deposit
    is refunded, and a new vote on it is refused with nothing changed."""
    outsider = chain["outsider"]
    res = chain.deliver(chain.tx(outsider, [_submit(outsider.address, [_proposal_msg()])]))
    assert res.code == 0, res.raw_log
    ev = [e for e in res.events if e.type == "submit_proposal"]  # type: ignore[attr-defined]
    pid = int(next(a.value for a in ev[0].attributes if a.key == "proposal_id"))
    p = _proposal(chain, pid)
    assert p is not None and p.status == gov_pb2.PROPOSAL_STATUS_VOTING_PERIOD
    raw = chain.tx(outsider, [gov_tx.MsgVote(proposal_id=pid, voter=outsider.address, option=VETO)])
    res = chain.deliver(raw)
    assert res.code == 0, res.raw_log
    assert (_tally(chain, pid).yes_count, _tally(chain, pid).no_with_veto_count) == ("0", "0")
    with nothing_changes(chain):
        again = chain.broadcast(raw)
        assert again.code != 0
        assert "sequence mismatch" in again.raw_log or "already exists in cache" in again.raw_log
    deadline = time.monotonic() + GOV_VOTING_S + 30
    while (p := _proposal(chain, pid)) and p.status == gov_pb2.PROPOSAL_STATUS_VOTING_PERIOD:
        assert time.monotonic() < deadline, "the voting period never ended"
        time.sleep(1)
    assert p is not None and p.status == gov_pb2.PROPOSAL_STATUS_REJECTED
    assert p.final_tally_result.no_with_veto_count == "0"
    late = gov_tx.MsgVote(proposal_id=pid, voter=outsider.address, option=YES)
    refused_in_block(chain, outsider, [late], "inactive proposal")
    deposit = gov_tx.MsgDeposit(
        proposal_id=pid, depositor=outsider.address, amount=coins("5urock").to_protos()
    )
    refused_in_block(chain, outsider, [deposit], "inactive proposal")


def _submitted(chain: Outsider, who) -> int:  # type: ignore[no-untyped-def]
    res = chain.deliver(chain.tx(who, [_submit(who.address, [_proposal_msg()])]))
    assert res.code == 0, res.raw_log
    ev = [e for e in res.events if e.type == "submit_proposal"]  # type: ignore[attr-defined]
    return int(next(a.value for a in ev[0].attributes if a.key == "proposal_id"))


def test_cancelling_someone_elses_unknown_or_finished_proposal_changes_nothing(
    chain: Outsider,
) -> None:
    """alice proposes; the outsider cancelling it (naming himself the proposer) gets
    gov/18 and nothing moves, nor does cancelling an unknown id; once the proposal is
    finished (rejected: no quorum), alice herself cannot cancel it (gov/21)."""
    outsider, alice = chain["outsider"], chain["alice"]
    pid = _submitted(chain, alice)
    steal = gov_tx.MsgCancelProposal(proposal_id=pid, proposer=outsider.address)
    refused_in_block(chain, outsider, [steal], f"invalid proposer {outsider.address}", code=18)
    p = _proposal(chain, pid)
    assert p is not None and p.status in (
        gov_pb2.PROPOSAL_STATUS_VOTING_PERIOD,
        gov_pb2.PROPOSAL_STATUS_REJECTED,  # a slow machine: the 6 s ended meanwhile
    )
    unknown = gov_tx.MsgCancelProposal(proposal_id=10**6, proposer=outsider.address)
    refused_in_block(chain, outsider, [unknown], "doesn't exist", code=2)
    deadline = time.monotonic() + GOV_VOTING_S + 30
    while (p := _proposal(chain, pid)) and p.status == gov_pb2.PROPOSAL_STATUS_VOTING_PERIOD:
        assert time.monotonic() < deadline, "the voting period never ended"
        time.sleep(1)
    assert p is not None and p.status == gov_pb2.PROPOSAL_STATUS_REJECTED
    own = gov_tx.MsgCancelProposal(proposal_id=pid, proposer=alice.address)
    refused_in_block(chain, alice, [own], "deposit or voting period", code=21)
