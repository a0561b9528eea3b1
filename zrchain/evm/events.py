"""zrSign's events: typed dataclasses, topics (HEAD and the legacy layouts deployed
contracts still emit) and a decoder for raw logs from any provider or JSON-RPC."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from eth_abi import decode as abi_decode
from eth_utils import keccak, to_checksum_address
from web3 import Web3

from zrchain.evm.artifact import canonical_type, load_artifact, signature


@dataclass(frozen=True)
class LogMeta:
    """Where a log came from; (chain, tx_hash, log_index) identifies it."""

    address: str
    block_number: int
    block_hash: str
    transaction_hash: str
    log_index: int
    removed: bool = False


@dataclass(frozen=True)
class ZrKeyRequestEvent:
    """ZrKeyRequest. `value`/`mpc_fee` are None in legacy layouts that lack them."""

    meta: LogMeta
    wallet_type_id: bytes
    owner: str
    wallet_index: int
    options: int
    value: int | None
    mpc_fee: int | None
    layout: str = "head"


@dataclass(frozen=True)
class ZrKeyResolveEvent:
    meta: LogMeta
    wallet_type_id: bytes
    owner: str
    wallet_index: int
    addr: str


@dataclass(frozen=True)
class SigReqParams:
    """The request tuple carried by ZrSigRequest (owner is the requester)."""

    wallet_type_id: bytes
    wallet_index: int
    dst_chain_id: bytes
    payload: bytes
    owner: str
    req_type: int
    broadcast: bool


@dataclass(frozen=True)
class ZrSigRequestEvent:
    """ZrSigRequest. In legacy layouts `value`/`mpc_fee` may be None and req_type differs."""

    meta: LogMeta
    trace_id: int
    wallet_id: bytes
    value: int | None
    mpc_fee: int | None
    params: SigReqParams
    layout: str = "head"


@dataclass(frozen=True)
class ZrSigResolveEvent:
    meta: LogMeta
    trace_id: int
    meta_data: bytes
    signature: bytes
    broadcast: bool


@dataclass(frozen=True)
class ZrSigGasRefundEvent:
    meta: LogMeta
    engine_wallet_cost: int
    user_change: int


@dataclass(frozen=True)
class WalletTypeIdSupportEvent:
    meta: LogMeta
    purpose: int
    coin_type: int
    wallet_type_id: bytes
    support: bool


@dataclass(frozen=True)
class ChainIdSupportEvent:
    meta: LogMeta
    wallet_type_id: bytes
    chain_id: bytes
    caip: str
    support: bool


@dataclass(frozen=True)
class OtherEvent:
    """Any other event of the contract's ABI (fee updates, roles, pause, refunds...)."""

    meta: LogMeta
    name: str
    args: dict[str, Any]


ZrSignEvent = (
    ZrKeyRequestEvent
    | ZrKeyResolveEvent
    | ZrSigRequestEvent
    | ZrSigResolveEvent
    | ZrSigGasRefundEvent
    | WalletTypeIdSupportEvent
    | ChainIdSupportEvent
    | OtherEvent
)

_SIG_TUPLE = "(bytes32,uint256,bytes32,bytes,address,uint8,bool)"

#: topic0 of the zrSign request events, by layout: HEAD, and the two older layouts deployed
#: contracts emitted (without the trailing value fields; docs/evm-bridge.md).
KEY_REQUEST_TOPICS: dict[str, str] = {
    "head": "0x" + keccak(text="ZrKeyRequest(bytes32,address,uint256,uint8,uint256,uint256)").hex(),
    "legacy-value": "0x" + keccak(text="ZrKeyRequest(bytes32,address,uint256,uint8,uint256)").hex(),
    "legacy": "0x" + keccak(text="ZrKeyRequest(bytes32,address,uint256,uint8)").hex(),
}
SIG_REQUEST_TOPICS: dict[str, str] = {
    "head": "0x" + keccak(text=f"ZrSigRequest(uint256,bytes32,uint256,uint256,{_SIG_TUPLE})").hex(),
    "legacy-value": "0x" + keccak(text=f"ZrSigRequest(uint256,bytes32,uint256,{_SIG_TUPLE})").hex(),
    "legacy": "0x" + keccak(text=f"ZrSigRequest(uint256,bytes32,{_SIG_TUPLE})").hex(),
}
_HEAD_DATA: dict[str, list[str]] = {
    "head": ["uint256", "uint256"],
    "legacy-value": ["uint256"],
    "legacy": [],
}


