"""``cosmos.consensus.v1.Query/Params``: the consensus params InitChain delivered.

CometBFT hands them over only once, so the app persists them in state (``baseapp/``); this
reads them from the committed version being queried, hence from height 1 on and at past
heights. cosmpy reads ``block.max_gas`` to cap its gas estimate.
"""

from __future__ import annotations

from typing import Any

from cosmpy.protos.cosmos.consensus.v1 import query_pb2 as q
from cosmpy.protos.tendermint.types import params_pb2

from zrchain import module
from zrchain.baseapp import CONSENSUS_PARAMS_KEY


class ConsensusQueryServer(module.QueryServer):
    descriptor = q.DESCRIPTOR.services_by_name["Query"]

    def __init__(self, app: Any) -> None:
        self.app = app

    def params(self, ctx: Any, req: q.QueryParamsRequest) -> q.QueryParamsResponse:
        raw = ctx.root.get(CONSENSUS_PARAMS_KEY)
        if raw is None:  # not in this version's state: the copy the app loaded
            return q.QueryParamsResponse(params=self.app.consensus_params)
        return q.QueryParamsResponse(params=params_pb2.ConsensusParams.FromString(raw))
