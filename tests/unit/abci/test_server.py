"""The asyncio ABCI server: ordered answers, Flush/Echo, malformed input isolation."""

from __future__ import annotations

import asyncio
import threading

import pytest

from zrchain.abci import types as abci
from zrchain.abci.framing import FrameDecoder, frame
from zrchain.abci.server import ABCIServer, handle_request
from zrchain.errors import NodeFault


class RecordingApp:
    """A stand-in application for testing the transport alone."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def __getattr__(self, name: str):
        if name.endswith("_encoded"):  # answers with messages only
            raise AttributeError(name)

        def method(req):
            self.calls.append(name)
            if name == "query" and req.path == "/boom":
                raise ValueError("bug")
            if name == "finalize_block":
                raise ValueError("bug")
            cls = getattr(abci, "Response" + "".join(p.capitalize() for p in name.split("_")))
            if name == "info":
                return cls(last_block_height=7)
            return cls()

        return method


async def _roundtrip(server: ABCIServer, requests: list[bytes], raw_tail: bytes = b"") -> list:
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    writer.write(b"".join(frame(r) for r in requests) + raw_tail)
    await writer.drain()
    dec = FrameDecoder()
    out: list = []
    while len(out) < len(requests):
        data = await asyncio.wait_for(reader.read(65536), 5)
        if not data:
            break
        for p in dec.feed(data):
            r = abci.Response()
            r.ParseFromString(p)
            out.append(r)
    writer.close()
    return out


def test_answers_in_order_with_matching_types() -> None:
    async def run() -> None:
        srv = ABCIServer(RecordingApp(), "tcp://127.0.0.1:0")
        await srv.start()
        reqs = [
            abci.Request(echo=abci.RequestEcho(message="hi")),
            abci.Request(info=abci.RequestInfo()),
            abci.Request(check_tx=abci.RequestCheckTx(tx=b"x")),
            abci.Request(flush=abci.RequestFlush()),
            abci.Request(list_snapshots=abci.RequestListSnapshots()),
        ]
        out = await _roundtrip(srv, [r.SerializeToString() for r in reqs])
        assert [r.WhichOneof("value") for r in out] == [
            "echo",
            "info",
            "check_tx",
            "flush",
            "list_snapshots",
        ]
        assert out[0].echo.message == "hi"
        assert out[1].info.last_block_height == 7
        await srv.stop()

    asyncio.run(run())


def test_malformed_frame_closes_only_that_connection() -> None:
    async def run() -> None:
        srv = ABCIServer(RecordingApp(), "tcp://127.0.0.1:0")
        await srv.start()
        # garbage protobuf inside a valid frame, then a request that must not be answered
        out = await _roundtrip(srv, [b"\xff\xff\xff"])
        assert out == []
        # overlong varint
        out = await _roundtrip(srv, [], raw_tail=b"\xff" * 12)
        assert out == []
        # the server still serves new connections
        ok = await _roundtrip(
            srv, [abci.Request(echo=abci.RequestEcho(message="x")).SerializeToString()]
        )
        assert ok[0].echo.message == "x"
        await srv.stop()

    asyncio.run(run())


def test_a_failed_query_is_an_error_code_and_a_failed_finalize_block_a_node_fault() -> None:
    app = RecordingApp()
    r = handle_request(app, abci.Request(query=abci.RequestQuery(path="/boom")))
    assert r.query.code == 1 and r.query.codespace == "undefined"
    with pytest.raises(NodeFault, match="finalize_block failed: ValueError: bug"):
        handle_request(app, abci.Request(finalize_block=abci.RequestFinalizeBlock()))


def test_a_node_fault_even_in_check_tx_stops_the_node() -> None:
    class FaultyCheck(RecordingApp):
        def check_tx(self, req):
            raise NodeFault("disk gone")

    with pytest.raises(NodeFault, match="disk gone"):
        handle_request(FaultyCheck(), abci.Request(check_tx=abci.RequestCheckTx(tx=b"x")))


def test_on_a_fault_cometbft_gets_an_exception_and_every_connection_closes() -> None:
    faults: list[NodeFault] = []

    async def run() -> None:
        srv = ABCIServer(RecordingApp(), "tcp://127.0.0.1:0", on_fatal=faults.append)
        await srv.start()
        port = srv.port
        # a second (idle) connection, like CometBFT's mempool connection
        idle_reader, idle_writer = await asyncio.open_connection("127.0.0.1", port)
        out = await _roundtrip(
            srv,
            [
                abci.Request(finalize_block=abci.RequestFinalizeBlock()).SerializeToString(),
                abci.Request(commit=abci.RequestCommit()).SerializeToString(),
            ],
        )
        assert [r.WhichOneof("value") for r in out] == ["exception"]  # nothing after it
        assert "finalize_block failed" in out[0].exception.error
        assert await asyncio.wait_for(idle_reader.read(10), 5) == b""  # closed by the server
        idle_writer.close()
        with pytest.raises(ConnectionRefusedError):  # nor is a new connection accepted
            await asyncio.open_connection("127.0.0.1", port)
        await srv.stop()

    asyncio.run(run())
    assert len(faults) == 1 and isinstance(faults[0].__cause__, ValueError)


def test_a_slow_query_does_not_hold_up_finalize_block() -> None:
    """Queries run off the event loop: FinalizeBlock on another connection is answered
    while a query (a Simulate through ABCI, say) is still running."""
    release = threading.Event()

    class SlowQuery(RecordingApp):
        def query(self, req):
            release.wait(30)
            return abci.ResponseQuery(code=0)

        def finalize_block(self, req):
            return abci.ResponseFinalizeBlock()

    async def run() -> None:
        srv = ABCIServer(SlowQuery(), "tcp://127.0.0.1:0")
        await srv.start()
        query = asyncio.create_task(
            _roundtrip(srv, [abci.Request(query=abci.RequestQuery()).SerializeToString()])
        )
        await asyncio.sleep(0.1)
        fb = abci.Request(finalize_block=abci.RequestFinalizeBlock()).SerializeToString()
        out = await asyncio.wait_for(_roundtrip(srv, [fb]), 20)  # would hang on the loop
        assert out[0].WhichOneof("value") == "finalize_block"
        assert not query.done()
        release.set()
        assert (await query)[0].WhichOneof("value") == "query"
        await srv.stop()

    asyncio.run(run())


@pytest.mark.parametrize(
    "addr,expect",
    [
        ("tcp://127.0.0.1:26658", ("tcp", ("127.0.0.1", 26658))),
        ("127.0.0.1:1", ("tcp", ("127.0.0.1", 1))),
        ("unix:///tmp/x.sock", ("unix", "/tmp/x.sock")),
    ],
)
def test_parse_address(addr, expect) -> None:
    from zrchain.abci.server import parse_address

    assert parse_address(addr) == expect


def test_pre_encoded_answers_are_the_bytes_of_the_message_answers(tmp_path) -> None:
    """The app's ``*_encoded`` bytes, wrapped by the server, equal the Response a message
    answer serialises to (CheckTx accepted and refused, FinalizeBlock with results)."""
    from cosmpy.protos.cosmos.bank.v1beta1 import tx_pb2 as bank_tx

    from zrchain.abci.server import encoded_response
    from zrchain.codec.coins import parse_coins
    from zrchain.testing.inproc import make_chain

    chain = make_chain(tmp_path / "db", {"alice": "1000000urock", "bob": ""})
    try:
        alice, bob = chain.wallets["alice"], chain.wallets["bob"]
        send = bank_tx.MsgSend(
            from_address=alice.address,
            to_address=bob.address,
            amount=parse_coins("5urock").to_protos(),
        )
        tx = chain.tx(alice, [send])
        for raw in (tx, b"not a tx"):
            req = abci.Request(check_tx=abci.RequestCheckTx(tx=raw))
            expected = abci.Response(check_tx=chain.app.check_tx(req.check_tx))
            chain.app._check = chain.app._fresh_check_state()  # the same state for both
            assert encoded_response(chain.app, req) == expected.SerializeToString()
        block = abci.RequestFinalizeBlock(height=chain.height + 1, txs=[tx, b"junk"])
        block.time.seconds = 1_800_000_000
        wire = encoded_response(chain.app, abci.Request(finalize_block=block))
        got = abci.Response.FromString(wire)
        assert [r.code for r in got.finalize_block.tx_results] == [0, 2]
        assert got.SerializeToString() == wire  # hand-encoded, yet what protobuf would write
    finally:
        chain.app.close()
