"""From an on-chain request to this party's answer: a key, a signature, or a rejection.

Requests arrive as query responses (``KeyReqResponse`` / ``SignReqResponse``, with enum
fields as strings); :class:`Request` is their normalised form. :func:`answer` asks the
backend and turns every "must not sign" (:class:`RefusedError`, malformed requests) into a
rejection with a public reason; transient backend errors propagate so the keeper retries.
:func:`fulfil_msg` builds the Msg, carrying the party signature (docs/treasury.md, *Party
signatures*).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import IntEnum

from zrchain.chains.errors import PublicKeyError
from zrchain.chains.keys import KeyType, key_type
from zrchain.codec.gen.zrchain.treasury import key_pb2, mpcsign_pb2
from zrchain.codec.gen.zrchain.treasury import tx_pb2 as ttx
from zrchain.mpc.backend import KeyRef, RefusedError, RequestKind, SignerBackend
from zrchain.x.treasury.party import sign_party_result

MAX_REJECT_REASON = 512


class Status(IntEnum):
    """Both KeyRequestStatus and SignRequestStatus use these numbers."""

    UNSPECIFIED = 0
    PENDING = 1
    PARTIAL = 2
    FULFILLED = 3
    REJECTED = 4


OPEN = (Status.PENDING, Status.PARTIAL)


def parse_status(value: str | int) -> Status:
    """``KEY_REQUEST_STATUS_PARTIAL`` / ``SIGN_REQUEST_STATUS_PARTIAL`` / 2 -> PARTIAL."""
    if isinstance(value, int):
        try:
            return Status(value)
        except ValueError:
            return Status.UNSPECIFIED
    name = value.rsplit("_STATUS_", 1)[-1]
    return Status.__members__.get(name, Status.UNSPECIFIED)


def parse_key_type(value: str | int) -> KeyType | None:
    try:
        return key_type(value)
    except PublicKeyError:
        return None


@dataclass(frozen=True)
class Request:
    """A key or signature request as the keeper needs it."""

    kind: RequestKind
    id: int
    keyring: str
    status: Status
    key_type: KeyType | None
    key_type_name: str
    answered_by: frozenset[str]
    mpc_btl: int = 0
    workspace: str = ""
    index: int = 0
    key_ids: tuple[int, ...] = ()
    data: tuple[bytes, ...] = ()
    parent_id: int = 0
    child_ids: tuple[int, ...] = ()

    @property
    def ident(self) -> tuple[str, int]:
        return (str(self.kind), self.id)

    @property
    def open(self) -> bool:
        return self.status in OPEN

    @property
    def aggregate(self) -> bool:
        """A signature request whose children carry the work (parties answer leaves only)."""
        return self.kind == RequestKind.SIGNATURE and bool(self.child_ids)

    def needs_answer_from(self, party: str) -> bool:
        return self.open and not self.aggregate and party not in self.answered_by

    @classmethod
    def from_key_response(cls, r: key_pb2.KeyReqResponse, keyring: str = "") -> Request:
        return cls(
            kind=RequestKind.KEY,
            id=int(r.id),
            keyring=str(r.keyring_addr or keyring),
            status=parse_status(r.status),
            key_type=parse_key_type(r.key_type),
            key_type_name=str(r.key_type),
            answered_by=frozenset(p.creator for p in r.keyring_party_signatures),
            mpc_btl=int(r.mpc_btl),
            workspace=str(r.workspace_addr),
            index=int(r.index),
        )

    @classmethod
    def from_sign_response(cls, r: mpcsign_pb2.SignReqResponse, keyring: str = "") -> Request:
        return cls(
            kind=RequestKind.SIGNATURE,
            id=int(r.id),
            keyring=keyring,
            status=parse_status(r.status),
            key_type=parse_key_type(r.key_type),
            key_type_name=str(r.key_type),
            answered_by=frozenset(p.creator for p in r.keyring_party_sigs),
            mpc_btl=int(r.mpc_btl),
            key_ids=tuple(int(k) for k in r.key_ids),
            data=tuple(bytes(d) for d in r.data_for_signing),
            parent_id=int(r.parent_req_id),
            child_ids=tuple(int(c) for c in r.child_req_ids),
        )


@dataclass(frozen=True)
class Answer:
    """This party's answer to one request: ``result`` bytes, or a rejection reason."""

    kind: RequestKind
    request_id: int
    result: bytes = b""
    reject_reason: str = ""

    @property
    def rejected(self) -> bool:
        return bool(self.reject_reason)

    @property
    def ident(self) -> tuple[str, int]:
        return (str(self.kind), self.request_id)


