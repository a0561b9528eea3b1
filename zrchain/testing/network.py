"""A network of real nodes on 127.0.0.1: N validators sharing one genesis, connected as
persistent peers; full nodes can join later by blocksync or state sync."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from zrchain import cometbft
from zrchain.config import load as load_config
from zrchain.config import save as save_config
from zrchain.testing.node import FAST_CONSENSUS, TestNode


def validator_pubkey(home: Path) -> bytes:
    key = json.loads((home / "config" / "priv_validator_key.json").read_text())
    return base64.b64decode(key["pub_key"]["value"])


class TestNetwork:
    __test__ = False

    def __init__(
        self,
        base: str | Path,
        validators: int = 4,
        chain_id: str = "zenrock",
        consensus: dict[str, str] | None = None,
        snapshot_interval: int = 0,
        ports: Callable[[int], Any] | None = None,
    ) -> None:
        self.base = Path(base)
        self.chain_id = chain_id
        self.consensus = dict(FAST_CONSENSUS if consensus is None else consensus)
        self.snapshot_interval = snapshot_interval
        self.nodes = [
            TestNode(self.base, f"node{i}", chain_id, self.consensus) for i in range(validators)
        ]
        if ports is not None:
            for i, n in enumerate(self.nodes):
                n.ports = ports(i)
                n.rpc = type(n.rpc)(n.rpc_url)
        self.extra: list[TestNode] = []
        self.genesis: dict[str, Any] = {}
        self.dev_addresses: dict[str, str] = {}
        self.operators: dict[str, str] = {}  # node name -> its validator's operator account

    @property
    def all_nodes(self) -> list[TestNode]:
        return self.nodes + self.extra

    def init(
        self, genesis: Callable[[dict[str, Any]], None] | None = None, dev_accounts: bool = True
    ) -> TestNetwork:
        from zrchain.localnet_setup import create_dev_keys, fund_dev_accounts, genesis_validators

        for n in self.nodes:
            n.init(validator=False)
        doc = self.nodes[0].genesis()
        if dev_accounts:
            self.dev_addresses = create_dev_keys(self.base)
            fund_dev_accounts(doc, self.dev_addresses)
        self.operators = genesis_validators(doc, [(n.home, n.name) for n in self.nodes])
        if genesis is not None:
            genesis(doc)
        self.genesis = doc
        for n in self.nodes:
            n.write_genesis(doc)
            self._configure(n)
        return self

    def _peers(self, exclude: TestNode) -> str:
        return ",".join(
            f"{cometbft.node_id(n.binary, str(n.home))}@127.0.0.1:{n.ports.p2p}"
            for n in self.nodes
            if n is not exclude
        )

    def _configure(self, node: TestNode, extra: dict[str, Any] | None = None) -> None:
        node.configure({"p2p.persistent_peers": self._peers(node), **(extra or {})})
        if self.snapshot_interval:
            cfg = load_config(node.home)
            cfg.snapshot_interval = self.snapshot_interval
            cfg.snapshot_keep_recent = 10
            save_config(node.home, cfg)

    def start(self, wait_height: int = 2, timeout: float = 60) -> TestNetwork:
        for n in self.nodes:
            n.start_app()
        for n in self.nodes:
            n.start_comet()
        self.wait_height(wait_height, timeout)
        return self

    def wait_height(
        self, height: int, timeout: float = 60, nodes: list[TestNode] | None = None
    ) -> None:
        for n in nodes or self.nodes:
            if n.running:
                n.wait_height(height, timeout)

    def stop(self) -> None:
        for n in self.all_nodes:
            n.stop()

    def add_node(
        self,
        name: str,
        statesync: bool = False,
        trust_from: TestNode | None = None,
        wait: bool = True,
    ) -> TestNode:
        """A new full node with the network's genesis, joining by blocksync or state sync."""
        node = TestNode(self.base, name, self.chain_id, self.consensus)
        node.init(validator=False)
        node.write_genesis(self.genesis)
        extra: dict[str, Any] = {}
        if statesync:
            src = trust_from or self.nodes[0]
            h = max(1, src.height() - 1)
            block_id = src.rpc.block(h)["block_id"]["hash"]
            rpcs = [f"127.0.0.1:{n.ports.rpc}" for n in self.nodes[:2]]
            if len(rpcs) < 2:
                rpcs = rpcs * 2
            extra = {
                "statesync.enable": True,
                "statesync.rpc_servers": ",".join(rpcs),
                "statesync.trust_height": h,
                "statesync.trust_hash": block_id,
                "statesync.trust_period": "168h0m0s",
            }
        self._configure(node, extra)
        self.extra.append(node)
        node.start_app()
        node.start_comet()
        if wait:
            target = self.nodes[0].height()
            node.wait_height(target, timeout=120)
        return node

    def heights(self) -> list[int]:
        return [n.height() for n in self.all_nodes]

    def app_hash_at(self, node: TestNode, height: int) -> str:
        """The app hash after ``height`` as recorded in block height+1 on ``node``."""
        return str(node.rpc.block(height + 1)["block"]["header"]["app_hash"])

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            time.sleep(0.1)
        raise TimeoutError("condition not met")
