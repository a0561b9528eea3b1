"""The follower over an in-memory chain: confirmations, reorgs (shallow and deep), restarts,
two instances, RPC failures mid-range, oversized ranges, malformed and foreign logs."""

from __future__ import annotations

import json
import logging

import pytest
from eth_utils import keccak

from evm_bridge.evm_rpc import RpcTransportError
from evm_bridge.follower import RangeRetry
from evm_bridge.gateway import GatewayUnavailable, MemoryGateway
from evm_bridge.ingest import cache_id
from evm_bridge.logs import LOGGER_NAME
from zrchain.evm.ids import wallet_type_id

from .conftest import (
    ALICE,
    BOB,
    CAIP2,
    CONTRACT,
    FakeChain,
    key_request_log,
    sig_request_log,
    wallet_type_log,
)


def events(caplog: pytest.LogCaptureFixture, name: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if getattr(r, "event", None) == name]


@pytest.fixture(autouse=True)
def _capture(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger=LOGGER_NAME)
    logging.getLogger(LOGGER_NAME).propagate = True


def test_waits_for_confirmations_then_ingests_once(rig_factory) -> None:
    rig = rig_factory(confirmations=3)
    rig.chain.mine(key_request_log(ALICE, 0))  # block 1
    rig.chain.mine(count=1)  # head 2: 1 confirmation on top
    rig.run()
    assert rig.gateway.created("key") == []
    assert rig.follower.state.cursor == -1
    rig.chain.mine(count=2)  # head 4 = 1 + 3
    rig.run()
    assert rig.gateway.created("key") == [(ALICE.lower(), "60", 0)]
    assert rig.follower.state.cursor == 1
    rig.chain.mine(count=5)
    rig.run()
    assert len(rig.gateway.log) == 1  # never again


def test_reorg_shallower_than_confirmations_is_never_ingested(rig_factory, caplog) -> None:
    rig = rig_factory(confirmations=4)
    rig.chain.mine(count=3)
    rig.chain.mine(key_request_log(ALICE, 0))  # block 4
    rig.chain.mine(count=1)
    rig.run()  # sees the log as pending, not confirmed
    assert events(caplog, "pending")
    rig.chain.reorg(3, key_request_log(BOB, 0))  # blocks 3..5 replaced; Bob's log in block 3
    rig.chain.mine(count=10)
    rig.run()
    assert rig.gateway.created("key") == [(BOB.lower(), "60", 0)]
    dropped = events(caplog, "reorg_dropped")
    assert dropped and dropped[0].fields["block"] == 4
    assert rig.follower.state.stats.deep_reorgs == 0


def test_deep_reorg_is_detected_and_nothing_ingested_twice(rig_factory, caplog) -> None:
    gw = MemoryGateway()
    rig = rig_factory(confirmations=1, gateway=gw)
    rig.chain.mine(count=2)
    rig.chain.mine(key_request_log(ALICE, 0), sig_request_log(0, ALICE))  # block 3
    rig.chain.mine(count=3)
    rig.run()
    assert gw.created("key") == [(ALICE.lower(), "60", 0)]
    assert gw.created("sig") == []  # key not fulfilled when the sig was first seen: deferred
    rig.run()  # next step retries the held-back signature request
    assert gw.created("sig") == [0]
    cursor = rig.follower.state.cursor
    # A reorg deeper than the confirmation depth: blocks 3.. replaced; the same requests are
    # re-included (same traceId) plus a new one.
    rig.chain.reorg(
        4, key_request_log(ALICE, 0), sig_request_log(0, ALICE), key_request_log(BOB, 0)
    )
    rig.chain.mine(count=3)
    rig.run()
    assert events(caplog, "deep_reorg")
    assert rig.follower.state.stats.deep_reorgs == 1
    assert rig.follower.state.cursor >= cursor
    assert gw.created("sig") == [0]  # re-read, refused as a duplicate, not created again
    assert sorted(gw.created("key")) == sorted([(ALICE.lower(), "60", 0), (BOB.lower(), "60", 0)])
    assert len(gw.sign_requests) == 1


