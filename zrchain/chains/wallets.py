"""Wallets of an MPC key: the address per wallet type (zrChain's ``NewWallet``), a key's
wallets as the queries list them, and each wallet type's transaction parser (docs/treasury.md,
*Transaction parsing and signature checks*, *Wallets*). Pure and deterministic; errors are
:class:`WalletError` or the other
``zrchain.chains.errors`` (all ``ChainDataError``, a ``ValueError``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum

from zrchain.chains.bitcoin import (
    bitcoin_p2wpkh_address,
    bitcoin_sighashes,
    zcash_transparent_address,
)
from zrchain.chains.cosmos import DEFAULT_NATIVE_PREFIX, native_address, native_sighash
from zrchain.chains.errors import ChainDataError
from zrchain.chains.evm import evm_address, evm_transfer, parse_evm_tx
from zrchain.chains.keys import KeyType, key_type
from zrchain.chains.solana import parse_solana_message, solana_address, solana_transfer


class WalletError(ChainDataError):
    """A wallet cannot be built (unknown type, wrong key type)."""


def data_for_signing_hex(items: Sequence[bytes]) -> str:
    """The comma-joined lower-case hex string that zrChain stores as ``data_for_signing``."""
    return ",".join(bytes(item).hex() for item in items)


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
            except (WalletError, ChainDataError):
                continue
            out.append(WalletAddress(address, kind.name))
    return out


# ---------------------------------------------------------------------------------------------
# ParseTx per wallet type (docs/treasury.md, *Transaction parsing*)


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
