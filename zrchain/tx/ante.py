"""The ante checks, in the SDK/zrChain order: timeout, memo, size gas, fees, pubkeys,
signature count and gas, sequence and signature verification, sequence increment.

Keys and signatures (single or multisig, SIGN_MODE_DIRECT or LEGACY_AMINO_JSON) follow
``zrchain/tx/signing.py``; the amino JSON sign bytes ``zrchain/tx/aminojson.py``.

Runs in the tx's first branch; what it writes (fee, sequence, pubkey) is kept even when the
messages fail, as in Cosmos.
"""

from __future__ import annotations

import base64
import functools
from collections.abc import Callable
from fractions import Fraction
from typing import Any, Protocol

import coincurve
from coincurve.ecdsa import cdata_to_der, deserialize_compact
from cosmpy.protos.cosmos.tx.signing.v1beta1 import signing_pb2
from cosmpy.protos.cosmos.tx.v1beta1 import tx_pb2

from zrchain.codec.address import acc_bytes, acc_string
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
from zrchain.tx import aminojson
from zrchain.tx.decode import DecodedTx, SignerData
from zrchain.tx.sigcache import VerifiedSignatures
from zrchain.tx.signing import (
    SIGN_MODE_DIRECT,
    SIGN_MODE_DIRECT_AUX,
    SIGN_MODE_LEGACY_AMINO_JSON,
    SIM_SECP256K1,
    PubKey,
    Secp256k1Key,
    Unverifiable,
    consume_sig_gas,
    count_sub_keys,
    only_legacy_amino,
    parse_pubkey,
    signature_bytes,
    verify,
)
from zrchain.x.auth.keeper import FEE_COLLECTOR, Account, AccountKeeper
from zrchain.x.bank.keeper import BankKeeper

_HALF_N = 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0

MinGasPrices = Callable[[Context], list[str]]


