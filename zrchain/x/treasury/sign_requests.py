"""Signature requests (docs/treasury.md): the owner of one or more keys asks their
keyrings to sign data (one element per key, fix 4 of docs/COMPATIBILITY.md: all keys under one sign
policy);
a request with several elements becomes a root with one child per element. Parties answer
leaves with a signature that is verified against the key, and a party signature.
"""

from __future__ import annotations

from collections.abc import Sequence

from google.protobuf.any_pb2 import Any as AnyProto

from zrchain.chains.bitcoin import (
    BitcoinTx,
    VerificationStatus,
    VerificationVersion,
    parse_bitcoin_tx,
    verify_data_for_signing,
)
from zrchain.chains.errors import ChainDataError
from zrchain.chains.keys import bitcoin_signature_to_der, verify_signature
from zrchain.codec.gen.zrchain.identity import workspace_pb2
from zrchain.codec.gen.zrchain.treasury import key_pb2, tx_pb2
from zrchain.context import Context
from zrchain.errors import ErrInvalidRequest, PlainError
from zrchain.gas import SIGHASH_COST, charge_payload
from zrchain.module import validate_basic
from zrchain.x.treasury.party import KIND_SIGNATURE as PARTY_SIGNATURE
from zrchain.x.treasury.party import PARTY_SIGNATURE_LENGTH
from zrchain.x.treasury.requests import TreasuryRequests, charge_check
from zrchain.x.treasury.types import (
    ATTR_REQUEST_ID,
    EVENT_NEW_SIGN_REQUEST,
    OPEN_SIGN_STATUSES,
    SR_FULFILLED,
    SR_PARTIAL,
    SR_REJECTED,
    sign_status_name,
)
from zrchain.x.treasury.validation import data_for_signing, validate_creator, validate_fulfilment


def verify_bitcoin_plus(
    ctx: Context,
    msg: tx_pb2.MsgNewSignatureRequest | tx_pb2.MsgNewZrSignSignatureRequest,
    data: Sequence[bytes],
) -> None:
    """BITCOIN_PLUS: every sighash recomputed from the tx, with gas for the bytes parsed
    and for each input hashed, charged before the work."""
    version = int(msg.verify_signing_data_version)
    tx = bytes(msg.verify_signing_data)
    try:
        parsed: BitcoinTx | bytes = tx
        if version == VerificationVersion.BITCOIN_PLUS and tx and data:
            charge_payload(ctx.gas, len(tx), "bitcoin")
            parsed = parse_bitcoin_tx(tx)
            ctx.gas.consume(SIGHASH_COST * len(parsed.inputs), "bitcoin sighash")
        status = verify_data_for_signing(version, parsed, data)
    except ChainDataError as exc:
        raise PlainError(f"error whilst verifying transaction & hashes {exc}") from None
    if status == VerificationStatus.FAILED:
        raise PlainError("transaction & hash verification transaction did not verify")


