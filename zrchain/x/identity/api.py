"""What other modules use of identity (treasury's ``expected.IdentityAccess``): look-ups,
default policies and the zrSign workspace scheme (docs/identity-policy.md,
*zrSign workspaces*)."""

from __future__ import annotations

from zrchain.chains.errors import ChainDataError
from zrchain.chains.evm import normalize_owner
from zrchain.codec.gen.zrchain.identity import keyring_pb2, workspace_pb2
from zrchain.context import Context
from zrchain.errors import PlainError
from zrchain.x.identity.keeper import IdentityKeeper as Store
from zrchain.x.identity.types import ErrNotFound
from zrchain.x.policy.policies import AnyInGroup, any_in_group
from zrchain.x.policy.types import collections_not_found

ZRSIGN_PAGE = 100  # zrChain reads one default page of the creator's workspaces


def normalize_ext_address(ext: str) -> str:
    """An external owner by the one rule (``zrchain.chains.evm.normalize_owner``)."""
    try:
        return normalize_owner(ext)
    except ChainDataError as exc:
        raise PlainError(str(exc)) from None


class IdentityAPI:
    def __init__(self, keeper: Store) -> None:
        self.k = keeper

    def get_workspace(self, ctx: Context, addr: str) -> workspace_pb2.Workspace | None:
        return self.k.get_workspace(ctx, addr)

    def get_keyring(self, ctx: Context, addr: str) -> keyring_pb2.Keyring | None:
        return self.k.get_keyring(ctx, addr)

    def any_owner_policy(self, ctx: Context, workspace_addr: str) -> AnyInGroup:
        ws = self.k.get_workspace(ctx, workspace_addr)
        if ws is None:
            raise collections_not_found(workspace_addr, "zrchain.identity.Workspace")
        return any_in_group(list(ws.owners))

    def create_workspace(self, ctx: Context, ws: workspace_pb2.Workspace) -> str:
        return self.k.create_workspace(ctx, ws)

    def get_zr_sign_workspace(
        self, ctx: Context, ext_address: str, wallet_type: int
    ) -> workspace_pb2.Workspace:
        ext = normalize_ext_address(ext_address)
        alias = str(wallet_type)
        listed = self.k.workspaces_by_creator(ctx, ext, ZRSIGN_PAGE)
        if not listed:
            parent = workspace_pb2.Workspace(creator=ext, owners=[ext])
            self.k.create_workspace(ctx, parent)
        else:
            parent = next((w for w in listed if w.child_workspaces), listed[0])
        for child_addr in parent.child_workspaces:
            child = self.k.get_workspace(ctx, child_addr)
            if child is None:
                raise ErrNotFound.wrap(f"child workspace {parent.address} not found")
            if child.alias == alias:
                return child
        child = workspace_pb2.Workspace(
            creator=ext,
            owners=[ext],
            admin_policy_id=parent.admin_policy_id,
            sign_policy_id=parent.sign_policy_id,
            alias=alias,
        )
        self.k.create_workspace(ctx, child)
        parent.child_workspaces.append(child.address)
        self.k.set_workspace(ctx, parent)
        return child

    def get_zr_sign_workspaces(
        self, ctx: Context, ext_address: str, wallet_type: str
    ) -> dict[str, str]:
        ext = normalize_ext_address(ext_address)
        with_children = [w for w in self.k.workspaces_by_creator(ctx, ext) if w.child_workspaces]
        if not with_children:
            raise PlainError("no workspaces")
        parent = with_children[0]
        out: dict[str, str] = {}
        for child_addr in parent.child_workspaces:
            child = self.k.get_workspace(ctx, child_addr)
            if child is None:
                raise ErrNotFound.wrap(f"child workspace {parent.address} not found")
            if wallet_type and child.alias != wallet_type:
                continue
            out[child.alias] = child.address
        return out
