"""Keyring fees (fix 5 of docs/COMPATIBILITY.md): escrowed at request time, paid out of escrow when
the
request completes, refunded exactly when it is rejected or times out.

One escrow record per request tree (a key request, or a root sign request with its
children) names the payer and what each keyring is owed. Completion pays every entry:
``floor(amount * keyring_commission / 100)`` to ``keyring_commission_destination`` (the
``keyring_collector`` module when unset) and the rest to the keyring's own address, or to
the collector when the keyring delegates its fees. Rejection and timeout return the
record's total to the payer. Either way the record is deleted, so nothing is paid twice.
"""

from __future__ import annotations

from collections.abc import Sequence

from zrchain.codec.address import zr_account_bytes
from zrchain.codec.coins import Coin, Coins
from zrchain.context import Context
from zrchain.errors import PlainError
from zrchain.x.treasury.expected import EscrowBank, IdentityAccess
from zrchain.x.treasury.keeper import Escrow, TreasuryKeeper
from zrchain.x.treasury.types import DENOM, KEYRING_COLLECTOR, KEYRING_ESCROW


def account_bytes(addr: str) -> bytes:
    """zrChain's account parser (``zen``, ``keyring`` or ``workspace``); plain error text."""
    try:
        return zr_account_bytes(addr)
    except ValueError as exc:
        raise PlainError(str(exc)) from None


def split_fee(amount: int, commission_percent: int) -> tuple[int, int]:
    """(commission, rest) of a keyring fee; exact integer arithmetic, commission truncated."""
    pct = min(max(int(commission_percent), 0), 100)
    commission = amount * pct // 100
    return commission, amount - commission


class FeeBook:
    def __init__(self, keeper: TreasuryKeeper, bank: EscrowBank, identity: IdentityAccess) -> None:
        self.k = keeper
        self.bank = bank
        self.identity = identity

    def collect(
        self,
        ctx: Context,
        kind: bytes,
        req_id: int,
        payer: str,
        entries: Sequence[tuple[str, int]],
    ) -> int:
        """Move the fees of a new request from ``payer`` into escrow; returns the total."""
        owed = tuple((kr, int(a)) for kr, a in entries if a > 0)
        total = sum(a for _, a in owed)
        if total == 0:
            return 0
        self.bank.send_to_module(
            ctx, account_bytes(payer), KEYRING_ESCROW, Coins([Coin(DENOM, total)]), payer
        )
        self.k.set_escrow(ctx, kind, req_id, Escrow(payer, owed))
        return total

    def pay_out(self, ctx: Context, kind: bytes, req_id: int) -> None:
        """The request completed: each keyring gets its fee, less the commission."""
        e = self.k.escrow(ctx, kind, req_id)
        if e is None:
            return
        params = self.k.params(ctx)
        pct = int(params.keyring_commission) if params is not None else 0
        dest = params.keyring_commission_destination if params is not None else ""
        # destination -> amount, in first-seen order (deterministic)
        owed: dict[str, int] = {}
        for keyring_addr, amount in e.entries:
            commission, rest = split_fee(amount, pct)
            if commission:
                owed[dest] = owed.get(dest, 0) + commission
            kr = self.identity.get_keyring(ctx, keyring_addr)
            to = "" if kr is None or kr.delegate_fees else keyring_addr
            if rest:
                owed[to] = owed.get(to, 0) + rest
        for to, amount in owed.items():
            coins = Coins([Coin(DENOM, amount)])
            if to:
                self.bank.send_from_module(ctx, KEYRING_ESCROW, account_bytes(to), coins)
            else:
                self.bank.send_module_to_module(ctx, KEYRING_ESCROW, KEYRING_COLLECTOR, coins)
        self.k.delete_escrow(ctx, kind, req_id)

    def refund(self, ctx: Context, kind: bytes, req_id: int) -> None:
        """The request failed: the payer gets back exactly what was escrowed."""
        e = self.k.escrow(ctx, kind, req_id)
        if e is None:
            return
        if e.total:
            self.bank.send_from_module(
                ctx, KEYRING_ESCROW, account_bytes(e.payer), Coins([Coin(DENOM, e.total)])
            )
        self.k.delete_escrow(ctx, kind, req_id)
