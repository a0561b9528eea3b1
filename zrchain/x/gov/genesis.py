"""x/gov genesis (cosmos.gov.v1.GenesisState): params, the next proposal id, proposals
with their deposits and votes, and the constitution."""

from __future__ import annotations

from typing import Any

from cosmpy.protos.cosmos.gov.v1 import genesis_pb2, gov_pb2

from zrchain.codec.address import acc_bytes
from zrchain.codec.json import from_dict, to_dict
from zrchain.context import Context
from zrchain.errors import ChainError
from zrchain.x.gov.keeper import ACTIVE, INACTIVE, GovKeeper
from zrchain.x.gov.types import DEFAULT_PARAMS, MODULE, validate_params


def default() -> dict[str, Any]:
    return to_dict(genesis_pb2.GenesisState(starting_proposal_id=1, params=DEFAULT_PARAMS))


def _parse(data: dict[str, Any]) -> genesis_pb2.GenesisState:
    try:
        return from_dict(data, genesis_pb2.GenesisState())
    except ValueError as exc:
        raise ValueError(f"gov genesis: {exc}") from None


def validate(data: dict[str, Any]) -> None:
    gs = _parse(data)
    try:
        if gs.starting_proposal_id == 0:
            raise ValueError("starting proposal id must be greater than 0")
        validate_params(gs.params)
        for d in gs.deposits:
            acc_bytes(d.depositor)
        for v in gs.votes:
            acc_bytes(v.voter)
    except (ValueError, ChainError) as exc:
        raise ValueError(f"gov genesis: {getattr(exc, 'log', exc)}") from None


def init(ctx: Context, k: GovKeeper, data: dict[str, Any]) -> None:
    gs = _parse(data)
    k.set_params(ctx, gs.params)
    k.set_next_id(ctx, gs.starting_proposal_id)
    k.set_constitution(ctx, gs.constitution)
    k.accounts.get_module_account(ctx, MODULE)  # holds deposits; exists from genesis, as the SDK's
    for d in gs.deposits:
        k.set_deposit(ctx, d.proposal_id, acc_bytes(d.depositor), d)
    for v in gs.votes:
        k.set_vote(ctx, v.proposal_id, acc_bytes(v.voter), v)
    for p in gs.proposals:
        if p.status == gov_pb2.PROPOSAL_STATUS_DEPOSIT_PERIOD:
            k.enqueue(ctx, INACTIVE, p.deposit_end_time.ToNanoseconds(), p.id)
        elif p.status == gov_pb2.PROPOSAL_STATUS_VOTING_PERIOD:
            k.enqueue(ctx, ACTIVE, p.voting_end_time.ToNanoseconds(), p.id)
        k.set_proposal(ctx, p)


def export(ctx: Context, k: GovKeeper) -> dict[str, Any]:
    gs = genesis_pb2.GenesisState(
        starting_proposal_id=k.next_id(ctx),
        params=k.params(ctx),
        constitution=k.constitution(ctx),
    )
    for p in k.iterate_proposals(ctx):
        gs.proposals.append(p)
        gs.deposits.extend(k.deposits(ctx, p.id))
        gs.votes.extend(k.votes(ctx, p.id))
    return to_dict(gs)
