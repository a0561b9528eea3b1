"""What x/feegrant needs from other modules (the SDK's expected keepers)."""

from __future__ import annotations

from typing import Any, Protocol

from zrchain.context import Context


class Accounts(Protocol):
    """x/auth: a grantee without an account gets one when a grant is made."""

    def has_account(self, ctx: Context, addr: bytes) -> bool: ...

    def new_account(self, ctx: Context, addr: bytes) -> Any: ...
