"""History across restarts on a real node (CometBFT + zrchaind): balances at a height from
before a restart through the CLI (`--height`), gRPC and REST (`x-cosmos-block-height`) and
ABCI, a proof there checked against the header of the next block; with pruning that
prunes, a pruned height is refused with the SDK's message, also after a restart."""

from __future__ import annotations

import base64
import json

import grpc
import pytest
import requests
from cosmpy.protos.cosmos.bank.v1beta1 import query_pb2 as bank_q
from cosmpy.protos.cosmos.bank.v1beta1 import query_pb2_grpc as bank_grpc

from zrchain.client.chain import ChainClient
from zrchain.codec.address import acc_bytes
from zrchain.config import load as load_config
from zrchain.config import save as save_config
from zrchain.localnet_setup import dev_mnemonic
from zrchain.store.proof import verify
from zrchain.testing.node import TestNode, zrchaind
from zrchain.x.bank.keeper import balance_key

pytestmark = pytest.mark.node

HEIGHT_HEADER = "x-cosmos-block-height"


def make_node(base, pruning: tuple[str, str, str] | None = None) -> TestNode:
    node = TestNode(base)
    home = str(node.home)
    zrchaind("init", "history", "--chain-id", "zenrock", "--home", home)
    node.configure()
    node.add_genesis_validator()  # gentx + collect-gentxs, as an operator
    for name in ("alice", "bob"):
        zrchaind("keys", "add", name, "--recover", "--keyring-backend", "test", "--home", home,
                 input=dev_mnemonic(f"history-{name}") + "\n")
    zrchaind("genesis", "add-genesis-account", "alice", "5000000000urock", "--home", home)
    zrchaind("genesis", "add-genesis-account", "bob", "7urock", "--home", home)
    if pruning is not None:
        cfg = load_config(node.home)
        cfg.pruning, cfg.pruning_keep_recent, cfg.pruning_interval = pruning
        save_config(node.home, cfg)
    return node


def addr(node: TestNode, name: str) -> str:
    return zrchaind("keys", "show", name, "-a", "--keyring-backend", "test",
                    "--home", str(node.home)).stdout.strip()


def send(node: TestNode, to: str, amount: str) -> int:
    """alice sends; the height of the block that holds the tx."""
    out = zrchaind("tx", "bank", "send", "alice", to, amount, "--fees", "400urock",
                   "--gas", "200000", "--keyring-backend", "test", "--home", str(node.home),
                   "--node", node.rpc_url, "-y", "-o", "json")
    res = ChainClient(node.rpc_url).wait_tx(json.loads(out.stdout)["txhash"])
    assert res.code == 0, res.raw_log
    return int(res.height)


def cli_balance(node: TestNode, who: str, height: int) -> tuple[int, str]:
    """(amount, "") or (-1, the CLI's error)."""
    out = zrchaind("q", "bank", "balances", who, "--denom", "urock", "--height", str(height),
                   "--node", node.rpc_url, "-o", "json", check=False)
    if out.returncode != 0:
        assert "Traceback" not in out.stderr
        return -1, out.stderr
    return int(json.loads(out.stdout)["balance"]["amount"]), ""


def grpc_balance(node: TestNode, who: str, height: int) -> int:
    with grpc.insecure_channel(f"127.0.0.1:{node.ports.grpc}") as ch:
        resp, call = bank_grpc.QueryStub(ch).Balance.with_call(
            bank_q.QueryBalanceRequest(address=who, denom="urock"),
            metadata=((HEIGHT_HEADER, str(height)),),
        )
    assert dict(call.initial_metadata())[HEIGHT_HEADER] == str(height)
    return int(resp.balance.amount)


def rest_balance(node: TestNode, who: str, height: int) -> requests.Response:
    return requests.get(
        f"http://127.0.0.1:{node.ports.api}/cosmos/bank/v1beta1/balances/{who}/by_denom",
        params={"denom": "urock"}, headers={HEIGHT_HEADER: str(height)}, timeout=10,
    )


def proven_balance(node: TestNode, who: str, height: int) -> bytes:
    """bob's balance record at ``height``, verified against the app hash in the header of
    ``height + 1``."""
    key = balance_key(acc_bytes(who), "urock")
    res = node.rpc.abci_query("/store/bank/key", key, height=height, prove=True)
    assert int(res.get("code", 0)) == 0 and int(res["height"]) == height, res
    value = base64.b64decode(res.get("value") or "")
    op = (res.get("proofOps") or res.get("proof_ops"))["ops"][0]
    node.wait_height(height + 1)  # ``height`` may be the latest block (just after a restart)
    app_hash = bytes.fromhex(node.rpc.block(height + 1)["block"]["header"]["app_hash"])
    assert verify(app_hash, base64.b64decode(op["key"]), value, base64.b64decode(op["data"]))
    return value


def test_balances_and_proofs_at_a_height_from_before_a_restart(tmp_path) -> None:
    node = make_node(tmp_path)
    try:
        node.start()
        bob = addr(node, "bob")
        sent_at = send(node, bob, "1000urock")
        node.wait_height(sent_at + 2)
        node.stop()
        node.start(wait_height=sent_at + 4)  # the app process is new: no history in memory
        for h, want in ((sent_at - 1, 7), (sent_at, 1007)):
            assert cli_balance(node, bob, h) == (want, "")
            assert grpc_balance(node, bob, h) == want
            r = rest_balance(node, bob, h)
            assert r.status_code == 200 and r.json()["balance"]["amount"] == str(want)
            assert r.headers["Grpc-Metadata-X-Cosmos-Block-Height"] == str(h)
        assert proven_balance(node, bob, sent_at - 1) == b"7"
        assert proven_balance(node, bob, sent_at) == b"1007"
        assert cli_balance(node, bob, 1) == (7, "")  # genesis is kept too (default pruning)
    finally:
        node.stop()


def kept_height(node: TestNode) -> int:
    """A height that stays kept for the next 20 blocks (a CLI call can take several), with
    keep-recent 20 and interval 10: the last multiple of 10."""
    latest = int(node.rpc.abci_info()["last_block_height"])
    return latest - latest % 10


def test_pruned_heights_are_refused_with_the_sdks_message(tmp_path) -> None:
    node = make_node(tmp_path, pruning=("custom", "20", "10"))
    try:
        node.start()
        bob = addr(node, "bob")
        send(node, bob, "5urock")
        node.wait_height(31)  # pruned at 30: heights from 10 stay
        amount, err = cli_balance(node, bob, 3)
        assert amount == -1
        assert "failed to load state at height 3; version does not exist (latest height: " in err
        with pytest.raises(grpc.RpcError) as info:
            grpc_balance(node, bob, 3)
        assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert "failed to load state at height 3; version does not exist" in info.value.details()
        assert "the earliest kept height is " in info.value.details()
        r = rest_balance(node, bob, 3)
        assert r.status_code == 400 and "version does not exist" in r.json()["message"]
        res = node.rpc.abci_query("/store/bank/key", b"\x02", height=3, prove=True)
        assert int(res["code"]) == 18 and "version does not exist" in res["log"]
        assert cli_balance(node, bob, kept_height(node)) == (12, "")
        node.stop()
        node.start()
        amount, err = cli_balance(node, bob, 3)
        assert amount == -1 and "version does not exist" in err
        kept = kept_height(node)
        assert grpc_balance(node, bob, kept) == 12
        assert proven_balance(node, bob, kept) == b"12"
    finally:
        node.stop()
