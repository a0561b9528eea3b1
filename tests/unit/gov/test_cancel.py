"""MsgCancelProposal as the SDK v0.50's x/gov (docs/gov.md "Cancelling a proposal"): only
the proposer, only in the deposit or voting period; ``proposal_cancel_ratio`` of every
deposit (truncated per coin) is burned, sent to ``proposal_cancel_dest`` or, when that is
x/distribution's account, to the community pool; the rest is refunded; votes and the
proposal are deleted. Refusals change nothing but the sender's fee and sequence."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner
from cosmpy.protos.cosmos.distribution.v1beta1 import query_pb2 as dq
from cosmpy.protos.cosmos.gov.v1 import gov_pb2
from cosmpy.protos.cosmos.gov.v1 import query_pb2 as gq
from cosmpy.protos.cosmos.gov.v1 import tx_pb2 as gtx
from gov_helpers import (
    GQ,
    MIN_DEPOSIT,
    VOTING_S,
    deposit,
    end_voting,
    events,
    gov_chain,
    set_zr_sign,
    submit_id,
    vote,
)
from staking_helpers import check_invariants, ok

from zrchain.codec.address import acc_string, module_address
from zrchain.testing.inproc import Chain, Wallet, msg_responses
from zrchain.testing.state import assert_unchanged, snapshot_app
from zrchain.x.gov.types import GOV_AUTHORITY

YES = gov_pb2.VOTE_OPTION_YES
FEE = 40000
DISTRIBUTION = acc_string(module_address("distribution"))


@pytest.fixture
def chain(tmp_path):  # type: ignore[no-untyped-def]
    c = gov_chain(tmp_path)
    yield c
    c.app.close()


def _cancel(chain: Chain, w: Wallet, pid: int, proposer: str = "") -> Any:
    msg = gtx.MsgCancelProposal(proposal_id=pid, proposer=proposer or w.address)
    return chain.run(w, [msg])


def _exists(chain: Chain, pid: int) -> bool:
    res = chain.query_raw(GQ + "Proposal", gq.QueryProposalRequest(proposal_id=pid))
    return res.code == 0


def _community_pool(chain: Chain) -> int:
    pool = chain.q(
        "/cosmos.distribution.v1beta1.Query/CommunityPool",
        dq.QueryCommunityPoolRequest(),
        dq.QueryCommunityPoolResponse,
    ).pool
    return sum(int(c.amount) // 10**18 for c in pool if c.denom == "urock")


def test_the_proposer_cancels_in_the_voting_period_half_burned_half_refunded(chain) -> None:
    alice, carol, dave = (chain.wallets[n] for n in ("alice", "carol", "dave"))
    pid = submit_id(chain, carol, [set_zr_sign(chain, carol.address)])
    ok(deposit(chain, dave, pid, 333_333))
    ok(vote(chain, alice, pid, YES))
    carol_before, dave_before, supply = (
        chain.balance(carol.address),
        chain.balance(dave.address),
        chain.supply(),
    )
    res = ok(_cancel(chain, carol, pid))
    out = gtx.MsgCancelProposalResponse.FromString(msg_responses(res)[0].value)
    assert out.proposal_id == pid and out.canceled_height == chain.height
    assert out.canceled_time.seconds == chain.time_s
    assert [(e["sender"], e["proposal_id"]) for e in events(res, "cancel_proposal")] == [
        (carol.address, str(pid))
    ]
    # default proposal_cancel_ratio 0.5, no destination: burned; 333333 * 0.5 truncates
    assert chain.balance(carol.address) == carol_before - FEE + MIN_DEPOSIT // 2
    assert chain.balance(dave.address) == dave_before + 166_667
    burned = MIN_DEPOSIT // 2 + 166_666
    assert chain.supply() == supply - burned
    assert chain.balance(GOV_AUTHORITY) == 0
    assert not _exists(chain, pid)
    votes = chain.query_raw(GQ + "Vote", gq.QueryVoteRequest(proposal_id=pid, voter=alice.address))
    assert votes.code != 0  # deleted with the proposal
    res = end_voting(chain)  # its queue entry went too: nothing tallied at its old end
    assert events(res, "active_proposal") == []
    check_invariants(chain)


def test_the_proposer_cancels_in_the_deposit_period(chain) -> None:
    carol = chain.wallets["carol"]
    pid = submit_id(chain, carol, [set_zr_sign(chain, carol.address)], deposit=MIN_DEPOSIT // 2)
    before = chain.balance(carol.address)
    ok(_cancel(chain, carol, pid))
    assert chain.balance(carol.address) == before - FEE + MIN_DEPOSIT // 4
    assert not _exists(chain, pid)
    res = end_voting(chain)  # the deposit-period queue entry went too
    assert events(res, "inactive_proposal") == []
    check_invariants(chain)


def test_the_cancel_charge_goes_to_the_community_pool_when_that_is_the_destination(
    tmp_path,
) -> None:
    chain = gov_chain(tmp_path, proposal_cancel_dest=DISTRIBUTION, proposal_cancel_ratio="0.25")
    try:
        carol = chain.wallets["carol"]
        pid = submit_id(chain, carol, [set_zr_sign(chain, carol.address)])
        pool, supply = _community_pool(chain), chain.supply()
        ok(_cancel(chain, carol, pid))
        # fees of this block go to the pool as well (2 % community tax of 40000)
        assert _community_pool(chain) >= pool + MIN_DEPOSIT // 4
        assert _community_pool(chain) - pool - MIN_DEPOSIT // 4 <= FEE
        assert chain.supply() == supply  # nothing burned
        check_invariants(chain)
    finally:
        chain.app.close()


def test_the_cancel_charge_goes_to_the_destination_account(tmp_path) -> None:
    chain = gov_chain(tmp_path)
    eve = chain.wallets["eve"]
    chain.app.close()
    chain = gov_chain(tmp_path / "b", proposal_cancel_dest=eve.address, proposal_cancel_ratio="1")
    try:
        carol, eve = chain.wallets["carol"], chain.wallets["eve"]
        pid = submit_id(chain, carol, [set_zr_sign(chain, carol.address)])
        before, eve_before = chain.balance(carol.address), chain.balance(eve.address)
        ok(_cancel(chain, carol, pid))
        assert chain.balance(carol.address) == before - FEE  # ratio 1: nothing back
        assert chain.balance(eve.address) == eve_before + MIN_DEPOSIT
        check_invariants(chain)
    finally:
        chain.app.close()


def _refused(chain: Chain, w: Wallet, pid: int, code: int, text: str, proposer: str = "") -> None:
    before = snapshot_app(chain.app)
    res = _cancel(chain, w, pid, proposer)
    assert res.code == code and text in res.log, res.log
    assert res.codespace == "gov"
    assert_unchanged(
        before,
        snapshot_app(chain.app),
        fee_payer=w.address,
        fee=f"{FEE}urock",
        signers=[w.address],
    )


def test_someone_else_cannot_cancel_a_proposal(chain) -> None:
    carol, dave = chain.wallets["carol"], chain.wallets["dave"]
    pid = submit_id(chain, carol, [set_zr_sign(chain, carol.address)])
    _refused(chain, dave, pid, 18, f"invalid proposer {dave.address}")
    assert _exists(chain, pid)


def test_an_unknown_proposal_cannot_be_cancelled(chain) -> None:
    _refused(chain, chain.wallets["carol"], 99, 2, "proposal 99 doesn't exist")


def test_a_finished_proposal_cannot_be_cancelled(chain) -> None:
    carol = chain.wallets["carol"]
    pid = submit_id(chain, carol, [set_zr_sign(chain, carol.address)])
    end_voting(chain)  # no quorum: rejected, kept with its final status
    _refused(chain, carol, pid, 21, "proposal should be in the deposit or voting period")


def test_a_cancel_in_the_block_after_the_voting_end_is_refused(chain) -> None:
    """The tx runs before the end block that tallies: the voting end time has passed."""
    carol = chain.wallets["carol"]
    pid = submit_id(chain, carol, [set_zr_sign(chain, carol.address)])
    held = chain.balance(GOV_AUTHORITY)
    tx = chain.tx(
        carol,
        [gtx.MsgCancelProposal(proposal_id=pid, proposer=carol.address)],
        fee=f"{FEE}urock",
        gas=400_000,
    )
    res = chain.block([tx], advance_s=VOTING_S + 1).tx_results[0]
    assert res.code == 20 and f"voting period is already ended for this proposal {pid}" in res.log
    assert chain.balance(GOV_AUTHORITY) == 0 < held  # refunded by the tally, not charged
    assert _exists(chain, pid)


def test_the_cli_builds_the_cancel_request(tmp_path) -> None:
    from zrchain.cli.main import cli

    home = str(tmp_path)
    run = CliRunner().invoke
    keys = run(cli, ["keys", "add", "carol", "--keyring-backend", "test", "--home", home])
    assert keys.exit_code == 0, keys.output
    out = run(
        cli,
        ["tx", "gov", "cancel-proposal", "7", "--from", "carol", "--generate-only",
         "--keyring-backend", "test", "--home", home, "-o", "json"],
    )  # fmt: skip
    assert out.exit_code == 0, out.output
    (msg,) = json.loads(out.output)["body"]["messages"]
    assert msg["@type"] == "/cosmos.gov.v1.MsgCancelProposal"
    assert msg["proposal_id"] == "7" and msg["proposer"].startswith("zen1")
    bad = run(cli, ["tx", "gov", "cancel-proposal", "x", "--from", "carol", "--generate-only",
                    "--keyring-backend", "test", "--home", home])  # fmt: skip
    assert bad.exit_code != 0
