"""Registration of x/treasury: Msgs (through the policy engine for user requests),
queries, genesis, CLI, the begin-block MPC timeouts and the on-chain minimum gas price."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from zrchain.codec.gen.zrchain.treasury import params_pb2
from zrchain.context import Context, store_prefix
from zrchain.errors import ChainError
from zrchain.module import Module, MsgRoute, QueryRoute
from zrchain.store.kv import PrefixStore
from zrchain.x.identity.interfaces import IdentityKeeper
from zrchain.x.policy.interfaces import PolicyEngine
from zrchain.x.treasury import genesis, queries
from zrchain.x.treasury.keeper import KIND_KEY, KIND_SIGN, PARAMS, TreasuryKeeper
from zrchain.x.treasury.lifecycle import KEY_TIMEOUT_REASON, SIGN_TIMEOUT_REASON
from zrchain.x.treasury.msgs import TreasuryMsgs
from zrchain.x.treasury.types import (
    KR_REJECTED,
    MAX_TIMEOUTS_PER_BLOCK,
    MODULE,
    OPEN_KEY_STATUSES,
    OPEN_SIGN_STATUSES,
    SR_REJECTED,
    STORE_KEY,
)


@dataclass
class TreasuryModule(Module):
    identity: IdentityKeeper | None = None  # IdentityModule.api
    policy: PolicyEngine | None = None  # PolicyModule.engine
    bank: Any = None  # BankKeeper: escrow, payouts, refunds, keyring transfers
    accounts: Any = None  # AccountKeeper: party account keys
    reserved_key_ids: frozenset[int] = frozenset()  # keys reserved for internal modules
    max_timeouts_per_block: int = MAX_TIMEOUTS_PER_BLOCK
    name: str = MODULE
    store_key: str = STORE_KEY
    keeper: TreasuryKeeper = field(init=False)
    msgs: TreasuryMsgs = field(init=False)

    def __post_init__(self) -> None:
        if self.identity is None or self.policy is None or self.bank is None:
            raise ValueError("TreasuryModule needs identity=, policy= and bank=")
        if self.accounts is None:
            self.accounts = self.bank.accounts
        self.keeper = TreasuryKeeper()
        self.msgs = TreasuryMsgs(
            self.keeper, self.identity, self.policy, self.bank, self.accounts, self.reserved_key_ids
        )
        self.msgs.register_actions()

    def msg_routes(self) -> list[MsgRoute]:
        return self.msgs.routes()

    def query_routes(self) -> list[QueryRoute]:
        assert self.identity is not None
        return queries.routes(self.keeper, self.identity)

    def default_genesis(self) -> dict[str, Any]:
        return genesis.default()

    def validate_genesis(self, data: dict[str, Any]) -> None:
        genesis.validate(data)

    def init_genesis(self, ctx: Context, data: dict[str, Any]) -> None:
        genesis.init(ctx, self.keeper, data)

    def export_genesis(self, ctx: Context) -> dict[str, Any]:
        return genesis.export(ctx, self.keeper)

    def min_gas_fee(self, ctx: Context) -> str:
        """The on-chain minimum gas price the ante handler enforces in CheckTx (unmetered)."""
        raw = PrefixStore(ctx.root, store_prefix(STORE_KEY)).get(PARAMS)
        return "" if raw is None else str(params_pb2.Params.FromString(raw).min_gas_fee)

    def begin_block(self, ctx: Context) -> None:
        """MPC timeouts (treasury.md §8): requests whose ``mpc_btl`` is below this height
        are rejected and refunded, earliest deadline first, at most
        ``max_timeouts_per_block`` of each kind per block (the rest in the next blocks)."""
        k, life = self.keeper, self.msgs.life
        limit = self.max_timeouts_per_block
        for rid in k.due(ctx, KIND_KEY, ctx.height, limit):
            kreq = k.get_key_request(ctx, rid)
            if kreq is not None and kreq.status in OPEN_KEY_STATUSES:
                self._safely(ctx, lambda c, r=kreq: life.time_out_key_request(c, r), kreq, True)
        for rid in k.due(ctx, KIND_SIGN, ctx.height, limit):
            sreq = k.get_sign_request(ctx, rid)
            if sreq is not None and sreq.status in OPEN_SIGN_STATUSES:
                self._safely(ctx, lambda c, r=sreq: life.time_out_sign_request(c, r), sreq, False)

    def _safely(self, ctx: Context, step: Any, req: Any, is_key: bool) -> None:
        """Run one timeout in a branch; if its refund fails (an escrow shortfall, which the
        fee book never allows), close the request without it rather than halt the chain."""
        child, br = ctx.branch()
        try:
            step(child)
        except ChainError as exc:
            ctx.log.error("treasury: timeout of request %d failed: %s", req.id, exc.log)
            if is_key:
                req.status = KR_REJECTED
                req.reject_reason = f"{KEY_TIMEOUT_REASON} (refund failed)"
                self.keeper.save_key_request(ctx, req)
            else:
                req.status = SR_REJECTED
                req.reject_reason = f"{SIGN_TIMEOUT_REASON} (refund failed)"
                self.keeper.save_sign_request(ctx, req)
            return
        br.write()
        ctx.events.extend(child.events)

    def cli_tx(self) -> Any:
        from zrchain.x.treasury.cli import tx_group

        return tx_group

    def cli_query(self) -> Any:
        from zrchain.x.treasury.cli import query_group

        return query_group
