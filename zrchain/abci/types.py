"""The CometBFT 0.38 ABCI message classes (generated code shipped with cosmpy)."""

from cosmpy.protos.tendermint.abci.types_pb2 import *  # noqa: F403
from cosmpy.protos.tendermint.abci.types_pb2 import (  # noqa: F401
    CheckTxType,
    ExecTxResult,
    Request,
    Response,
    ResponseApplySnapshotChunk,
    ResponseOfferSnapshot,
    ResponseProcessProposal,
    ResponseVerifyVoteExtension,
)
