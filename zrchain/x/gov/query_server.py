"""cosmos.gov.v1.Query: proposals, votes, deposits, tally, params, constitution (REST
routes from the protos' ``google.api.http``)."""

from __future__ import annotations

from cosmpy.protos.cosmos.gov.v1 import gov_pb2
from cosmpy.protos.cosmos.gov.v1 import query_pb2 as q

from zrchain import module
from zrchain.codec import address
from zrchain.context import Context
from zrchain.errors import ChainError, invalid_argument, not_found
from zrchain.x.gov.expected import GovStaking
from zrchain.x.gov.keeper import GovKeeper
from zrchain.x.gov.tally import tally
from zrchain.x.pagination import page_of

_DONE = (
    gov_pb2.PROPOSAL_STATUS_PASSED,
    gov_pb2.PROPOSAL_STATUS_REJECTED,
    gov_pb2.PROPOSAL_STATUS_FAILED,
)
_EMPTY_TALLY = gov_pb2.TallyResult(
    yes_count="0", abstain_count="0", no_count="0", no_with_veto_count="0"
)


def _acc(text: str, what: str) -> bytes:
    try:
        return address.acc_bytes(text)
    except ChainError as exc:
        raise invalid_argument(f"invalid {what} address: {exc.context}") from None


def _pid(pid: int) -> int:
    if pid == 0:
        raise invalid_argument("proposal id can not be 0")
    return pid


class GovQueryServer(module.QueryServer):
    descriptor = q.DESCRIPTOR.services_by_name["Query"]

    def __init__(self, keeper: GovKeeper, staking: GovStaking) -> None:
        self.k = keeper
        self.staking = staking

    def _proposal(self, ctx: Context, pid: int) -> gov_pb2.Proposal:
        p = self.k.proposal(ctx, _pid(pid))
        if p is None:
            raise not_found(f"proposal {pid} doesn't exist")
        return p

    def constitution(
        self, ctx: Context, req: q.QueryConstitutionRequest
    ) -> q.QueryConstitutionResponse:
        return q.QueryConstitutionResponse(constitution=self.k.constitution(ctx))

    def proposal(self, ctx: Context, req: q.QueryProposalRequest) -> q.QueryProposalResponse:
        return q.QueryProposalResponse(proposal=self._proposal(ctx, req.proposal_id))

    def proposals(self, ctx: Context, req: q.QueryProposalsRequest) -> q.QueryProposalsResponse:
        voter = _acc(req.voter, "voter") if req.voter else None
        depositor = _acc(req.depositor, "depositor") if req.depositor else None

        def keep(p: gov_pb2.Proposal) -> bool:
            if req.proposal_status and p.status != req.proposal_status:
                return False
            if voter is not None and self.k.vote(ctx, p.id, voter) is None:
                return False
            return depositor is None or self.k.deposit(ctx, p.id, depositor) is not None

        items, page = self.k.proposals_page(ctx, page_of(req), keep)
        return q.QueryProposalsResponse(proposals=items, pagination=page)

    def vote(self, ctx: Context, req: q.QueryVoteRequest) -> q.QueryVoteResponse:
        pid = _pid(req.proposal_id)
        if not req.voter:
            raise invalid_argument("empty voter address")
        v = self.k.vote(ctx, pid, _acc(req.voter, "voter"))
        if v is None:
            raise not_found(f"voter: {req.voter} not found for proposal: {pid}")
        return q.QueryVoteResponse(vote=v)

    def votes(self, ctx: Context, req: q.QueryVotesRequest) -> q.QueryVotesResponse:
        items, page = self.k.votes_page(ctx, _pid(req.proposal_id), page_of(req))
        return q.QueryVotesResponse(votes=items, pagination=page)

    def params(self, ctx: Context, req: q.QueryParamsRequest) -> q.QueryParamsResponse:
        p = self.k.params(ctx)
        out = q.QueryParamsResponse(params=p)
        if req.params_type == "voting":
            out.voting_params.voting_period.CopyFrom(p.voting_period)
        elif req.params_type == "deposit":
            out.deposit_params.min_deposit.extend(p.min_deposit)
            out.deposit_params.max_deposit_period.CopyFrom(p.max_deposit_period)
        elif req.params_type == "tallying":
            out.tally_params.quorum = p.quorum
            out.tally_params.threshold = p.threshold
            out.tally_params.veto_threshold = p.veto_threshold
        else:
            raise invalid_argument(f"{req.params_type} is not a valid parameter type")
        return out

    def deposit(self, ctx: Context, req: q.QueryDepositRequest) -> q.QueryDepositResponse:
        pid = _pid(req.proposal_id)
        if not req.depositor:
            raise invalid_argument("empty depositor address")
        d = self.k.deposit(ctx, pid, _acc(req.depositor, "depositor"))
        if d is None:
            raise not_found(f"depositer: {req.depositor} not found for proposal: {pid}")
        return q.QueryDepositResponse(deposit=d)

    def deposits(self, ctx: Context, req: q.QueryDepositsRequest) -> q.QueryDepositsResponse:
        items, page = self.k.deposits_page(ctx, _pid(req.proposal_id), page_of(req))
        return q.QueryDepositsResponse(deposits=items, pagination=page)

    def tally_result(
        self, ctx: Context, req: q.QueryTallyResultRequest
    ) -> q.QueryTallyResultResponse:
        p = self._proposal(ctx, req.proposal_id)
        if p.status == gov_pb2.PROPOSAL_STATUS_DEPOSIT_PERIOD:
            result = _EMPTY_TALLY
        elif p.status in _DONE:
            result = p.final_tally_result
        else:
            votes = self.k.votes(ctx, p.id)
            result = tally(ctx, self.staking, votes, self.k.params(ctx), p.expedited).result
        return q.QueryTallyResultResponse(tally=result)


__all__ = ["GovQueryServer"]
