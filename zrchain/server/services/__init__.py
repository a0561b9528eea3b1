"""Query services answered outside module state: the Cosmos Tx service, the Tendermint
block/node service and the consensus params query.

The app adds these routes to its registry at construction, so ABCI Query, gRPC and REST
serve them like any module query. The tx and block services talk to CometBFT's RPC through
one client per app (``settings.extra["rpc_address"]``).
"""

from __future__ import annotations

from typing import Any

from zrchain.module import QueryRoute
from zrchain.server.services import consensus, tendermint, tx
from zrchain.server.services.comet import DEFAULT_RPC_ADDRESS, Comet


def service_routes(app: Any) -> list[QueryRoute]:
    def rpc_address() -> str:
        extra = getattr(getattr(app, "settings", None), "extra", None) or {}
        return str(extra.get("rpc_address") or DEFAULT_RPC_ADDRESS)

    comet = Comet(rpc_address)
    return [*tx.routes(app, comet), *tendermint.routes(comet), *consensus.routes(app)]
