"""The helpers both daemons share: redacted logs, typed config tables, private files, locks."""

from __future__ import annotations

import io
import json
import logging
import stat
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from evm_bridge.config import parse_config
from evm_bridge.logs import emit, get_logger, setup_logging
from zrchain.daemon.config import ConfigError, read_toml, table_values
from zrchain.daemon.files import FileLock, LockHeld, write_private, write_private_json
from zrchain.daemon.logs import Format
from zrchain.mpc import logs as keeper_logs


def _bridge_lines(fmt: Format) -> list[str]:
    out = io.StringIO()
    setup_logging(fmt, "debug", stream=out)
    log = get_logger("test")
    emit(log, logging.INFO, "key_loaded", "loaded", mpc_private_key="ab" * 32,
         mnemonic="word " * 24, passphrase="hunter2", mpc_key_file="/keys/mpc.hex", n=3)
    return out.getvalue().splitlines()


def test_bridge_json_logs_redact_secret_fields() -> None:
    """The bridge's formatter used to print every field as given."""
    (line,) = _bridge_lines("json")
    doc = json.loads(line)
    assert doc["event"] == "key_loaded" and doc["msg"] == "loaded" and doc["n"] == 3
    assert isinstance(doc["ts"], float)  # the bridge's clock: unix seconds
    for name in ("mpc_private_key", "mnemonic", "passphrase"):
        assert doc[name] == "<redacted>"
    assert doc["mpc_key_file"] == "/keys/mpc.hex"  # a path, not a secret
    assert "hunter2" not in line and "ab" * 32 not in line


def test_bridge_text_logs_redact_secret_fields() -> None:
    (line,) = _bridge_lines("text")
    assert "key_loaded" in line and "n=3" in line and "mpc_key_file=/keys/mpc.hex" in line
    assert "hunter2" not in line and "ab" * 32 not in line and "word" not in line


def test_keeper_and_bridge_keep_their_line_shapes() -> None:
    out = io.StringIO()
    keeper_logs.setup("info", stream=out).info("tx_sent", seed="s3cret", answers=2)
    doc = json.loads(out.getvalue())
    assert set(doc) == {"ts", "level", "event", "seed", "answers"}
    assert doc["ts"].endswith("Z") and doc["seed"] == "<redacted>" and doc["event"] == "tx_sent"


@dataclass
class Section:
    name: str = "x"
    count: int = 1
    ratio: float = 0.5
    on: bool = True
    peers: list[str] = field(default_factory=list)
    limit: int | None = None


@pytest.mark.parametrize(
    ("table", "error"),
    [
        ({"count": "3"}, r"\[s\] count must be a number"),
        ({"count": 1.5}, r"\[s\] count must be an integer"),
        ({"on": 1}, r"\[s\] on must be true or false"),
        ({"name": 7}, r"\[s\] name must be a string"),
        ({"peers": [1]}, r"\[s\] peers must be a list of strings"),
        ({"bogus": 1, "other": 2}, r"unknown key\(s\) in \[s\]: bogus, other"),
    ],
)
def test_tables_are_typed(table: dict[str, object], error: str) -> None:
    with pytest.raises(ConfigError, match=error):
        table_values(Section, table, "[s]")


def test_table_values_widen_ints_to_floats() -> None:
    got = table_values(Section, {"ratio": 2, "limit": 4, "peers": ["a"]}, "[s]")
    assert got == {"ratio": 2.0, "limit": 4, "peers": ["a"]}
    assert isinstance(got["ratio"], float)
    with pytest.raises(ConfigError, match="must be a table"):
        table_values(Section, [1], "[s]")


def test_bridge_refuses_a_quoted_number() -> None:
    """The bridge used to accept `poll_interval = "fast"` and fail later, in a thread."""
    doc = {
        "zrchain": {"signer": "relayer"},
        "networks": [{"caip2": "eip155:1", "rpc_url": "http://127.0.0.1:1",
                      "contract": "0x" + "11" * 20, "poll_interval": "fast"}],
    }
    with pytest.raises(ConfigError, match=r"networks\[0\] poll_interval must be a number"):
        parse_config(doc)


def test_read_toml_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        read_toml(tmp_path / "none.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[x\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        read_toml(bad)


def test_private_files_are_0600_and_whole(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "state.json"
    write_private_json(target, {"b": 1, "a": [1, 2]})
    assert json.loads(target.read_text()) == {"a": [1, 2], "b": 1}
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    write_private(target, "new")
    assert target.read_text() == "new"
    assert sorted(p.name for p in target.parent.iterdir()) == ["state.json"]  # no temp left


def test_lock_has_one_holder(tmp_path: Path) -> None:
    a, b = FileLock(tmp_path / "x.lock"), FileLock(tmp_path / "x.lock")
    a.acquire()
    with pytest.raises(LockHeld):
        b.acquire()
    assert (tmp_path / "x.lock").read_text().isdigit()
    a.release()
    b.acquire()
    assert b.held and not a.held
    b.release()
