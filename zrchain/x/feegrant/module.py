"""x/feegrant: fee allowances (Basic, Periodic, AllowedMsg), their Msgs and queries, the
end-block pruning of expired grants (the SDK's EndBlocker: at most 200 a block), and what
the ante handler calls to let a granter pay a grantee's fee (``FeegrantKeeper.use_granted_fees``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from zrchain.codec.address import module_address
from zrchain.context import Context
from zrchain.module import Module, Service
from zrchain.x.auth.keeper import AccountKeeper
from zrchain.x.feegrant import genesis
from zrchain.x.feegrant.keeper import FeegrantKeeper
from zrchain.x.feegrant.msg_server import FeegrantMsgServer
from zrchain.x.feegrant.query_server import FeegrantQueryServer
from zrchain.x.feegrant.types import MODULE, STORE_KEY


@dataclass
class FeegrantModule(Module):
    accounts: AccountKeeper = field(default_factory=AccountKeeper)
    name: str = MODULE
    store_key: str = STORE_KEY
    keeper: FeegrantKeeper = field(init=False)

    def __post_init__(self) -> None:
        blocked = {module_address(n) for n in self.accounts.permissions}
        self.keeper = FeegrantKeeper(self.accounts, blocked)

    def services(self) -> Sequence[Service]:
        return [FeegrantMsgServer(self.keeper), FeegrantQueryServer(self.keeper)]

    def default_genesis(self) -> dict[str, Any]:
        return genesis.default()

    def validate_genesis(self, data: dict[str, Any]) -> None:
        genesis.validate(data)

    def init_genesis(self, ctx: Context, data: dict[str, Any]) -> None:
        genesis.init(ctx, self.keeper, data)

    def export_genesis(self, ctx: Context) -> dict[str, Any]:
        return genesis.export(ctx, self.keeper)

    def end_block(self, ctx: Context) -> None:
        self.keeper.remove_expired(ctx)

    def cli_tx(self) -> Any:
        from zrchain.x.feegrant.cli import tx_group

        return tx_group

    def cli_query(self) -> Any:
        from zrchain.x.feegrant.cli import query_group

        return query_group
