"""CometBFT JSON -> protobuf conversion and the Tendermint service on a stand-in RPC."""

from __future__ import annotations

import asyncio
import base64
from types import SimpleNamespace

import pytest
from comet_samples import BLOCK, PROPOSER, SIGNATURE, StandInRPC
from cosmpy.protos.cosmos.base.tendermint.v1beta1 import query_pb2 as q
from cosmpy.protos.cosmos.crypto.ed25519 import keys_pb2 as ed25519
from google.protobuf.timestamp_pb2 import Timestamp
from packaging.version import Version

from zrchain.codec.address import decode
from zrchain.errors import QueryError, Status
from zrchain.server.services import convert
from zrchain.server.services.comet import Comet, status_for
from zrchain.server.services.tendermint import TendermintService, page_of


@pytest.mark.parametrize(
    ("text", "seconds", "nanos"),
    [
        ("2026-11-23T15:59:26.425985054Z", 1795449566, 425985054),
        ("2026-11-23T15:59:26Z", 1795449566, 0),
        ("2026-11-23T15:59:26.5Z", 1795449566, 500000000),
        ("2026-11-23T17:59:26.000000001+02:00", 1795449566, 1),
        ("0001-01-01T00:00:00Z", -62135596800, 0),
    ],
)
def test_rfc3339_nano_times(text, seconds, nanos) -> None:
    ts = convert.timestamp(text)
    assert (ts.seconds, ts.nanos) == (seconds, nanos)


def test_bad_times_and_rfc3339_seconds() -> None:
    with pytest.raises(ValueError):
        convert.timestamp("yesterday")
    assert convert.timestamp("") == Timestamp()
    ts = Timestamp(seconds=1795449566, nanos=425985054)
    assert convert.rfc3339_seconds(ts) == "2026-11-23T15:59:26Z"


def test_block_conversion() -> None:
    b = convert.block(BLOCK["block"])
    h = b.header
    assert (h.chain_id, h.height, h.version.block, h.version.app) == ("zenrock", 2, 11, 0)
    assert (h.time.seconds, h.time.nanos) == (1795449566, 425985054)
    assert h.app_hash.hex().upper() == BLOCK["block"]["header"]["app_hash"]
    assert h.proposer_address.hex().upper() == PROPOSER
    assert h.last_block_id.part_set_header.total == 1
    assert list(b.data.txs) == [b"\x0a\x02\x12\x00"]
    sig, absent = b.last_commit.signatures
    assert (sig.block_id_flag, sig.signature) == (2, base64.b64decode(SIGNATURE))
    assert (absent.block_id_flag, absent.validator_address, absent.signature) == (1, b"", b"")
    assert b.last_commit.height == 1
    bid = convert.block_id(BLOCK["block_id"])
    assert bid.hash.hex().upper() == BLOCK["block_id"]["hash"]


def test_sdk_block_has_a_bech32_consensus_proposer() -> None:
    sdk = convert.sdk_block(convert.block(BLOCK["block"]))
    hrp, raw = decode(sdk.header.proposer_address)
    assert (hrp, raw.hex().upper()) == ("zenvalcons", PROPOSER)
    assert sdk.header.height == 2 and len(sdk.data.txs) == 1


def test_duplicate_vote_evidence() -> None:
    vote = {
        "type": 1,
        "height": "3",
        "round": 0,
        "block_id": BLOCK["block_id"],
        "timestamp": "2026-11-23T15:59:26Z",
        "validator_address": PROPOSER,
        "validator_index": 0,
        "signature": SIGNATURE,
    }
    ev = convert.evidence(
        [
            {
                "type": "tendermint/DuplicateVoteEvidence",
                "value": {
                    "vote_a": vote,
                    "vote_b": vote,
                    "TotalVotingPower": "10",
                    "ValidatorPower": "10",
                    "Timestamp": "2026-11-23T15:59:26Z",
                },
            },
            {"type": "tendermint/LightClientAttackEvidence", "value": {}},
        ]
    )
    assert len(ev) == 1
    dve = ev[0].duplicate_vote_evidence
    assert (dve.vote_a.height, dve.total_voting_power, dve.validator_power) == (3, 10, 10)


def test_public_keys() -> None:
    key = convert.pub_key_any({"type": "tendermint/PubKeyEd25519", "value": "AQID"})
    assert key is not None and key.type_url == "/cosmos.crypto.ed25519.PubKey"
    assert ed25519.PubKey.FromString(key.value).key == b"\x01\x02\x03"
    assert convert.pub_key_any({"type": "tendermint/PubKeyBls", "value": "AQID"}) is None


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("tx (AB) not found", Status.NOT_FOUND),
        ("height 10 must be less than or equal to the current blockchain height 5", 3),
        ("failed to parse query: syntax error", Status.INVALID_ARGUMENT),
        ("transaction indexing is disabled", Status.FAILED_PRECONDITION),
        ("boom", Status.UNKNOWN),
    ],
)
def test_comet_error_statuses(text, status) -> None:
    assert status_for(text) == status


