"""x/policy: policies, sign methods, the action engine and the end-block expiry of actions.

Other modules gate their Msgs behind policies through ``PolicyModule.engine``
(``gate.PolicyGate``: declared once, then ``engine.submit``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from types import ModuleType

from zrchain.context import Context
from zrchain.module import Genesis, Module, Service
from zrchain.x.policy import genesis
from zrchain.x.policy.engine import Engine
from zrchain.x.policy.expected import GenericGrants
from zrchain.x.policy.keeper import PolicyKeeper
from zrchain.x.policy.msg_server import PolicyMsgServer
from zrchain.x.policy.query_server import PolicyQueryServer
from zrchain.x.policy.types import MODULE, STORE_KEY


@dataclass
class PolicyModule(Module):
    name: str = MODULE
    consensus_version = 3  # zrChain's
    store_key: str = STORE_KEY
    authz: GenericGrants | None = None  # x/authz's grant/revoke (zrchain/modules.py)
    keeper: PolicyKeeper = field(init=False)
    engine: Engine = field(init=False)

    def __post_init__(self) -> None:
        self.keeper = PolicyKeeper()
        self.engine = Engine(self.keeper)

    def services(self) -> Sequence[Service]:
        return [
            PolicyMsgServer(self.keeper, self.engine, self.authz),
            PolicyQueryServer(self.keeper, self.engine),
        ]

    def genesis(self) -> Genesis:
        return Genesis.of(genesis, self.keeper)

    def end_block(self, ctx: Context) -> None:
        self.engine.expire(ctx)

    def cli(self) -> ModuleType:
        from zrchain.x.policy import cli

        return cli
