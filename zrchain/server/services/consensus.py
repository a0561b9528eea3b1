"""``cosmos.consensus.v1.Query/Params``: the consensus params InitChain delivered.

CometBFT hands them over only once, so the app persists them in state (``baseapp/``); this
reads them from the committed version being queried, hence from height 1 on and at past
heights. cosmpy reads ``block.max_gas`` to cap its gas estimate.
"""

from __future__ import annotations

from typing import Any

from cosmpy.protos.cosmos.consensus.v1 import query_pb2 as q
from cosmpy.protos.tendermint.types import params_pb2

from zrchain.baseapp import CONSENSUS_PARAMS_KEY
from zrchain.module import QueryRoute, RestRoute

METHOD = "/cosmos.consensus.v1.Query/Params"
REST_PATH = "/cosmos/consensus/v1/params"


def routes(app: Any) -> list[QueryRoute]:
    def params(ctx: Any, req: q.QueryParamsRequest) -> q.QueryParamsResponse:
        raw = ctx.root.get(CONSENSUS_PARAMS_KEY)
        if raw is None:  # not in this version's state: the copy the app loaded
            return q.QueryParamsResponse(params=app.consensus_params)
        return q.QueryParamsResponse(params=params_pb2.ConsensusParams.FromString(raw))

    return [
        QueryRoute(
            method=METHOD,
            request_class=q.QueryParamsRequest,
            response_class=q.QueryParamsResponse,
            handler=params,
            rest=(RestRoute("GET", REST_PATH),),
            needs_state=True,
        )
    ]
