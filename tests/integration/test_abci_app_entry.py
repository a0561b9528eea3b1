"""``abci_app.py``, the top-level entry, serves the app for a home as ``zrchaind start
--no-comet`` does: a real CometBFT started separately against it makes blocks, and the app
answers queries and stops cleanly on SIGTERM."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from zrchain.testing.node import TestNode

pytestmark = pytest.mark.node

ENTRY = Path(__file__).resolve().parents[2] / "abci_app.py"


def test_abci_app_serves_a_home_to_a_real_cometbft(tmp_path: Path) -> None:
    node = TestNode(tmp_path, "entry").init()
    try:
        node.start_app("--grpc.disable", "--api.disable", entry=(sys.executable, str(ENTRY)))
        node.start_comet()
        node.wait_height(3, timeout=60)
        info = node.rpc.abci_info()
        assert info["data"] == "ZenrockApp" and int(info["last_block_height"]) >= 2
        assert node.rpc.abci_query("/cosmos.bank.v1beta1.Query/Params").get("code", 0) == 0
    finally:
        node.stop()
    assert node.app_proc is not None and node.app_proc.returncode == 0, node.tail("app")
    assert "zrchaind stopped" in node.tail("app")
