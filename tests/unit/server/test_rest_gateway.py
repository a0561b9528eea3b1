"""The REST door: routing, request building (path, query string, JSON body), rendering,
grpc-gateway error shapes, the height header, and the server's own thread and loop."""

from __future__ import annotations

import asyncio
import base64
import json
import threading
import time

import pytest
import requests
from cosmpy.protos.cosmos.bank.v1beta1 import query_pb2 as bank_q
from cosmpy.protos.cosmos.bank.v1beta1 import tx_pb2 as bank_tx
from cosmpy.protos.cosmos.base.abci.v1beta1 import abci_pb2
from cosmpy.protos.cosmos.base.v1beta1.coin_pb2 import Coin
from cosmpy.protos.cosmos.crypto.secp256k1 import keys_pb2 as _secp256k1  # noqa: F401 (Anys)
from cosmpy.protos.cosmos.tx.signing.v1beta1 import signing_pb2
from cosmpy.protos.cosmos.tx.v1beta1 import service_pb2 as tx_svc
from cosmpy.protos.cosmos.tx.v1beta1 import tx_pb2
from cosmpy.protos.tendermint.types import types_pb2
from google.protobuf import json_format
from google.protobuf.any_pb2 import Any as AnyPb
from server_testkit import BALANCE, BALANCE_REST, HEIGHT

from zrchain.errors import QueryError, Status
from zrchain.module import QueryRoute, RestRoute
from zrchain.server.rest import (
    HEIGHT_RESPONSE_HEADER,
    Gateway,
    RestServer,
    decode_base64,
    http_status,
    parse_listen_address,
    parse_template,
    rest_factory,
    to_json,
)


def _route(method: str, req, *rest: RestRoute) -> QueryRoute:
    return QueryRoute(method, req, req, lambda ctx, r: r, rest=rest)


ROUTES = [
    _route(BALANCE, bank_q.QueryBalanceRequest, RestRoute("GET", BALANCE_REST)),
    _route("/t.S/Latest", bank_q.QueryBalanceRequest, RestRoute("GET", "/t/blocks/latest")),
    _route("/t.S/ByHeight", tx_svc.GetBlockWithTxsRequest, RestRoute("GET", "/t/blocks/{height}")),
    _route("/t.S/Txs", tx_svc.GetTxsEventRequest, RestRoute("GET", "/t/txs")),
    _route("/t.S/Events", tx_svc.GetTxsEventRequest, RestRoute("GET", "/t/events/{events}")),
    _route("/t.S/Page", tx_svc.GetTxsEventRequest, RestRoute("GET", "/t/page/{pagination.limit}")),
    _route("/t.S/Denom", bank_q.QueryDenomMetadataRequest, RestRoute("GET", "/t/denom/{denom=**}")),
    _route("/t.S/Header", types_pb2.Header, RestRoute("GET", "/t/header")),
    _route("/t.S/Simulate", tx_svc.SimulateRequest, RestRoute("POST", "/t/simulate", "*")),
    _route("/t.S/Broadcast", tx_svc.BroadcastTxRequest, RestRoute("POST", "/t/txs", "*")),
]
GATEWAY = Gateway(ROUTES)


def build(path: str, query: str = "", method: str = "GET", body: bytes = b""):
    match = GATEWAY.resolve(method, path)
    pairs = [tuple(p.split("=", 1)) for p in query.split("&") if p]
    return match.binding.route.method, GATEWAY.build_request(match, pairs, body)


def error_of(fn) -> QueryError:
    with pytest.raises(QueryError) as info:
        fn()
    return info.value


def signed_tx() -> tx_pb2.Tx:
    """A Tx shaped like cosmpy's (MsgSend Any, secp256k1 signer, direct mode)."""
    send = bank_tx.MsgSend(
        from_address="zen1a", to_address="zen1b", amount=[Coin(denom="urock", amount="5")]
    )
    tx = tx_pb2.Tx(signatures=[b"\x01" * 64])
    tx.body.messages.add(type_url="/cosmos.bank.v1beta1.MsgSend", value=send.SerializeToString())
    tx.body.memo = "hi"
    signer = tx.auth_info.signer_infos.add(sequence=3)
    signer.public_key.CopyFrom(
        AnyPb(type_url="/cosmos.crypto.secp256k1.PubKey", value=b"\x0a\x21" + b"\x02" * 33)
    )
    signer.mode_info.single.mode = signing_pb2.SIGN_MODE_DIRECT
    tx.auth_info.fee.gas_limit = 200000
    return tx


