"""Cosmos SDK chains: what a secp256k1 signature over sign bytes commits to, and account
addresses (docs/treasury.md, *Transaction parsing*, *Wallets*)."""

from __future__ import annotations

from zrchain.chains.errors import ChainDataError, CosmosTxError
from zrchain.chains.keys import secp256k1_compressed
from zrchain.codec import bech32
from zrchain.crypto.hashes import hash160, sha256

DEFAULT_NATIVE_PREFIX = "zen"

# CometBFT's default mempool max_tx_bytes (config.toml): a Cosmos chain relays no larger tx,
# so no larger sign bytes can be worth signing (docs/treasury.md, limits).
MAX_COSMOS_TX_BYTES = 1024 * 1024


def native_sighash(sign_bytes: bytes) -> bytes:
    """sha256 of the Cosmos sign bytes: what a secp256k1 Cosmos signature commits to."""
    if len(sign_bytes) > MAX_COSMOS_TX_BYTES:
        raise CosmosTxError(
            f"sign bytes of {len(sign_bytes)} bytes are larger than the {MAX_COSMOS_TX_BYTES} "
            "bytes a Cosmos chain accepts in a transaction"
        )
    return sha256(bytes(sign_bytes))


def native_address(pubkey: bytes, prefix: str = DEFAULT_NATIVE_PREFIX) -> str:
    """bech32(prefix, ripemd160(sha256(compressed key))): a Cosmos-SDK account address.

    The prefix is lower-cased, as the SDK's bech32 encoder does; characters outside printable
    ASCII (33-126) are refused.
    """
    hrp = (prefix or DEFAULT_NATIVE_PREFIX).lower()
    if any(not 33 <= ord(ch) <= 126 for ch in hrp):
        raise ChainDataError(f"invalid bech32 prefix {prefix!r}")
    return bech32.encode(hrp, hash160(secp256k1_compressed(pubkey)))
