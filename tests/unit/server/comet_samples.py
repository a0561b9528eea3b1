"""CometBFT v0.38 RPC results as the real binary returns them (recorded from a local node),
and a stand-in CometRPC that answers from them."""

from __future__ import annotations

import base64
from typing import Any

from zrchain.client.rpc import RPCError

BLOCK_ID = {
    "hash": "6A1476E1DADCEB0B19ACB11EB4E5F264ACF2537CE7F18F1765A10D79F52DAFF0",
    "parts": {
        "total": 1,
        "hash": "87F6B599A2BEFE062F173ADC142A81AA1B055C38527B8310141B0EDA3A6C4F60",
    },
}
PROPOSER = "F04A599CAECDEE7340B19AD680428B82BB88DCA5"
SIGNATURE = (
    "NkCNQ0iwPBZa2+c4ov9QFN8ONM4aVYMdh44QoB/fThU96tPOBJMSOjxtyvbdfRVBwQoY98Os5SPECzlcgX2oDw=="
)
HEADER = {
    "version": {"block": "11"},
    "chain_id": "zenrock",
    "height": "2",
    "time": "2026-11-23T15:59:26.425985054Z",
    "last_block_id": {
        "hash": "FAC2B86E0744AB2B38CEAAE970E4D4952737662DE019207B3D6B7D10C0012F5E",
        "parts": {
            "total": 1,
            "hash": "957A22F62573FC4AAB2488D68B39242BF9A750CA73BD6BE33D8EAF0A31314FAE",
        },
    },
    "last_commit_hash": "1A1E8F392F00F5DDD90B40B10289DDAD733B7D74B7E715B53DD346D22DD32231",
    "data_hash": "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
    "validators_hash": "60BCF4E811ED42B791918820122664606FE86A53D790DE18B1AD0796732898F1",
    "next_validators_hash": "60BCF4E811ED42B791918820122664606FE86A53D790DE18B1AD0796732898F1",
    "consensus_hash": "048091BC7DDC283F77BFBF91D73C44DA58C3DF8A9CBC867405D8B7F3DAADA22F",
    "app_hash": "820A22FFE1457F0032A3D00275F3BBABD9929C19E2E5E179CF4579C1EDE92717",
    "last_results_hash": "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
    "evidence_hash": "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
    "proposer_address": PROPOSER,
}
TX = b"\x0a\x02\x12\x00"  # a Tx with an empty body
BLOCK = {
    "block_id": BLOCK_ID,
    "block": {
        "header": HEADER,
        "data": {"txs": [base64.b64encode(TX).decode()]},
        "evidence": {"evidence": []},
        "last_commit": {
            "height": "1",
            "round": 0,
            "block_id": HEADER["last_block_id"],
            "signatures": [
                {
                    "block_id_flag": 2,
                    "validator_address": PROPOSER,
                    "timestamp": "2026-11-23T15:59:26.425985054Z",
                    "signature": SIGNATURE,
                },
                {
                    "block_id_flag": 1,
                    "validator_address": "",
                    "timestamp": "0001-01-01T00:00:00Z",
                    "signature": None,
                },
            ],
        },
    },
}
STATUS = {
    "node_info": {
        "protocol_version": {"p2p": "8", "block": "11", "app": "0"},
        "id": "8a2858e8059d21481b437e0f93ab3dcdfa3b5c22",
        "listen_addr": "tcp://127.0.0.1:60775",
        "network": "zenrock",
        "version": "0.38.19",
        "channels": "40202122233038606100",
        "moniker": "node0",
        "other": {"tx_index": "on", "rpc_address": "tcp://127.0.0.1:50833"},
    },
    "sync_info": {"latest_block_height": "5", "catching_up": False},
}
VALIDATORS = {
    "block_height": "3",
    "validators": [
        {
            "address": PROPOSER,
            "pub_key": {
                "type": "tendermint/PubKeyEd25519",
                "value": "k304ztulxTifrpSYmpSYHy75NOm/KTnQq9cShTZ1AyY=",
            },
            "voting_power": "10",
            "proposer_priority": "0",
        }
    ],
    "count": "1",
    "total": "1",
}


def result_tx(tx: bytes, tx_hash: str, height: int = 2) -> dict[str, Any]:
    return {
        "hash": tx_hash,
        "height": str(height),
        "index": 0,
        "tx_result": {
            "data": base64.b64encode(b"\x12\x26ok").decode(),
            "log": "",
            "gas_wanted": "200000",
            "gas_used": "43738",
            "events": [
                {
                    "type": "message",
                    "attributes": [{"key": "sender", "value": "zen1abc", "index": True}],
                },
                {"type": "tx", "attributes": [{"key": "fee", "value": "", "index": False}]},
            ],
        },
        "tx": base64.b64encode(tx).decode(),
    }


class StandInRPC:
    """Answers like CometBFT; ``errors[method]`` makes that method raise CometBFT's error."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []
        self.errors: dict[str, str] = {}
        self.txs: dict[bytes, dict[str, Any]] = {}
        self.search: dict[str, Any] = {"txs": [], "total_count": "0"}

    def _record(self, method: str, args: Any) -> None:
        self.calls.append((method, args))
        if method in self.errors:
            raise RPCError(-32603, "Internal error", self.errors[method])

    def status(self) -> dict[str, Any]:
        self._record("status", None)
        return STATUS

    def block(self, height: int | None = None) -> dict[str, Any]:
        self._record("block", height)
        return BLOCK

    def broadcast_tx_sync(self, tx: bytes) -> dict[str, Any]:
        self._record("broadcast_tx_sync", tx)
        return {"code": 5, "data": "0a0b", "log": "insufficient funds", "codespace": "sdk",
                "hash": "ABCD"}  # fmt: skip

    def broadcast_tx_async(self, tx: bytes) -> dict[str, Any]:
        self._record("broadcast_tx_async", tx)
        return {"code": 0, "data": "", "log": "", "codespace": "", "hash": "ABCD"}

    def tx(self, tx_hash: bytes, prove: bool = False) -> dict[str, Any]:
        self._record("tx", tx_hash)
        if tx_hash not in self.txs:
            raise RPCError(-32603, "Internal error", f"tx ({tx_hash.hex().upper()}) not found")
        return self.txs[tx_hash]

    def tx_search(self, query: str, page: int, per_page: int, order_by: str) -> dict[str, Any]:
        self._record("tx_search", (query, page, per_page, order_by))
        return self.search

    def abci_query(self, path: str, data: bytes, height: int, prove: bool) -> dict[str, Any]:
        self._record("abci_query", (path, data, height, prove))
        return {"code": 0, "value": base64.b64encode(b"0.1.0").decode(), "height": "5"}

    def call(self, method: str, **params: Any) -> Any:
        self._record(method, params)
        if method == "header":
            return {"header": HEADER}
        if method == "validators":
            return VALIDATORS
        raise RPCError(-32601, "Method not found", method)