def event_topics(abi: Sequence[Mapping[str, Any]] | None = None) -> dict[str, str]:
    """topic0 ("0x..." lower-case) of every event in the ABI, by event name."""
    entries = abi if abi is not None else load_artifact().abi
    return {
        str(e["name"]): "0x" + keccak(text=signature(e)).hex()
        for e in entries
        if e.get("type") == "event"
    }


# ---------------------------------------------------------------------------- log decoding


def as_bytes(value: Any) -> bytes:
    """bytes from HexBytes / bytes / "0x.." / ".." hex strings."""
    if isinstance(value, bytes | bytearray):
        return bytes(value)
    text = str(value)
    return bytes.fromhex(text[2:] if text.startswith(("0x", "0X")) else text)


def as_hex(value: Any) -> str:
    """ "0x"-prefixed lower-case hex, whatever HexBytes.hex() does in this web3 version."""
    return "0x" + as_bytes(value).hex()


def _topic_int(topic: Any) -> int:
    return int.from_bytes(as_bytes(topic), "big")


def _topic_address(topic: Any) -> str:
    return to_checksum_address(as_bytes(topic)[-20:])


def log_meta(log: Mapping[str, Any]) -> LogMeta:
    """The position fields of a raw log (eth_getLogs or receipt entry)."""
    return LogMeta(
        address=to_checksum_address(log["address"]),
        block_number=int(log["blockNumber"]),
        block_hash=as_hex(log["blockHash"]),
        transaction_hash=as_hex(log["transactionHash"]),
        log_index=int(log["logIndex"]),
        removed=bool(log.get("removed", False)),
    )


def _sig_params(raw: Sequence[Any]) -> SigReqParams:
    return SigReqParams(
        wallet_type_id=bytes(raw[0]),
        wallet_index=int(raw[1]),
        dst_chain_id=bytes(raw[2]),
        payload=bytes(raw[3]),
        owner=to_checksum_address(raw[4]),
        req_type=int(raw[5]),
        broadcast=bool(raw[6]),
    )


