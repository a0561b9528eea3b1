"""cosmos.evidence.v1beta1.Msg."""

from __future__ import annotations

from cosmpy.protos.cosmos.evidence.v1beta1 import tx_pb2 as tx

from zrchain import module
from zrchain.context import Context
from zrchain.module import validate_basic
from zrchain.x.evidence.keeper import EvidenceKeeper
from zrchain.x.evidence.types import (
    ErrEvidenceExists,
    ErrNoEvidenceHandlerExists,
    equivocation_hash,
    equivocation_of,
    validate_submit,
)


class EvidenceMsgServer(module.MsgServer):
    descriptor = tx.DESCRIPTOR.services_by_name["Msg"]

    def __init__(self, keeper: EvidenceKeeper) -> None:
        self.k = keeper

    @validate_basic(validate_submit)
    def submit_evidence(
        self, ctx: Context, msg: tx.MsgSubmitEvidence
    ) -> tx.MsgSubmitEvidenceResponse:
        """Equivocations come from CometBFT, not from txs: like the SDK app without an
        evidence router, a submitted one is refused."""
        e = equivocation_of(msg.evidence)
        h = equivocation_hash(e)
        if self.k.evidence(ctx, h) is not None:
            raise ErrEvidenceExists.wrap(h.hex().upper())
        raise ErrNoEvidenceHandlerExists.wrap("equivocation")


__all__ = ["EvidenceMsgServer"]
