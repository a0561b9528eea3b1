"""``cosmos.base.tendermint.v1beta1.Service``: blocks, node info, syncing, validator sets and
ABCI queries, answered from CometBFT's RPC as the SDK does (nothing here reads app state).

cosmpy's ``query_height``/``query_chain_id``/``query_latest_block`` read only the deprecated
``block`` field, so it is always filled (``sdk_block`` too).
"""

from __future__ import annotations

from typing import Any

from cosmpy.protos.cosmos.base.tendermint.v1beta1 import query_pb2 as q
from cosmpy.protos.tendermint.types import types_pb2

from zrchain import APP_NAME, __version__, module
from zrchain.errors import invalid_argument
from zrchain.server.services import convert
from zrchain.server.services.comet import Comet

COSMOS_SDK_VERSION = "v0.50.13"  # the SDK line zrChain runs; cosmpy parses it with packaging
DEFAULT_LIMIT = 100  # the SDK's query.DefaultLimit; also CometBFT's maximum per_page
_ABCI_PATHS = ("app", "store", "p2p", "custom")  # what the SDK's ABCIQuery lets through


def fetch_block(comet: Comet, height: int | None = None) -> tuple[types_pb2.BlockID, Any]:
    """(block_id, tendermint.types.Block) of ``height`` (None: the latest)."""
    res = comet.call(lambda rpc: rpc.block(height))
    return convert.block_id(res.get("block_id")), convert.block(res.get("block") or {})


def latest_height(comet: Comet) -> int:
    return convert.int_of(comet.call(lambda rpc: rpc.status())["sync_info"]["latest_block_height"])


def page_of(pagination: Any) -> tuple[int, int]:
    """The SDK's ``ParsePagination``: offset/limit -> CometBFT's (page, per_page)."""
    limit = int(pagination.limit) or DEFAULT_LIMIT
    return int(pagination.offset) // limit + 1, min(limit, DEFAULT_LIMIT)


class TendermintService(module.QueryServer):
    """Blocks, node info, syncing and validator sets, from CometBFT's RPC."""

    descriptor = q.DESCRIPTOR.services_by_name["Service"]
    reads_state = False

    def __init__(self, comet: Comet) -> None:
        self.comet = comet

    def get_node_info(self, ctx: Any, req: q.GetNodeInfoRequest) -> q.GetNodeInfoResponse:
        status = self.comet.call(lambda rpc: rpc.status())
        return q.GetNodeInfoResponse(
            default_node_info=convert.node_info(status.get("node_info") or {}),
            application_version=q.VersionInfo(
                name=APP_NAME,
                app_name=APP_NAME,
                version=__version__,
                cosmos_sdk_version=COSMOS_SDK_VERSION,
            ),
        )

    def get_syncing(self, ctx: Any, req: q.GetSyncingRequest) -> q.GetSyncingResponse:
        status = self.comet.call(lambda rpc: rpc.status())
        return q.GetSyncingResponse(syncing=bool(status["sync_info"].get("catching_up")))

    def get_latest_block(self, ctx: Any, req: q.GetLatestBlockRequest) -> q.GetLatestBlockResponse:
        bid, blk = fetch_block(self.comet)
        return q.GetLatestBlockResponse(block_id=bid, block=blk, sdk_block=convert.sdk_block(blk))

    def get_block_by_height(
        self, ctx: Any, req: q.GetBlockByHeightRequest
    ) -> q.GetBlockByHeightResponse:
        self._check_height(req.height)
        bid, blk = fetch_block(self.comet, req.height)
        return q.GetBlockByHeightResponse(block_id=bid, block=blk, sdk_block=convert.sdk_block(blk))

    def get_latest_validator_set(
        self, ctx: Any, req: q.GetLatestValidatorSetRequest
    ) -> q.GetLatestValidatorSetResponse:
        return self._validators(None, req.pagination, q.GetLatestValidatorSetResponse)

    def get_validator_set_by_height(
        self, ctx: Any, req: q.GetValidatorSetByHeightRequest
    ) -> q.GetValidatorSetByHeightResponse:
        self._check_height(req.height)
        return self._validators(req.height, req.pagination, q.GetValidatorSetByHeightResponse)

    def abci_query(self, ctx: Any, req: q.ABCIQueryRequest) -> q.ABCIQueryResponse:
        if not req.path:
            raise invalid_argument("empty query path")
        first = req.path.strip("/").split("/")[0]
        if first not in _ABCI_PATHS:
            raise invalid_argument(f"unsupported ABCI query path: {req.path}")
        r = self.comet.call(
            lambda rpc: rpc.abci_query(req.path, req.data, int(req.height), req.prove)
        )
        ops = (r.get("proof_ops") or {}).get("ops") or []
        return q.ABCIQueryResponse(
            code=convert.int_of(r.get("code")),
            log=r.get("log", ""),
            info=r.get("info", ""),
            index=convert.int_of(r.get("index")),
            key=convert.b64_bytes(r.get("key")),
            value=convert.b64_bytes(r.get("value")),
            proof_ops=q.ProofOps(
                ops=[
                    q.ProofOp(
                        type=o.get("type", ""),
                        key=convert.b64_bytes(o.get("key")),
                        data=convert.b64_bytes(o.get("data")),
                    )
                    for o in ops
                ]
            ),
            height=convert.int_of(r.get("height")),
            codespace=r.get("codespace", ""),
        )

    # -- helpers -------------------------------------------------------------------------
    def _check_height(self, height: int) -> None:
        if height < 1:
            raise invalid_argument(f"height must be greater than 0, but got {height}")
        if height > latest_height(self.comet):
            raise invalid_argument("requested block height is bigger then the chain length")

    def _validators(self, height: int | None, pagination: Any, response: Any) -> Any:
        page, limit = page_of(pagination)
        res = self.comet.method(
            "validators",
            height=None if height is None else str(height),
            page=str(page),
            per_page=str(limit),
        )
        out = response(block_height=convert.int_of(res.get("block_height")))
        for v in res.get("validators") or []:
            val = out.validators.add(
                address=convert.valcons(convert.hex_bytes(v.get("address"))),
                voting_power=convert.int_of(v.get("voting_power")),
                proposer_priority=convert.int_of(v.get("proposer_priority")),
            )
            key = convert.pub_key_any(v.get("pub_key"))
            if key is not None:
                val.pub_key.CopyFrom(key)
        out.pagination.total = convert.int_of(res.get("total"))
        return out

