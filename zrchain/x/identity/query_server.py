"""zrchain.identity.Query, with the SDK's collection pagination (docs/identity-policy.md).

Unfiltered listings pass the stored item count to the paginator, so a page costs
O(offset + limit) whatever the number of workspaces or keyrings.
"""

from __future__ import annotations

from zrchain import module
from zrchain.codec.gen.zrchain.identity import query_pb2 as q
from zrchain.codec.gen.zrchain.identity import workspace_pb2
from zrchain.context import Context
from zrchain.x.identity.keeper import IdentityKeeper
from zrchain.x.identity.types import ErrNotFound
from zrchain.x.pagination import page_of


class IdentityQueryServer(module.QueryServer):
    descriptor = q.DESCRIPTOR.services_by_name["Query"]

    def __init__(self, keeper: IdentityKeeper) -> None:
        self.k = keeper

    def params(self, ctx: Context, req: q.QueryParamsRequest) -> q.QueryParamsResponse:
        p = self.k.params(ctx)
        return q.QueryParamsResponse() if p is None else q.QueryParamsResponse(params=p)

    def workspaces(self, ctx: Context, req: q.QueryWorkspacesRequest) -> q.QueryWorkspacesResponse:
        owner, creator = req.owner, req.creator

        def keep(ws: workspace_pb2.Workspace) -> bool:
            return bool((owner and owner in ws.owners) or (creator and ws.creator == creator))

        items, page = self.k.workspaces_page(ctx, page_of(req), keep if owner or creator else None)
        return q.QueryWorkspacesResponse(workspaces=items, pagination=page)

    def workspace_by_address(
        self, ctx: Context, req: q.QueryWorkspaceByAddressRequest
    ) -> q.QueryWorkspaceByAddressResponse:
        ws = self.k.get_workspace(ctx, req.workspace_addr)
        if ws is None:
            raise ErrNotFound.wrap(f"workspace {req.workspace_addr} is nil or not found")
        return q.QueryWorkspaceByAddressResponse(workspace=ws)

    def keyrings(self, ctx: Context, req: q.QueryKeyringsRequest) -> q.QueryKeyringsResponse:
        items, page = self.k.keyrings_page(ctx, page_of(req))
        return q.QueryKeyringsResponse(keyrings=items, pagination=page)

    def keyring_by_address(
        self, ctx: Context, req: q.QueryKeyringByAddressRequest
    ) -> q.QueryKeyringByAddressResponse:
        kr = self.k.get_keyring(ctx, req.keyring_addr)
        if kr is None:
            raise ErrNotFound.wrap(f"keyring {req.keyring_addr} not found")
        return q.QueryKeyringByAddressResponse(keyring=kr)
