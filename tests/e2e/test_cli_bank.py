"""The zrchaind CLI as a subprocess against a real node: keys, genesis, send, queries."""

from __future__ import annotations

import json

import pytest

from zrchain.localnet_setup import dev_mnemonic
from zrchain.testing.node import TestNode, zrchaind

pytestmark = pytest.mark.node


@pytest.fixture(scope="module")
def cli_node(tmp_path_factory):
    node = TestNode(tmp_path_factory.mktemp("cli"))
    home = str(node.home)
    zrchaind("init", "clinode", "--chain-id", "zenrock", "--home", home)
    node.configure()
    node.add_genesis_validator()  # gentx + collect-gentxs, as an operator
    for name in ("alice", "bob"):
        zrchaind(
            "keys",
            "add",
            name,
            "--recover",
            "--keyring-backend",
            "test",
            "--home",
            home,
            input=dev_mnemonic(f"cli-{name}") + "\n",
        )
    zrchaind("genesis", "add-genesis-account", "alice", "5000000000urock", "--home", home)
    zrchaind("genesis", "add-genesis-account", "bob", "7urock", "--home", home)
    assert "valid genesis" in zrchaind("genesis", "validate", "--home", home).stdout
    node.start()
    yield node
    node.stop()


def q(node, *args):
    out = zrchaind(*args, "--node", node.rpc_url, "-o", "json")
    return json.loads(out.stdout)


def addr(node, name):
    return zrchaind(
        "keys", "show", name, "-a", "--keyring-backend", "test", "--home", str(node.home)
    ).stdout.strip()


def tx(node, *args):
    out = zrchaind(
        "tx",
        *args,
        "--keyring-backend",
        "test",
        "--home",
        str(node.home),
        "--node",
        node.rpc_url,
        "-y",
        check=False,
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout), out.stderr


def test_recovered_keys_match_cosmpy(cli_node) -> None:
    from cosmpy.aerial.wallet import LocalWallet

    expected = str(LocalWallet.from_mnemonic(dev_mnemonic("cli-alice"), prefix="zen").address())
    assert addr(cli_node, "alice") == expected


def test_send_with_gas_auto_and_query_everything(cli_node) -> None:
    alice, bob = addr(cli_node, "alice"), addr(cli_node, "bob")
    before = q(cli_node, "q", "bank", "balances", bob)
    assert before["balances"] == [{"denom": "urock", "amount": "7"}]
    res, err = tx(
        cli_node,
        "bank",
        "send",
        "alice",
        bob,
        "1000urock",
        "--gas",
        "auto",
        "--gas-adjustment",
        "1.5",
        "--gas-prices",
        "0.0001urock",
        "--note",
        "hi",
    )
    assert res["code"] == 0 and len(res["txhash"]) == 64, res
    assert "gas estimate:" in err
    from zrchain.client.chain import ChainClient

    final = ChainClient(cli_node.rpc_url).wait_tx(res["txhash"])
    assert final.code == 0, final.raw_log
    got = q(cli_node, "q", "bank", "balances", bob, "--denom", "urock")
    assert got == {"balance": {"denom": "urock", "amount": "1007"}}
    shown = q(cli_node, "q", "tx", res["txhash"])
    assert shown["code"] == 0 and shown["tx"]["body"]["memo"] == "hi"
    assert shown["timestamp"].endswith("Z")
    found = q(cli_node, "q", "txs", "--query", f"message.sender='{alice}'")
    assert res["txhash"] in [t["txhash"] for t in found["txs"]]
    acc = q(cli_node, "q", "auth", "account", alice)
    assert acc["account"]["@type"] == "/cosmos.auth.v1beta1.BaseAccount"
    assert int(acc["account"]["sequence"]) >= 1
    total = q(cli_node, "q", "bank", "total")
    assert total["supply"][0]["denom"] == "urock"
    block = q(cli_node, "q", "block")
    assert int(block["block"]["header"]["height"]) >= 1


def test_rejections_are_reported_in_code(cli_node) -> None:
    bob = addr(cli_node, "bob")
    res, _ = tx(cli_node, "bank", "send", "bob", bob, "1000000urock", "--fees", "1urock")
    assert res["code"] == 13 and "insufficient fees" in res["raw_log"]
    bad = zrchaind(
        "tx",
        "bank",
        "send",
        "alice",
        bob,
        "12xx!",
        "--keyring-backend",
        "test",
        "--home",
        str(cli_node.home),
        "--node",
        cli_node.rpc_url,
        "-y",
        check=False,
    )
    assert bad.returncode != 0 and "invalid coin" in bad.stderr
    missing = zrchaind(
        "q",
        "auth",
        "account",
        "zen1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq",
        "--node",
        cli_node.rpc_url,
        check=False,
    )
    assert missing.returncode != 0
    nokey = zrchaind(
        "tx",
        "bank",
        "send",
        "carol",
        bob,
        "1urock",
        "--keyring-backend",
        "test",
        "--home",
        str(cli_node.home),
        "--node",
        cli_node.rpc_url,
        "-y",
        check=False,
    )
    assert nokey.returncode != 0 and "not found" in nokey.stderr
