"""Client errors are 4xx with the gateway's error JSON, through every REST and gRPC entry
(issue 11, item 7).

A real app (every module and service route, LevelDB, committed blocks) behind the real REST
gateway, and a real node's gRPC server, driven with garbage: path parameters, query
strings, JSON bodies (deeply nested, bad base64, wrong types) and raw gRPC payloads, for
each route. No answer
may be a 500 / INTERNAL / UNKNOWN: a malformed request is the client's error. (Routes that
ask CometBFT have none here and may answer 503 Unavailable; a Simulate of a well-formed tx
that fails is the SDK's Unknown and is not produced by this garbage.)
"""

from __future__ import annotations

import base64
import json
import random
from collections.abc import Iterator

import grpc
import pytest
import requests
from cosmpy.protos.cosmos.bank.v1beta1 import query_pb2 as bank_q

from zrchain.abci.framing import encode_uvarint
from zrchain.app import ZrChainApp
from zrchain.server.rest import RestServer
from zrchain.testing.inproc import Chain, make_chain
from zrchain.testing.node import TestNode

SIMULATE = "/cosmos/tx/v1beta1/simulate"
GARBAGE = [
    "%ZZ", "%00", "..", "ä", "\u0661\u0660", "-1", "1e999", "18446744073709551616", "0x10",
    "zen1qqqq", "true", "null", "[]", "{}", "'", '"', "a" * 1000, "%2F%2F", "YWJj", "!!!",
]  # fmt: skip
BODIES = [
    b"[" * 100_000 + b"]" * 100_000,  # far past Python's recursion limit
    b'{"tx_bytes": ' + b"[" * 5000 + b"]" * 5000 + b"}",
    b'{"tx": ' + b'{"body": ' * 2000 + b"{}" + b"}" * 2000 + b"}",
    b'{"tx_bytes": "!!!garbage!!!"}',
    b'{"tx_bytes": "' + base64.b64encode(b"\x0a\xff\xff\xff\xff\x0f" * 50) + b'"}',
    b'{"tx_bytes": "' + base64.b64encode(random.Random(7).randbytes(4000)) + b'"}',
    b'{"tx_bytes": 12}',
    b'{"tx": {"body": {"messages": [{"@type": "/no.such.Type"}]}}}',
    b'{"tx": {"body": {"messages": [{"@type": "/cosmos.bank.v1beta1.MsgSend", "amount": 5}]}}}',
    b'{"mode": "BROADCAST_MODE_NOPE", "tx_bytes": "AA=="}',
    b'{"pagination": {"limit": "-1"}}',
    b"\xff\xfe not utf-8",
    b'{"unterminated": "',
    b"null",
    b"[]",
]


@pytest.fixture(scope="module")
def chain(tmp_path_factory) -> Iterator[Chain]:
    c = make_chain(tmp_path_factory.mktemp("rest") / "db", {"alice": "1000000urock"})
    c.blocks(2)
    yield c
    c.app.close()


@pytest.fixture(scope="module")
def rest(chain: Chain) -> Iterator[str]:
    chain.app.settings.extra["rpc_address"] = "tcp://127.0.0.1:1"  # no CometBFT behind it
    server = RestServer(chain.app, "tcp://127.0.0.1:0", workers=4)
    server.start()
    yield f"http://127.0.0.1:{server.port}"
    server.stop()


@pytest.fixture(scope="module")
def node(tmp_path_factory) -> Iterator[TestNode]:
    """A real node: its CometBFT answers the RPC-backed routes (and its gRPC server runs in
    its own process: a gRPC server left in the test process breaks later tests that fork)."""
    n = TestNode(tmp_path_factory.mktemp("grpc")).init().start(wait_height=2)
    yield n
    n.stop()


@pytest.fixture(scope="module")
def channel(node: TestNode) -> Iterator[grpc.Channel]:
    with grpc.insecure_channel(f"127.0.0.1:{node.ports.grpc}") as ch:
        yield ch


def _bindings(app: ZrChainApp) -> list[tuple[str, str, str]]:
    return sorted(
        (r.method.upper(), r.path, r.body) for q in app.registry.queries.values() for r in q.rest
    )


def _fill(template: str, value: str) -> str:
    from urllib.parse import quote

    parts = []
    for part in template.strip("/").split("/"):
        parts.append(quote(value, safe="%") if part.startswith("{") else part)
    return "/" + "/".join(parts)


