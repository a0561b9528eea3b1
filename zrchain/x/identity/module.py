"""Registration of x/identity: Msgs (through the policy engine for workspace changes),
queries, genesis, CLI, and ``api`` — the narrow interface treasury uses."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from zrchain.context import Context
from zrchain.module import Module, MsgRoute, QueryRoute
from zrchain.x.identity import genesis, queries
from zrchain.x.identity.api import IdentityAPI
from zrchain.x.identity.keeper import IdentityKeeper
from zrchain.x.identity.msgs import IdentityMsgs
from zrchain.x.identity.types import MODULE, STORE_KEY
from zrchain.x.policy.interfaces import PolicyEngine


@dataclass
class IdentityModule(Module):
    policy: PolicyEngine | None = None  # the policy module's engine
    bank: Any = None  # BankKeeper: keyring creation fees
    name: str = MODULE
    store_key: str = STORE_KEY
    keeper: IdentityKeeper = field(init=False)
    api: IdentityAPI = field(init=False)
    msgs: IdentityMsgs = field(init=False)

    def __post_init__(self) -> None:
        if self.policy is None:
            raise ValueError("IdentityModule needs the policy engine (policy=...)")
        self.keeper = IdentityKeeper()
        self.api = IdentityAPI(self.keeper)
        self.msgs = IdentityMsgs(self.keeper, self.policy, self.bank)
        self.msgs.register_actions()

    def msg_routes(self) -> list[MsgRoute]:
        return self.msgs.routes()

    def query_routes(self) -> list[QueryRoute]:
        return queries.routes(self.keeper)

    def default_genesis(self) -> dict[str, Any]:
        return genesis.default()

    def validate_genesis(self, data: dict[str, Any]) -> None:
        genesis.validate(data)

    def init_genesis(self, ctx: Context, data: dict[str, Any]) -> None:
        genesis.init(ctx, self.keeper, data)

    def export_genesis(self, ctx: Context) -> dict[str, Any]:
        return genesis.export(ctx, self.keeper)

    def cli_tx(self) -> Any:
        from zrchain.x.identity.cli import tx_group

        return tx_group

    def cli_query(self) -> Any:
        from zrchain.x.identity.cli import query_group

        return query_group
