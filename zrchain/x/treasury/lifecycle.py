"""Request state transitions (docs/treasury.md, *Requests and their lifecycle*) with their fees and
events.

Every status a request takes is set here: opened PENDING (fees escrowed), PARTIAL and
FULFILLED as parties answer (fees paid out), REJECTED by a party or by the begin-block MPC
timeout (fees refunded). Msg handlers and the begin-block hook only call these methods, so
a request changes status, moves its fees and emits its event in exactly one place.

A sign request tree is a root (``parent_req_id == 0``) and, when it carries several data
elements, one child per element. Parties answer leaves only (a root without children is
its own leaf). The root completes when every child has a signature; when any part is
rejected or the root times out, the whole tree is closed and the escrow refunded.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from google.protobuf.any_pb2 import Any as AnyProto

from zrchain.codec.gen.zrchain.treasury import key_pb2, mpcsign_pb2
from zrchain.context import Context
from zrchain.errors import ChainError
from zrchain.x.treasury.fees import FeeBook
from zrchain.x.treasury.keeper import KIND_KEY, KIND_SIGN, TreasuryKeeper
from zrchain.x.treasury.types import (
    ATTR_REQUEST_ID,
    EVENT_KEY_REQUEST_FULFILLED,
    EVENT_KEY_REQUEST_REJECTED,
    EVENT_NEW_KEY_REQUEST,
    EVENT_SIGN_REQUEST_FULFILLED,
    EVENT_SIGN_REQUEST_REJECTED,
    KR_FULFILLED,
    KR_PARTIAL,
    KR_PENDING,
    KR_REJECTED,
    OPEN_KEY_STATUSES,
    OPEN_SIGN_STATUSES,
    SR_FULFILLED,
    SR_PARTIAL,
    SR_PENDING,
    SR_REJECTED,
)

KEY_TIMEOUT_REASON = "Key request timed out"
SIGN_TIMEOUT_REASON = "Signature request timed out"


class Lifecycle:
    def __init__(self, keeper: TreasuryKeeper, fees: FeeBook) -> None:
        self.k = keeper
        self.fees = fees

    # -- key requests ------------------------------------------------------------------------
    def open_key_request(self, ctx: Context, req: key_pb2.KeyRequest, payer: str, fee: int) -> int:
        """Store a new PENDING key request, escrow ``fee`` from ``payer`` for its keyring,
        point its zrSign slot at it unless a live request holds the slot; returns its id."""
        req.status = KR_PENDING
        rid = self.k.append_key_request(ctx, req)
        self.fees.collect(ctx, KIND_KEY, rid, payer, [(req.keyring_addr, fee)])
        slot = self.k.zrsign_slot(ctx, req.workspace_addr, req.index)
        held = None if slot is None else self.k.get_key_request(ctx, slot)
        if held is None or held.status == KR_REJECTED:
            self.k.set_zrsign_slot(ctx, req.workspace_addr, req.index, rid)
        ctx.emit(EVENT_NEW_KEY_REQUEST, (ATTR_REQUEST_ID, str(rid)))
        return rid

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
    def open_sign_tree(
        self,
        ctx: Context,
        creator: str,
        keys: Sequence[key_pb2.Key],
        data: Sequence[bytes],
        fees: Sequence[tuple[str, int]],
        mpc_btl: int,
        cache_id: bytes,
        metadata: AnyProto | None = None,
    ) -> int:
        """A new PENDING root sign request (and one PENDING child per element when there
        are several, ``fees[i]`` the keyring and fee of element i), fees escrowed from
        ``creator``, the cache id taken; returns the root id."""
        root = mpcsign_pb2.SignRequest(
            creator=creator,
            key_ids=[k.id for k in keys],
            key_type=keys[0].type,
            data_for_signing=list(data),
            status=SR_PENDING,
            cache_id=cache_id,
            mpc_btl=mpc_btl,
            fee=sum(f for _, f in fees),
        )
        if metadata is not None and metadata.type_url:
            root.metadata.CopyFrom(metadata)
        root_id = self.k.append_sign_request(ctx, root)
        if len(data) > 1:
            for key, item, (_, fee) in zip(keys, data, fees, strict=True):
                child = mpcsign_pb2.SignRequest(
                    creator=creator,
                    key_ids=[key.id],
                    key_type=key.type,
                    data_for_signing=[item],
                    status=SR_PENDING,
                    parent_req_id=root_id,
                    cache_id=cache_id,
                    mpc_btl=mpc_btl,
                    fee=fee,
                )
                root.child_req_ids.append(self.k.append_sign_request(ctx, child))
            self.k.save_sign_request(ctx, root)
        self.fees.collect(ctx, KIND_SIGN, root_id, creator, fees)
        if cache_id:
            self.k.set_cache_owner(ctx, creator, cache_id, root_id)
        return root_id

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

    # -- MPC timeouts (begin block) -----------------------------------------------------------
    def time_out_due(self, ctx: Context, limit: int) -> None:
        """Requests whose ``mpc_btl`` is below this height are rejected and refunded,
        earliest deadline first, at most ``limit`` of each kind per block (the rest in the
        next blocks), docs/treasury.md, *Timeouts*."""
        for rid in self.k.due(ctx, KIND_KEY, ctx.height, limit):
            kreq = self.k.get_key_request(ctx, rid)
            if kreq is not None and kreq.status in OPEN_KEY_STATUSES:
                self._safely(ctx, kreq.id, self.time_out_key_request, kreq)
        for rid in self.k.due(ctx, KIND_SIGN, ctx.height, limit):
            sreq = self.k.get_sign_request(ctx, rid)
            if sreq is not None and sreq.status in OPEN_SIGN_STATUSES:
                self._safely(ctx, sreq.id, self.time_out_sign_request, sreq)

    def _safely(
        self,
        ctx: Context,
        req_id: int,
        step: Callable[[Context, Any], None],
        req: key_pb2.KeyRequest | mpcsign_pb2.SignRequest,
    ) -> None:
        """Run one timeout in a branch; if its refund fails (an escrow shortfall, which the
        fee book never allows), close the request without it rather than halt the chain."""
        child, br = ctx.branch()
        try:
            step(child, req)
        except ChainError as exc:
            ctx.log.error("treasury: timeout of request %d failed: %s", req_id, exc.log)
            if isinstance(req, key_pb2.KeyRequest):
                req.status = KR_REJECTED
                req.reject_reason = f"{KEY_TIMEOUT_REASON} (refund failed)"
                self.k.save_key_request(ctx, req)
            else:
                req.status = SR_REJECTED
                req.reject_reason = f"{SIGN_TIMEOUT_REASON} (refund failed)"
                self.k.save_sign_request(ctx, req)
            return
        br.write()
        ctx.events.extend(child.events)
