"""CometBFT RPC JSON -> protobuf messages.

CometBFT's JSON is not proto-JSON: hashes and addresses are uppercase hex, ``[]byte`` is
base64, times are RFC3339 with nanoseconds, 64-bit integers are strings and parts of a
block ID are ``parts`` rather than ``part_set_header``. Every conversion is explicit here so
that the services hand clients the same bytes the Go SDK would.
"""

from __future__ import annotations

import base64
import calendar
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from cosmpy.protos.cosmos.base.tendermint.v1beta1 import types_pb2 as sdk_types
from cosmpy.protos.cosmos.crypto.ed25519 import keys_pb2 as ed25519
from cosmpy.protos.cosmos.crypto.secp256k1 import keys_pb2 as secp256k1
from cosmpy.protos.tendermint.abci import types_pb2 as abci_types
from cosmpy.protos.tendermint.p2p import types_pb2 as p2p
from cosmpy.protos.tendermint.types import block_pb2, evidence_pb2, types_pb2, validator_pb2
from google.protobuf.any_pb2 import Any as AnyPb
from google.protobuf.timestamp_pb2 import Timestamp

from zrchain.codec.address import VALCONS_PREFIX, encode
from zrchain.codec.any import ED25519_PUBKEY_URL, SECP256K1_PUBKEY_URL

Json = Mapping[str, Any]

_TIME = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})$"
)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

# CometBFT's amino JSON names of public keys -> the SDK's Any type URLs and classes
_PUBKEYS: dict[str, tuple[str, Any]] = {
    "tendermint/PubKeyEd25519": (ED25519_PUBKEY_URL, ed25519.PubKey),
    "tendermint/PubKeySecp256k1": (SECP256K1_PUBKEY_URL, secp256k1.PubKey),
}


def timestamp(value: str | None) -> Timestamp:
    """RFC3339 (nanosecond precision, any offset) -> Timestamp; ``datetime`` stops at µs."""
    ts = Timestamp()
    if not value:
        return ts
    m = _TIME.match(value)
    if m is None:
        raise ValueError(f"invalid RFC3339 time {value!r}")
    y, mo, d, hh, mm, ss = (int(g) for g in m.groups()[:6])
    seconds = calendar.timegm((y, mo, d, hh, mm, ss, 0, 0, 0))
    zone = m.group(8)
    if zone not in ("Z", "z"):
        sign = 1 if zone[0] == "+" else -1
        seconds -= sign * (int(zone[1:3]) * 3600 + int(zone[4:6]) * 60)
    ts.seconds = seconds
    ts.nanos = int((m.group(7) or "0").ljust(9, "0"))
    return ts


