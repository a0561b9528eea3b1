"""A policy-gated Msg: declared once, with what authorises it and what it does.

A module whose Msg needs approval under a policy declares, once, at construction::

    engine.declare(PolicyGate(MsgX, execute=self._execute_x, default_policy=owners_of_x))

and its Msg handler, after its own checks, hands the Msg over::

    return engine.submit(ctx, msg, policy_id=..., btl=msg.btl, owners=workspace.owners)

``submit`` stores a PENDING action (docs/identity-policy.md, *For module authors*), evaluates
its policy once and, if the creator's approval already satisfies it, marks it COMPLETED and
returns ``execute(ctx, msg)``; otherwise the Msg's empty response. A later
``MsgApproveAction`` that satisfies the policy unpacks the stored Msg once, evaluates the
policy once and runs the same ``execute``. Its errors fail that tx (nothing is stored, the
action stays PENDING).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from google.protobuf.message import Message

from zrchain.codec.any import type_url
from zrchain.codec.services import message_class, msg_rpc
from zrchain.context import Context
from zrchain.x.policy.policies import PolicyRule

M = TypeVar("M", bound=Message)
R = TypeVar("R", bound=Message)


@dataclass(frozen=True)
class PolicyGate(Generic[M, R]):
    """``msg_class`` runs ``execute`` once approved; ``default_policy`` is the policy of
    an action created with policy id 0 (zrChain's generated policies: "any owner")."""

    msg_class: type[M]
    execute: Callable[[Context, M], R]
    default_policy: Callable[[Context, M], PolicyRule]
    response_class: type[R] = field(init=False)  # the empty response while approvals are due

    def __post_init__(self) -> None:
        rpc = msg_rpc(self.msg_class.DESCRIPTOR)
        object.__setattr__(self, "response_class", message_class(rpc.output_type))

    @property
    def type_url(self) -> str:
        return type_url(self.msg_class)
