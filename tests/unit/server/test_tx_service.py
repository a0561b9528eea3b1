"""The Tx service: Simulate with a stand-in pipeline (``tx`` and ``tx_bytes``) through the
gRPC door, and broadcast / look-ups / searches against a stand-in CometBFT RPC."""

from __future__ import annotations

import hashlib
from types import SimpleNamespace

import grpc
import pytest
from comet_samples import StandInRPC, result_tx
from cosmpy.protos.cosmos.bank.v1beta1 import tx_pb2 as bank_tx
from cosmpy.protos.cosmos.base.v1beta1.coin_pb2 import Coin
from cosmpy.protos.cosmos.tx.v1beta1 import service_pb2 as s
from cosmpy.protos.cosmos.tx.v1beta1 import service_pb2_grpc as s_grpc
from cosmpy.protos.cosmos.tx.v1beta1 import tx_pb2

from zrchain.errors import QueryError, Status
from zrchain.server.services.comet import Comet
from zrchain.server.services.tx import TxService, legacy_events_query


def a_tx(memo: str = "hi") -> tx_pb2.Tx:
    send = bank_tx.MsgSend(
        from_address="zen1a", to_address="zen1b", amount=[Coin(denom="urock", amount="5")]
    )
    tx = tx_pb2.Tx(signatures=[b"\x07" * 64])
    tx.body.messages.add(type_url="/cosmos.bank.v1beta1.MsgSend", value=send.SerializeToString())
    tx.body.memo = memo
    tx.auth_info.fee.gas_limit = 0
    return tx


# -- Simulate through the gRPC door ------------------------------------------------------
def test_simulate_takes_the_deprecated_tx_field_as_cosmpy_sends_it(channel, app) -> None:
    tx = a_tx()
    resp = s_grpc.ServiceStub(channel).Simulate(s.SimulateRequest(tx=tx))
    assert resp.gas_info.gas_used == 12345
    assert resp.gas_info.gas_wanted == 2**64 - 1
    assert resp.result.log == "simulated"
    assert app.simulator.simulated == [tx.SerializeToString()]


def test_simulate_prefers_tx_bytes(channel, app) -> None:
    raw = a_tx("raw").SerializeToString()  # exactly these bytes reach the pipeline
    s_grpc.ServiceStub(channel).Simulate(s.SimulateRequest(tx=a_tx("other"), tx_bytes=raw))
    assert app.simulator.simulated == [raw]


def test_simulate_without_a_tx_is_invalid_argument(channel) -> None:
    with pytest.raises(grpc.RpcError) as info:
        s_grpc.ServiceStub(channel).Simulate(s.SimulateRequest())
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert info.value.details() == "empty txBytes is not allowed"


def test_a_failed_simulation_is_unknown_with_the_gas_used(channel) -> None:
    with pytest.raises(grpc.RpcError) as info:
        s_grpc.ServiceStub(channel).Simulate(s.SimulateRequest(tx_bytes=b"fail"))
    assert info.value.code() == grpc.StatusCode.UNKNOWN
    assert info.value.details() == (
        "out of gas in location: ReadFlat: out of gas with gas used: '777'"
    )


# -- against a stand-in CometBFT -----------------------------------------------------------
@pytest.fixture
def rpc() -> StandInRPC:
    return StandInRPC()


@pytest.fixture
def svc(rpc: StandInRPC) -> TxService:
    comet = Comet("tcp://127.0.0.1:1")
    comet._rpc = rpc  # type: ignore[assignment]
    return TxService(SimpleNamespace(), comet)


CTX = SimpleNamespace(height=5)


def failure(fn) -> QueryError:
    with pytest.raises(QueryError) as info:
        fn()
    return info.value


def test_broadcast_sync_returns_the_check_tx_result(svc, rpc) -> None:
    req = s.BroadcastTxRequest(tx_bytes=b"tx", mode=s.BROADCAST_MODE_SYNC)
    r = svc.broadcast_tx(CTX, req).tx_response
    assert rpc.calls == [("broadcast_tx_sync", b"tx")]
    assert (r.txhash, r.code, r.codespace, r.raw_log, r.data) == (
        "ABCD",
        5,
        "sdk",
        "insufficient funds",
        "0A0B",
    )
    assert (r.height, r.gas_used, r.gas_wanted) == (0, 0, 0)


