"""Request state transitions (treasury.md §7, §8) with their fees and events.

Msg handlers and the begin-block timeouts both go through here, so a request changes
status, pays or refunds its fees and emits its event in exactly one place.

A sign request tree is a root (``parent_req_id == 0``) and, when it carries several data
elements, one child per element. Parties answer leaves only (a root without children is
its own leaf). The root completes when every child has a signature; when any part is
rejected or the root times out, the whole tree is closed and the escrow refunded.
"""

from __future__ import annotations

from zrchain.codec.gen.zrchain.treasury import key_pb2, mpcsign_pb2
from zrchain.context import Context
from zrchain.x.treasury.fees import FeeBook
from zrchain.x.treasury.keeper import KIND_KEY, KIND_SIGN, TreasuryKeeper
from zrchain.x.treasury.types import (
    ATTR_REQUEST_ID,
    EVENT_KEY_REQUEST_FULFILLED,
    EVENT_KEY_REQUEST_REJECTED,
    EVENT_SIGN_REQUEST_FULFILLED,
    EVENT_SIGN_REQUEST_REJECTED,
    KR_FULFILLED,
    KR_PARTIAL,
    KR_REJECTED,
    OPEN_SIGN_STATUSES,
    SR_FULFILLED,
    SR_PARTIAL,
    SR_REJECTED,
)

KEY_TIMEOUT_REASON = "Key request timed out"
SIGN_TIMEOUT_REASON = "Signature request timed out"


class Lifecycle:
    def __init__(self, keeper: TreasuryKeeper, fees: FeeBook) -> None:
        self.k = keeper
        self.fees = fees

    # -- key requests ------------------------------------------------------------------------
    def reject_key_request(self, ctx: Context, req: key_pb2.KeyRequest, reason: str) -> None:
        req.status = KR_REJECTED
        req.reject_reason = reason
        self.k.save_key_request(ctx, req)
        self.fees.refund(ctx, KIND_KEY, req.id)
        ctx.emit(EVENT_KEY_REQUEST_REJECTED, (ATTR_REQUEST_ID, str(req.id)))

    def accept_key_response(
        self,
        ctx: Context,
        req: key_pb2.KeyRequest,
        party: str,
        party_signature: bytes,
        public_key: bytes,
        threshold: int,
    ) -> None:
        """Record one party's (validated, matching) public key; complete at the threshold."""
        req.keyring_party_sigs.append(
            key_pb2.PartySignature(creator=party, signature=party_signature)
        )
        req.public_key = public_key
        if len(req.keyring_party_sigs) >= threshold:
            req.status = KR_FULFILLED
            key = key_pb2.Key(
                id=req.id,
                workspace_addr=req.workspace_addr,
                keyring_addr=req.keyring_addr,
                type=req.key_type,
                public_key=public_key,
                index=req.index,
                sign_policy_id=req.sign_policy_id,
            )
            if req.HasField("zenbtc_metadata"):
                key.zenbtc_metadata.CopyFrom(req.zenbtc_metadata)
            self.k.set_key(ctx, key)
            self.k.save_key_request(ctx, req)
            self.fees.pay_out(ctx, KIND_KEY, req.id)
        else:
            req.status = KR_PARTIAL
            self.k.save_key_request(ctx, req)
        ctx.emit(EVENT_KEY_REQUEST_FULFILLED, (ATTR_REQUEST_ID, str(req.id)))

    def time_out_key_request(self, ctx: Context, req: key_pb2.KeyRequest) -> None:
        self.reject_key_request(ctx, req, KEY_TIMEOUT_REASON)

    # -- sign requests -----------------------------------------------------------------------
    def _close(self, ctx: Context, req: mpcsign_pb2.SignRequest, reason: str) -> None:
        req.status = SR_REJECTED
        req.reject_reason = reason
        self.k.save_sign_request(ctx, req)
        ctx.emit(EVENT_SIGN_REQUEST_REJECTED, (ATTR_REQUEST_ID, str(req.id)))

    def _close_open_children(
        self, ctx: Context, root: mpcsign_pb2.SignRequest, reason: str, skip: int = 0
    ) -> None:
        for cid in root.child_req_ids:
            if cid == skip:
                continue
            child = self.k.get_sign_request(ctx, cid)
            if child is not None and child.status in OPEN_SIGN_STATUSES:
                self._close(ctx, child, reason)

    def reject_sign_request(self, ctx: Context, req: mpcsign_pb2.SignRequest, reason: str) -> None:
        """Reject a leaf (or a childless root) and, with it, its whole tree; refund."""
        if req.parent_req_id == 0:
            self._close(ctx, req, reason)
            self._close_open_children(ctx, req, reason)
            self.fees.refund(ctx, KIND_SIGN, req.id)
            return
        self._close(ctx, req, reason)
        root = self.k.get_sign_request(ctx, req.parent_req_id)
        if root is None:
            return
        if root.status in OPEN_SIGN_STATUSES:
            self._close(ctx, root, f"Child request {req.id} rejected with reason: {reason}")
        self._close_open_children(ctx, root, f"Parent request {root.id} rejected", skip=req.id)
        self.fees.refund(ctx, KIND_SIGN, root.id)

    def time_out_sign_request(self, ctx: Context, root: mpcsign_pb2.SignRequest) -> None:
        self._close(ctx, root, SIGN_TIMEOUT_REASON)
        self._close_open_children(ctx, root, SIGN_TIMEOUT_REASON)
        self.fees.refund(ctx, KIND_SIGN, root.id)

    def accept_sign_response(
        self,
        ctx: Context,
        req: mpcsign_pb2.SignRequest,
        party: str,
        party_signature: bytes,
        signature: bytes,
        threshold: int,
    ) -> None:
        """Record one party's verified signature; complete the leaf (and maybe its root)."""
        req.keyring_party_sigs.append(
            key_pb2.PartySignature(creator=party, signature=party_signature)
        )
        if not req.signed_data:
            req.signed_data.append(
                mpcsign_pb2.SignedDataWithID(sign_request_id=req.id, signed_data=signature)
            )
        if len(req.keyring_party_sigs) < threshold:
            req.status = SR_PARTIAL
            self.k.save_sign_request(ctx, req)
            ctx.emit(EVENT_SIGN_REQUEST_FULFILLED, (ATTR_REQUEST_ID, str(req.id)))
            return
        req.status = SR_FULFILLED
        self.k.save_sign_request(ctx, req)
        ctx.emit(EVENT_SIGN_REQUEST_FULFILLED, (ATTR_REQUEST_ID, str(req.id)))
        if req.parent_req_id == 0:
            self.fees.pay_out(ctx, KIND_SIGN, req.id)
            return
        root = self.k.get_sign_request(ctx, req.parent_req_id)
        if root is None or root.status not in OPEN_SIGN_STATUSES:
            return
        entries = {e.sign_request_id: bytes(e.signed_data) for e in root.signed_data}
        entries[req.id] = bytes(req.signed_data[0].signed_data)
        del root.signed_data[:]
        for cid in sorted(entries):
            root.signed_data.append(
                mpcsign_pb2.SignedDataWithID(sign_request_id=cid, signed_data=entries[cid])
            )
        if all(cid in entries for cid in root.child_req_ids):
            root.status = SR_FULFILLED
            self.k.save_sign_request(ctx, root)
            self.fees.pay_out(ctx, KIND_SIGN, root.id)
            ctx.emit(EVENT_SIGN_REQUEST_FULFILLED, (ATTR_REQUEST_ID, str(root.id)))
        else:
            self.k.save_sign_request(ctx, root)
