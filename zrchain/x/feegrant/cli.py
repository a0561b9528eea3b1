"""``zrchaind tx feegrant …`` and ``zrchaind q feegrant …`` (SDK v0.50 shapes).

tx: ``grant [granter_key_or_address] [grantee] --spend-limit --expiration (RFC 3339)
--period (seconds) --period-limit --allowed-messages``, ``revoke [granter] [grantee]``,
``prune``; as in the SDK the granter argument is the signing key (it sets ``--from``).
query (built from the Query service, ``cli/autocli.py``): ``grant [granter] [grantee]``,
``grants-by-grantee [grantee]``, ``grants-by-granter [granter]``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import click
from cosmpy.protos.cosmos.feegrant.v1beta1 import feegrant_pb2, tx_pb2
from cosmpy.protos.cosmos.feegrant.v1beta1 import query_pb2 as q
from google.protobuf.duration_pb2 import Duration
from google.protobuf.timestamp_pb2 import Timestamp

from zrchain.cli.args import list_arg
from zrchain.cli.autocli import Query, add_queries
from zrchain.cli.common import INT64, fail
from zrchain.cli.tx_cmds import TxContext, broadcast, tx_flags
from zrchain.codec import address
from zrchain.codec.any import pack
from zrchain.codec.coins import Coins, parse_coins
from zrchain.errors import ChainError


@click.group("feegrant")
def tx_group() -> None:
    """Feegrant transactions subcommands."""


def _coins(text: str, flag: str) -> Coins:
    try:
        return parse_coins(text)
    except ChainError as exc:
        fail(f"invalid {flag}: {exc.log}")


def _expiration(text: str) -> Timestamp:
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        fail(f"invalid --expiration {text!r}: expected RFC 3339, e.g. 2030-01-02T15:04:05Z")
    if when.tzinfo is None:
        fail(f"invalid --expiration {text!r}: give a time zone (e.g. Z)")
    ts = Timestamp()
    ts.FromDatetime(when)
    return ts


@tx_group.command("grant")
@click.argument("granter")
@click.argument("grantee")
@click.option("--spend-limit", default="", help="coins the grantee may spend in all, e.g. 100urock")
@click.option("--expiration", default="", help="when the grant ends (RFC 3339)")
@click.option("--period", default=0, type=INT64, help="period length in seconds (periodic grant)")
@click.option("--period-limit", default="", help="coins the grantee may spend per period")
@click.option("--allowed-messages", default="", help="only these Msg type URLs (a,b,…)")
@tx_flags
def grant(
    granter: str,
    grantee: str,
    spend_limit: str,
    expiration: str,
    period: int,
    period_limit: str,
    allowed_messages: str,
    tx: TxContext,
) -> None:
    """Grant a fee allowance: grant [granter_key_or_address] [grantee]."""
    tx.from_ = granter
    granter_addr = tx.address
    try:
        address.acc_bytes(grantee)
    except ChainError as exc:
        fail(f"invalid grantee address {grantee!r}: {exc.context or exc.log}")
    limit_total = _coins(spend_limit, "--spend-limit")
    basic = feegrant_pb2.BasicAllowance(spend_limit=limit_total.to_protos())
    if expiration:
        basic.expiration.CopyFrom(_expiration(expiration))
    allowance: Any = basic
    if period or period_limit:
        if period <= 0 or not period_limit:
            fail("a periodic grant needs both --period (> 0 seconds) and --period-limit")
        limit = _coins(period_limit, "--period-limit")
        if limit_total and not limit_total.is_all_gte(limit):
            fail("--period-limit cannot exceed --spend-limit")
        start = Timestamp()
        start.GetCurrentTime()
        allowance = feegrant_pb2.PeriodicAllowance(
            basic=basic,
            period=Duration(seconds=period),
            period_spend_limit=limit.to_protos(),
            period_can_spend=limit.to_protos(),
            period_reset=Timestamp(seconds=start.seconds + period),
        )
    msgs = list_arg(allowed_messages)
    if msgs:
        allowance = feegrant_pb2.AllowedMsgAllowance(
            allowance=pack(allowance), allowed_messages=msgs
        )
    msg = tx_pb2.MsgGrantAllowance(granter=granter_addr, grantee=grantee, allowance=pack(allowance))
    broadcast(tx, [msg])


@tx_group.command("revoke")
@click.argument("granter")
@click.argument("grantee")
@tx_flags
def revoke(granter: str, grantee: str, tx: TxContext) -> None:
    """Revoke a fee allowance: revoke [granter] [grantee] (signed by the granter)."""
    tx.from_ = granter
    broadcast(tx, [tx_pb2.MsgRevokeAllowance(granter=tx.address, grantee=grantee)])


@tx_group.command("prune")
@tx_flags
def prune(tx: TxContext) -> None:
    """Remove expired fee allowances (at most 75): prune --from [key]."""
    broadcast(tx, [tx_pb2.MsgPruneAllowances(pruner=tx.address)])


# -- queries (the SDK's autocli names) -------------------------------------------------------
query_group = click.Group("feegrant", help="Querying commands for the feegrant module.")
add_queries(
    query_group,
    q.DESCRIPTOR.services_by_name["Query"],
    {
        "Allowance": Query("The fee allowance a granter gave a grantee.", name="grant"),
        "Allowances": Query("Fee allowances a grantee holds.", name="grants-by-grantee"),
        "AllowancesByGranter": Query("Fee allowances a granter gave.", name="grants-by-granter"),
    },
)
