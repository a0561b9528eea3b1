"""``zrchaind tx policy …`` and ``zrchaind q policy …`` (zrChain's autocli shapes, policy.md §10).

Also the autocli conventions identity's commands share: page flags, Any arguments given as
proto-JSON with ``@type``, comma-separated repeated scalars.
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
from collections.abc import Callable
from typing import Any

import click
from cosmpy.protos.cosmos.base.query.v1beta1.pagination_pb2 import PageRequest
from google.protobuf.any_pb2 import Any as AnyProto

from zrchain.cli.common import UINT64, fail
from zrchain.cli.query_cmds import query_options, run_query
from zrchain.cli.tx_cmds import TxContext, broadcast, tx_flags
from zrchain.codec.coins import shown

# Types an Any argument may name must be in the descriptor pool.
from zrchain.codec.gen.zrchain.policy import (  # noqa: F401
    action_pb2,
    additional_signature_passkey_pb2,
    policy_pb2,
    sign_method_passkey_pb2,
    tx_pb2,
)
from zrchain.codec.gen.zrchain.policy import query_pb2 as q
from zrchain.codec.ints import IntSyntaxError, parse_go_int
from zrchain.codec.json import from_dict

SVC = "/zrchain.policy.Query/"
STATUSES = ["unspecified", "pending", "completed", "revoked", "timeout"]


# -- autocli conventions ----------------------------------------------------------------------
def page_flags(f: Callable[..., Any]) -> Callable[..., Any]:
    """``--page-key --page-offset --page-limit --page-count-total --page-reverse``; the
    command receives ``page`` (a PageRequest, or None when no flag was given)."""
    opts = [
        click.option("--page-key", default="", help="pagination key (base64 or hex)"),
        click.option("--page-offset", default=0, type=UINT64),
        click.option("--page-limit", default=0, type=UINT64),
        click.option("--page-count-total", is_flag=True, default=False),
        click.option("--page-reverse", is_flag=True, default=False),
    ]

    @functools.wraps(f)
    def wrapper(**kw: Any) -> Any:
        key_text = kw.pop("page_key")
        offset = kw.pop("page_offset")
        limit = kw.pop("page_limit")
        count_total = kw.pop("page_count_total")
        reverse = kw.pop("page_reverse")
        page = None
        if key_text or offset or limit or count_total or reverse:
            if offset < 0 or limit < 0:
                fail("--page-offset and --page-limit must be non-negative")
            page = PageRequest(
                key=_bytes_arg(key_text, "--page-key"),
                offset=offset,
                limit=limit,
                count_total=count_total,
                reverse=reverse,
            )
        return f(page=page, **kw)

    for opt in reversed(opts):
        wrapper = opt(wrapper)
    return wrapper


def _bytes_arg(text: str, what: str) -> bytes:
    if not text:
        return b""
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        pass
    try:
        return bytes.fromhex(text)
    except ValueError:
        fail(f"invalid {what} {text!r}: expected base64 or hex")


def uint_arg(text: str, what: str, bits: int = 64) -> int:
    try:
        return parse_go_int(text, bits)
    except IntSyntaxError as exc:
        fail(f"invalid {what} {shown(text)}: {exc}")


def bool_arg(text: str, what: str) -> bool:
    """Go's strconv.ParseBool."""
    t = text.strip()
    if t in ("1", "t", "T", "true", "TRUE", "True"):
        return True
    if t in ("0", "f", "F", "false", "FALSE", "False"):
        return False
    fail(f"invalid {what} {text!r}: expected true or false")


def list_arg(text: str) -> list[str]:
    """A repeated scalar given as one comma-separated argument."""
    return [x.strip() for x in text.split(",") if x.strip()]


