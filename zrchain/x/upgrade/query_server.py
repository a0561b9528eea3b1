"""cosmos.upgrade.v1beta1.Query: the current plan, applied upgrades, the authority."""

from __future__ import annotations

from cosmpy.protos.cosmos.upgrade.v1beta1 import query_pb2 as q

from zrchain import module
from zrchain.context import Context
from zrchain.x.gov.types import GOV_AUTHORITY
from zrchain.x.upgrade.keeper import UpgradeKeeper


class UpgradeQueryServer(module.QueryServer):
    descriptor = q.DESCRIPTOR.services_by_name["Query"]
    absent = {
        "UpgradedConsensusState": "no IBC on this node (the SDK deprecated it for IBC's)",
        "ModuleVersions": "modules carry no consensus versions here (migrations are handlers)",
    }

    def __init__(self, keeper: UpgradeKeeper) -> None:
        self.k = keeper

    def current_plan(
        self, ctx: Context, req: q.QueryCurrentPlanRequest
    ) -> q.QueryCurrentPlanResponse:
        plan = self.k.plan(ctx)
        return q.QueryCurrentPlanResponse(plan=plan) if plan else q.QueryCurrentPlanResponse()

    def applied_plan(
        self, ctx: Context, req: q.QueryAppliedPlanRequest
    ) -> q.QueryAppliedPlanResponse:
        return q.QueryAppliedPlanResponse(height=self.k.done_height(ctx, req.name))

    def authority(self, ctx: Context, req: q.QueryAuthorityRequest) -> q.QueryAuthorityResponse:
        return q.QueryAuthorityResponse(address=GOV_AUTHORITY)


__all__ = ["UpgradeQueryServer"]
