"""Registration of x/authz: Msgs, queries, genesis, and the begin-block pruning of expired
grants (SDK BeginBlocker: at most 200 due queue entries per block, read from the expiry
queue, so the cost follows what expires).

``router`` is how MsgExec finds the handler of an inner Msg: a callable from type URL to
the app's ``MsgRoute`` (see ``MsgRouter`` and ``zrchain/modules.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from zrchain.codec.address import module_address
from zrchain.context import Context
from zrchain.module import Module, MsgRoute, QueryRoute
from zrchain.x.auth.keeper import AccountKeeper
from zrchain.x.authz import genesis, queries
from zrchain.x.authz.keeper import AuthzKeeper
from zrchain.x.authz.msgs import AuthzMsgs, PolicyAuthz, RouteLookup
from zrchain.x.authz.types import MODULE, STORE_KEY


class MsgRouter:
    """The app's Msg routes by type URL, bound to the module list once it exists.

    The table is built on first use from the same ``msg_routes()`` the app's registry is
    built from, so it holds exactly the Msgs the tx pipeline routes.
    """

    def __init__(self) -> None:
        self._modules: Sequence[Module] | None = None
        self._table: dict[str, MsgRoute] | None = None

    def bind(self, modules: Sequence[Module]) -> None:
        self._modules = list(modules)
        self._table = None

    def route(self, type_url: str) -> MsgRoute | None:
        table = self._table
        if table is None:
            if self._modules is None:
                raise RuntimeError("MsgRouter used before bind(modules)")
            table = self._table = {r.type_url: r for m in self._modules for r in m.msg_routes()}
        return table.get(type_url)


def _unbound(type_url: str) -> MsgRoute | None:
    raise RuntimeError("AuthzModule needs a router (see zrchain/modules.py)")


@dataclass
class AuthzModule(Module):
    accounts: AccountKeeper = field(default_factory=AccountKeeper)
    router: RouteLookup = _unbound
    name: str = MODULE
    store_key: str = STORE_KEY
    keeper: AuthzKeeper = field(init=False)
    msgs: AuthzMsgs = field(init=False)
    policy_api: PolicyAuthz = field(init=False)

    def __post_init__(self) -> None:
        self.keeper = AuthzKeeper()
        # A grant may not create an account for a module address (SDK "blocked addresses").
        blocked = {module_address(n) for n in self.accounts.permissions}
        self.msgs = AuthzMsgs(self.keeper, self.accounts, blocked, self.router)
        self.policy_api = PolicyAuthz(self.msgs)

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

    def begin_block(self, ctx: Context) -> None:
        self.keeper.prune_expired(ctx)

    def cli_tx(self) -> Any:
        from zrchain.x.authz.cli import tx_group

        return tx_group

    def cli_query(self) -> Any:
        from zrchain.x.authz.cli import query_group

        return query_group
