"""cosmos.upgrade.v1beta1.Query: the current plan, applied upgrades, module versions, the
upgraded consensus state (IBC's; none here) and the authority."""

from __future__ import annotations

from cosmpy.protos.cosmos.upgrade.v1beta1 import query_pb2 as q
from cosmpy.protos.cosmos.upgrade.v1beta1 import upgrade_pb2

from zrchain import module
from zrchain.context import Context
from zrchain.x.gov.types import GOV_AUTHORITY
from zrchain.x.upgrade.keeper import ErrNoModuleVersionFound, UpgradeKeeper


class UpgradeQueryServer(module.QueryServer):
    descriptor = q.DESCRIPTOR.services_by_name["Query"]

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

    def module_versions(
        self, ctx: Context, req: q.QueryModuleVersionsRequest
    ) -> q.QueryModuleVersionsResponse:
        """All recorded versions by name, or the one asked for (upgrade/2 if unknown)."""
        if req.module_name:
            version = self.k.module_version(ctx, req.module_name)
            if version is None:
                raise ErrNoModuleVersionFound.wrap(
                    f"x/upgrade: QueryModuleVersions module {req.module_name} not found"
                )
            found = [(req.module_name, version)]
        else:
            found = self.k.module_versions(ctx)
        return q.QueryModuleVersionsResponse(
            module_versions=[upgrade_pb2.ModuleVersion(name=n, version=v) for n, v in found]
        )

    def upgraded_consensus_state(
        self, ctx: Context, req: q.QueryUpgradedConsensusStateRequest
    ) -> q.QueryUpgradedConsensusStateResponse:
        """The state IBC stored for ``last_height``; empty when none (always here: no IBC
        module writes it), as the SDK answers."""
        state = self.k.upgraded_consensus_state(ctx, req.last_height)
        return q.QueryUpgradedConsensusStateResponse(upgraded_consensus_state=state or b"")

    def authority(self, ctx: Context, req: q.QueryAuthorityRequest) -> q.QueryAuthorityResponse:
        return q.QueryAuthorityResponse(address=GOV_AUTHORITY)


__all__ = ["UpgradeQueryServer"]
