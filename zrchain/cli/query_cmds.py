"""``zrchaind query``: module query subtrees plus tx, txs and block look-ups."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import click
from google.protobuf.message import Message

from zrchain.cli.common import INT64, default_home, fail
from zrchain.cli.output import emit, output_option
from zrchain.client.chain import ChainClient, QueryFailed, rpc_tx_response
from zrchain.client.rpc import RPCError
from zrchain.codec.json import to_dict
from zrchain.codec.services import full_method, message_class, query_rpc


def query_options(f: Callable[..., Any]) -> Callable[..., Any]:
    f = click.option(
        "--node", default="tcp://localhost:26657", show_default=True, help="CometBFT RPC endpoint"
    )(f)
    f = click.option("--height", default=0, type=INT64, help="query state at this height")(f)
    # read before parsing, for client.toml (cli/client_config.py)
    f = click.option(
        "--home", default=default_home, show_default="~/.zrchain", expose_value=False
    )(f)
    return output_option("text")(f)


def run_query(node: str, request: Message, output: str, height: int = 0) -> Any:
    """One query through abci_query, printed; errors exit non-zero with the log. The gRPC
    method and the response class are the request's RPC's (from the descriptor)."""
    rpc = query_rpc(request.DESCRIPTOR)
    try:
        res = ChainClient(node).query(
            full_method(rpc), request, message_class(rpc.output_type), height=height
        )
    except QueryFailed as exc:
        fail(exc.log)
    except (RPCError, OSError) as exc:
        fail(f"cannot query {node}: {exc}")
    emit(res, output)
    return res


@click.group("query")
def query_group() -> None:
    """Querying subcommands (alias: q)."""


@query_group.command("tx")
@click.argument("hash_")
@query_options
def query_tx(hash_: str, node: str, height: int, output: str) -> None:
    """Find a committed transaction by its hash."""
    try:
        bytes.fromhex(hash_)
    except ValueError:
        fail(f"invalid tx hash {hash_!r}: expected hex")
    try:
        res = ChainClient(node).get_tx(hash_)
    except (RPCError, OSError) as exc:
        fail(f"cannot query {node}: {exc}")
    if res is None:
        fail(f"tx ({hash_.upper()}) not found")
    emit(_tx_response_dict(res), output)


@query_group.command("txs")
@click.option(
    "--query", "query_", required=True, help="events query, e.g. \"message.sender='zen1…'\""
)
@click.option("--page", default=1, type=INT64)
@click.option("--limit", default=30, type=INT64)
@click.option("--order_by", default="asc", type=click.Choice(["asc", "desc"]))
@query_options
def query_txs(
    query_: str, page: int, limit: int, order_by: str, node: str, height: int, output: str
) -> None:
    """Search committed transactions by events."""
    client = ChainClient(node)
    try:
        res = client.rpc.tx_search(query_, page=page, per_page=limit, order_by=order_by)
    except RPCError as exc:
        fail(f"{exc.message}: {exc.data}")
    except OSError as exc:
        fail(f"cannot query {node}: {exc}")
    times: dict[str, str] = {}
    txs = []
    for r in res.get("txs", []):
        h = r["height"]
        if h not in times:
            times[h] = client.rpc.block(int(h))["block"]["header"]["time"]
        txs.append(_tx_response_dict(rpc_tx_response(r, times[h])))
    total = int(res.get("total_count", 0))
    emit(
        {
            "total_count": str(total),
            "count": str(len(txs)),
            "page_number": str(page),
            "page_total": str(max(1, -(-total // max(1, limit)))),
            "limit": str(limit),
            "txs": txs,
        },
        output,
    )


@query_group.command("block")
@click.argument("height_arg", required=False, type=INT64)
@query_options
def query_block(height_arg: int | None, node: str, height: int, output: str) -> None:
    """A committed block (the latest if no height is given)."""
    try:
        res = ChainClient(node).rpc.block(height_arg)
    except RPCError as exc:
        fail(f"{exc.message}: {exc.data}")
    except OSError as exc:
        fail(f"cannot query {node}: {exc}")
    emit(res, output)


def _tx_response_dict(res: Any) -> dict[str, Any]:
    d = to_dict(res)
    d.setdefault("tx", None)
    d.setdefault("logs", [])
    return d


def mount(group: click.Group, modules: list[Any]) -> None:
    for m in modules:
        sub = m.cli_query()
        if sub is not None:
            group.add_command(sub)


__all__ = ["json", "mount", "query_group", "query_options", "run_query"]