class FeeGrants(Protocol):
    """x/feegrant's keeper: a granter's allowance pays a grantee's fee, or refuses."""

    def use_granted_fees(
        self, ctx: Context, granter: bytes, grantee: bytes, fee: Coins, msg_urls: list[str]
    ) -> None: ...


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
        self,
        accounts: AccountKeeper,
        bank: BankKeeper,
        min_gas_prices: MinGasPrices,
        feegrant: FeeGrants | None = None,
    ) -> None:
        self.accounts = accounts
        self.bank = bank
        self.min_gas_prices = min_gas_prices
        self.feegrant = feegrant
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
        keys = [_account_key(acc) for acc in accounts]
        sig_count = 0
        for signer in tx.signers:  # ValidateSigCountDecorator: keys inside multisigs count
            sig_count += count_sub_keys(signer.pubkey)
            if sig_count > params.tx_sig_limit:
                raise ErrTooManySignatures.wrap(
                    f"signatures: {sig_count}, limit: {params.tx_sig_limit}"
                )
        for signer, acc, key in zip(tx.signers, accounts, keys, strict=True):
            if key is None and simulate:
                key = _SIM_KEY
            if key is None:
                continue  # refused below (no key to verify with)
            try:
                consume_sig_gas(ctx.gas, key, signer.data, params.sig_verify_cost_secp256k1)
            except Unverifiable as exc:
                number = acc.number if ctx.height > 0 else 0
                raise _unverified(signer, number, acc.sequence, ctx.chain_id, str(exc)) from None
        for signer, acc, key in zip(tx.signers, accounts, keys, strict=True):
            if key is None and not simulate:
                raise ErrInvalidPubKey.wrap("pubkey on account is not set")
            if signer.sequence != acc.sequence:
                raise ErrWrongSequence.wrap(
                    f"account sequence mismatch, expected {acc.sequence}, got {signer.sequence}"
                )
            if simulate or recheck:
                continue
            assert key is not None
            number = acc.number if ctx.height > 0 else 0
            sign_bytes = _SignBytes(tx, ctx.chain_id, number, acc.sequence, signer, key)
            if ctx.mode == Mode.CHECK:
                verify_one = self.signatures.check
            elif ctx.mode == Mode.FINALIZE:
                verify_one = self.signatures.deliver
            else:
                verify_one = verify_secp256k1
            try:
                verify(key, signer.data, sign_bytes, verify_one)
            except Unverifiable as exc:
                raise _unverified(signer, number, acc.sequence, ctx.chain_id, str(exc)) from None
        for signer, acc in zip(tx.signers, accounts, strict=True):
            acc.base.sequence += 1
            self.accounts.set_account(ctx, acc, signer.address)

    def _deduct_fee(self, ctx: Context, tx: DecodedTx, simulate: bool) -> None:
        if not simulate and ctx.height > 0 and tx.gas_limit == 0:
            raise ErrInvalidGasLimit.wrap("must provide positive gas")
        if ctx.is_check and not simulate:
            self._check_min_fee(ctx, tx)
        fee = Coins(c for c in tx.fee if c.amount)
        pays, pays_str = tx.fee_payer, tx.fee_payer_str
        if tx.fee_granter:
            if self.feegrant is None:
                # The SDK's DeductFeeDecorator without a feegrant keeper: refused, never
                # ignored (that would charge the payer for a fee the granter was to pay).
                raise ErrInvalidRequest.wrap("fee grants are not enabled")
            granter = acc_bytes(tx.fee_granter)
            if granter != tx.fee_payer:
                urls = [r.type_url for r in tx.routes]
                try:
                    self.feegrant.use_granted_fees(ctx, granter, tx.fee_payer, fee, urls)
                except ChainError as exc:
                    raise exc.wrap(
                        f"{acc_string(granter)} does not allow to pay fees for "
                        f"{tx.fee_payer_str}"
                    ) from exc
            pays, pays_str = granter, acc_string(granter)
        if not self.accounts.has_account(ctx, pays):
            raise ErrUnknownAddress.wrap(f"fee payer address: {pays_str} does not exist")
        if fee:
            try:
                self.bank.send_to_module(ctx, pays, FEE_COLLECTOR, fee, pays_str)
            except ChainError as exc:
                if exc.kind == ErrInsufficientFunds:
                    raise ErrInsufficientFunds.wrap(exc.log) from exc
                raise
        if ctx.records_events:
            ctx.emit("tx", ("fee", str(fee)), ("fee_payer", pays_str))

    def _check_min_fee(self, ctx: Context, tx: DecodedTx) -> None:
        """zrChain's rule: passes when any required coin of any price list is covered."""
        for prices_text in self.min_gas_prices(ctx):
            required = _required_fee(prices_text, tx.gas_limit)
            if not required:
                continue
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
                if pk is not None and not simulate and pk.address() != signer.address:
                    raise ErrInvalidPubKey.wrap(
                        f"pubKey does not match signer address {signer.address_str} "
                        f"with signer index: {i}"
                    )
                if acc.module is not None:
                    # ModuleAccount.SetPubKey: a module account has no key and never signs.
                    raise ErrInvalidPubKey.wrap("not supported for module accounts")
                if pk is not None and not acc.base.HasField("pub_key"):
                    acc.base.pub_key.CopyFrom(pk.to_any())
            accounts.append(acc)
        if ctx.records_events:
            for signer in tx.signers:
                ctx.emit("tx", ("acc_seq", f"{signer.address_str}/{signer.sequence}"))
                for sig in signature_bytes(signer.data):
                    ctx.emit("tx", ("signature", base64.b64encode(sig).decode()))
        return accounts


@functools.lru_cache(maxsize=64)
def _positive_prices(text: str) -> tuple[DecCoin, ...]:
    """A price list parsed once, not per tx (the text changes only with params)."""
    return tuple(p for p in parse_dec_coins(text) if p.amount > 0)


@functools.lru_cache(maxsize=1024)
def _required_fee(prices_text: str, gas_limit: int) -> tuple[Coin, ...]:
    """The fee a price list asks for a gas limit (wallets reuse a few gas limits)."""
    gas = Fraction(gas_limit)
    return tuple(
        Coin(p.denom, ceil_fraction(p.amount * gas)) for p in _positive_prices(prices_text)
    )


