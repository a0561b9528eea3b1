"""``zrchaind q attest params`` and ``zrchaind tx attest update-params`` (the switch between
the relayer path and attested ingestion, docs/attestation.md). The switch is gov-only: the
command submits a proposal whose Msg is signed by the gov module account, as the SDK's
``software-upgrade``."""

from __future__ import annotations

import click

from zrchain.cli.autocli import Query, add_queries
from zrchain.cli.tx_cmds import TxContext, tx_flags
from zrchain.codec.gen.zrchain.attest import attest_pb2 as pb
from zrchain.x.attest.keeper import DEFAULT_SIMPLE_TX_CALL_GAS, DEFAULT_SIMPLE_TX_PRIORITY_FEE
from zrchain.x.attest.servers import MAX_SIMPLE_TX_CALL_GAS, MAX_SIMPLE_TX_PRIORITY_FEE
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
@click.option(
    "--simple-tx-priority-fee",
    type=click.IntRange(0, MAX_SIMPLE_TX_PRIORITY_FEE),
    default=DEFAULT_SIMPLE_TX_PRIORITY_FEE,
    show_default=True,
    help="wei per gas tip of the transactions built for zrSignSimpleTx requests",
)
@click.option("--simple-tx-call-gas", type=click.IntRange(0, MAX_SIMPLE_TX_CALL_GAS),
              default=DEFAULT_SIMPLE_TX_CALL_GAS, show_default=True,
              help="gas above the intrinsic gas for a zrSignSimpleTx with calldata")  # fmt: skip
@proposal_flags
@tx_flags
def update_params(
    enabled: bool,
    max_defer_blocks: int,
    simple_tx_priority_fee: int,
    simple_tx_call_gas: int,
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
        params=pb.Params(
            enabled=enabled,
            max_defer_blocks=max_defer_blocks,
            simple_tx_priority_fee=simple_tx_priority_fee,
            simple_tx_call_gas=simple_tx_call_gas,
        ),
    )
    submit_as_proposal(tx, msg, title, summary, deposit, metadata, expedited)
