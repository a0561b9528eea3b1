"""x/identity: workspaces (policy-gated changes) and keyrings, queries, genesis, CLI, and
``api`` — what treasury and zrSign ingestion use of identity."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from types import ModuleType

from zrchain.module import Genesis, Module, Service
from zrchain.x.identity import genesis
from zrchain.x.identity.api import IdentityAPI
from zrchain.x.identity.expected import KeyringFees, PolicyGates
from zrchain.x.identity.keeper import IdentityKeeper
from zrchain.x.identity.msg_server import IdentityMsgServer
from zrchain.x.identity.query_server import IdentityQueryServer
from zrchain.x.identity.types import MODULE, STORE_KEY


@dataclass
class IdentityModule(Module):
    policy: PolicyGates | None = None  # the policy module's engine
    bank: KeyringFees | None = None  # keyring creation fees
    name: str = MODULE
    store_key: str = STORE_KEY
    keeper: IdentityKeeper = field(init=False)
    api: IdentityAPI = field(init=False)
    msgs: IdentityMsgServer = field(init=False)

    def __post_init__(self) -> None:
        if self.policy is None or self.bank is None:
            raise ValueError("IdentityModule needs the policy engine and bank (policy=, bank=)")
        self.keeper = IdentityKeeper()
        self.api = IdentityAPI(self.keeper)
        self.msgs = IdentityMsgServer(self.keeper, self.policy, self.bank)

    def services(self) -> Sequence[Service]:
        return [self.msgs, IdentityQueryServer(self.keeper)]

    def genesis(self) -> Genesis:
        return Genesis.of(genesis, self.keeper)

    def cli(self) -> ModuleType:
        from zrchain.x.identity import cli

        return cli