def test_restart_from_an_old_cursor_creates_no_duplicates(rig_factory, tmp_path) -> None:
    gw = MemoryGateway()
    rig = rig_factory(confirmations=0, gateway=gw)
    for i in range(5):
        rig.chain.mine(key_request_log(ALICE, i))
    rig.run()
    rig.run()
    rig.chain.mine(*[sig_request_log(t, ALICE, index=t) for t in range(5)])
    rig.run()
    assert len(gw.sign_requests) == 5
    path = rig.follower.store.path
    doc = json.loads(path.read_text())
    doc["cursor"] = -1  # as if an old state file were restored
    doc["hashes"] = {}
    path.write_text(json.dumps(doc))
    again = rig.restart()
    again.run()
    assert again.follower.state.cursor == rig.chain.head
    assert len(gw.sign_requests) == 5
    assert len(gw.key_requests) == 5
    assert again.follower.state.stats.duplicates >= 5


def test_two_followers_at_once_create_no_duplicates(rig_factory, tmp_path) -> None:
    chain, gw = FakeChain(), MemoryGateway()
    a = rig_factory(confirmations=0, chain=chain, gateway=gw, state_dir=tmp_path / "a")
    b = rig_factory(confirmations=0, chain=chain, gateway=gw, state_dir=tmp_path / "b")
    for i in range(3):
        chain.mine(key_request_log(ALICE, i))
    for rig in (a, b, a, b):
        rig.run()
    chain.mine(*[sig_request_log(t, ALICE, index=t % 3) for t in range(6)])
    for rig in (b, a, b, a):
        rig.run()
    assert len(gw.key_requests) == 3
    assert sorted(gw.created("sig")) == list(range(6))
    assert len(gw.created("sig-dup")) == 6


def test_rpc_failure_mid_range_backs_off_and_resumes(rig_factory) -> None:
    rig = rig_factory(confirmations=0, max_block_range=5)
    for i in range(12):
        rig.chain.mine(key_request_log(ALICE, i))
    rig.chain.fail = {"eth_getLogs": {2}, "batch": {3}}
    errors = 0
    for _ in range(20):
        try:
            if not rig.follower.step():
                break
        except RpcTransportError:
            errors += 1
    assert errors == 2
    assert len(rig.gateway.key_requests) == 12
    assert rig.follower.state.cursor == rig.chain.head


def test_zrchain_outage_mid_range_loses_nothing(rig_factory) -> None:
    gw = MemoryGateway()
    rig = rig_factory(confirmations=0, gateway=gw)
    for i in range(4):
        rig.chain.mine(key_request_log(ALICE, i))
    gw.fail_next = 2
    failures = 0
    for _ in range(10):
        try:
            if not rig.follower.step():
                break
        except GatewayUnavailable:
            failures += 1
    assert failures == 2
    assert len(gw.key_requests) == 4


def test_oversized_ranges_are_halved(rig_factory, caplog) -> None:
    rig = rig_factory(confirmations=0, max_block_range=64)
    for i in range(40):
        rig.chain.mine(key_request_log(ALICE, i))
    rig.chain.refuse_ranges_over = 10
    rig.run(steps=100)
    assert len(rig.gateway.key_requests) == 40
    assert events(caplog, "range_shrunk")


def test_malformed_foreign_and_unsupported_logs_are_skipped(rig_factory, caplog) -> None:
    rig = rig_factory(confirmations=0)
    bad_key = key_request_log(ALICE, 0)
    bad_key["topics"] = bad_key["topics"][:2]  # missing indexed topics
    bad_sig = sig_request_log(0, ALICE)
    bad_sig["data"] = "0x1234"
    foreign = {
        "topics": ["0x" + keccak(text="Transfer(address,address,uint256)").hex()],
        "data": "0x",
    }
    ltc = wallet_type_id(44, 2)
    rig.chain.mine(
        bad_key,
        bad_sig,
        foreign,
        wallet_type_log(44, 2),
        key_request_log(ALICE, 0, wt=ltc),  # supported by the contract, not by zrChain
        key_request_log("0x" + "00" * 20, 0),
        sig_request_log(1, ALICE, payload=b"short"),
        key_request_log(BOB, 0),  # a good one after all the bad ones
    )
    rig.run()
    assert rig.gateway.created("key") == [(BOB.lower(), "60", 0)]
    assert len(events(caplog, "malformed_log")) == 2
    assert len(events(caplog, "foreign_log")) == 1
    reasons = [r.getMessage() for r in events(caplog, "skipped")]
    assert any("coin type 2" in m for m in reasons)
    assert any("0x0" in m for m in reasons)
    assert any("32 bytes" in m for m in reasons)
    assert rig.follower.state.cursor == rig.chain.head


