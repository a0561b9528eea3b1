"""``zrchaind tx identity …`` and ``zrchaind q identity …`` (zrChain's autocli shapes,
docs/node-compat.md, *CLI*): positional args in zrChain's order, other fields as kebab-case
flags."""

from __future__ import annotations

from typing import Any

import click

from zrchain.cli.args import bool_arg, list_arg, uint_arg
from zrchain.cli.autocli import Query, add_queries
from zrchain.cli.tx_cmds import TxContext, broadcast, tx_flags
from zrchain.codec.gen.zrchain.identity import query_pb2 as q
from zrchain.codec.gen.zrchain.identity import tx_pb2


def _bool_flag(name: str, help_: str) -> Any:
    """A Go-style bool flag: ``--x`` means true, ``--x=false`` is accepted too."""
    return click.option(name, is_flag=False, flag_value="true", default="false", help=help_)


def _btl(f: Any) -> Any:
    return click.option("--btl", default="0", help="blocks to live of the action")(f)


# -- tx ----------------------------------------------------------------------------------------
@click.group("identity")
def tx_group() -> None:
    """identity transactions subcommands."""


@tx_group.command("new-workspace")
@click.option("--admin-policy-id", default="0")
@click.option("--sign-policy-id", default="0")
@click.option("--additional-owners", default="", help="comma-separated account addresses")
@tx_flags
def new_workspace(
    admin_policy_id: str, sign_policy_id: str, additional_owners: str, tx: TxContext
) -> None:
    """Create a workspace owned by --from (and the additional owners)."""
    msg = tx_pb2.MsgNewWorkspace(
        creator=tx.address,
        admin_policy_id=uint_arg(admin_policy_id, "admin-policy-id"),
        sign_policy_id=uint_arg(sign_policy_id, "sign-policy-id"),
        additional_owners=list_arg(additional_owners),
    )
    broadcast(tx, [msg])


@tx_group.command("add-workspace-owner")
@click.argument("workspace_addr")
@click.argument("owner_address")
@_btl
@tx_flags
def add_workspace_owner(workspace_addr: str, owner_address: str, btl: str, tx: TxContext) -> None:
    """Add an owner to a workspace (an action under its admin policy)."""
    msg = tx_pb2.MsgAddWorkspaceOwner(
        creator=tx.address,
        workspace_addr=workspace_addr,
        new_owner=owner_address,
        btl=uint_arg(btl, "btl"),
    )
    broadcast(tx, [msg])


@tx_group.command("append-child-workspace")
@click.argument("parent_workspace_addr")
@click.argument("child_workspace_addr")
@_btl
@tx_flags
def append_child_workspace(
    parent_workspace_addr: str, child_workspace_addr: str, btl: str, tx: TxContext
) -> None:
    """Append an existing workspace as a child (admin policy of the parent)."""
    msg = tx_pb2.MsgAppendChildWorkspace(
        creator=tx.address,
        parent_workspace_addr=parent_workspace_addr,
        child_workspace_addr=child_workspace_addr,
        btl=uint_arg(btl, "btl"),
    )
    broadcast(tx, [msg])


@tx_group.command("new-child-workspace")
@click.argument("parent_workspace_addr")
@_btl
@tx_flags
def new_child_workspace(parent_workspace_addr: str, btl: str, tx: TxContext) -> None:
    """Create a child workspace (admin policy of the parent)."""
    msg = tx_pb2.MsgNewChildWorkspace(
        creator=tx.address, parent_workspace_addr=parent_workspace_addr, btl=uint_arg(btl, "btl")
    )
    broadcast(tx, [msg])


@tx_group.command("remove-workspace-owner")
@click.argument("workspace_address")
@click.argument("owner_address")
@_btl
@tx_flags
def remove_workspace_owner(
    workspace_address: str, owner_address: str, btl: str, tx: TxContext
) -> None:
    """Remove an owner from a workspace (an action under its admin policy)."""
    msg = tx_pb2.MsgRemoveWorkspaceOwner(
        creator=tx.address,
        workspace_addr=workspace_address,
        owner=owner_address,
        btl=uint_arg(btl, "btl"),
    )
    broadcast(tx, [msg])


@tx_group.command("update-workspace")
@click.argument("workspace_address")
@click.argument("admin_policy_id")
@click.argument("sign_policy_id")
@_btl
@tx_flags
def update_workspace(
    workspace_address: str, admin_policy_id: str, sign_policy_id: str, btl: str, tx: TxContext
) -> None:
    """Set a workspace's admin and sign policies (0: any owner)."""
    msg = tx_pb2.MsgUpdateWorkspace(
        creator=tx.address,
        workspace_addr=workspace_address,
        admin_policy_id=uint_arg(admin_policy_id, "admin-policy-id"),
        sign_policy_id=uint_arg(sign_policy_id, "sign-policy-id"),
        btl=uint_arg(btl, "btl"),
    )
    broadcast(tx, [msg])


