"""Governance on a real 4-validator network, driven through the CLI as operators drive
zenrockd: a proposal changes treasury params (``zr_sign_address``) and passes; one fails
quorum (deposit refunded); one is vetoed (deposit burned); an upgrade proposal halts every
validator at the plan height with the SDK's log line, and restarted as a version that
registers the plan's handler they migrate and go on with equal app hashes."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from test_staking_network import check_network, wait_for

from zrchain.client.chain import ChainClient
from zrchain.testing.network import TestNetwork
from zrchain.testing.node import zrchaind
from zrchain.testing.upgrade_example import MIGRATED_MIN_DEPOSIT
from zrchain.testing.upgrade_example import NAME as UPGRADE
from zrchain.x.gov.types import GOV_AUTHORITY
from zrchain.x.upgrade.handlers import ENV_MODULES

pytestmark = pytest.mark.node

VOTING_S = 25
DEPOSIT = 1_000_000
FEE = 2000


def _params(doc: dict[str, Any]) -> None:
    p = doc["app_state"]["gov"]["params"]
    p.update(
        voting_period=f"{VOTING_S}s",
        expedited_voting_period=f"{VOTING_S // 2}s",
        max_deposit_period=f"{VOTING_S}s",
    )
    p["min_deposit"] = [{"denom": "urock", "amount": str(DEPOSIT)}]


@pytest.fixture(scope="module")
def net(tmp_path_factory):
    n = TestNetwork(tmp_path_factory.mktemp("gov"), validators=4)
    n.init(genesis=_params).start(wait_height=2)
    yield n
    n.stop()


def cli(net: TestNetwork, *args: str) -> Any:
    out = zrchaind(*args, "--node", net.nodes[0].rpc_url, "-o", "json")
    return json.loads(out.stdout)


def tx(net: TestNetwork, sender: str, *args: str, home: Path | None = None) -> Any:
    """``zrchaind tx …`` (the dev keys in the net's keyring, or a node's ``validator``)."""
    out = zrchaind(
        "tx", *args, "--from", sender, "--keyring-backend", "test",
        "--home", str(home or net.base), "--node", net.nodes[0].rpc_url,
        "--chain-id", net.chain_id, "--fees", f"{FEE}urock", "--gas", "400000", "-y",
        "-o", "json", check=False,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    sent = json.loads(out.stdout)
    assert sent["code"] == 0, sent
    res = ChainClient(net.nodes[0].rpc_url).wait_tx(sent["txhash"])
    assert res.code == 0, res.raw_log
    return res


def vote_all(net: TestNetwork, pid: int, option: str, nodes: range = range(4)) -> None:
    for i in nodes:
        tx(net, "validator", "gov", "vote", str(pid), option, home=net.nodes[i].home)


def submit(net: TestNetwork, sender: str, path: Path, messages: list[dict[str, Any]]) -> int:
    path.write_text(json.dumps({
        "messages": messages, "metadata": "", "deposit": f"{DEPOSIT}urock",
        "title": path.stem, "summary": f"{path.stem} by {sender}",
    }))  # fmt: skip
    res = tx(net, sender, "gov", "submit-proposal", str(path))
    ev = next(e for e in res.events if e.type == "submit_proposal")
    return int(next(a.value for a in ev.attributes if a.key == "proposal_id"))


def proposal(net: TestNetwork, pid: int) -> dict[str, Any]:
    return dict(cli(net, "q", "gov", "proposal", str(pid))["proposal"])


def wait_final(net: TestNetwork, pid: int) -> dict[str, Any]:
    wait_for(
        lambda: proposal(net, pid)["status"] not in ("PROPOSAL_STATUS_VOTING_PERIOD",),
        timeout=VOTING_S + 60, what=f"proposal {pid} to end",
    )  # fmt: skip
    return proposal(net, pid)


def _halted(n: Any) -> bool:
    return n.app_proc is not None and n.app_proc.poll() is not None


def balance(net: TestNetwork, addr: str) -> int:
    return int(cli(net, "q", "bank", "balances", addr, "--denom", "urock")["balance"]["amount"])


def zr_sign_proposal(net: TestNetwork, addr: str) -> dict[str, Any]:
    params = cli(net, "q", "treasury", "params")["params"]
    params["zr_sign_address"] = addr
    return {"@type": "/zrchain.treasury.MsgUpdateParams", "authority": GOV_AUTHORITY,
            "params": params}  # fmt: skip


def test_a_proposal_changes_treasury_params_and_passes(net, tmp_path) -> None:
    alice = net.dev_addresses["alice"]
    assert cli(net, "q", "treasury", "params")["params"]["zr_sign_address"] != alice
    before = balance(net, alice)
    pid = submit(net, "alice", tmp_path / "zrsign.json", [zr_sign_proposal(net, alice)])
    assert proposal(net, pid)["status"] == "PROPOSAL_STATUS_VOTING_PERIOD"
    vote_all(net, pid, "yes", range(3))
    tally = cli(net, "q", "gov", "tally", str(pid))["tally"]
    assert tally["yes_count"] == str(3 * 10_000_000)
    p = wait_final(net, pid)
    assert p["status"] == "PROPOSAL_STATUS_PASSED", p
    assert cli(net, "q", "treasury", "params")["params"]["zr_sign_address"] == alice
    assert balance(net, alice) == before - FEE  # the deposit came back
    votes = cli(net, "q", "gov", "votes", str(pid))["votes"]
    assert votes == []  # the SDK deletes the votes once tallied
    check_network(net, net.nodes)


def test_a_proposal_without_quorum_is_rejected_and_refunded(net, tmp_path) -> None:
    bob = net.dev_addresses["bob"]
    before = balance(net, bob)
    pid = submit(net, "bob", tmp_path / "quorum.json", [zr_sign_proposal(net, bob)])
    vote_all(net, pid, "yes", range(1))  # 1 of 4: under the 33.4 % quorum
    p = wait_final(net, pid)
    assert p["status"] == "PROPOSAL_STATUS_REJECTED"
    assert p["final_tally_result"]["yes_count"] == str(10_000_000)
    assert balance(net, bob) == before - FEE
    assert cli(net, "q", "treasury", "params")["params"]["zr_sign_address"] != bob
    check_network(net, net.nodes)


def test_a_vetoed_proposal_burns_its_deposit(net, tmp_path) -> None:
    carol = net.dev_addresses["alice"]
    before = balance(net, carol)
    supply = int(cli(net, "q", "bank", "total", "--denom", "urock")["amount"]["amount"])
    pid = submit(net, "alice", tmp_path / "veto.json", [zr_sign_proposal(net, carol)])
    vote_all(net, pid, "no_with_veto", range(2))
    tx(net, "validator", "gov", "weighted-vote", str(pid), "yes=0.5,no=0.5",
       home=net.nodes[2].home)  # fmt: skip
    p = wait_final(net, pid)
    assert p["status"] == "PROPOSAL_STATUS_REJECTED"
    assert p["final_tally_result"]["no_with_veto_count"] == str(20_000_000)
    assert balance(net, carol) == before - DEPOSIT - FEE
    after = int(cli(net, "q", "bank", "total", "--denom", "urock")["amount"]["amount"])
    assert after <= supply - DEPOSIT + 10**9  # the deposit left the supply (mint may add)
    assert balance(net, GOV_AUTHORITY) == 0
    check_network(net, net.nodes)


def test_the_proposer_cancels_a_proposal_by_cli_and_half_the_deposit_is_burned(
    net, tmp_path
) -> None:
    """``tx gov cancel-proposal`` (default proposal_cancel_ratio 0.5, no destination)."""
    bob = net.dev_addresses["bob"]
    before = balance(net, bob)
    supply = int(cli(net, "q", "bank", "total", "--denom", "urock")["amount"]["amount"])
    pid = submit(net, "bob", tmp_path / "cancel.json", [zr_sign_proposal(net, bob)])
    res = tx(net, "bob", "gov", "cancel-proposal", str(pid))
    assert any(e.type == "cancel_proposal" for e in res.events)
    assert balance(net, bob) == before - 2 * FEE - DEPOSIT // 2
    gone = zrchaind("q", "gov", "proposal", str(pid), "--node", net.nodes[0].rpc_url,
                    "-o", "json", check=False)  # fmt: skip
    assert gone.returncode != 0 and "doesn't exist" in gone.stderr, gone.stderr
    after = int(cli(net, "q", "bank", "total", "--denom", "urock")["amount"]["amount"])
    assert after <= supply - DEPOSIT // 2 + 10**9  # half the deposit burned (mint may add)
    assert cli(net, "q", "gov", "constitution").get("constitution", "") == ""
    check_network(net, net.nodes)


def test_an_upgrade_halts_every_validator_and_the_new_version_goes_on(
    net, tmp_path, monkeypatch
) -> None:
    node = net.nodes[0]
    gov_version = {"module_versions": [{"name": "gov", "version": "5"}]}
    assert cli(net, "q", "upgrade", "module-versions", "gov") == gov_version
    h0 = node.height()
    time.sleep(5)
    rate = max(1.0, (node.height() - h0) / 5)  # blocks per second on this machine
    height = node.height() + int(rate * (VOTING_S + 30))
    out = zrchaind(
        "tx", "upgrade", "software-upgrade", UPGRADE, "--upgrade-height", str(height),
        "--upgrade-info", "v2 binaries", "--title", "v2", "--summary", "to v2",
        "--deposit", f"{DEPOSIT}urock", "--from", "alice", "--keyring-backend", "test",
        "--home", str(net.base), "--node", node.rpc_url, "--chain-id", net.chain_id,
        "--fees", f"{FEE}urock", "--gas", "400000", "-y", "-o", "json", check=False,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    res = ChainClient(node.rpc_url).wait_tx(json.loads(out.stdout)["txhash"])
    assert res.code == 0, res.raw_log
    ev = next(e for e in res.events if e.type == "submit_proposal")
    pid = int(next(a.value for a in ev.attributes if a.key == "proposal_id"))
    vote_all(net, pid, "yes")
    p = wait_final(net, pid)
    assert p["status"] == "PROPOSAL_STATUS_PASSED", p
    assert cli(net, "q", "upgrade", "plan")["plan"]["height"] == str(height)

    # Every validator that reaches the plan's height stops there with the SDK's line; one
    # that lags stalls below it (the others left, so no 2/3 of the power signs on).
    line = f'UPGRADE "{UPGRADE}" NEEDED at height: {height}: v2 binaries'
    wait_for(lambda: any(_halted(n) for n in net.nodes), timeout=240, what="a halt")
    time.sleep(10)
    for n in net.nodes:
        if _halted(n):
            assert line in (n.home / "app.log").read_text(), n.tail("app")
        else:  # a validator that lagged: stalled below the plan's height
            info = n.rpc.abci_info()
            assert int(info.get("last_block_height", 0)) < height, info
    halted = [n for n in net.nodes if _halted(n)]
    print(f"halted at {height}: {[n.name for n in halted]}; stalled below it: "
          f"{[n.name for n in net.nodes if n not in halted]}")  # fmt: skip
    for n in net.nodes:
        n.stop()

    monkeypatch.setenv(ENV_MODULES, "zrchain.testing.upgrade_example")  # the new version
    net.start(wait_height=height + 3, timeout=120)
    assert cli(net, "q", "upgrade", "applied", UPGRADE)["height"] == str(height)
    assert (
        "plan" not in cli(net, "q", "upgrade", "plan")
        or not cli(net, "q", "upgrade", "plan")["plan"]
    )
    params = cli(net, "q", "gov", "params")["params"]
    assert params["min_deposit"][0]["amount"] == MIGRATED_MIN_DEPOSIT
    versions = cli(net, "q", "upgrade", "module-versions")["module_versions"]
    assert {"name": "gov", "version": "5"} in versions and len(versions) > 10
    check_network(net, net.nodes)
