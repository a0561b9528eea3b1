"""``zrchaind tx bank …`` and ``zrchaind q bank …``."""

from __future__ import annotations

import click
from cosmpy.protos.cosmos.bank.v1beta1 import query_pb2 as q
from cosmpy.protos.cosmos.bank.v1beta1 import tx_pb2

from zrchain.cli.common import fail
from zrchain.cli.query_cmds import query_options, run_query
from zrchain.cli.tx_cmds import TxContext, broadcast, tx_flags
from zrchain.codec.coins import parse_coins
from zrchain.errors import ChainError


@click.group("bank")
def tx_group() -> None:
    """Bank transaction subcommands."""


@tx_group.command("send")
@click.argument("from_key_or_address")
@click.argument("to_address")
@click.argument("amount")
@tx_flags
def send(from_key_or_address: str, to_address: str, amount: str, tx: TxContext) -> None:
    """Send coins: send <from_key_or_address> <to_address> <amount>."""
    tx.from_ = from_key_or_address
    try:
        coins = parse_coins(amount)
    except ChainError as exc:
        fail(exc.log)
    msg = tx_pb2.MsgSend(from_address=tx.address, to_address=to_address, amount=coins.to_protos())
    broadcast(tx, [msg])


@click.group("bank")
def query_group() -> None:
    """Querying commands for the bank module."""


@query_group.command("balances")
@click.argument("address")
@click.option("--denom", default="", help="only this denom")
@query_options
def balances(address: str, denom: str, node: str, height: int, output: str) -> None:
    """All balances of an account (or one denom)."""
    if denom:
        run_query(node, q.QueryBalanceRequest(address=address, denom=denom), output, height)
    else:
        run_query(node, q.QueryAllBalancesRequest(address=address), output, height)


@query_group.command("total")
@click.option("--denom", default="", help="only this denom")
@query_options
def total(denom: str, node: str, height: int, output: str) -> None:
    """Total supply of coins."""
    if denom:
        run_query(node, q.QuerySupplyOfRequest(denom=denom), output, height)
    else:
        run_query(node, q.QueryTotalSupplyRequest(), output, height)


@query_group.command("params")
@query_options
def params(node: str, height: int, output: str) -> None:
    """Bank parameters."""
    run_query(node, q.QueryParamsRequest(), output, height)


@query_group.command("denom-metadata")
@click.option("--denom", default="")
@query_options
def denom_metadata(denom: str, node: str, height: int, output: str) -> None:
    """Client metadata of one or all denoms."""
    if denom:
        run_query(node, q.QueryDenomMetadataRequest(denom=denom), output, height)
    else:
        run_query(node, q.QueryDenomsMetadataRequest(), output, height)
