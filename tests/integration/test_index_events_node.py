"""``index-events`` on a real node: CometBFT's tx indexer finds a tx by the attributes
app.toml names and by its own ``tx.height``/``tx.hash``, and not by any other attribute
(as an SDK node with the same setting); the default, tested throughout the suite, indexes
every attribute."""

from __future__ import annotations

import time
from collections.abc import Iterator

import coincurve
import pytest
from cosmpy.protos.cosmos.bank.v1beta1 import tx_pb2 as bank_tx

from zrchain.client.chain import ChainClient
from zrchain.client.tx import build_tx, private_key_signer
from zrchain.codec.address import acc_string, pubkey_to_address
from zrchain.codec.coins import parse_coins
from zrchain.config import load as load_config
from zrchain.config import save as save_config
from zrchain.testing.genesis import add_account
from zrchain.testing.node import TestNode

pytestmark = pytest.mark.node

KEY = coincurve.PrivateKey(b"\x6b" * 32)
ALICE = acc_string(pubkey_to_address(KEY.public_key.format()))
BOB = acc_string(b"\x0b" * 20)


@pytest.fixture(scope="module")
def node(tmp_path_factory) -> Iterator[TestNode]:
    n = TestNode(tmp_path_factory.mktemp("index-events"))
    n.init(genesis=lambda doc: add_account(doc["app_state"], ALICE, "100000000urock"))
    cfg = load_config(n.home)
    cfg.index_events = ["transfer.recipient"]
    save_config(n.home, cfg)
    n.start(wait_height=2)
    yield n
    n.stop()


def test_only_the_named_attributes_and_cometbfts_own_keys_find_the_tx(node: TestNode) -> None:
    send = bank_tx.MsgSend(
        from_address=ALICE, to_address=BOB, amount=parse_coins("7urock").to_protos()
    )
    number = ChainClient(node.rpc_url).account(ALICE).number
    tx = build_tx([send], pubkey=KEY.public_key.format(), sequence=0, account_number=number,
                  chain_id="zenrock", sign=private_key_signer(KEY.secret),
                  fee=parse_coins("200urock"), gas_limit=200_000)  # fmt: skip
    res = node.rpc.broadcast_tx_commit(tx)
    assert int(res["check_tx"]["code"]) == 0 and int(res["tx_result"]["code"]) == 0
    height, tx_hash = res["height"], res["hash"]

    def found(query: str) -> list[str]:
        return [t["hash"] for t in node.rpc.tx_search(query)["txs"]]

    # CometBFT indexes a block's txs after publishing it, so broadcast_tx_commit can return
    # first; once the tx is found by its hash, all of its attributes are indexed (one batch).
    deadline = time.monotonic() + 30
    while not found(f"tx.hash='{tx_hash}'") and time.monotonic() < deadline:
        time.sleep(0.1)
    assert found(f"transfer.recipient='{BOB}'") == [tx_hash]
    assert found(f"tx.height={height}") == [tx_hash]
    assert found(f"tx.hash='{tx_hash}'") == [tx_hash]
    assert found(f"message.sender='{ALICE}'") == []  # emitted, not indexed
    assert found(f"transfer.sender='{ALICE}'") == []
    events = res["tx_result"]["events"]
    marks = {(e["type"], a["key"]): a.get("index", False) for e in events for a in e["attributes"]}
    assert marks[("transfer", "recipient")] is True
    assert marks[("message", "sender")] is False
