"""Registration of zrChain's x/mint (zrchain.mint.v1beta1): keyring and tx fees split,
staking reward and inflation into the fee collector at every begin block, before
x/distribution allocates it (docs/mint.md)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from types import ModuleType

from zrchain.codec.address import module_address
from zrchain.context import Context
from zrchain.module import Genesis, Module, Service
from zrchain.x.mint import genesis
from zrchain.x.mint.expected import MintAccounts, MintBank, MintStaking
from zrchain.x.mint.keeper import MODULE, STORE_KEY, MintKeeper
from zrchain.x.mint.msg_server import MintMsgServer
from zrchain.x.mint.query_server import MintQueryServer

# zrChain's maccPerms entry; its account stays open to transfers (the top-up reserve).
MINT_PERMISSIONS = {MODULE: ["minter", "burner"]}


@dataclass
class MintModule(Module):
    staking: MintStaking | None = None
    bank: MintBank | None = None
    accounts: MintAccounts | None = None
    blocked_accounts: Sequence[str] = ()  # module accounts the protocol wallet may not be
    name: str = MODULE
    store_key: str = STORE_KEY
    consensus_version = 3  # zrChain's
    keeper: MintKeeper = field(init=False)

    def __post_init__(self) -> None:
        if self.staking is None or self.bank is None or self.accounts is None:
            raise ValueError("MintModule needs the validation, bank and auth keepers")
        blocked = frozenset(module_address(n) for n in self.blocked_accounts)
        self.keeper = MintKeeper(self.staking, self.bank, self.accounts, blocked)

    def services(self) -> Sequence[Service]:
        return (MintMsgServer(self.keeper), MintQueryServer(self.keeper))

    def begin_block(self, ctx: Context) -> None:
        self.keeper.begin_block(ctx)

    def genesis(self) -> Genesis:
        return Genesis.of(genesis, self.keeper)

    def cli(self) -> ModuleType:
        from zrchain.x.mint import cli

        return cli


__all__ = ["MINT_PERMISSIONS", "MintModule"]
