"""From decoded ZrSign events to zrChain requests: validation, the wallet-type and CAIP-2
maps, `cache_id`, and the protobuf messages the `zr_sign_address` account sends.

Nothing here talks to a network; the pipeline (`pipeline.py`) does.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any

from eth_utils import to_checksum_address
from google.protobuf.any_pb2 import Any as AnyProto

from zrchain.chains.caip import omni_cache_id
from zrchain.chains.caip import zrsign_cache_id as cache_id
from zrchain.chains.errors import ChainDataError
from zrchain.chains.evm import parse_evm_tx
from zrchain.chains.wallets import WalletType
from zrchain.codec.gen.zrchain.treasury import tx_pb2
from zrchain.evm.events import (
    ChainIdSupportEvent,
    OtherEvent,
    WalletTypeIdSupportEvent,
    ZrKeyRequestEvent,
    ZrSigRequestEvent,
)
from zrchain.evm.ids import (
    REQ_HASH,
    REQ_SIMPLE_TX,
    REQ_TX,
    caip2_chain_id,
    wallet_type_id,
)

# the simple-tx payload and builder, shared with the attested path (re-exported)
from zrchain.evm.simple_tx import SimpleTx as SimpleTx
from zrchain.evm.simple_tx import decode_simple_tx as decode_simple_tx
from zrchain.evm.simple_tx import eip1559_unsigned as eip1559_unsigned

#: zrSign coin type (SLIP-44) -> zrChain WalletType used to parse transactions
#: (docs/evm-bridge.md, *Ingestion*).
COIN_WALLET_TYPE: dict[int, WalletType] = {
    60: WalletType.WALLET_TYPE_EVM,
    1: WalletType.WALLET_TYPE_BTC_TESTNET,
    0: WalletType.WALLET_TYPE_BTC_MAINNET,
    501: WalletType.WALLET_TYPE_SOLANA,
}
SUPPORTED_COINS = frozenset(COIN_WALLET_TYPE)
ED25519_COIN = 501
#: walletTypeIds of BIP-44 purpose 44 for the supported coins, known without any config event.
STANDARD_WALLET_TYPES: dict[str, int] = {
    "0x" + wallet_type_id(44, coin).hex(): coin for coin in sorted(SUPPORTED_COINS)
}
ZERO_ADDRESS = "0x" + "00" * 20

REQ_KIND = {REQ_HASH: "hash", REQ_TX: "tx", REQ_SIMPLE_TX: "simple_tx"}


def hx(data: bytes) -> str:
    return "0x" + bytes(data).hex()


def unhx(text: str) -> bytes:
    return bytes.fromhex(text[2:] if text.startswith(("0x", "0X")) else text)


@dataclass(frozen=True)
class Origin:
    """Where a request came from: the log's position on its network."""

    caip2: str
    contract: str
    block_number: int
    block_hash: str
    tx_hash: str
    log_index: int
    block_time: int = 0

    @property
    def log_id(self) -> str:
        return f"{self.tx_hash.lower()}:{self.log_index}"


@dataclass(frozen=True)
class KeyIngest:
    """A ZrKeyRequest to forward as MsgNewKeyRequest{ext_requester, ext_key_type, index}."""

    origin: Origin
    wallet_type_id: str
    owner: str
    coin_type: int
    wallet_index: int
    options: int
    kind: str = "key"

    @property
    def slot(self) -> tuple[str, str, int]:
        """(owner lower-case, coin type, index): one zrChain key, whichever network asks."""
        return (self.owner.lower(), str(self.coin_type), self.wallet_index)

    def msg(self, creator: str) -> tx_pb2.MsgNewKeyRequest:
        return tx_pb2.MsgNewKeyRequest(
            creator=creator,
            ext_requester=self.owner,
            ext_key_type=self.coin_type,
            index=self.wallet_index,
        )

    def describe(self) -> dict[str, Any]:
        return {
            "kind": "key",
            "owner": self.owner,
            "coin_type": self.coin_type,
            "wallet_index": self.wallet_index,
            "evm_block": self.origin.block_number,
            "tx": self.origin.tx_hash,
            "log_index": self.origin.log_index,
        }


