"""What x/policy needs from other modules (the SDK's expected keepers)."""

from __future__ import annotations

from typing import Protocol

from zrchain.context import Context


class GenericGrants(Protocol):
    """x/authz, for MsgAddMultiGrant / MsgRemoveMultiGrant: its msg server's Grant of a
    GenericAuthorization without expiration, and its Revoke."""

    def grant_generic(
        self, ctx: Context, granter: str, grantee: str, msg_type_url: str
    ) -> None: ...

    def revoke(self, ctx: Context, granter: str, grantee: str, msg_type_url: str) -> None: ...
