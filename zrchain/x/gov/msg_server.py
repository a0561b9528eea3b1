"""cosmos.gov.v1.Msg (the SDK v0.50 msg server): SubmitProposal, Deposit, Vote, VoteWeighted
and the gov params by governance.

A proposal's Msgs are resolved through the app's one type URL -> route map (``router``,
bound by ``GovModule.bind_registry`` as x/authz does); each must have exactly one signer,
the gov module account, which is what makes every module's ``MsgUpdateParams`` reachable.
"""

from __future__ import annotations

import json
from typing import Any

from cosmpy.protos.cosmos.distribution.v1beta1 import tx_pb2 as distr_tx
from cosmpy.protos.cosmos.gov.v1 import gov_pb2, tx_pb2

from zrchain import module
from zrchain.codec import address
from zrchain.codec.coins import Coin, Coins
from zrchain.codec.dec import ONE, Dec
from zrchain.context import Context
from zrchain.errors import (
    ChainError,
    ErrInvalidAddress,
    ErrInvalidCoins,
    ErrInvalidRequest,
)
from zrchain.module import MsgRoute, validate_basic
from zrchain.x.distribution.keeper import MODULE as DISTRIBUTION
from zrchain.x.gov.keeper import ACTIVE, INACTIVE, GovKeeper
from zrchain.x.gov.tally import OPTIONS
from zrchain.x.gov.types import (
    GOV_AUTHORITY,
    MAX_METADATA_LEN,
    MAX_SUMMARY_LEN,
    MAX_TITLE_LEN,
    MODULE,
    ErrInactiveProposal,
    ErrInvalidDepositDenom,
    ErrInvalidProposal,
    ErrInvalidProposalContent,
    ErrInvalidProposalMsg,
    ErrInvalidProposer,
    ErrInvalidSigner,
    ErrInvalidVote,
    ErrMetadataTooLong,
    ErrMinDepositTooSmall,
    ErrNoProposalMsgs,
    ErrVotingPeriodEnded,
    duration_ns,
    require_gov,
    validate_params,
)

# How a cancelled proposal's charge reaches the community pool (the SDK's FundCommunityPool
# with the gov account as depositor), when ``proposal_cancel_dest`` is x/distribution's.
FUND_COMMUNITY_POOL = "/cosmos.distribution.v1beta1.MsgFundCommunityPool"
DISTRIBUTION_ADDRESS = address.acc_string(address.module_address(DISTRIBUTION))


def _unbound(type_url: str) -> MsgRoute | None:
    raise RuntimeError("the gov Msg server is used before the app registry bound it")


def _acc(text: str, what: str) -> bytes:
    try:
        return address.acc_bytes(text)
    except ChainError as exc:
        raise ErrInvalidAddress.wrap(f"invalid {what} address: {exc.context}") from None


def _coins(protos: Any) -> Coins:
    return Coins.from_protos(protos)


def _check_options(options: list[gov_pb2.WeightedVoteOption]) -> None:
    """The SDK's weighted-vote rules: known options, each weight in (0, 1], no duplicate,
    weights summing to exactly 1."""
    if not options:
        raise ErrInvalidVote.wrap("")
    total = Dec(0)
    seen: set[int] = set()
    for o in options:
        if o.option not in OPTIONS:
            raise ErrInvalidVote.wrap(f"{o.option}")
        try:
            w = Dec.parse(o.weight)
        except Exception:
            raise ErrInvalidVote.wrap(f"Invalid weight: {o.weight}") from None
        if not w.is_positive() or w > ONE:
            raise ErrInvalidVote.wrap(f"Invalid weight: {w}")
        if o.option in seen:
            raise ErrInvalidVote.wrap("Duplicated vote option")
        seen.add(o.option)
        total = total + w
    if total > ONE:
        raise ErrInvalidVote.wrap("Total weight overflow 1.00")
    if total < ONE:
        raise ErrInvalidVote.wrap("Total weight lower than 1.00")


def _check_metadata(metadata: str) -> None:
    if len(metadata) > MAX_METADATA_LEN:
        raise ErrMetadataTooLong.wrap(f"got {len(metadata)}, max {MAX_METADATA_LEN}")


def validate_vote(msg: tx_pb2.MsgVote) -> None:
    _acc(msg.voter, "voter")
    if msg.option not in OPTIONS:
        raise ErrInvalidVote.wrap(f"{msg.option}")


def validate_vote_weighted(msg: tx_pb2.MsgVoteWeighted) -> None:
    _acc(msg.voter, "voter")
    _check_options(list(msg.options))


