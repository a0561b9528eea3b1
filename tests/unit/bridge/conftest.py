"""Fixtures for the bridge's unit tests: an in-memory EVM chain with reorgs and injectable RPC
failures, raw zrSign log builders, and a follower wired to a MemoryGateway."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from eth_abi import encode as abi_encode
from eth_utils import keccak, to_checksum_address

from evm_bridge.config import NetworkConfig
from evm_bridge.evm_rpc import BlockHeader, RpcResponseError, RpcTransportError
from evm_bridge.follower import Follower
from evm_bridge.gateway import MemoryGateway
from evm_bridge.ingest import Translator
from evm_bridge.pipeline import Pipeline
from evm_bridge.state import NetworkState, StateStore, state_file
from zrchain.evm.events import KEY_REQUEST_TOPICS, SIG_REQUEST_TOPICS, event_topics
from zrchain.evm.ids import EVM_WALLET_TYPE_ID, caip2_chain_id, wallet_type_id

CONTRACT = to_checksum_address("0x" + "ab" * 20)
CAIP2 = "eip155:31337"
OTHER_CAIP2 = "eip155:80002"
ALICE = to_checksum_address("0x" + "a1" * 20)
BOB = to_checksum_address("0x" + "b0" * 20)
HASH = keccak(text="hello zrSign")
SIG_TUPLE = "(bytes32,uint256,bytes32,bytes,address,uint8,bool)"


def _word(value: int) -> str:
    return "0x" + value.to_bytes(32, "big").hex()


def key_request_log(
    owner: str, index: int, wt: bytes = EVM_WALLET_TYPE_ID, options: int = 1
) -> dict[str, Any]:
    """A raw ZrKeyRequest log (HEAD layout) without position fields."""
    return {
        "topics": [
            KEY_REQUEST_TOPICS["head"],
            "0x" + wt.hex(),
            "0x" + bytes(12).hex() + owner[2:].lower(),
            _word(index),
        ],
        "data": "0x"
        + abi_encode(["uint8", "uint256", "uint256"], [options, 10**15, 5 * 10**14]).hex(),
    }


def sig_request_log(
    trace_id: int,
    owner: str,
    index: int = 0,
    payload: bytes = HASH,
    req_type: int = 0,
    broadcast: bool = False,
    dst: str = CAIP2,
    wt: bytes = EVM_WALLET_TYPE_ID,
) -> dict[str, Any]:
    """A raw ZrSigRequest log (HEAD layout) without position fields."""
    params = (wt, index, caip2_chain_id(dst), payload, owner, req_type, broadcast)
    data = abi_encode(["uint256", "uint256", SIG_TUPLE], [10**15, 5 * 10**14, params])
    return {
        "topics": [SIG_REQUEST_TOPICS["head"], _word(trace_id), "0x" + keccak(b"w").hex()],
        "data": "0x" + data.hex(),
    }


def wallet_type_log(purpose: int, coin: int, support: bool = True) -> dict[str, Any]:
    return {
        "topics": [
            event_topics()["WalletTypeIdSupport"],
            _word(purpose),
            _word(coin),
            "0x" + wallet_type_id(purpose, coin).hex(),
        ],
        "data": "0x" + abi_encode(["bool"], [support]).hex(),
    }


@dataclass
class Block:
    number: int
    hash: str
    parent: str
    timestamp: int
    logs: list[dict[str, Any]] = field(default_factory=list)


class FakeChain:
    """An EVM chain in memory, answering the follower's RPC calls.

    `fail` maps a method name to call numbers (1-based) that raise a transport error;
    `refuse_ranges_over` makes eth_getLogs refuse wider ranges like real providers do.
    """

    def __init__(self, chain_id: int = 31337, address: str = CONTRACT) -> None:
        self.chain_id_ = chain_id
        self.address = address
        self._salt = itertools.count(1)
        self.blocks: list[Block] = [Block(0, self._hash(), "0x" + "00" * 32, 1_700_000_000)]
        self.calls: dict[str, int] = {}
        self.fail: dict[str, set[int]] = {}
        self.refuse_ranges_over: int | None = None

    def _hash(self) -> str:
        return "0x" + keccak(text=f"block-{next(self._salt)}").hex()

    def _tick(self, method: str) -> None:
        n = self.calls[method] = self.calls.get(method, 0) + 1
        if n in self.fail.get(method, set()):
            raise RpcTransportError(f"{method}: injected failure #{n}")

    # -- building --------------------------------------------------------------------------
    @property
    def head(self) -> int:
        return self.blocks[-1].number

    def mine(self, *logs: dict[str, Any], count: int = 1) -> int:
        """Mine `count` blocks; the logs go into the first one. Returns its number."""
        first = None
        for i in range(count):
            parent = self.blocks[-1]
            blk = Block(parent.number + 1, self._hash(), parent.hash, parent.timestamp + 2)
            if i == 0:
                for j, log in enumerate(logs):
                    tx = "0x" + keccak(text=f"tx-{blk.hash}-{j}").hex()
                    blk.logs.append(
                        {
                            "address": log.get("address", self.address),
                            **log,
                            "transactionHash": tx,
                            "logIndex": hex(j),
                        }
                    )
                first = blk.number
            self.blocks.append(blk)
        assert first is not None
        return first

    def reorg(self, depth: int, *new_logs: dict[str, Any]) -> None:
        """Replace the last `depth` blocks by as many new ones (new logs in the first)."""
        del self.blocks[-depth:]
        self.mine(*new_logs, count=depth)

    # -- RPC ---------------------------------------------------------------------------------
    def chain_id(self) -> int:
        return self.chain_id_

    def block_number(self) -> int:
        self._tick("eth_blockNumber")
        return self.head

    def _header(self, n: int) -> BlockHeader | None:
        if n > self.head or n < 0:
            return None
        b = self.blocks[n]
        return BlockHeader(b.number, b.hash, b.parent, b.timestamp)

    def header(self, n: int) -> BlockHeader | None:
        self._tick("eth_getBlockByNumber")
        return self._header(n)

    def headers(self, numbers: Sequence[int]) -> dict[int, BlockHeader | None]:
        self._tick("batch")
        return {n: self._header(n) for n in numbers}

    def get_logs(self, address: str, a: int, b: int, topics: Any = None) -> list[dict[str, Any]]:
        self._tick("eth_getLogs")
        if self.refuse_ranges_over is not None and b - a + 1 > self.refuse_ranges_over:
            raise RpcResponseError("eth_getLogs", -32005, "query returned more than 10000 results")
        out = []
        for blk in self.blocks[a : b + 1]:
            for log in blk.logs:
                if log["address"].lower() != address.lower():
                    continue
                out.append(
                    {**log, "blockNumber": hex(blk.number), "blockHash": blk.hash, "removed": False}
                )
        return out


@dataclass
class Rig:
    """A follower over a FakeChain with a MemoryGateway."""

    chain: FakeChain
    gateway: MemoryGateway
    net: NetworkConfig
    state_dir: Path
    follower: Follower

    def run(self, steps: int = 50) -> None:
        """Step until caught up (or `steps` steps)."""
        for _ in range(steps):
            if not self.follower.step():
                return

    def restart(self) -> Rig:
        return make_rig(self.chain, self.gateway, self.net, self.state_dir)


def make_rig(
    chain: FakeChain,
    gateway: MemoryGateway,
    net: NetworkConfig,
    state_dir: Path,
    clock: Callable[[], float] | None = None,
) -> Rig:
    def pipeline(state: NetworkState, save: Callable[[], None]) -> Pipeline:
        translator = Translator(
            caip2=net.caip2,
            contract=net.contract,
            wallet_types=dict(state.wallet_types),
            chains=dict(state.chains),
            known_caip2=[OTHER_CAIP2],
        )
        return Pipeline(
            label=net.label,
            state=state,
            save=save,
            gateway=gateway,
            translator=translator,
            direct=net.direct,
            relay=net.relay,
            **({"clock": clock} if clock else {}),
        )

    follower = Follower(
        net=net,
        rpc=chain,  # type: ignore[arg-type]
        store=StateStore(state_file(state_dir, net.caip2, net.contract)),
        pipeline_factory=pipeline,
        progress_interval=0.0,
    )
    return Rig(chain, gateway, net, state_dir, follower)


@pytest.fixture
def rig_factory(tmp_path: Path) -> Callable[..., Rig]:
    def make(
        confirmations: int = 3,
        max_block_range: int = 100,
        start_block: int = 0,
        chain: FakeChain | None = None,
        gateway: MemoryGateway | None = None,
        state_dir: Path | None = None,
        **net_kw: Any,
    ) -> Rig:
        net = NetworkConfig(
            caip2=CAIP2,
            rpc_url="http://unused",
            contract=CONTRACT,
            confirmations=confirmations,
            max_block_range=max_block_range,
            start_block=start_block,
            **net_kw,
        )
        return make_rig(
            chain or FakeChain(), gateway or MemoryGateway(), net, state_dir or tmp_path / "state"
        )

    return make
