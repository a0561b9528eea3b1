"""``zrchaind q mint params|inflation|annual-provisions`` (zrChain's autocli; its only Msg,
UpdateParams, is for governance and has no tx command)."""

from __future__ import annotations

import click

from zrchain.cli.autocli import Query, add_queries
from zrchain.codec.gen.zrchain.mint.v1beta1 import query_pb2 as q

query_group = click.Group("mint", help="Querying commands for the mint module.")

add_queries(
    query_group,
    q.DESCRIPTOR.services_by_name["Query"],
    {
        "Params": Query("Query the current minting parameters"),
        "Inflation": Query("Query the current minting inflation value"),
        "AnnualProvisions": Query("Query the current minting annual provisions value"),
    },
)

__all__ = ["query_group"]
