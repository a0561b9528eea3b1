"""The servers ``zrchaind start`` runs beside the ABCI socket (gRPC, REST).

Each factory returns None when its server is disabled in app.toml (``[grpc] enable``,
``[api] enable``).
"""

from __future__ import annotations

from zrchain.node import ServerFactory
from zrchain.server.grpc_server import grpc_factory
from zrchain.server.rest import rest_factory


def default_servers() -> list[ServerFactory]:
    return [grpc_factory, rest_factory]