class SignatureRequests(TreasuryRequests):
    def _authorise(
        self, ctx: Context, creator: str, key_ids: Sequence[int]
    ) -> tuple[list[key_pb2.Key], workspace_pb2.Workspace, int]:
        """fix 4 of docs/COMPATIBILITY.md: every key exists, its workspace is owned by ``creator``,
        its keyring
        is active, and all keys answer to one sign policy. Returns (keys, workspace of the
        first key, the action's policy id)."""
        keys: list[key_pb2.Key] = []
        first_ws: workspace_pb2.Workspace | None = None
        policy_of: dict[int, int] = {}  # policy id -> first key using it (insertion order)
        for kid in key_ids:
            key = self._key(ctx, kid)
            ws = self.identity.get_workspace(ctx, key.workspace_addr)
            if ws is None:
                raise PlainError(f"workspace {key.workspace_addr} not found")
            if creator not in ws.owners:
                raise PlainError(
                    f"creator {creator} is not an owner of workspace {ws.address} (key {kid})"
                )
            self._active_keyring(ctx, key.keyring_addr)
            pid = int(key.sign_policy_id or ws.sign_policy_id)
            if pid:
                policy_of.setdefault(pid, kid)
            if len(policy_of) > 1:
                (p1, k1), (p2, k2) = list(policy_of.items())[:2]
                raise PlainError(
                    "all keys of a signature request must share one sign policy: "
                    f"key {k1} uses policy {p1}, key {k2} uses policy {p2}"
                )
            if first_ws is None:
                first_ws = ws
            keys.append(key)
        assert first_ws is not None
        return keys, first_ws, next(iter(policy_of), 0)

    def _open_sign_tree(
        self,
        ctx: Context,
        creator: str,
        keys: Sequence[key_pb2.Key],
        data: Sequence[bytes],
        cache_id: bytes,
        metadata: AnyProto | None = None,
    ) -> int:
        """The root request (and its children), fees escrowed from ``creator``."""
        fees = self._sign_fees(ctx, keys)
        deadline = self._mpc_deadline(ctx)
        return self.life.open_sign_tree(
            ctx, creator, keys, data, fees, deadline, cache_id, metadata
        )

    @validate_basic(validate_creator)
    def new_signature_request(
        self, ctx: Context, msg: tx_pb2.MsgNewSignatureRequest
    ) -> tx_pb2.MsgNewSignatureRequestResponse:
        if not msg.key_ids:
            raise ErrInvalidRequest.wrap("key ids cannot be empty")
        if not msg.data_for_signing:
            raise ErrInvalidRequest.wrap("data for signing cannot be empty")
        keys, ws, policy_id = self._authorise(ctx, msg.creator, msg.key_ids)
        data = data_for_signing(msg.data_for_signing, keys)
        verify_bitcoin_plus(ctx, msg, data)
        self._check_reserved(msg.key_ids)
        self._check_cache_id(ctx, msg.creator, msg.cache_id)
        result: tx_pb2.MsgNewSignatureRequestResponse = self.engine.submit(
            ctx, msg, policy_id=policy_id, btl=msg.btl, owners=ws.owners
        )
        return result

    def _exec_new_signature_request(
        self, ctx: Context, msg: tx_pb2.MsgNewSignatureRequest
    ) -> tx_pb2.MsgNewSignatureRequestResponse:
        """Once the keys' sign policy approves."""
        keys = [self._key(ctx, kid) for kid in msg.key_ids]
        for key in keys:
            self._active_keyring(ctx, key.keyring_addr)
        data = data_for_signing(msg.data_for_signing, keys)
        verify_bitcoin_plus(ctx, msg, data)
        self._check_cache_id(ctx, msg.creator, msg.cache_id)
        root = self._open_sign_tree(ctx, msg.creator, keys, data, bytes(msg.cache_id))
        ctx.emit(EVENT_NEW_SIGN_REQUEST, (ATTR_REQUEST_ID, str(root)))
        return tx_pb2.MsgNewSignatureRequestResponse(sig_req_id=root)

    @validate_basic(validate_fulfilment)
    def fulfil_signature_request(
        self, ctx: Context, msg: tx_pb2.MsgFulfilSignatureRequest
    ) -> tx_pb2.MsgFulfilSignatureRequestResponse:
        req = self.k.get_sign_request(ctx, msg.request_id)
        if req is None:
            raise PlainError("request not found")
        key = self.k.get_key(ctx, req.key_ids[0]) if req.key_ids else None
        if key is None:
            raise PlainError("key not found")
        kr = self._active_keyring(ctx, key.keyring_addr)
        if msg.creator not in kr.parties:
            raise PlainError("only one party of the keyring can fulfil signature request")
        if req.status not in OPEN_SIGN_STATUSES:
            raise PlainError("request is not pending/partial, can't be updated")
        if req.parent_req_id:
            root = self.k.get_sign_request(ctx, req.parent_req_id)
            if root is None or root.status not in OPEN_SIGN_STATUSES:
                raise PlainError(f"parent request {req.parent_req_id} is closed")
        if req.child_req_ids:
            ids = ",".join(str(i) for i in req.child_req_ids)
            raise PlainError(
                f"request {req.id} is a parent request: answer its child requests {ids}"
            )
        if any(p.creator == msg.creator for p in req.keyring_party_sigs):
            raise PlainError(f"party {msg.creator} already sent a fulfilment")
        if msg.status == SR_REJECTED:
            self._attest_rejection(ctx, msg, req, PARTY_SIGNATURE)
            self.life.reject_sign_request(
                ctx, req, msg.reject_reason or "rejected with no reason provided"
            )
            return tx_pb2.MsgFulfilSignatureRequestResponse()
        if msg.status not in (SR_FULFILLED, SR_PARTIAL):
            raise PlainError(
                f"invalid status field {sign_status_name(msg.status)}, should be either "
                "fulfilled/partial/rejected"
            )
        sent = bytes(msg.signed_data)
        if not sent:
            raise PlainError("missing signature data")
        psig = bytes(msg.keyring_party_signature)
        if len(psig) != PARTY_SIGNATURE_LENGTH:
            raise PlainError("invalid length of mpc party signature")
        self._check_party_signature(ctx, msg.creator, psig, PARTY_SIGNATURE, req.id, sent)
        sig = sent
        # a 65-byte ECDSA signature also has its recovery id recomputed: a second check
        charge_check(ctx, int(key.type), "signature check", 2 if len(sent) == 65 else 1)
        try:
            if key.type == key_pb2.KEY_TYPE_BITCOIN_SECP256K1:
                sig = bitcoin_signature_to_der(sig)
            sig = verify_signature(
                int(key.type),
                bytes(key.public_key),
                bytes(req.data_for_signing[0]) if req.data_for_signing else b"",
                sig,
                key.keyring_addr,
            )
        except ChainDataError as exc:
            raise PlainError(f"signature verification failed: {exc}") from None
        if req.signed_data and bytes(req.signed_data[0].signed_data) != sig:
            first = bytes(req.signed_data[0].signed_data).hex()
            self.life.reject_sign_request(
                ctx, req, f"signed data mismatch, expected {first}, got {sig.hex()}"
            )
            return tx_pb2.MsgFulfilSignatureRequestResponse()
        self.life.accept_sign_response(ctx, req, msg.creator, psig, sig, int(kr.party_threshold))
        return tx_pb2.MsgFulfilSignatureRequestResponse()
