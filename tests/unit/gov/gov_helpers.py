"""An in-process chain with staking and short gov periods, and proposal helpers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cosmpy.protos.cosmos.gov.v1 import gov_pb2
from cosmpy.protos.cosmos.gov.v1 import query_pb2 as gq
from cosmpy.protos.cosmos.gov.v1 import tx_pb2 as gtx
from staking_helpers import FUNDS, _inert_mint, _params, coin, cons_key, create_validator, ok

from zrchain.codec.any import pack
from zrchain.codec.gen.zrchain.treasury import query_pb2 as tq
from zrchain.codec.gen.zrchain.treasury import tx_pb2 as ttx
from zrchain.testing.inproc import Chain, Wallet, make_chain
from zrchain.x.gov.types import GOV_AUTHORITY

GQ = "/cosmos.gov.v1.Query/"
VOTING_S = 20
EXPEDITED_S = 10
DEPOSIT_S = 20
MIN_DEPOSIT = 1_000_000
EXPEDITED_DEPOSIT = 5 * MIN_DEPOSIT


def gov_chain(
    path: Any, edit: Callable[[dict[str, Any]], None] | None = None, **gov_params: Any
) -> Chain:
    """alice and bob are validators with 10 power each; carol and dave hold only funds.
    ``edit`` changes the genesis app state further; ``gov_params`` override the gov genesis
    params (JSON values)."""

    def app_state(state: dict[str, Any]) -> None:
        _params(state)
        _inert_mint(state)  # gov's figures alone (x/mint's own tests run it)
        p = state["gov"]["params"]
        p["voting_period"] = f"{VOTING_S}s"
        p["expedited_voting_period"] = f"{EXPEDITED_S}s"
        p["max_deposit_period"] = f"{DEPOSIT_S}s"
        p["min_deposit"] = [{"denom": "urock", "amount": str(MIN_DEPOSIT)}]
        p["expedited_min_deposit"] = [{"denom": "urock", "amount": str(EXPEDITED_DEPOSIT)}]
        p.update(gov_params)
        if edit is not None:
            edit(state)

    chain = make_chain(
        path, dict.fromkeys(("alice", "bob", "carol", "dave", "eve"), FUNDS), app_state=app_state
    )
    for i, name in enumerate(("alice", "bob")):
        w = chain.wallets[name]
        ok(chain.run(w, [create_validator(w, cons_key(i))], fee="40000urock"))
    return chain


def treasury_params(chain: Chain) -> Any:
    return chain.q(GQ.replace("cosmos.gov.v1", "zrchain.treasury") + "Params",
                   tq.QueryParamsRequest(), tq.QueryParamsResponse).params  # fmt: skip


def set_zr_sign(chain: Chain, addr: str) -> ttx.MsgUpdateParams:
    p = treasury_params(chain)
    p.zr_sign_address = addr
    return ttx.MsgUpdateParams(authority=GOV_AUTHORITY, params=p)


def submit(
    chain: Chain, w: Wallet, msgs: list[Any], deposit: int = MIN_DEPOSIT, expedited: bool = False
) -> Any:
    return chain.run(
        w,
        [
            gtx.MsgSubmitProposal(
                messages=[pack(m) for m in msgs],
                initial_deposit=[coin(deposit)] if deposit else [],
                proposer=w.address,
                title="t",
                summary="s",
                expedited=expedited,
            )
        ],
    )


def vote(chain: Chain, w: Wallet, pid: int, option: int) -> Any:
    return chain.run(w, [gtx.MsgVote(proposal_id=pid, voter=w.address, option=option)])


def proposal(chain: Chain, pid: int) -> gov_pb2.Proposal:
    return chain.q(
        GQ + "Proposal", gq.QueryProposalRequest(proposal_id=pid), gq.QueryProposalResponse
    ).proposal


def tally(chain: Chain, pid: int) -> gov_pb2.TallyResult:
    return chain.q(
        GQ + "TallyResult", gq.QueryTallyResultRequest(proposal_id=pid), gq.QueryTallyResultResponse
    ).tally


def counts(t: gov_pb2.TallyResult) -> tuple[int, int, int, int]:
    return int(t.yes_count), int(t.abstain_count), int(t.no_count), int(t.no_with_veto_count)


def end_voting(chain: Chain, seconds: int = VOTING_S) -> Any:
    """One block ``seconds`` + 1 later: the period that started before has ended (and a
    passed proposal's Msgs ran in it)."""
    return chain.block([], advance_s=seconds + 1)


def pass_proposal(chain: Chain, msgs: list[Any]) -> tuple[int, Any]:
    """Submit ``msgs`` as a proposal, both validators vote yes, voting ends: the proposal id
    and the FinalizeBlock response of the block that ran them."""
    pid = submit_id(chain, chain.wallets["alice"], msgs)
    for name in ("alice", "bob"):
        ok(vote(chain, chain.wallets[name], pid, gov_pb2.VOTE_OPTION_YES))
    return pid, end_voting(chain)


def votes(chain: Chain, pid: int) -> list[gov_pb2.Vote]:
    return list(
        chain.q(GQ + "Votes", gq.QueryVotesRequest(proposal_id=pid), gq.QueryVotesResponse).votes
    )


def deposit(chain: Chain, w: Wallet, pid: int, amount: int) -> Any:
    return chain.run(
        w, [gtx.MsgDeposit(proposal_id=pid, depositor=w.address, amount=[coin(amount)])]
    )


def events(res: Any, kind: str) -> list[dict[str, str]]:
    """The attributes of every ``kind`` event of a FinalizeBlock or tx result."""
    return [{a.key: a.value for a in e.attributes} for e in res.events if e.type == kind]


def submit_id(
    chain: Chain, w: Wallet, msgs: list[Any], deposit: int = MIN_DEPOSIT, expedited: bool = False
) -> int:
    """Submit (the tx must succeed); the new proposal's id."""
    from zrchain.testing.inproc import msg_responses

    res = ok(submit(chain, w, msgs, deposit, expedited))
    return int(gtx.MsgSubmitProposalResponse.FromString(msg_responses(res)[0].value).proposal_id)
