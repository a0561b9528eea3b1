"""What x/validation needs from other modules (the SDK's expected keepers)."""

from __future__ import annotations

from typing import Any, Protocol

from zrchain.codec.coins import Coins
from zrchain.context import Context


class StakingBank(Protocol):
    """x/bank: stake moves between accounts and the two pool module accounts; slashing
    burns from the pools."""

    def balance(self, ctx: Context, addr: bytes, denom: str) -> int: ...
    def send_to_module(
        self, ctx: Context, from_addr: bytes, module: str, coins: Coins, from_str: str = ""
    ) -> None: ...
    def send_from_module(self, ctx: Context, module: str, to_addr: bytes, coins: Coins) -> None: ...
    def send_module_to_module(self, ctx: Context, src: str, dst: str, coins: Coins) -> None: ...
    def burn_coins(self, ctx: Context, module: str, coins: Coins) -> None: ...


class StakingAccounts(Protocol):
    """x/auth: the pools' module account addresses."""

    def module_address(self, name: str) -> bytes: ...
    def get_module_account(self, ctx: Context, name: str) -> Any: ...
