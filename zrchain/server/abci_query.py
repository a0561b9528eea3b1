"""ABCI ``Query``: gRPC method paths through the router, plus the SDK's ``/app`` and
``/store`` paths (raw keys, with a Merkle proof against the app hash when asked)."""

from __future__ import annotations

import json
from typing import Any

from cosmpy.protos.cosmos.store.internal.kv.v1beta1 import kv_pb2
from cosmpy.protos.tendermint.crypto import proof_pb2

from zrchain import __version__
from zrchain.abci import types as abci
from zrchain.context import store_prefix
from zrchain.errors import (
    ErrInvalidHeight,
    ErrInvalidRequest,
    ErrorKind,
    ErrUnknownRequest,
    QueryError,
    Status,
)
from zrchain.server.router import NotReady, QueryRouter
from zrchain.server.services.comet import VIA_ABCI_QUERY
from zrchain.store.app_store import VersionUnavailable
from zrchain.store.kv import iterate_prefix
from zrchain.store.proof import PROOF_TYPE
from zrchain.tx.simulation import SimulationFailed


def _error(kind: ErrorKind, context: str, height: int = 0) -> Any:
    err = kind.wrap(context)
    return abci.ResponseQuery(code=err.code, codespace=err.codespace, log=err.log, height=height)


def answer_query(app: Any, req: Any) -> Any:
    token = VIA_ABCI_QUERY.set(True)
    try:
        return _answer(app, req)
    finally:
        VIA_ABCI_QUERY.reset(token)


def _answer(app: Any, req: Any) -> Any:
    path: str = req.path
    router = QueryRouter(app)
    if path == "/app/version":
        return abci.ResponseQuery(value=__version__.encode(), height=app.store.height)
    if path == "/app/simulate":
        return _simulate(app, req.data)
    if path.startswith("/store/"):
        return _store_query(app, req)
    if path == "/cosmos.tx.v1beta1.Service/BroadcastTx":
        return _error(ErrInvalidRequest, "can't route a broadcast tx message")
    if router.get(path) is None:
        return _error(ErrUnknownRequest, f"unknown query path: {path}")
    try:
        value, height = router.call(path, req.data, int(req.height))
    except NotReady as exc:
        return _error(ErrInvalidHeight, exc.message)
    except QueryError as exc:
        if exc.status == Status.INVALID_ARGUMENT and "future" in exc.message:
            return _error(ErrInvalidHeight, exc.message)
        kind = exc.abci_kind()
        return abci.ResponseQuery(
            code=kind.code, codespace=kind.codespace, log=exc.abci_log(), height=int(req.height)
        )
    return abci.ResponseQuery(value=value, height=height)


def _simulate(app: Any, data: bytes) -> Any:
    """The legacy ``/app/simulate`` path (a JSON body, as the SDK answers it)."""
    try:
        gas_info, result = app.simulate(data)
    except SimulationFailed as exc:
        err = exc.error
        return abci.ResponseQuery(
            code=err.code, codespace=err.codespace, log=f"{err.log} with gas used: '{exc.gas_used}'"
        )
    except QueryError as exc:
        kind = exc.abci_kind()
        return abci.ResponseQuery(code=kind.code, codespace=kind.codespace, log=exc.abci_log())
    body = {
        "gas_info": {"gas_wanted": str(gas_info.gas_wanted), "gas_used": str(gas_info.gas_used)},
        "result": {"data": result.data.hex(), "log": "", "events": []},
    }
    return abci.ResponseQuery(value=json.dumps(body).encode(), height=app.last_height)


def _store_query(app: Any, req: Any) -> Any:
    parts = req.path.split("/")  # ["", "store", <store key>, "key" | "subspace"]
    if len(parts) != 4 or parts[3] not in ("key", "subspace"):
        return _error(ErrUnknownRequest, f"unknown query path: {req.path}")
    store_key, kind = parts[2], parts[3]
    known = {m.store_key for m in app.registry.modules if m.store_key} | {"baseapp"}
    if store_key not in known:
        return _error(ErrUnknownRequest, f"no such store: {store_key}")
    store = app.store
    if store.height == 0:
        return _error(ErrInvalidHeight, f"{app.chain_id} is not ready; please wait for first block")
    if req.height < 0:
        return _error(
            ErrInvalidRequest, "cannot query with height < 0; please provide a valid height"
        )
    if req.height > store.height:
        return _error(
            ErrInvalidHeight,
            "cannot query with height in the future; please provide a valid height",
        )
    try:
        version = store.version(int(req.height))
    except VersionUnavailable as exc:
        return _error(ErrInvalidRequest, str(exc))
    full_key = store_prefix(store_key) + req.data
    if kind == "subspace":
        pairs = kv_pb2.Pairs(
            pairs=[
                kv_pb2.Pair(key=k[len(store_prefix(store_key)) :], value=v)
                for k, v in iterate_prefix(version.kv, full_key)
            ]
        )
        return abci.ResponseQuery(
            key=req.data, value=pairs.SerializeToString(), height=version.height
        )
    if not req.prove:
        return abci.ResponseQuery(
            key=req.data, value=version.get(full_key) or b"", height=version.height
        )
    value, proof = version.prove(full_key)
    ops = proof_pb2.ProofOps(
        ops=[proof_pb2.ProofOp(type=PROOF_TYPE, key=full_key, data=proof.encode())]
    )
    return abci.ResponseQuery(
        key=req.data, value=value or b"", proof_ops=ops, height=version.height
    )
