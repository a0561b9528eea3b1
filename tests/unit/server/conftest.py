"""A real ZrChainApp (LevelDB, committed blocks) with one stand-in query route, and the
gRPC and REST doors started on free 127.0.0.1 ports; each fixture stops what it starts."""

from __future__ import annotations

from collections.abc import Iterator

import grpc
import pytest
from server_testkit import HEIGHT, EchoModule, StandInSimulator, run_chain

from zrchain.app import ZrChainApp
from zrchain.server.grpc_server import GrpcServer
from zrchain.server.rest import RestServer


@pytest.fixture
def fresh_app(tmp_path) -> Iterator[ZrChainApp]:
    """An app with the stand-in route and no block committed yet."""
    app = ZrChainApp(str(tmp_path / "db"), modules=[EchoModule(name="echo")])
    yield app
    app.close()


@pytest.fixture
def app(fresh_app: ZrChainApp) -> ZrChainApp:
    """The app after InitChain and ``HEIGHT`` committed blocks, with a stand-in simulator."""
    run_chain(fresh_app, HEIGHT)
    fresh_app.simulator = StandInSimulator()
    return fresh_app


@pytest.fixture
def grpc_server(app: ZrChainApp) -> Iterator[GrpcServer]:
    server = GrpcServer(app, "127.0.0.1:0", workers=4)
    server.start()
    yield server
    server.stop(grace=1)


@pytest.fixture
def channel(grpc_server: GrpcServer) -> Iterator[grpc.Channel]:
    with grpc.insecure_channel(f"127.0.0.1:{grpc_server.port}") as ch:
        yield ch


@pytest.fixture
def rest_server(app: ZrChainApp) -> Iterator[RestServer]:
    server = RestServer(app, "tcp://127.0.0.1:0", workers=4)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def rest_base(rest_server: RestServer) -> str:
    return f"http://127.0.0.1:{rest_server.port}"
