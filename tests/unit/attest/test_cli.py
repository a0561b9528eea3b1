"""``zrchaind tx attest update-params`` submits a gov proposal whose one Msg is the attest
MsgUpdateParams signed by the gov module account (the switch is gov-only)."""

from __future__ import annotations

import json
from typing import Any

from click.testing import CliRunner

from zrchain.cli.main import cli
from zrchain.x.gov.types import GOV_AUTHORITY


def test_update_params_builds_a_proposal_for_gov(tmp_path: Any) -> None:
    home = str(tmp_path / "home")
    runner = CliRunner()
    added = runner.invoke(cli, ["keys", "add", "alice", "--keyring-backend", "test",
                                "--home", home, "-o", "json"])  # fmt: skip
    assert added.exit_code == 0, added.output
    res = runner.invoke(cli, [
        "tx", "attest", "update-params", "--enabled", "--max-defer-blocks", "300",
        "--title", "attest on", "--summary", "validators attest zrSign events",
        "--deposit", "10000000urock", "--from", "alice", "--keyring-backend", "test",
        "--home", home, "--chain-id", "zenrock", "--generate-only", "-o", "json",
    ])  # fmt: skip
    assert res.exit_code == 0, res.output
    (msg,) = json.loads(res.output)["body"]["messages"]
    assert msg["@type"] == "/cosmos.gov.v1.MsgSubmitProposal"
    assert msg["title"] == "attest on"
    assert msg["initial_deposit"] == [{"denom": "urock", "amount": "10000000"}]
    (inner,) = msg["messages"]
    assert inner == {
        "@type": "/zrchain.attest.MsgUpdateParams",
        "authority": GOV_AUTHORITY,
        "params": {
            "enabled": True,
            "max_defer_blocks": "300",
            "simple_tx_priority_fee": "1000000000",
            "simple_tx_call_gas": "200000",
        },
    }
