"""``zrchaind q evidence …``."""

from __future__ import annotations

import click
from cosmpy.protos.cosmos.base.query.v1beta1.pagination_pb2 import PageRequest
from cosmpy.protos.cosmos.evidence.v1beta1 import query_pb2 as eq

from zrchain.cli.args import page_flags
from zrchain.cli.query_cmds import query_options, run_query


@click.group("evidence")
def query_group() -> None:
    """Querying commands for the evidence module."""


@query_group.command("evidence")
@click.argument("hash_", required=False, default="")
@page_flags
@query_options
def evidence(hash_: str, page: PageRequest | None, node: str, height: int, output: str) -> None:
    """One piece of evidence by its hash (hex), or all of it."""
    if hash_:
        run_query(node, eq.QueryEvidenceRequest(hash=hash_), output, height)
    else:
        run_query(node, eq.QueryAllEvidenceRequest(pagination=page), output, height)


__all__ = ["query_group"]
