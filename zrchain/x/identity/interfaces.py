"""The narrow interface treasury (and zrSign ingestion) use to read identity state.

Implemented by ``api.IdentityAPI``; obtain it as ``IdentityModule.api``.
"""

from __future__ import annotations

from typing import Protocol

from zrchain.codec.gen.zrchain.identity import keyring_pb2, workspace_pb2
from zrchain.context import Context
from zrchain.x.policy.policies import AnyInGroup


class IdentityKeeper(Protocol):
    def get_workspace(self, ctx: Context, addr: str) -> workspace_pb2.Workspace | None:
        """The workspace at ``addr``, or None."""
        ...

    def get_keyring(self, ctx: Context, addr: str) -> keyring_pb2.Keyring | None:
        """The keyring at ``addr``, or None (treasury also rejects inactive ones)."""
        ...

    def any_owner_policy(self, ctx: Context, workspace_addr: str) -> AnyInGroup:
        """The generated default policy of a workspace: any one of its current owners
        (zrChain's PolicyNewKeyRequest, PolicyNewSignatureRequest, ... all return this).
        Raises a ChainError when the workspace does not exist."""
        ...

    def create_workspace(self, ctx: Context, ws: workspace_pb2.Workspace) -> str:
        """Store a new workspace under the next derived address; returns the address."""
        ...

    def get_zr_sign_workspace(
        self, ctx: Context, ext_address: str, wallet_type: int
    ) -> workspace_pb2.Workspace:
        """The zrSign child workspace of ``ext_address`` for ``wallet_type`` (identity.md
        §8), creating the parent and/or child when missing."""
        ...

    def get_zr_sign_workspaces(
        self, ctx: Context, ext_address: str, wallet_type: str
    ) -> dict[str, str]:
        """alias (wallet type) -> child workspace address of ``ext_address``'s zrSign
        parent; only ``wallet_type`` when non-empty. Raises when there is none."""
        ...
