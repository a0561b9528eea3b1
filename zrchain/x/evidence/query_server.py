"""cosmos.evidence.v1beta1.Query: evidence by hash, and all of it."""

from __future__ import annotations

from cosmpy.protos.cosmos.evidence.v1beta1 import query_pb2 as q

from zrchain import module
from zrchain.context import Context
from zrchain.errors import invalid_argument, not_found
from zrchain.x.evidence.keeper import EvidenceKeeper
from zrchain.x.pagination import page_of


class EvidenceQueryServer(module.QueryServer):
    descriptor = q.DESCRIPTOR.services_by_name["Query"]

    def __init__(self, keeper: EvidenceKeeper) -> None:
        self.k = keeper

    def evidence(self, ctx: Context, req: q.QueryEvidenceRequest) -> q.QueryEvidenceResponse:
        if not req.hash:
            raise invalid_argument("invalid request; hash is empty")
        try:
            h = bytes.fromhex(req.hash)
        except ValueError:
            raise invalid_argument("invalid evidence hash") from None
        found = self.k.evidence(ctx, h)
        if found is None:
            raise not_found(f"evidence {req.hash} not found")
        return q.QueryEvidenceResponse(evidence=found)

    def all_evidence(
        self, ctx: Context, req: q.QueryAllEvidenceRequest
    ) -> q.QueryAllEvidenceResponse:
        items, page = self.k.evidence_page(ctx, page_of(req))
        return q.QueryAllEvidenceResponse(evidence=items, pagination=page)


__all__ = ["EvidenceQueryServer"]
