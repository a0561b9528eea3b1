"""Key requests (docs/treasury.md): a workspace owner asks a keyring for a new key,
under the workspace's sign policy; the keyring's parties answer with the public key (or a
rejection), each with a party signature; at the keyring's threshold the key exists.

zrSign key requests (from params ``zr_sign_address``) bypass policies, as in zrChain, and
are idempotent per (owner, wallet type, index): a repeat returns the request that holds
the slot unless it failed.
"""

from __future__ import annotations

from zrchain.chains.errors import ChainDataError
from zrchain.chains.keys import validate_public_key
from zrchain.codec.address import KEYRING_PREFIX, WORKSPACE_PREFIX
from zrchain.codec.gen.zrchain.identity import keyring_pb2
from zrchain.codec.gen.zrchain.treasury import key_pb2, params_pb2, tx_pb2
from zrchain.context import Context
from zrchain.errors import ChainError, ErrInvalidRequest, PlainError
from zrchain.module import validate_basic
from zrchain.x.treasury.party import KIND_KEY as PARTY_KEY
from zrchain.x.treasury.party import PARTY_SIGNATURE_LENGTH
from zrchain.x.treasury.requests import TreasuryRequests, charge_check
from zrchain.x.treasury.types import (
    KEY_TYPE_STRINGS,
    KR_FULFILLED,
    KR_REJECTED,
    OPEN_KEY_STATUSES,
    ZRSIGN_KEY_TYPES,
    key_status_name,
    key_type_from_string,
)
from zrchain.x.treasury.validation import (
    check_prefixed,
    check_zenbtc_metadata,
    normalize_owner,
    validate_creator,
    validate_fulfilment,
)