@dataclass(frozen=True)
class SigIngest:
    """A ZrSigRequest to forward as MsgNewZrSignSignatureRequest."""

    origin: Origin
    trace_id: int
    wallet_type_id: str
    owner: str
    coin_type: int
    wallet_index: int
    req_type: int
    payload: str
    broadcast: bool
    dst_chain_id: str
    dst_caip2: str = ""
    #: The unsigned transaction a simple-tx request was converted to (hex), else "".
    converted_tx: str = ""
    first_seen: float = 0.0
    kind: str = "sig"

    @property
    def cache_id(self) -> bytes:
        return cache_id(self.origin.caip2, self.origin.contract, self.trace_id)

    @property
    def is_tx(self) -> bool:
        return self.req_type in (REQ_TX, REQ_SIMPLE_TX)

    @property
    def tx_payload(self) -> bytes:
        """The unsigned transaction zrChain signs (tx and converted simple-tx requests)."""
        return unhx(self.converted_tx or self.payload)

    @property
    def dst_evm_chain_id(self) -> int | None:
        ns, _, ref = self.dst_caip2.partition(":")
        return int(ref) if ns == "eip155" and ref.isdigit() else None

    @property
    def key_slot(self) -> tuple[str, str, int]:
        return (self.owner.lower(), str(self.coin_type), self.wallet_index)

    def msg(self, creator: str) -> tx_pb2.MsgNewZrSignSignatureRequest:
        data = self.tx_payload if self.is_tx else unhx(self.payload)
        msg = tx_pb2.MsgNewZrSignSignatureRequest(
            creator=creator,
            address=self.owner,
            key_type=self.coin_type,
            wallet_index=self.wallet_index,
            cache_id=self.cache_id,
            data=data.hex(),
            wallet_type=COIN_WALLET_TYPE[self.coin_type].name,
            no_broadcast=not self.broadcast,
            tx=self.is_tx,
        )
        chain = self.dst_evm_chain_id
        if self.is_tx and self.coin_type == 60 and chain is not None:
            meta = tx_pb2.MetadataEthereum(chain_id=chain)
            msg.metadata.CopyFrom(
                AnyProto(
                    type_url="/zrchain.treasury.MetadataEthereum", value=meta.SerializeToString()
                )
            )
        return msg

    def describe(self) -> dict[str, Any]:
        return {
            "kind": REQ_KIND.get(self.req_type, str(self.req_type)),
            "trace_id": self.trace_id,
            "owner": self.owner,
            "coin_type": self.coin_type,
            "wallet_index": self.wallet_index,
            "dst": self.dst_caip2,
            "broadcast": self.broadcast,
            "cache_id": hx(self.cache_id),
            "evm_block": self.origin.block_number,
            "tx": self.origin.tx_hash,
            "log_index": self.origin.log_index,
        }


OMNI_EVENTS = ("ZrPolicyCreate", "ZrKeyPolicySet", "ZrActionApproval", "ZrActionRejection")


