"""x/authz: the SDK's grants (Generic and Send authorizations), MsgExec, queries, genesis,
and the begin-block pruning of expired grants (SDK BeginBlocker: at most 200 due queue
entries per block, read from the expiry queue, so the cost follows what expires).

MsgExec finds the handler of an inner Msg in the app's registry (``bind_registry``): the
one type URL -> route map the tx pipeline uses.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import ModuleType

from zrchain.context import Context
from zrchain.module import Genesis, Module, Registry, Service
from zrchain.x.auth.keeper import AccountKeeper
from zrchain.x.authz import genesis
from zrchain.x.authz.keeper import AuthzKeeper
from zrchain.x.authz.msg_server import AuthzMsgServer, PolicyAuthz
from zrchain.x.authz.query_server import AuthzQueryServer
from zrchain.x.authz.types import AUTHORIZATIONS, MODULE, STORE_KEY


@dataclass
class AuthzModule(Module):
    accounts: AccountKeeper = field(default_factory=AccountKeeper)
    blocked_accounts: Sequence[str] | None = None  # None: every module account
    name: str = MODULE
    consensus_version = 2  # zrChain's
    store_key: str = STORE_KEY
    keeper: AuthzKeeper = field(init=False)
    msgs: AuthzMsgServer = field(init=False)
    policy_api: PolicyAuthz = field(init=False)

    def __post_init__(self) -> None:
        self.keeper = AuthzKeeper()
        # A grant may not create an account for a module address (SDK "blocked addresses").
        blocked = self.accounts.blocked_addresses(self.blocked_accounts)
        self.msgs = AuthzMsgServer(self.keeper, self.accounts, blocked)
        self.policy_api = PolicyAuthz(self.msgs)

    def services(self) -> Sequence[Service]:
        return [self.msgs, AuthzQueryServer(self.keeper)]

    def bind_registry(self, registry: Registry) -> None:
        self.msgs.router = registry.msgs.get

    def genesis(self) -> Genesis:
        return Genesis.of(genesis, self.keeper)

    def interfaces(self) -> Mapping[str, Sequence[str]]:
        return {"cosmos.authz.v1beta1.Authorization": sorted(AUTHORIZATIONS)}

    def begin_block(self, ctx: Context) -> None:
        self.keeper.prune_expired(ctx)

    def cli(self) -> ModuleType:
        from zrchain.x.authz import cli

        return cli
