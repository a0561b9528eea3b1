"""Decode tx bytes (TxRaw) into a checked, resolved transaction.

The body and auth-info bytes are kept exactly as received: the signature covers them, and
re-encoding could change them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cosmpy.protos.cosmos.tx.v1beta1 import tx_pb2
from google.protobuf.message import DecodeError

from zrchain import native
from zrchain.codec import address
from zrchain.codec.coins import Coins
from zrchain.codec.wire import WireError, check_canonical
from zrchain.errors import (
    ChainError,
    ErrInsufficientFee,
    ErrInvalidAddress,
    ErrInvalidRequest,
    ErrNoSignatures,
    ErrTxDecode,
    ErrUnauthorized,
    ErrUnknownExtensionOptions,
)
from zrchain.module import MsgRoute
from zrchain.tx.signing import PubKey, SigData, SingleSig, parse_signature, pubkey_of

MAX_GAS_WANTED = (1 << 63) - 1

# ADR-027: allowed fields (number -> wire type) of the envelope messages.
_TXRAW_FIELDS = {1: 2, 2: 2, 3: 2}
_AUTHINFO_FIELDS = {1: 2, 2: 2, 3: 2}
_TXBODY_FIELDS = {1: 2, 2: 2, 3: 0, 1023: 2, 2047: 2}


@dataclass(slots=True)
class SignerData:
    address: bytes
    address_str: str
    pubkey: PubKey | None  # the SignerInfo's key, if it carries one
    sequence: int
    data: SigData  # single (its sign mode) or a multisignature


@dataclass(slots=True)
class DecodedTx:
    raw: bytes
    body_bytes: bytes
    auth_info_bytes: bytes
    memo: str
    timeout_height: int
    msgs: list[Any]
    routes: list[MsgRoute]
    signers: list[SignerData]
    fee: Coins
    gas_limit: int
    fee_payer: bytes
    fee_payer_str: str
    fee_granter: str

    @property
    def body(self) -> tx_pb2.TxBody:
        """The TxBody message (only the amino JSON sign bytes need it: parsed on demand)."""
        return tx_pb2.TxBody.FromString(self.body_bytes)

    @property
    def auth_info(self) -> tx_pb2.AuthInfo:
        return tx_pb2.AuthInfo.FromString(self.auth_info_bytes)


# The envelope as plain values (zrchain_native.envelope's shape): body bytes, auth info
# bytes, signatures, messages (type URL, value), memo, timeout height, signer infos (key as
# (type URL, value) or None, the sign mode of a single signature or the ModeInfo for
# protobuf to read, sequence), fee (coins as (denom, amount), gas limit, payer, granter) or
# None when the AuthInfo has none.
AnyFields = tuple[str, bytes]
SignerInfoFields = tuple[AnyFields | None, "int | tx_pb2.ModeInfo", int]
FeeFields = tuple[list[tuple[str, str]], int, str, str]
Envelope = tuple[
    bytes,
    bytes,
    list[bytes],
    list[AnyFields],
    str,
    int,
    list[SignerInfoFields],
    FeeFields | None,
]


def read_envelope(raw: bytes) -> Envelope:
    """The envelope of ``raw``: by the one-pass reader (``zrchain.native``) when the tx is
    plain (it answers None otherwise, never a verdict), else by protobuf after the ADR-027
    checks."""
    reader = native.envelope
    if reader is not None:
        plain: Envelope | None = reader(raw)
        if plain is not None:
            return plain
    return protobuf_envelope(raw)


def protobuf_envelope(raw: bytes) -> Envelope:
    """The envelope read by protobuf: every shape, every refusal (ErrTxDecode for bytes
    that are not canonical protobuf, ErrUnknownExtensionOptions)."""
    try:
        check_canonical(raw, _TXRAW_FIELDS)
        tx_raw = tx_pb2.TxRaw.FromString(raw)
        check_canonical(tx_raw.body_bytes, _TXBODY_FIELDS, non_critical_from=1024)
        check_canonical(tx_raw.auth_info_bytes, _AUTHINFO_FIELDS)
        body = tx_pb2.TxBody.FromString(tx_raw.body_bytes)
        auth_info = tx_pb2.AuthInfo.FromString(tx_raw.auth_info_bytes)
    except (WireError, DecodeError) as exc:
        raise ErrTxDecode.wrap(str(exc)) from exc
    if body.extension_options:
        raise ErrUnknownExtensionOptions.wrap(f"{len(body.extension_options)} extension option(s)")
    infos: list[SignerInfoFields] = []
    for info in auth_info.signer_infos:
        key = info.public_key
        mode_info = info.mode_info
        mode: int | tx_pb2.ModeInfo = mode_info
        if mode_info.WhichOneof("sum") == "single":
            mode = int(mode_info.single.mode)
        fields = (key.type_url, key.value) if info.HasField("public_key") else None
        infos.append((fields, mode, info.sequence))
    fee: FeeFields | None = None
    if auth_info.HasField("fee"):
        f = auth_info.fee
        fee = ([(c.denom, c.amount) for c in f.amount], f.gas_limit, f.payer, f.granter)
    return (
        tx_raw.body_bytes,
        tx_raw.auth_info_bytes,
        list(tx_raw.signatures),
        [(a.type_url, a.value) for a in body.messages],
        body.memo,
        body.timeout_height,
        infos,
        fee,
    )


def decode_tx(raw: bytes, msg_routes: dict[str, MsgRoute]) -> DecodedTx:
    """Decode and statically check a tx; raises ChainError (codespace sdk) on any defect."""
    body_bytes, auth_info_bytes, sigs, messages, memo, timeout, infos, fee = read_envelope(raw)
    if not messages:
        raise ErrInvalidRequest.wrap("must contain at least one message")
    msgs: list[Any] = []
    routes: list[MsgRoute] = []
    signer_addrs: dict[bytes, str] = {}  # the SDK dedupes signers by address bytes
    for type_url, value in messages:
        route = msg_routes.get(type_url)
        if route is None:
            raise ErrTxDecode.wrap(
                f"unable to resolve type URL {type_url}: no message handler found"
            )
        try:
            msg = route.msg_class.FromString(value)
        except DecodeError as exc:
            raise ErrTxDecode.wrap(f"{type_url}: {exc}") from exc
        if address.may_hold_upper_case(value):
            address.canonicalize_message(msg)  # upper-case addresses are stored in lower case
        if route.validate is not None:
            route.validate(msg)
        for s in route.signers(msg):
            signer_addrs.setdefault(address.acc_bytes(s), s)
        msgs.append(msg)
        routes.append(route)
    if fee is None:
        raise ErrInvalidRequest.wrap("missing fee")
    coins, gas_limit, payer_text, granter = fee
    if gas_limit > MAX_GAS_WANTED:
        raise ErrInvalidRequest.wrap(f"invalid gas supplied; {gas_limit} > {MAX_GAS_WANTED}")
    fee_coins = Coins.from_pairs(coins, strict=False)
    if any(c.amount < 0 for c in fee_coins):
        raise ErrInsufficientFee.wrap(f"invalid fee provided: {fee_coins}")
    payer = b""
    if payer_text:
        try:
            payer = address.acc_bytes(payer_text)
        except ChainError as exc:
            raise ErrInvalidAddress.wrap(f"Invalid fee payer address ({exc.context})") from None
        # The SDK's GetSigners: a fee payer is a required signer (appended if not one yet),
        # so nobody can make another account pay, and a module account (no key) never can.
        signer_addrs.setdefault(payer, payer_text)
    if granter:
        try:
            address.acc_bytes(granter)
        except ChainError as exc:
            raise ErrInvalidAddress.wrap(f"Invalid fee granter address ({exc.context})") from None
    signers = _signers(signer_addrs, infos, sigs)
    if payer:
        payer_str = address.acc_string(payer)
    else:
        payer, payer_str = signers[0].address, signers[0].address_str
    return DecodedTx(
        raw=raw,
        body_bytes=body_bytes,
        auth_info_bytes=auth_info_bytes,
        memo=memo,
        timeout_height=timeout,
        msgs=msgs,
        routes=routes,
        signers=signers,
        fee=fee_coins,
        gas_limit=gas_limit,
        fee_payer=payer,
        fee_payer_str=payer_str,
        fee_granter=granter,
    )


def _signers(
    addrs: dict[bytes, str], infos: list[SignerInfoFields], sigs: list[bytes]
) -> list[SignerData]:
    if not sigs:
        raise ErrNoSignatures.wrap("")
    if len(sigs) != len(addrs):
        raise ErrUnauthorized.wrap(
            f"wrong number of signers; expected {len(addrs)}, got {len(sigs)}"
        )
    if len(infos) != len(addrs):
        raise ErrUnauthorized.wrap(
            f"invalid number of signer;  expected: {len(addrs)}, got {len(infos)}"
        )
    out = []
    for addr, (key, mode, sequence), sig in zip(addrs, infos, sigs, strict=True):
        pk = pubkey_of(key[0], key[1]) if key is not None else None
        data = SingleSig(mode, sig) if type(mode) is int else parse_signature(mode, sig)
        out.append(SignerData(addr, address.acc_string(addr), pk, sequence, data))
    return out


def gas_limit_of(raw: bytes) -> int | None:
    """The fee gas limit of tx bytes, cheaply (for proposal building); None if undecodable."""
    try:
        tx_raw = tx_pb2.TxRaw.FromString(raw)
        return int(tx_pb2.AuthInfo.FromString(tx_raw.auth_info_bytes).fee.gas_limit)
    except (DecodeError, ValueError):
        return None