def _assert_client_error(resp: requests.Response, what: str) -> None:
    assert resp.status_code != 500, f"{what}: 500 {resp.text[:300]}"
    assert resp.headers["Content-Type"].startswith("application/json"), what
    if resp.status_code >= 400:
        body = resp.json()
        assert set(body) == {"code", "message", "details"}, (what, body)
        assert body["code"] not in (2, 13), f"{what}: {body}"  # Unknown / Internal


def test_garbage_in_every_path_and_query_parameter_is_a_client_error(
    chain: Chain, rest: str
) -> None:
    for method, path, _ in _bindings(chain.app):
        for value in GARBAGE:
            url = rest + _fill(path, value)
            short = value[:200]
            resp = requests.request(
                method, url, params={"pagination.limit": short, "height": short,
                                     "pagination.key": short}, timeout=30,
            )  # fmt: skip
            _assert_client_error(resp, f"{method} {path} with {value[:20]!r}")
    # a request line past the HTTP server's 8 KiB is refused by it, still as a client error
    resp = requests.get(rest + "/cosmos/auth/v1beta1/account_info/" + "a" * 9000, timeout=30)
    assert 400 <= resp.status_code < 500


def test_garbage_through_a_real_node_is_a_client_error(chain: Chain, node: TestNode) -> None:
    """The same garbage where CometBFT answers the block, tx and node routes."""
    rest = f"http://127.0.0.1:{node.ports.api}"
    for method, path, _ in _bindings(chain.app):
        for value in GARBAGE:
            short = value[:200]
            resp = requests.request(method, rest + _fill(path, value),
                                    params={"query": short, "events": short, "height": short,
                                            "pagination.offset": short}, timeout=30)  # fmt: skip
            _assert_client_error(resp, f"{method} {path} with {value[:20]!r} (node)")
        if method == "POST":
            for body in BODIES:
                resp = requests.post(rest + _fill(path, "x"), data=body, timeout=60)
                _assert_client_error(resp, f"POST {path} (node)")


@pytest.mark.parametrize("body", BODIES, ids=lambda b: b[:30].decode("latin-1"))
def test_garbage_bodies_are_400_with_the_gateway_error_json(chain: Chain, rest: str,
                                                            body: bytes) -> None:  # fmt: skip
    before = chain.app.store.app_hash
    for method, path, _ in _bindings(chain.app):
        if method != "POST":
            continue
        resp = requests.post(rest + _fill(path, "x"), data=body, timeout=60)
        _assert_client_error(resp, f"POST {path}")
        if path == SIMULATE:
            assert resp.status_code == 400, resp.text
    assert chain.app.store.app_hash == before


def test_simulate_of_garbage_tx_bytes_says_why(rest: str) -> None:
    raw = base64.b64encode(b"\x0a\x05hello").decode()
    resp = requests.post(rest + SIMULATE, data=json.dumps({"tx_bytes": raw}), timeout=30)
    assert resp.status_code == 400
    body = resp.json()
    assert body["code"] == 3 and body["message"].startswith("failed to decode tx: ")
    deep = requests.post(rest + SIMULATE, data=BODIES[0], timeout=30)
    assert deep.status_code == 400
    assert deep.json()["message"] == "invalid JSON body: JSON nested deeper than 64 levels"


def test_garbage_grpc_payloads_are_invalid_argument(chain: Chain, channel: grpc.Channel) -> None:
    rng = random.Random(11)
    payloads = [rng.randbytes(rng.randint(1, 200)) for _ in range(15)]
    payloads += [b"\x0a" * 300, b"\x0a\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x01", b"\xff" * 50]
    nested = bank_q.QueryBalanceRequest(address="x").SerializeToString()
    for _ in range(200):  # deeper than protobuf's recursion limit
        nested = b"\x0a" + encode_uvarint(len(nested)) + nested
    payloads.append(nested)
    for method in sorted(chain.app.registry.queries):
        call = channel.unary_unary(method)
        for data in payloads:
            try:
                call(data, timeout=30)
            except grpc.RpcError as exc:
                assert exc.code() not in (grpc.StatusCode.INTERNAL, grpc.StatusCode.UNKNOWN), (
                    method, exc.code(), exc.details())  # fmt: skip