def clip_reason(reason: str) -> str:
    """Rejection reasons are public and at most 512 bytes (MsgFulfilSignatureRequest)."""
    reason = " ".join(reason.split()) or "rejected by keyring party"
    raw = reason.encode()
    if len(raw) <= MAX_REJECT_REASON:
        return reason
    return raw[: MAX_REJECT_REASON - 3].decode(errors="ignore") + "..."


def reject(req: Request, reason: str) -> Answer:
    return Answer(req.kind, req.id, b"", clip_reason(reason))


KeyLookup = Callable[[int], Awaitable[KeyRef | None]]


async def answer(req: Request, backend: SignerBackend, lookup_key: KeyLookup) -> Answer | None:
    """This party's answer to ``req``; None when it is not this party's to answer.

    Raises :class:`zrchain.mpc.backend.TransientError` (and any unexpected error) so the
    caller retries later instead of rejecting.
    """
    if not req.open or req.aggregate:
        return None
    session = backend.ctx.session(req.kind, req.id)
    if req.kind == RequestKind.KEY:
        if req.key_type is None or req.key_type == KeyType.KEY_TYPE_UNSPECIFIED:
            return reject(req, f"unsupported key type {req.key_type_name or 'UNSPECIFIED'}")
        ref = KeyRef(req.keyring, req.id, req.key_type, b"", req.workspace, req.index)
        try:
            return Answer(req.kind, req.id, await backend.generate_key(session, ref))
        except RefusedError as exc:
            return reject(req, exc.reason)
    if len(req.key_ids) != 1 or len(req.data) != 1:
        return reject(
            req,
            f"malformed signature request: expected one key and one data element, got "
            f"{len(req.key_ids)} keys and {len(req.data)} data elements",
        )
    key = await lookup_key(req.key_ids[0])
    if key is None:
        return reject(req, f"unknown key {req.key_ids[0]}: not found")
    if key.keyring != req.keyring and req.keyring:
        return None  # another keyring's key: not ours to answer
    if req.key_type is not None and req.key_type != key.key_type:
        return reject(
            req,
            f"key type mismatch: request says {req.key_type.name}, key {key.key_id} is "
            f"{key.key_type.name}",
        )
    try:
        return Answer(req.kind, req.id, await backend.sign(session, key, req.data[0]))
    except RefusedError as exc:
        return reject(req, exc.reason)


def attested_bytes(ans: Answer) -> bytes:
    """What the party signature covers: the result as sent, or the rejection reason."""
    return ans.result if not ans.rejected else ans.reject_reason.encode()


def party_signature(ans: Answer, account_key: bytes, chain_id: str) -> bytes:
    """The 64-byte party signature with the party's account key (docs/treasury.md)."""
    return sign_party_result(
        account_key, chain_id, str(ans.kind), ans.request_id, attested_bytes(ans)
    )


def fulfil_msg(
    ans: Answer, creator: str, account_key: bytes, chain_id: str
) -> ttx.MsgFulfilKeyRequest | ttx.MsgFulfilSignatureRequest:
    """MsgFulfilKeyRequest / MsgFulfilSignatureRequest for ``ans``."""
    psig = party_signature(ans, account_key, chain_id)
    if ans.kind == RequestKind.KEY:
        if ans.rejected:
            return ttx.MsgFulfilKeyRequest(
                creator=creator,
                request_id=ans.request_id,
                status=key_pb2.KEY_REQUEST_STATUS_REJECTED,
                reject_reason=ans.reject_reason,
                keyring_party_signature=psig,
            )
        return ttx.MsgFulfilKeyRequest(
            creator=creator,
            request_id=ans.request_id,
            status=key_pb2.KEY_REQUEST_STATUS_FULFILLED,
            key=ttx.MsgNewKey(public_key=ans.result),
            keyring_party_signature=psig,
        )
    if ans.rejected:
        return ttx.MsgFulfilSignatureRequest(
            creator=creator,
            request_id=ans.request_id,
            status=mpcsign_pb2.SIGN_REQUEST_STATUS_REJECTED,
            reject_reason=ans.reject_reason,
            keyring_party_signature=psig,
        )
    return ttx.MsgFulfilSignatureRequest(
        creator=creator,
        request_id=ans.request_id,
        status=mpcsign_pb2.SIGN_REQUEST_STATUS_FULFILLED,
        signed_data=ans.result,
        keyring_party_signature=psig,
    )
