"""Registration of x/gov (cosmos.gov.v1): proposals of gov-signed Msgs, deposits, votes,
and the end-block tally that executes passed proposals (docs/gov.md)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from types import ModuleType

from zrchain.context import Context
from zrchain.module import Genesis, Module, Registry, Service
from zrchain.x.gov import genesis
from zrchain.x.gov.end_block import end_block
from zrchain.x.gov.expected import GovAccounts, GovBank, GovStaking
from zrchain.x.gov.keeper import GovKeeper
from zrchain.x.gov.msg_server import GovMsgServer
from zrchain.x.gov.query_server import GovQueryServer
from zrchain.x.gov.types import MODULE, STORE_KEY

# The gov module account burns vetoed deposits (zrChain's maccPerms).
GOV_PERMISSIONS: dict[str, list[str]] = {MODULE: ["burner"]}


@dataclass
class GovModule(Module):
    bank: GovBank | None = None
    staking: GovStaking | None = None
    accounts: GovAccounts | None = None
    name: str = MODULE
    consensus_version = 5  # zrChain's
    store_key: str = STORE_KEY
    keeper: GovKeeper = field(init=False)
    msgs: GovMsgServer = field(init=False)

    def __post_init__(self) -> None:
        if self.bank is None or self.staking is None or self.accounts is None:
            raise ValueError("GovModule needs the bank, validation and auth keepers")
        self.keeper = GovKeeper(self.bank, self.accounts)
        self.msgs = GovMsgServer(self.keeper)

    def services(self) -> Sequence[Service]:
        assert self.staking is not None
        return (self.msgs, GovQueryServer(self.keeper, self.staking))

    def bind_registry(self, registry: Registry) -> None:
        self.msgs.router = registry.msgs.get

    def end_block(self, ctx: Context) -> None:
        assert self.staking is not None
        end_block(ctx, self.keeper, self.msgs, self.staking)

    def genesis(self) -> Genesis:
        return Genesis.of(genesis, self.keeper)

    def cli(self) -> ModuleType:
        from zrchain.x.gov import cli

        return cli


__all__ = ["GOV_PERMISSIONS", "GovModule"]
