"""The gRPC door: generic dispatch of every registered route over a real grpc channel."""

from __future__ import annotations

import grpc
import pytest
from cosmpy.protos.cosmos.bank.v1beta1 import query_pb2 as bank_q
from cosmpy.protos.cosmos.bank.v1beta1 import query_pb2_grpc as bank_grpc
from cosmpy.protos.cosmos.consensus.v1 import query_pb2 as consensus_q
from cosmpy.protos.cosmos.consensus.v1 import query_pb2_grpc as consensus_grpc
from server_testkit import BALANCE, HEIGHT

from zrchain.errors import QueryError, Status
from zrchain.server.grpc_server import (
    HEIGHT_HEADER,
    GrpcServer,
    grpc_code,
    grpc_factory,
    parse_height,
    split_method,
)


def balance(channel: grpc.Channel, address: str = "zen1abc", height: int | None = None):
    stub = bank_grpc.QueryStub(channel)
    metadata = None if height is None else ((HEIGHT_HEADER, str(height)),)
    return stub.Balance.with_call(
        bank_q.QueryBalanceRequest(address=address, denom="urock"), metadata=metadata, timeout=5
    )


def test_a_registered_route_is_served_with_the_generated_stub(channel) -> None:
    resp, call = balance(channel)
    assert (resp.balance.denom, resp.balance.amount) == ("urock", str(HEIGHT))
    assert dict(call.initial_metadata())[HEIGHT_HEADER] == str(HEIGHT)


@pytest.mark.parametrize("height", [1, 2, HEIGHT])
def test_the_height_metadata_selects_the_version_and_is_echoed(channel, height) -> None:
    resp, call = balance(channel, height=height)
    assert resp.balance.amount == str(height)
    assert dict(call.initial_metadata())[HEIGHT_HEADER] == str(height)


@pytest.mark.parametrize(
    ("address", "height", "code", "text"),
    [
        ("missing", None, grpc.StatusCode.NOT_FOUND, "account missing not found"),
        ("bad", None, grpc.StatusCode.INVALID_ARGUMENT, "invalid address"),
        ("boom", None, grpc.StatusCode.INTERNAL, "boom"),
        ("zen1abc", 99, grpc.StatusCode.INVALID_ARGUMENT, "height in the future"),
        ("zen1abc", "x", grpc.StatusCode.INVALID_ARGUMENT, "invalid height header"),
        ("zen1abc", -1, grpc.StatusCode.INVALID_ARGUMENT, "non-negative"),
    ],
)
def test_errors_map_to_grpc_status_and_details(channel, address, height, code, text) -> None:
    stub = bank_grpc.QueryStub(channel)
    md = None if height is None else ((HEIGHT_HEADER, str(height)),)
    with pytest.raises(grpc.RpcError) as info:
        stub.Balance(bank_q.QueryBalanceRequest(address=address, denom="urock"), metadata=md)
    assert info.value.code() == code
    assert text in info.value.details()


def test_undecodable_request_bytes_are_invalid_argument(channel) -> None:
    call = channel.unary_unary(BALANCE)
    with pytest.raises(grpc.RpcError) as info:
        call(b"\xff\xff\xff", timeout=5)
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "failed to decode cosmos.bank.v1beta1.QueryBalanceRequest" in info.value.details()


@pytest.mark.parametrize(
    "method", ["/cosmos.bank.v1beta1.Query/NoSuchMethod", "/no.such.Service/Method"]
)
def test_unknown_methods_are_unimplemented(channel, method) -> None:
    with pytest.raises(grpc.RpcError) as info:
        channel.unary_unary(method)(b"", timeout=5)
    assert info.value.code() == grpc.StatusCode.UNIMPLEMENTED


def test_service_routes_are_served_too(channel) -> None:
    """Consensus params come from state persisted at InitChain: served from height 1."""
    stub = consensus_grpc.QueryStub(channel)
    for height in (1, HEIGHT):
        resp = stub.Params(
            consensus_q.QueryParamsRequest(), metadata=((HEIGHT_HEADER, str(height)),)
        )
        assert resp.params.block.max_gas == 50_000_000
        assert resp.params.evidence.max_age_duration.seconds == 172800


def test_queries_before_the_first_block_fail_cleanly(fresh_app) -> None:
    server = GrpcServer(fresh_app, "127.0.0.1:0", workers=2)
    server.start()
    try:
        with (
            grpc.insecure_channel(f"127.0.0.1:{server.port}") as ch,
            pytest.raises(grpc.RpcError) as info,
        ):
            balance(ch)
        assert info.value.code() == grpc.StatusCode.FAILED_PRECONDITION
        assert "please wait for first block" in info.value.details()
    finally:
        server.stop(grace=1)


def test_a_busy_port_is_an_error_at_start(app, grpc_server) -> None:
    other = GrpcServer(app, f"127.0.0.1:{grpc_server.port}")
    with pytest.raises(RuntimeError):
        other.start()
    other.stop()


def test_stop_is_graceful_and_idempotent(app) -> None:
    server = GrpcServer(app, "127.0.0.1:0", workers=2)
    server.start()
    with grpc.insecure_channel(f"127.0.0.1:{server.port}") as ch:
        assert balance(ch)[0].balance.amount == str(HEIGHT)
    server.stop(grace=1)
    server.stop(grace=1)


def test_helpers() -> None:
    assert split_method("/cosmos.bank.v1beta1.Query/Balance") == (
        "cosmos.bank.v1beta1.Query",
        "Balance",
    )
    with pytest.raises(ValueError):
        split_method("Balance")
    assert grpc_code(Status.NOT_FOUND) == grpc.StatusCode.NOT_FOUND
    assert grpc_code(99) == grpc.StatusCode.UNKNOWN
    assert parse_height(None) == 0
    assert parse_height(" 7 ") == 7
    with pytest.raises(QueryError):
        parse_height("7.5")


def test_factory_honours_grpc_enable(app) -> None:
    from zrchain.config import NodeConfig

    assert grpc_factory(app, NodeConfig(grpc_enable=False)) is None
    server = grpc_factory(app, NodeConfig(grpc_address="127.0.0.1:0"))
    assert isinstance(server, GrpcServer) and server.address == "127.0.0.1:0"
