"""The config file and the state file (atomic writes, lock, round trip)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from evm_bridge.config import ConfigError, load_config, parse_config
from evm_bridge.state import DirLock, NetworkState, StateStore, atomic_write_json, state_file

CONTRACT = "0x" + "ab" * 20

GOOD = f"""
[zrchain]
node = "tcp://127.0.0.1:26657"
signer = "relayer"
home = "home"

[bridge]
state_dir = "state"
log_format = "text"
extra_caip2 = ["eip155:1"]

[[networks]]
name = "a"
caip2 = "eip155:11155111"
rpc_url = "http://127.0.0.1:8545"
contract = "{CONTRACT}"
start_block = 10
confirmations = 5
mode = "omni"

[[networks]]
caip2 = "eip155:80002"
rpc_url = "http://127.0.0.1:8546"
contract = "{CONTRACT}"
mode = "direct"
mpc_key_env = "TEST_MPC_KEY"

[[destinations]]
caip2 = "eip155:43113"
rpc_url = "http://127.0.0.1:8547"
"""


def test_load_good_config(tmp_path: Path) -> None:
    path = tmp_path / "bridge.toml"
    path.write_text(GOOD)
    cfg = load_config(path)
    a, b = cfg.networks
    assert a.label == "a" and a.start_block == 10 and a.confirmations == 5 and not a.direct
    assert b.label == "eip155:80002" and b.direct and b.evm_chain_id == 80002
    assert (
        a.contract == "0xABaBaBaBABabABabAbAbABAbABabababaBaBABaB" or a.contract.lower() == CONTRACT
    )
    assert cfg.state_dir == str(tmp_path / "state")
    assert cfg.zrchain.home == str(tmp_path / "home")
    assert cfg.rpc_for("eip155:43113") == "http://127.0.0.1:8547"
    assert cfg.rpc_for("eip155:80002") == "http://127.0.0.1:8546"
    assert cfg.rpc_for("eip155:1") is None
    assert set(cfg.known_caip2()) == {"eip155:11155111", "eip155:80002", "eip155:43113", "eip155:1"}


def test_direct_key_from_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "bridge.toml"
    path.write_text(GOOD)
    cfg = load_config(path)
    monkeypatch.setenv("TEST_MPC_KEY", "0x" + "11" * 32)
    assert cfg.networks[1].mpc_key() == b"\x11" * 32
    assert cfg.networks[1].responder_key() == b"\x11" * 32
    monkeypatch.setenv("TEST_MPC_KEY", "zz")
    with pytest.raises(ConfigError):
        cfg.networks[1].mpc_key()


@pytest.mark.parametrize(
    ("patch", "needle"),
    [
        (lambda d: d["networks"][0].update(caip2="sepolia"), "CAIP-2"),
        (lambda d: d["networks"][0].update(contract="0x1234"), "EVM address"),
        (lambda d: d["networks"][0].update(mode="both"), "omni or direct"),
        (lambda d: d["networks"][0].update(confirmations=-1), "non-negative"),
        (lambda d: d["networks"][0].update(max_block_range=0), "at least 1"),
        (lambda d: d["networks"][0].update(colour="blue"), "unknown key"),
        (lambda d: d["networks"][1].pop("mpc_key_env"), "direct mode needs"),
        (lambda d: d["networks"][1].update(caip2="eip155:11155111"), "listed twice"),
        (lambda d: d["zrchain"].pop("signer"), "signer"),
        (lambda d: d.update(networks=[]), "at least one"),
        (lambda d: d["bridge"].update(port=1), "unknown key"),
    ],
)
def test_bad_configs(patch, needle: str) -> None:
    import tomllib

    doc = tomllib.loads(GOOD)
    patch(doc)
    with pytest.raises(ConfigError, match=needle):
        parse_config(doc)


def test_missing_or_broken_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[zrchain\n")
    with pytest.raises(ConfigError):
        load_config(bad)


def test_state_round_trip_and_atomic_write(tmp_path: Path) -> None:
    path = state_file(tmp_path, "eip155:1", CONTRACT.upper().replace("0X", "0x"))
    assert path.name == f"eip155_1-{CONTRACT}.json"
    store = StateStore(path)
    assert store.load() is None
    st = NetworkState("eip155:1", CONTRACT, 41)
    st.remember_hash(41, "0xAB")
    st.range_done.append("0x1:0")
    st.deferred.append({"item": {"x": 1}, "reason": "r"})
    st.stats.ingested = 3
    store.save(st)
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    again = store.load()
    assert again is not None
    assert again.cursor == 41 and again.hashes == {41: "0xab"} and again.stats.ingested == 3
    assert again.range_done == ["0x1:0"] and again.deferred == st.deferred
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temp file left behind


def test_atomic_write_never_leaves_a_torn_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "s.json"
    atomic_write_json(path, {"v": 1})

    def crash(*args: object) -> None:
        raise OSError("disk on fire")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError):
        atomic_write_json(path, {"v": 2})
    assert json.loads(path.read_text()) == {"v": 1}


def test_hash_window_is_bounded() -> None:
    from evm_bridge.state import MAX_HASHES

    st = NetworkState("eip155:1", CONTRACT, 0)
    for n in range(MAX_HASHES + 10):
        st.remember_hash(n, hex(n))
    assert len(st.hashes) == MAX_HASHES and min(st.hashes) == 10
    st.forget_after(100)
    assert max(st.hashes) == 100


def test_state_dir_lock(tmp_path: Path) -> None:
    a, b = DirLock(tmp_path), DirLock(tmp_path)
    a.acquire()
    with pytest.raises(RuntimeError, match="in use"):
        b.acquire()
    a.release()
    b.acquire()
    b.release()


def _net(**kw: object) -> dict[str, object]:
    return {"caip2": "eip155:1", "rpc_url": "http://127.0.0.1:1", "contract": CONTRACT, **kw}


def _parse(**kw: object) -> object:
    return parse_config({"zrchain": {"signer": "r"}, "networks": [_net(**kw)]}).networks[0]


def test_flavour_setting() -> None:
    assert _parse().flavour == "zrchain"  # files written before flavours keep their meaning
    v1 = _parse(flavour="ZrSign-V1", mpc_key_env="K")
    assert v1.flavour == "zrsign-v1" and v1.writes_back and not v1.direct
    assert not _parse(mode="omni").writes_back
    assert _parse(mode="direct", mpc_key_env="K").writes_back
    with pytest.raises(ConfigError, match="flavour must be one of zrchain, zrsign-v1"):
        _parse(flavour="zrsign-v2")
    # A zrsign-v1 contract needs answers (key registrations) even in Omni mode.
    with pytest.raises(ConfigError, match=r"zrsign-v1 contract .* needs mpc_key_file"):
        _parse(flavour="zrsign-v1")
    with pytest.raises(ConfigError, match="response_gas"):
        _parse(response_gas=-1)


def test_state_files_before_response_accounting_still_load(tmp_path: Path) -> None:
    doc = NetworkState("eip155:1", CONTRACT, 5).to_json()
    doc["stats"] = {"ingested": 3, "responses": 2, "a_future_counter": 9}
    doc.pop("dead_letters")
    state = NetworkState.from_json(doc)
    assert state.stats.responses_accepted == 2 and state.stats.ingested == 3
    assert state.dead_letters == []
    state.dead_letters.append({"key": ["key", "0xab", "60", 0], "reason": "r", "error": "E"})
    store = StateStore(tmp_path / "s.json")
    store.save(state)
    loaded = store.load()
    assert loaded is not None and loaded.dead_letters == state.dead_letters
