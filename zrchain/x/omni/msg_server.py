"""zrchain.omni.Msg: EVM accounts act on zrChain (docs/zrsign-policies.md).

Gasless Msgs carry an EIP-712 signature: the chain recovers the signer, checks it is the
account named, that the deadline (unix seconds) is not past at the block time and that the
nonce is the account's next one, then uses the nonce. Forwarded Msgs come from the zrSign
account (the bridge) and name the caller of our contract and its network. Either way the
operation then runs as the existing policy and treasury Msgs do, for that account; any
failure fails the tx and changes nothing (the nonce included).
"""

from __future__ import annotations

from google.protobuf.any_pb2 import Any as AnyProto

from zrchain import module
from zrchain.chains.caip import Caip10Error, EvmAccount, parse_caip2_eip155
from zrchain.chains.eip712 import StructType, Value, recover_signer
from zrchain.chains.errors import ChainDataError
from zrchain.chains.evm import normalize_evm_address
from zrchain.codec.address import zr_account_bytes
from zrchain.codec.any import pack
from zrchain.codec.gen.zrchain.omni import tx_pb2
from zrchain.codec.gen.zrchain.policy import policy_pb2
from zrchain.context import Context
from zrchain.errors import ErrInvalidAddress
from zrchain.gas import SIG_VERIFY_COST_SECP256K1
from zrchain.module import validate_basic
from zrchain.x.omni import typed_data
from zrchain.x.omni.expected import Policies, ZrSignOwners
from zrchain.x.omni.keeper import OmniKeeper
from zrchain.x.omni.types import (
    EVENT_EVM_OPERATION,
    ErrBadNonce,
    ErrBadSignature,
    ErrDuplicate,
    ErrExpired,
    ErrInvalid,
    ErrNotZrSign,
)

MAX_NAME = 255


def _check_account(addr: str, what: str) -> None:
    try:
        zr_account_bytes(addr)
    except ValueError as exc:
        raise ErrInvalidAddress.wrap(f"invalid {what} address ({exc})") from None


def _check_evm(addr: str, what: str) -> str:
    try:
        return normalize_evm_address(addr)
    except ChainDataError as exc:
        raise ErrInvalid.wrap(f"{what}: {exc}") from None


def _check_auth(auth: tx_pb2.EvmSignature) -> None:
    _check_evm(auth.address, "signer")
    if len(auth.signature) != 65:
        raise ErrBadSignature.wrap(f"signature must be 65 bytes, got {len(auth.signature)}")


def validate_new_policy(msg: tx_pb2.MsgNewPolicyEvm) -> None:
    _check_account(msg.submitter, "submitter")
    _check_auth(msg.auth)
    if len(msg.op.name.encode()) > MAX_NAME:
        raise ErrInvalid.wrap("invalid name, max len 255")


def validate_signed(
    msg: tx_pb2.MsgSetKeyPolicyEvm | tx_pb2.MsgApproveActionEvm | tx_pb2.MsgRejectActionEvm,
) -> None:
    _check_account(msg.submitter, "submitter")
    _check_auth(msg.auth)


def validate_forwarded(msg: tx_pb2.MsgForwardOwnerCall | tx_pb2.MsgForwardApproval) -> None:
    _check_account(msg.creator, "creator")
    if len(msg.cache_id) != 32:
        raise ErrInvalid.wrap("cache_id must be 32 bytes")


def _policy_any(op: tx_pb2.NewPolicyOp) -> AnyProto:
    return pack(
        policy_pb2.BoolparserPolicy(
            definition=op.definition,
            participants=[policy_pb2.PolicyParticipant(address=p) for p in op.participants],
        )
    )


