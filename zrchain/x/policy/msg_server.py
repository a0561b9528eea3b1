"""zrchain.policy.Msg: stateless checks (ValidateBasic), then the engine or the keeper."""

from __future__ import annotations

from zrchain import module
from zrchain.codec.any import pack
from zrchain.codec.gen.zrchain.policy import params_pb2, tx_pb2
from zrchain.context import Context
from zrchain.errors import ErrInvalidRequest, ErrLogic, PlainError
from zrchain.gas import charge_payload
from zrchain.module import validate_basic
from zrchain.x.policy.engine import Engine, unpack_sign_method
from zrchain.x.policy.expected import GenericGrants
from zrchain.x.policy.keeper import PolicyKeeper
from zrchain.x.policy.passkey import PasskeyError, config_id, verify_config
from zrchain.x.policy.types import (
    GOV_AUTHORITY,
    ErrInvalidSigner,
    account_error,
    check_account,
    collections_not_found,
)

MAX_NAME = 255
MAX_TYPE_URL = 512


# -- ValidateBasic ---------------------------------------------------------------------------
def validate_update_params(msg: tx_pb2.MsgUpdateParams) -> None:
    err = account_error(msg.authority)
    if err is not None:
        raise PlainError(f"invalid authority address: {err}")


def validate_creator(msg: tx_pb2.MsgRevokeAction | tx_pb2.MsgAddSignMethod) -> None:
    check_account(msg.creator, "creator")


def validate_new_policy(msg: tx_pb2.MsgNewPolicy) -> None:
    check_account(msg.creator, "creator")
    if len(msg.name.encode()) > MAX_NAME:
        raise ErrInvalidRequest.wrap("invalid name, max len 255")


def validate_approve(msg: tx_pb2.MsgApproveAction) -> None:
    check_account(msg.creator, "creator")
    if len(msg.action_type.encode()) > MAX_TYPE_URL:
        raise ErrInvalidRequest.wrap("invalid actiontype, max len 512")


def validate_remove_sign_method(msg: tx_pb2.MsgRemoveSignMethod) -> None:
    check_account(msg.creator, "creator")
    if len(msg.id.encode()) > MAX_TYPE_URL:
        raise ErrInvalidRequest.wrap("invalid id, max len 512")


def validate_multi_grant(msg: tx_pb2.MsgAddMultiGrant | tx_pb2.MsgRemoveMultiGrant) -> None:
    check_account(msg.creator, "creator")
    check_account(msg.grantee, "grantee")
    if not msg.msgs:
        raise ErrInvalidRequest.wrap("at least 1 msg type is required")
    for m in msg.msgs:
        if len(m.encode()) > MAX_TYPE_URL:
            raise ErrInvalidRequest.wrap("invalid msg, max len 512")


class PolicyMsgServer(module.MsgServer):
    descriptor = tx_pb2.DESCRIPTOR.services_by_name["Msg"]

    def __init__(self, keeper: PolicyKeeper, engine: Engine, authz: GenericGrants | None) -> None:
        self.k = keeper
        self.engine = engine
        self.authz = authz

    def _params(self, ctx: Context) -> params_pb2.Params:
        p = self.k.params(ctx)
        if p is None:
            raise collections_not_found("params", "zrchain.policy.Params")
        return p

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

    @validate_basic(validate_new_policy)
    def new_policy(self, ctx: Context, msg: tx_pb2.MsgNewPolicy) -> tx_pb2.MsgNewPolicyResponse:
        policy = msg.policy if msg.HasField("policy") else None
        pid = self.engine.new_policy(ctx, msg.creator, msg.name, policy, int(msg.btl))
        return tx_pb2.MsgNewPolicyResponse(id=pid)

    @validate_basic(validate_creator)
    def revoke_action(
        self, ctx: Context, msg: tx_pb2.MsgRevokeAction
    ) -> tx_pb2.MsgRevokeActionResponse:
        self.engine.revoke(ctx, msg.creator, int(msg.action_id))
        return tx_pb2.MsgRevokeActionResponse()

    @validate_basic(validate_approve)
    def approve_action(
        self, ctx: Context, msg: tx_pb2.MsgApproveAction
    ) -> tx_pb2.MsgApproveActionResponse:
        status = self.engine.approve(
            ctx, msg.creator, msg.action_type, int(msg.action_id), list(msg.additional_signatures)
        )
        return tx_pb2.MsgApproveActionResponse(status=status)

    @validate_basic(validate_creator)
    def add_sign_method(
        self, ctx: Context, msg: tx_pb2.MsgAddSignMethod
    ) -> tx_pb2.MsgAddSignMethodResponse:
        if not msg.HasField("config") or not msg.config.type_url:
            raise PlainError("empty config")
        sm = unpack_sign_method(msg.config)
        charge_payload(ctx.gas, len(sm.client_data_json) + len(sm.attestation_object), "passkey")
        try:
            verify_config(sm, ctx.tx_bytes)
        except PasskeyError as exc:
            raise PlainError(f"invalid config: {exc}") from None
        sm.active = True
        self.k.set_sign_method(ctx, msg.creator, config_id(bytes(sm.raw_id)), pack(sm))
        return tx_pb2.MsgAddSignMethodResponse()

    @validate_basic(validate_remove_sign_method)
    def remove_sign_method(
        self, ctx: Context, msg: tx_pb2.MsgRemoveSignMethod
    ) -> tx_pb2.MsgRemoveSignMethodResponse:
        cfg = self.k.get_sign_method(ctx, msg.creator, msg.id)
        if cfg is None:
            raise collections_not_found(f"('{msg.creator}', '{msg.id}')", "google.protobuf.Any")
        sm = unpack_sign_method(cfg)
        sm.active = False
        self.k.set_sign_method(ctx, msg.creator, msg.id, pack(sm))
        return tx_pb2.MsgRemoveSignMethodResponse()

    def _authz(self) -> GenericGrants:
        if self.authz is None:  # a wiring error: zrchain/modules.py always passes x/authz
            raise ErrLogic.wrap("the policy module was built without an authz keeper")
        return self.authz

    @validate_basic(validate_multi_grant)
    def add_multi_grant(
        self, ctx: Context, msg: tx_pb2.MsgAddMultiGrant
    ) -> tx_pb2.MsgAddMultiGrantResponse:
        validate_multi_grant(msg)
        authz = self._authz()
        for url in msg.msgs:
            authz.grant_generic(ctx, msg.creator, msg.grantee, url)
        return tx_pb2.MsgAddMultiGrantResponse()

    @validate_basic(validate_multi_grant)
    def remove_multi_grant(
        self, ctx: Context, msg: tx_pb2.MsgRemoveMultiGrant
    ) -> tx_pb2.MsgRemoveMultiGrantResponse:
        validate_multi_grant(msg)
        authz = self._authz()
        for url in msg.msgs:
            authz.revoke(ctx, msg.creator, msg.grantee, url)
        return tx_pb2.MsgRemoveMultiGrantResponse()
