"""The SDK's gov EndBlocker: drop proposals whose deposit period ended, tally those whose
voting period ended, and execute a passed proposal's Msgs all-or-nothing.

As the SDK v0.50's tally, every tally deletes the proposal's votes, also when a failed
expedited proposal is converted to a regular one: its voters vote again (docs/gov.md)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from cosmpy.protos.cosmos.gov.v1 import gov_pb2

from zrchain.context import Context
from zrchain.errors import ChainError
from zrchain.module import resolve_inner
from zrchain.x.gov.expected import GovStaking
from zrchain.x.gov.keeper import ACTIVE, INACTIVE, GovKeeper
from zrchain.x.gov.msg_server import GovMsgServer
from zrchain.x.gov.tally import tally
from zrchain.x.gov.types import duration_ns


def end_block(ctx: Context, k: GovKeeper, msgs: GovMsgServer, staking: GovStaking) -> None:
    params = k.params(ctx)
    for pid in k.due(ctx, INACTIVE, ctx.time_ns):
        p = k.must_proposal(ctx, pid)
        k.dequeue(ctx, INACTIVE, p.deposit_end_time.ToNanoseconds(), pid)
        k.delete_proposal(ctx, pid)
        k.settle_deposits(ctx, pid, burn=params.burn_proposal_deposit_prevote)
        ctx.emit(
            "inactive_proposal",
            ("proposal_id", str(pid)),
            ("proposal_result", "proposal_dropped"),
        )
    for pid in k.due(ctx, ACTIVE, ctx.time_ns):
        p = k.must_proposal(ctx, pid)
        k.dequeue(ctx, ACTIVE, p.voting_end_time.ToNanoseconds(), pid)
        outcome = tally(ctx, staking, k.votes(ctx, pid), params, expedited=p.expedited)
        k.delete_votes(ctx, pid)
        if not p.expedited or outcome.passes:  # a failed expedited one keeps its deposits
            k.settle_deposits(ctx, pid, burn=outcome.burn_deposits)
        if outcome.passes:
            failure = execute(ctx, msgs, p)
            if failure is None:
                p.status, result, log = gov_pb2.PROPOSAL_STATUS_PASSED, "proposal_passed", "passed"
            else:
                p.status, result, log = (
                    gov_pb2.PROPOSAL_STATUS_FAILED,
                    "proposal_failed",
                    failure.log,
                )
                p.failed_reason = failure.reason
        elif p.expedited:
            # A failed expedited proposal becomes a regular one, voting on (the SDK's rule).
            p.expedited = False
            end = p.voting_start_time.ToNanoseconds() + duration_ns(params.voting_period)
            p.voting_end_time.FromNanoseconds(end)
            k.enqueue(ctx, ACTIVE, end, pid)
            result, log = "expedited_proposal_rejected", "expedited proposal converted to regular"
        else:
            p.status, result, log = (
                gov_pb2.PROPOSAL_STATUS_REJECTED,
                "proposal_rejected",
                "rejected",
            )
            p.failed_reason = "proposal did not get enough votes to pass"
        p.final_tally_result.CopyFrom(outcome.result)
        k.set_proposal(ctx, p)
        ctx.log.info("gov: proposal %d tallied: %s", pid, log)
        ctx.emit(
            "active_proposal",
            ("proposal_id", str(pid)),
            ("proposal_result", result),
            ("proposal_log", log),
        )


@dataclass(frozen=True)
class Failure:
    """Why a passed proposal's execution failed: the Msg's index and type URL, the error."""

    index: int
    type_url: str
    reason: str

    @property
    def log(self) -> str:
        return f"passed, but msg {self.index} ({self.type_url}) failed on execution: {self.reason}"


def execute(ctx: Context, msgs: GovMsgServer, p: gov_pb2.Proposal) -> Failure | None:
    """Run every Msg of ``p`` on a branch, kept only if all succeed; the failure if not."""
    branch_ctx, branch = ctx.branch()
    events = []
    for index, any_msg in enumerate(p.messages):
        try:
            route, msg = resolve_inner(msgs.router, any_msg)
            if route.validate is not None:
                route.validate(msg)
            inner = dataclasses.replace(branch_ctx, events=[])
            route.handler(inner, msg)
        except ChainError as exc:
            return Failure(index, any_msg.type_url, exc.log)
        except Exception as exc:  # a handler bug must not halt the chain (the SDK recovers too)
            ctx.log.exception("gov: proposal %d execution panicked", p.id)
            return Failure(index, any_msg.type_url, f"{type(exc).__name__}: {exc}")
        events.extend(inner.events)
    branch.write()
    ctx.events.extend(events)
    return None
