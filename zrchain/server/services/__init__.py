"""Query services answered outside module state: the Cosmos Tx service, the Tendermint
block/node service, the consensus params query and the reflection services.

The app adds these routes to its registry at construction, so ABCI Query, gRPC and REST
serve them like any module query. The tx and block services talk to CometBFT's RPC through
one client per app (``settings.extra["rpc_address"]``).
"""

from __future__ import annotations

from typing import Any

from zrchain.module import QueryRoute, QueryServer
from zrchain.server.services import reflection
from zrchain.server.services.comet import DEFAULT_RPC_ADDRESS, Comet
from zrchain.server.services.consensus import ConsensusQueryServer
from zrchain.server.services.tendermint import TendermintService
from zrchain.server.services.tx import TxService


def servers(app: Any) -> list[QueryServer]:
    def rpc_address() -> str:
        extra = getattr(getattr(app, "settings", None), "extra", None) or {}
        return str(extra.get("rpc_address") or DEFAULT_RPC_ADDRESS)

    comet = Comet(rpc_address)
    return [
        TxService(app, comet),
        TendermintService(comet),
        ConsensusQueryServer(app),
        *reflection.servers(app.registry),
    ]


def service_routes(app: Any) -> list[QueryRoute]:
    return [route for server in servers(app) for route in server.routes()]
