"""x/treasury: key, signature and sign-transaction requests (policy-gated for users),
zrSign, queries, genesis, CLI, the begin-block MPC timeouts and the on-chain minimum gas
price."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from types import ModuleType

from zrchain.context import Context
from zrchain.module import Genesis, Module, Service
from zrchain.x.treasury import genesis
from zrchain.x.treasury.expected import (
    AccountKeys,
    EscrowBank,
    IdentityAccess,
    PolicyGates,
    ZrSignIngestion,
)
from zrchain.x.treasury.keeper import TreasuryKeeper
from zrchain.x.treasury.msg_server import TreasuryMsgServer
from zrchain.x.treasury.query_server import TreasuryQueryServer
from zrchain.x.treasury.types import MAX_TIMEOUTS_PER_BLOCK, MODULE, STORE_KEY
from zrchain.x.treasury.zrsign_owners import ZrSignOwners


@dataclass
class TreasuryModule(Module):
    identity: IdentityAccess | None = None  # IdentityModule.api
    policy: PolicyGates | None = None  # PolicyModule.engine
    bank: EscrowBank | None = None  # BankKeeper: escrow, payouts, refunds, keyring transfers
    accounts: AccountKeys | None = None  # AccountKeeper: party account keys
    reserved_key_ids: frozenset[int] = frozenset()  # keys reserved for internal modules
    ingestion: ZrSignIngestion | None = None  # x/attest: the relayer-or-attestation switch
    max_timeouts_per_block: int = MAX_TIMEOUTS_PER_BLOCK
    name: str = MODULE
    consensus_version = 5  # zrChain's
    store_key: str = STORE_KEY
    keeper: TreasuryKeeper = field(init=False)
    msgs: TreasuryMsgServer = field(init=False)
    zrsign_owners: ZrSignOwners = field(init=False)  # x/omni's door (docs/zrsign-policies.md)

    def __post_init__(self) -> None:
        if None in (self.identity, self.policy, self.bank, self.accounts):
            raise ValueError("TreasuryModule needs identity=, policy=, bank= and accounts=")
        assert self.identity and self.policy and self.bank and self.accounts
        self.keeper = TreasuryKeeper()
        self.msgs = TreasuryMsgServer(
            self.keeper, self.identity, self.policy, self.bank, self.accounts, self.reserved_key_ids
        )
        self.msgs.ingestion = self.ingestion
        self.zrsign_owners = ZrSignOwners(self.keeper, self.msgs)

    def services(self) -> Sequence[Service]:
        assert self.identity is not None
        return [self.msgs, TreasuryQueryServer(self.keeper, self.identity)]

    def genesis(self) -> Genesis:
        return Genesis.of(genesis, self.keeper)

    def min_gas_fee(self, ctx: Context) -> str:
        """The on-chain minimum gas price the ante handler enforces in CheckTx (unmetered)."""
        return self.keeper.min_gas_fee(ctx)

    def begin_block(self, ctx: Context) -> None:
        """MPC timeouts: requests past their deadline are rejected and refunded."""
        self.msgs.life.time_out_due(ctx, self.max_timeouts_per_block)

    def cli(self) -> ModuleType:
        from zrchain.x.treasury import cli

        return cli