# -- routing ---------------------------------------------------------------------------
def test_path_parameters_and_literals() -> None:
    method, msg = build("/cosmos/bank/v1beta1/balances/zen1xyz/by_denom", "denom=urock")
    assert method == BALANCE
    assert (msg.address, msg.denom) == ("zen1xyz", "urock")


@pytest.mark.parametrize(
    ("path", "method"),
    [("/t/blocks/latest", "/t.S/Latest"), ("/t/blocks/7", "/t.S/ByHeight")],
)
def test_a_literal_segment_wins_over_a_variable(path, method) -> None:
    assert GATEWAY.resolve("GET", path).binding.route.method == method


def test_double_star_captures_slashes_and_percent_escapes_are_decoded() -> None:
    assert build("/t/denom/ibc/ABC")[1].denom == "ibc/ABC"
    assert build("/t/denom/ibc%2FABC")[1].denom == "ibc/ABC"
    assert build("/cosmos/bank/v1beta1/balances/a%20b/by_denom")[1].address == "a b"


def test_a_trailing_slash_is_tolerated() -> None:
    assert GATEWAY.resolve("GET", "/t/blocks/latest/").binding.route.method == "/t.S/Latest"


def test_unknown_path_and_wrong_method_are_grpc_gateway_errors() -> None:
    err = error_of(lambda: GATEWAY.resolve("GET", "/nope"))
    assert (err.status, err.message) == (Status.NOT_FOUND, "Not Found")
    err = error_of(lambda: GATEWAY.resolve("POST", "/t/blocks/latest"))
    assert (err.status, err.message) == (Status.UNIMPLEMENTED, "Method Not Allowed")


def test_path_templates() -> None:
    segs = parse_template("/a/{b.c}/{d=**}")
    assert [s.literal for s in segs] == ["a", None, None]
    assert (segs[1].field, segs[2].field, segs[2].rest) == ("b.c", "d", True)
    with pytest.raises(ValueError):
        parse_template("/a/{d=**}/b")
    with pytest.raises(ValueError):
        parse_template("/a/x{y}")


# -- query string ----------------------------------------------------------------------
def test_query_string_scalars_nested_repeated_enums_and_bytes() -> None:
    key = base64.b64encode(b"\xfb\xff\x00key").decode()
    _, msg = build(
        "/t/txs",
        "events=a.b%3D1&events=c.d=2&pagination.limit=10&pagination.key="
        + key
        + "&pagination.count_total=true&order_by=ORDER_BY_DESC&page=3&query=x",
    )
    assert list(msg.events) == ["a.b%3D1", "c.d=2"]  # values arrive already URL-decoded
    assert msg.pagination.limit == 10
    assert msg.pagination.key == b"\xfb\xff\x00key"
    assert msg.pagination.count_total is True
    assert msg.order_by == tx_svc.ORDER_BY_DESC
    assert (msg.page, msg.query) == (3, "x")


def test_camel_case_names_enum_numbers_and_bool_spellings() -> None:
    _, msg = build("/t/txs", "pagination.countTotal=1&orderBy=1&pagination.reverse=True")
    assert msg.pagination.count_total and msg.pagination.reverse
    assert msg.order_by == tx_svc.ORDER_BY_ASC


@pytest.mark.parametrize(
    "value",
    ["+/8Aa2V5", "-_8Aa2V5", "+/8Aa2V5", " /8Aa2V5"],  # std, url-safe, '+' seen as ' '
)
def test_bytes_accept_standard_and_url_safe_base64(value) -> None:
    assert decode_base64(value) == b"\xfb\xff\x00key"


def test_unknown_query_parameters_are_ignored_and_path_parameters_win() -> None:
    _, msg = build("/t/blocks/7", "height=9&nonsense=1&pagination.nope=2")
    assert msg.height == 7


