"""The action engine (docs/identity-policy.md): actions created by other modules' policy-gated Msgs
(``gate.PolicyGate``), approvals, execution of the stored Msg once its policy is satisfied,
revocation and expiry.

Atomicity comes from the tx pipeline: an action's creation, approval, COMPLETED status
and the execution of its Msg all happen in one tx branch, kept only if everything
succeeds (docs/identity-policy.md, *Failed execution and expiry*).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from google.protobuf.message import DecodeError, Message

from zrchain.codec.any import pack, type_url
from zrchain.codec.gen.zrchain.policy import (
    action_pb2,
    additional_signature_passkey_pb2,
    policy_pb2,
    sign_method_passkey_pb2,
)
from zrchain.context import Context
from zrchain.errors import ChainError, ErrLogic, PlainError
from zrchain.gas import SIG_VERIFY_COST_SECP256R1, charge_payload
from zrchain.x.policy.gate import PolicyGate
from zrchain.x.policy.keeper import DEFAULT_PARAMS, PolicyKeeper
from zrchain.x.policy.passkey import PasskeyError, config_id, verify_additional_signature
from zrchain.x.policy.policies import BoolPolicy, PolicyRule, unpack_policy
from zrchain.x.policy.types import (
    ADDITIONAL_SIGNATURE_PASSKEY_URL,
    ATTR_ACTION_ID,
    ATTR_PARTICIPANT,
    CHALLENGE_PREFIX,
    COMPLETED,
    EVENT_ACTION_REJECTED,
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
    status_name,
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
    """Policy-gated Msgs (declared once each), actions and approvals over a PolicyKeeper."""

    def __init__(self, keeper: PolicyKeeper) -> None:
        self.k = keeper
        self._gates: dict[str, PolicyGate[Any, Any]] = {}  # by the Msg's type URL

    # -- declaration ---------------------------------------------------------------------
    def declare(self, *gates: PolicyGate[Any, Any]) -> None:
        """Make each gate's Msg policy-gated: ``submit`` and ``MsgApproveAction`` run it."""
        for gate in gates:
            if gate.type_url in self._gates:
                raise ValueError(f"{gate.type_url} is already policy-gated")
            self._gates[gate.type_url] = gate

    def gated(self, type_url: str) -> bool:
        return type_url in self._gates

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
        """Creation-time guard: every participant of ``policy_id`` is an owner (or a
        passkey of an owner). No-op for id 0. Raises ChainError."""
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
        gate = self._gates.get(url)
        if gate is None:
            raise no_concrete_type(url, IFACE_MSG)
        try:
            msg: Message = gate.msg_class.FromString(act.msg.value)
        except DecodeError as exc:
            raise PlainError(f"unable to unpack action message: {exc}") from None
        return msg

    def _policy(
        self, ctx: Context, act: action_pb2.Action, msg: Message | None
    ) -> tuple[PolicyRule, Message | None]:
        """The action's policy, and its Msg when that had to be unpacked to build it."""
        if act.policy_id == 0:
            url = act.msg.type_url
            gate = self._gates.get(url)
            if gate is None:
                raise PlainError(
                    f"no policy ID specied for action and no policy generator registered for {url}"
                )
            if msg is None:
                msg = self._unpack_msg(act)
            rule: PolicyRule = gate.default_policy(ctx, msg)
            return rule, msg
        p = self.k.get_policy(ctx, act.policy_id)
        if p is None:
            raise PlainError(f"policy not found: {act.policy_id}")
        return unpack_policy(p.policy), msg

    def policy_for_action(self, ctx: Context, act: action_pb2.Action) -> PolicyRule:
        """The policy an action is evaluated against (queries show its participants)."""
        return self._policy(ctx, act, None)[0]

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

    def submit(
        self,
        ctx: Context,
        msg: Any,
        *,
        policy_id: int,
        btl: int,
        owners: Sequence[str] | None,
        policy_data: Mapping[str, bytes] | None = None,
        on_action: Callable[[int], None] | None = None,
    ) -> Any:
        """A policy-gated Msg from its creator (``msg.creator``), after the handler's own
        checks: store the action, evaluate its policy once, and run the gate's ``execute``
        if the creator's approval already satisfies it; else return the empty response.
        ``owners=None``: the handler has authorised a creator that is no owner (the zrSign
        bridge account, docs/zrsign-policies.md). ``on_action(id)`` runs once the action
        exists (e.g. to emit an event)."""
        gate = self._gates.get(type_url(msg))
        if gate is None:  # a wiring error: the module declares its gates at construction
            raise ErrLogic.wrap(f"{type_url(msg)} is not policy-gated")
        act, rule = self._add_action(ctx, msg, gate, policy_id, btl, policy_data, owners)
        if on_action is not None:
            on_action(int(act.id))
        done = self._execute_if_satisfied(ctx, act, rule, gate, msg)
        return done if done is not None else gate.response_class()

    def _add_action(
        self,
        ctx: Context,
        msg: Any,
        gate: PolicyGate[Any, Any],
        policy_id: int,
        btl: int,
        policy_data: Mapping[str, bytes] | None,
        owners: Sequence[str] | None,
    ) -> tuple[action_pb2.Action, PolicyRule]:
        """zrChain's AddAction: a PENDING action, approved by its creator when a participant."""
        creator = str(msg.creator)
        policy_btl = 0
        if policy_id:
            stored = self.k.get_policy(ctx, policy_id)
            if stored is not None:
                policy_btl = int(stored.btl)
        data = dict(policy_data or {})
        act = action_pb2.Action(
            status=PENDING,
            policy_id=policy_id,
            msg=pack(msg),
            creator=creator,
            btl=ctx.height + self.checked_btl(ctx, btl, policy_btl),
            policy_data=_sorted_data(data),
        )
        rule, _ = self._policy(ctx, act, msg)
        if owners is not None and creator not in owners:
            raise PlainError(f"creator {creator} is not an owner of this workspace")
        if creator in rule.participant_addresses():
            act.approvers.append(creator)
        participants = list(rule.participants) if isinstance(rule, BoolPolicy) else []
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
        return act, rule

    def _execute_if_satisfied(
        self,
        ctx: Context,
        act: action_pb2.Action,
        rule: PolicyRule,
        gate: PolicyGate[Any, Any],
        msg: Message,
    ) -> Message | None:
        """zrChain's TryExecuteAction: COMPLETED and executed once the policy is met."""
        if not isinstance(msg, gate.msg_class):
            raise PlainError(
                f"invalid message type, expected **types.{gate.msg_class.DESCRIPTOR.name}"
            )
        try:
            rule.verify(act.approvers, {kv.key: kv.value for kv in act.policy_data})
        except ChainError:
            return None
        act.status = COMPLETED
        self.k.set_action(ctx, act)
        done: Message = gate.execute(ctx, msg)
        return done

    def _pending(self, ctx: Context, action_id: int) -> action_pb2.Action | None:
        """The PENDING action ``action_id``; None once its BTL has passed (then marked
        TIMEOUT, as zrChain's MsgApproveAction does)."""
        act = self.k.get_action(ctx, action_id)
        if act is None:
            raise PlainError("action not found")
        if act.status != PENDING:
            raise PlainError(f"action not pending {status_name(act.status)}")
        if act.btl > 0 and act.btl < ctx.height:
            act.status = TIMEOUT
            self.k.set_action(ctx, act)
            return None
        return act

    def _record_and_try(
        self,
        ctx: Context,
        act: action_pb2.Action,
        rule: PolicyRule,
        msg: Message | None,
        action_type: str,
    ) -> str:
        """Store the action's approvals, execute it if they satisfy its policy (as the Msg
        type the approver named)."""
        self.k.set_action(ctx, act)
        gate = self._gates.get(action_type)
        if gate is None:
            raise PlainError(f"action handler not found for {action_type}")
        if msg is None:
            msg = self._unpack_msg(act)
        self._execute_if_satisfied(ctx, act, rule, gate, msg)
        return status_name(act.status)

    def approve(
        self,
        ctx: Context,
        creator: str,
        action_type: str,
        action_id: int,
        additional_signatures: Sequence[Any] = (),
    ) -> str:
        """MsgApproveAction; returns the action's final status name."""
        act = self._pending(ctx, action_id)
        if act is None:
            return status_name(TIMEOUT)
        rule, msg = self._policy(ctx, act, None)
        participant = rule.address_to_participant(creator)
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
                q = rule.address_to_participant(addr)
            except ChainError:
                continue
            if q not in act.approvers:
                act.approvers.append(q)
        return self._record_and_try(ctx, act, rule, msg, action_type)

    def approve_as(self, ctx: Context, approver: str, action_id: int) -> str:
        """An approval by an identity the caller has authenticated: an EVM account
        (``eip155:…``) that signed EIP-712 typed data or called our contract on a network
        the bridge follows (docs/zrsign-policies.md). Unlike MsgApproveAction, an approval
        after the BTL is an error (nothing changes); the same approver counts once."""
        act = self.k.get_action(ctx, action_id)
        if act is None:
            raise PlainError(f"action {action_id} not found")
        expired = act.status == TIMEOUT or (
            act.status == PENDING and act.btl > 0 and act.btl < ctx.height
        )
        if expired:
            raise PlainError(f"action {action_id} expired at block {act.btl}")
        if act.status != PENDING:
            raise PlainError(f"action {action_id} is not pending: {status_name(act.status)}")
        rule, msg = self._policy(ctx, act, None)
        participant = rule.address_to_participant(approver)
        if participant not in act.approvers:
            act.approvers.append(participant)
        return self._record_and_try(ctx, act, rule, msg, act.msg.type_url)

    def reject_as(
        self, ctx: Context, rejecter: str, action_id: int, rejected: Sequence[str]
    ) -> tuple[str, str]:
        """A participant's "no" (an authenticated identity, as ``approve_as``): (the
        participant, the action's status). ``rejected`` are the participants who already
        said no. When approvals from every participant left could no longer satisfy the
        policy, the action is REVOKED (rejected) and nothing of it runs."""
        act = self.k.get_action(ctx, action_id)
        if act is None:
            raise PlainError(f"action {action_id} not found")
        if act.status == TIMEOUT or (act.status == PENDING and 0 < act.btl < ctx.height):
            raise PlainError(f"action {action_id} expired at block {act.btl}")
        if act.status != PENDING:
            raise PlainError(f"action {action_id} is not pending: {status_name(act.status)}")
        rule, _ = self._policy(ctx, act, None)
        participant = rule.address_to_participant(rejecter)
        if participant in act.approvers:
            raise PlainError(f"{participant} already approved action {action_id}")
        no = {*rejected, participant}
        still = [p for p in rule.participant_addresses() if p not in no]
        try:
            rule.verify(still, {kv.key: kv.value for kv in act.policy_data})
        except ChainError:
            act.status = action_pb2.ACTION_STATUS_REVOKED
            self.k.set_action(ctx, act)
            ctx.emit(
                EVENT_ACTION_REJECTED,
                (ATTR_ACTION_ID, str(action_id)),
                ("action_type", act.msg.type_url),
                ("rejected_by", ",".join(sorted(no))),
            )
        return participant, status_name(act.status)

    def action_status(self, ctx: Context, action_id: int) -> str:
        act = self.k.get_action(ctx, action_id)
        return status_name(act.status) if act is not None else ""

    def get_action(self, ctx: Context, action_id: int) -> action_pb2.Action | None:
        return self.k.get_action(ctx, action_id)

    def new_policy(self, ctx: Context, creator: str, name: str, policy: Any, btl: int) -> int:
        """Validate and store a policy (MsgNewPolicy after its creator check): the BTL is the
        default when 0 and at least the minimum."""
        params = self.k.params(ctx)
        if params is None:
            raise collections_not_found("params", "zrchain.policy.Params")
        btl = int(btl) or int(params.default_btl)
        btl = max(btl, int(params.minimum_btl))
        if policy is None or not policy.type_url:
            raise PlainError("policy is required: an Any packing a BoolparserPolicy")
        unpack_policy(policy).validate()
        p = policy_pb2.Policy(creator=creator, name=name, btl=btl)
        p.policy.CopyFrom(policy)
        return self.k.create_policy(ctx, p)

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
        """End block (fix 7 of docs/COMPATIBILITY.md): PENDING actions with ``btl <= height``
        become TIMEOUT.

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
