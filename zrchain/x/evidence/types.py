"""x/evidence's constants, errors and the Equivocation checks every door shares."""

from __future__ import annotations

import hashlib

from cosmpy.protos.cosmos.evidence.v1beta1 import evidence_pb2
from cosmpy.protos.cosmos.evidence.v1beta1 import tx_pb2 as tx
from google.protobuf.any_pb2 import Any as AnyProto
from google.protobuf.message import DecodeError

from zrchain.codec import address
from zrchain.errors import ChainError, ErrInvalidAddress, register

MODULE = "evidence"
STORE_KEY = "evidence"
EVIDENCE_PREFIX = b"\x00"
EQUIVOCATION_URL = "/cosmos.evidence.v1beta1.Equivocation"

ErrNoEvidenceHandlerExists = register(MODULE, 2, "unregistered handler for evidence type")
ErrInvalidEvidence = register(MODULE, 3, "invalid evidence")
ErrEvidenceExists = register(MODULE, 5, "evidence already exists")


def equivocation_hash(e: evidence_pb2.Equivocation) -> bytes:
    return hashlib.sha256(e.SerializeToString()).digest()


def equivocation_of(any_msg: AnyProto) -> evidence_pb2.Equivocation:
    if any_msg.type_url != EQUIVOCATION_URL:
        raise ErrInvalidEvidence.wrap(f"unsupported evidence type {any_msg.type_url or '(none)'}")
    try:
        e = evidence_pb2.Equivocation.FromString(any_msg.value)
    except DecodeError as exc:
        raise ErrInvalidEvidence.wrap(str(exc)) from None
    if e.time.seconds <= 0:
        raise ErrInvalidEvidence.wrap(f"invalid equivocation time: {e.time.seconds}")
    if e.height < 1:
        raise ErrInvalidEvidence.wrap(f"invalid equivocation height: {e.height}")
    if e.power < 1:
        raise ErrInvalidEvidence.wrap(f"invalid equivocation validator power: {e.power}")
    if not e.consensus_address:
        raise ErrInvalidEvidence.wrap("invalid equivocation validator consensus address")
    return e


def validate_submit(msg: tx.MsgSubmitEvidence) -> None:
    try:
        address.acc_bytes(msg.submitter)
    except ChainError as exc:
        raise ErrInvalidAddress.wrap(f"invalid submitter address: {exc.context}") from None
    equivocation_of(msg.evidence)