@dataclass(frozen=True)
class OmniIngest:
    """A zrSign Omni call on our contract (ours, docs/zrsign-policies.md): forwarded as
    MsgForwardOwnerCall (``new_policy``, ``set_key_policy``) or MsgForwardApproval
    (``approve``, ``reject``), attributed to ``sender`` on this network."""

    origin: Origin
    op: str
    sender: str
    name: str = ""
    definition: str = ""
    participants: tuple[str, ...] = ()
    btl: int = 0
    coin_type: int = 0
    wallet_index: int = 0
    policy_id: int = 0
    action_id: int = 0
    kind: str = "omni"

    @property
    def cache_id(self) -> bytes:
        """The event's identity (``omni_cache_id``), so zrChain applies each call once."""
        o = self.origin
        return omni_cache_id(o.caip2, o.contract, unhx(o.tx_hash), o.log_index)

    def msg(self, creator: str) -> Any:
        from zrchain.codec.gen.zrchain.omni import tx_pb2

        caip2, cid = self.origin.caip2, self.cache_id
        if self.op in ("approve", "reject"):
            return tx_pb2.MsgForwardApproval(
                creator=creator,
                caip2=caip2,
                approver=self.sender,
                action_id=self.action_id,
                cache_id=cid,
                reject=self.op == "reject",
            )
        msg = tx_pb2.MsgForwardOwnerCall(
            creator=creator, caip2=caip2, owner=self.sender, cache_id=cid
        )
        if self.op == "new_policy":
            msg.new_policy.CopyFrom(
                tx_pb2.NewPolicyOp(
                    name=self.name,
                    definition=self.definition,
                    participants=list(self.participants),
                    btl=self.btl,
                )
            )
        else:
            msg.set_key_policy.CopyFrom(
                tx_pb2.SetKeyPolicyOp(
                    wallet_type=self.coin_type,
                    wallet_index=self.wallet_index,
                    sign_policy_id=self.policy_id,
                )
            )
        return msg

    def describe(self) -> dict[str, Any]:
        return {
            "kind": f"omni:{self.op}",
            "sender": self.sender,
            "action_id": self.action_id,
            "policy_id": self.policy_id,
            "evm_block": self.origin.block_number,
            "tx": self.origin.tx_hash,
            "log_index": self.origin.log_index,
        }


Ingest = KeyIngest | SigIngest | OmniIngest


def ingest_to_json(item: Ingest) -> dict[str, Any]:
    return asdict(item)


def ingest_from_json(doc: dict[str, Any]) -> Ingest:
    doc = dict(doc)
    origin = Origin(**doc.pop("origin"))
    if doc.get("kind") == "key":
        return KeyIngest(origin=origin, **doc)
    if doc.get("kind") == "omni":
        doc["participants"] = tuple(doc.get("participants", ()))
        return OmniIngest(origin=origin, **doc)
    return SigIngest(origin=origin, **doc)


# ---------------------------------------------------------------------------- translation


@dataclass(frozen=True)
class Skip:
    """The event is not forwarded; `reason` is logged."""

    reason: str
    level: str = "warning"


@dataclass(frozen=True)
class Hold:
    """The event may become forwardable later (e.g. an unknown destination chain)."""

    item: SigIngest
    reason: str


@dataclass(frozen=True)
class ConfigChange:
    """A wallet-type or chain-id configuration event, applied to the maps."""

    what: str


Decision = KeyIngest | SigIngest | OmniIngest | Skip | Hold | ConfigChange


