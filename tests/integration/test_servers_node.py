"""The gRPC and REST doors on a real node (CometBFT v0.38 + zrchaind), driven by cosmpy
unchanged over both transports, plus the REST error shapes and the height header."""

from __future__ import annotations

import hashlib
import json
import socket
import time

import grpc
import pytest
import requests
from cosmpy.aerial.client import LedgerClient, NetworkConfig
from cosmpy.aerial.exceptions import NotFoundError
from cosmpy.protos.cosmos.base.tendermint.v1beta1 import query_pb2 as tm_q
from cosmpy.protos.cosmos.base.tendermint.v1beta1 import query_pb2_grpc as tm_grpc
from cosmpy.protos.cosmos.consensus.v1 import query_pb2 as consensus_q
from cosmpy.protos.cosmos.consensus.v1 import query_pb2_grpc as consensus_grpc
from cosmpy.protos.cosmos.tx.v1beta1 import service_pb2 as tx_svc
from cosmpy.protos.cosmos.tx.v1beta1 import service_pb2_grpc as tx_grpc
from google.protobuf import json_format
from packaging.version import Version

from zrchain.config import load as load_config
from zrchain.config import save as save_config

pytestmark = pytest.mark.node

HEIGHT_HEADER = "x-cosmos-block-height"
UNKNOWN_HASH = "AB" * 32


def client(node, transport: str) -> LedgerClient:
    url = node.grpc_url if transport == "grpc" else node.rest_url
    cfg = NetworkConfig(
        chain_id="zenrock",
        url=url,
        fee_minimum_gas_price=0.0001,
        fee_denomination="urock",
        staking_denomination="urock",
    )
    return LedgerClient(cfg)


def rest(node, path: str, **headers: str) -> requests.Response:
    return requests.get(f"http://127.0.0.1:{node.ports.api}{path}", headers=headers, timeout=10)


@pytest.fixture
def channel(node):
    with grpc.insecure_channel(f"127.0.0.1:{node.ports.grpc}") as ch:
        yield ch


@pytest.mark.parametrize("transport", ["grpc", "rest"])
def test_cosmpy_block_queries(node, transport) -> None:
    c = client(node, transport)
    node.wait_height(3)
    height = c.query_height()
    assert height >= 3
    assert c.query_chain_id() == "zenrock"
    latest = c.query_latest_block()
    assert latest.height >= height and latest.chain_id == "zenrock"
    first = c.query_block(1)
    assert first.height == 1 and first.tx_hashes == []
    assert first.time < latest.time


@pytest.mark.parametrize("transport", ["grpc", "rest"])
def test_cosmpy_consensus_params_and_gas_limit(node, transport) -> None:
    c = client(node, transport)
    params = c.query_consensus_params().params
    assert params.block.max_bytes > 0
    assert params.validator.pub_key_types == ["ed25519"]
    assert c.gas_strategy.block_gas_limit() == int(params.block.max_gas)


@pytest.mark.parametrize("transport", ["grpc", "rest"])
def test_cosmpy_query_tx_of_an_unknown_hash_is_not_found(node, transport) -> None:
    with pytest.raises(NotFoundError):
        client(node, transport).query_tx(UNKNOWN_HASH)


@pytest.mark.parametrize("transport", ["grpc", "rest"])
def test_cosmpy_node_info_parses(node, transport) -> None:
    info = client(node, transport).query_node_info()
    assert info.app_name == "zrchaind"
    assert info.cosmos_sdk_version == Version("0.50.13")


def test_grpc_height_metadata_and_block_by_height(node, channel) -> None:
    node.wait_height(2)
    stub = consensus_grpc.QueryStub(channel)
    resp, call = stub.Params.with_call(
        consensus_q.QueryParamsRequest(), metadata=((HEIGHT_HEADER, "1"),)
    )
    assert resp.params.block.max_bytes > 0
    assert dict(call.initial_metadata())[HEIGHT_HEADER] == "1"
    block = tm_grpc.ServiceStub(channel).GetBlockByHeight(tm_q.GetBlockByHeightRequest(height=2))
    assert block.block.header.height == 2
    assert block.sdk_block.header.proposer_address.startswith("zenvalcons1")
    assert block.block.header.app_hash == bytes.fromhex(
        node.rpc.block(2)["block"]["header"]["app_hash"]
    )


def test_grpc_errors(node, channel) -> None:
    with pytest.raises(grpc.RpcError) as info:
        tx_grpc.ServiceStub(channel).GetTx(tx_svc.GetTxRequest(hash=UNKNOWN_HASH))
    assert info.value.code() == grpc.StatusCode.NOT_FOUND
    assert info.value.details() == f"tx not found: {UNKNOWN_HASH}"
    with pytest.raises(grpc.RpcError) as info:
        channel.unary_unary("/zrchain.nothing.Query/Nothing")(b"", timeout=5)
    assert info.value.code() == grpc.StatusCode.UNIMPLEMENTED