def test_well_known_types_from_one_value() -> None:
    _, h = build("/t/header", "time=2024-01-02T03:04:05.123456789Z&version.block=11&app_hash=AQI=")
    assert (h.time.seconds, h.time.nanos) == (1704164645, 123456789)
    assert h.version.block == 11 and h.app_hash == b"\x01\x02"


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("page=abc", "invalid value 'abc' for parameter page: expected an integer"),
        ("pagination.limit=-1", "out of range"),
        ("pagination.limit=1e3", "expected an integer"),
        ("order_by=SIDEWAYS", "not a value of cosmos.tx.v1beta1.OrderBy"),
        ("order_by=9", "not a value of"),
        ("pagination.reverse=maybe", "expected true or false"),
        ("pagination.key=!!!", "not valid base64"),
        ("page=1&page=2", "expected one value, got 2"),
        ("pagination=1", "cannot be given as one value"),
        ("page.x=1", "page has no fields"),
    ],
)
def test_bad_query_values_are_invalid_argument(query, text) -> None:
    err = error_of(lambda: build("/t/txs", query))
    assert err.status == Status.INVALID_ARGUMENT
    assert text in err.message


def test_bad_path_values_are_type_mismatches() -> None:
    err = error_of(lambda: build("/t/blocks/abc"))
    assert err.status == Status.INVALID_ARGUMENT
    assert err.message == "type mismatch, parameter: height, error: expected an integer"


def test_path_parameters_nested_and_repeated_with_commas() -> None:
    assert build("/t/page/25")[1].pagination.limit == 25
    assert list(build("/t/events/a=1,b=2")[1].events) == ["a=1", "b=2"]


# -- JSON bodies ---------------------------------------------------------------------------
def test_body_in_cosmpy_camel_case_with_anys() -> None:
    tx = signed_tx()
    body = json.dumps(json_format.MessageToDict(tx_svc.SimulateRequest(tx=tx))).encode()
    assert b"authInfo" in body and b"@type" in body
    _, msg = build("/t/simulate", method="POST", body=body)
    assert msg.tx == tx
    assert msg.tx.SerializeToString() == tx.SerializeToString()


def test_body_in_snake_case_and_enum_numbers() -> None:
    raw = base64.b64encode(b"txbytes").decode()
    for body in (
        {"tx_bytes": raw, "mode": 2},
        {"txBytes": raw, "mode": "BROADCAST_MODE_SYNC"},
    ):
        _, msg = build("/t/txs", method="POST", body=json.dumps(body).encode())
        assert (msg.tx_bytes, msg.mode) == (b"txbytes", tx_svc.BROADCAST_MODE_SYNC)


def test_post_routes_ignore_the_query_string_and_accept_an_empty_body() -> None:
    _, msg = build("/t/txs", "mode=1", method="POST", body=b"")
    assert msg == tx_svc.BroadcastTxRequest()


@pytest.mark.parametrize(
    ("body", "text"),
    [
        (b"{not json", "invalid JSON body"),
        (b"[1, 2]", "must be an object"),
        (b'{"tx": {"body": {"messages": [{"@type": "/no.such.Msg"}]}}}', "no.such.Msg"),
        (b'{"tx": 5}', "invalid cosmos.tx.v1beta1.SimulateRequest body"),
        (b"\xff\xfe", "invalid JSON body"),
        # nesting: Python's parser used to hit RecursionError (an HTTP 500)
        (b"[" * 100_000 + b"]" * 100_000, "JSON nested deeper than 64 levels"),
        (b'{"tx": ' + b'{"body": ' * 70 + b"{}" + b"}" * 70 + b"}", "deeper than 64"),
        # bytes must be base64: json_format used to drop what it did not know silently
        (b'{"tx_bytes": "!!!garbage!!!"}', "field tx_bytes: not valid base64"),
        (b'{"tx": {"signatures": ["AA==", "%%"]}}', "field tx.signatures: not valid base64"),
    ],
)
def test_bad_bodies_are_invalid_argument(body, text) -> None:
    err = error_of(lambda: build("/t/simulate", method="POST", body=body))
    assert err.status == Status.INVALID_ARGUMENT
    assert text in err.message


