"""What x/distribution needs from other modules (the SDK's expected keepers)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Protocol

from zrchain.codec.coins import Coins
from zrchain.context import Context
from zrchain.x.validation.types import Validator


class DistributionStaking(Protocol):
    """What x/distribution reads of x/validation (its keeper satisfies it)."""

    def validator(self, ctx: Context, val_addr: bytes) -> Validator | None: ...
    def validator_by_cons_addr(self, ctx: Context, cons_addr: bytes) -> Validator | None: ...
    def delegation(self, ctx: Context, del_addr: bytes, val_addr: bytes) -> Any: ...
    def delegator_delegations(self, ctx: Context, del_addr: bytes) -> Iterator[Any]: ...
    def iterate_validators(self, ctx: Context) -> Iterator[Validator]: ...
    def iterate_delegations(self, ctx: Context) -> Iterator[tuple[bytes, bytes, Any]]: ...
    def bond_denom(self, ctx: Context) -> str: ...


class DistributionAccounts(Protocol):
    def get_module_account(self, ctx: Context, name: str) -> Any: ...


class DistributionBank(Protocol):
    def all_balances(self, ctx: Context, addr: bytes) -> Coins: ...
    def send_coins(
        self,
        ctx: Context,
        from_addr: bytes,
        to_addr: bytes,
        coins: Coins,
        from_str: str = "",
        to_str: str = "",
    ) -> None: ...
    def send_to_module(
        self, ctx: Context, from_addr: bytes, module: str, coins: Coins, from_str: str = ""
    ) -> None: ...
    def send_from_module(self, ctx: Context, module: str, to_addr: bytes, coins: Coins) -> None: ...
    def send_module_to_module(self, ctx: Context, src: str, dst: str, coins: Coins) -> None: ...