def test_node_lagging_behind_its_head_retries(rig_factory) -> None:
    rig = rig_factory(confirmations=0)
    rig.chain.mine(key_request_log(ALICE, 0))
    real = rig.chain.headers
    rig.chain.headers = lambda nums: {n: None for n in nums}  # type: ignore[method-assign]
    with pytest.raises(RangeRetry):
        rig.follower.step()
    rig.chain.headers = real  # type: ignore[method-assign]
    rig.run()
    assert len(rig.gateway.key_requests) == 1


def test_unknown_destination_is_held_until_its_chain_is_known(rig_factory, caplog) -> None:
    rig = rig_factory(confirmations=0)
    rig.chain.mine(key_request_log(ALICE, 0))
    rig.chain.mine(sig_request_log(0, ALICE, dst="eip155:999"))
    rig.run()
    rig.run()
    assert rig.gateway.created("sig") == []
    assert len(rig.follower.state.deferred) == 1
    # ChainIdSupport for eip155:999 arrives later: the request goes through.
    from eth_abi import encode as abi_encode

    from zrchain.evm.events import event_topics
    from zrchain.evm.ids import EVM_WALLET_TYPE_ID, caip2_chain_id

    rig.chain.mine(
        {
            "topics": [
                event_topics()["ChainIdSupport"],
                "0x" + EVM_WALLET_TYPE_ID.hex(),
                "0x" + caip2_chain_id("eip155:999").hex(),
            ],
            "data": "0x" + abi_encode(["string", "bool"], ["eip155:999", True]).hex(),
        }
    )
    rig.run()
    rig.run()
    assert rig.gateway.created("sig") == [0]
    assert rig.follower.state.deferred == []


def test_held_requests_expire(rig_factory, tmp_path, caplog) -> None:
    from .conftest import make_rig

    now = [1000.0]
    base = rig_factory(confirmations=0)
    rig = make_rig(base.chain, base.gateway, base.net, tmp_path / "s2", clock=lambda: now[0])
    rig.chain.mine(sig_request_log(0, ALICE))  # no key ever requested
    rig.run()
    assert len(rig.follower.state.deferred) == 1
    now[0] += 4000
    rig.run()
    rig.chain.mine()
    rig.run()
    assert rig.follower.state.deferred == []
    assert any("giving up" in r.getMessage() for r in events(caplog, "skipped"))


def test_progress_lines_during_backfill(rig_factory, caplog) -> None:
    rig = rig_factory(confirmations=0, max_block_range=10)
    for i in range(30):
        rig.chain.mine(key_request_log(ALICE, i), count=3)
    rig.run(steps=100)
    lines = events(caplog, "backfill")
    assert lines
    f = lines[0].fields
    assert {"blocks_done", "blocks_to_go", "logs", "logs_per_s", "blocks_per_s"} <= set(f)
    assert events(caplog, "caught_up")


def test_state_survives_restart_with_hashes(rig_factory) -> None:
    rig = rig_factory(confirmations=0)
    rig.chain.mine(key_request_log(ALICE, 0))
    rig.run()
    again = rig.restart()
    assert again.follower.state.cursor == rig.follower.state.cursor
    assert again.follower.state.hashes == rig.follower.state.hashes
    assert again.follower.state.caip2 == CAIP2
    assert again.follower.state.contract == CONTRACT


def test_cache_id_is_carried_by_signature_requests(rig_factory) -> None:
    rig = rig_factory(confirmations=0)
    rig.chain.mine(key_request_log(ALICE, 0))
    rig.chain.mine(sig_request_log(7, ALICE))
    rig.run()
    rig.run()
    assert cache_id(CAIP2, CONTRACT, 7) in rig.gateway.sign_requests
