"""State file, batching, config, logs and metrics."""

from __future__ import annotations

import io
import json
import stat
import urllib.request

import pytest
from hypothesis import given
from hypothesis import strategies as hs

from zrchain.mpc import config as C
from zrchain.mpc import logs
from zrchain.mpc.batching import TX_OVERHEAD_BYTES, make_batches
from zrchain.mpc.metrics import Metrics, parse_listen
from zrchain.mpc.state import InFlightTx, KeeperState, RecordedAnswer, StateError, StateStore

KR = "keyring1pfnq7r04rept47gaf5cpdew2"


def test_state_round_trip_atomic_and_private(tmp_path) -> None:
    store = StateStore(tmp_path / "s" / "state.json")
    store.lock()
    st = store.load("zenrock", KR, "zen1party")
    st.in_flight.append(
        InFlightTx("AB", 3, 20, 15, [("key", 1, False), ("signature", 2, True)], b"\x01raw")
    )
    st.watermark = {"key": 1}
    st.first_seen = {"key:1": 14}
    st.answers = {
        "key:1": RecordedAnswer(b"\x02" * 33),
        "signature:2": RecordedAnswer(reject_reason="payload for an ed25519 key is empty"),
    }
    store.save(st)
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert not list(store.path.parent.glob(".state-*"))
    again = store.load("zenrock", KR, "zen1party")
    assert again.to_json() == st.to_json()
    assert again.in_flight[0].raw == b"\x01raw" and again.in_flight_items() == {
        ("key", 1),
        ("signature", 2),
    }
    with pytest.raises(StateError, match="belongs to"):
        store.load("other-chain", KR, "zen1party")
    store.unlock()
    store.path.write_text("{not json")
    with pytest.raises(StateError, match="corrupt"):
        store.load("zenrock", KR, "zen1party")
    store.path.write_text(json.dumps({"format": "nope"}))
    with pytest.raises(StateError):
        store.load("zenrock", KR, "zen1party")


@given(
    hs.dictionaries(
        hs.tuples(hs.sampled_from(["key", "signature"]), hs.integers(1, 2**64 - 1)).map(
            lambda t: f"{t[0]}:{t[1]}"
        ),
        hs.builds(RecordedAnswer, hs.binary(max_size=80), hs.text(max_size=40)),
        max_size=5,
    )
)
def test_recorded_answers_survive_the_state_file(answers: dict[str, RecordedAnswer]) -> None:
    state = KeeperState("zenrock", KR, "zen1party", answers=answers)
    text = json.dumps(state.to_json())
    assert KeeperState.from_json(json.loads(text)).answers == answers


def test_state_file_without_answers_loads(tmp_path) -> None:
    """A state file written before answers were recorded (an upgrade mid-flight)."""
    old = KeeperState("zenrock", KR, "zen1party").to_json()
    del old["answers"]
    assert KeeperState.from_json(old).answers == {}


@pytest.mark.parametrize("key", ["signature", "signature:", ":7", "signature:x", "7"])
def test_a_malformed_recorded_answer_key_is_a_corrupt_state_file(tmp_path, key: str) -> None:
    """Refused at load (the keeper would otherwise fail in every round)."""
    store = StateStore(tmp_path / "state.json")
    bad = KeeperState("zenrock", KR, "zen1party").to_json()
    bad["answers"] = {key: RecordedAnswer(b"\x01").to_json()}
    store.path.write_text(json.dumps(bad))
    with pytest.raises(StateError, match="corrupt"):
        store.load("zenrock", KR, "zen1party")


def test_state_lock_is_exclusive(tmp_path) -> None:
    a, b = StateStore(tmp_path / "state.json"), StateStore(tmp_path / "state.json")
    a.lock()
    with pytest.raises(StateError, match="in use"):
        b.lock()
    a.unlock()
    b.lock()
    b.unlock()


def test_fresh_state() -> None:
    st = KeeperState("c", KR, "p")
    assert KeeperState.from_json(st.to_json()) == st


