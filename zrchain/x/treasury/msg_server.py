"""zrchain.treasury.Msg (docs/treasury.md; fixes 1-5 and 9-12 of docs/COMPATIBILITY.md).

One method per RPC, gathered from the pieces that say what they are: key requests
(``key_requests.py``), signature requests (``sign_requests.py``), sign-transaction
requests (``sign_tx_requests.py``) and zrSign requests (``zrsign.py``); the rest is here.
User requests are policy-gated (declared in ``__init__``): the handler checks, submits the
Msg to the policy engine, and the ``_exec_*`` step runs at once when the policy is already
satisfied, or later inside the ``MsgApproveAction`` that satisfies it. Keyring responses
(fulfil/reject) are accepted only from the keyring's parties, only while the request is
open, and only with a valid party signature; any failed check is a tx error that leaves
the request as it was. Status changes, fees and their events are ``lifecycle.py``'s.
"""

from __future__ import annotations

from zrchain import module
from zrchain.codec.coins import Coin, Coins
from zrchain.codec.gen.zrchain.treasury import tx_pb2
from zrchain.context import Context
from zrchain.errors import ErrNotSupported, PlainError
from zrchain.module import validate_basic
from zrchain.x.policy.gate import PolicyGate
from zrchain.x.policy.policies import AnyInGroup
from zrchain.x.treasury.expected import AccountKeys, EscrowBank, IdentityAccess, PolicyGates
from zrchain.x.treasury.fees import account_bytes
from zrchain.x.treasury.keeper import TreasuryKeeper
from zrchain.x.treasury.key_requests import KeyRequests
from zrchain.x.treasury.types import AUTHORITY, DENOM, ErrInvalidSigner
from zrchain.x.treasury.validation import (
    validate_creator,
    validate_fulfilment,
    validate_params,
    validate_transfer,
    validate_update_params,
)
from zrchain.x.treasury.zrsign import ZrSignRequests


