"""Node-local failures on a real node (CometBFT + zrchaind) stop it cleanly (issue 11, item 9).

* A Commit that cannot be written (the app's file-size limit is lowered under it, so
  LevelDB's next write fails with EFBIG, as on a full disk) stops the app with exit code 1
  and one clear critical line, and CometBFT stops too; restarted without the limit, the
  node replays the block and goes on.
* A damaged database (a flipped byte in LevelDB's log, which paranoid checks catch) and an
  unreadable app.toml make `zrchaind start` print one line, not a traceback.
"""

from __future__ import annotations

import resource
import time
from pathlib import Path

import pytest

from zrchain.testing.node import TestNode, zrchaind

pytestmark = pytest.mark.node


def _leveldb_logs(node: TestNode) -> list[Path]:
    return sorted((node.home / "data" / "application.db").glob("*.log"))


def _wait_exit(node: TestNode, timeout: float = 30) -> tuple[int | None, int | None]:
    deadline = time.monotonic() + timeout
    procs = (node.app_proc, node.comet_proc)
    while time.monotonic() < deadline and any(p.poll() is None for p in procs):
        time.sleep(0.1)
    return node.app_proc.poll(), node.comet_proc.poll()


def test_a_failed_commit_stops_app_and_cometbft_and_a_restart_recovers(node_factory) -> None:
    node = node_factory().init().start(wait_height=3)
    log = max(_leveldb_logs(node), key=lambda p: p.stat().st_size)
    limit = log.stat().st_size + 4096  # room for a few blocks, then EFBIG
    assert (node.home / "app.log").stat().st_size < limit  # the app's own log stays writable
    resource.prlimit(node.app_proc.pid, resource.RLIMIT_FSIZE, (limit, limit))
    app_rc, comet_rc = _wait_exit(node, 60)
    assert app_rc == 1, node.tail("app")
    assert comet_rc is not None, "CometBFT kept running after the app stopped"
    app_log = node.tail("app", 400)
    assert "stopping the node: ABCI Commit" in app_log
    assert "the block could not be written: IOError" in app_log
    assert "zrchaind stopped after a node fault" in app_log
    failed_at = int(app_log.split("stopping the node: ABCI Commit ")[1].split(":")[0])
    # no limit any more: CometBFT replays the uncommitted block and the chain goes on
    offset = (node.home / "app.log").stat().st_size
    node.start(wait_height=failed_at + 3, timeout=60)
    assert node.height() >= failed_at + 3
    assert "stopping the node" not in (node.home / "app.log").read_text()[offset:]


def test_a_damaged_database_is_one_clear_line(node_factory) -> None:
    node = node_factory().init().start(wait_height=3)
    node.stop()
    log = max(_leveldb_logs(node), key=lambda p: p.stat().st_size)
    data = bytearray(log.read_bytes())
    assert len(data) > 100
    data[len(data) // 2] ^= 0xFF
    log.write_bytes(bytes(data))
    out = zrchaind("start", "--home", str(node.home), "--no-comet", check=False, timeout=60)
    assert out.returncode == 1
    lines = [line for line in out.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, out.stderr
    assert lines[0].startswith("Error: cannot open the application database at ")
    assert "Corruption" in lines[0] and "unsafe-reset-all" in lines[0]
    assert "Traceback" not in out.stderr + out.stdout


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("minimum-gas-prices = \n", "cannot read"),
        (
            '[state-sync]\nsnapshot-interval = "many"\n',
            "state-sync.snapshot-interval must be a int, got str",
        ),
        ("[api]\nenable = 1\n", "api.enable must be a bool, got int"),
    ],
)
def test_an_unreadable_app_toml_is_one_clear_line(node_factory, content, expected) -> None:
    node = node_factory().init()
    (node.home / "config" / "app.toml").write_text(content)
    out = zrchaind("start", "--home", str(node.home), "--no-comet", check=False, timeout=60)
    assert out.returncode == 1
    lines = [line for line in out.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: "), out.stderr
    assert "app.toml" in lines[0] and expected in lines[0]
    assert "Traceback" not in out.stderr + out.stdout
