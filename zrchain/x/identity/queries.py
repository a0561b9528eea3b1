"""zrchain.identity.Query handlers (identity.md §6), with the SDK's collection pagination.

Unfiltered listings pass the stored item count to the paginator, so a page costs
O(offset + limit) whatever the number of workspaces or keyrings.
"""

from __future__ import annotations

from typing import Any

from zrchain.codec.gen.zrchain.identity import keyring_pb2, workspace_pb2
from zrchain.codec.gen.zrchain.identity import query_pb2 as q
from zrchain.codec.rest_routes import REST_ROUTES
from zrchain.context import Context
from zrchain.module import QueryRoute, RestRoute
from zrchain.x.identity.keeper import KEYRINGS, WORKSPACES, IdentityKeeper
from zrchain.x.identity.types import ErrNotFound
from zrchain.x.pagination import collection_paginate

SVC = "/zrchain.identity.Query/"


def _page(req: Any) -> Any:
    return req.pagination if req.HasField("pagination") else None


def routes(k: IdentityKeeper) -> list[QueryRoute]:
    def params(ctx: Context, req: Any) -> Any:
        p = k.params(ctx)
        return q.QueryParamsResponse() if p is None else q.QueryParamsResponse(params=p)

    def workspaces(ctx: Context, req: Any) -> Any:
        owner, creator = req.owner, req.creator
        known = None
        if not owner and not creator:
            known = k.workspace_total(ctx)

            def select(key: bytes, raw: bytes) -> Any:
                return workspace_pb2.Workspace.FromString(raw)
        else:

            def select(key: bytes, raw: bytes) -> Any:
                ws = workspace_pb2.Workspace.FromString(raw)
                if (owner and owner in ws.owners) or (creator and ws.creator == creator):
                    return ws
                return None

        items, page = collection_paginate(k.store(ctx), WORKSPACES, _page(req), select, known)
        return q.QueryWorkspacesResponse(workspaces=items, pagination=page)

    def workspace_by_address(ctx: Context, req: Any) -> Any:
        ws = k.get_workspace(ctx, req.workspace_addr)
        if ws is None:
            raise ErrNotFound.wrap(f"workspace {req.workspace_addr} is nil or not found")
        return q.QueryWorkspaceByAddressResponse(workspace=ws)

    def keyrings(ctx: Context, req: Any) -> Any:
        items, page = collection_paginate(
            k.store(ctx),
            KEYRINGS,
            _page(req),
            lambda key, raw: keyring_pb2.Keyring.FromString(raw),
            k.keyring_total(ctx),
        )
        return q.QueryKeyringsResponse(keyrings=items, pagination=page)

    def keyring_by_address(ctx: Context, req: Any) -> Any:
        kr = k.get_keyring(ctx, req.keyring_addr)
        if kr is None:
            raise ErrNotFound.wrap(f"keyring {req.keyring_addr} not found")
        return q.QueryKeyringByAddressResponse(keyring=kr)

    table = [
        ("Params", q.QueryParamsRequest, q.QueryParamsResponse, params),
        ("Workspaces", q.QueryWorkspacesRequest, q.QueryWorkspacesResponse, workspaces),
        (
            "WorkspaceByAddress",
            q.QueryWorkspaceByAddressRequest,
            q.QueryWorkspaceByAddressResponse,
            workspace_by_address,
        ),
        ("Keyrings", q.QueryKeyringsRequest, q.QueryKeyringsResponse, keyrings),
        (
            "KeyringByAddress",
            q.QueryKeyringByAddressRequest,
            q.QueryKeyringByAddressResponse,
            keyring_by_address,
        ),
    ]
    out = []
    for name, req_cls, resp_cls, handler in table:
        method = SVC + name
        verb, path = REST_ROUTES[method]
        out.append(QueryRoute(method, req_cls, resp_cls, handler, (RestRoute(verb, path),)))
    return out
