"""x/auth: accounts, account numbers and params; it serves queries only (its Msg service,
UpdateParams, needs x/gov)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from types import ModuleType

from zrchain.module import Genesis, Module, Service
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

    def genesis(self) -> Genesis:
        return Genesis.of(genesis, self.keeper)

    def cli(self) -> ModuleType:
        from zrchain.x.auth import cli

        return cli
