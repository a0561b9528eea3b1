"""Registration of x/upgrade (cosmos.upgrade.v1beta1): at the begin block of a plan's
height, run the plan's registered handler, or stop the node with the SDK's log line
(``UPGRADE "name" NEEDED at height: H: info``) so the operator installs the new version."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from zrchain.context import Context
from zrchain.errors import NodeFault
from zrchain.module import Module, Registry, Service
from zrchain.x.upgrade.handlers import UpgradeHandler, load_handlers
from zrchain.x.upgrade.keeper import MODULE, STORE_KEY, UpgradeKeeper
from zrchain.x.upgrade.msg_server import UpgradeMsgServer
from zrchain.x.upgrade.query_server import UpgradeQueryServer


class UpgradeNeeded(NodeFault):
    """The chain reached an upgrade this version has no handler for: the node stops."""

    advice = (
        "Install the version that registers this upgrade's handler, then restart: it "
        "runs the migration at this height and the chain goes on."
    )


@dataclass
class UpgradeModule(Module):
    name: str = MODULE
    consensus_version = 2  # zrChain's
    store_key: str = STORE_KEY
    keeper: UpgradeKeeper = field(default_factory=UpgradeKeeper)
    handlers: dict[str, UpgradeHandler] | None = None  # None: load_handlers() at start
    # Every module's consensus version as this version of the app declares it.
    versions: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.handlers is None:
            self.handlers = load_handlers()

    def bind_registry(self, registry: Registry) -> None:
        self.versions = {m.name: m.consensus_version for m in registry.modules}

    # The SDK's upgrade genesis is ``{}``; InitChain records the app's version map.
    def default_genesis(self) -> dict[str, Any]:
        return {}

    def init_genesis(self, ctx: Context, data: dict[str, Any]) -> None:
        self.keeper.set_module_versions(ctx, self.versions)

    def export_genesis(self, ctx: Context) -> dict[str, Any]:
        return {}

    def services(self) -> Sequence[Service]:
        return (UpgradeMsgServer(self.keeper), UpgradeQueryServer(self.keeper))

    def begin_block(self, ctx: Context) -> None:
        plan = self.keeper.plan(ctx)
        if plan is None:
            return
        handler = (self.handlers or {}).get(plan.name)
        if ctx.height < plan.height:
            if handler is not None and not self.keeper.done_height(ctx, plan.name):
                raise NodeFault(
                    f'BINARY UPDATED BEFORE TRIGGER! UPGRADE "{plan.name}" - in binary but '
                    f"not executed on chain (scheduled at height {plan.height}); run the "
                    "previous version until then"
                )
            return
        if handler is None:
            line = f'UPGRADE "{plan.name}" NEEDED at height: {plan.height}: {plan.info}'
            ctx.log.error(line)
            raise UpgradeNeeded(line)
        ctx.log.info('applying upgrade "%s" at height: %d', plan.name, ctx.height)
        handler(ctx, plan)
        # the migrations brought every module to this version's (the SDK's RunMigrations)
        self.keeper.set_module_versions(ctx, self.versions)
        self.keeper.set_done(ctx, plan.name, ctx.height)
        self.keeper.clear_plan(ctx)
        ctx.emit("upgrade", ("name", plan.name), ("height", str(ctx.height)))

    def cli(self) -> ModuleType:
        from zrchain.x.upgrade import cli

        return cli


__all__ = ["UpgradeModule", "UpgradeNeeded"]
