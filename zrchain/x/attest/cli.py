"""``zrchaind q attest params`` and ``zrchaind tx attest update-params`` (the switch between
the relayer path and attested ingestion, docs/attestation.md). The switch is gov-only: the
command submits a proposal whose Msg is signed by the gov module account, as the SDK's
``software-upgrade``."""

from __future__ import annotations

import click

from zrchain.cli.autocli import Query, add_queries
from zrchain.cli.tx_cmds import TxContext, tx_flags
from zrchain.codec.gen.zrchain.attest import attest_pb2 as pb
from zrchain.x.gov.cli import proposal_flags, submit_as_proposal
from zrchain.x.gov.types import GOV_AUTHORITY

tx_group = click.Group("attest", help="Attested zrSign ingestion (by gov proposal).")
query_group = click.Group("attest", help="Querying commands for attested zrSign ingestion.")

add_queries(
    query_group,
    pb.DESCRIPTOR.services_by_name["Query"],
    {"Params": Query("Whether zrSign requests are ingested by validator attestation.")},
)


@tx_group.command("update-params")
@click.option("--enabled/--disabled", required=True, help="attestation on (relayer txs refused)")
@click.option("--max-defer-blocks", type=click.IntRange(0, 1_000_000), default=2000,
              show_default=True, help="blocks a signature request waits for its key")  # fmt: skip
@proposal_flags
@tx_flags
def update_params(
    enabled: bool,
    max_defer_blocks: int,
    title: str,
    summary: str,
    deposit: str,
    metadata: str,
    expedited: bool,
    tx: TxContext,
) -> None:
    """Submit a proposal that switches attested ingestion on or off."""
    msg = pb.MsgUpdateParams(
        authority=GOV_AUTHORITY,
        params=pb.Params(enabled=enabled, max_defer_blocks=max_defer_blocks),
    )
    submit_as_proposal(tx, msg, title, summary, deposit, metadata, expedited)
