"""``zrchaind q attest params`` and ``zrchaind tx attest update-params`` (the switch between
the relayer path and attested ingestion, docs/attestation.md)."""

from __future__ import annotations

import click

from zrchain.cli.autocli import Query, add_queries
from zrchain.cli.tx_cmds import TxContext, broadcast, tx_flags
from zrchain.codec.gen.zrchain.attest import attest_pb2 as pb

tx_group = click.Group("attest", help="Attested zrSign ingestion (authority only).")
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
@click.option("--new-authority", default=None, help="who may change these params next")
@tx_flags
def update_params(
    enabled: bool, max_defer_blocks: int, new_authority: str | None, tx: TxContext
) -> None:
    """Switch attested ingestion on or off (signed by the params' authority)."""
    params = pb.Params(
        enabled=enabled,
        max_defer_blocks=max_defer_blocks,
        authority=tx.address if new_authority is None else new_authority,
    )
    broadcast(tx, [pb.MsgUpdateParams(authority=tx.address, params=params)])