class KeyRequests(TreasuryRequests):
    @validate_basic(validate_creator)
    def new_key_request(
        self, ctx: Context, msg: tx_pb2.MsgNewKeyRequest
    ) -> tx_pb2.MsgNewKeyRequestResponse:
        params = self._params(ctx)
        if params.zr_sign_address and msg.creator == params.zr_sign_address:
            self._refuse_relayer(ctx, params, msg.creator)
            return self._zrsign_key_request(ctx, msg, params)
        check_prefixed(msg.workspace_addr, WORKSPACE_PREFIX, 10, "workspace")
        check_prefixed(msg.keyring_addr, KEYRING_PREFIX, 11, "keyring")
        if msg.key_type not in KEY_TYPE_STRINGS:
            raise ErrInvalidRequest.wrap(
                f"invalid keytype {msg.key_type}, valid types [{' '.join(KEY_TYPE_STRINGS)}]"
            )
        ws = self._workspace(ctx, msg.workspace_addr)
        if msg.sign_policy_id:
            self.engine.policy_members_are_owners(ctx, msg.sign_policy_id, list(ws.owners))
        self._active_keyring(ctx, msg.keyring_addr)
        if msg.HasField("zenbtc_metadata"):
            check_zenbtc_metadata(msg.zenbtc_metadata)
        result: tx_pb2.MsgNewKeyRequestResponse = self.engine.submit(
            ctx, msg, policy_id=ws.sign_policy_id, btl=msg.btl, owners=ws.owners
        )
        return result

    def _exec_new_key_request(
        self, ctx: Context, msg: tx_pb2.MsgNewKeyRequest
    ) -> tx_pb2.MsgNewKeyRequestResponse:
        """Once the workspace's sign policy approves."""
        ws = self._workspace(ctx, msg.workspace_addr)
        kr = self._active_keyring(ctx, msg.keyring_addr)
        kt = key_type_from_string(msg.key_type)
        md = msg.zenbtc_metadata if msg.HasField("zenbtc_metadata") else None
        rid = self._open_key_request(
            ctx, msg.creator, msg.creator, ws.address, kr, kt, msg.index, msg.sign_policy_id, md
        )
        return tx_pb2.MsgNewKeyRequestResponse(key_req_id=rid)

    def _open_key_request(
        self,
        ctx: Context,
        creator: str,
        payer: str,
        workspace_addr: str,
        kr: keyring_pb2.Keyring,
        key_type: key_pb2.KeyType,
        index: int,
        sign_policy_id: int,
        metadata: key_pb2.ZenBTCMetadata | None = None,
    ) -> int:
        req = key_pb2.KeyRequest(
            creator=creator,
            workspace_addr=workspace_addr,
            keyring_addr=kr.address,
            key_type=key_type,
            index=index,
            sign_policy_id=sign_policy_id,
            mpc_btl=self._mpc_deadline(ctx),
            fee=kr.key_req_fee,
        )
        if metadata is not None:
            req.zenbtc_metadata.CopyFrom(metadata)
        return self.life.open_key_request(ctx, req, payer, int(kr.key_req_fee))

    def _zrsign_key_request(
        self, ctx: Context, msg: tx_pb2.MsgNewKeyRequest, params: params_pb2.Params
    ) -> tx_pb2.MsgNewKeyRequestResponse:
        kts = ZRSIGN_KEY_TYPES.get(int(msg.ext_key_type))
        if kts is None:
            raise PlainError("covert wallet type to key type: unknown wallet type")
        owner = normalize_owner(msg.ext_requester, "ext_requester")
        kr = self.identity.get_keyring(ctx, params.mpc_keyring)
        if kr is None or not kr.is_active:
            raise PlainError(
                f"newKeyRequest failed: keyring {params.mpc_keyring} is nil or is inactive"
            )
        try:
            ws = self.identity.get_zr_sign_workspace(ctx, owner, int(msg.ext_key_type))
        except ChainError as exc:
            raise exc.wrap("get zr sign workspaces") from None
        # Key harmonisation: one key per (owner, wallet type, walletIndex); repeats return
        # the request that holds the slot unless it failed.
        slot = self.k.zrsign_slot(ctx, ws.address, msg.index)
        if slot is not None:
            held = self.k.get_key_request(ctx, slot)
            if (held is not None and held.status != KR_REJECTED) or self.k.get_key(ctx, slot):
                return tx_pb2.MsgNewKeyRequestResponse(key_req_id=slot)
        rid = self._open_key_request(
            ctx, owner, msg.creator, ws.address, kr, key_type_from_string(kts), msg.index, 0
        )
        return tx_pb2.MsgNewKeyRequestResponse(key_req_id=rid)

    @validate_basic(validate_fulfilment)
    def fulfil_key_request(
        self, ctx: Context, msg: tx_pb2.MsgFulfilKeyRequest
    ) -> tx_pb2.MsgFulfilKeyRequestResponse:
        req = self.k.get_key_request(ctx, msg.request_id)
        if req is None:
            raise PlainError(f"request {msg.request_id} not found")
        kr = self._active_keyring(ctx, req.keyring_addr)
        if msg.creator not in kr.parties:
            raise PlainError("only one party of the keyring can fulfil key request")
        if req.status not in OPEN_KEY_STATUSES:
            raise PlainError(
                f"request {key_status_name(req.status)} is not pending/partial, can't be updated"
            )
        if any(p.creator == msg.creator for p in req.keyring_party_sigs):
            raise PlainError(f"party {msg.creator} already sent a fulfilment")
        if msg.status == KR_REJECTED:
            reason = (
                msg.reject_reason
                if msg.WhichOneof("result") == "reject_reason"
                else "rejected with no reason provided"
            )
            self._attest_rejection(ctx, msg, req, PARTY_KEY)
            self.life.reject_key_request(ctx, req, reason)
            return tx_pb2.MsgFulfilKeyRequestResponse()
        if msg.status != KR_FULFILLED:
            raise PlainError("invalid status field, should be either fulfilled/rejected")
        if msg.WhichOneof("result") != "key" or not msg.key.public_key:
            raise PlainError("invalid or missing public key for fulfilled key request")
        sent = bytes(msg.key.public_key)
        psig = bytes(msg.keyring_party_signature)
        if len(psig) != PARTY_SIGNATURE_LENGTH:
            raise PlainError(f"invalid mpc party signature, should be 64 bytes, is {len(psig)}")
        self._check_party_signature(ctx, msg.creator, psig, PARTY_KEY, req.id, sent)
        charge_check(ctx, int(req.key_type), "public key check")
        try:
            pk = validate_public_key(int(req.key_type), sent)
        except ChainDataError as exc:
            raise PlainError(str(exc)) from None
        if req.public_key and bytes(req.public_key) != pk:
            self.life.reject_key_request(
                ctx,
                req,
                f"public key mismatch, expected {bytes(req.public_key).hex()}, got {pk.hex()}",
            )
            return tx_pb2.MsgFulfilKeyRequestResponse()
        self.life.accept_key_response(ctx, req, msg.creator, psig, pk, int(kr.party_threshold))
        return tx_pb2.MsgFulfilKeyRequestResponse()
