"""zrchain.policy.Msg handlers: stateless checks (ValidateBasic), then the engine/keeper."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from zrchain.codec.gen.zrchain.policy import policy_pb2, tx_pb2
from zrchain.context import Context
from zrchain.errors import ErrInvalidRequest, ErrLogic, PlainError
from zrchain.gas import charge_payload
from zrchain.module import MsgRoute
from zrchain.x.policy.engine import Engine, unpack_sign_method
from zrchain.x.policy.keeper import PolicyKeeper
from zrchain.x.policy.passkey import PasskeyError, config_id, verify_config
from zrchain.x.policy.policies import unpack_policy
from zrchain.x.policy.types import (
    GOV_AUTHORITY,
    MODULE,
    ErrInvalidSigner,
    account_error,
    check_account,
    collections_not_found,
    pack_any,
)

MAX_NAME = 255
MAX_TYPE_URL = 512


class AuthzKeeper(Protocol):
    """What MsgAddMultiGrant/MsgRemoveMultiGrant need from x/authz (its msg server's Grant
    of a GenericAuthorization without expiration, and Revoke)."""

    def grant_generic(
        self, ctx: Context, granter: str, grantee: str, msg_type_url: str
    ) -> None: ...

    def revoke(self, ctx: Context, granter: str, grantee: str, msg_type_url: str) -> None: ...


# -- ValidateBasic ---------------------------------------------------------------------------
def validate_update_params(msg: Any) -> None:
    err = account_error(msg.authority)
    if err is not None:
        raise PlainError(f"invalid authority address: {err}")


def validate_creator(msg: Any) -> None:
    check_account(msg.creator, "creator")


def validate_new_policy(msg: Any) -> None:
    check_account(msg.creator, "creator")
    if len(msg.name.encode()) > MAX_NAME:
        raise ErrInvalidRequest.wrap("invalid name, max len 255")


def validate_approve(msg: Any) -> None:
    check_account(msg.creator, "creator")
    if len(msg.action_type.encode()) > MAX_TYPE_URL:
        raise ErrInvalidRequest.wrap("invalid actiontype, max len 512")


def validate_remove_sign_method(msg: Any) -> None:
    check_account(msg.creator, "creator")
    if len(msg.id.encode()) > MAX_TYPE_URL:
        raise ErrInvalidRequest.wrap("invalid id, max len 512")


def validate_multi_grant(msg: Any) -> None:
    check_account(msg.creator, "creator")
    check_account(msg.grantee, "grantee")
    if not msg.msgs:
        raise ErrInvalidRequest.wrap("at least 1 msg type is required")
    for m in msg.msgs:
        if len(m.encode()) > MAX_TYPE_URL:
            raise ErrInvalidRequest.wrap("invalid msg, max len 512")


class PolicyMsgs:
    def __init__(
        self, keeper: PolicyKeeper, engine: Engine, authz: Callable[[], AuthzKeeper | None]
    ) -> None:
        self.k = keeper
        self.engine = engine
        self.authz = authz

    def _params(self, ctx: Context) -> Any:
        p = self.k.params(ctx)
        if p is None:
            raise collections_not_found("params", "zrchain.policy.Params")
        return p

    def update_params(self, ctx: Context, msg: Any) -> Any:
        if msg.authority != GOV_AUTHORITY:
            raise ErrInvalidSigner.wrap(
                f"invalid authority; expected {GOV_AUTHORITY}, got {msg.authority}"
            )
        self.k.set_params(ctx, msg.params)
        return tx_pb2.MsgUpdateParamsResponse()

    def new_policy(self, ctx: Context, msg: Any) -> Any:
        params = self._params(ctx)
        btl = int(msg.btl) or int(params.default_btl)
        btl = max(btl, int(params.minimum_btl))
        if not msg.HasField("policy") or not msg.policy.type_url:
            raise PlainError("policy is required: an Any packing a BoolparserPolicy")
        unpack_policy(msg.policy).validate()
        p = policy_pb2.Policy(creator=msg.creator, name=msg.name, btl=btl)
        p.policy.CopyFrom(msg.policy)
        return tx_pb2.MsgNewPolicyResponse(id=self.k.create_policy(ctx, p))

    def revoke_action(self, ctx: Context, msg: Any) -> Any:
        self.engine.revoke(ctx, msg.creator, int(msg.action_id))
        return tx_pb2.MsgRevokeActionResponse()

    def approve_action(self, ctx: Context, msg: Any) -> Any:
        status = self.engine.approve(
            ctx, msg.creator, msg.action_type, int(msg.action_id), list(msg.additional_signatures)
        )
        return tx_pb2.MsgApproveActionResponse(status=status)

    def add_sign_method(self, ctx: Context, msg: Any) -> Any:
        if not msg.HasField("config") or not msg.config.type_url:
            raise PlainError("empty config")
        sm = unpack_sign_method(msg.config)
        charge_payload(ctx.gas, len(sm.client_data_json) + len(sm.attestation_object), "passkey")
        try:
            verify_config(sm, ctx.tx_bytes)
        except PasskeyError as exc:
            raise PlainError(f"invalid config: {exc}") from None
        sm.active = True
        self.k.set_sign_method(ctx, msg.creator, config_id(bytes(sm.raw_id)), pack_any(sm))
        return tx_pb2.MsgAddSignMethodResponse()

    def remove_sign_method(self, ctx: Context, msg: Any) -> Any:
        cfg = self.k.get_sign_method(ctx, msg.creator, msg.id)
        if cfg is None:
            raise collections_not_found(f"('{msg.creator}', '{msg.id}')", "google.protobuf.Any")
        sm = unpack_sign_method(cfg)
        sm.active = False
        self.k.set_sign_method(ctx, msg.creator, msg.id, pack_any(sm))
        return tx_pb2.MsgRemoveSignMethodResponse()

    def _authz(self) -> AuthzKeeper:
        authz = self.authz()
        if authz is None:  # a wiring error: zrchain/modules.py always passes x/authz
            raise ErrLogic.wrap("the policy module was built without an authz keeper")
        return authz

    def add_multi_grant(self, ctx: Context, msg: Any) -> Any:
        validate_multi_grant(msg)
        authz = self._authz()
        for url in msg.msgs:
            authz.grant_generic(ctx, msg.creator, msg.grantee, url)
        return tx_pb2.MsgAddMultiGrantResponse()

    def remove_multi_grant(self, ctx: Context, msg: Any) -> Any:
        validate_multi_grant(msg)
        authz = self._authz()
        for url in msg.msgs:
            authz.revoke(ctx, msg.creator, msg.grantee, url)
        return tx_pb2.MsgRemoveMultiGrantResponse()

    def routes(self) -> list[MsgRoute]:
        table: list[tuple[Any, Any, Any]] = [
            (tx_pb2.MsgUpdateParams, self.update_params, validate_update_params),
            (tx_pb2.MsgNewPolicy, self.new_policy, validate_new_policy),
            (tx_pb2.MsgRevokeAction, self.revoke_action, validate_creator),
            (tx_pb2.MsgApproveAction, self.approve_action, validate_approve),
            (tx_pb2.MsgAddSignMethod, self.add_sign_method, validate_creator),
            (tx_pb2.MsgRemoveSignMethod, self.remove_sign_method, validate_remove_sign_method),
            (tx_pb2.MsgAddMultiGrant, self.add_multi_grant, validate_multi_grant),
            (tx_pb2.MsgRemoveMultiGrant, self.remove_multi_grant, validate_multi_grant),
        ]
        return [
            MsgRoute(
                cls,
                handler,
                ("authority",) if cls is tx_pb2.MsgUpdateParams else ("creator",),
                validate,
                MODULE,
            )
            for cls, handler, validate in table
        ]
