"""The only code that touches the mint store, and zrChain's mint begin block (docs/mint.md).

Every block, before x/distribution allocates the fee collector: the keyring fees and the
fee collector's mint-denom fees are claimed into the mint account, a share is burned and a
share sent to the protocol wallet; the block's staking reward (bonded tokens x
staking_yield / blocks_per_year) goes to the fee collector, paid from the claimed fees
and, when they fall short, from what the mint account holds (a surplus is split into a
burn, the protocol wallet and extra staking rewards, the rest kept); then the SDK minter
mints the block provision into the fee collector. As on zrChain, a step that fails stops
the block's minting where it is (logged, the chain continues): a mint account that cannot
pay the staking reward, or claimed fees exactly equal to it, mint nothing that block.

Layout under ``mint/`` (zrChain's collections prefixes)::

    0x00 -> Minter
    0x01 -> Params
"""

from __future__ import annotations

from collections.abc import Set

from zrchain.codec import address
from zrchain.codec.coins import Coin, Coins
from zrchain.codec.gen.zrchain.mint.v1beta1 import mint_pb2 as pb
from zrchain.context import Context
from zrchain.errors import ChainError, ErrUnauthorized
from zrchain.x.mint import params as mp
from zrchain.x.mint.expected import MintAccounts, MintBank, MintStaking

MODULE = "mint"
STORE_KEY = "mint"
FEE_COLLECTOR = "fee_collector"
KEYRING_COLLECTOR = "keyring_collector"  # x/identity and x/treasury pay keyring fees here
MINTER = b"\x00"
PARAMS = b"\x01"
EVENT = "mint"


class MintStop(Exception):
    """A step zrChain's BeginBlocker returns early from (logged; writes so far stay)."""

    def __init__(self, text: str, *, routine: bool = False) -> None:
        super().__init__(text)
        self.routine = routine  # every fee-less block of a quiet chain: not an operator's alarm


