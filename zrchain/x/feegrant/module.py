"""x/feegrant: fee allowances (Basic, Periodic, AllowedMsg), their Msgs and queries, the
end-block pruning of expired grants (the SDK's EndBlocker: at most 200 a block), and what
the ante handler calls to let a granter pay a grantee's fee (``FeegrantKeeper.use_granted_fees``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import ModuleType

from zrchain.context import Context
from zrchain.module import Genesis, Module, Service
from zrchain.x.auth.keeper import AccountKeeper
from zrchain.x.feegrant import genesis
from zrchain.x.feegrant.keeper import FeegrantKeeper
from zrchain.x.feegrant.msg_server import FeegrantMsgServer
from zrchain.x.feegrant.query_server import FeegrantQueryServer
from zrchain.x.feegrant.types import ALLOWANCES, MODULE, STORE_KEY


@dataclass
class FeegrantModule(Module):
    accounts: AccountKeeper = field(default_factory=AccountKeeper)
    blocked_accounts: Sequence[str] | None = None  # None: every module account
    name: str = MODULE
    consensus_version = 2  # zrChain's
    store_key: str = STORE_KEY
    keeper: FeegrantKeeper = field(init=False)

    def __post_init__(self) -> None:
        blocked = self.accounts.blocked_addresses(self.blocked_accounts)
        self.keeper = FeegrantKeeper(self.accounts, blocked)

    def services(self) -> Sequence[Service]:
        return [FeegrantMsgServer(self.keeper), FeegrantQueryServer(self.keeper)]

    def genesis(self) -> Genesis:
        return Genesis.of(genesis, self.keeper)

    def interfaces(self) -> Mapping[str, Sequence[str]]:
        return {"cosmos.feegrant.v1beta1.FeeAllowanceI": sorted(ALLOWANCES)}

    def end_block(self, ctx: Context) -> None:
        self.keeper.remove_expired(ctx)

    def cli(self) -> ModuleType:
        from zrchain.x.feegrant import cli

        return cli
