"""The narrow interface other modules (identity, treasury) use to drive the policy engine.

A module whose Msgs need approval does, in its Msg handler::

    act = engine.add_action(ctx, msg.creator, msg, policy_id, msg.btl, policy_data, owners)
    return engine.try_execute_action(ctx, act, MsgX, execute_x) or MsgXResponse()

and once, at construction::

    engine.register_action(MsgX, execute_x, generator=lambda ctx, m: any_in_group(...))

``execute_x(ctx, msg)`` performs the Msg and returns its response; it runs in the creating
tx when the policy is already satisfied, or later in the ``MsgApproveAction`` tx that
satisfies it. Its errors fail that tx (nothing is stored, the action stays PENDING).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Protocol, TypeVar

from google.protobuf.message import Message

from zrchain.codec.gen.zrchain.policy import action_pb2, policy_pb2
from zrchain.context import Context
from zrchain.x.policy.policies import Policy

M = TypeVar("M", bound=Message)
R = TypeVar("R", bound=Message)

ActionHandler = Callable[[Context, action_pb2.Action], Message | None]
PolicyGenerator = Callable[[Context, M], Policy]
Execute = Callable[[Context, M], R]


class PolicyEngine(Protocol):
    """What identity and treasury may call; implemented by ``engine.Engine``."""

    def add_action(
        self,
        ctx: Context,
        creator: str,
        msg: Message,
        policy_id: int,
        btl: int,
        policy_data: Mapping[str, bytes] | None,
        ws_owners: Sequence[str],
    ) -> action_pb2.Action:
        """Store a PENDING action for ``msg`` (policy.md §6.1); the creator approves it
        when it is a participant. Raises ChainError."""
        ...

    def try_execute_action(
        self, ctx: Context, act: action_pb2.Action, msg_class: type[M], execute: Execute[M, R]
    ) -> R | None:
        """If the action's policy is satisfied: mark it COMPLETED and return
        ``execute(ctx, msg)``; otherwise None (the caller returns its empty response)."""
        ...

    def register_action(
        self,
        msg_class: type[M],
        execute: Execute[M, R],
        generator: PolicyGenerator[M] | None = None,
    ) -> None:
        """Make ``MsgApproveAction{action_type: type URL of msg_class}`` execute the stored
        Msg with ``execute`` once satisfied; ``generator`` builds the policy of actions
        created with policy id 0. First registration wins."""
        ...

    def register_action_handler(self, type_url: str, handler: ActionHandler) -> None: ...

    def register_policy_generator(
        self, msg_class: type[M], generator: PolicyGenerator[M]
    ) -> None: ...

    def policy_members_are_owners(
        self, ctx: Context, policy_id: int, owners: Sequence[str]
    ) -> None:
        """Creation-time guard: every participant of ``policy_id`` is an owner (or a
        passkey of an owner). No-op for id 0. Raises ChainError."""
        ...

    def get_policy_participants(self, ctx: Context, policy_id: int) -> list[str]: ...

    def get_policy(self, ctx: Context, policy_id: int) -> policy_pb2.Policy | None: ...

    def policy_for_action(self, ctx: Context, act: action_pb2.Action) -> Policy: ...
