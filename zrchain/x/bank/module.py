"""x/bank: balances, supply, MsgSend/MsgMultiSend, module-account transfers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from zrchain.codec.address import module_address
from zrchain.context import Context
from zrchain.module import Module, Service
from zrchain.x.auth.keeper import AccountKeeper
from zrchain.x.bank import genesis
from zrchain.x.bank.keeper import STORE_KEY, BankKeeper
from zrchain.x.bank.msg_server import BankMsgServer
from zrchain.x.bank.query_server import BankQueryServer


@dataclass
class BankModule(Module):
    accounts: AccountKeeper = field(default_factory=AccountKeeper)
    name: str = "bank"
    store_key: str = STORE_KEY
    keeper: BankKeeper = field(init=False)

    def __post_init__(self) -> None:
        self.keeper = BankKeeper(self.accounts)

    def services(self) -> Sequence[Service]:
        # Module accounts may not receive coins through MsgSend (SDK "blocked addresses").
        blocked = {module_address(n) for n in self.accounts.permissions}
        return [BankMsgServer(self.keeper, blocked), BankQueryServer(self.keeper)]

    def default_genesis(self) -> dict[str, Any]:
        return genesis.default()

    def validate_genesis(self, data: dict[str, Any]) -> None:
        genesis.validate(data)

    def init_genesis(self, ctx: Context, data: dict[str, Any]) -> None:
        genesis.init(ctx, self.keeper, data)

    def export_genesis(self, ctx: Context) -> dict[str, Any]:
        return genesis.export(ctx, self.keeper)

    def cli_tx(self) -> Any:
        from zrchain.x.bank.cli import tx_group

        return tx_group

    def cli_query(self) -> Any:
        from zrchain.x.bank.cli import query_group

        return query_group
