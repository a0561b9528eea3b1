"""Pure checks of treasury Msgs and params: no state, no gas (docs/treasury.md).

The ``validate_*`` functions are the Msgs' ``ValidateBasic`` (run when a tx is decoded);
the others are the stateless parts of the handlers' checks.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from google.protobuf.any_pb2 import Any as AnyProto
from google.protobuf.message import DecodeError, Message

from zrchain.chains import evm
from zrchain.chains.errors import ChainDataError
from zrchain.codec import address
from zrchain.codec.address import KEYRING_PREFIX
from zrchain.codec.base58 import b58decode
from zrchain.codec.coins import parse_dec_coins, validate_denom
from zrchain.codec.gen.zrchain.dct import params_pb2 as dct_params
from zrchain.codec.gen.zrchain.treasury import key_pb2, params_pb2, tx_pb2
from zrchain.codec.gen.zrchain.treasury import wallet_pb2 as wallet
from zrchain.errors import ChainError, ErrInvalidAddress, ErrInvalidRequest, PlainError
from zrchain.x.policy.types import account_error, check_account
from zrchain.x.treasury.types import (
    IFACE_METADATA,
    KT_EDDSA,
    MAX_REJECT_REASON,
    METADATA_ETHEREUM_URL,
    METADATA_SOLANA_URL,
    ErrInvalidArgument,
    ErrInvalidCommission,
    wallet_type_name,
)

_CAIP2 = re.compile(r"[-a-z0-9]{3,8}:[-_a-zA-Z0-9]{1,32}")
# A Solana address is base58 of 32 bytes: at most 44 characters (decoding is quadratic in
# the length, so the length is checked first).
_SOLANA_ADDRESS_MAX_CHARS = 44


# -- ValidateBasic --------------------------------------------------------------------------------
def validate_creator(
    msg: tx_pb2.MsgNewKeyRequest
    | tx_pb2.MsgNewSignatureRequest
    | tx_pb2.MsgNewSignTransactionRequest
    | tx_pb2.MsgNewICATransactionRequest
    | tx_pb2.MsgNewZrSignSignatureRequest
    | tx_pb2.MsgUpdateKeyPolicy,
) -> None:
    check_account(msg.creator, "creator")


def validate_update_params(msg: tx_pb2.MsgUpdateParams) -> None:
    err = account_error(msg.authority)
    if err is not None:
        raise PlainError(f"invalid authority address: {err}")


def validate_fulfilment(
    msg: tx_pb2.MsgFulfilKeyRequest
    | tx_pb2.MsgFulfilSignatureRequest
    | tx_pb2.MsgFulfilICATransactionRequest,
) -> None:
    check_account(msg.creator, "creator")
    if len(msg.reject_reason.encode()) > MAX_REJECT_REASON:
        raise ErrInvalidRequest.wrap("invalid reject reason, max len is 512")


def validate_transfer(msg: tx_pb2.MsgTransferFromKeyring) -> None:
    check_account(msg.creator, "creator")
    check_account(msg.recipient, "recipient")
    try:
        got, raw = address.decode(msg.keyring)
        err = None if got == KEYRING_PREFIX and len(raw) == 11 else "%!s(<nil>)"
        if got != KEYRING_PREFIX:
            err = f"invalid Bech32 prefix; expected {KEYRING_PREFIX}, got {got}"
    except ChainError as exc:
        err = exc.context
    if err is not None:
        raise ErrInvalidAddress.wrap(f"invalid keyring address ({err})")
    if msg.denom:
        validate_denom(msg.denom)


# -- parts of the handlers' checks ----------------------------------------------------------
def check_prefixed(addr: str, hrp: str, length: int, what: str) -> None:
    """The msg server's bech32 checks of workspace / keyring addresses (docs/identity-policy.md,
    *Addresses*)."""
    try:
        got, raw = address.decode(addr)
    except ChainError as exc:
        raise ErrInvalidAddress.wrap(f"invalid {what} address ({exc.context})") from None
    if got != hrp:
        raise ErrInvalidAddress.wrap(
            f"invalid {what} address (invalid Bech32 prefix; expected {hrp}, got {got})"
        )
    if len(raw) != length:
        raise ErrInvalidAddress.wrap(
            f"{what} address length {len(raw)} is invalid for {what} {addr}, should be {length}"
        )


def validate_params(p: params_pb2.Params) -> None:
    """Ours (zrChain accepts anything): a bad value here would break every payout or fee."""
    if p.keyring_commission > 100:
        raise ErrInvalidCommission.wrap("commission must be between 0 and 100")
    for field, value in (
        ("keyring_commission_destination", p.keyring_commission_destination),
        ("zr_sign_address", p.zr_sign_address),
    ):
        if value and account_error(value) is not None:
            raise ErrInvalidArgument.wrap(f"invalid {field} {value!r}: {account_error(value)}")
    if p.mpc_keyring:
        try:
            check_prefixed(p.mpc_keyring, KEYRING_PREFIX, 11, "keyring")
        except ChainError as exc:
            raise ErrInvalidArgument.wrap(f"invalid mpc_keyring: {exc.log}") from None
    if p.min_gas_fee:
        try:
            parse_dec_coins(p.min_gas_fee)
        except (ChainError, ValueError) as exc:
            raise ErrInvalidArgument.wrap(f"invalid min_gas_fee {p.min_gas_fee!r}: {exc}") from None


def check_zenbtc_metadata(md: key_pb2.ZenBTCMetadata) -> None:
    """Shape checks of a deposit key's metadata (zenBTC/DCT logic itself is out of scope)."""
    if md.asset == dct_params.ASSET_UNSPECIFIED:
        raise PlainError("asset type must be specified for deposit key")
    if not _CAIP2.fullmatch(md.caip2_chain_id):
        raise PlainError(
            "invalid mint recipient chainID for deposit key: "
            f"invalid CAIP-2 chain id {md.caip2_chain_id!r}"
        )
    if md.chain_type == wallet.WALLET_TYPE_EVM:
        if not evm.is_evm_address(md.recipient_addr):
            raise PlainError(
                "mint recipient address for deposit key must be a valid Ethereum address"
            )
    elif md.chain_type == wallet.WALLET_TYPE_SOLANA:
        try:
            ok = (
                len(md.recipient_addr) <= _SOLANA_ADDRESS_MAX_CHARS
                and len(b58decode(md.recipient_addr)) == 32
            )
        except ValueError:
            ok = False
        if not ok:
            raise PlainError(
                "mint recipient address for deposit key must be a valid Solana address"
            )
    elif md.chain_type == wallet.WALLET_TYPE_UNSPECIFIED:
        raise PlainError("chain type must be specified for deposit key")
    else:
        raise PlainError(
            f"unsupported chain type {wallet_type_name(md.chain_type)} for deposit key"
        )


