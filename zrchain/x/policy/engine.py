"""The action engine (policy.md §6): actions created by other modules' Msgs, approvals,
execution of the stored Msg once its policy is satisfied, revocation and expiry.

Atomicity comes from the tx pipeline: an action's creation, approval, COMPLETED status
and the execution of its Msg all happen in one tx branch, kept only if everything
succeeds (§6.5).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

from google.protobuf.message import DecodeError, Message

from zrchain.codec.gen.zrchain.policy import (
    action_pb2,
    additional_signature_passkey_pb2,
    policy_pb2,
    sign_method_passkey_pb2,
)
from zrchain.context import Context
from zrchain.errors import ChainError, PlainError
from zrchain.gas import SIG_VERIFY_COST_SECP256R1, charge_payload
from zrchain.x.policy.interfaces import ActionHandler, Execute, M, PolicyGenerator, R
from zrchain.x.policy.keeper import DEFAULT_PARAMS, PolicyKeeper
from zrchain.x.policy.passkey import PasskeyError, config_id, verify_additional_signature
from zrchain.x.policy.policies import BoolPolicy, Policy, unpack_policy
from zrchain.x.policy.types import (
    ADDITIONAL_SIGNATURE_PASSKEY_URL,
    ATTR_ACTION_ID,
    ATTR_PARTICIPANT,
    CHALLENGE_PREFIX,
    COMPLETED,
    EVENT_ACTION_TIMEOUT,
    EVENT_NEW_ACTION,
    IFACE_ADDITIONAL_SIGNATURE,
    IFACE_MSG,
    IFACE_SIGN_METHOD,
    PASSKEY_PREFIX,
    PENDING,
    SIGN_METHOD_PASSKEY_URL,
    TIMEOUT,
    collections_not_found,
    no_concrete_type,
    pack_any,
    status_name,
    type_url_of,
)


def _sorted_data(data: Mapping[str, bytes]) -> list[action_pb2.KeyValue]:
    """Policy data as KeyValues sorted by the key's bytes (Go ``strings.Compare``)."""
    return [
        action_pb2.KeyValue(key=k, value=data[k]) for k in sorted(data, key=lambda s: s.encode())
    ]


def unpack_sign_method(any_: Any) -> sign_method_passkey_pb2.SignMethodPasskey:
    if any_.type_url != SIGN_METHOD_PASSKEY_URL:
        raise no_concrete_type(any_.type_url, IFACE_SIGN_METHOD)
    try:
        return sign_method_passkey_pb2.SignMethodPasskey.FromString(any_.value)
    except DecodeError as exc:
        raise PlainError(f"unable to unpack sign method: {exc}") from None