def rfc3339_seconds(ts: Timestamp) -> str:
    """Go's ``time.RFC3339`` in UTC (no fraction), as the SDK writes TxResponse.timestamp."""
    return (_EPOCH + timedelta(seconds=ts.seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")


def hex_bytes(value: str | None) -> bytes:
    return bytes.fromhex(value) if value else b""


def b64_bytes(value: str | None) -> bytes:
    return base64.b64decode(value) if value else b""


def int_of(value: Any, default: int = 0) -> int:
    return int(value) if value not in (None, "") else default


def block_id(j: Json | None) -> types_pb2.BlockID:
    j = j or {}
    parts = j.get("parts") or j.get("part_set_header") or {}
    return types_pb2.BlockID(
        hash=hex_bytes(j.get("hash")),
        part_set_header=types_pb2.PartSetHeader(
            total=int_of(parts.get("total")), hash=hex_bytes(parts.get("hash"))
        ),
    )


_HEADER_HASHES = (
    "last_commit_hash",
    "data_hash",
    "validators_hash",
    "next_validators_hash",
    "consensus_hash",
    "app_hash",
    "last_results_hash",
    "evidence_hash",
    "proposer_address",
)


def header(j: Json) -> types_pb2.Header:
    version = j.get("version") or {}
    h = types_pb2.Header(
        chain_id=j.get("chain_id", ""),
        height=int_of(j.get("height")),
        time=timestamp(j.get("time")),
        last_block_id=block_id(j.get("last_block_id")),
    )
    for name in _HEADER_HASHES:
        setattr(h, name, hex_bytes(j.get(name)))
    h.version.block = int_of(version.get("block"))
    h.version.app = int_of(version.get("app"))
    return h


def commit(j: Json | None) -> types_pb2.Commit:
    j = j or {}
    return types_pb2.Commit(
        height=int_of(j.get("height")),
        round=int_of(j.get("round")),
        block_id=block_id(j.get("block_id")),
        signatures=[
            types_pb2.CommitSig(
                block_id_flag=cast(validator_pb2.BlockIDFlag, int_of(s.get("block_id_flag"))),
                validator_address=hex_bytes(s.get("validator_address")),
                timestamp=timestamp(s.get("timestamp")),
                signature=b64_bytes(s.get("signature")),
            )
            for s in j.get("signatures") or []
        ],
    )


def _vote(j: Json) -> types_pb2.Vote:
    return types_pb2.Vote(
        type=cast(types_pb2.SignedMsgType, int_of(j.get("type"))),
        height=int_of(j.get("height")),
        round=int_of(j.get("round")),
        block_id=block_id(j.get("block_id")),
        timestamp=timestamp(j.get("timestamp")),
        validator_address=hex_bytes(j.get("validator_address")),
        validator_index=int_of(j.get("validator_index")),
        signature=b64_bytes(j.get("signature")),
        extension=b64_bytes(j.get("extension")),
        extension_signature=b64_bytes(j.get("extension_signature")),
    )


def evidence(items: Iterable[Json]) -> list[evidence_pb2.Evidence]:
    """Duplicate-vote evidence is converted; light-client attacks (rare, large) are skipped."""
    out = []
    for item in items:
        if item.get("type") != "tendermint/DuplicateVoteEvidence":
            continue
        v = item.get("value") or {}
        dve = evidence_pb2.DuplicateVoteEvidence(
            vote_a=_vote(v.get("vote_a") or {}),
            vote_b=_vote(v.get("vote_b") or {}),
            total_voting_power=int_of(v.get("TotalVotingPower", v.get("total_voting_power"))),
            validator_power=int_of(v.get("ValidatorPower", v.get("validator_power"))),
            timestamp=timestamp(v.get("Timestamp", v.get("timestamp"))),
        )
        out.append(evidence_pb2.Evidence(duplicate_vote_evidence=dve))
    return out


def block(j: Json) -> block_pb2.Block:
    """A ``block`` RPC result's ``block`` -> tendermint.types.Block (what cosmpy reads)."""
    b = block_pb2.Block(
        header=header(j.get("header") or {}),
        data=types_pb2.Data(txs=[b64_bytes(t) for t in (j.get("data") or {}).get("txs") or []]),
        last_commit=commit(j.get("last_commit")),
    )
    b.evidence.SetInParent()
    b.evidence.evidence.extend(evidence((j.get("evidence") or {}).get("evidence") or []))
    return b


def sdk_block(b: block_pb2.Block) -> sdk_types.Block:
    """The SDK's Block: the same, with the proposer as a bech32 consensus address."""
    h = b.header
    out = sdk_types.Block(data=b.data, evidence=b.evidence, last_commit=b.last_commit)
    out.header.CopyFrom(
        sdk_types.Header(
            version=h.version,
            chain_id=h.chain_id,
            height=h.height,
            time=h.time,
            last_block_id=h.last_block_id,
            last_commit_hash=h.last_commit_hash,
            data_hash=h.data_hash,
            validators_hash=h.validators_hash,
            next_validators_hash=h.next_validators_hash,
            consensus_hash=h.consensus_hash,
            app_hash=h.app_hash,
            last_results_hash=h.last_results_hash,
            evidence_hash=h.evidence_hash,
            proposer_address=valcons(h.proposer_address),
        )
    )
    return out


def valcons(address: bytes) -> str:
    return encode(VALCONS_PREFIX, address) if address else ""


def events(items: Iterable[Json] | None) -> list[abci_types.Event]:
    return [
        abci_types.Event(
            type=e.get("type", ""),
            attributes=[
                abci_types.EventAttribute(
                    key=a.get("key") or "", value=a.get("value") or "", index=bool(a.get("index"))
                )
                for a in e.get("attributes") or []
            ],
        )
        for e in items or []
    ]


def pub_key_any(j: Json | None) -> AnyPb | None:
    """CometBFT ``{type, value}`` public key -> Any of the SDK's key type (None if unknown)."""
    if not j or j.get("type") not in _PUBKEYS:
        return None
    url, cls = _PUBKEYS[j["type"]]
    return AnyPb(type_url=url, value=cls(key=b64_bytes(j.get("value"))).SerializeToString())


def node_info(j: Json) -> p2p.DefaultNodeInfo:
    pv = j.get("protocol_version") or {}
    other = j.get("other") or {}
    return p2p.DefaultNodeInfo(
        protocol_version=p2p.ProtocolVersion(
            p2p=int_of(pv.get("p2p")), block=int_of(pv.get("block")), app=int_of(pv.get("app"))
        ),
        default_node_id=j.get("id", ""),
        listen_addr=j.get("listen_addr", ""),
        network=j.get("network", ""),
        version=j.get("version", ""),
        channels=hex_bytes(j.get("channels")),
        moniker=j.get("moniker", ""),
        other=p2p.DefaultNodeInfoOther(
            tx_index=other.get("tx_index", ""), rpc_address=other.get("rpc_address", "")
        ),
    )