def test_bytes_fields_accept_standard_and_url_safe_base64_without_padding() -> None:
    for text in ("AAE=", "AAE", "-_8", "+/8="):
        _, msg = build("/t/simulate", method="POST", body=f'{{"tx_bytes": "{text}"}}'.encode())
        assert msg.tx_bytes in (b"\x00\x01", b"\xfb\xff")


# -- rendering -------------------------------------------------------------------------------
def test_rendering_is_the_sdk_gateway_json_and_cosmpy_parses_it_strictly() -> None:
    tx = signed_tx()
    resp = tx_svc.GetTxResponse(
        tx=tx,
        tx_response=abci_pb2.TxResponse(
            height=5,
            txhash="AB" * 32,
            gas_wanted=2**63 - 1,
            tx=AnyPb(type_url="/cosmos.tx.v1beta1.Tx", value=tx.SerializeToString()),
        ),
    )
    out = to_json(resp)
    r = out["tx_response"]
    assert r["height"] == "5" and r["gas_wanted"] == str(2**63 - 1)  # int64 as strings
    assert r["code"] == 0 and r["raw_log"] == "" and r["logs"] == []  # defaults included
    assert r["tx"]["@type"] == "/cosmos.tx.v1beta1.Tx"
    assert r["tx"]["body"]["messages"][0]["@type"] == "/cosmos.bank.v1beta1.MsgSend"
    assert r["tx"]["body"]["messages"][0]["from_address"] == "zen1a"  # proto names
    info = out["tx"]["auth_info"]["signer_infos"][0]
    assert info["mode_info"]["single"]["mode"] == "SIGN_MODE_DIRECT"  # enums by name
    assert out["tx"]["signatures"] == [base64.b64encode(b"\x01" * 64).decode()]
    assert out["tx"]["body"]["timeout_height"] == "0"
    assert json_format.Parse(json.dumps(out), tx_svc.GetTxResponse()) == resp


@pytest.mark.parametrize(
    ("status", "http"),
    [
        (Status.NOT_FOUND, 404),
        (Status.INVALID_ARGUMENT, 400),
        (Status.UNIMPLEMENTED, 501),
        (Status.UNKNOWN, 500),
        (Status.FAILED_PRECONDITION, 400),
        (Status.UNAUTHENTICATED, 401),
        (Status.UNAVAILABLE, 503),
        (Status.INTERNAL, 500),
    ],
)
def test_grpc_codes_map_to_http_status(status, http) -> None:
    assert http_status(status) == http


def test_listen_addresses() -> None:
    assert parse_listen_address("tcp://127.0.0.1:1317") == ("127.0.0.1", 1317)
    assert parse_listen_address("0.0.0.0:80") == ("0.0.0.0", 80)
    assert parse_listen_address("tcp://[::1]:1317") == ("::1", 1317)
    with pytest.raises(ValueError):
        parse_listen_address("tcp://localhost")


# -- the live server -----------------------------------------------------------------------
def get(base: str, path: str, **headers: str) -> requests.Response:
    return requests.get(base + path, headers=headers, timeout=10)


def balance_path(address: str = "zen1abc") -> str:
    return f"/cosmos/bank/v1beta1/balances/{address}/by_denom?denom=urock"


def test_a_query_over_http(rest_base) -> None:
    r = get(rest_base, balance_path())
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("application/json")
    assert r.json() == {"balance": {"denom": "urock", "amount": str(HEIGHT)}}
    assert r.headers[HEIGHT_RESPONSE_HEADER] == str(HEIGHT)


def test_the_height_header_selects_the_version(rest_base) -> None:
    r = get(rest_base, balance_path(), **{"x-cosmos-block-height": "1"})
    assert r.json()["balance"]["amount"] == "1"
    assert r.headers[HEIGHT_RESPONSE_HEADER] == "1"