def validate_deposit(msg: tx_pb2.MsgDeposit) -> None:
    _acc(msg.depositor, "depositor")
    coins = _coins(msg.amount)
    if not coins:
        raise ErrInvalidCoins.wrap("deposit amount must be positive")


def validate_cancel(msg: tx_pb2.MsgCancelProposal) -> None:
    _acc(msg.proposer, "proposer")


def validate_update_params(msg: tx_pb2.MsgUpdateParams) -> None:
    _acc(msg.authority, "authority")
    try:
        validate_params(msg.params)
    except ValueError as exc:
        raise ErrInvalidRequest.wrap(str(exc)) from None


class GovMsgServer(module.MsgServer):
    descriptor = tx_pb2.DESCRIPTOR.services_by_name["Msg"]
    absent = {
        "ExecLegacyContent": "no legacy (v1beta1) proposal content handlers are registered",
    }

    def __init__(self, keeper: GovKeeper) -> None:
        self.k = keeper
        self.router: module.RouteLookup = _unbound

    # -- stateless checks --------------------------------------------------------------
    def _inner(self, any_msg: Any) -> tuple[MsgRoute, Any]:
        return module.resolve_inner(self.router, any_msg)

    def _validate_submit(self, msg: tx_pb2.MsgSubmitProposal) -> None:
        _acc(msg.proposer, "proposer")
        if not msg.title:
            raise ErrInvalidProposalContent.wrap("proposal title cannot be empty")
        if len(msg.title) > MAX_TITLE_LEN:
            raise ErrInvalidProposalContent.wrap(
                f"proposal title is longer than max length of {MAX_TITLE_LEN}"
            )
        if not msg.summary:
            raise ErrInvalidProposalContent.wrap("proposal summary cannot be empty")
        if len(msg.summary) > MAX_SUMMARY_LEN:
            raise ErrInvalidProposalContent.wrap(
                f"proposal summary is longer than max length of {MAX_SUMMARY_LEN}"
            )
        _check_metadata(msg.metadata)
        _coins(msg.initial_deposit)
        for any_msg in msg.messages:
            self._inner(any_msg)

    # -- handlers ----------------------------------------------------------------------
    @validate_basic(_validate_submit)
    def submit_proposal(
        self, ctx: Context, msg: tx_pb2.MsgSubmitProposal
    ) -> tx_pb2.MsgSubmitProposalResponse:
        proposer = _acc(msg.proposer, "proposer")
        if not msg.messages:
            raise ErrNoProposalMsgs.wrap("")
        params = self.k.params(ctx)
        deposit = _coins(msg.initial_deposit)
        self._check_initial_deposit(params, deposit, msg.expedited)
        urls = []
        for i, any_msg in enumerate(msg.messages):
            route, inner = self._inner(any_msg)
            urls.append(route.type_url)
            if route.validate is not None:
                try:
                    route.validate(inner)
                except ChainError as exc:
                    raise ErrInvalidProposalMsg.wrap(f"msg: {i}, err: {exc.log}") from None
            signers = route.signers(inner)
            if len(signers) != 1:
                raise ErrInvalidSigner.wrap("")
            if signers[0] != GOV_AUTHORITY:
                raise ErrInvalidSigner.wrap(signers[0])
        pid = self.k.next_id(ctx)
        end = ctx.time_ns + duration_ns(params.max_deposit_period)
        p = gov_pb2.Proposal(
            id=pid,
            messages=list(msg.messages),
            status=gov_pb2.PROPOSAL_STATUS_DEPOSIT_PERIOD,
            final_tally_result=gov_pb2.TallyResult(
                yes_count="0", abstain_count="0", no_count="0", no_with_veto_count="0"
            ),
            metadata=msg.metadata,
            title=msg.title,
            summary=msg.summary,
            proposer=msg.proposer,
            expedited=msg.expedited,
        )
        p.submit_time.FromNanoseconds(ctx.time_ns)
        p.deposit_end_time.FromNanoseconds(end)
        self.k.set_proposal(ctx, p)
        self.k.set_next_id(ctx, pid + 1)
        self.k.enqueue(ctx, INACTIVE, end, pid)
        ctx.emit(
            "submit_proposal",
            ("proposal_id", str(pid)),
            ("proposal_proposer", msg.proposer),
            ("proposal_messages", "," + ",".join(urls)),
        )
        if deposit:
            started = self._add_deposit(ctx, pid, proposer, msg.proposer, deposit)
            if started:
                ctx.emit("submit_proposal", ("voting_period_start", str(pid)))
        return tx_pb2.MsgSubmitProposalResponse(proposal_id=pid)

    def _check_initial_deposit(
        self, params: gov_pb2.Params, deposit: Coins, expedited: bool
    ) -> None:
        ratio = Dec.parse(params.min_initial_deposit_ratio)
        if ratio.is_zero():
            return
        min_deposit = params.expedited_min_deposit if expedited else params.min_deposit
        need = Coins.of(
            c
            for c in (
                Coin(p.denom, Dec.of(int(p.amount)).mul(ratio).i // 10**18) for p in min_deposit
            )
            if c.amount > 0
        )
        if not deposit.is_all_gte(need):
            raise ErrMinDepositTooSmall.wrap(f"was ({deposit}), need ({need})")

    def deposit(self, ctx: Context, msg: tx_pb2.MsgDeposit) -> tx_pb2.MsgDepositResponse:
        depositor = _acc(msg.depositor, "depositor")
        started = self._add_deposit(
            ctx, msg.proposal_id, depositor, msg.depositor, _coins(msg.amount)
        )
        if started:
            ctx.emit("proposal_deposit", ("voting_period_start", str(msg.proposal_id)))
        return tx_pb2.MsgDepositResponse()

    def _add_deposit(
        self, ctx: Context, pid: int, depositor: bytes, depositor_str: str, amount: Coins
    ) -> bool:
        """The SDK's AddDeposit; True when this deposit starts the voting period."""
        p = self.k.must_proposal(ctx, pid)
        if p.status not in (
            gov_pb2.PROPOSAL_STATUS_DEPOSIT_PERIOD,
            gov_pb2.PROPOSAL_STATUS_VOTING_PERIOD,
        ):
            raise ErrInactiveProposal.wrap(f"{pid}")
        params = self.k.params(ctx)
        min_deposit = params.expedited_min_deposit if p.expedited else params.min_deposit
        accepted = {c.denom for c in min_deposit}
        if any(c.denom not in accepted for c in amount):
            raise ErrInvalidDepositDenom.wrap(
                f"deposited {amount}, but gov accepts only the following denom(s): "
                f"[{' '.join(sorted(accepted))}]"
            )
        ratio = Dec.parse(params.min_deposit_ratio)
        if ratio.is_positive():
            floor = [
                Coin(c.denom, Dec.of(int(c.amount)).mul(ratio).i // 10**18) for c in min_deposit
            ]
            if not any(amount.amount_of(c.denom) >= c.amount for c in floor):
                raise ErrMinDepositTooSmall.wrap(
                    f"received {amount} but need at least one of the following: "
                    f"{','.join(str(c) for c in floor)} (minimum deposit ratio: {ratio})"
                )
        self.k.bank.send_to_module(ctx, depositor, MODULE, amount)
        total = _coins(p.total_deposit).add(amount)
        del p.total_deposit[:]
        p.total_deposit.extend(total.to_protos())
        started = False
        if p.status == gov_pb2.PROPOSAL_STATUS_DEPOSIT_PERIOD and total.is_all_gte(
            _coins(min_deposit)
        ):
            self.k.dequeue(ctx, INACTIVE, p.deposit_end_time.ToNanoseconds(), pid)
            period = params.expedited_voting_period if p.expedited else params.voting_period
            end = ctx.time_ns + duration_ns(period)
            p.voting_start_time.FromNanoseconds(ctx.time_ns)
            p.voting_end_time.FromNanoseconds(end)
            p.status = gov_pb2.PROPOSAL_STATUS_VOTING_PERIOD
            self.k.enqueue(ctx, ACTIVE, end, pid)
            started = True
        self.k.set_proposal(ctx, p)
        d = self.k.deposit(ctx, pid, depositor) or gov_pb2.Deposit(
            proposal_id=pid, depositor=depositor_str
        )
        prev = _coins(d.amount)
        del d.amount[:]
        d.amount.extend(prev.add(amount).to_protos())
        self.k.set_deposit(ctx, pid, depositor, d)
        ctx.emit(
            "proposal_deposit",
            ("depositor", depositor_str),
            ("amount", str(amount)),
            ("proposal_id", str(pid)),
        )
        return started

    @validate_basic(validate_vote)
    def vote(self, ctx: Context, msg: tx_pb2.MsgVote) -> tx_pb2.MsgVoteResponse:
        option = gov_pb2.WeightedVoteOption(option=msg.option, weight="1.000000000000000000")
        self._add_vote(ctx, msg.proposal_id, msg.voter, [option], msg.metadata)
        return tx_pb2.MsgVoteResponse()

    @validate_basic(validate_vote_weighted)
    def vote_weighted(
        self, ctx: Context, msg: tx_pb2.MsgVoteWeighted
    ) -> tx_pb2.MsgVoteWeightedResponse:
        options = [
            gov_pb2.WeightedVoteOption(option=o.option, weight=str(Dec.parse(o.weight)))
            for o in msg.options
        ]
        self._add_vote(ctx, msg.proposal_id, msg.voter, options, msg.metadata)
        return tx_pb2.MsgVoteWeightedResponse()

    def _add_vote(
        self,
        ctx: Context,
        pid: int,
        voter: str,
        options: list[gov_pb2.WeightedVoteOption],
        metadata: str,
    ) -> None:
        voter_b = _acc(voter, "voter")
        p = self.k.must_proposal(ctx, pid)
        if p.status != gov_pb2.PROPOSAL_STATUS_VOTING_PERIOD:
            raise ErrInactiveProposal.wrap(f"{pid}")
        _check_metadata(metadata)
        _check_options(options)
        self.k.set_vote(
            ctx,
            pid,
            voter_b,
            gov_pb2.Vote(proposal_id=pid, voter=voter, options=options, metadata=metadata),
        )
        shown = json.dumps(
            [{"option": o.option, "weight": o.weight} for o in options], separators=(",", ":")
        )
        ctx.emit("proposal_vote", ("voter", voter), ("option", shown), ("proposal_id", str(pid)))

    @validate_basic(validate_cancel)
    def cancel_proposal(
        self, ctx: Context, msg: tx_pb2.MsgCancelProposal
    ) -> tx_pb2.MsgCancelProposalResponse:
        """The SDK v0.50's CancelProposal: the proposer, in the deposit or voting period,
        loses ``proposal_cancel_ratio`` of every deposit (to ``proposal_cancel_dest`` or
        burned); the rest is refunded, votes and the proposal are deleted."""
        pid = msg.proposal_id
        p = self.k.must_proposal(ctx, pid)
        if not p.proposer:
            raise ErrInvalidProposal.wrap(
                f"proposal {pid} doesn't have proposer {msg.proposer}, so cannot be canceled"
            )
        if p.proposer != msg.proposer:
            raise ErrInvalidProposer.wrap(f"invalid proposer {msg.proposer}")
        if p.status not in (
            gov_pb2.PROPOSAL_STATUS_DEPOSIT_PERIOD,
            gov_pb2.PROPOSAL_STATUS_VOTING_PERIOD,
        ):
            raise ErrInvalidProposal.wrap("proposal should be in the deposit or voting period")
        if p.HasField("voting_end_time") and p.voting_end_time.ToNanoseconds() < ctx.time_ns:
            raise ErrVotingPeriodEnded.wrap(
                f"voting period is already ended for this proposal {pid}"
            )
        params = self.k.params(ctx)
        charged = self.k.charge_deposits(ctx, pid, Dec.parse(params.proposal_cancel_ratio))
        if charged:
            self._pay_cancel_charge(ctx, params.proposal_cancel_dest, charged)
        if p.HasField("voting_start_time"):
            self.k.delete_votes(ctx, pid)
        self.k.remove_proposal(ctx, p)
        ctx.log.info("gov: proposal %d is canceled by proposer %s", pid, p.proposer)
        ctx.emit("cancel_proposal", ("sender", msg.proposer), ("proposal_id", str(pid)))
        res = tx_pb2.MsgCancelProposalResponse(proposal_id=pid, canceled_height=ctx.height)
        res.canceled_time.FromNanoseconds(ctx.time_ns)
        return res

    def _pay_cancel_charge(self, ctx: Context, dest: str, charged: Coins) -> None:
        """Burn the charge (no destination), fund the community pool (x/distribution's
        address) or send it to the destination account, as the SDK's ChargeDeposit."""
        if not dest:
            self.k.bank.burn_coins(ctx, MODULE, charged)
        elif dest == DISTRIBUTION_ADDRESS:
            route = self.router(FUND_COMMUNITY_POOL)
            if route is None:
                raise ErrInvalidRequest.wrap("no community pool: x/distribution is not in the app")
            fund = distr_tx.MsgFundCommunityPool(
                depositor=GOV_AUTHORITY, amount=charged.to_protos()
            )
            route.handler(ctx, fund)
        else:
            self.k.bank.send_from_module(ctx, MODULE, address.acc_bytes(dest), charged)

    @validate_basic(validate_update_params)
    def update_params(
        self, ctx: Context, msg: tx_pb2.MsgUpdateParams
    ) -> tx_pb2.MsgUpdateParamsResponse:
        require_gov(msg.authority)
        self.k.set_params(ctx, msg.params)
        return tx_pb2.MsgUpdateParamsResponse()


__all__ = ["GovMsgServer"]