def go_hex(text: str) -> bytes:
    """``hex.DecodeString`` with Go's error texts (they reach users through zrChain's logs)."""
    raw = text.encode()
    for i in range(0, len(raw) - 1, 2):
        for b in raw[i : i + 2]:
            if chr(b) not in "0123456789abcdefABCDEF":
                raise PlainError(_invalid_byte(b))
    if len(raw) % 2:
        if chr(raw[-1]) not in "0123456789abcdefABCDEF":
            raise PlainError(_invalid_byte(raw[-1]))
        raise PlainError("encoding/hex: odd length hex string")
    return bytes.fromhex(text)


def _invalid_byte(b: int) -> str:
    ch = chr(b)
    shown = f" '{ch}'" if ch.isprintable() else ""
    return f"encoding/hex: invalid byte: U+{b:04X}{shown}"


def data_for_signing(text: str, keys: Sequence[key_pb2.Key]) -> list[bytes]:
    """A signature request's comma-separated hex payload: one element per key, each the
    length its key type signs, hex-decoded."""
    items = text.split(",")
    if all(not x.strip() for x in items):
        raise PlainError("payload is full of empty strings")
    if len(items) != len(keys):
        raise PlainError(
            f"number of key IDs ({len(keys)}) does not match number of data elements ({len(items)})"
        )
    for item, key in zip(items, keys, strict=True):
        if key.type == KT_EDDSA:
            if len(item) >= 2000:
                raise PlainError(
                    "data for signing for eddsa key should have a hex-encoded length smaller "
                    f"than 2000, not: {len(item)}"
                )
        elif len(item) != 64:
            raise PlainError(
                "data for signing for ecdsa key should have a hex-encoded length of 64, "
                f"not: {len(item)}"
            )
    return [go_hex(item) for item in items]


def go_type(meta: Message | None) -> str:
    """Go's ``%T`` of an unpacked metadata value (it appears in zrChain's errors)."""
    return "<nil>" if meta is None else f"*types.{meta.DESCRIPTOR.name}"


def unpack_metadata(meta: AnyProto | None) -> Message | None:
    """The Metadata implementation packed in a request (None when absent)."""
    if meta is None or not meta.type_url:
        return None
    classes: dict[str, type[Message]] = {
        METADATA_ETHEREUM_URL: tx_pb2.MetadataEthereum,
        METADATA_SOLANA_URL: tx_pb2.MetadataSolana,
    }
    cls = classes.get(meta.type_url)
    if cls is None:
        raise PlainError(
            "failed to unpack metadata: no concrete type registered for type URL "
            f"{meta.type_url} against interface {IFACE_METADATA}"
        )
    try:
        out: Message = cls.FromString(meta.value)
    except DecodeError as exc:
        raise PlainError(f"failed to unpack metadata: {exc}") from None
    return out


def normalize_owner(ext: str, what: str = "address") -> str:
    """An external (zrSign) owner by the one rule of ``zrchain.chains.evm.normalize_owner``
    (EVM addresses in lower case, a wrong EIP-55 checksum refused); required here."""
    if not ext:
        raise PlainError(f"{what} is required for zrSign requests")
    try:
        return evm.normalize_owner(ext)
    except ChainDataError as exc:
        raise PlainError(str(exc)) from None