@dataclass
class Translator:
    """Turns events of one network into requests, keeping its wallet-type and chain maps.

    `wallet_types` (walletTypeId hex -> coin type) and `chains` (chainId hash hex -> CAIP-2)
    start from the standard wallet types and the CAIP-2 ids the config names, and learn from
    WalletTypeIdSupport / ChainIdSupport events. `lookup_coin` asks the contract
    (getWalletTypeInfo) for a walletTypeId seen before its config event.
    """

    caip2: str
    contract: str
    wallet_types: dict[str, int] = field(default_factory=dict)
    chains: dict[str, str] = field(default_factory=dict)
    known_caip2: list[str] = field(default_factory=list)
    lookup_coin: Any = None

    def __post_init__(self) -> None:
        for caip in [self.caip2, *self.known_caip2]:
            self.chains.setdefault(hx(caip2_chain_id(caip)), caip)

    def coin_of(self, wt_id: str) -> int | None:
        if wt_id in self.wallet_types:
            return self.wallet_types[wt_id]
        if wt_id in STANDARD_WALLET_TYPES:
            return STANDARD_WALLET_TYPES[wt_id]
        if self.lookup_coin is not None:
            coin = self.lookup_coin(wt_id)
            if coin is not None:
                self.wallet_types[wt_id] = int(coin)
                return int(coin)
        return None

    def origin(self, meta: Any, block_time: int = 0) -> Origin:
        return Origin(
            caip2=self.caip2,
            contract=self.contract,
            block_number=meta.block_number,
            block_hash=meta.block_hash.lower(),
            tx_hash=meta.transaction_hash.lower(),
            log_index=meta.log_index,
            block_time=block_time,
        )

    def translate(self, event: Any, block_time: int = 0, now: float = 0.0) -> Decision:
        if isinstance(event, WalletTypeIdSupportEvent):
            key = hx(event.wallet_type_id)
            if event.support:
                self.wallet_types[key] = event.coin_type
            else:
                self.wallet_types.pop(key, None)
            return ConfigChange(f"wallet type {key} coin {event.coin_type} support={event.support}")
        if isinstance(event, ChainIdSupportEvent):
            key = hx(event.chain_id)
            if hx(caip2_chain_id(event.caip)) != key:
                return Skip(f"ChainIdSupport for {event.caip!r} carries a chain id of another name")
            self.chains[key] = event.caip  # kept on removal: old requests may still name it
            return ConfigChange(f"chain {event.caip} support={event.support}")
        if isinstance(event, ZrKeyRequestEvent):
            return self._key(event, block_time)
        if isinstance(event, ZrSigRequestEvent):
            return self._sig(event, block_time, now)
        if isinstance(event, OtherEvent) and event.name in OMNI_EVENTS:
            return self._omni(event, block_time)
        return Skip(f"{type(event).__name__} is not a request", level="debug")

    def _omni(self, ev: OtherEvent, block_time: int) -> Decision:
        a, origin = ev.args, self.origin(ev.meta, block_time)
        if ev.name in ("ZrActionApproval", "ZrActionRejection"):
            op = "approve" if ev.name == "ZrActionApproval" else "reject"
            sender = to_checksum_address(a["approver"])
            return OmniIngest(origin, op, sender, action_id=int(a["actionId"]))
        sender = to_checksum_address(a["owner"])
        if ev.name == "ZrPolicyCreate":
            return OmniIngest(
                origin,
                "new_policy",
                sender,
                name=str(a["name"]),
                definition=str(a["definition"]),
                participants=tuple(str(p) for p in a["participants"]),
                btl=int(a["btl"]),
            )
        wt = hx(a["walletTypeId"])
        coin = self.coin_of(wt)
        if coin is None:
            return Skip(f"key policy for an unknown wallet type {wt}")
        return OmniIngest(
            origin,
            "set_key_policy",
            sender,
            coin_type=coin,
            wallet_index=int(a["walletIndex"]),
            policy_id=int(a["policyId"]),
        )

    def _key(self, ev: ZrKeyRequestEvent, block_time: int) -> Decision:
        wt = hx(ev.wallet_type_id)
        if ev.owner.lower() == ZERO_ADDRESS:
            return Skip("key request for owner 0x0")
        coin = self.coin_of(wt)
        if coin is None:
            return Skip(f"unknown wallet type {wt}")
        if coin not in SUPPORTED_COINS:
            return Skip(f"unsupported wallet type {wt} (coin type {coin})")
        return KeyIngest(
            origin=self.origin(ev.meta, block_time),
            wallet_type_id=wt,
            owner=to_checksum_address(ev.owner),
            coin_type=coin,
            wallet_index=ev.wallet_index,
            options=ev.options,
        )

    def _sig(self, ev: ZrSigRequestEvent, block_time: int, now: float) -> Decision:
        p = ev.params
        req_type = p.req_type
        if ev.layout == "legacy":
            # zrSign's July/August 2024 layouts number the kinds differently and ambiguously;
            # only "hash" (1 in both) can be read safely.
            if req_type != 1:
                return Skip(f"legacy ZrSigRequest of kind {req_type} is ambiguous")
            req_type = REQ_HASH
        if req_type not in REQ_KIND:
            return Skip(f"unknown signature request kind {req_type}")
        wt = hx(p.wallet_type_id)
        coin = self.coin_of(wt)
        if coin is None:
            return Skip(f"unknown wallet type {wt}")
        if coin not in SUPPORTED_COINS:
            return Skip(f"unsupported wallet type {wt} (coin type {coin})")
        if p.owner.lower() == ZERO_ADDRESS:
            return Skip("signature request for owner 0x0")
        if req_type == REQ_HASH:
            if coin != ED25519_COIN and len(p.payload) != 32:
                return Skip(f"hash payload must be 32 bytes, got {len(p.payload)}")
            if not p.payload:
                return Skip("empty payload")
            if p.broadcast:
                return Skip("a hash cannot be broadcast")
        elif not p.payload:
            return Skip("empty transaction payload")
        if req_type == REQ_SIMPLE_TX and coin != 60:
            return Skip(f"simple-tx requests are supported for EVM wallets only (coin {coin})")
        item = SigIngest(
            origin=self.origin(ev.meta, block_time),
            trace_id=ev.trace_id,
            wallet_type_id=wt,
            owner=to_checksum_address(p.owner),
            coin_type=coin,
            wallet_index=p.wallet_index,
            req_type=req_type,
            payload=hx(p.payload),
            broadcast=p.broadcast,
            dst_chain_id=hx(p.dst_chain_id),
            dst_caip2=self.chains.get(hx(p.dst_chain_id), ""),
            first_seen=now,
        )
        return self.check_destination(item)

    def check_destination(self, item: SigIngest) -> SigIngest | Skip | Hold:
        """Resolve the destination CAIP-2 id and validate what depends on it."""
        if not item.dst_caip2:
            caip = self.chains.get(item.dst_chain_id)
            if caip is None:
                return Hold(item, f"destination chain {item.dst_chain_id} has no known CAIP-2 id")
            item = replace(item, dst_caip2=caip)
        return self._fits_destination(item)

    @staticmethod
    def _fits_destination(item: SigIngest) -> SigIngest | Skip:
        """What depends on the (resolved) destination: an EVM tx must be for that chain."""
        if item.req_type == REQ_TX and item.coin_type == 60:
            chain = item.dst_evm_chain_id
            if chain is None:
                return Skip(f"an EVM transaction for non-EVM destination {item.dst_caip2}")
            try:
                parse_evm_tx(unhx(item.payload), chain)
            except ChainDataError as exc:
                return Skip(f"unsigned transaction rejected: {exc}")
        return item

    def destination_from_event(self, item: SigIngest) -> SigIngest | Skip:
        """A held request (destination not in this follower's map) resolved from the event
        alone, for attestation: what validators attest may not depend on which
        ``ChainIdSupport`` events or config each follower has seen. A hash, or a
        transaction for a non-EVM wallet, is the same Msg whatever the destination (it is
        not part of it); an EVM transaction names its chain in the payload, which must hash
        to the event's ``dstChainId`` (the contract checked that chain was supported)."""
        if item.req_type == REQ_SIMPLE_TX:
            return item  # attested with the event's dstChainId; the chain resolves it
        if item.req_type == REQ_HASH or item.coin_type != 60:
            return item
        try:
            chain = parse_evm_tx(unhx(item.payload)).chain_id
        except ChainDataError as exc:
            return Skip(f"unsigned transaction rejected: {exc}")
        caip = f"eip155:{chain}"
        if hx(caip2_chain_id(caip)) != item.dst_chain_id:
            return Skip(f"destination {item.dst_chain_id} is not the transaction's chain {caip}")
        return self._fits_destination(replace(item, dst_caip2=caip))
