"""Errors of the chain-specific code: every malformed or unverifiable input raises a subclass
of :class:`ChainDataError` (a ``ValueError``) and nothing else, so callers can turn any
failure into a clean tx error."""

from __future__ import annotations


class ChainDataError(ValueError):
    """Base of every error raised here: the input is malformed or does not verify."""


class PublicKeyError(ChainDataError):
    """A public key is not a valid key of its type."""


class EvmTxError(ChainDataError):
    """An EVM sign-transaction payload is malformed or does not fit the request."""


class BitcoinTxError(ChainDataError):
    """A Bitcoin transaction (or its zrChain per-input annotations) is malformed."""


class SolanaTxError(ChainDataError):
    """A Solana message is malformed."""


class CosmosTxError(ChainDataError):
    """Cosmos sign bytes are larger than a Cosmos chain accepts."""


class SignatureError(ChainDataError):
    """A returned signature is malformed or does not verify."""
