"""Keyring party signatures (fix 2 of docs/COMPATIBILITY.md): what a party signs when it answers a
request.

Every fulfilment carries ``keyring_party_signature``: a 64-byte secp256k1 signature
``r ‖ s`` (low S, as libsecp256k1 and the Cosmos SDK produce) made with the party's own
account key over ``sha256(party_signature_payload(...))``. The chain verifies it against
the public key of the account that signed the tx, so the signature is a portable
attestation: anyone holding the request id, the chain id and the result can check that
this party vouched for this result, without trusting a relayer.

The payload (all integers big-endian)::

    b"zrchain/treasury/party-signature/v1"    35 ASCII bytes (domain separator)
    u8  len(chain_id)  ‖ chain_id             ASCII, e.g. "zenrock"
    u8  len(kind)      ‖ kind                 "key" or "signature"
    u64 request_id
    u32 len(result)    ‖ result               the public key / signed_data exactly as sent

The MPC keeper imports :func:`party_signature_payload` and :func:`sign_party_result`;
``docs/treasury.md`` documents the same format for other implementations.
"""

from __future__ import annotations

import hashlib

from zrchain.crypto.keys import sign as _sign
from zrchain.crypto.keys import verify as _verify

DOMAIN = b"zrchain/treasury/party-signature/v1"
KIND_KEY = "key"
KIND_SIGNATURE = "signature"
PARTY_SIGNATURE_LENGTH = 64


def party_signature_payload(chain_id: str, kind: str, request_id: int, result: bytes) -> bytes:
    """The canonical bytes a party signs for its answer to request ``request_id``."""
    cid = chain_id.encode("ascii")
    k = kind.encode("ascii")
    if len(cid) > 255 or len(k) > 255:
        raise ValueError("chain id and kind must be at most 255 bytes")
    if not 0 <= request_id < 1 << 64:
        raise ValueError("request id must be a uint64")
    result = bytes(result)
    if len(result) >= 1 << 32:
        raise ValueError("result too long")
    return b"".join(
        (
            DOMAIN,
            bytes([len(cid)]),
            cid,
            bytes([len(k)]),
            k,
            request_id.to_bytes(8, "big"),
            len(result).to_bytes(4, "big"),
            result,
        )
    )


def party_signature_digest(chain_id: str, kind: str, request_id: int, result: bytes) -> bytes:
    """sha256 of the payload: the 32 bytes the ECDSA signature commits to."""
    return hashlib.sha256(party_signature_payload(chain_id, kind, request_id, result)).digest()


def sign_party_result(
    private_key: bytes, chain_id: str, kind: str, request_id: int, result: bytes
) -> bytes:
    """The 64-byte party signature of ``result`` with a party's 32-byte account key."""
    return _sign(private_key, party_signature_payload(chain_id, kind, request_id, result))


def verify_party_signature(
    pubkey: bytes, signature: bytes, chain_id: str, kind: str, request_id: int, result: bytes
) -> bool:
    """True iff ``signature`` is the party's low-S signature over this answer."""
    if len(signature) != PARTY_SIGNATURE_LENGTH:
        return False
    payload = party_signature_payload(chain_id, kind, request_id, result)
    return bool(_verify(bytes(pubkey), payload, bytes(signature)))