@pytest.mark.parametrize(
    ("path", "headers", "http", "code", "message"),
    [
        (balance_path("missing"), {}, 404, 5, "account missing not found"),
        (balance_path("bad"), {}, 400, 3, "decoding bech32 failed"),
        (balance_path("boom"), {}, 500, 13, "internal error: boom"),
        (balance_path(), {"x-cosmos-block-height": "99"}, 400, 3, "height in the future"),
        (balance_path(), {"x-cosmos-block-height": "abc"}, 400, 3, "invalid height header"),
        ("/nope/nothing", {}, 404, 5, "Not Found"),
        ("/cosmos/tx/v1beta1/simulate", {}, 501, 12, "Method Not Allowed"),
        ("/cosmos/tx/v1beta1/txs/block/abc", {}, 400, 3, "type mismatch, parameter: height"),
    ],
)
def test_errors_over_http(rest_base, path, headers, http, code, message) -> None:
    r = get(rest_base, path, **headers)
    assert r.status_code == http
    body = r.json()
    assert set(body) == {"code", "message", "details"}
    assert body["code"] == code and body["details"] == []
    assert message in body["message"]


def test_simulate_over_http_with_cosmpys_body(rest_base, app) -> None:
    tx = signed_tx()
    body = json_format.MessageToDict(tx_svc.SimulateRequest(tx=tx))
    r = requests.post(rest_base + "/cosmos/tx/v1beta1/simulate", json=body, timeout=10)
    assert r.status_code == 200, r.text
    parsed = json_format.Parse(r.text, tx_svc.SimulateResponse())
    assert parsed.gas_info.gas_used == 12345
    assert parsed.result.log == "simulated"
    assert app.simulator.simulated == [tx.SerializeToString()]


def test_simulate_failure_over_http(rest_base) -> None:
    body = {"txBytes": base64.b64encode(b"fail").decode()}
    r = requests.post(rest_base + "/cosmos/tx/v1beta1/simulate", json=body, timeout=10)
    assert r.status_code == 500
    assert r.json()["code"] == 2
    assert r.json()["message"].endswith("out of gas with gas used: '777'")


def test_a_body_too_large_is_rejected_cleanly(rest_base) -> None:
    r = requests.post(
        rest_base + "/cosmos/tx/v1beta1/simulate", data=b"{" + b" " * (11 << 20) + b"}", timeout=30
    )
    assert r.status_code == 400
    assert r.json()["code"] == 3


def test_the_server_does_not_need_the_callers_event_loop(app) -> None:
    """Started from inside a running loop (as ``zrchaind start`` does) that then blocks:
    REST requests are still answered, from the server's own thread and loop."""
    results: list[int] = []

    async def main() -> None:
        server = RestServer(app, "tcp://127.0.0.1:0", workers=2)
        server.start()
        try:
            t = threading.Thread(
                target=lambda: results.append(
                    get(f"http://127.0.0.1:{server.port}", balance_path()).status_code
                )
            )
            t.start()
            time.sleep(1.0)  # the caller's loop is blocked, like a long FinalizeBlock
            t.join(10)
        finally:
            server.stop()

    asyncio.run(main())
    assert results == [200]


def test_a_busy_port_is_an_error_at_start_and_stop_is_idempotent(app, rest_server) -> None:
    other = RestServer(app, f"tcp://127.0.0.1:{rest_server.port}")
    with pytest.raises(OSError):
        other.start()
    other.stop()
    rest_server.stop()
    rest_server.stop()


def test_factory_honours_api_enable(app) -> None:
    from zrchain.config import NodeConfig

    assert rest_factory(app, NodeConfig(api_enable=False)) is None
    server = rest_factory(app, NodeConfig(api_address="tcp://127.0.0.1:0"))
    assert isinstance(server, RestServer) and (server.host, server.port) == ("127.0.0.1", 0)


def test_odd_paths_still_get_gateway_json_errors(rest_base) -> None:
    """Found by fuzzing: an encoded newline in a path never reached the gateway and aiohttp
    answered a plain-text 404."""
    for path in ("/cosmos/bank/v1beta1/balances/%0A", "/%0A%0D", "/cosmos/%00/x"):
        r = requests.get(rest_base + path, timeout=10)
        assert r.status_code in (400, 404)
        body = r.json()
        assert set(body) == {"code", "message", "details"}