class Engine:
    """Implements ``interfaces.PolicyEngine`` over a PolicyKeeper."""

    def __init__(self, keeper: PolicyKeeper) -> None:
        self.k = keeper
        self._handlers: dict[str, ActionHandler] = {}
        self._generators: dict[str, Any] = {}
        self._classes: dict[str, type[Message]] = {}

    # -- registration ----------------------------------------------------------------------
    def register_action_handler(self, type_url: str, handler: ActionHandler) -> None:
        self._handlers.setdefault(type_url, handler)

    def register_policy_generator(self, msg_class: type[M], generator: PolicyGenerator[M]) -> None:
        url = type_url_of(msg_class)
        self._classes.setdefault(url, msg_class)
        self._generators.setdefault(url, generator)

    def register_action(
        self,
        msg_class: type[M],
        execute: Execute[M, R],
        generator: PolicyGenerator[M] | None = None,
    ) -> None:
        url = type_url_of(msg_class)
        self._classes.setdefault(url, msg_class)

        def handler(ctx: Context, act: action_pb2.Action) -> Message | None:
            return self.try_execute_action(ctx, act, msg_class, execute)

        self.register_action_handler(url, handler)
        if generator is not None:
            self.register_policy_generator(msg_class, generator)

    def has_handler(self, type_url: str) -> bool:
        return type_url in self._handlers

    # -- policies --------------------------------------------------------------------------
    def get_policy(self, ctx: Context, policy_id: int) -> policy_pb2.Policy | None:
        return self.k.get_policy(ctx, policy_id)

    def _stored_policy(self, ctx: Context, policy_id: int) -> BoolPolicy:
        p = self.k.get_policy(ctx, policy_id)
        if p is None:
            raise collections_not_found(str(policy_id), "zrchain.policy.Policy")
        return unpack_policy(p.policy)

    def get_policy_participants(self, ctx: Context, policy_id: int) -> list[str]:
        return self._stored_policy(ctx, policy_id).participant_addresses()

    def policy_members_are_owners(
        self, ctx: Context, policy_id: int, owners: Sequence[str]
    ) -> None:
        if policy_id == 0:
            return
        participants = self.get_policy_participants(ctx, policy_id)
        passkeys: set[str] = set()
        for owner in owners:
            for cfg in self.k.sign_methods_of(ctx, owner):
                sm = unpack_sign_method(cfg)
                passkeys.add(f"{PASSKEY_PREFIX}{config_id(bytes(sm.raw_id))}}}")
        for p in participants:
            if p not in owners and p not in passkeys:
                raise PlainError(f"policy participant {p} is not an owner of the workspace")

    def _unpack_msg(self, act: action_pb2.Action) -> Message:
        url = act.msg.type_url
        cls = self._classes.get(url)
        if cls is None:
            raise no_concrete_type(url, IFACE_MSG)
        try:
            return cls.FromString(act.msg.value)
        except DecodeError as exc:
            raise PlainError(f"unable to unpack action message: {exc}") from None

    def policy_for_action(self, ctx: Context, act: action_pb2.Action) -> Policy:
        if act.policy_id == 0:
            url = act.msg.type_url
            gen = self._generators.get(url)
            if gen is None:
                raise PlainError(
                    f"no policy ID specied for action and no policy generator registered for {url}"
                )
            pol: Policy = gen(ctx, self._unpack_msg(act))
            return pol
        p = self.k.get_policy(ctx, act.policy_id)
        if p is None:
            raise PlainError(f"policy not found: {act.policy_id}")
        return unpack_policy(p.policy)

    # -- actions ---------------------------------------------------------------------------
    def checked_btl(self, ctx: Context, requested: int, policy_btl: int) -> int:
        params = self.k.params(ctx)
        if params is None:
            return requested
        if requested == 0 and policy_btl > 0:
            return policy_btl
        if requested == 0:
            return int(params.default_btl)
        if requested < params.minimum_btl:
            return int(params.minimum_btl)
        return requested

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
        policy_btl = 0
        if policy_id:
            stored = self.k.get_policy(ctx, policy_id)
            if stored is not None:
                policy_btl = int(stored.btl)
        data = dict(policy_data or {})
        act = action_pb2.Action(
            status=PENDING,
            policy_id=policy_id,
            msg=pack_any(msg),
            creator=creator,
            btl=ctx.height + self.checked_btl(ctx, btl, policy_btl),
            policy_data=_sorted_data(data),
        )
        self._classes.setdefault(act.msg.type_url, type(msg))
        pol = self.policy_for_action(ctx, act)
        if creator not in ws_owners:
            raise PlainError(f"creator {creator} is not an owner of this workspace")
        if creator in pol.participant_addresses():
            act.approvers.append(creator)
        participants = list(pol.participants) if isinstance(pol, BoolPolicy) else []
        snapshot = act.SerializeToString(deterministic=True)
        for p in participants:
            if p.startswith(PASSKEY_PREFIX):
                data[CHALLENGE_PREFIX + p] = hashlib.sha256(snapshot + p.encode()).digest()
        if data:
            del act.policy_data[:]
            act.policy_data.extend(_sorted_data(data))
        aid = self.k.create_action(ctx, act)
        for p in participants:
            ctx.emit(EVENT_NEW_ACTION, (ATTR_ACTION_ID, str(aid)), (ATTR_PARTICIPANT, p))
        return act

    def try_execute_action(
        self, ctx: Context, act: action_pb2.Action, msg_class: type[M], execute: Execute[M, R]
    ) -> R | None:
        msg = self._unpack_msg(act)
        if not isinstance(msg, msg_class):
            raise PlainError(f"invalid message type, expected **types.{msg_class.DESCRIPTOR.name}")
        pol = self.policy_for_action(ctx, act)
        try:
            pol.verify(act.approvers, {kv.key: kv.value for kv in act.policy_data})
        except ChainError:
            return None
        act.status = COMPLETED
        self.k.set_action(ctx, act)
        return execute(ctx, msg)

    def approve(
        self,
        ctx: Context,
        creator: str,
        action_type: str,
        action_id: int,
        additional_signatures: Sequence[Any] = (),
    ) -> str:
        """MsgApproveAction (policy.md §7.4); returns the action's final status name."""
        act = self.k.get_action(ctx, action_id)
        if act is None:
            raise PlainError("action not found")
        if act.status != PENDING:
            raise PlainError(f"action not pending {status_name(act.status)}")
        if act.btl > 0 and act.btl < ctx.height:
            act.status = TIMEOUT
            self.k.set_action(ctx, act)
            return status_name(TIMEOUT)
        pol = self.policy_for_action(ctx, act)
        participant = pol.address_to_participant(creator)
        if participant not in act.approvers:
            act.approvers.append(participant)
        for any_sig in additional_signatures:
            if any_sig.type_url != ADDITIONAL_SIGNATURE_PASSKEY_URL:
                raise no_concrete_type(any_sig.type_url, IFACE_ADDITIONAL_SIGNATURE)
            try:
                sig = additional_signature_passkey_pb2.AdditionalSignaturePasskey.FromString(
                    any_sig.value
                )
            except DecodeError as exc:
                raise PlainError(f"unable to unpack additional signature: {exc}") from None
            cid = config_id(bytes(sig.raw_id))
            cfg = self.k.get_sign_method(ctx, creator, cid)
            if cfg is None:
                raise collections_not_found(f"('{creator}', '{cid}')", "google.protobuf.Any")
            sm = unpack_sign_method(cfg)
            if not sm.active:
                continue
            size = len(sig.client_data_json) + len(sig.authenticator_data)
            charge_payload(ctx.gas, size + len(sm.attestation_object), "passkey")
            ctx.gas.consume(SIG_VERIFY_COST_SECP256R1, "passkey signature")
            try:
                addr = verify_additional_signature(sig, sm, act)
            except PasskeyError as exc:
                raise PlainError(str(exc)) from None
            if not addr:
                continue
            try:
                q = pol.address_to_participant(addr)
            except ChainError:
                continue
            if q not in act.approvers:
                act.approvers.append(q)
        self.k.set_action(ctx, act)
        handler = self._handlers.get(action_type)
        if handler is None:
            raise PlainError(f"action handler not found for {action_type}")
        handler(ctx, act)
        return status_name(act.status)

    def revoke(self, ctx: Context, creator: str, action_id: int) -> None:
        act = self.k.get_action(ctx, action_id)
        if act is None:
            raise PlainError("action not found")
        if act.creator != creator:
            raise PlainError("action creator does not match")
        if act.status != PENDING:
            raise PlainError("action status is not pending")
        act.status = action_pb2.ACTION_STATUS_REVOKED
        self.k.set_action(ctx, act)

    def expire(self, ctx: Context) -> int:
        """End block (DECISIONS 7): PENDING actions with ``btl <= height`` become TIMEOUT.

        Approvals are accepted up to and including height ``btl`` (as in zrChain), so the
        sweep at the end of block ``btl`` is the first moment an action can expire. Reads
        only the expiry index entries that are due.
        """
        n = 0
        for btl, aid in self.k.expiring(ctx, ctx.height):
            act = self.k.get_action(ctx, aid)
            if act is None or act.status != PENDING or act.btl != btl:
                self.k.drop_expiry(ctx, btl, aid)  # stale entry (cannot happen via set_action)
                continue
            act.status = TIMEOUT
            self.k.set_action(ctx, act)
            ctx.emit(
                EVENT_ACTION_TIMEOUT,
                (ATTR_ACTION_ID, str(aid)),
                ("action_type", act.msg.type_url),
                ("btl", str(act.btl)),
            )
            n += 1
        return n


__all__ = ["DEFAULT_PARAMS", "Engine", "unpack_sign_method"]
