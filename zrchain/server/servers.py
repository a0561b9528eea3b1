"""The servers ``zrchaind start`` runs beside the ABCI socket (gRPC, REST)."""

from __future__ import annotations

from zrchain.node import ServerFactory


def default_servers() -> list[ServerFactory]:
    return []