# -- the Tendermint service ---------------------------------------------------------------
@pytest.fixture
def rpc() -> StandInRPC:
    return StandInRPC()


@pytest.fixture
def svc(rpc: StandInRPC) -> TendermintService:
    comet = Comet("tcp://127.0.0.1:1")
    comet._rpc = rpc  # type: ignore[assignment]
    return TendermintService(comet)


CTX = SimpleNamespace(height=5)


def test_latest_block_fills_the_deprecated_block_field(svc) -> None:
    resp = svc.get_latest_block(CTX, q.GetLatestBlockRequest())
    assert resp.block.header.height == 2 and resp.block.header.chain_id == "zenrock"
    assert resp.sdk_block.header.proposer_address.startswith("zenvalcons1")
    assert resp.block_id.hash.hex().upper() == BLOCK["block_id"]["hash"]


def test_block_by_height_checks_the_height(svc, rpc) -> None:
    block = svc.get_block_by_height(CTX, q.GetBlockByHeightRequest(height=2)).block
    assert block.header.height == 2
    assert ("block", 2) in rpc.calls
    for height, text in ((0, "greater than 0"), (6, "bigger then the chain length")):
        with pytest.raises(QueryError) as info:
            svc.get_block_by_height(CTX, q.GetBlockByHeightRequest(height=height))
        assert info.value.status == Status.INVALID_ARGUMENT and text in info.value.message


def test_node_info_versions_parse_as_cosmpy_parses_them(svc) -> None:
    resp = svc.get_node_info(CTX, q.GetNodeInfoRequest())
    v = resp.application_version
    assert v.name == "zrchaind" and v.app_name == "zrchaind"
    assert Version(v.cosmos_sdk_version.lstrip("v")) == Version("0.50.13")
    Version(v.version.lstrip("v"))
    info = resp.default_node_info
    assert (info.network, info.version, info.moniker) == ("zenrock", "0.38.19", "node0")
    assert info.channels == bytes.fromhex("40202122233038606100")
    assert info.protocol_version.block == 11 and info.other.tx_index == "on"


def test_syncing_and_validator_sets(svc, rpc) -> None:
    assert svc.get_syncing(CTX, q.GetSyncingRequest()).syncing is False
    resp = svc.get_latest_validator_set(CTX, q.GetLatestValidatorSetRequest())
    (val,) = resp.validators
    assert val.address.startswith("zenvalcons1") and val.voting_power == 10
    assert val.pub_key.type_url == "/cosmos.crypto.ed25519.PubKey"
    assert resp.block_height == 3 and resp.pagination.total == 1
    req = q.GetValidatorSetByHeightRequest(height=3)
    req.pagination.offset, req.pagination.limit = 20, 10
    svc.get_validator_set_by_height(CTX, req)
    assert ("validators", {"height": "3", "page": "3", "per_page": "10"}) in rpc.calls


def test_page_of() -> None:
    assert page_of(q.GetLatestValidatorSetRequest().pagination) == (1, 100)
    req = q.GetLatestValidatorSetRequest()
    req.pagination.limit = 500
    assert page_of(req.pagination) == (1, 100)


def test_abci_query_lets_only_the_sdk_paths_through(svc, rpc) -> None:
    resp = svc.abci_query(CTX, q.ABCIQueryRequest(path="/app/version"))
    assert (resp.value, resp.height) == (b"0.1.0", 5)
    for path, text in (
        ("", "empty query path"),
        ("/cosmos.bank.v1beta1.Query/Balance", "unsupported"),
    ):
        with pytest.raises(QueryError) as info:
            svc.abci_query(CTX, q.ABCIQueryRequest(path=path))
        assert info.value.status == Status.INVALID_ARGUMENT and text in info.value.message


def test_cometbft_is_never_called_from_an_event_loop_thread(svc, rpc) -> None:
    """Reached through ABCI Query (the ABCI server's loop) the call could deadlock."""

    async def on_the_loop() -> QueryError:
        with pytest.raises(QueryError) as info:
            svc.get_latest_block(CTX, q.GetLatestBlockRequest())
        return info.value

    err = asyncio.run(on_the_loop())
    assert err.status == Status.UNIMPLEMENTED and "gRPC or REST" in err.message
    assert rpc.calls == []