def test_broadcast_async(svc, rpc) -> None:
    r = svc.broadcast_tx(CTX, s.BroadcastTxRequest(tx_bytes=b"tx", mode=s.BROADCAST_MODE_ASYNC))
    assert rpc.calls == [("broadcast_tx_async", b"tx")]
    assert (r.tx_response.code, r.tx_response.txhash) == (0, "ABCD")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("tx already exists in cache", 19),
        ("mempool is full: number of txs 5000 (max: 5000)", 20),
        ("Tx too large. Max size is 1048576, but got 2000000", 21),
    ],
)
def test_mempool_errors_become_tx_response_codes(svc, rpc, text, code) -> None:
    rpc.errors["broadcast_tx_sync"] = text
    r = svc.broadcast_tx(CTX, s.BroadcastTxRequest(tx_bytes=b"tx", mode=s.BROADCAST_MODE_SYNC))
    assert (r.tx_response.code, r.tx_response.codespace) == (code, "sdk")
    assert r.tx_response.txhash == hashlib.sha256(b"tx").hexdigest().upper()


def test_other_broadcast_errors_are_query_errors(svc, rpc) -> None:
    rpc.errors["broadcast_tx_sync"] = "something else broke"
    err = failure(
        lambda: svc.broadcast_tx(
            CTX, s.BroadcastTxRequest(tx_bytes=b"t", mode=s.BROADCAST_MODE_SYNC)
        )
    )
    assert (err.status, err.message) == (Status.UNKNOWN, "something else broke")


@pytest.mark.parametrize(
    ("req", "text"),
    [
        (s.BroadcastTxRequest(mode=s.BROADCAST_MODE_SYNC), "invalid empty tx"),
        (
            s.BroadcastTxRequest(tx_bytes=b"t", mode=s.BROADCAST_MODE_BLOCK),
            "unsupported return type block; supported types: sync, async",
        ),
        (s.BroadcastTxRequest(tx_bytes=b"t"), "unsupported return type unspecified"),
    ],
)
def test_broadcast_argument_errors(svc, req, text) -> None:
    err = failure(lambda: svc.broadcast_tx(CTX, req))
    assert err.status == Status.INVALID_ARGUMENT
    assert text in err.message


def test_an_unreachable_comet_is_unavailable() -> None:
    svc = TxService(SimpleNamespace(), Comet("tcp://127.0.0.1:1"))
    err = failure(
        lambda: svc.broadcast_tx(
            CTX, s.BroadcastTxRequest(tx_bytes=b"t", mode=s.BROADCAST_MODE_SYNC)
        )
    )
    assert err.status == Status.UNAVAILABLE
    assert "127.0.0.1:1" in err.message


def test_get_tx_builds_the_sdk_tx_response(svc, rpc) -> None:
    tx = a_tx()
    raw = tx.SerializeToString()
    digest = hashlib.sha256(raw).digest()
    rpc.txs[digest] = result_tx(raw, digest.hex().upper())
    resp = svc.get_tx(CTX, s.GetTxRequest(hash=digest.hex()))  # lowercase works too
    assert resp.tx == tx
    r = resp.tx_response
    assert (r.height, r.txhash, r.code, r.codespace) == (2, digest.hex().upper(), 0, "")
    assert r.data == "12266F6B"  # uppercase hex of the result data
    assert (r.gas_wanted, r.gas_used, r.raw_log, list(r.logs)) == (200000, 43738, "", [])
    assert r.timestamp == "2026-11-23T15:59:26Z"  # Go's time.RFC3339 of the block time
    assert r.tx.type_url == "/cosmos.tx.v1beta1.Tx"
    assert tx_pb2.Tx.FromString(r.tx.value) == tx
    assert [(e.type, [(a.key, a.value, a.index) for a in e.attributes]) for e in r.events] == [
        ("message", [("sender", "zen1abc", True)]),
        ("tx", [("fee", "", False)]),
    ]
    assert ("header", {"height": "2"}) in rpc.calls


def test_get_tx_of_an_unknown_hash_is_not_found_with_the_hash_as_given(svc) -> None:
    err = failure(lambda: svc.get_tx(CTX, s.GetTxRequest(hash="ab" * 32)))
    assert (err.status, err.message) == (Status.NOT_FOUND, "tx not found: " + "ab" * 32)


