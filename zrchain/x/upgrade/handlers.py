"""The upgrade-handler registry: what a new node version runs when the chain reaches an
upgrade plan's height (docs/gov.md, "Upgrades").

A release that implements upgrade ``name`` registers one handler for it::

    from zrchain.x.upgrade.handlers import upgrade_handler

    @upgrade_handler("v2")
    def migrate_v2(ctx: Context, plan: upgrade_pb2.Plan) -> None:
        ...  # store migrations, new params; raising stops the node (nothing is committed)

Handlers live in the modules of ``zrchain/upgrades/`` (imported when the node starts) or in
modules named by ``ZRCHAIN_UPGRADE_MODULES`` (comma-separated import paths: how a test or an
operator adds a handler without changing the package).
"""

from __future__ import annotations

import importlib
import os
import pkgutil
from collections.abc import Callable

from cosmpy.protos.cosmos.upgrade.v1beta1 import upgrade_pb2

from zrchain.context import Context

UpgradeHandler = Callable[[Context, upgrade_pb2.Plan], None]
ENV_MODULES = "ZRCHAIN_UPGRADE_MODULES"

_HANDLERS: dict[str, UpgradeHandler] = {}


def upgrade_handler(name: str) -> Callable[[UpgradeHandler], UpgradeHandler]:
    """Register ``fn`` as the handler of upgrade ``name`` (once per name)."""

    def register(fn: UpgradeHandler) -> UpgradeHandler:
        if name in _HANDLERS and _HANDLERS[name] is not fn:
            raise ValueError(f"upgrade handler {name!r} registered twice")
        _HANDLERS[name] = fn
        return fn

    return register


def load_handlers() -> dict[str, UpgradeHandler]:
    """Import the handler modules (the package's and the environment's); the registry."""
    import zrchain.upgrades as pkg

    for info in pkgutil.iter_modules(pkg.__path__):
        importlib.import_module(f"{pkg.__name__}.{info.name}")
    for name in filter(None, (m.strip() for m in os.environ.get(ENV_MODULES, "").split(","))):
        importlib.import_module(name)
    return dict(_HANDLERS)
