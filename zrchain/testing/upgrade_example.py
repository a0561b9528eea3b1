"""An upgrade handler for tests: a "new version" of the node that knows upgrade
``v2-test`` (load it with ``ZRCHAIN_UPGRADE_MODULES=zrchain.testing.upgrade_example``).
Its migration sets the gov min deposit to ``MIGRATED_MIN_DEPOSIT``, observable after."""

from __future__ import annotations

from cosmpy.protos.cosmos.upgrade.v1beta1 import upgrade_pb2

from zrchain.context import Context
from zrchain.x.upgrade.handlers import upgrade_handler

NAME = "v2-test"
MIGRATED_MIN_DEPOSIT = "4242424"


@upgrade_handler(NAME)
def migrate(ctx: Context, plan: upgrade_pb2.Plan) -> None:
    gov = ctx.services.module("gov").keeper
    params = gov.params(ctx)
    params.min_deposit[0].amount = MIGRATED_MIN_DEPOSIT
    gov.set_params(ctx, params)
