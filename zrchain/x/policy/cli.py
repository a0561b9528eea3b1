"""``zrchaind tx policy …`` and ``zrchaind q policy …`` (zrChain's autocli shapes,
docs/node-compat.md).
Argument conventions are ``zrchain/cli/args.py``'s; queries are built from the service."""

from __future__ import annotations

import click

from zrchain.cli.args import any_arg, list_arg, uint_arg
from zrchain.cli.autocli import Query, add_queries
from zrchain.cli.tx_cmds import TxContext, broadcast, tx_flags

# Types an Any argument may name must be in the descriptor pool.
from zrchain.codec.gen.zrchain.policy import (  # noqa: F401
    action_pb2,
    additional_signature_passkey_pb2,
    policy_pb2,
    sign_method_passkey_pb2,
    tx_pb2,
)
from zrchain.codec.gen.zrchain.policy import query_pb2 as q


# -- tx ----------------------------------------------------------------------------------------
@click.group("policy")
def tx_group() -> None:
    """policy transactions subcommands."""


@tx_group.command("new-policy")
@click.argument("name")
@click.argument("policy")
@click.option("--btl", default="0", help="blocks to live of actions under this policy")
@tx_flags
def new_policy(name: str, policy: str, btl: str, tx: TxContext) -> None:
    """Create a policy: new-policy [name] [policy] --btl [btl] (policy: Any JSON)."""
    msg = tx_pb2.MsgNewPolicy(
        creator=tx.address, name=name, policy=any_arg(policy, "policy"), btl=uint_arg(btl, "btl")
    )
    broadcast(tx, [msg])


@tx_group.command("revoke-action")
@click.argument("action_id")
@tx_flags
def revoke_action(action_id: str, tx: TxContext) -> None:
    """Revoke a pending action you created: revoke-action [action-id]."""
    msg = tx_pb2.MsgRevokeAction(creator=tx.address, action_id=uint_arg(action_id, "action-id"))
    broadcast(tx, [msg])


@tx_group.command("approve-action")
@click.argument("action_type")
@click.argument("action_id")
@click.option(
    "--additional-signatures",
    multiple=True,
    help="an Any JSON (e.g. AdditionalSignaturePasskey); repeatable",
)
@click.option(
    "--eip712",
    "eip712",
    default="",
    help="a signed ApproveAction by an EVM participant (zrchaind tx omni sign-typed-data, or "
    "any wallet's eth_signTypedData_v4 as {typedData, signature}); the --from key only pays",
)
@tx_flags
def approve_action(
    action_type: str,
    action_id: str,
    additional_signatures: tuple[str, ...],
    eip712: str,
    tx: TxContext,
) -> None:
    """Approve an action: approve-action [action-type] [action-id]."""
    if eip712:
        from zrchain.cli.common import fail
        from zrchain.codec.gen.zrchain.omni import tx_pb2 as omni_tx
        from zrchain.x.omni.signed_file import SignedFileError, read_signed

        try:
            signed = read_signed(eip712, tx.address)
        except SignedFileError as exc:
            fail(str(exc))
        wanted = uint_arg(action_id, "action-id")
        if not isinstance(signed, omni_tx.MsgApproveActionEvm) or signed.action_id != wanted:
            fail(f"{eip712} is not an ApproveAction of action {wanted}")
        broadcast(tx, [signed])
        return
    msg = tx_pb2.MsgApproveAction(
        creator=tx.address,
        action_type=action_type,
        action_id=uint_arg(action_id, "action-id"),
        additional_signatures=[any_arg(s, "additional signature") for s in additional_signatures],
    )
    broadcast(tx, [msg])


@tx_group.command("add-sign-method")
@click.argument("config")
@tx_flags
def add_sign_method(config: str, tx: TxContext) -> None:
    """Register a sign method: add-sign-method [id] [config] (only [config] is an argument)."""
    msg = tx_pb2.MsgAddSignMethod(creator=tx.address, config=any_arg(config, "config"))
    broadcast(tx, [msg])


@tx_group.command("remove-sign-method")
@click.argument("id_")
@tx_flags
def remove_sign_method(id_: str, tx: TxContext) -> None:
    """Deactivate a sign method: remove-sign-method [id]."""
    broadcast(tx, [tx_pb2.MsgRemoveSignMethod(creator=tx.address, id=id_)])


@tx_group.command("add-multi-grant")
@click.argument("grantee")
@click.argument("msgs")
@tx_flags
def add_multi_grant(grantee: str, msgs: str, tx: TxContext) -> None:
    """Grant Msg types to a grantee: add-multi-grant [grantee] [msgs] (comma-separated)."""
    msg = tx_pb2.MsgAddMultiGrant(creator=tx.address, grantee=grantee, msgs=list_arg(msgs))
    broadcast(tx, [msg])


@tx_group.command("remove-multi-grant")
@click.argument("grantee")
@click.argument("msgs")
@tx_flags
def remove_multi_grant(grantee: str, msgs: str, tx: TxContext) -> None:
    """Revoke Msg-type grants: remove-multi-grant [grantee] [msgs] (comma-separated)."""
    msg = tx_pb2.MsgRemoveMultiGrant(creator=tx.address, grantee=grantee, msgs=list_arg(msgs))
    broadcast(tx, [msg])


# -- queries -------------------------------------------------------------------------------------
query_group = click.Group("policy", help="Querying commands for the policy module.")
add_queries(
    query_group,
    q.DESCRIPTOR.services_by_name["Query"],
    {
        "Params": Query("The module's parameters."),
        "Actions": Query(
            "Actions, optionally by participant and status: actions --address [a] --status [s].",
            flag_help={"address": "only actions where this address is a participant"},
        ),
        "Policies": Query("All policies."),
        "PolicyById": Query("One policy: policy-by-id [id]."),
        "SignMethodsByAddress": Query(
            "Sign methods registered by an address: sign-methods-by-address [address]."
        ),
        "PoliciesByCreator": Query("Policies created by any of the (comma-separated) creators."),
        "ActionDetailsById": Query(
            "An action with its policy and pending approvers: action-details-by-id [id]."
        ),
    },
)
# `--participant` names the same filter (an EVM participant reads better as one:
# `q policy actions --participant eip155:0x…`, docs/zrsign-policies.md).
next(p for p in query_group.commands["actions"].params if p.name == "address").opts.append(
    "--participant"
)