@tx_group.command("add-keyring-party")
@click.argument("keyring_addr")
@click.argument("party")
@_bool_flag("--increase-threshold", "also raise the party threshold by one")
@tx_flags
def add_keyring_party(
    keyring_addr: str, party: str, increase_threshold: str, tx: TxContext
) -> None:
    """Add an MPC party to a keyring (admins only)."""
    msg = tx_pb2.MsgAddKeyringParty(
        creator=tx.address,
        keyring_addr=keyring_addr,
        party=party,
        increase_threshold=bool_arg(increase_threshold, "--increase-threshold"),
    )
    broadcast(tx, [msg])


@tx_group.command("update-keyring")
@click.argument("keyring_addr")
@click.argument("is_active")
@click.argument("party_threshold")
@click.argument("key_req_fee")
@click.argument("sig_req_fee")
@click.argument("description")
@tx_flags
def update_keyring(
    keyring_addr: str,
    is_active: str,
    party_threshold: str,
    key_req_fee: str,
    sig_req_fee: str,
    description: str,
    tx: TxContext,
) -> None:
    """Update a keyring: [is-active:true|false] [party-threshold] [key-req-fee] [sig-req-fee]
    [description] (admins only; also re-activates)."""
    msg = tx_pb2.MsgUpdateKeyring(
        creator=tx.address,
        keyring_addr=keyring_addr,
        is_active=bool_arg(is_active, "is-active"),
        party_threshold=uint_arg(party_threshold, "party-threshold", 32),
        key_req_fee=uint_arg(key_req_fee, "key-req-fee"),
        sig_req_fee=uint_arg(sig_req_fee, "sig-req-fee"),
        description=description,
    )
    broadcast(tx, [msg])


@tx_group.command("remove-keyring-party")
@click.argument("keyring_addr")
@click.argument("party")
@_bool_flag("--decrease-threshold", "also lower the party threshold by one")
@tx_flags
def remove_keyring_party(
    keyring_addr: str, party: str, decrease_threshold: str, tx: TxContext
) -> None:
    """Remove an MPC party from a keyring (admins only)."""
    msg = tx_pb2.MsgRemoveKeyringParty(
        creator=tx.address,
        keyring_addr=keyring_addr,
        party=party,
        decrease_threshold=bool_arg(decrease_threshold, "--decrease-threshold"),
    )
    broadcast(tx, [msg])


@tx_group.command("new-keyring")
@click.argument("description")
@click.argument("key_request_fee")
@click.argument("sign_request_fee")
@click.argument("delegate_fees")
@click.option("--party-threshold", default="0")
@tx_flags
def new_keyring(
    description: str,
    key_request_fee: str,
    sign_request_fee: str,
    delegate_fees: str,
    party_threshold: str,
    tx: TxContext,
) -> None:
    """Create a keyring (pays the keyring creation fee)."""
    msg = tx_pb2.MsgNewKeyring(
        creator=tx.address,
        description=description,
        party_threshold=uint_arg(party_threshold, "party-threshold", 32),
        key_req_fee=uint_arg(key_request_fee, "key-request-fee"),
        sig_req_fee=uint_arg(sign_request_fee, "sign-request-fee"),
        delegate_fees=bool_arg(delegate_fees, "delegate-fees"),
    )
    broadcast(tx, [msg])


@tx_group.command("add-keyring-admin")
@click.argument("keyring_addr")
@click.argument("admin")
@tx_flags
def add_keyring_admin(keyring_addr: str, admin: str, tx: TxContext) -> None:
    """Add a keyring admin (admins only)."""
    msg = tx_pb2.MsgAddKeyringAdmin(creator=tx.address, keyring_addr=keyring_addr, admin=admin)
    broadcast(tx, [msg])


@tx_group.command("remove-keyring-admin")
@click.argument("keyring_addr")
@click.argument("admin")
@tx_flags
def remove_keyring_admin(keyring_addr: str, admin: str, tx: TxContext) -> None:
    """Remove a keyring admin (not the last one)."""
    msg = tx_pb2.MsgRemoveKeyringAdmin(creator=tx.address, keyring_addr=keyring_addr, admin=admin)
    broadcast(tx, [msg])


@tx_group.command("deactivate-keyring")
@click.argument("keyring_addr")
@tx_flags
def deactivate_keyring(keyring_addr: str, tx: TxContext) -> None:
    """Deactivate a keyring (admins only)."""
    broadcast(tx, [tx_pb2.MsgDeactivateKeyring(creator=tx.address, keyring_addr=keyring_addr)])


# -- queries -------------------------------------------------------------------------------------
query_group = click.Group("identity", help="Querying commands for the identity module.")
add_queries(
    query_group,
    q.DESCRIPTOR.services_by_name["Query"],
    {
        "Params": Query("The module's parameters."),
        "Workspaces": Query(
            "Workspaces, optionally by owner or creator: workspaces --owner [owner].",
            flag_help={
                "owner": "workspaces this address owns",
                "creator": "workspaces this address created (OR-ed)",
            },
        ),
        "WorkspaceByAddress": Query("One workspace: workspace-by-address [workspace-addr]."),
        "Keyrings": Query("All keyrings."),
        "KeyringByAddress": Query("One keyring: keyring-by-address [keyring-addr]."),
    },
)