def test_grpc_broadcast_returns_the_check_tx_result(node, channel) -> None:
    garbage = b"not a transaction"
    resp = tx_grpc.ServiceStub(channel).BroadcastTx(
        tx_svc.BroadcastTxRequest(tx_bytes=garbage, mode=tx_svc.BROADCAST_MODE_SYNC)
    )
    r = resp.tx_response
    assert r.txhash == hashlib.sha256(garbage).hexdigest().upper()
    assert r.code != 0 and r.codespace and r.raw_log


def test_abci_query_of_a_cometbft_backed_route_answers_at_once(node) -> None:
    """Through ABCI Query the app's loop must not call CometBFT back (it could deadlock)."""
    started = time.monotonic()
    r = node.rpc.abci_query("/cosmos.base.tendermint.v1beta1.Service/GetLatestBlock")
    assert time.monotonic() - started < 20  # a deadlock hangs; a loaded machine is slow
    assert int(r.get("code", 0)) != 0 and "gRPC or REST" in r.get("log", "")
    node.wait_height(node.height() + 1)  # consensus carries on


def test_rest_height_header(node) -> None:
    node.wait_height(2)
    r = rest(node, "/cosmos/consensus/v1/params", **{HEIGHT_HEADER: "1"})
    assert r.status_code == 200
    assert r.headers["Grpc-Metadata-X-Cosmos-Block-Height"] == "1"
    json_format.Parse(r.text, consensus_q.QueryParamsResponse())  # strict, as cosmpy parses


@pytest.mark.parametrize(
    ("path", "headers", "http", "body"),
    [
        ("/no/such/route", {}, 404, {"code": 5, "message": "Not Found", "details": []}),
        (
            f"/cosmos/tx/v1beta1/txs/{UNKNOWN_HASH}",
            {},
            404,
            {"code": 5, "message": f"tx not found: {UNKNOWN_HASH}", "details": []},
        ),
        (
            "/cosmos/base/tendermint/v1beta1/blocks/abc",
            {},
            400,
            {
                "code": 3,
                "message": "type mismatch, parameter: height, error: expected an integer",
                "details": [],
            },
        ),
        (
            "/cosmos/tx/v1beta1/simulate",
            {},
            501,
            {"code": 12, "message": "Method Not Allowed", "details": []},
        ),
    ],
)
def test_rest_error_shapes(node, path, headers, http, body) -> None:
    r = rest(node, path, **headers)
    assert r.status_code == http
    assert r.json() == body


def test_rest_bad_height_and_future_height(node) -> None:
    for value, text in (("abc", "invalid height header"), ("999999", "height in the future")):
        r = rest(node, "/cosmos/consensus/v1/params", **{HEIGHT_HEADER: value})
        assert r.status_code == 400
        assert r.json()["code"] == 3 and text in r.json()["message"]


def test_rest_tx_search_and_validators_parse_strictly(node) -> None:
    r = rest(node, "/cosmos/tx/v1beta1/txs?query=tx.height>0&limit=5")
    assert r.status_code == 200, r.text
    json_format.Parse(r.text, tx_svc.GetTxsEventResponse())
    r = rest(node, "/cosmos/base/tendermint/v1beta1/validatorsets/latest")
    vals = json_format.Parse(r.text, tm_q.GetLatestValidatorSetResponse())
    assert len(vals.validators) == 1 and vals.validators[0].pub_key.type_url.endswith("PubKey")
    r = rest(node, "/cosmos/tx/v1beta1/txs?query=tx.height%3E%3D%27x")  # bad query syntax
    assert r.status_code == 400 and r.json()["code"] == 3
    assert "invalid query" in r.json()["message"]


def test_rest_broadcast_in_cosmpy_json(node) -> None:
    body = json_format.MessageToDict(
        tx_svc.BroadcastTxRequest(tx_bytes=b"garbage", mode=tx_svc.BROADCAST_MODE_SYNC)
    )
    r = requests.post(
        f"http://127.0.0.1:{node.ports.api}/cosmos/tx/v1beta1/txs", json=body, timeout=10
    )
    assert r.status_code == 200, r.text
    resp = json_format.Parse(r.text, tx_svc.BroadcastTxResponse())
    assert resp.tx_response.txhash == hashlib.sha256(b"garbage").hexdigest().upper()
    assert resp.tx_response.code != 0


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def test_disabled_servers_are_not_started(node_factory) -> None:
    node = node_factory("quiet").init()
    cfg = load_config(node.home)
    cfg.grpc_enable = False
    cfg.api_enable = False
    save_config(node.home, cfg)
    node.start()
    assert not _port_open(node.ports.grpc) and not _port_open(node.ports.api)
    assert json.loads(json.dumps(node.rpc.status()))["node_info"]["network"] == "zenrock"