@pytest.mark.parametrize(
    ("h", "text"),
    [
        ("", "tx hash cannot be empty"),
        ("xyz", "not a hex"),
        ("01", "expected 64 hex digits"),
        (" ", "expected 64 hex digits"),  # fromhex reads it as empty
        ("ab" * 31 + " ab", "expected 64 hex digits"),  # 32 bytes, with a space
    ],
)
def test_get_tx_argument_errors(svc, h, text) -> None:
    err = failure(lambda: svc.get_tx(CTX, s.GetTxRequest(hash=h)))
    assert err.status == Status.INVALID_ARGUMENT and text in err.message


def test_get_tx_of_undecodable_bytes_still_renders_a_body(svc, rpc) -> None:
    rpc.txs[b"\x01" * 32] = result_tx(b"\xff\xff", "01" * 32)
    resp = svc.get_tx(CTX, s.GetTxRequest(hash="01" * 32))
    assert resp.tx.HasField("body") and resp.tx_response.tx.type_url == "/cosmos.tx.v1beta1.Tx"


def test_get_txs_event_with_a_query(svc, rpc) -> None:
    raw = a_tx().SerializeToString()
    rpc.search = {"txs": [result_tx(raw, "AA"), result_tx(raw, "BB")], "total_count": "2"}
    req = s.GetTxsEventRequest(query="tx.height>0", order_by=s.ORDER_BY_DESC, page=2, limit=5)
    resp = svc.get_txs_event(CTX, req)
    assert ("tx_search", ("tx.height>0", 2, 5, "desc")) in rpc.calls
    assert [r.txhash for r in resp.tx_responses] == ["AA", "BB"]
    assert len(resp.txs) == 2 and resp.total == 2 and resp.pagination.total == 2
    assert [c for c, _ in rpc.calls].count("header") == 1  # one block time per height


def test_get_txs_event_defaults_and_legacy_events(svc, rpc) -> None:
    svc.get_txs_event(CTX, s.GetTxsEventRequest(events=["message.sender=zen1a", "tx.height=5"]))
    assert ("tx_search", ("message.sender='zen1a' AND tx.height=5", 1, 100, "asc")) in rpc.calls


def test_get_txs_event_argument_errors(svc) -> None:
    err = failure(lambda: svc.get_txs_event(CTX, s.GetTxsEventRequest()))
    assert (err.status, err.message) == (Status.INVALID_ARGUMENT, "query cannot be empty")
    err = failure(lambda: svc.get_txs_event(CTX, s.GetTxsEventRequest(events=["a=b=c"])))
    assert err.status == Status.INVALID_ARGUMENT and "invalid event" in err.message


def test_a_query_cometbft_cannot_parse_is_invalid_argument(svc, rpc) -> None:
    rpc.errors["tx_search"] = "offset 11: EOF"
    err = failure(lambda: svc.get_txs_event(CTX, s.GetTxsEventRequest(query="tx.height>=")))
    assert err.status == Status.INVALID_ARGUMENT
    assert err.message == "invalid query 'tx.height>=': offset 11: EOF"


def test_legacy_event_conditions_pass_through() -> None:
    assert legacy_events_query(["tx.height>=3", "message.action='send'"]) == (
        "tx.height>=3 AND message.action='send'"
    )


def test_get_block_with_txs(svc) -> None:
    resp = svc.get_block_with_txs(CTX, s.GetBlockWithTxsRequest(height=2))
    assert resp.block.header.height == 2 and resp.pagination.total == 1
    assert len(resp.txs) == 1 and resp.block_id.part_set_header.total == 1
    err = failure(lambda: svc.get_block_with_txs(CTX, s.GetBlockWithTxsRequest(height=6)))
    assert err.status == Status.INVALID_ARGUMENT and "current height 5" in err.message


def test_tx_encode_and_decode(svc) -> None:
    tx = a_tx()
    raw = svc.tx_encode(CTX, s.TxEncodeRequest(tx=tx)).tx_bytes
    assert svc.tx_decode(CTX, s.TxDecodeRequest(tx_bytes=raw)).tx == tx
    assert failure(lambda: svc.tx_decode(CTX, s.TxDecodeRequest(tx_bytes=b"\xff"))).status == 3
    assert failure(lambda: svc.tx_encode(CTX, s.TxEncodeRequest())).status == 3
