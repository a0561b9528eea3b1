"""``zrchaind tx slashing unjail``, ``zrchaind q slashing …`` and ``zrchaind q evidence …``."""

from __future__ import annotations

import click
from cosmpy.protos.cosmos.base.query.v1beta1.pagination_pb2 import PageRequest
from cosmpy.protos.cosmos.slashing.v1beta1 import query_pb2 as q
from cosmpy.protos.cosmos.slashing.v1beta1 import tx_pb2

from zrchain.cli.args import page_flags
from zrchain.cli.query_cmds import query_options, run_query
from zrchain.cli.tx_cmds import TxContext, broadcast, tx_flags
from zrchain.codec import address


@click.group("slashing")
def tx_group() -> None:
    """Transactions subcommands for the slashing module."""


@tx_group.command("unjail")
@tx_flags
def unjail(tx: TxContext) -> None:
    """Unjail the --from account's validator (after its jail time, with enough
    self-delegation)."""
    valoper = address.val_string(address.acc_bytes(tx.address))
    broadcast(tx, [tx_pb2.MsgUnjail(validator_addr=valoper)])


@click.group("slashing")
def query_group() -> None:
    """Querying commands for the slashing module."""


@query_group.command("params")
@query_options
def params(node: str, height: int, output: str) -> None:
    """The slashing params."""
    run_query(node, q.QueryParamsRequest(), output, height)


@query_group.command("signing-info")
@click.argument("validator_conspub_or_address")
@query_options
def signing_info(validator_conspub_or_address: str, node: str, height: int, output: str) -> None:
    """A validator's signing info, by its consensus public key (as ``zrchaind comet
    show-validator`` prints it) or its consensus address (zenvalcons…)."""
    cons_address = validator_conspub_or_address.strip()
    if cons_address.startswith("{"):
        from zrchain.x.validation.cli import parse_consensus_pubkey
        from zrchain.x.validation.types import cons_address as cons_of

        cons_address = address.cons_string(cons_of(parse_consensus_pubkey(cons_address)))
    run_query(node, q.QuerySigningInfoRequest(cons_address=cons_address), output, height)


@query_group.command("signing-infos")
@page_flags
@query_options
def signing_infos(page: PageRequest | None, node: str, height: int, output: str) -> None:
    """The signing infos of all validators."""
    run_query(node, q.QuerySigningInfosRequest(pagination=page), output, height)


__all__ = ["query_group", "tx_group"]
