"""Offline and multi-party signing with the CLI on a real node (CometBFT + zrchaind):

* ``tx bank send --generate-only`` -> ``tx sign --offline -a -s --chain-id`` ->
  ``tx broadcast``; ``tx encode`` / ``tx decode`` round trip; ``tx simulate``;
* ``keys add ms --multisig alice,bob,carol --multisig-threshold 2``; members sign with
  ``tx sign --multisig`` (amino JSON), ``tx multi-sign`` combines, ``tx broadcast`` sends;
  one signature, or a signature of another tx, is refused before anything is sent;
* a tx signed by cosmpy (``Transaction.sign``, with a fee granter) written as JSON and
  broadcast with ``zrchaind tx broadcast``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cosmpy.aerial.tx import SigningCfg, Transaction, TxFee
from cosmpy.aerial.wallet import LocalWallet
from cosmpy.crypto.address import Address
from cosmpy.protos.cosmos.bank.v1beta1 import tx_pb2 as btx
from cosmpy.protos.cosmos.base.v1beta1.coin_pb2 import Coin
from google.protobuf import json_format

from zrchain.client.chain import ChainClient
from zrchain.localnet_setup import dev_mnemonic
from zrchain.testing.node import TestNode, cli_node, zrchaind

pytestmark = pytest.mark.node

FUNDS = "100000000000urock"
KEYS = ("alice", "bob", "carol")


def _mnemonic(name: str) -> str:
    return dev_mnemonic(f"offline-{name}")


@pytest.fixture(scope="module")
def node(tmp_path_factory):
    keys = {name: _mnemonic(name) for name in KEYS}
    n = cli_node(tmp_path_factory.mktemp("offline"), keys, FUNDS).start()
    yield n
    n.stop()


def cli(node: TestNode, *args: str, check: bool = True) -> Any:
    return zrchaind(*args, "--keyring-backend", "test", "--home", str(node.home), check=check)


def addr(node: TestNode, name: str) -> str:
    return str(cli(node, "keys", "show", name, "-a").stdout.strip())


def balance(node: TestNode, address: str) -> int:
    out = zrchaind("q", "bank", "balances", address, "--denom", "urock", "--node", node.rpc_url,
                   "-o", "json")  # fmt: skip
    return int(json.loads(out.stdout)["balance"]["amount"])


def broadcast_file(node: TestNode, path: Path) -> Any:
    out = zrchaind("tx", "broadcast", str(path), "--node", node.rpc_url)
    res = json.loads(out.stdout)
    assert res["code"] == 0, res
    final = ChainClient(node.rpc_url).wait_tx(res["txhash"])
    assert final.code == 0, final.raw_log
    return final


def generate(node: TestNode, frm: str, to: str, amount: str, tmp: Path, name: str) -> Path:
    out = cli(node, "tx", "bank", "send", frm, to, amount, "--generate-only", "--fees",
              "300urock", "--gas", "250000")  # fmt: skip
    path = tmp / name
    path.write_text(out.stdout)
    return path


def test_generate_sign_offline_and_broadcast(node: TestNode, tmp_path: Path) -> None:
    alice, bob = addr(node, "alice"), addr(node, "bob")
    unsigned = generate(node, "alice", bob, "17urock", tmp_path, "unsigned.json")
    doc = json.loads(unsigned.read_text())
    assert doc["auth_info"]["fee"] == {
        "amount": [{"denom": "urock", "amount": "300"}],
        "gas_limit": "250000",
        "payer": "",
        "granter": "",
    }
    acc = ChainClient(node.rpc_url).account(alice)
    signed = tmp_path / "signed.json"
    cli(
        node,
        "tx",
        "sign",
        str(unsigned),
        "--from",
        "alice",
        "--offline",
        "-a",
        str(acc.number),
        "-s",
        str(acc.sequence),
        "--chain-id",
        "zenrock",
        "--output-document",
        str(signed),
    )
    body = json.loads(signed.read_text())
    assert len(body["signatures"]) == 1
    assert body["auth_info"]["signer_infos"][0]["mode_info"]["single"]["mode"] == "SIGN_MODE_DIRECT"
    # encode / decode round trip, and a simulation of the very tx
    b64 = zrchaind("tx", "encode", str(signed)).stdout.strip()
    assert json.loads(zrchaind("tx", "decode", b64).stdout) == body
    sim = json.loads(zrchaind("tx", "simulate", str(signed), "--node", node.rpc_url).stdout)
    assert int(sim["gas_info"]["gas_used"]) > 0
    b0 = balance(node, bob)
    broadcast_file(node, signed)
    assert balance(node, bob) == b0 + 17
    # the same file again is refused (the sequence moved on): nothing sent twice
    again = json.loads(zrchaind("tx", "broadcast", str(signed), "--node", node.rpc_url).stdout)
    assert again["code"] != 0
    assert balance(node, bob) == b0 + 17


def test_a_multisig_account_signs_offline_with_two_of_three(node: TestNode, tmp_path) -> None:
    out = cli(node, "keys", "add", "ms", "--multisig", "alice,bob,carol",
              "--multisig-threshold", "2", "--output", "json")  # fmt: skip
    ms = json.loads(out.stdout)
    assert ms["type"] == "multi"
    assert "LegacyAminoPubKey" in ms["pubkey"]
    ms_addr = ms["address"]
    carol = addr(node, "carol")
    fund = generate(node, "alice", ms_addr, "50000urock", tmp_path, "fund.json")
    signed_fund = tmp_path / "fund-signed.json"
    cli(node, "tx", "sign", str(fund), "--from", "alice", "--node", node.rpc_url,
        "--output-document", str(signed_fund))  # fmt: skip
    broadcast_file(node, signed_fund)

    unsigned = generate(node, "ms", carol, "123urock", tmp_path, "ms-unsigned.json")
    sigs = []
    for member in ("alice", "bob", "carol"):
        path = tmp_path / f"{member}.sig.json"
        cli(node, "tx", "sign", str(unsigned), "--from", member, "--multisig", "ms", "--node",
            node.rpc_url, "--output-document", str(path))  # fmt: skip
        sigs.append(path)
    desc = json.loads(sigs[0].read_text())["signatures"][0]
    assert desc["data"]["single"]["mode"] == "SIGN_MODE_LEGACY_AMINO_JSON"

    # one signature is not enough; a signature over another tx does not verify
    short = cli(node, "tx", "multi-sign", str(unsigned), "ms", str(sigs[0]), "--node",
                node.rpc_url, check=False)  # fmt: skip
    assert short.returncode != 0 and "needs 2" in short.stderr
    other = generate(node, "ms", carol, "999urock", tmp_path, "other.json")
    wrong = tmp_path / "wrong.sig.json"
    cli(node, "tx", "sign", str(other), "--from", "bob", "--multisig", "ms", "--node",
        node.rpc_url, "--output-document", str(wrong))  # fmt: skip
    bad = cli(node, "tx", "multi-sign", str(unsigned), "ms", str(sigs[0]), str(wrong), "--node",
              node.rpc_url, check=False)  # fmt: skip
    assert bad.returncode != 0 and "does not verify" in bad.stderr

    signed = tmp_path / "ms-signed.json"
    cli(node, "tx", "multi-sign", str(unsigned), "ms", str(sigs[0]), str(sigs[2]), "--node",
        node.rpc_url, "--output-document", str(signed))  # fmt: skip
    c0 = balance(node, carol)
    broadcast_file(node, signed)
    assert balance(node, carol) == c0 + 123


def test_a_tx_signed_by_cosmpy_is_broadcast_by_the_cli(node: TestNode, tmp_path) -> None:
    """cosmpy signs (DIRECT), with alice as fee granter of a grant she gave bob; the JSON
    file goes through ``zrchaind tx broadcast`` unchanged."""
    alice, bob, carol = (addr(node, n) for n in KEYS)
    res = cli(node, "tx", "feegrant", "grant", "alice", bob, "--spend-limit", "1000urock",
              "--node", node.rpc_url, "--fees", "300urock", "-y")  # fmt: skip
    ChainClient(node.rpc_url).wait_tx(json.loads(res.stdout)["txhash"])
    wallet = LocalWallet.from_mnemonic(_mnemonic("bob"), prefix="zen")
    acc = ChainClient(node.rpc_url).account(bob)
    tx = Transaction()
    tx.add_message(btx.MsgSend(from_address=bob, to_address=carol,
                               amount=[Coin(denom="urock", amount="9")]))  # fmt: skip
    fee = TxFee(amount="300urock", gas_limit=250_000, granter=Address(alice, prefix="zen"))
    tx.seal(SigningCfg.direct(wallet.public_key(), acc.sequence), fee)
    tx.sign(wallet.signer(), "zenrock", acc.number)
    tx.complete()
    path = tmp_path / "cosmpy.json"
    path.write_text(json_format.MessageToJson(tx.tx, preserving_proto_field_name=True))
    b0, a0 = balance(node, bob), balance(node, alice)
    broadcast_file(node, path)
    assert balance(node, bob) == b0 - 9
    assert balance(node, alice) == a0 - 300


def test_client_toml_gives_the_defaults_and_flags_override_it(node: TestNode) -> None:
    """``init`` wrote ``<home>/config/client.toml``; ``config set`` points it at the node;
    then queries and txs need no --node/--chain-id/--keyring-backend, with --home or
    ZRCHAIN_HOME, and a flag still wins over the file."""
    import os

    home = str(node.home)
    assert 'chain-id = "zenrock"' in (node.home / "config" / "client.toml").read_text()
    zrchaind("config", "set", "client", "node", node.rpc_url, "--home", home)
    assert zrchaind("config", "get", "client", "node", "--home", home).stdout.strip() == (
        node.rpc_url
    )
    bob = addr(node, "bob")
    q = ("q", "bank", "balances", bob, "--denom", "urock", "-o", "json")
    by_flag = json.loads(zrchaind(*q, "--home", home).stdout)
    env = {**os.environ, "ZRCHAIN_HOME": home}
    by_env = json.loads(zrchaind(*q, env=env).stdout)
    assert by_flag == by_env and int(by_flag["balance"]["amount"]) > 0
    override = zrchaind(*q, "--home", home, "--node", "tcp://127.0.0.1:1", check=False)
    assert override.returncode != 0 and "127.0.0.1:1" in override.stderr
    b0 = balance(node, bob)
    out = zrchaind("tx", "bank", "send", "alice", bob, "4urock", "--fees", "300urock", "-y",
                   "--home", home)  # fmt: skip
    res = json.loads(out.stdout)
    assert res["code"] == 0, res
    ChainClient(node.rpc_url).wait_tx(res["txhash"])
    assert balance(node, bob) == b0 + 4
    bad = zrchaind("config", "set", "client", "output", "yaml", "--home", home, check=False)
    assert bad.returncode != 0 and "must be one of text, json" in bad.stderr