class _SignBytes:
    """The bytes a signer signed, per sign mode, computed at most once each."""

    def __init__(
        self,
        tx: DecodedTx,
        chain_id: str,
        number: int,
        sequence: int,
        signer: SignerData,
        key: PubKey,
    ) -> None:
        self.tx, self.chain_id, self.number, self.sequence = tx, chain_id, number, sequence
        self.signer, self.key = signer, key
        self._cache: dict[int, bytes] = {}

    def __call__(self, mode: int) -> bytes:
        out = self._cache.get(mode)
        if out is None:
            out = self._cache[mode] = self._compute(mode)
        return out

    def _compute(self, mode: int) -> bytes:
        tx = self.tx
        if mode == SIGN_MODE_DIRECT:
            return sign_doc_bytes(tx, self.chain_id, self.number)
        if mode == SIGN_MODE_LEGACY_AMINO_JSON:
            body, fee = tx.body, tx.auth_info.fee
            if body.non_critical_extension_options:
                raise Unverifiable(
                    "SIGN_MODE_LEGACY_AMINO_JSON does not support protobuf extension options: "
                    "invalid request"
                )
            try:
                return aminojson.sign_bytes(
                    chain_id=self.chain_id,
                    account_number=self.number,
                    sequence=self.sequence,
                    timeout_height=int(body.timeout_height),
                    memo=str(body.memo),
                    msgs=list(body.messages),
                    fee_amount=list(fee.amount),
                    gas=int(fee.gas_limit),
                    payer=str(fee.payer),
                    granter=str(fee.granter),
                )
            except aminojson.AminoJSONError as exc:
                raise Unverifiable(str(exc)) from None
        if mode == SIGN_MODE_DIRECT_AUX:
            # x/tx's directaux handler: anyone but the fee payer; the body, the signer's key,
            # chain, number and sequence (no auth info: the fee payer signs that).
            if tx.fee_payer_str == self.signer.address_str:
                raise Unverifiable(
                    f"fee payer {tx.fee_payer_str} cannot sign with SIGN_MODE_DIRECT_AUX: "
                    "unauthorized"
                )
            return tx_pb2.SignDocDirectAux(
                body_bytes=tx.body_bytes,
                public_key=self.key.to_any(),
                chain_id=self.chain_id,
                account_number=self.number,
                sequence=self.sequence,
            ).SerializeToString(deterministic=True)
        name = signing_pb2.SignMode.Name(mode) if mode in signing_pb2.SignMode.values() else mode
        raise Unverifiable(f"unsupported sign mode {name}")


def _account_key(acc: Account) -> PubKey | None:
    if not acc.base.HasField("pub_key"):
        return None
    return parse_pubkey(acc.base.pub_key)


def _unverified(
    signer: SignerData, number: int, sequence: int, chain_id: str, reason: str
) -> ChainError:
    if only_legacy_amino(signer.data):
        return ErrUnauthorized.wrap(
            f"signature verification failed; please verify account number ({number}), "
            f"sequence ({sequence}) and chain-id ({chain_id})"
        )
    return ErrUnauthorized.wrap(
        f"signature verification failed; please verify account number ({number}) "
        f"and chain-id ({chain_id}): ({reason})"
    )


_SIM_KEY = Secp256k1Key(SIM_SECP256K1)


def node_and_chain_min_gas_prices(ctx: Context) -> list[str]:
    """The node's own floor (app.toml) and, when a module provides it, the on-chain one."""
    out = []
    node = ctx.params.get("min_gas_prices") or ""
    if node:
        out.append(node)
    services: Any = ctx.services
    if services is not None:
        for fn in _min_gas_fee_sources(services):
            value = fn(ctx)
            if value:
                out.append(value)
    return out


@functools.lru_cache(maxsize=8)
def _min_gas_fee_sources(services: Any) -> tuple[Callable[[Context], str], ...]:
    """The modules that set an on-chain floor (the module list is fixed per registry)."""
    return tuple(fn for m in services.modules if (fn := getattr(m, "min_gas_fee", None)))
