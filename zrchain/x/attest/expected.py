"""What x/attest needs from other modules (satisfied by their keepers)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Protocol

from zrchain.context import Context


class TreasuryParams(Protocol):
    def params(self, ctx: Context) -> Any: ...  # treasury Params | None (zr_sign_address)


class ValidatorKeys(Protocol):
    def validators(self, ctx: Context) -> Iterator[tuple[bytes, int]]: ...