def test_batches_respect_count_bytes_order_and_isolation() -> None:
    items = list(range(10))
    assert make_batches(items, lambda _: 10, 4, 10_000) == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    by_bytes = make_batches(items, lambda _: 100, 100, TX_OVERHEAD_BYTES + 250)
    assert by_bytes == [[0, 1], [2, 3], [4, 5], [6, 7], [8, 9]]
    iso = make_batches(items, lambda _: 10, 4, 10_000, isolate=lambda i: i in (2, 7))
    assert iso == [[0, 1, 3, 4], [2], [5, 6, 8, 9], [7]]
    assert sorted(x for b in iso for x in b) == items
    assert make_batches([], lambda _: 1, 3, 100) == []
    big = make_batches([1], lambda _: 10**6, 3, 100)
    assert big == [[1]]  # an oversized single answer still goes (the node decides)
    with pytest.raises(ValueError):
        make_batches(items, lambda _: 1, 0, 100)


def test_config_round_trip_and_validation(tmp_path) -> None:
    cfg = C.KeeperConfig(keyring_address=KR, base_dir=tmp_path)
    cfg.batch.max_answers = 50
    cfg.fees.gas_prices = "0.0002urock"
    path = tmp_path / "mpc-keeper.toml"
    C.save(cfg, path)
    loaded = C.load(path)
    assert loaded.keyring_address == KR and loaded.batch.max_answers == 50
    assert loaded.fees.gas_prices == "0.0002urock" and loaded.base_dir == tmp_path.resolve()
    assert loaded.path("state.json") == tmp_path.resolve() / "state.json"
    assert loaded.path("/abs/x").as_posix() == "/abs/x"
    s = loaded.settings()
    assert s.batch_size == 50 and s.gas_prices == "0.0002urock"
    text = path.read_text()
    for bad, msg in (
        (text.replace("max_answers = 50", 'max_answers = "x"'), "must be a number"),
        (text + "\n[bogus]\nx = 1\n", "unknown key"),
        (text.replace("[batch]", "[batch]\nnope = 1"), "unknown key"),
        (text.replace('listen = "127.0.0.1:9464"', 'listen = "0.0.0.0:9464"'), "loopback"),
        (text.replace(f'keyring_address = "{KR}"', 'keyring_address = "zen1abc"'), "keyring1"),
        ("not toml [", "not valid TOML"),
    ):
        path.write_text(bad)
        with pytest.raises(C.ConfigError, match=msg):
            C.load(path)
    with pytest.raises(C.ConfigError, match="not found"):
        C.load(tmp_path / "missing.toml")


def test_metrics_listen_must_be_loopback() -> None:
    assert parse_listen("127.0.0.1:9464") == ("127.0.0.1", 9464)
    assert parse_listen("localhost:0") == ("127.0.0.1", 0)
    assert parse_listen("[::1]:9") == ("::1", 9)
    for bad in ("0.0.0.0:9464", "10.0.0.1:1", "example.com:80", "127.0.0.1:x", "127.0.0.1:70000"):
        with pytest.raises(ValueError):
            parse_listen(bad)


def test_metrics_endpoint_serves_counters() -> None:
    m = Metrics()
    m.seen.labels("key").inc(3)
    m.latency.labels("key").observe(2)
    server = m.serve("127.0.0.1:0")
    try:
        port = server.server_address[1]
        body = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
    finally:
        server.shutdown()
    assert 'zrchain_mpc_requests_seen_total{kind="key"} 3.0' in body
    assert 'zrchain_mpc_answer_latency_blocks_bucket{kind="key",le="2.0"} 1.0' in body


def test_json_logs_and_redaction() -> None:
    out = io.StringIO()
    log = logs.setup("debug", stream=out)
    log.info("tx_broadcast", txhash="AB", answers=3, raw=b"\x01\x02")
    log.warning("oops", seed="deadbeef", private_key="cafe", seed_file="/x/seed.json")
    try:
        raise ValueError("boom")
    except ValueError:
        log.error("round_failed", exc=True, error="boom")
    lines = [json.loads(x) for x in out.getvalue().splitlines()]
    assert (
        lines[0]["event"] == "tx_broadcast"
        and lines[0]["answers"] == 3
        and lines[0]["raw"] == "0102"
    )
    assert lines[1]["seed"] == "<redacted>" and lines[1]["private_key"] == "<redacted>"
    assert lines[1]["seed_file"] == "/x/seed.json"
    assert lines[2]["error_type"] == "ValueError" and "traceback" in lines[2]
    assert {"ts", "level"} <= set(lines[0])
