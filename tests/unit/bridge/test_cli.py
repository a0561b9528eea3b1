"""`evm-bridge` commands: cache-id, status, start's refusal of a bad config."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from evm_bridge.cli import evm_bridge_group
from evm_bridge.state import NetworkState, StateStore, state_file

CONTRACT = "0xA7AdF06a1D3a2CA827D4EddA96a1520054713E1c"


def _config(tmp: Path) -> Path:
    path = tmp / "bridge.toml"
    path.write_text(
        f"""
[zrchain]
signer = "relayer"
[bridge]
state_dir = "state"
[[networks]]
name = "sepolia"
caip2 = "eip155:11155111"
rpc_url = "http://127.0.0.1:1"
contract = "{CONTRACT}"
confirmations = 5
"""
    )
    return path


def test_cache_id_command() -> None:
    res = CliRunner().invoke(evm_bridge_group, ["cache-id", "eip155:11155111", CONTRACT, "0"])
    assert res.exit_code == 0
    assert res.output.strip() == "b39e35e05e51e868dda7b442aca5ebd1024a53a4078b5a2e91a30eb804d7722a"
    bad = CliRunner().invoke(evm_bridge_group, ["cache-id", "eip155:1", "0x12", "0"])
    assert bad.exit_code == 2


def test_status_before_and_after_a_run(tmp_path: Path) -> None:
    cfg = _config(tmp_path)
    res = CliRunner().invoke(evm_bridge_group, ["status", "--config", str(cfg)])
    assert res.exit_code == 0 and "not started" in res.output
    st = NetworkState("eip155:11155111", CONTRACT, 120, head=130)
    st.stats.ingested, st.stats.duplicates = 7, 2
    st.history.append({"relay_tx": "0x" + "ab" * 32})
    StateStore(state_file(tmp_path / "state", st.caip2, CONTRACT)).save(st)
    res = CliRunner().invoke(evm_bridge_group, ["status", "--config", str(cfg)])
    assert res.exit_code == 0
    assert "cursor 120" in res.output and "ingested 7" in res.output and "dup 2" in res.output
    assert "relayed 0x" + "ab" * 32 in res.output
    res = CliRunner().invoke(
        evm_bridge_group, ["status", "--config", str(cfg), "-o", "json", "--live"]
    )
    doc = json.loads(res.output)
    assert doc[0]["cursor"] == 120 and "head_error" in doc[0]  # nothing listens on port 1


def test_start_refuses_a_bad_config(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("[zrchain]\nsigner='x'\n")
    res = CliRunner().invoke(evm_bridge_group, ["start", "--config", str(path)])
    assert res.exit_code == 2 and "networks" in res.output