def any_arg(text: str, what: str) -> AnyProto:
    """An Any from its proto-JSON: ``{"@type": "/pkg.Type", ...fields}``."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        fail(f"invalid {what}: not JSON ({exc.msg})")
    if not isinstance(data, dict) or "@type" not in data:
        fail(f'invalid {what}: expected a JSON object with "@type"')
    try:
        return from_dict(data, AnyProto())
    except (ValueError, TypeError, KeyError) as exc:
        fail(f"invalid {what}: {exc}")


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
@tx_flags
def approve_action(
    action_type: str, action_id: str, additional_signatures: tuple[str, ...], tx: TxContext
) -> None:
    """Approve an action: approve-action [action-type] [action-id]."""
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
@click.group("policy")
def query_group() -> None:
    """Querying commands for the policy module."""


@query_group.command("params")
@query_options
def params(node: str, height: int, output: str) -> None:
    """The module's parameters."""
    run_query(node, SVC + "Params", q.QueryParamsRequest(), q.QueryParamsResponse, output, height)


def _status(text: str) -> int:
    t = text.strip()
    if t.upper().startswith("ACTION_STATUS_"):
        t = t[len("ACTION_STATUS_") :]
    if t.lower() not in STATUSES:
        fail(f"invalid --status {text!r}: one of {'|'.join(STATUSES)}")
    return int(action_pb2.ActionStatus.Value("ACTION_STATUS_" + t.upper()))


@query_group.command("actions")
@click.option("--address", default="", help="only actions where this address is a participant")
@click.option("--status", default="", help="|".join(STATUSES))
@page_flags
@query_options
def actions(address: str, status: str, page: Any, node: str, height: int, output: str) -> None:
    """Actions, optionally by participant and status: actions --address [a] --status [s]."""
    req = q.QueryActionsRequest(address=address, status=_status(status) if status else 0)
    if page is not None:
        req.pagination.CopyFrom(page)
    run_query(node, SVC + "Actions", req, q.QueryActionsResponse, output, height)


@query_group.command("policies")
@page_flags
@query_options
def policies(page: Any, node: str, height: int, output: str) -> None:
    """All policies."""
    req = q.QueryPoliciesRequest()
    if page is not None:
        req.pagination.CopyFrom(page)
    run_query(node, SVC + "Policies", req, q.QueryPoliciesResponse, output, height)


@query_group.command("policy-by-id")
@click.argument("id_")
@query_options
def policy_by_id(id_: str, node: str, height: int, output: str) -> None:
    """One policy: policy-by-id [id]."""
    req = q.QueryPolicyByIdRequest(id=uint_arg(id_, "id"))
    run_query(node, SVC + "PolicyById", req, q.QueryPolicyByIdResponse, output, height)


@query_group.command("sign-methods-by-address")
@click.argument("address")
@page_flags
@query_options
def sign_methods_by_address(address: str, page: Any, node: str, height: int, output: str) -> None:
    """Sign methods registered by an address: sign-methods-by-address [address]."""
    req = q.QuerySignMethodsByAddressRequest(address=address)
    if page is not None:
        req.pagination.CopyFrom(page)
    run_query(
        node, SVC + "SignMethodsByAddress", req, q.QuerySignMethodsByAddressResponse, output, height
    )


@query_group.command("policies-by-creator")
@click.argument("creators")
@page_flags
@query_options
def policies_by_creator(creators: str, page: Any, node: str, height: int, output: str) -> None:
    """Policies created by any of the (comma-separated) creators."""
    req = q.QueryPoliciesByCreatorRequest(creators=list_arg(creators))
    if page is not None:
        req.pagination.CopyFrom(page)
    run_query(
        node, SVC + "PoliciesByCreator", req, q.QueryPoliciesByCreatorResponse, output, height
    )


@query_group.command("action-details-by-id")
@click.argument("id_")
@query_options
def action_details_by_id(id_: str, node: str, height: int, output: str) -> None:
    """An action with its policy and pending approvers: action-details-by-id [id]."""
    req = q.QueryActionDetailsByIdRequest(id=uint_arg(id_, "id"))
    run_query(
        node, SVC + "ActionDetailsById", req, q.QueryActionDetailsByIdResponse, output, height
    )
