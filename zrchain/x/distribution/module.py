"""Registration of x/distribution (cosmos.distribution.v1beta1): at every begin block the
fee collector's coins go to the last commit's validators by bonded tokens (F1)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from types import ModuleType

from zrchain.codec.address import module_address
from zrchain.context import Context
from zrchain.module import Genesis, Module, Service
from zrchain.x.distribution import genesis
from zrchain.x.distribution.expected import (
    DistributionAccounts,
    DistributionBank,
    DistributionStaking,
)
from zrchain.x.distribution.hooks import DistributionHooks
from zrchain.x.distribution.keeper import MODULE, STORE_KEY, DistributionKeeper
from zrchain.x.distribution.msg_server import DistributionMsgServer
from zrchain.x.distribution.query_server import DistributionQueryServer


@dataclass
class DistributionModule(Module):
    staking: DistributionStaking | None = None
    bank: DistributionBank | None = None
    accounts: DistributionAccounts | None = None
    module_accounts: Sequence[str] = ()
    name: str = MODULE
    consensus_version = 3  # zrChain's
    store_key: str = STORE_KEY
    keeper: DistributionKeeper = field(init=False)

    def __post_init__(self) -> None:
        if self.staking is None or self.bank is None or self.accounts is None:
            raise ValueError("DistributionModule needs the validation, bank and auth keepers")
        self.keeper = DistributionKeeper(
            self.staking, self.bank, module_address(MODULE), self.accounts
        )

    def hooks(self) -> DistributionHooks:
        return DistributionHooks(self.keeper)

    def services(self) -> Sequence[Service]:
        blocked = {module_address(n) for n in self.module_accounts}
        return (DistributionMsgServer(self.keeper, blocked), DistributionQueryServer(self.keeper))

    def begin_block(self, ctx: Context) -> None:
        if ctx.height > 1:
            self.keeper.allocate_tokens(ctx, ctx.comet.votes)
        self.keeper.set_previous_proposer(ctx, ctx.comet.proposer)

    def genesis(self) -> Genesis:
        return Genesis.of(genesis, self.keeper)

    def cli(self) -> ModuleType:
        from zrchain.x.distribution import cli

        return cli


__all__ = ["DistributionModule"]
