"""The ante checks, in the SDK/zrChain order: timeout, memo, size gas, fees, pubkeys,
signature count and gas, sequence and signature verification, sequence increment.

Runs in the tx's first branch; what it writes (fee, sequence, pubkey) is kept even when the
messages fail, as in Cosmos.
"""

from __future__ import annotations

import base64
import functools
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import coincurve
from coincurve.ecdsa import cdata_to_der, deserialize_compact
from cosmpy.protos.cosmos.crypto.secp256k1.keys_pb2 import PubKey as Secp256k1PubKey
from cosmpy.protos.cosmos.tx.v1beta1 import tx_pb2
from google.protobuf.any_pb2 import Any as AnyProto

from zrchain.codec.address import pubkey_to_address
from zrchain.codec.any import SECP256K1_PUBKEY_URL
from zrchain.codec.coins import (
    Coin,
    Coins,
    DecCoin,
    ceil_fraction,
    coins_str,
    parse_dec_coins,
)
from zrchain.context import Context, Mode
from zrchain.errors import (
    ChainError,
    ErrInsufficientFee,
    ErrInsufficientFunds,
    ErrInvalidGasLimit,
    ErrInvalidPubKey,
    ErrInvalidRequest,
    ErrMemoTooLarge,
    ErrTooManySignatures,
    ErrTxTimeoutHeight,
    ErrUnauthorized,
    ErrUnknownAddress,
    ErrWrongSequence,
)
from zrchain.tx.decode import DecodedTx
from zrchain.tx.sigcache import VerifiedSignatures
from zrchain.x.auth.keeper import FEE_COLLECTOR, Account, AccountKeeper
from zrchain.x.bank.keeper import BankKeeper

_HALF_N = 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0

MinGasPrices = Callable[[Context], list[str]]


class _PubKeyCache:
    """Parsed coincurve keys by compressed bytes (parsing costs about as much as hashing)."""

    def __init__(self, size: int = 50_000) -> None:
        self._d: dict[bytes, coincurve.PublicKey] = {}
        self._size = size

    def get(self, raw: bytes) -> coincurve.PublicKey:
        pk = self._d.get(raw)
        if pk is None:
            if len(self._d) >= self._size:
                self._d.clear()
            pk = self._d[raw] = coincurve.PublicKey(raw)
        return pk


_PUBKEYS = _PubKeyCache()


def verify_secp256k1(pubkey: bytes, sig: bytes, msg: bytes) -> bool:
    """Cosmos secp256k1: 64-byte r||s, low-S only, ECDSA over sha256(msg)."""
    if len(sig) != 64 or int.from_bytes(sig[32:], "big") > _HALF_N:
        return False
    try:
        return bool(_PUBKEYS.get(pubkey).verify(cdata_to_der(deserialize_compact(sig)), msg))
    except (ValueError, TypeError):
        return False


def sign_doc_bytes(tx: DecodedTx, chain_id: str, account_number: int) -> bytes:
    return tx_pb2.SignDoc(
        body_bytes=tx.body_bytes,
        auth_info_bytes=tx.auth_info_bytes,
        chain_id=chain_id,
        account_number=account_number,
    ).SerializeToString()


