"""The only code that touches the bank store.

Layout under ``bank/``: ``0x00 | denom`` -> total supply, ``0x02 | len(addr) | addr | denom``
-> balance (decimal string, as the SDK stores math.Int), ``0x01 | denom`` -> denom
metadata, ``0x05`` -> Params.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from cosmpy.protos.cosmos.bank.v1beta1 import bank_pb2
from cosmpy.protos.cosmos.base.query.v1beta1.pagination_pb2 import PageRequest, PageResponse
from cosmpy.protos.cosmos.base.v1beta1.coin_pb2 import Coin as CoinProto

from zrchain.codec.address import acc_string
from zrchain.codec.coins import Coin, Coins
from zrchain.context import Context
from zrchain.errors import ErrInsufficientFunds, ErrInvalidCoins, ErrUnauthorized, register
from zrchain.store.kv import iterate_prefix
from zrchain.x.auth.keeper import AccountKeeper
from zrchain.x.pagination import paginate

STORE_KEY = "bank"
SUPPLY_PREFIX = b"\x00"
METADATA_PREFIX = b"\x01"
BALANCE_PREFIX = b"\x02"
_PARAMS = b"\x05"

ErrSendDisabled = register("bank", 5, "send transactions are disabled")
ErrNoInputs = register("bank", 2, "no inputs to send transaction")
ErrNoOutputs = register("bank", 3, "no outputs to send transaction")
ErrInputOutputMismatch = register("bank", 4, "sum inputs != sum outputs")
ErrDenomMetadataNotFound = register("bank", 6, "client denom metadata not found")
ErrMultipleSenders = register("bank", 10, "multiple senders not allowed")

MINTER, BURNER = "minter", "burner"


_LENGTH_PREFIXED = [BALANCE_PREFIX + bytes((n,)) for n in range(256)]


def balance_key(addr: bytes, denom: str = "") -> bytes:
    n = len(addr)
    head = _LENGTH_PREFIXED[n] if n < 256 else BALANCE_PREFIX + bytes([n])  # raises past 255
    return head + addr + denom.encode()


def _coin(denom: bytes, amount: bytes) -> CoinProto | None:
    return CoinProto(denom=denom.decode(), amount=amount.decode()) if amount else None


_DEFAULT_PARAMS = bank_pb2.Params(default_send_enabled=True)


class BankKeeper:
    def __init__(self, accounts: AccountKeeper) -> None:
        self.accounts = accounts
        self._params_cache: tuple[bytes, Any] | None = None
        self._send_flags: tuple[Any, dict[str, bool], bool] | None = None

    # -- reads -----------------------------------------------------------------------
    def balance(self, ctx: Context, addr: bytes, denom: str) -> int:
        raw = ctx.store(STORE_KEY).get(balance_key(addr, denom))
        return int(raw) if raw else 0

    def all_balances(self, ctx: Context, addr: bytes) -> Coins:
        prefix = balance_key(addr)
        n = len(prefix)
        return Coins(
            Coin(k[n:].decode(), int(v))
            for k, v in iterate_prefix(ctx.store(STORE_KEY), prefix)
            if v and int(v)
        )

    def spendable(self, ctx: Context, addr: bytes) -> Coins:
        return self.all_balances(ctx, addr)

    def supply(self, ctx: Context, denom: str) -> int:
        raw = ctx.store(STORE_KEY).get(SUPPLY_PREFIX + denom.encode())
        return int(raw) if raw else 0

    def iterate_supply(self, ctx: Context) -> Iterator[Coin]:
        for k, v in iterate_prefix(ctx.store(STORE_KEY), SUPPLY_PREFIX):
            yield Coin(k[1:].decode(), int(v))

    def balances_page(
        self, ctx: Context, addr: bytes, page: PageRequest | None
    ) -> tuple[list[CoinProto], PageResponse]:
        """One page of an account's balances, by denom (the SDK's pagination)."""
        return paginate(ctx.store(STORE_KEY), balance_key(addr), page, _coin)

    def supply_page(
        self, ctx: Context, page: PageRequest | None
    ) -> tuple[list[CoinProto], PageResponse]:
        return paginate(ctx.store(STORE_KEY), SUPPLY_PREFIX, page, _coin)

    # -- writes ----------------------------------------------------------------------
    def _set_balance(self, ctx: Context, addr: bytes, denom: str, amount: int) -> None:
        key = balance_key(addr, denom)
        if amount:
            ctx.store(STORE_KEY).set(key, str(amount).encode())
        else:
            ctx.store(STORE_KEY).delete(key)

    def _set_supply(self, ctx: Context, denom: str, amount: int) -> None:
        key = SUPPLY_PREFIX + denom.encode()
        if amount:
            ctx.store(STORE_KEY).set(key, str(amount).encode())
        else:
            ctx.store(STORE_KEY).delete(key)

    def sub_coins(
        self, ctx: Context, addr: bytes, coins: Coins, addr_str: str = "", amount: str = ""
    ) -> None:
        """``amount`` is ``str(coins)`` when the caller has it already."""
        for c in coins:
            have = self.balance(ctx, addr, c.denom)
            if have < c.amount:
                raise ErrInsufficientFunds.wrap(
                    f"spendable balance {have}{c.denom} is smaller than {c}"
                )
            self._set_balance(ctx, addr, c.denom, have - c.amount)
        if coins and ctx.records_events:
            ctx.emit(
                "coin_spent",
                ("spender", addr_str or acc_string(addr)),
                ("amount", amount or str(coins)),
            )

    def add_coins(
        self, ctx: Context, addr: bytes, coins: Coins, addr_str: str = "", amount: str = ""
    ) -> None:
        for c in coins:
            self._set_balance(ctx, addr, c.denom, self.balance(ctx, addr, c.denom) + c.amount)
        if coins and ctx.records_events:
            ctx.emit(
                "coin_received",
                ("receiver", addr_str or acc_string(addr)),
                ("amount", amount or str(coins)),
            )

    def send_coins(
        self,
        ctx: Context,
        from_addr: bytes,
        to_addr: bytes,
        coins: Coins,
        from_str: str = "",
        to_str: str = "",
    ) -> None:
        """Move coins; creates the recipient's account if needed (SDK SendCoins)."""
        amount = ""
        if ctx.records_events:
            from_str = from_str or acc_string(from_addr)
            to_str = to_str or acc_string(to_addr)
            amount = str(coins)
        self.sub_coins(ctx, from_addr, coins, from_str, amount)
        self.add_coins(ctx, to_addr, coins, to_str, amount)
        if not self.accounts.has_account(ctx, to_addr):
            self.accounts.new_account(ctx, to_addr)
        if not ctx.records_events:
            return
        ctx.emit("transfer", ("recipient", to_str), ("sender", from_str), ("amount", amount))
        ctx.emit("message", ("sender", from_str))

    def send_to_module(
        self, ctx: Context, from_addr: bytes, module: str, coins: Coins, from_str: str = ""
    ) -> None:
        to_str = self.accounts.module_account_address(ctx, module)
        to = self.accounts.module_address(module)
        self.send_coins(ctx, from_addr, to, coins, from_str, to_str)

    def send_from_module(self, ctx: Context, module: str, to_addr: bytes, coins: Coins) -> None:
        self.accounts.get_module_account(ctx, module)
        self.send_coins(ctx, self.accounts.module_address(module), to_addr, coins)

    def send_module_to_module(self, ctx: Context, src: str, dst: str, coins: Coins) -> None:
        self.accounts.get_module_account(ctx, src)
        dst_acc = self.accounts.get_module_account(ctx, dst)
        self.send_coins(
            ctx,
            self.accounts.module_address(src),
            self.accounts.module_address(dst),
            coins,
            to_str=dst_acc.address,
        )

    def mint_coins(self, ctx: Context, module: str, coins: Coins) -> None:
        acc = self.accounts.get_module_account(ctx, module)
        if acc.module is not None and MINTER not in acc.module.permissions:
            raise ErrUnauthorized.wrap(
                f"module account {module} does not have permissions to mint tokens"
            )
        addr = self.accounts.module_address(module)
        self.add_coins(ctx, addr, coins)
        for c in coins:
            self._set_supply(ctx, c.denom, self.supply(ctx, c.denom) + c.amount)
        ctx.emit("coinbase", ("minter", acc.address), ("amount", str(coins)))

    def burn_coins(self, ctx: Context, module: str, coins: Coins) -> None:
        acc = self.accounts.get_module_account(ctx, module)
        if acc.module is not None and BURNER not in acc.module.permissions:
            raise ErrUnauthorized.wrap(
                f"module account {module} does not have permissions to burn tokens"
            )
        addr = self.accounts.module_address(module)
        self.sub_coins(ctx, addr, coins)
        for c in coins:
            self._set_supply(ctx, c.denom, self.supply(ctx, c.denom) - c.amount)
        ctx.emit("burn", ("burner", acc.address), ("amount", str(coins)))

    # -- genesis helpers ---------------------------------------------------------------
    def init_balance(self, ctx: Context, addr: bytes, coins: Iterable[Coin]) -> None:
        for c in coins:
            if c.amount < 0:
                raise ErrInvalidCoins.wrap(f"negative balance {c}")
            self._set_balance(ctx, addr, c.denom, self.balance(ctx, addr, c.denom) + c.amount)

    def set_supply(self, ctx: Context, coin: Coin) -> None:
        self._set_supply(ctx, coin.denom, coin.amount)

    def iterate_balances(self, ctx: Context) -> Iterator[tuple[bytes, Coin]]:
        store = ctx.store(STORE_KEY)
        for k, v in iterate_prefix(store, BALANCE_PREFIX):
            n = k[1]
            yield k[2 : 2 + n], Coin(k[2 + n :].decode(), int(v))

    def params(self, ctx: Context) -> Any:
        """Read through the store (gas charged), parsed once per value; do not mutate."""
        raw = ctx.store(STORE_KEY).get(_PARAMS)
        if raw is None:
            return _DEFAULT_PARAMS
        cached = self._params_cache
        if cached is None or cached[0] != raw:
            cached = self._params_cache = (raw, bank_pb2.Params.FromString(raw))
        return cached[1]

    def set_params(self, ctx: Context, params: Any) -> None:
        ctx.store(STORE_KEY).set(_PARAMS, params.SerializeToString())

    def send_enabled(self, ctx: Context, denom: str) -> bool:
        p = self.params(ctx)
        flags = self._send_flags
        if flags is None or flags[0] is not p:  # the params' flags, read once per value
            by_denom: dict[str, bool] = {}
            for se in p.send_enabled:
                by_denom.setdefault(se.denom, bool(se.enabled))  # the first entry decides
            flags = self._send_flags = (p, by_denom, bool(p.default_send_enabled))
        return flags[1].get(denom, flags[2])

    def denom_metadata(self, ctx: Context, denom: str) -> Any | None:
        raw = ctx.store(STORE_KEY).get(METADATA_PREFIX + denom.encode())
        return None if raw is None else bank_pb2.Metadata.FromString(raw)

    def set_denom_metadata(self, ctx: Context, md: Any) -> None:
        ctx.store(STORE_KEY).set(METADATA_PREFIX + md.base.encode(), md.SerializeToString())

    def iterate_metadata(self, ctx: Context) -> Iterator[Any]:
        for _, v in iterate_prefix(ctx.store(STORE_KEY), METADATA_PREFIX):
            yield bank_pb2.Metadata.FromString(v)
