"""zrSign signature requests (docs/treasury.md, zrSign): the EVM bridge, as params
``zr_sign_address``, asks for a signature with an external owner's key, found by
(owner, wallet type, wallet index) in the owner's zrSign workspaces. No policy applies, as
in zrChain; ``cache_id`` (keccak of chain, contract and trace id) makes bridge ingestion
exactly-once. With ``tx`` set the payload is an unsigned transaction, signed as a
sign-transaction request.
"""

from __future__ import annotations

from zrchain.codec.gen.zrchain.treasury import tx_pb2
from zrchain.context import Context
from zrchain.errors import ChainError, ErrInvalidRequest, PlainError
from zrchain.module import validate_basic
from zrchain.x.treasury.sign_requests import verify_bitcoin_plus
from zrchain.x.treasury.sign_tx_requests import SignTransactionRequests
from zrchain.x.treasury.types import ATTR_REQUEST_ID, EVENT_NEW_SIGN_REQUEST
from zrchain.x.treasury.validation import (
    data_for_signing,
    go_hex,
    normalize_owner,
    validate_creator,
)


class ZrSignRequests(SignTransactionRequests):
    @validate_basic(validate_creator)
    def new_zr_sign_signature_request(
        self, ctx: Context, msg: tx_pb2.MsgNewZrSignSignatureRequest
    ) -> tx_pb2.MsgNewZrSignSignatureRequestResponse:
        params = self._params(ctx)
        if not params.zr_sign_address or msg.creator != params.zr_sign_address:
            raise PlainError("creator is not zrsign")
        self._refuse_relayer(ctx, params, msg.creator)
        owner = normalize_owner(msg.address)
        alias = str(msg.key_type)
        try:
            found = self.identity.get_zr_sign_workspaces(ctx, owner, alias)
        except ChainError as exc:
            raise PlainError(f"GetZrSignWorkspaces: {exc.log}") from None
        if len(found) != 1 or alias not in found:
            raise PlainError(f"wallet type workspace not found: {alias}")
        slot = self.k.zrsign_slot(ctx, found[alias], msg.wallet_index)
        key = None if slot is None else self.k.get_key(ctx, slot)  # key id == request id
        if key is None:
            raise PlainError(f"key index not found: {alias}")
        self._active_keyring(ctx, key.keyring_addr)
        self._check_cache_id(ctx, msg.creator, msg.cache_id)
        if msg.tx:
            payload = go_hex(msg.data)
            if not payload:
                raise ErrInvalidRequest.wrap("unsigned transaction cannot be empty")
            meta = msg.metadata if msg.HasField("metadata") else None
            try:
                tid, _ = self._sign_transaction(
                    ctx,
                    msg.creator,
                    [key],
                    msg.wallet_type,
                    payload,
                    meta,
                    bytes(msg.cache_id),
                    bool(msg.no_broadcast),
                )
            except ChainError as exc:
                raise exc.wrap("signatureRequest") from None
            return tx_pb2.MsgNewZrSignSignatureRequestResponse(req_id=tid)
        try:
            data = data_for_signing(msg.data, [key])
            verify_bitcoin_plus(ctx, msg, data)
        except ChainError as exc:
            raise exc.wrap("signatureRequest") from None
        root = self._open_sign_tree(ctx, msg.creator, [key], data, bytes(msg.cache_id))
        ctx.emit(EVENT_NEW_SIGN_REQUEST, (ATTR_REQUEST_ID, str(root)))
        return tx_pb2.MsgNewZrSignSignatureRequestResponse(req_id=root)
