"""x/auth: accounts, account numbers and params; it serves queries only (its Msg service,
UpdateParams, needs x/gov)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from zrchain.context import Context
from zrchain.module import Module, Service
from zrchain.x.auth import genesis
from zrchain.x.auth.keeper import STORE_KEY, AccountKeeper
from zrchain.x.auth.query_server import AuthQueryServer


@dataclass
class AuthModule(Module):
    name: str = "auth"
    store_key: str = STORE_KEY
    keeper: AccountKeeper = field(default_factory=AccountKeeper)

    def services(self) -> Sequence[Service]:
        return [AuthQueryServer(self.keeper)]

    def default_genesis(self) -> dict[str, Any]:
        return genesis.default()

    def validate_genesis(self, data: dict[str, Any]) -> None:
        genesis.validate(data)

    def init_genesis(self, ctx: Context, data: dict[str, Any]) -> None:
        genesis.init(ctx, self.keeper, data)

    def export_genesis(self, ctx: Context) -> dict[str, Any]:
        return genesis.export(ctx, self.keeper)

    def cli_query(self) -> Any:
        from zrchain.x.auth.cli import query_group

        return query_group
