"""x/bank: balances, supply, MsgSend/MsgMultiSend, module-account transfers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from types import ModuleType

from zrchain.module import Genesis, Module, Service
from zrchain.x.auth.keeper import AccountKeeper
from zrchain.x.bank import genesis
from zrchain.x.bank.keeper import STORE_KEY, BankKeeper
from zrchain.x.bank.msg_server import BankMsgServer
from zrchain.x.bank.query_server import BankQueryServer


@dataclass
class BankModule(Module):
    accounts: AccountKeeper = field(default_factory=AccountKeeper)
    blocked_accounts: Sequence[str] | None = None  # None: every module account
    name: str = "bank"
    consensus_version = 4  # zrChain's
    store_key: str = STORE_KEY
    keeper: BankKeeper = field(init=False)

    def __post_init__(self) -> None:
        self.keeper = BankKeeper(self.accounts)

    def services(self) -> Sequence[Service]:
        # Module accounts may not receive coins through MsgSend (SDK "blocked addresses").
        blocked = self.accounts.blocked_addresses(self.blocked_accounts)
        return [BankMsgServer(self.keeper, blocked), BankQueryServer(self.keeper)]

    def genesis(self) -> Genesis:
        return Genesis.of(genesis, self.keeper)

    def cli(self) -> ModuleType:
        from zrchain.x.bank import cli

        return cli
