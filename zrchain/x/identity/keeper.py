"""The only code that touches the identity store.

Layout under ``identity/`` (zrChain's collections prefixes, then ours):

=========  ==============================  =============================================
prefix     key                             value
=========  ==============================  =============================================
``0x00``   keyring address (UTF-8)         ``Keyring``
``0x01``   --                              keyring counter n (8 bytes BE)
``0x02``   workspace address (UTF-8)       ``Workspace``
``0x03``   --                              workspace counter n (8 bytes BE)
``0x04``   --                              ``Params``
``0x05``   --                              number of workspaces (ours: flat paging)
``0x06``   --                              number of keyrings (ours: flat paging)
``0x07``   creator ‖ 0x00 ‖ workspace      empty (ours: zrSign look-ups by creator)
``identity-port-``                         IBC port id
=========  ==============================  =============================================

Creation derives the address from the counter (docs/identity-policy.md, *Addresses*) and, unlike
zrChain, never overwrites:
an address already taken (possible only after a genesis import) is skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from cosmpy.protos.cosmos.base.query.v1beta1.pagination_pb2 import PageRequest, PageResponse

from zrchain.codec.gen.zrchain.identity import keyring_pb2, params_pb2, workspace_pb2
from zrchain.context import Context
from zrchain.store.kv import prefix_end
from zrchain.x.identity.types import STORE_KEY, keyring_address, workspace_address
from zrchain.x.pagination import collection_paginate

KEYRINGS = b"\x00"
KEYRING_COUNT = b"\x01"
WORKSPACES = b"\x02"
WORKSPACE_COUNT = b"\x03"
PARAMS = b"\x04"
WORKSPACE_TOTAL = b"\x05"
KEYRING_TOTAL = b"\x06"
BY_CREATOR = b"\x07"
PORT_KEY = b"identity-port-"

DEFAULT_PARAMS = params_pb2.Params(keyring_creation_fee=10_000_000_000)


def _u64(raw: bytes | None) -> int:
    return int.from_bytes(raw, "big") if raw else 0


class IdentityKeeper:
    """Typed reads and writes of workspaces, keyrings, params and counters."""

    def _s(self, ctx: Context) -> Any:
        return ctx.store(STORE_KEY)

    # -- params / port ---------------------------------------------------------------------
    def params(self, ctx: Context) -> params_pb2.Params | None:
        raw = self._s(ctx).get(PARAMS)
        return None if raw is None else params_pb2.Params.FromString(raw)

    def set_params(self, ctx: Context, p: params_pb2.Params) -> None:
        self._s(ctx).set(PARAMS, p.SerializeToString())

    def port(self, ctx: Context) -> str:
        raw = self._s(ctx).get(PORT_KEY)
        return raw.decode() if raw else ""

    def set_port(self, ctx: Context, port: str) -> None:
        self._s(ctx).set(PORT_KEY, port.encode())

    # -- counters --------------------------------------------------------------------------
    def _get_u64(self, ctx: Context, key: bytes) -> int:
        return _u64(self._s(ctx).get(key))

    def _set_u64(self, ctx: Context, key: bytes, n: int) -> None:
        self._s(ctx).set(key, n.to_bytes(8, "big"))

    def workspace_count(self, ctx: Context) -> int:
        return self._get_u64(ctx, WORKSPACE_COUNT)

    def keyring_count(self, ctx: Context) -> int:
        return self._get_u64(ctx, KEYRING_COUNT)

    def set_counts(self, ctx: Context, workspaces: int, keyrings: int) -> None:
        self._set_u64(ctx, WORKSPACE_COUNT, workspaces)
        self._set_u64(ctx, KEYRING_COUNT, keyrings)

    def workspace_total(self, ctx: Context) -> int:
        return self._get_u64(ctx, WORKSPACE_TOTAL)

    def keyring_total(self, ctx: Context) -> int:
        return self._get_u64(ctx, KEYRING_TOTAL)

    # -- workspaces ------------------------------------------------------------------------
    def get_workspace(self, ctx: Context, addr: str) -> workspace_pb2.Workspace | None:
        raw = self._s(ctx).get(WORKSPACES + addr.encode())
        return None if raw is None else workspace_pb2.Workspace.FromString(raw)

    def set_workspace(self, ctx: Context, ws: workspace_pb2.Workspace) -> None:
        """Store ``ws`` under its address (insert or update)."""
        s = self._s(ctx)
        key = WORKSPACES + ws.address.encode()
        if not s.has(key):
            self._set_u64(ctx, WORKSPACE_TOTAL, self.workspace_total(ctx) + 1)
            s.set(BY_CREATOR + ws.creator.encode() + b"\x00" + ws.address.encode(), b"")
        s.set(key, ws.SerializeToString())

    def create_workspace(self, ctx: Context, ws: workspace_pb2.Workspace) -> str:
        """Give ``ws`` the next derived address, store it and return the address."""
        s = self._s(ctx)
        n = self.workspace_count(ctx) + 1
        while s.has(WORKSPACES + workspace_address(n).encode()):
            n += 1
        ws.address = workspace_address(n)
        self.set_workspace(ctx, ws)
        self._set_u64(ctx, WORKSPACE_COUNT, n)
        return str(ws.address)

    def iterate_workspaces(self, ctx: Context) -> Iterator[workspace_pb2.Workspace]:
        for _, v in self._s(ctx).iterate(WORKSPACES, prefix_end(WORKSPACES)):
            yield workspace_pb2.Workspace.FromString(v)

    def workspaces_by_creator(
        self, ctx: Context, creator: str, limit: int | None = None
    ) -> list[workspace_pb2.Workspace]:
        """Workspaces whose creator is ``creator``, in address order (the Workspaces
        query's order), through the creator index: cost grows with the matches only."""
        prefix = BY_CREATOR + creator.encode() + b"\x00"
        out = []
        for k, _ in self._s(ctx).iterate(prefix, prefix_end(prefix)):
            ws = self.get_workspace(ctx, k[len(prefix) :].decode())
            if ws is None or ws.creator != creator:
                continue
            out.append(ws)
            if limit is not None and len(out) >= limit:
                break
        return out

    # -- keyrings --------------------------------------------------------------------------
    def get_keyring(self, ctx: Context, addr: str) -> keyring_pb2.Keyring | None:
        raw = self._s(ctx).get(KEYRINGS + addr.encode())
        return None if raw is None else keyring_pb2.Keyring.FromString(raw)

    def set_keyring(self, ctx: Context, kr: keyring_pb2.Keyring) -> None:
        s = self._s(ctx)
        key = KEYRINGS + kr.address.encode()
        if not s.has(key):
            self._set_u64(ctx, KEYRING_TOTAL, self.keyring_total(ctx) + 1)
        s.set(key, kr.SerializeToString())

    def create_keyring(self, ctx: Context, kr: keyring_pb2.Keyring) -> str:
        s = self._s(ctx)
        n = self.keyring_count(ctx) + 1
        while s.has(KEYRINGS + keyring_address(n).encode()):
            n += 1
        kr.address = keyring_address(n)
        self.set_keyring(ctx, kr)
        self._set_u64(ctx, KEYRING_COUNT, n)
        return str(kr.address)

    def iterate_keyrings(self, ctx: Context) -> Iterator[keyring_pb2.Keyring]:
        for _, v in self._s(ctx).iterate(KEYRINGS, prefix_end(KEYRINGS)):
            yield keyring_pb2.Keyring.FromString(v)

    # -- pages (the Query service: zrChain's filtered collection pagination) --------------
    def workspaces_page(
        self,
        ctx: Context,
        page: PageRequest | None,
        keep: Callable[[workspace_pb2.Workspace], bool] | None = None,
    ) -> tuple[list[workspace_pb2.Workspace], PageResponse]:
        """Workspaces by address (those ``keep`` accepts). Unfiltered, the stored count
        bounds the scan, so a page costs O(offset + limit)."""
        if keep is None:
            known: int | None = self.workspace_total(ctx)

            def item(_k: bytes, raw: bytes) -> workspace_pb2.Workspace | None:
                return workspace_pb2.Workspace.FromString(raw)
        else:
            known = None

            def item(_k: bytes, raw: bytes) -> workspace_pb2.Workspace | None:
                ws = workspace_pb2.Workspace.FromString(raw)
                return ws if keep(ws) else None

        return collection_paginate(self._s(ctx), WORKSPACES, page, item, known)

    def keyrings_page(
        self, ctx: Context, page: PageRequest | None
    ) -> tuple[list[keyring_pb2.Keyring], PageResponse]:
        return collection_paginate(
            self._s(ctx),
            KEYRINGS,
            page,
            lambda _k, raw: keyring_pb2.Keyring.FromString(raw),
            self.keyring_total(ctx),
        )
