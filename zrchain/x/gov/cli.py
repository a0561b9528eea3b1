"""``zrchaind tx gov submit-proposal|deposit|vote|weighted-vote|cancel-proposal`` and
``zrchaind q gov …``, as the SDK's gov v1 commands."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from cosmpy.protos.cosmos.base.query.v1beta1.pagination_pb2 import PageRequest
from cosmpy.protos.cosmos.gov.v1 import gov_pb2, tx_pb2
from cosmpy.protos.cosmos.gov.v1 import query_pb2 as q
from google.protobuf.any_pb2 import Any as AnyProto
from google.protobuf.message import Message

from zrchain.cli.args import coins_arg, page_flags, uint_arg
from zrchain.cli.common import fail
from zrchain.cli.query_cmds import query_options, run_query
from zrchain.cli.tx_cmds import TxContext, broadcast, tx_flags
from zrchain.codec.any import pack
from zrchain.codec.json import from_dict

_OPTIONS: dict[str, Any] = {
    "yes": gov_pb2.VOTE_OPTION_YES,
    "abstain": gov_pb2.VOTE_OPTION_ABSTAIN,
    "no": gov_pb2.VOTE_OPTION_NO,
    "no_with_veto": gov_pb2.VOTE_OPTION_NO_WITH_VETO,
}
_STATUSES: dict[str, Any] = {
    "deposit_period": gov_pb2.PROPOSAL_STATUS_DEPOSIT_PERIOD,
    "voting_period": gov_pb2.PROPOSAL_STATUS_VOTING_PERIOD,
    "passed": gov_pb2.PROPOSAL_STATUS_PASSED,
    "rejected": gov_pb2.PROPOSAL_STATUS_REJECTED,
    "failed": gov_pb2.PROPOSAL_STATUS_FAILED,
}


def json_msgs(items: Any) -> list[AnyProto]:
    """Msgs in the SDK's JSON (``{"@type": "/…MsgUpdateParams", …}``) as Anys; the types
    resolve through the protobuf descriptor pool (every module's Msgs are loaded with the
    CLI)."""
    if not isinstance(items, list):
        fail("proposal messages must be a JSON list")
    try:
        return list(from_dict({"messages": items}, tx_pb2.MsgSubmitProposal()).messages)
    except (ValueError, TypeError, KeyError) as exc:
        fail(f"invalid proposal messages: {exc}")


def proposal_msg(spec: dict[str, Any], proposer: str) -> tx_pb2.MsgSubmitProposal:
    """A MsgSubmitProposal from the SDK's proposal.json: ``messages`` (Msgs in JSON with
    ``@type``), ``metadata``, ``deposit`` ("10000000urock"), ``title``, ``summary``,
    ``expedited``."""
    if not isinstance(spec, dict):
        fail("proposal file must hold a JSON object")
    return tx_pb2.MsgSubmitProposal(
        messages=json_msgs(spec.get("messages", [])),
        initial_deposit=coins_arg(str(spec.get("deposit", ""))) if spec.get("deposit") else [],
        proposer=proposer,
        metadata=str(spec.get("metadata", "")),
        title=str(spec.get("title", "")),
        summary=str(spec.get("summary", "")),
        expedited=bool(spec.get("expedited", False)),
    )


def proposal_flags(f: Callable[..., Any]) -> Callable[..., Any]:
    """The flags of a command that submits one gov-only Msg as a proposal (the SDK's
    ``software-upgrade`` shape)."""
    for opt in (
        click.option("--title", required=True, help="The proposal title"),
        click.option("--summary", required=True, help="The proposal summary"),
        click.option("--deposit", default="", help="The deposit, e.g. 10000000urock"),
        click.option("--metadata", default="", help="The proposal metadata"),
        click.option("--expedited", is_flag=True, help="An expedited proposal"),
    ):
        f = opt(f)
    return f


def submit_as_proposal(tx: TxContext, msg: Message, title: str, summary: str, deposit: str,
                       metadata: str, expedited: bool) -> None:  # fmt: skip
    """Broadcast a MsgSubmitProposal carrying ``msg`` (its authority the gov account)."""
    broadcast(
        tx,
        [
            tx_pb2.MsgSubmitProposal(
                messages=[pack(msg)],
                initial_deposit=coins_arg(deposit) if deposit else [],
                proposer=tx.address,
                metadata=metadata,
                title=title,
                summary=summary,
                expedited=expedited,
            )
        ],
    )


def _option(text: str) -> Any:
    key = text.strip().lower()
    if key not in _OPTIONS:
        fail(f"'{text}' is not a valid vote option")
    return _OPTIONS[key]


def parse_weighted_options(text: str) -> list[gov_pb2.WeightedVoteOption]:
    """``yes=0.6,no=0.3,abstain=0.05,no_with_veto=0.05`` (the SDK's format)."""
    out = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, _, weight = part.partition("=")
        out.append(gov_pb2.WeightedVoteOption(option=_option(name), weight=weight.strip()))
    return out


# -- tx --------------------------------------------------------------------------------
@click.group("gov")
def tx_group() -> None:
    """Governance transactions subcommands."""


@tx_group.command("submit-proposal")
@click.argument("proposal_file", type=click.Path(dir_okay=False))
@tx_flags
def submit_proposal(proposal_file: str, tx: TxContext) -> None:
    """Submit a proposal along with some messages, metadata and deposit, from a JSON file:

    \b
    {"messages": [{"@type": "/zrchain.treasury.MsgUpdateParams",
                   "authority": "<gov module account>", "params": {...}}],
     "metadata": "", "deposit": "10000000urock", "title": "…", "summary": "…",
     "expedited": false}
    """
    try:
        spec = json.loads(Path(proposal_file).read_text())
    except (OSError, ValueError) as exc:
        fail(f"cannot read {proposal_file}: {exc}")
    broadcast(tx, [proposal_msg(spec, tx.address)])


@tx_group.command("deposit")
@click.argument("proposal_id")
@click.argument("deposit")
@tx_flags
def deposit(proposal_id: str, deposit: str, tx: TxContext) -> None:
    """Deposit tokens for an active proposal."""
    pid = uint_arg(proposal_id, "proposal-id")
    broadcast(
        tx, [tx_pb2.MsgDeposit(proposal_id=pid, depositor=tx.address, amount=coins_arg(deposit))]
    )


@tx_group.command("vote")
@click.argument("proposal_id")
@click.argument("option")
@click.option("--metadata", default="", help="Specify metadata of the vote")
@tx_flags
def vote(proposal_id: str, option: str, metadata: str, tx: TxContext) -> None:
    """Vote for an active proposal, options: yes/no/no_with_veto/abstain."""
    pid = uint_arg(proposal_id, "proposal-id")
    msg = tx_pb2.MsgVote(
        proposal_id=pid, voter=tx.address, option=_option(option), metadata=metadata
    )
    broadcast(tx, [msg])


@tx_group.command("weighted-vote")
@click.argument("proposal_id")
@click.argument("weighted_options")
@click.option("--metadata", default="", help="Specify metadata of the weighted vote")
@tx_flags
def weighted_vote(proposal_id: str, weighted_options: str, metadata: str, tx: TxContext) -> None:
    """Vote for an active proposal with weights, e.g.
    yes=0.6,no=0.3,abstain=0.05,no_with_veto=0.05."""
    pid = uint_arg(proposal_id, "proposal-id")
    options = parse_weighted_options(weighted_options)
    msg = tx_pb2.MsgVoteWeighted(
        proposal_id=pid, voter=tx.address, options=options, metadata=metadata
    )
    broadcast(tx, [msg])


@tx_group.command("cancel-proposal")
@click.argument("proposal_id")
@tx_flags
def cancel_proposal(proposal_id: str, tx: TxContext) -> None:
    """Cancel a proposal before its voting period ends (only its proposer; a share of the
    deposits, the gov param proposal_cancel_ratio, is burned or sent to
    proposal_cancel_dest, the rest refunded)."""
    pid = uint_arg(proposal_id, "proposal-id")
    broadcast(tx, [tx_pb2.MsgCancelProposal(proposal_id=pid, proposer=tx.address)])


# -- query -----------------------------------------------------------------------------
@click.group("gov")
def query_group() -> None:
    """Querying commands for the gov module."""


@query_group.command("params")
@query_options
def params(node: str, height: int, output: str) -> None:
    """The gov params."""
    run_query(node, q.QueryParamsRequest(params_type="deposit"), output, height)


@query_group.command("proposal")
@click.argument("proposal_id")
@query_options
def proposal(proposal_id: str, node: str, height: int, output: str) -> None:
    """A proposal by id."""
    pid = uint_arg(proposal_id, "proposal-id")
    run_query(node, q.QueryProposalRequest(proposal_id=pid), output, height)


@query_group.command("proposals")
@click.option("--status", default="", help="deposit_period|voting_period|passed|rejected|failed")
@click.option("--voter", default="", help="proposals this address voted on")
@click.option("--depositor", default="", help="proposals this address deposited on")
@page_flags
@query_options
def proposals(
    status: str,
    voter: str,
    depositor: str,
    page: PageRequest | None,
    node: str,
    height: int,
    output: str,
) -> None:
    """Proposals, optionally filtered."""
    st: Any = 0
    if status:
        if status.lower() not in _STATUSES:
            fail(f"'{status}' is not a valid proposal status")
        st = _STATUSES[status.lower()]
    req = q.QueryProposalsRequest(
        proposal_status=st, voter=voter, depositor=depositor, pagination=page
    )
    run_query(node, req, output, height)


@query_group.command("votes")
@click.argument("proposal_id")
@page_flags
@query_options
def votes(proposal_id: str, page: PageRequest | None, node: str, height: int, output: str) -> None:
    """The votes on a proposal."""
    pid = uint_arg(proposal_id, "proposal-id")
    run_query(node, q.QueryVotesRequest(proposal_id=pid, pagination=page), output, height)


@query_group.command("vote")
@click.argument("proposal_id")
@click.argument("voter")
@query_options
def vote_query(proposal_id: str, voter: str, node: str, height: int, output: str) -> None:
    """One voter's vote on a proposal."""
    pid = uint_arg(proposal_id, "proposal-id")
    run_query(node, q.QueryVoteRequest(proposal_id=pid, voter=voter), output, height)


@query_group.command("deposits")
@click.argument("proposal_id")
@page_flags
@query_options
def deposits(
    proposal_id: str, page: PageRequest | None, node: str, height: int, output: str
) -> None:
    """The deposits on a proposal."""
    pid = uint_arg(proposal_id, "proposal-id")
    run_query(node, q.QueryDepositsRequest(proposal_id=pid, pagination=page), output, height)


@query_group.command("constitution")
@query_options
def constitution(node: str, height: int, output: str) -> None:
    """The chain's constitution."""
    run_query(node, q.QueryConstitutionRequest(), output, height)


@query_group.command("tally")
@click.argument("proposal_id")
@query_options
def tally(proposal_id: str, node: str, height: int, output: str) -> None:
    """The tally of a proposal (live during its voting period, final after)."""
    pid = uint_arg(proposal_id, "proposal-id")
    run_query(node, q.QueryTallyResultRequest(proposal_id=pid), output, height)


__all__ = [
    "coins_arg",
    "json_msgs",
    "parse_weighted_options",
    "proposal_msg",
    "query_group",
    "tx_group",
]
