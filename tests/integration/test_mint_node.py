"""x/mint on a real node (cometbft + zrchaind): ``zrchaind q mint …`` as a subprocess in the
SDK's JSON, and the supply rising every block by exactly what the block's mint event says
was minted.

The node's mint account holds a reserve at genesis and the staking yield is set so the
one validator's 10M bonded urock earn 1,000 urock a block (10M x 0.1 / 1000 blocks a year):
every block tops the reward up from the reserve and then mints the block provision. With
zrChain's defaults a 10M stake earns 0 and a block without fees mints nothing
(docs/mint.md), which tests/unit/mint covers.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from zrchain.codec.address import acc_string, module_address
from zrchain.testing.invariants import assert_invariants
from zrchain.testing.node import TestNode, zrchaind
from zrchain.testing.state import snapshot_node
from zrchain.x.bank.keeper import SUPPLY_PREFIX

pytestmark = pytest.mark.node

MINT = acc_string(module_address("mint"))
RESERVE = 1_000_000_000


def _genesis(doc: dict[str, Any]) -> None:
    state = doc["app_state"]
    state["mint"]["params"].update(blocks_per_year="1000", staking_yield="0.1")
    state["bank"]["balances"].append(
        {"address": MINT, "coins": [{"denom": "urock", "amount": str(RESERVE)}]}
    )
    state["bank"]["supply"] = []  # recomputed from the balances


def _events(node: TestNode, height: int, kind: str) -> dict[str, str]:
    res = node.rpc.block_results(height)
    out: dict[str, str] = {}
    for e in res.get("finalize_block_events") or []:
        if e["type"] == kind:
            out.update({a["key"]: a["value"] for a in e["attributes"]})
    return out


def _supply(node: TestNode, height: int) -> int:
    raw = snapshot_node(node.rpc, height).get("bank", SUPPLY_PREFIX + b"urock")
    return int(raw) if raw else 0


def _q(node: TestNode, *args: str) -> dict[str, Any]:
    out = zrchaind("q", "mint", *args, "-o", "json", "--node", node.rpc_url, check=False)
    assert out.returncode == 0, out.stderr
    return dict(json.loads(out.stdout))


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Any:
    n = TestNode(tmp_path_factory.mktemp("mint"))
    n.init(genesis=_genesis)
    n.start(wait_height=2)
    try:
        yield n
    finally:
        n.stop()


def test_the_cli_shows_the_params_inflation_and_annual_provisions(node: TestNode) -> None:
    params = _q(node, "params")["params"]
    assert params["blocks_per_year"] == "1000"
    assert params["staking_yield"] == "0.100000000000000000"
    assert params["burn_rate"] == "0.100000000000000000"
    assert params["protocol_wallet_address"] == "zen1fhln2vnudxddpymqy82vzqhnlsfh4stjd683ze"
    assert params["mint_denom"] == "urock"
    inflation = _q(node, "inflation")["inflation"]
    assert inflation.startswith("0.13") and len(inflation.split(".")[1]) == 18, inflation
    annual = _q(node, "annual-provisions")["annual_provisions"]
    assert float(annual) > 0, annual


def test_the_supply_rises_every_block_by_what_was_minted(node: TestNode) -> None:
    start = node.height()
    node.wait_height(start + 3)
    for h in range(start + 1, start + 4):
        ev = _events(node, h, "mint")
        assert ev["total_block_staking_rewards"] == "1000", ev
        assert ev["top_up_amount"] == "1000", ev  # no fees: all from the reserve
        minted = int(ev["amount"])
        assert minted > 0, ev
        assert _supply(node, h) - _supply(node, h - 1) == minted, (h, ev)
        coinbase = _events(node, h, "coinbase")
        assert coinbase["amount"] == f"{minted}urock", coinbase
    assert_invariants(snapshot_node(node.rpc))
