"""``zrchaind tx authz …`` and ``zrchaind q authz …`` (SDK v0.50 shapes).

tx: ``grant [grantee] <generic|send> --msg-type --spend-limit --allow-list --expiration``,
``revoke [grantee] [msg-type-url]``, ``exec [tx-json-file]`` (a tx from
``--generate-only``, its ``body.messages`` list, or one message). query: ``grants [granter]
[grantee] <msg-type-url>``, ``grants-by-granter [granter]``, ``grants-by-grantee [grantee]``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
from cosmpy.protos.cosmos.authz.v1beta1 import authz_pb2, tx_pb2
from cosmpy.protos.cosmos.authz.v1beta1 import query_pb2 as q
from cosmpy.protos.cosmos.bank.v1beta1 import authz_pb2 as bank_authz_pb2
from google.protobuf.any_pb2 import Any as AnyProto
from google.protobuf.timestamp_pb2 import Timestamp

from zrchain.cli.args import list_arg, page_flags
from zrchain.cli.common import INT64, fail
from zrchain.cli.query_cmds import query_options, run_query
from zrchain.cli.tx_cmds import TxContext, broadcast, tx_flags
from zrchain.codec import address
from zrchain.codec.any import pack
from zrchain.codec.coins import parse_coins
from zrchain.codec.json import from_dict
from zrchain.errors import ChainError

AUTH_TYPES = ("generic", "send")


@click.group("authz")
def tx_group() -> None:
    """Authorization transactions subcommands."""


def _addr(text: str, what: str) -> None:
    try:
        address.acc_bytes(text)
    except ChainError as exc:
        fail(f"invalid {what} address {text!r}: {exc.context or exc.log}")


@tx_group.command("grant")
@click.argument("grantee")
@click.argument("authorization_type", metavar="<generic|send>")
@click.option("--msg-type", default="", help="Msg type URL of a generic authorization")
@click.option("--spend-limit", default="", help="coins a send authorization allows, e.g. 100urock")
@click.option("--allow-list", default="", help="recipients a send authorization allows (a,b,…)")
@click.option(
    "--expiration", default=0, type=INT64, help="expire time as Unix timestamp; 0: no expiry"
)
@tx_flags
def grant(
    grantee: str,
    authorization_type: str,
    msg_type: str,
    spend_limit: str,
    allow_list: str,
    expiration: int,
    tx: TxContext,
) -> None:
    """Grant an authorization: grant [grantee] <generic|send> --from [granter]."""
    granter = tx.address
    if grantee.casefold() == granter.casefold():
        fail("grantee and granter should be different")
    _addr(grantee, "grantee")
    auth: Any
    if authorization_type == "generic":
        if not msg_type:
            fail("--msg-type is required for a generic authorization")
        auth = authz_pb2.GenericAuthorization(msg=msg_type)
    elif authorization_type == "send":
        try:
            limit = parse_coins(spend_limit)
        except ChainError as exc:
            fail(exc.log)
        if not limit:
            fail("spend-limit should be greater than zero")
        allowed = list_arg(allow_list)
        for a in allowed:
            _addr(a, "allow-list")
        if len(set(allowed)) != len(allowed):
            fail("duplicate address in allow-list")
        auth = bank_authz_pb2.SendAuthorization(spend_limit=limit.to_protos(), allow_list=allowed)
    else:
        fail(f"invalid authorization type, {authorization_type} (one of {', '.join(AUTH_TYPES)})")
    g = authz_pb2.Grant(authorization=pack(auth))
    if expiration:
        g.expiration.CopyFrom(Timestamp(seconds=expiration))
    broadcast(tx, [tx_pb2.MsgGrant(granter=granter, grantee=grantee, grant=g)])


@tx_group.command("revoke")
@click.argument("grantee")
@click.argument("msg_type_url")
@tx_flags
def revoke(grantee: str, msg_type_url: str, tx: TxContext) -> None:
    """Revoke an authorization: revoke [grantee] [msg-type-url] --from [granter]."""
    broadcast(
        tx, [tx_pb2.MsgRevoke(granter=tx.address, grantee=grantee, msg_type_url=msg_type_url)]
    )


def read_msgs(path: str) -> list[AnyProto]:
    """Messages from a tx JSON (``{"body": {"messages": […]}}``), a list of messages, or one
    message, each as proto-JSON with ``@type``."""
    try:
        data = json.loads(Path(path).read_text())
    except OSError as exc:
        fail(f"cannot read {path}: {exc.strerror}")
    except json.JSONDecodeError as exc:
        fail(f"{path} is not JSON: {exc.msg}")
    if isinstance(data, dict) and "body" in data:
        data = (data.get("body") or {}).get("messages", [])
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list) or not data:
        fail(f"{path}: no messages found")
    out = []
    for i, m in enumerate(data):
        if not isinstance(m, dict) or "@type" not in m:
            fail(f'{path}: message {i} is not a JSON object with "@type"')
        try:
            out.append(from_dict(m, AnyProto()))
        except (ValueError, TypeError, KeyError) as exc:
            fail(f"{path}: message {i}: {exc}")
    return out


@tx_group.command("exec")
@click.argument("tx_json_file")
@tx_flags
def exec_(tx_json_file: str, tx: TxContext) -> None:
    """Execute Msgs on behalf of their granter: exec [tx-json-file] --from [grantee]."""
    msgs = read_msgs(tx_json_file)
    broadcast(tx, [tx_pb2.MsgExec(grantee=tx.address, msgs=msgs)])


# -- queries ------------------------------------------------------------------------------------
@click.group("authz")
def query_group() -> None:
    """Querying commands for the authz module."""


@query_group.command("grants")
@click.argument("granter")
@click.argument("grantee")
@click.argument("msg_type_url", required=False, default="")
@page_flags
@query_options
def grants(
    granter: str, grantee: str, msg_type_url: str, page: Any, node: str, height: int, output: str
) -> None:
    """Grants for a granter-grantee pair: grants [granter] [grantee] <msg-type-url>."""
    req = q.QueryGrantsRequest(granter=granter, grantee=grantee, msg_type_url=msg_type_url)
    if page is not None:
        req.pagination.CopyFrom(page)
    run_query(node, req, output, height)


@query_group.command("grants-by-granter")
@click.argument("granter")
@page_flags
@query_options
def grants_by_granter(granter: str, page: Any, node: str, height: int, output: str) -> None:
    """Authorization grants granted by a granter: grants-by-granter [granter]."""
    req = q.QueryGranterGrantsRequest(granter=granter)
    if page is not None:
        req.pagination.CopyFrom(page)
    run_query(node, req, output, height)


@query_group.command("grants-by-grantee")
@click.argument("grantee")
@page_flags
@query_options
def grants_by_grantee(grantee: str, page: Any, node: str, height: int, output: str) -> None:
    """Authorization grants granted to a grantee: grants-by-grantee [grantee]."""
    req = q.QueryGranteeGrantsRequest(grantee=grantee)
    if page is not None:
        req.pagination.CopyFrom(page)
    run_query(node, req, output, height)
