"""Double signing for network tests: two conflicting prevotes signed with a validator's own
key, as CometBFT's ``DuplicateVoteEvidence``, handed to a node's ``broadcast_evidence`` RPC.

CometBFT itself verifies what it receives (``evidence/verify.go``: the block time at the
height, the validator's and the set's power there, the signatures over the canonical vote
sign bytes, the votes ordered by block ID) before it gossips the evidence and commits it,
after which the app sees it as ``misbehavior`` in FinalizeBlock. The sign bytes are
CometBFT v0.38's ``VoteSignBytes``: the length-delimited protobuf ``CanonicalVote``
(type, height and round as sfixed64, the canonical block ID, the timestamp, the chain id),
written here field by field.
"""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

PREVOTE = 1


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def _field(num: int, wire: int, payload: bytes) -> bytes:
    return _varint(num << 3 | wire) + payload


def _bytes_field(num: int, data: bytes) -> bytes:
    return _field(num, 2, _varint(len(data)) + data) if data else b""


def _sfixed64(num: int, n: int) -> bytes:
    return _field(num, 1, n.to_bytes(8, "little", signed=True)) if n else b""


def _timestamp(seconds: int, nanos: int) -> bytes:
    body = (_field(1, 0, _varint(seconds)) if seconds else b"") + (
        _field(2, 0, _varint(nanos)) if nanos else b""
    )
    return body


def vote_sign_bytes(
    chain_id: str, height: int, round_: int, block_hash: bytes, parts_hash: bytes,
    parts_total: int, seconds: int, nanos: int, vote_type: int = PREVOTE,
) -> bytes:  # fmt: skip
    psh = _field(1, 0, _varint(parts_total)) + _bytes_field(2, parts_hash)
    block_id = _bytes_field(1, block_hash) + _bytes_field(2, psh)
    canonical = (
        _field(1, 0, _varint(vote_type))
        + _sfixed64(2, height)
        + _sfixed64(3, round_)
        + _bytes_field(4, block_id)
        + _field(5, 2, _varint(len(ts := _timestamp(seconds, nanos))) + ts)
        + _bytes_field(6, chain_id.encode())
    )
    return _varint(len(canonical)) + canonical


def _rfc3339(text: str) -> tuple[int, int]:
    """CometBFT's RFC 3339 time (nanoseconds, ``Z``) as (seconds, nanos)."""
    main, _, frac = text.rstrip("Z").partition(".")
    seconds = int(datetime.fromisoformat(main + "+00:00").timestamp())
    return seconds, int((frac or "0").ljust(9, "0")[:9])


def duplicate_vote_evidence(
    priv_validator_key: Path,
    chain_id: str,
    height: int,
    block_time: str,
    validator_index: int,
    validator_power: int,
    total_power: int,
) -> dict[str, Any]:
    """Two conflicting prevotes at ``height`` round 0 by the validator of
    ``priv_validator_key.json``, in the JSON ``broadcast_evidence`` takes."""
    key = json.loads(priv_validator_key.read_text())
    raw = base64.b64decode(key["priv_key"]["value"])
    signer = Ed25519PrivateKey.from_private_bytes(raw[:32])
    address = key["address"]
    seconds, nanos = _rfc3339(block_time)
    votes = []
    for label in (b"a", b"b"):
        block_hash = hashlib.sha256(b"double sign " + label).digest()
        parts_hash = hashlib.sha256(b"parts " + label).digest()
        sig = signer.sign(
            vote_sign_bytes(chain_id, height, 0, block_hash, parts_hash, 1, seconds, nanos)
        )
        votes.append(
            {
                "type": PREVOTE,
                "height": str(height),
                "round": 0,
                "block_id": {
                    "hash": block_hash.hex().upper(),
                    "parts": {"total": 1, "hash": parts_hash.hex().upper()},
                },
                "timestamp": block_time,
                "validator_address": address,
                "validator_index": validator_index,
                "signature": base64.b64encode(sig).decode(),
            }
        )
    votes.sort(key=lambda v: bytes.fromhex(v["block_id"]["hash"]))  # CometBFT's order
    return {
        "type": "tendermint/DuplicateVoteEvidence",
        "value": {
            "vote_a": votes[0],
            "vote_b": votes[1],
            "TotalVotingPower": str(total_power),
            "ValidatorPower": str(validator_power),
            "Timestamp": block_time,
        },
    }


__all__ = ["duplicate_vote_evidence", "vote_sign_bytes"]
