"""zrSign signature requests (docs/treasury.md, zrSign): the EVM bridge, as params
``zr_sign_address``, asks for a signature with an external owner's key, found by
(owner, wallet type, wallet index) in the owner's zrSign workspaces. ``cache_id`` (keccak
of chain, contract and trace id) makes bridge ingestion exactly-once. With ``tx`` set the
payload is an unsigned transaction, signed as a sign-transaction request.

A key without a sign policy signs at once, as in zrChain. A key with one (its own, or its
workspace's) turns the request into a policy action (ours, docs/zrsign-policies.md): the
payload is checked now, the action waits for its approvers (EVM accounts on any network,
``zen1…`` accounts, passkeys) until its BTL, and the same signing step runs inside the
approval that satisfies the policy. The action id is found from the request's cache_id
(``zrsign_action`` event, ``zrchain.omni.Query/ZrSignAction``).
"""

from __future__ import annotations

from zrchain.codec.gen.zrchain.treasury import key_pb2, tx_pb2
from zrchain.context import Context
from zrchain.errors import ChainError, ErrInvalidRequest, PlainError
from zrchain.module import validate_basic
from zrchain.x.treasury.sign_requests import verify_bitcoin_plus
from zrchain.x.treasury.sign_tx_requests import SignTransactionRequests
from zrchain.x.treasury.types import (
    ATTR_REQUEST_ID,
    EVENT_NEW_SIGN_REQUEST,
    EVENT_ZRSIGN_ACTION,
)
from zrchain.x.treasury.validation import (
    data_for_signing,
    go_hex,
    normalize_owner,
    validate_creator,
)


class ZrSignRequests(SignTransactionRequests):
    def _zr_sign_key(self, ctx: Context, msg: tx_pb2.MsgNewZrSignSignatureRequest) -> key_pb2.Key:
        """The owner's key of the request, once the creator is the zrSign account."""
        params = self._params(ctx)
        if not params.zr_sign_address or msg.creator != params.zr_sign_address:
            raise PlainError("creator is not zrsign")
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
        return key

    def _zr_sign_policy(self, ctx: Context, key: key_pb2.Key) -> int:
        """The sign policy of a zrSign key: its own, else its workspace's; 0 for none."""
        if key.sign_policy_id:
            return int(key.sign_policy_id)
        return int(self._workspace(ctx, key.workspace_addr).sign_policy_id)

    @validate_basic(validate_creator)
    def new_zr_sign_signature_request(
        self, ctx: Context, msg: tx_pb2.MsgNewZrSignSignatureRequest
    ) -> tx_pb2.MsgNewZrSignSignatureRequestResponse:
        key = self._zr_sign_key(ctx, msg)
        self._check_cache_id(ctx, msg.creator, msg.cache_id)
        policy_id = self._zr_sign_policy(ctx, key)
        if not policy_id:
            return self._exec_zr_sign(ctx, msg)
        cache = bytes(msg.cache_id)
        if not cache:
            raise PlainError("a zrSign request for a key under a sign policy needs a cache_id")
        held = self.k.zrsign_action(ctx, cache)
        if held is not None:
            raise PlainError(f"cache_id {cache.hex()} already used by action {held}")
        policy_data = self._check_zr_sign_payload(ctx, msg, key)
        owner = normalize_owner(msg.address)

        def record(action_id: int) -> None:
            self.k.set_zrsign_action(ctx, owner, cache, action_id)
            ctx.emit(
                EVENT_ZRSIGN_ACTION,
                ("action_id", str(action_id)),
                ("cache_id", cache.hex()),
                ("owner", owner),
                ("key_id", str(key.id)),
                ("policy_id", str(policy_id)),
            )

        result: tx_pb2.MsgNewZrSignSignatureRequestResponse = self.engine.submit(
            ctx,
            msg,
            policy_id=policy_id,
            btl=int(msg.btl),
            owners=None,  # the zrSign account asks for the owner; only approvers approve
            policy_data=policy_data,
            on_action=record,
        )
        return result

    def _check_zr_sign_payload(
        self, ctx: Context, msg: tx_pb2.MsgNewZrSignSignatureRequest, key: key_pb2.Key
    ) -> dict[str, bytes]:
        """Refuse a bad payload before approvers are asked; the action's policy data."""
        try:
            if msg.tx:
                payload = go_hex(msg.data)
                if not payload:
                    raise ErrInvalidRequest.wrap("unsigned transaction cannot be empty")
                meta = msg.metadata if msg.HasField("metadata") else None
                parsed, _, _ = self._parse_tx(ctx, [key], int(msg.wallet_type), payload, meta)
                return {
                    "DataForSigning": parsed.data_for_signing_hex.encode(),
                    "TXVALUE": parsed.tx_value.encode(),
                }
            data = data_for_signing(msg.data, [key])
            verify_bitcoin_plus(ctx, msg, data)
        except ChainError as exc:
            raise exc.wrap("signatureRequest") from None
        return {"DataForSigning": ",".join(d.hex() for d in data).encode()}

    def _exec_zr_sign(
        self, ctx: Context, msg: tx_pb2.MsgNewZrSignSignatureRequest
    ) -> tx_pb2.MsgNewZrSignSignatureRequestResponse:
        """Open the signature (or sign-transaction) request: at once for a key without a
        sign policy, else inside the approval that satisfies it."""
        key = self._zr_sign_key(ctx, msg)
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