class EventDecoder:
    """Decodes raw logs of ZrSign (and zrSign's legacy request layouts) into dataclasses."""

    def __init__(self, abi: Sequence[Mapping[str, Any]] | None = None) -> None:
        self.abi = list(abi if abi is not None else load_artifact().abi)
        self._events = {
            "0x" + keccak(text=signature(e)).hex(): e for e in self.abi if e.get("type") == "event"
        }
        self._key_layouts = {t: name for name, t in KEY_REQUEST_TOPICS.items()}
        self._sig_layouts = {t: name for name, t in SIG_REQUEST_TOPICS.items()}

    def decode(self, log: Mapping[str, Any]) -> ZrSignEvent | None:
        """The event a raw log carries, or None when topic0 is not one of ours."""
        topics = [as_bytes(t) for t in log.get("topics", [])]
        if not topics:
            return None
        topic0 = "0x" + topics[0].hex()
        data = as_bytes(log.get("data", b""))
        meta = log_meta(log)
        if topic0 in self._key_layouts:
            layout = self._key_layouts[topic0]
            values = abi_decode(["uint8", *_HEAD_DATA[layout]], data)
            return ZrKeyRequestEvent(
                meta=meta,
                wallet_type_id=topics[1],
                owner=_topic_address(topics[2]),
                wallet_index=_topic_int(topics[3]),
                options=int(values[0]),
                value=int(values[1]) if len(values) > 1 else None,
                mpc_fee=int(values[2]) if len(values) > 2 else None,
                layout=layout,
            )
        if topic0 in self._sig_layouts:
            layout = self._sig_layouts[topic0]
            head = _HEAD_DATA[layout]
            values = abi_decode([*head, _SIG_TUPLE], data)
            return ZrSigRequestEvent(
                meta=meta,
                trace_id=_topic_int(topics[1]),
                wallet_id=topics[2],
                value=int(values[0]) if len(head) > 0 else None,
                mpc_fee=int(values[1]) if len(head) > 1 else None,
                params=_sig_params(values[-1]),
                layout=layout,
            )
        entry = self._events.get(topic0)
        if entry is None:
            return None
        args = self._decode_args(entry, topics, data)
        return self._typed(entry["name"], meta, args)

    def decode_all(self, logs: Iterable[Mapping[str, Any]]) -> list[ZrSignEvent]:
        """Decode every log that is ours, in the given order."""
        out = []
        for log in logs:
            event = self.decode(log)
            if event is not None:
                out.append(event)
        return out

    @staticmethod
    def _decode_args(
        entry: Mapping[str, Any], topics: Sequence[bytes], data: bytes
    ) -> dict[str, Any]:
        indexed = [p for p in entry["inputs"] if p.get("indexed")]
        plain = [p for p in entry["inputs"] if not p.get("indexed")]
        args: dict[str, Any] = {}
        for param, topic in zip(indexed, topics[1:], strict=True):
            args[param["name"]] = abi_decode([canonical_type(param)], topic)[0]
        values = abi_decode([canonical_type(p) for p in plain], data)
        for param, value in zip(plain, values, strict=True):
            args[param["name"]] = value
        return args

    @staticmethod
    def _typed(name: str, meta: LogMeta, a: dict[str, Any]) -> ZrSignEvent:
        if name == "ZrKeyResolve":
            return ZrKeyResolveEvent(
                meta,
                a["walletTypeId"],
                to_checksum_address(a["owner"]),
                int(a["walletIndex"]),
                a["addr"],
            )
        if name == "ZrSigResolve":
            return ZrSigResolveEvent(
                meta, int(a["traceId"]), a["metaData"], a["signature"], bool(a["broadcast"])
            )
        if name == "ZrSigGasRefund":
            return ZrSigGasRefundEvent(meta, int(a["engineWalletCost"]), int(a["userChange"]))
        if name == "WalletTypeIdSupport":
            return WalletTypeIdSupportEvent(
                meta, int(a["purpose"]), int(a["coinType"]), a["walletTypeId"], bool(a["support"])
            )
        if name == "ChainIdSupport":
            return ChainIdSupportEvent(
                meta, a["walletTypeId"], a["chainId"], a["caip"], bool(a["support"])
            )
        return OtherEvent(meta, name, a)


@functools.lru_cache(maxsize=1)
def _default_decoder() -> EventDecoder:
    return EventDecoder()


def decode_log(log: Mapping[str, Any]) -> ZrSignEvent | None:
    """Decode one raw log with the committed ABI (None if it is not a ZrSign event)."""
    return _default_decoder().decode(log)


def get_logs(
    w3: Web3,
    address: str | Sequence[str],
    from_block: int,
    to_block: int | str,
    topic0: Sequence[str] | None = None,
) -> list[ZrSignEvent]:
    """eth_getLogs over [from_block, to_block] for the contract(s), decoded and ordered.

    `topic0` restricts to those event topics (an OR); topics are sent as "0x..." strings,
    which every provider (eth-tester included) accepts.
    """
    params: dict[str, Any] = {
        "fromBlock": from_block,
        "toBlock": to_block,
        "address": (
            to_checksum_address(address)
            if isinstance(address, str)
            else [to_checksum_address(a) for a in address]
        ),
    }
    if topic0 is not None:
        params["topics"] = [[t if t.startswith("0x") else "0x" + t for t in topic0]]
    logs = w3.eth.get_logs(params)  # type: ignore[arg-type]
    ordered = sorted(logs, key=lambda lg: (int(lg["blockNumber"]), int(lg["logIndex"])))
    return _default_decoder().decode_all(ordered)