class OmniMsgServer(module.MsgServer):
    descriptor = tx_pb2.DESCRIPTOR.services_by_name["Msg"]

    def __init__(self, keeper: OmniKeeper, policies: Policies, zrsign: ZrSignOwners) -> None:
        self.k = keeper
        self.policies = policies
        self.zrsign = zrsign

    # -- authentication ----------------------------------------------------------------------
    def _signed_by(
        self,
        ctx: Context,
        auth: tx_pb2.EvmSignature,
        struct: StructType,
        values: dict[str, Value],
    ) -> str:
        """The lower-case address that signed ``values``; uses its nonce."""
        address = _check_evm(auth.address, "signer")
        now = ctx.block_time_seconds
        if now > auth.deadline:
            raise ErrExpired.wrap(f"deadline {auth.deadline} is before the block time {now}")
        expected = self.k.nonce(ctx, address)
        if auth.nonce != expected:
            raise ErrBadNonce.wrap(
                f"nonce {auth.nonce} is not the next nonce {expected} of {address}"
            )
        ctx.gas.consume(SIG_VERIFY_COST_SECP256K1, "EIP-712 signature")
        digest = typed_data.digest(ctx.chain_id, struct, values)
        try:
            signer = recover_signer(digest, bytes(auth.signature))
        except ChainDataError as exc:
            raise ErrBadSignature.wrap(str(exc)) from None
        if signer != address:
            raise ErrBadSignature.wrap(
                f"signed by {signer}, not {address} (or over other data, nonce, deadline or "
                f"chain: the domain is {typed_data.DOMAIN_NAME!r} v{typed_data.DOMAIN_VERSION}"
                f" with salt keccak256({ctx.chain_id!r}))"
            )
        self.k.set_nonce(ctx, address, expected + 1)
        return address

    def _forwarded(self, ctx: Context, creator: str, caip2: str, cache_id: bytes) -> int:
        """The EVM chain id of a call the zrSign account forwards (each event once)."""
        if creator != self.zrsign.zr_sign_account(ctx):
            raise ErrNotZrSign.wrap(f"{creator} is not the zrSign account")
        try:
            chain_id = parse_caip2_eip155(caip2)
        except Caip10Error as exc:
            raise ErrInvalid.wrap(str(exc)) from None
        if self.k.forwarded(ctx, bytes(cache_id)):
            raise ErrDuplicate.wrap(f"cache_id {bytes(cache_id).hex()} already forwarded")
        self.k.set_forwarded(ctx, bytes(cache_id))
        return chain_id

    def _emit(self, ctx: Context, account: EvmAccount, op: str, **attrs: object) -> None:
        ctx.emit(
            EVENT_EVM_OPERATION,
            ("account", str(account)),
            ("operation", op),
            *((k, str(v)) for k, v in attrs.items()),
        )

    # -- gasless -----------------------------------------------------------------------------
    @validate_basic(validate_new_policy)
    def new_policy_evm(
        self, ctx: Context, msg: tx_pb2.MsgNewPolicyEvm
    ) -> tx_pb2.MsgNewPolicyEvmResponse:
        values = typed_data.new_policy_values(msg.auth, msg.op)
        owner = self._signed_by(ctx, msg.auth, typed_data.NEW_POLICY, values)
        account = EvmAccount(owner)
        pid = self.policies.new_policy(
            ctx, str(account), msg.op.name, _policy_any(msg.op), int(msg.op.btl)
        )
        self._emit(ctx, account, "new_policy", policy_id=pid)
        return tx_pb2.MsgNewPolicyEvmResponse(policy_id=pid)

    @validate_basic(validate_signed)
    def set_key_policy_evm(
        self, ctx: Context, msg: tx_pb2.MsgSetKeyPolicyEvm
    ) -> tx_pb2.MsgSetKeyPolicyEvmResponse:
        values = typed_data.set_key_policy_values(msg.auth, msg.op)
        owner = self._signed_by(ctx, msg.auth, typed_data.SET_KEY_POLICY, values)
        kid, aid, status = self._set_key_policy(ctx, EvmAccount(owner), msg.op)
        return tx_pb2.MsgSetKeyPolicyEvmResponse(key_id=kid, action_id=aid, status=status)

    def _set_key_policy(
        self, ctx: Context, account: EvmAccount, op: tx_pb2.SetKeyPolicyOp
    ) -> tuple[int, int, str]:
        kid, aid, status = self.zrsign.set_zr_sign_key_policy(
            ctx, account.address, int(op.wallet_type), int(op.wallet_index), int(op.sign_policy_id)
        )
        self._emit(
            ctx,
            account,
            "set_key_policy",
            key_id=kid,
            sign_policy_id=op.sign_policy_id,
            action_id=aid,
            status=status,
        )
        return kid, aid, status

    @validate_basic(validate_signed)
    def approve_action_evm(
        self, ctx: Context, msg: tx_pb2.MsgApproveActionEvm
    ) -> tx_pb2.MsgApproveActionEvmResponse:
        values = typed_data.approve_action_values(msg.auth, int(msg.action_id))
        signer = self._signed_by(ctx, msg.auth, typed_data.APPROVE_ACTION, values)
        return tx_pb2.MsgApproveActionEvmResponse(
            status=self._approve(ctx, EvmAccount(signer), int(msg.action_id))
        )

    @validate_basic(validate_signed)
    def reject_action_evm(
        self, ctx: Context, msg: tx_pb2.MsgRejectActionEvm
    ) -> tx_pb2.MsgRejectActionEvmResponse:
        values = typed_data.approve_action_values(msg.auth, int(msg.action_id))
        signer = self._signed_by(ctx, msg.auth, typed_data.REJECT_ACTION, values)
        return tx_pb2.MsgRejectActionEvmResponse(
            status=self._reject(ctx, EvmAccount(signer), int(msg.action_id))
        )

    def _reject(self, ctx: Context, account: EvmAccount, action_id: int) -> str:
        before = self.k.rejections(ctx, action_id)
        participant, status = self.policies.reject_as(ctx, str(account), action_id, before)
        if participant not in before:
            self.k.add_rejection(ctx, action_id, participant)
        self._emit(ctx, account, "reject_action", action_id=action_id, status=status)
        return status

    def _approve(self, ctx: Context, account: EvmAccount, action_id: int) -> str:
        status = self.policies.approve_as(ctx, str(account), action_id)
        self._emit(ctx, account, "approve_action", action_id=action_id, status=status)
        return status

    # -- forwarded by the bridge -------------------------------------------------------------
    @validate_basic(validate_forwarded)
    def forward_owner_call(
        self, ctx: Context, msg: tx_pb2.MsgForwardOwnerCall
    ) -> tx_pb2.MsgForwardOwnerCallResponse:
        chain_id = self._forwarded(ctx, msg.creator, msg.caip2, bytes(msg.cache_id))
        account = EvmAccount(_check_evm(msg.owner, "owner"), chain_id)
        which = msg.WhichOneof("op")
        if which == "new_policy":
            op = msg.new_policy
            pid = self.policies.new_policy(ctx, str(account), op.name, _policy_any(op), int(op.btl))
            self._emit(ctx, account, "new_policy", policy_id=pid)
            return tx_pb2.MsgForwardOwnerCallResponse(policy_id=pid)
        if which == "set_key_policy":
            kid, aid, status = self._set_key_policy(ctx, account, msg.set_key_policy)
            return tx_pb2.MsgForwardOwnerCallResponse(key_id=kid, action_id=aid, status=status)
        raise ErrInvalid.wrap("no operation")

    @validate_basic(validate_forwarded)
    def forward_approval(
        self, ctx: Context, msg: tx_pb2.MsgForwardApproval
    ) -> tx_pb2.MsgForwardApprovalResponse:
        chain_id = self._forwarded(ctx, msg.creator, msg.caip2, bytes(msg.cache_id))
        account = EvmAccount(_check_evm(msg.approver, "approver"), chain_id)
        decide = self._reject if msg.reject else self._approve
        return tx_pb2.MsgForwardApprovalResponse(status=decide(ctx, account, int(msg.action_id)))
