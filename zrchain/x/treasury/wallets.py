"""Wallet addresses derived from MPC public keys, and per-wallet tx parsing (treasury.md §9, §10).

The query service lists a key's wallets (``--wallet-type`` / ``--prefixes``), ``KeyByAddress``
matches an address against them, and ``MsgNewSignTransactionRequest`` picks its parser by wallet
type. All of it is pure and deterministic; errors are :class:`WalletError` (a ``ValueError``) or
the :mod:`~zrchain.x.treasury.sighash` errors, all ``ValueError`` subclasses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum

import bech32
from eth_utils import keccak, to_checksum_address

from zrchain.codec import address
from zrchain.x.treasury.sighash import (
    KeyType,
    TreasuryCryptoError,
    b58encode,
    bitcoin_sighashes,
    data_for_signing_hex,
    ed25519_check_public_key,
    evm_transfer,
    hash160,
    key_type,
    native_sighash,
    parse_evm_tx,
    parse_solana_message,
    secp256k1_compressed,
    secp256k1_uncompressed,
    sha256d,
    solana_transfer,
)


class WalletError(ValueError):
    """A wallet cannot be built (unknown type, wrong key type, bad address)."""


class WalletType(IntEnum):
    """Proto enum zrchain.treasury.WalletType."""

    WALLET_TYPE_UNSPECIFIED = 0
    WALLET_TYPE_NATIVE = 1
    WALLET_TYPE_EVM = 2
    WALLET_TYPE_BTC_TESTNET = 3
    WALLET_TYPE_BTC_MAINNET = 4
    WALLET_TYPE_BTC_REGNET = 5
    WALLET_TYPE_SOLANA = 6
    WALLET_TYPE_ZCASH_MAINNET = 7
    WALLET_TYPE_ZCASH_TESTNET = 8


ERR_UNKNOWN_WALLET_TYPE = "error in NewWallet: unknown wallet type"

DEFAULT_NATIVE_PREFIX = "zen"

# processWallets' order for WALLET_TYPE_UNSPECIFIED.
ALL_WALLET_TYPES = (
    WalletType.WALLET_TYPE_NATIVE,
    WalletType.WALLET_TYPE_EVM,
    WalletType.WALLET_TYPE_BTC_TESTNET,
    WalletType.WALLET_TYPE_BTC_MAINNET,
    WalletType.WALLET_TYPE_BTC_REGNET,
    WalletType.WALLET_TYPE_SOLANA,
    WalletType.WALLET_TYPE_ZCASH_MAINNET,
    WalletType.WALLET_TYPE_ZCASH_TESTNET,
)

_BTC_HRP = {
    WalletType.WALLET_TYPE_BTC_MAINNET: "bc",
    WalletType.WALLET_TYPE_BTC_TESTNET: "tb",
    WalletType.WALLET_TYPE_BTC_REGNET: "bcrt",
}
_ZCASH_VERSION = {
    WalletType.WALLET_TYPE_ZCASH_MAINNET: b"\x1c\xb8",  # t1…
    WalletType.WALLET_TYPE_ZCASH_TESTNET: b"\x1d\x25",  # tm…
}
_REQUIRED_KEY_TYPE = {
    WalletType.WALLET_TYPE_NATIVE: KeyType.KEY_TYPE_ECDSA_SECP256K1,
    WalletType.WALLET_TYPE_EVM: KeyType.KEY_TYPE_ECDSA_SECP256K1,
    WalletType.WALLET_TYPE_SOLANA: KeyType.KEY_TYPE_EDDSA_ED25519,
} | dict.fromkeys((*_BTC_HRP, *_ZCASH_VERSION), KeyType.KEY_TYPE_BITCOIN_SECP256K1)


def _squash(name: str) -> str:
    return name.replace("_", "").replace("-", "").lower()


_WALLET_TYPE_BY_NAME = {_squash(w.name): w for w in WalletType} | {
    _squash(w.name.removeprefix("WALLET_TYPE_")): w for w in WalletType
}


def wallet_type(value: WalletType | int | str) -> WalletType | None:
    """Coerce an enum, number, name (``WALLET_TYPE_EVM``) or CLI form (``btc-testnet``).

    An unknown number gives None (the query yields no wallets for it); an unknown name raises.
    """
    if isinstance(value, bool):
        raise WalletError(f"invalid wallet type {value!r}")
    if isinstance(value, int):
        try:
            return WalletType(value)
        except ValueError:
            return None
    if isinstance(value, str):
        if value.isdigit():
            return wallet_type(int(value))
        found = _WALLET_TYPE_BY_NAME.get(_squash(value))
        if found is not None:
            return found
    raise WalletError(f"invalid wallet type {value!r}")


# ---------------------------------------------------------------------------------------------
# Address encoders


def evm_address_bytes(pubkey: bytes) -> bytes:
    """keccak256(X‖Y)[12:] of a secp256k1 key (33 or 65 bytes)."""
    return keccak(secp256k1_uncompressed(pubkey))[12:]


def evm_address(pubkey: bytes) -> str:
    """EIP-55 checksummed ``0x…`` address, the form zrChain shows and matches."""
    return to_checksum_address(evm_address_bytes(pubkey))


def evm_address_lower(pubkey: bytes) -> str:
    """Lower-case ``0x…`` address (the normalised owner form of DECISIONS 11)."""
    return "0x" + evm_address_bytes(pubkey).hex()


def normalize_evm_address(address: str) -> str:
    """Lower-case ``0x`` + 40 hex of an EVM address, so both spellings name one owner.

    Accepts all-lower, all-upper or mixed case; a mixed-case address must carry a valid EIP-55
    checksum (a wrong one is most likely a typo).
    """
    if not isinstance(address, str) or len(address) != 42 or not address.startswith("0x"):
        raise WalletError(f"invalid EVM address {address!r}: expected 0x followed by 40 hex digits")
    body = address[2:]
    try:
        raw = bytes.fromhex(body)
    except ValueError:
        raise WalletError(f"invalid EVM address {address!r}: not hexadecimal") from None
    if body != body.lower() and body != body.upper() and to_checksum_address(raw) != address:
        raise WalletError(f"invalid EVM address {address!r}: bad EIP-55 checksum")
    return "0x" + raw.hex()


def native_address(pubkey: bytes, prefix: str = DEFAULT_NATIVE_PREFIX) -> str:
    """bech32(prefix, ripemd160(sha256(compressed key))): a Cosmos-SDK account address.

    The prefix is lower-cased, as the SDK's bech32 encoder does; characters outside printable
    ASCII (33-126) are refused.
    """
    hrp = (prefix or DEFAULT_NATIVE_PREFIX).lower()
    if any(not 33 <= ord(ch) <= 126 for ch in hrp):
        raise WalletError(f"invalid bech32 prefix {prefix!r}")
    return address.encode(hrp, hash160(secp256k1_compressed(pubkey)))


def bitcoin_p2wpkh_address(pubkey: bytes, hrp: str) -> str:
    """Segwit v0 P2WPKH address (BIP173) of a compressed secp256k1 key; hrp bc / tb / bcrt."""
    encoded = bech32.encode(hrp, 0, hash160(secp256k1_compressed(pubkey)))
    if encoded is None:
        raise WalletError(f"cannot encode a segwit address with hrp {hrp!r}")
    return encoded


def zcash_transparent_address(pubkey: bytes, version: bytes) -> str:
    """base58check(version ‖ HASH160(compressed key)): Zcash t-address (P2PKH)."""
    payload = version + hash160(secp256k1_compressed(pubkey))
    return b58encode(payload + sha256d(payload)[:4])


def solana_address(pubkey: bytes) -> str:
    """base58 of a 32-byte Ed25519 key (validated as a curve point)."""
    return b58encode(ed25519_check_public_key(pubkey))


# ---------------------------------------------------------------------------------------------
# NewWallet / processWallets


def _check_key_type(wtype: WalletType, ktype: KeyType) -> None:
    required = _REQUIRED_KEY_TYPE.get(wtype)
    if required is None:
        raise WalletError(ERR_UNKNOWN_WALLET_TYPE)
    if ktype != required:
        raise WalletError(f"invalid key type, expected {required.name}, got {ktype.name}")


def wallet_address(
    wtype: WalletType | int | str,
    ktype: KeyType | int | str,
    pubkey: bytes,
    prefix: str = DEFAULT_NATIVE_PREFIX,
) -> str:
    """The address of one wallet of a key (zrChain's ``NewWallet(...).Address()``).

    Raises :class:`WalletError` for an unknown/unspecified wallet type or a key of the wrong
    type, and the sighash module's ``PublicKeyError`` for a key that is not a valid point.
    """
    resolved = wallet_type(wtype)
    if resolved is None:
        raise WalletError(ERR_UNKNOWN_WALLET_TYPE)
    _check_key_type(resolved, key_type(ktype))
    if resolved == WalletType.WALLET_TYPE_NATIVE:
        return native_address(pubkey, prefix)
    if resolved == WalletType.WALLET_TYPE_EVM:
        return evm_address(pubkey)
    if resolved in _BTC_HRP:
        return bitcoin_p2wpkh_address(pubkey, _BTC_HRP[resolved])
    if resolved in _ZCASH_VERSION:
        return zcash_transparent_address(pubkey, _ZCASH_VERSION[resolved])
    return solana_address(pubkey)


@dataclass(frozen=True)
class WalletAddress:
    """One ``WalletResponse``: the address and the wallet type's enum name."""

    address: str
    type: str


def derive(
    wtype: WalletType | int | str,
    ktype: KeyType | int | str,
    pubkey: bytes,
    prefixes: Sequence[str] = (),
) -> list[WalletAddress]:
    """A key's wallets as the queries list them (zrChain's ``processWallets``).

    UNSPECIFIED expands to every wallet type in enum order; an unknown number yields nothing.
    NATIVE gives one address per prefix (``zen`` when none; an empty prefix means ``zen``).
    Wallets that cannot be built for this key are silently left out.
    """
    resolved = wallet_type(wtype)
    if resolved is None:
        return []
    kinds = ALL_WALLET_TYPES if resolved == WalletType.WALLET_TYPE_UNSPECIFIED else (resolved,)
    out = []
    for kind in kinds:
        wanted = (
            list(prefixes) or [DEFAULT_NATIVE_PREFIX]
            if kind == WalletType.WALLET_TYPE_NATIVE
            else [DEFAULT_NATIVE_PREFIX]
        )
        for prefix in wanted:
            try:
                address = wallet_address(kind, ktype, pubkey, prefix or DEFAULT_NATIVE_PREFIX)
            except (WalletError, TreasuryCryptoError):
                continue
            out.append(WalletAddress(address, kind.name))
    return out


# ---------------------------------------------------------------------------------------------
# ParseTx per wallet type (§9)


@dataclass(frozen=True)
class ParsedTransaction:
    """What ``MsgNewSignTransactionRequest`` needs from a payload.

    ``data_for_signing`` holds one element per signature the keyring must produce; ``amount``
    feeds the policy's TXVALUE (None renders as zrChain's ``<nil>``).
    """

    data_for_signing: tuple[bytes, ...]
    amount: int | None = None
    to: bytes | None = None
    coin_identifier: bytes = b""

    @property
    def data_for_signing_hex(self) -> str:
        return data_for_signing_hex(self.data_for_signing)

    @property
    def tx_value(self) -> str:
        """The policy-data TXVALUE string."""
        return "<nil>" if self.amount is None else str(self.amount)


def parse_transaction(
    wtype: WalletType | int | str, payload: bytes, *, chain_id: int | None = None
) -> ParsedTransaction:
    """Parse a sign-transaction payload for a wallet type (zrChain's ``TxParser``).

    ``chain_id`` is the ``MetadataEthereum`` chain id (EVM only); checking which metadata type was
    sent is the caller's job. Wallet types without a parser raise zrChain's error text.
    """
    resolved = wallet_type(wtype)
    if resolved is None or resolved == WalletType.WALLET_TYPE_UNSPECIFIED:
        raise WalletError(ERR_UNKNOWN_WALLET_TYPE)
    payload = bytes(payload)
    if resolved == WalletType.WALLET_TYPE_EVM:
        tx = parse_evm_tx(payload, chain_id)
        transfer = evm_transfer(tx)
        return ParsedTransaction(
            (tx.sighash(),), transfer.amount, transfer.to, transfer.coin_identifier
        )
    if resolved == WalletType.WALLET_TYPE_NATIVE:
        return ParsedTransaction((native_sighash(payload),))
    if resolved in _BTC_HRP:
        return ParsedTransaction(tuple(bitcoin_sighashes(payload)))
    if resolved == WalletType.WALLET_TYPE_SOLANA:
        found = solana_transfer(parse_solana_message(payload))
        if found is None:
            return ParsedTransaction((payload,), 0, None, b"SOL/")
        return ParsedTransaction((payload,), found.amount, found.recipient.encode(), b"SOL/")
    raise WalletError(f"wallet {resolved.name} does not implement TxParser")
