"""Decode tx bytes (TxRaw) into a checked, resolved transaction.

The body and auth-info bytes are kept exactly as received: the signature covers them, and
re-encoding could change them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cosmpy.protos.cosmos.tx.v1beta1 import tx_pb2
from google.protobuf.message import DecodeError

from zrchain.codec import address
from zrchain.codec.coins import Coins
from zrchain.codec.wire import WireError, check_canonical
from zrchain.errors import (
    ChainError,
    ErrInsufficientFee,
    ErrInvalidAddress,
    ErrInvalidRequest,
    ErrTxDecode,
    ErrUnknownExtensionOptions,
)
from zrchain.module import MsgRoute
from zrchain.tx.signing import PubKey, SigData, parse_pubkey, parse_signature

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
    body: Any
    auth_info: Any
    msgs: list[Any]
    routes: list[MsgRoute]
    signers: list[SignerData]
    fee: Coins
    gas_limit: int
    fee_payer: bytes
    fee_payer_str: str
    fee_granter: str

    @property
    def memo(self) -> str:
        return str(self.body.memo)

    @property
    def timeout_height(self) -> int:
        return int(self.body.timeout_height)


def decode_tx(raw: bytes, msg_routes: dict[str, MsgRoute]) -> DecodedTx:
    """Decode and statically check a tx; raises ChainError (codespace sdk) on any defect."""
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
    if not body.messages:
        raise ErrInvalidRequest.wrap("must contain at least one message")
    msgs: list[Any] = []
    routes: list[MsgRoute] = []
    signer_addrs: dict[bytes, str] = {}  # the SDK dedupes signers by address bytes
    for any_msg in body.messages:
        route = msg_routes.get(any_msg.type_url)
        if route is None:
            raise ErrTxDecode.wrap(
                f"unable to resolve type URL {any_msg.type_url}: no message handler found"
            )
        try:
            msg = route.msg_class.FromString(any_msg.value)
        except DecodeError as exc:
            raise ErrTxDecode.wrap(f"{any_msg.type_url}: {exc}") from exc
        if address.may_hold_upper_case(any_msg.value):
            address.canonicalize_message(msg)  # upper-case addresses are stored in lower case
        if route.validate is not None:
            route.validate(msg)
        for s in route.signers(msg):
            signer_addrs.setdefault(address.acc_bytes(s), s)
        msgs.append(msg)
        routes.append(route)
    fee = auth_info.fee
    if not auth_info.HasField("fee"):
        raise ErrInvalidRequest.wrap("missing fee")
    if fee.gas_limit > MAX_GAS_WANTED:
        raise ErrInvalidRequest.wrap(f"invalid gas supplied; {fee.gas_limit} > {MAX_GAS_WANTED}")
    fee_coins = Coins.from_protos(fee.amount, strict=False)
    if any(c.amount < 0 for c in fee_coins):
        raise ErrInsufficientFee.wrap(f"invalid fee provided: {fee_coins}")
    payer = b""
    if fee.payer:
        try:
            payer = address.acc_bytes(fee.payer)
        except ChainError as exc:
            raise ErrInvalidAddress.wrap(f"Invalid fee payer address ({exc.context})") from None
        # The SDK's GetSigners: a fee payer is a required signer (appended if not one yet),
        # so nobody can make another account pay, and a module account (no key) never can.
        signer_addrs.setdefault(payer, fee.payer)
    if fee.granter:
        try:
            address.acc_bytes(fee.granter)
        except ChainError as exc:
            raise ErrInvalidAddress.wrap(f"Invalid fee granter address ({exc.context})") from None
    signers = _signers(signer_addrs, auth_info, list(tx_raw.signatures))
    if payer:
        payer_str = address.acc_string(payer)
    else:
        payer, payer_str = signers[0].address, signers[0].address_str
    return DecodedTx(
        raw=raw,
        body_bytes=tx_raw.body_bytes,
        auth_info_bytes=tx_raw.auth_info_bytes,
        body=body,
        auth_info=auth_info,
        msgs=msgs,
        routes=routes,
        signers=signers,
        fee=fee_coins,
        gas_limit=int(fee.gas_limit),
        fee_payer=payer,
        fee_payer_str=payer_str,
        fee_granter=fee.granter,
    )


def _signers(addrs: dict[bytes, str], auth_info: Any, sigs: list[bytes]) -> list[SignerData]:
    from zrchain.errors import ErrNoSignatures, ErrUnauthorized

    if not sigs:
        raise ErrNoSignatures.wrap("")
    if len(sigs) != len(addrs):
        raise ErrUnauthorized.wrap(
            f"wrong number of signers; expected {len(addrs)}, got {len(sigs)}"
        )
    infos = auth_info.signer_infos
    if len(infos) != len(addrs):
        raise ErrUnauthorized.wrap(
            f"invalid number of signer;  expected: {len(addrs)}, got {len(infos)}"
        )
    out = []
    for addr, info, sig in zip(addrs, infos, sigs, strict=True):
        pk = parse_pubkey(info.public_key) if info.HasField("public_key") else None
        data = parse_signature(info.mode_info, sig)
        out.append(SignerData(addr, address.acc_string(addr), pk, int(info.sequence), data))
    return out


def gas_limit_of(raw: bytes) -> int | None:
    """The fee gas limit of tx bytes, cheaply (for proposal building); None if undecodable."""
    try:
        tx_raw = tx_pb2.TxRaw.FromString(raw)
        return int(tx_pb2.AuthInfo.FromString(tx_raw.auth_info_bytes).fee.gas_limit)
    except (DecodeError, ValueError):
        return None
