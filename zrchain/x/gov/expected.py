"""What x/gov needs from other modules (the SDK's expected keepers)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Protocol

from zrchain.codec.coins import Coins
from zrchain.context import Context
from zrchain.x.validation.types import Validator


class GovBank(Protocol):
    def send_to_module(self, ctx: Context, from_addr: bytes, module: str, coins: Coins) -> None: ...
    def send_from_module(self, ctx: Context, module: str, to_addr: bytes, coins: Coins) -> None: ...
    def burn_coins(self, ctx: Context, module: str, coins: Coins) -> None: ...


class GovAccounts(Protocol):
    def get_module_account(self, ctx: Context, name: str) -> object: ...


class GovStaking(Protocol):
    """The tally's view of x/validation: bonded stake and who delegated it."""

    def bonded_validators_by_power(self, ctx: Context) -> Iterator[Validator]: ...
    def delegator_delegations(self, ctx: Context, del_addr: bytes) -> Iterator[Any]: ...
    def total_bonded_tokens(self, ctx: Context) -> int: ...


__all__ = ["GovAccounts", "GovBank", "GovStaking"]