class AnteHandler:
    def __init__(
        self, accounts: AccountKeeper, bank: BankKeeper, min_gas_prices: MinGasPrices
    ) -> None:
        self.accounts = accounts
        self.bank = bank
        self.min_gas_prices = min_gas_prices
        self.signatures = VerifiedSignatures(verify_secp256k1)

    def run(self, ctx: Context, tx: DecodedTx) -> None:
        simulate = ctx.mode == Mode.SIMULATE
        recheck = ctx.mode == Mode.RECHECK
        params = self.accounts.params(ctx)
        if tx.timeout_height and ctx.height > tx.timeout_height:
            raise ErrTxTimeoutHeight.wrap(
                f"block height: {ctx.height}, timeout height: {tx.timeout_height}"
            )
        memo_len = len(tx.memo.encode())  # the SDK's len(memo): bytes, not characters
        if memo_len > params.max_memo_characters:
            raise ErrMemoTooLarge.wrap(
                f"maximum number of characters is {params.max_memo_characters} but received "
                f"{memo_len} characters"
            )
        ctx.gas.consume(params.tx_size_cost_per_byte * len(tx.raw), "txSize")
        self._deduct_fee(ctx, tx, simulate)
        accounts = self._set_pubkeys(ctx, tx, simulate)
        if len(tx.signers) > params.tx_sig_limit:
            raise ErrTooManySignatures.wrap(
                f"signatures: {len(tx.signers)}, limit: {params.tx_sig_limit}"
            )
        for _ in tx.signers:
            ctx.gas.consume(params.sig_verify_cost_secp256k1, "ante verify: secp256k1")
        for signer, acc in zip(tx.signers, accounts, strict=True):
            if signer.sequence != acc.sequence:
                raise ErrWrongSequence.wrap(
                    f"account sequence mismatch, expected {acc.sequence}, got {signer.sequence}"
                )
            if simulate or recheck:
                continue
            pk = acc.pubkey
            if pk is None:
                raise ErrInvalidPubKey.wrap("pubkey on account is not set")
            number = acc.number if ctx.height > 0 else 0
            doc = sign_doc_bytes(tx, ctx.chain_id, number)
            if ctx.mode == Mode.CHECK:
                ok = self.signatures.check(pk, signer.signature, doc)
            elif ctx.mode == Mode.FINALIZE:
                ok = self.signatures.deliver(pk, signer.signature, doc)
            else:
                ok = verify_secp256k1(pk, signer.signature, doc)
            if not ok:
                raise ErrUnauthorized.wrap(
                    f"signature verification failed; please verify account number ({number}) "
                    f"and chain-id ({ctx.chain_id}): (unable to verify single signer signature)"
                )
        for signer, acc in zip(tx.signers, accounts, strict=True):
            acc.base.sequence += 1
            self.accounts.set_account(ctx, acc, signer.address)

    def _deduct_fee(self, ctx: Context, tx: DecodedTx, simulate: bool) -> None:
        if not simulate and ctx.height > 0 and tx.gas_limit == 0:
            raise ErrInvalidGasLimit.wrap("must provide positive gas")
        if ctx.is_check and not simulate:
            self._check_min_fee(ctx, tx)
        if tx.fee_granter:
            # The SDK's DeductFeeDecorator without a feegrant keeper: refused, never ignored
            # (ignoring it would charge the payer for a fee the granter was meant to pay).
            raise ErrInvalidRequest.wrap("fee grants are not enabled")
        if not self.accounts.has_account(ctx, tx.fee_payer):
            raise ErrUnknownAddress.wrap(f"fee payer address: {tx.fee_payer_str} does not exist")
        fee = Coins(c for c in tx.fee if c.amount)
        if fee:
            try:
                self.bank.send_to_module(ctx, tx.fee_payer, FEE_COLLECTOR, fee, tx.fee_payer_str)
            except ChainError as exc:
                if exc.kind == ErrInsufficientFunds:
                    raise ErrInsufficientFunds.wrap(exc.log) from exc
                raise
        ctx.emit("tx", ("fee", str(fee)), ("fee_payer", tx.fee_payer_str))

    def _check_min_fee(self, ctx: Context, tx: DecodedTx) -> None:
        """zrChain's rule: passes when any required coin of any price list is covered."""
        for prices_text in self.min_gas_prices(ctx):
            prices = _positive_prices(prices_text)
            if not prices:
                continue
            gas = Fraction(tx.gas_limit)
            required = [Coin(p.denom, ceil_fraction(p.amount * gas)) for p in prices]
            if not any(tx.fee.amount_of(r.denom) >= r.amount for r in required):
                raise ErrInsufficientFee.wrap(
                    f"insufficient fees; got: {tx.fee} required: {coins_str(required)}"
                )

    def _set_pubkeys(self, ctx: Context, tx: DecodedTx, simulate: bool) -> list[Account]:
        accounts: list[Account] = []
        for i, signer in enumerate(tx.signers):
            acc = self.accounts.get_account(ctx, signer.address)
            if acc is None:
                raise ErrUnknownAddress.wrap(f"account {signer.address_str} does not exist")
            pk = signer.pubkey
            if pk is not None or simulate:
                if pk is not None and not simulate and pubkey_to_address(pk) != signer.address:
                    raise ErrInvalidPubKey.wrap(
                        f"pubKey does not match signer address {signer.address_str} "
                        f"with signer index: {i}"
                    )
                if acc.module is not None:
                    # ModuleAccount.SetPubKey: a module account has no key and never signs.
                    raise ErrInvalidPubKey.wrap("not supported for module accounts")
                if pk is not None and not acc.base.HasField("pub_key"):
                    acc.base.pub_key.CopyFrom(
                        AnyProto(
                            type_url=SECP256K1_PUBKEY_URL,
                            value=Secp256k1PubKey(key=pk).SerializeToString(),
                        )
                    )
            accounts.append(acc)
        for signer in tx.signers:
            ctx.emit("tx", ("acc_seq", f"{signer.address_str}/{signer.sequence}"))
        for signer in tx.signers:
            ctx.emit("tx", ("signature", base64.b64encode(signer.signature).decode()))
        return accounts


@functools.lru_cache(maxsize=64)
def _positive_prices(text: str) -> tuple[DecCoin, ...]:
    """A price list parsed once, not per tx (the text changes only with params)."""
    return tuple(p for p in parse_dec_coins(text) if p.amount > 0)


def node_and_chain_min_gas_prices(ctx: Context) -> list[str]:
    """The node's own floor (app.toml) and, when a module provides it, the on-chain one."""
    out = []
    node = ctx.params.get("min_gas_prices") or ""
    if node:
        out.append(node)
    services: Any = ctx.services
    if services is not None:
        for m in services.modules:
            fn = getattr(m, "min_gas_fee", None)
            if fn is not None:
                value = fn(ctx)
                if value:
                    out.append(value)
    return out
