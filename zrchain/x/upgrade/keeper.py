"""The only code that touches the upgrade store.

Layout under ``upgrade/``::

    0x00            -> the scheduled Plan (at most one)
    0x01 name       -> height the upgrade was applied at (8 bytes)
    0x02 module     -> the module's consensus version (8 bytes; the SDK's version map)
    upgradedIBCState/<h>/upgradedConsState -> an upgraded consensus state (the SDK's key;
                       IBC writes it, so nothing does here)
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from cosmpy.protos.cosmos.upgrade.v1beta1 import upgrade_pb2

from zrchain.context import Context
from zrchain.errors import register
from zrchain.store.kv import iterate_prefix

MODULE = "upgrade"
STORE_KEY = "upgrade"
ErrNoModuleVersionFound = register(MODULE, 2, "module version not found")
_PLAN = b"\x00"
_DONE = b"\x01"
_VERSIONS = b"\x02"


class UpgradeKeeper:
    def _store(self, ctx: Context) -> Any:
        return ctx.store(STORE_KEY)

    def plan(self, ctx: Context) -> upgrade_pb2.Plan | None:
        raw = self._store(ctx).get(_PLAN)
        return None if raw is None else upgrade_pb2.Plan.FromString(raw)

    def set_plan(self, ctx: Context, plan: upgrade_pb2.Plan) -> None:
        self._store(ctx).set(_PLAN, plan.SerializeToString())

    def clear_plan(self, ctx: Context) -> None:
        self._store(ctx).delete(_PLAN)

    def done_height(self, ctx: Context, name: str) -> int:
        raw = self._store(ctx).get(_DONE + name.encode())
        return 0 if raw is None else int.from_bytes(raw, "big")

    def set_done(self, ctx: Context, name: str, height: int) -> None:
        self._store(ctx).set(_DONE + name.encode(), height.to_bytes(8, "big"))

    def iterate_done(self, ctx: Context) -> Iterator[tuple[str, int]]:
        for k, v in iterate_prefix(self._store(ctx), _DONE):
            yield k[1:].decode(), int.from_bytes(v, "big")

    # -- the module version map ---------------------------------------------------------
    def set_module_versions(self, ctx: Context, versions: Mapping[str, int]) -> None:
        for name in sorted(versions):
            self._store(ctx).set(_VERSIONS + name.encode(), versions[name].to_bytes(8, "big"))

    def module_versions(self, ctx: Context) -> list[tuple[str, int]]:
        """Every recorded (module, version), by name."""
        return [
            (k[1:].decode(), int.from_bytes(v, "big"))
            for k, v in iterate_prefix(self._store(ctx), _VERSIONS)
        ]

    def module_version(self, ctx: Context, name: str) -> int | None:
        raw = self._store(ctx).get(_VERSIONS + name.encode())
        return None if raw is None else int.from_bytes(raw, "big")

    def upgraded_consensus_state(self, ctx: Context, last_height: int) -> bytes | None:
        return self._store(ctx).get(f"upgradedIBCState/{last_height}/upgradedConsState".encode())
