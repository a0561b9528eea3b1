"""What CometBFT v0.38 signs for a vote extension, and checking that signature.

``types.VoteExtensionSignBytes(chainID, vote)`` is ``protoio.MarshalDelimited`` (a uvarint
length, then the message) of ``CanonicalVoteExtension`` (proto/tendermint/types/
canonical.proto)::

    bytes  extension = 1;
    sfixed64 height  = 2;
    sfixed64 round   = 3;
    string chain_id  = 4;

proto3 leaves zero and empty fields out. The signature is ed25519 by the validator's
consensus key (docs/attestation.md cites the source).
"""

from __future__ import annotations

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from zrchain.x.attest.codec import put_bytes, put_uvarint


def vote_extension_sign_bytes(chain_id: str, height: int, round_: int, extension: bytes) -> bytes:
    body = b""
    if extension:
        body += b"\x0a" + put_bytes(extension)
    if height:
        body += b"\x11" + height.to_bytes(8, "little", signed=True)
    if round_:
        body += b"\x19" + round_.to_bytes(8, "little", signed=True)
    if chain_id:
        body += b"\x22" + put_bytes(chain_id.encode())
    return put_uvarint(len(body)) + body


def verify_extension_signature(
    pubkey: bytes, signature: bytes, chain_id: str, height: int, round_: int, extension: bytes
) -> bool:
    if len(pubkey) != 32 or len(signature) != 64:
        return False
    try:
        Ed25519PublicKey.from_public_bytes(pubkey).verify(
            signature, vote_extension_sign_bytes(chain_id, height, round_, extension)
        )
    except (InvalidSignature, ValueError):
        return False
    return True


def consensus_address(pubkey: bytes) -> bytes:
    """CometBFT's ed25519 address: the first 20 bytes of sha256(pubkey)."""
    import hashlib

    return hashlib.sha256(pubkey).digest()[:20]
