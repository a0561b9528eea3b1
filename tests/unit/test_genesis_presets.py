"""genesis/: the template ``init`` fills in and the presets localnets and tests run with."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import genesis
from zrchain.cli.node_cmds import genesis_doc
from zrchain.localnet_setup import fund_dev_accounts
from zrchain.testing.node import FAST_CONSENSUS


def test_init_fills_the_template_in_its_key_order() -> None:
    doc = genesis_doc("zenrock", [{"name": "v"}], {"bank": {}}, 5, "2024-01-01T00:00:00.000000Z")
    assert list(doc) == list(genesis.template())
    assert doc["consensus_params"] == genesis.template()["consensus_params"]
    assert (doc["chain_id"], doc["initial_height"], doc["app_hash"]) == ("zenrock", "5", "")
    assert doc["validators"] == [{"name": "v"}] and doc["app_state"] == {"bank": {}}


def test_template_is_a_fresh_copy() -> None:
    genesis.template()["consensus_params"]["block"]["max_gas"] = "1"
    assert genesis.template()["consensus_params"]["block"]["max_gas"] == "-1"


def test_fast_extends_localnet() -> None:
    local, fast = genesis.preset("localnet"), genesis.preset("fast")
    assert fast.accounts == local.accounts and fast.operator == local.operator == "validator"
    assert fast.node_config == FAST_CONSENSUS
    assert fast.node_config["consensus.timeout_commit"] == "150ms"
    assert local.node_config == {"consensus.timeout_commit": "1s"}


def test_unknown_preset_names_the_known_ones() -> None:
    with pytest.raises(KeyError, match="fast, localnet"):
        genesis.preset("mainnet")


def test_localnet_funding_follows_the_preset() -> None:
    preset = genesis.preset("localnet")
    addresses = {name: f"zen1{name}" for name in preset.accounts}
    doc: dict = {"app_state": {}}
    fund_dev_accounts(doc, addresses)
    state = doc["app_state"]
    funded = {b["address"]: b["coins"] for b in state["bank"]["balances"]}
    assert set(funded) == set(addresses.values())
    assert "validators" not in state  # the set comes from gentxs (docs/staking.md)


def test_every_preset_file_loads() -> None:
    folder = Path(genesis.__file__).parent / "presets"
    names = sorted(p.stem for p in folder.glob("*.json"))
    assert names == genesis.preset_names()
    for name in names:
        assert json.loads((folder / f"{name}.json").read_text())["description"]
        assert genesis.preset(name).accounts