class TreasuryMsgServer(KeyRequests, ZrSignRequests, module.MsgServer):
    """Key requests, signature and sign-transaction requests (through ``ZrSignRequests``,
    which extends them), zrSign, key policies and keyring funds."""

    descriptor = tx_pb2.DESCRIPTOR.services_by_name["Msg"]

    def __init__(
        self,
        keeper: TreasuryKeeper,
        identity: IdentityAccess,
        engine: PolicyGates,
        bank: EscrowBank,
        accounts: AccountKeys,
        reserved_key_ids: frozenset[int] = frozenset(),
    ) -> None:
        super().__init__(keeper, identity, engine, bank, accounts, reserved_key_ids)
        t = tx_pb2
        engine.declare(
            PolicyGate(t.MsgNewKeyRequest, self._exec_new_key_request, self._workspace_owners),
            PolicyGate(
                t.MsgNewSignatureRequest, self._exec_new_signature_request, self._key_owners
            ),
            PolicyGate(
                t.MsgNewSignTransactionRequest,
                self._exec_new_sign_transaction_request,
                self._key_owners,
            ),
            PolicyGate(t.MsgUpdateKeyPolicy, self._exec_update_key_policy, self._policy_key_owners),
            PolicyGate(t.MsgNewZrSignSignatureRequest, self._exec_zr_sign, self._zr_sign_owner),
        )

    # -- the generated policies of actions with policy id 0 (any owner) -------------------
    def _workspace_owners(self, ctx: Context, msg: tx_pb2.MsgNewKeyRequest) -> AnyInGroup:
        return self.identity.any_owner_policy(ctx, msg.workspace_addr)

    def _key_owners(
        self,
        ctx: Context,
        msg: tx_pb2.MsgNewSignatureRequest | tx_pb2.MsgNewSignTransactionRequest,
    ) -> AnyInGroup:
        key = self._key(ctx, msg.key_ids[0])
        return self.identity.any_owner_policy(ctx, key.workspace_addr)

    def _zr_sign_owner(self, ctx: Context, msg: tx_pb2.MsgNewZrSignSignatureRequest) -> AnyInGroup:
        """Never used by zrSign actions (they always name their key's policy)."""
        key = self._zr_sign_key(ctx, msg)
        return self.identity.any_owner_policy(ctx, key.workspace_addr)

    def _policy_key_owners(self, ctx: Context, msg: tx_pb2.MsgUpdateKeyPolicy) -> AnyInGroup:
        return self.identity.any_owner_policy(ctx, self._key(ctx, msg.key_id).workspace_addr)

    # -- params ------------------------------------------------------------------------------
    @validate_basic(validate_update_params)
    def update_params(
        self, ctx: Context, msg: tx_pb2.MsgUpdateParams
    ) -> tx_pb2.MsgUpdateParamsResponse:
        if msg.authority != AUTHORITY:
            raise ErrInvalidSigner.wrap(
                f"invalid authority; expected {AUTHORITY}, got {msg.authority}"
            )
        validate_params(msg.params)
        self.k.set_params(ctx, msg.params)
        return tx_pb2.MsgUpdateParamsResponse()

    # -- key policy, keyring funds -----------------------------------------------------------
    @validate_basic(validate_creator)
    def update_key_policy(
        self, ctx: Context, msg: tx_pb2.MsgUpdateKeyPolicy
    ) -> tx_pb2.MsgUpdateKeyPolicyResponse:
        key = self._key(ctx, msg.key_id)
        ws = self._workspace(ctx, key.workspace_addr)
        if msg.sign_policy_id:
            self.engine.policy_members_are_owners(ctx, msg.sign_policy_id, list(ws.owners))
        result: tx_pb2.MsgUpdateKeyPolicyResponse = self.engine.submit(
            ctx, msg, policy_id=key.sign_policy_id, btl=0, owners=ws.owners
        )
        return result

    def _exec_update_key_policy(
        self, ctx: Context, msg: tx_pb2.MsgUpdateKeyPolicy
    ) -> tx_pb2.MsgUpdateKeyPolicyResponse:
        key = self._key(ctx, msg.key_id)
        key.sign_policy_id = msg.sign_policy_id
        self.k.set_key(ctx, key)
        return tx_pb2.MsgUpdateKeyPolicyResponse()

    @validate_basic(validate_transfer)
    def transfer_from_keyring(
        self, ctx: Context, msg: tx_pb2.MsgTransferFromKeyring
    ) -> tx_pb2.MsgTransferFromKeyringResponse:
        kr = self.identity.get_keyring(ctx, msg.keyring)
        if kr is None:
            raise PlainError(f"keyring {msg.keyring} is nil")
        if msg.creator not in kr.admins:
            raise PlainError(f"initiator {msg.creator} should be admin")
        if msg.recipient not in kr.admins:
            raise PlainError(f"recipient {msg.recipient} should be admin")
        if msg.amount:
            coins = Coins([Coin(msg.denom or DENOM, int(msg.amount))])
            self.bank.send_coins(
                ctx, account_bytes(msg.keyring), account_bytes(msg.recipient), coins
            )
        return tx_pb2.MsgTransferFromKeyringResponse()

    # -- interchain accounts: routed (so their ValidateBasic runs), refused ------------------
    @validate_basic(validate_creator)
    def new_ica_transaction_request(
        self, ctx: Context, msg: tx_pb2.MsgNewICATransactionRequest
    ) -> tx_pb2.MsgNewICATransactionRequestResponse:
        raise _ica_not_supported(msg.DESCRIPTOR.name)

    @validate_basic(validate_fulfilment)
    def fulfil_ica_transaction_request(
        self, ctx: Context, msg: tx_pb2.MsgFulfilICATransactionRequest
    ) -> tx_pb2.MsgFulfilICATransactionRequestResponse:
        raise _ica_not_supported(msg.DESCRIPTOR.name)


def _ica_not_supported(name: str) -> Exception:
    return ErrNotSupported.wrap(
        f"{name}: interchain-account transaction requests are not supported by this chain"
    )
