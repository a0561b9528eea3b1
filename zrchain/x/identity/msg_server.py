"""zrchain.identity.Msg (docs/identity-policy.md).

Workspace changes (add/remove owner, append/new child, update) are policy-gated under the
workspace's *admin* policy (``PolicyGate``, declared in ``__init__``): the handler
pre-checks and submits the Msg to the policy engine, which runs the ``_exec_*`` step at
once if the policy is already satisfied, or in the ``MsgApproveAction`` that satisfies it.
Keyring Msgs act directly.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from zrchain import module
from zrchain.codec.address import canonical_account, zr_account_bytes
from zrchain.codec.coins import Coin, Coins
from zrchain.codec.gen.zrchain.identity import keyring_pb2, tx_pb2, workspace_pb2
from zrchain.context import Context
from zrchain.errors import ErrInvalidAddress, ErrInvalidRequest, PlainError
from zrchain.module import validate_basic
from zrchain.x.identity.expected import KeyringFees, PolicyGates
from zrchain.x.identity.keeper import IdentityKeeper
from zrchain.x.identity.types import (
    EVENT_ADD_OWNER,
    EVENT_NEW_WORKSPACE,
    EVENT_OWNER_ADDED,
    FEE_DENOM,
    GOV_AUTHORITY,
    KEYRING_COLLECTOR,
    ErrInactive,
    ErrInvalidArgument,
    ErrInvalidSigner,
    ErrNotFound,
    account_error,
    check_account,
    check_keyring,
    check_workspace,
)
from zrchain.x.policy.gate import PolicyGate
from zrchain.x.policy.policies import AnyInGroup, any_in_group
from zrchain.x.policy.types import collections_not_found

MAX_DESCRIPTION = 255
MAX_ADDITIONAL_OWNERS = 100  # ours: zrChain has no cap (its duplicate check is quadratic)


# -- ValidateBasic ---------------------------------------------------------------------------
def validate_update_params(msg: tx_pb2.MsgUpdateParams) -> None:
    err = account_error(msg.authority)
    if err is not None:
        raise PlainError(f"invalid authority address: {err}")


def validate_new_workspace(msg: tx_pb2.MsgNewWorkspace) -> None:
    check_account(msg.creator, "creator")
    if len(msg.additional_owners) > MAX_ADDITIONAL_OWNERS:
        raise ErrInvalidRequest.wrap(
            f"too many additional owners: {len(msg.additional_owners)} > {MAX_ADDITIONAL_OWNERS}"
        )
    for owner in msg.additional_owners:
        err = account_error(owner)
        if err is not None:
            raise ErrInvalidAddress.wrap(f"invalid address for additional owner {owner} ({err})")


def validate_add_owner(msg: tx_pb2.MsgAddWorkspaceOwner) -> None:
    check_account(msg.creator, "creator")
    check_workspace(msg.workspace_addr)
    check_account(msg.new_owner, "owner")


def validate_append_child(msg: tx_pb2.MsgAppendChildWorkspace) -> None:
    check_account(msg.creator, "creator")
    check_workspace(msg.parent_workspace_addr, "parent workspace")
    check_workspace(msg.child_workspace_addr, "child workspace")


def validate_new_child(msg: tx_pb2.MsgNewChildWorkspace) -> None:
    check_account(msg.creator, "creator")
    check_workspace(msg.parent_workspace_addr, "parent workspace")


def validate_remove_owner(msg: tx_pb2.MsgRemoveWorkspaceOwner) -> None:
    check_account(msg.creator, "creator")
    check_account(msg.owner, "creator")  # sic: zrChain's text names the creator here
    check_workspace(msg.workspace_addr)


def validate_update_workspace(msg: tx_pb2.MsgUpdateWorkspace) -> None:
    check_account(msg.creator, "creator")
    check_workspace(msg.workspace_addr)


def _check_description(text: str) -> None:
    if len(text.encode()) > MAX_DESCRIPTION:
        raise ErrInvalidRequest.wrap("invalid description, max len is 255")


def validate_new_keyring(msg: tx_pb2.MsgNewKeyring) -> None:
    check_account(msg.creator, "creator")
    _check_description(msg.description)


def validate_add_party(msg: tx_pb2.MsgAddKeyringParty) -> None:
    check_account(msg.creator, "creator")
    check_keyring(msg.keyring_addr)
    check_account(msg.party, "party")


def validate_update_keyring(msg: tx_pb2.MsgUpdateKeyring) -> None:
    check_account(msg.creator, "creator")
    check_keyring(msg.keyring_addr)
    _check_description(msg.description)


def validate_remove_party(msg: tx_pb2.MsgRemoveKeyringParty) -> None:
    check_account(msg.creator, "creator")
    check_account(msg.party, "party")
    check_keyring(msg.keyring_addr)


def validate_add_admin(msg: tx_pb2.MsgAddKeyringAdmin) -> None:
    check_account(msg.creator, "creator")
    check_keyring(msg.keyring_addr)
    check_account(msg.admin, "admin")


def validate_remove_admin(msg: tx_pb2.MsgRemoveKeyringAdmin) -> None:
    check_account(msg.creator, "creator")
    check_account(msg.admin, "admin")
    check_keyring(msg.keyring_addr)


def validate_keyring_only(msg: tx_pb2.MsgDeactivateKeyring) -> None:
    check_account(msg.creator, "creator")
    check_keyring(msg.keyring_addr)


class IdentityMsgServer(module.MsgServer):
    descriptor = tx_pb2.DESCRIPTOR.services_by_name["Msg"]

    def __init__(self, keeper: IdentityKeeper, engine: PolicyGates, bank: KeyringFees) -> None:
        self.k = keeper
        self.engine = engine
        self.bank = bank
        t = tx_pb2
        ws, parent = self._admins("workspace_addr"), self._admins("parent_workspace_addr")
        engine.declare(
            PolicyGate(t.MsgAddWorkspaceOwner, self._exec_add_owner, ws),
            PolicyGate(t.MsgRemoveWorkspaceOwner, self._exec_remove_owner, ws),
            PolicyGate(t.MsgAppendChildWorkspace, self._exec_append_child, parent),
            PolicyGate(t.MsgNewChildWorkspace, self._exec_new_child, parent),
            PolicyGate(t.MsgUpdateWorkspace, self._exec_update_workspace, ws),
        )

    # -- policy plumbing -----------------------------------------------------------------------
    def _admins(self, field: str) -> Callable[[Context, Any], AnyInGroup]:
        """zrChain's generated policy of a workspace action: any one of the owners of the
        workspace the Msg's ``field`` names (read when the policy is evaluated)."""

        def policy(ctx: Context, msg: Any) -> AnyInGroup:
            addr = getattr(msg, field)
            ws = self.k.get_workspace(ctx, addr)
            if ws is None:
                raise collections_not_found(addr, "zrchain.identity.Workspace")
            return any_in_group(list(ws.owners))

        return policy

    # -- params ----------------------------------------------------------------------------------
    @validate_basic(validate_update_params)
    def update_params(
        self, ctx: Context, msg: tx_pb2.MsgUpdateParams
    ) -> tx_pb2.MsgUpdateParamsResponse:
        if msg.authority != GOV_AUTHORITY:
            raise ErrInvalidSigner.wrap(
                f"invalid authority; expected {GOV_AUTHORITY}, got {msg.authority}"
            )
        self.k.set_params(ctx, msg.params)
        return tx_pb2.MsgUpdateParamsResponse()

    # -- workspaces --------------------------------------------------------------------------------
    @validate_basic(validate_new_workspace)
    def new_workspace(
        self, ctx: Context, msg: tx_pb2.MsgNewWorkspace
    ) -> tx_pb2.MsgNewWorkspaceResponse:
        owners = [msg.creator]
        seen = {msg.creator}
        for owner in map(canonical_account, msg.additional_owners):
            if owner in seen:
                raise ErrInvalidArgument.wrap(f"owner {owner} already is owner")
            seen.add(owner)
            owners.append(owner)
        self.engine.policy_members_are_owners(ctx, msg.admin_policy_id, owners)
        self.engine.policy_members_are_owners(ctx, msg.sign_policy_id, owners)
        ws = workspace_pb2.Workspace(
            creator=msg.creator,
            owners=owners,
            admin_policy_id=msg.admin_policy_id,
            sign_policy_id=msg.sign_policy_id,
        )
        addr = self.k.create_workspace(ctx, ws)
        ctx.emit(EVENT_NEW_WORKSPACE, ("workspace_addr", addr))
        return tx_pb2.MsgNewWorkspaceResponse(addr=addr)

    @validate_basic(validate_add_owner)
    def add_workspace_owner(
        self, ctx: Context, msg: tx_pb2.MsgAddWorkspaceOwner
    ) -> tx_pb2.MsgAddWorkspaceOwnerResponse:
        msg.new_owner = canonical_account(msg.new_owner)  # also in the stored action
        ws = self.k.get_workspace(ctx, msg.workspace_addr)
        if ws is None:
            raise ErrNotFound.wrap(f"workspace {msg.workspace_addr} not found")
        if msg.creator not in ws.owners:
            raise ErrInvalidArgument.wrap(f"tx creator {msg.creator} is not owner of the workspace")
        if msg.new_owner in ws.owners:
            raise ErrInvalidArgument.wrap(
                f"new owner {msg.creator} is already an owner of the workspace"
            )

        def event(action_id: int) -> None:
            ctx.emit(EVENT_ADD_OWNER, ("action_id", str(action_id)))

        return self.engine.submit(
            ctx, msg, policy_id=ws.admin_policy_id, btl=msg.btl, owners=ws.owners, on_action=event
        )

    def _exec_add_owner(
        self, ctx: Context, msg: tx_pb2.MsgAddWorkspaceOwner
    ) -> tx_pb2.MsgAddWorkspaceOwnerResponse:
        ws = self.k.get_workspace(ctx, msg.workspace_addr)
        if ws is None:
            raise ErrNotFound.wrap(f"workspace {msg.workspace_addr} not found")
        if msg.new_owner in ws.owners:
            raise ErrInvalidArgument.wrap(f"owner {msg.new_owner} already is owner")
        ws.owners.append(msg.new_owner)
        self.k.set_workspace(ctx, ws)
        ctx.emit(
            EVENT_OWNER_ADDED,
            ("workspace_addr", msg.workspace_addr),
            ("owner_addr", msg.new_owner),
        )
        return tx_pb2.MsgAddWorkspaceOwnerResponse()

    @validate_basic(validate_append_child)
    def append_child_workspace(
        self, ctx: Context, msg: tx_pb2.MsgAppendChildWorkspace
    ) -> tx_pb2.MsgAppendChildWorkspaceResponse:
        child = self.k.get_workspace(ctx, msg.child_workspace_addr)
        if child is None:
            raise ErrNotFound.wrap(f"child workspace {msg.child_workspace_addr} not found")
        parent = self.k.get_workspace(ctx, msg.parent_workspace_addr)
        if parent is None:
            raise ErrNotFound.wrap(f"parent workspace {msg.parent_workspace_addr} not found")
        if msg.creator not in parent.owners:
            raise ErrInvalidArgument.wrap(
                f"creator {msg.creator} is not an owner of the parent workspace "
                f"{msg.parent_workspace_addr}"
            )
        if msg.creator not in child.owners:
            raise ErrInvalidArgument.wrap(
                f"creator {msg.creator} is not an owner of the child workspace "
                f"{msg.child_workspace_addr}"
            )
        if msg.child_workspace_addr in parent.child_workspaces:
            raise ErrInvalidArgument.wrap(
                f"new child is already a child workspace {msg.child_workspace_addr}"
            )
        return self.engine.submit(
            ctx, msg, policy_id=parent.admin_policy_id, btl=msg.btl, owners=parent.owners
        )

    def _exec_append_child(
        self, ctx: Context, msg: tx_pb2.MsgAppendChildWorkspace
    ) -> tx_pb2.MsgAppendChildWorkspaceResponse:
        if self.k.get_workspace(ctx, msg.child_workspace_addr) is None:
            raise ErrNotFound.wrap(f"child workspace {msg.child_workspace_addr} not found")
        parent = self.k.get_workspace(ctx, msg.parent_workspace_addr)
        if parent is None:
            raise ErrNotFound.wrap(f"parent workspace {msg.parent_workspace_addr} not found")
        parent.child_workspaces.append(msg.child_workspace_addr)
        self.k.set_workspace(ctx, parent)
        return tx_pb2.MsgAppendChildWorkspaceResponse()

    @validate_basic(validate_new_child)
    def new_child_workspace(
        self, ctx: Context, msg: tx_pb2.MsgNewChildWorkspace
    ) -> tx_pb2.MsgNewChildWorkspaceResponse:
        parent = self.k.get_workspace(ctx, msg.parent_workspace_addr)
        if parent is None:
            raise ErrInvalidArgument.wrap(f"parent workspace {msg.parent_workspace_addr} not found")
        if msg.creator not in parent.owners:
            raise ErrInvalidArgument.wrap(
                f"creator {msg.creator} is not an owner of the workspace "
                f"{msg.parent_workspace_addr}"
            )
        return self.engine.submit(
            ctx, msg, policy_id=parent.admin_policy_id, btl=msg.btl, owners=parent.owners
        )

    def _exec_new_child(
        self, ctx: Context, msg: tx_pb2.MsgNewChildWorkspace
    ) -> tx_pb2.MsgNewChildWorkspaceResponse:
        parent = self.k.get_workspace(ctx, msg.parent_workspace_addr)
        if parent is None:
            raise ErrInvalidArgument.wrap(f"parent workspace {msg.parent_workspace_addr} not found")
        child = workspace_pb2.Workspace(
            creator=msg.creator,
            owners=[msg.creator],
            admin_policy_id=parent.admin_policy_id,
            sign_policy_id=parent.sign_policy_id,
        )
        addr = self.k.create_workspace(ctx, child)
        parent.child_workspaces.append(addr)
        self.k.set_workspace(ctx, parent)
        return tx_pb2.MsgNewChildWorkspaceResponse(address=addr)

    @validate_basic(validate_remove_owner)
    def remove_workspace_owner(
        self, ctx: Context, msg: tx_pb2.MsgRemoveWorkspaceOwner
    ) -> tx_pb2.MsgRemoveWorkspaceOwnerResponse:
        msg.owner = canonical_account(msg.owner)  # also in the stored action
        ws = self.k.get_workspace(ctx, msg.workspace_addr)
        if ws is None:
            raise ErrNotFound.wrap(f"workspace {msg.workspace_addr} not found")
        if msg.creator not in ws.owners:
            raise ErrInvalidArgument.wrap(
                f"creator {msg.creator} is not a creator of the workspace"
            )
        if msg.owner not in ws.owners:
            raise ErrInvalidArgument.wrap(
                f"owner {msg.owner} is not an owner of the workspace {msg.workspace_addr}"
            )
        for pid in (ws.sign_policy_id, ws.admin_policy_id):
            if pid > 0 and msg.owner in self.engine.get_policy_participants(ctx, pid):
                raise ErrInvalidArgument.wrap(
                    f"user {msg.owner} is used in signpolicy of workspace {msg.workspace_addr}"
                )
        return self.engine.submit(
            ctx, msg, policy_id=ws.admin_policy_id, btl=msg.btl, owners=ws.owners
        )

    def _exec_remove_owner(
        self, ctx: Context, msg: tx_pb2.MsgRemoveWorkspaceOwner
    ) -> tx_pb2.MsgRemoveWorkspaceOwnerResponse:
        ws = self.k.get_workspace(ctx, msg.workspace_addr)
        if ws is None:
            raise ErrNotFound.wrap(f"workspace {msg.workspace_addr} not found")
        if msg.owner not in ws.owners:
            raise ErrInvalidArgument.wrap(
                f"creator {msg.owner} is not an owner of the child workspace"
            )
        if len(ws.owners) == 1:
            raise ErrInvalidArgument.wrap(f"cannot remove last owner {msg.owner}")
        ws.owners.remove(msg.owner)
        self.k.set_workspace(ctx, ws)
        return tx_pb2.MsgRemoveWorkspaceOwnerResponse()

    @validate_basic(validate_update_workspace)
    def update_workspace(
        self, ctx: Context, msg: tx_pb2.MsgUpdateWorkspace
    ) -> tx_pb2.MsgUpdateWorkspaceResponse:
        ws = self.k.get_workspace(ctx, msg.workspace_addr)
        if ws is None:
            raise PlainError(f"workspace {msg.workspace_addr} not found")
        if msg.creator not in ws.owners:
            raise PlainError(
                f"creator {msg.creator} is not an owner of the workspace {msg.workspace_addr}"
            )
        if msg.admin_policy_id == ws.admin_policy_id and msg.sign_policy_id == ws.sign_policy_id:
            raise PlainError("no updates to the policies")
        self.engine.policy_members_are_owners(ctx, msg.admin_policy_id, list(ws.owners))
        self.engine.policy_members_are_owners(ctx, msg.sign_policy_id, list(ws.owners))
        return self.engine.submit(
            ctx, msg, policy_id=ws.admin_policy_id, btl=msg.btl, owners=ws.owners
        )

    def _exec_update_workspace(
        self, ctx: Context, msg: tx_pb2.MsgUpdateWorkspace
    ) -> tx_pb2.MsgUpdateWorkspaceResponse:
        ws = self.k.get_workspace(ctx, msg.workspace_addr)
        if ws is None:
            raise PlainError("workspace not found")
        if msg.admin_policy_id != ws.admin_policy_id:
            if msg.admin_policy_id and self.engine.get_policy(ctx, msg.admin_policy_id) is None:
                raise PlainError(f"admin policy {msg.admin_policy_id} not found")
            ws.admin_policy_id = msg.admin_policy_id
        if msg.sign_policy_id != ws.sign_policy_id:
            if msg.sign_policy_id and self.engine.get_policy(ctx, msg.sign_policy_id) is None:
                raise PlainError("sign policy not found")
            ws.sign_policy_id = msg.sign_policy_id
        self.k.set_workspace(ctx, ws)
        return tx_pb2.MsgUpdateWorkspaceResponse()

    # -- keyrings ----------------------------------------------------------------------------------
    def _keyring(self, ctx: Context, addr: str) -> keyring_pb2.Keyring:
        kr = self.k.get_keyring(ctx, addr)
        if kr is None:
            raise ErrNotFound.wrap(f"keyring {addr} not found")
        return kr

    @staticmethod
    def _active(kr: keyring_pb2.Keyring) -> None:
        if not kr.is_active:
            raise ErrInactive.wrap(f"keyring {kr.address} is not active")

    @staticmethod
    def _admin(kr: keyring_pb2.Keyring, creator: str) -> None:
        if creator not in kr.admins:
            raise ErrInvalidArgument.wrap(f"tx creator {creator} is not keyring admin")

    @validate_basic(validate_new_keyring)
    def new_keyring(
        self, ctx: Context, msg: tx_pb2.MsgNewKeyring
    ) -> tx_pb2.MsgNewKeyringResponse:
        params = self.k.params(ctx)
        if params is None:
            raise collections_not_found("params", "zrchain.identity.Params")
        fee = int(params.keyring_creation_fee)
        if fee > 0:
            try:
                payer = zr_account_bytes(msg.creator)
            except ValueError as exc:
                raise PlainError(str(exc)) from None
            self.bank.send_to_module(
                ctx, payer, KEYRING_COLLECTOR, Coins([Coin(FEE_DENOM, fee)]), msg.creator
            )
        kr = keyring_pb2.Keyring(
            creator=msg.creator,
            description=msg.description,
            admins=[msg.creator],
            party_threshold=msg.party_threshold,
            key_req_fee=msg.key_req_fee,
            sig_req_fee=msg.sig_req_fee,
            is_active=True,
            delegate_fees=msg.delegate_fees,
        )
        return tx_pb2.MsgNewKeyringResponse(addr=self.k.create_keyring(ctx, kr))

    @validate_basic(validate_add_party)
    def add_keyring_party(
        self, ctx: Context, msg: tx_pb2.MsgAddKeyringParty
    ) -> tx_pb2.MsgAddKeyringPartyResponse:
        msg.party = canonical_account(msg.party)
        kr = self._keyring(ctx, msg.keyring_addr)
        self._active(kr)
        if msg.party in kr.parties:
            raise ErrInvalidArgument.wrap(
                f"party {msg.party} is already a party of the keyring {msg.keyring_addr}"
            )
        self._admin(kr, msg.creator)
        kr.parties.append(msg.party)
        if msg.increase_threshold:
            kr.party_threshold = (kr.party_threshold + 1) & 0xFFFFFFFF
        if kr.party_threshold == 0:
            kr.party_threshold = 1
        self.k.set_keyring(ctx, kr)
        return tx_pb2.MsgAddKeyringPartyResponse()

    @validate_basic(validate_update_keyring)
    def update_keyring(
        self, ctx: Context, msg: tx_pb2.MsgUpdateKeyring
    ) -> tx_pb2.MsgUpdateKeyringResponse:
        kr = self._keyring(ctx, msg.keyring_addr)
        if msg.creator not in kr.admins:
            raise ErrInvalidArgument.wrap(
                "keyring updates must be performed by an admin - "
                f"{msg.creator} is not a keyring admin"
            )
        kr.key_req_fee = msg.key_req_fee
        kr.sig_req_fee = msg.sig_req_fee
        kr.is_active = msg.is_active
        kr.description = msg.description
        if 0 < msg.party_threshold <= len(kr.parties):
            kr.party_threshold = msg.party_threshold
        self.k.set_keyring(ctx, kr)
        return tx_pb2.MsgUpdateKeyringResponse()

    @validate_basic(validate_remove_party)
    def remove_keyring_party(
        self, ctx: Context, msg: tx_pb2.MsgRemoveKeyringParty
    ) -> tx_pb2.MsgRemoveKeyringPartyResponse:
        msg.party = canonical_account(msg.party)
        kr = self._keyring(ctx, msg.keyring_addr)
        self._active(kr)
        if msg.party not in kr.parties:
            raise ErrInvalidArgument.wrap(
                f"party {msg.party} is not a party of the keyring {msg.keyring_addr}"
            )
        self._admin(kr, msg.creator)
        kr.parties.remove(msg.party)
        if msg.decrease_threshold:
            kr.party_threshold = (kr.party_threshold - 1) & 0xFFFFFFFF
        if len(kr.parties) < kr.party_threshold:
            kr.party_threshold = len(kr.parties)
        self.k.set_keyring(ctx, kr)
        return tx_pb2.MsgRemoveKeyringPartyResponse()

    @validate_basic(validate_add_admin)
    def add_keyring_admin(
        self, ctx: Context, msg: tx_pb2.MsgAddKeyringAdmin
    ) -> tx_pb2.MsgAddKeyringAdminResponse:
        msg.admin = canonical_account(msg.admin)
        kr = self._keyring(ctx, msg.keyring_addr)
        self._active(kr)
        if msg.admin in kr.admins:
            raise ErrInvalidArgument.wrap(f"admin {msg.creator} is already an admin")
        self._admin(kr, msg.creator)
        kr.admins.append(msg.admin)
        self.k.set_keyring(ctx, kr)
        return tx_pb2.MsgAddKeyringAdminResponse()

    @validate_basic(validate_remove_admin)
    def remove_keyring_admin(
        self, ctx: Context, msg: tx_pb2.MsgRemoveKeyringAdmin
    ) -> tx_pb2.MsgRemoveKeyringAdminResponse:
        msg.admin = canonical_account(msg.admin)
        kr = self._keyring(ctx, msg.keyring_addr)
        self._active(kr)
        if msg.admin not in kr.admins:
            raise ErrInvalidArgument.wrap(f"admin {msg.admin} is not an admin of the keyring")
        self._admin(kr, msg.creator)
        if len(kr.admins) <= 1:
            raise ErrInvalidArgument.wrap(f"tx creator {msg.creator} is the last admin in keyring")
        kr.admins.remove(msg.admin)
        self.k.set_keyring(ctx, kr)
        return tx_pb2.MsgRemoveKeyringAdminResponse()

    @validate_basic(validate_keyring_only)
    def deactivate_keyring(
        self, ctx: Context, msg: tx_pb2.MsgDeactivateKeyring
    ) -> tx_pb2.MsgDeactivateKeyringResponse:
        kr = self._keyring(ctx, msg.keyring_addr)
        if msg.creator not in kr.admins:
            raise PlainError("keyring deactivations should be requested by admins")
        kr.is_active = False
        self.k.set_keyring(ctx, kr)
        return tx_pb2.MsgDeactivateKeyringResponse()
