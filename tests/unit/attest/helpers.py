"""Items, extensions and signed votes for the attestation tests (real ed25519 keys)."""

from __future__ import annotations

import hashlib

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from zrchain.codec.gen.zrchain.treasury import tx_pb2
from zrchain.x.attest.codec import KIND_KEY, Extension, Item, NetworkView, SignedExtension
from zrchain.x.attest.proof import CommitVote
from zrchain.x.attest.signbytes import consensus_address, vote_extension_sign_bytes

CAIP_A = "eip155:31337"
CAIP_B = "eip155:31338"
CONTRACT = bytes.fromhex("5fbdb2315678afecb367f032d93f642f64180aa3")


def key_item(block: int, log_index: int = 0, caip2: str = CAIP_A, index: int = 0) -> Item:
    msg = tx_pb2.MsgNewKeyRequest(
        ext_requester="0xbe27E519A220D4336A5F9d08C7fa542175E30dA0", ext_key_type=60, index=index
    )
    return Item(
        caip2=caip2,
        contract=CONTRACT,
        block_number=block,
        block_hash=hashlib.sha256(f"{caip2}/{block}".encode()).digest(),
        tx_hash=hashlib.sha256(f"{caip2}/{block}/{log_index}/tx".encode()).digest(),
        log_index=log_index,
        kind=KIND_KEY,
        msg=msg.SerializeToString(),
    )


def ext(*items: Item, confirmed: int | None = None, caip2: str = CAIP_A) -> Extension:
    top = max((i.block_number for i in items), default=0)
    return Extension((NetworkView(caip2, top if confirmed is None else confirmed, items),))


class Validator:
    def __init__(self, seed: int, power: int = 10) -> None:
        self.key = Ed25519PrivateKey.from_private_bytes(bytes([seed]) * 32)
        self.pubkey = self.key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self.address = consensus_address(self.pubkey)
        self.power = power

    def sign(self, chain_id: str, height: int, round_: int, extension: bytes) -> SignedExtension:
        sig = self.key.sign(vote_extension_sign_bytes(chain_id, height, round_, extension))
        return SignedExtension(self.pubkey, extension, sig)

    def vote(self, committed: bool = True) -> CommitVote:
        return CommitVote(self.address, self.power, committed)