class MintKeeper:
    def __init__(
        self,
        staking: MintStaking,
        bank: MintBank,
        accounts: MintAccounts,
        blocked: Set[bytes] = frozenset(),
    ) -> None:
        self.staking = staking
        self.bank = bank
        self.accounts = accounts
        self.blocked = blocked  # addresses the bank refuses to pay (module accounts)

    # -- store ----------------------------------------------------------------------------------
    def params(self, ctx: Context) -> pb.Params:
        raw = ctx.store(STORE_KEY).get(PARAMS)
        return mp.DEFAULT_PARAMS if raw is None else pb.Params.FromString(raw)

    def set_params(self, ctx: Context, p: pb.Params) -> None:
        ctx.store(STORE_KEY).set(PARAMS, p.SerializeToString())

    def minter(self, ctx: Context) -> pb.Minter:
        raw = ctx.store(STORE_KEY).get(MINTER)
        return mp.DEFAULT_MINTER if raw is None else pb.Minter.FromString(raw)

    def set_minter(self, ctx: Context, m: pb.Minter) -> None:
        ctx.store(STORE_KEY).set(MINTER, m.SerializeToString())

    def balance(self, ctx: Context, denom: str) -> int:
        return self.bank.balance(ctx, self.accounts.module_address(MODULE), denom)

    # -- begin block ----------------------------------------------------------------------------
    def begin_block(self, ctx: Context) -> None:
        try:
            self._mint(ctx)
        except (MintStop, ChainError) as exc:
            log = ctx.log.debug if isinstance(exc, MintStop) and exc.routine else ctx.log.error
            log("x/mint: %s (nothing more minted at height %d)", exc, ctx.height)

    def _mint(self, ctx: Context) -> None:
        p = self.params(ctx)
        denom = p.mint_denom
        bond_denom = self.staking.bond_denom(ctx)
        supply = self.bank.supply(ctx, bond_denom)  # read before this block's burns
        bonded = self.staking.total_bonded_tokens(ctx)
        ratio = mp.bonded_ratio(bonded, supply)

        total = self._claim(ctx, KEYRING_COLLECTOR, denom, "keyring_rewards")
        total += self._claim(ctx, FEE_COLLECTOR, denom, "tx_fees")
        rest = self._base_distribution(ctx, p, total)

        reward = mp.staking_reward(bonded, p)
        if reward > rest:
            ctx.emit(EVENT, ("top_up_amount", str(reward - rest)))
            held = self.balance(ctx, denom)
            if held < reward:
                raise MintStop(
                    f"module balance {held}{denom} is less than required staking reward "
                    f"{reward}{denom}"
                )
        else:
            surplus = rest - reward
            if surplus == 0:
                raise MintStop(
                    f"claimed fees equal the staking reward ({reward}{denom})", routine=True
                )
            ctx.emit(EVENT, ("surplus_amount", str(surplus)))
            self._surplus_distribution(ctx, p, surplus)
        self._to_fee_collector(ctx, denom, reward)

        minter = self.minter(ctx)
        inflation = mp.next_inflation(mp.dec(minter, "inflation"), p, ratio)
        annual = mp.annual_provisions(inflation, supply)
        self.set_minter(
            ctx, pb.Minter(inflation=inflation.atomics(), annual_provisions=annual.atomics())
        )
        minted = mp.block_provision(annual, p)
        if minted:
            self.bank.mint_coins(ctx, MODULE, Coins([Coin(denom, minted)]))
            self._to_fee_collector(ctx, denom, minted)
        ctx.emit(
            EVENT,
            ("bonded_ratio", str(ratio)),
            ("inflation", str(inflation)),
            ("annual_provisions", str(annual)),
            ("amount", str(minted)),
            ("total_block_staking_rewards", str(reward)),
            ("total_fees", str(total)),
        )

    # Zero amounts move nothing: no bank call (zrChain's make empty-amount bank events).
    def _claim(self, ctx: Context, module: str, denom: str, attribute: str) -> int:
        amount = self.bank.balance(ctx, self.accounts.module_address(module), denom)
        if amount:
            self.bank.send_module_to_module(ctx, module, MODULE, Coins([Coin(denom, amount)]))
        ctx.emit(EVENT, (attribute, f"{amount}{denom}"))
        return amount

    def _pay_protocol_wallet(self, ctx: Context, p: pb.Params, amount: int) -> None:
        try:
            to = address.acc_bytes(p.protocol_wallet_address)
        except ChainError as exc:
            raise MintStop(f"invalid protocol wallet address: {exc.log}") from None
        if to in self.blocked:
            raise ErrUnauthorized.wrap(
                f"{p.protocol_wallet_address} is not allowed to receive funds"
            )
        if amount:
            self.bank.send_from_module(ctx, MODULE, to, Coins([Coin(p.mint_denom, amount)]))

    def _burn(self, ctx: Context, denom: str, amount: int) -> None:
        if amount:
            self.bank.burn_coins(ctx, MODULE, Coins([Coin(denom, amount)]))

    def _base_distribution(self, ctx: Context, p: pb.Params, total: int) -> int:
        """Burn ``burn_rate`` and pay ``protocol_wallet_rate`` of the claimed fees; what is
        left funds the staking reward."""
        burned = mp.portion(total, mp.dec(p, "burn_rate"))
        self._burn(ctx, p.mint_denom, burned)
        to_wallet = mp.portion(total, mp.dec(p, "protocol_wallet_rate"))
        self._pay_protocol_wallet(ctx, p, to_wallet)
        ctx.emit(
            EVENT, ("burn_amount_rewards", str(burned)), ("protocol_wallet_ratio", str(to_wallet))
        )
        return total - to_wallet - burned

    def _surplus_distribution(self, ctx: Context, p: pb.Params, surplus: int) -> None:
        """Each share is of the whole surplus; what the three leave stays in the account."""
        burned = mp.portion(surplus, mp.dec(p, "additional_burn_rate"))
        ctx.emit(EVENT, ("additional_burn_amount_rewards", str(burned)))
        self._burn(ctx, p.mint_denom, burned)
        mpc = mp.portion(surplus, mp.dec(p, "additional_mpc_rewards"))
        ctx.emit(EVENT, ("additional_mpc_rewards", str(mpc)))
        self._pay_protocol_wallet(ctx, p, mpc)
        staking = mp.portion(surplus, mp.dec(p, "additional_staking_rewards"))
        ctx.emit(EVENT, ("additional_staking_rewards", str(staking)))
        self._to_fee_collector(ctx, p.mint_denom, staking)

    def _to_fee_collector(self, ctx: Context, denom: str, amount: int) -> None:
        if amount:
            self.bank.send_module_to_module(
                ctx, MODULE, FEE_COLLECTOR, Coins([Coin(denom, amount)])
            )


__all__ = ["EVENT", "MINTER", "MODULE", "PARAMS", "STORE_KEY", "MintKeeper", "MintStop"]
