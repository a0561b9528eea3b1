"""``zrchaind q auth …``."""

from __future__ import annotations

import click
from cosmpy.protos.cosmos.auth.v1beta1 import query_pb2 as q

from zrchain.cli.common import UINT64
from zrchain.cli.query_cmds import query_options, run_query


@click.group("auth")
def query_group() -> None:
    """Querying commands for the auth module."""


@query_group.command("account")
@click.argument("address")
@query_options
def account(address: str, node: str, height: int, output: str) -> None:
    """An account by address."""
    run_query(node, q.QueryAccountRequest(address=address), output, height)


@query_group.command("accounts")
@click.option("--limit", default=100, type=UINT64)
@click.option("--offset", default=0, type=UINT64)
@query_options
def accounts(limit: int, offset: int, node: str, height: int, output: str) -> None:
    """All accounts (paginated)."""
    from cosmpy.protos.cosmos.base.query.v1beta1.pagination_pb2 import PageRequest

    req = q.QueryAccountsRequest(pagination=PageRequest(limit=limit, offset=offset))
    run_query(node, req, output, height)


@query_group.command("params")
@query_options
def params(node: str, height: int, output: str) -> None:
    """Auth parameters."""
    run_query(node, q.QueryParamsRequest(), output, height)


@query_group.command("module-accounts")
@query_options
def module_accounts(node: str, height: int, output: str) -> None:
    """All module accounts."""
    run_query(node, q.QueryModuleAccountsRequest(), output, height)


@query_group.command("module-account")
@click.argument("name")
@query_options
def module_account(name: str, node: str, height: int, output: str) -> None:
    """A module account by name."""
    run_query(node, q.QueryModuleAccountByNameRequest(name=name), output, height)
