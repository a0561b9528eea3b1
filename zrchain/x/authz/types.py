"""x/authz's vocabulary: errors, store keys, times, typed events and the authorization types.

Kept apart from the keeper so the Msg handlers, queries, genesis and CLI share one
definition of what a grant key looks like and what each authorization accepts.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any

from cosmpy.protos.cosmos.authz.v1beta1 import authz_pb2
from cosmpy.protos.cosmos.bank.v1beta1 import authz_pb2 as bank_authz_pb2
from cosmpy.protos.cosmos.bank.v1beta1 import tx_pb2 as bank_tx_pb2
from google.protobuf.any_pb2 import Any as AnyProto
from google.protobuf.message import DecodeError, Message

from zrchain.codec.any import type_url
from zrchain.codec.coins import Coins, parse_int
from zrchain.codec.json import go_json_string
from zrchain.context import Context, Event
from zrchain.errors import (
    ErrInsufficientFunds,
    ErrInvalidCoins,
    ErrInvalidType,
    ErrTxDecode,
    ErrUnauthorized,
    PlainError,
    register,
)
from zrchain.x.storekeys import (
    TIME_BYTES_LEN,
    format_time_bytes,
    lp,
    split_lp,
)

MODULE = "authz"
STORE_KEY = "authz"

# The SDK's x/authz errors (codespace "authz"), same codes and texts.
ErrNoAuthorizationFound = register(MODULE, 2, "authorization not found")
ErrInvalidExpirationTime = register(
    MODULE, 3, "expiration time of authorization should be more than current time"
)
ErrUnknownAuthorizationType = register(MODULE, 4, "unknown authorization type")
ErrNoGrantKeyFound = register(MODULE, 5, "grant key not found")
ErrAuthorizationExpired = register(MODULE, 6, "authorization expired")
ErrGranteeIsGranter = register(MODULE, 7, "grantee and granter should be different")
ErrAuthorizationNumOfSigners = register(
    MODULE, 9, "authorization can be given to msg with only one signer"
)
ErrNegativeMaxTokens = register(MODULE, 12, "max tokens should be positive")
# x/bank's, raised by SendAuthorization.ValidateBasic.
ErrDuplicateEntry = register("bank", 8, "duplicate entry")

GENERIC_URL = type_url(authz_pb2.GenericAuthorization)
SEND_AUTH_URL = type_url(bank_authz_pb2.SendAuthorization)
MSG_SEND_URL = type_url(bank_tx_pb2.MsgSend)

# SDK gas constants (x/authz keeper, x/bank SendAuthorization).
QUEUE_GAS_PER_ITERATION = 20
SEND_AUTH_GAS_PER_ITERATION = 10
# Expired grant-queue entries pruned per block (the SDK's BeginBlocker limit).
PRUNE_LIMIT_PER_BLOCK = 200

# -- store keys (the SDK's layout) --------------------------------------------------------------
GRANT_PREFIX = b"\x01"  # 0x01 | lp(granter) | lp(grantee) | msg type URL -> Grant
QUEUE_PREFIX = b"\x02"  # 0x02 | time bytes | lp(granter) | lp(grantee) -> GrantQueueItem
GRANTEE_INDEX_PREFIX = b"\x03"  # 0x03 | lp(grantee) | lp(granter) | msg type URL -> b"" (ours)


def grant_key(granter: bytes, grantee: bytes, msg_type_url: str = "") -> bytes:
    return GRANT_PREFIX + lp(granter) + lp(grantee) + msg_type_url.encode()


def grantee_index_key(grantee: bytes, granter: bytes, msg_type_url: str = "") -> bytes:
    return GRANTEE_INDEX_PREFIX + lp(grantee) + lp(granter) + msg_type_url.encode()


def granter_prefix(granter: bytes) -> bytes:
    """Every grant given by ``granter``."""
    return GRANT_PREFIX + lp(granter)


def grantee_index_prefix(grantee: bytes) -> bytes:
    """Every grant held by ``grantee`` (our index)."""
    return GRANTEE_INDEX_PREFIX + lp(grantee)


def split_one(key: bytes) -> tuple[bytes, str]:
    """``lp(a) | rest`` -> (a, rest as text)."""
    n = key[0]
    return key[1 : 1 + n], key[1 + n :].decode()


def queue_time_prefix(time_ns: int) -> bytes:
    return QUEUE_PREFIX + format_time_bytes(time_ns)


def queue_key(time_ns: int, granter: bytes, grantee: bytes) -> bytes:
    return queue_time_prefix(time_ns) + lp(granter) + lp(grantee)


def parse_queue_key(key: bytes) -> tuple[bytes, bytes]:
    """(granter, grantee) of a queue key given without the 0x02 prefix."""
    granter, grantee, rest = split_lp(key[TIME_BYTES_LEN:])
    if rest:
        raise ValueError("trailing bytes in grant queue key")
    return granter, grantee


# -- typed events -----------------------------------------------------------------------------
def typed_event(msg: Message) -> Event:
    """The SDK's ``TypedEventToEvent`` for events with string fields: type = the proto name,
    one attribute per field (JSON names, sorted), values as JSON."""
    attrs = [(f.name, go_json_string(getattr(msg, f.name))) for f in msg.DESCRIPTOR.fields]
    return Event(msg.DESCRIPTOR.full_name, sorted(attrs))


# -- authorizations -----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class AcceptResponse:
    """``authz.AcceptResponse``: whether the Msg is allowed, and what becomes of the grant."""

    accept: bool
    delete: bool = False
    updated: Message | None = None


class Authorization(ABC):
    """One authorization type: its proto class and the SDK's rules for it."""

    proto: type[Message]

    @abstractmethod
    def msg_type_url(self, auth: Any) -> str: ...

    @abstractmethod
    def validate_basic(self, auth: Any) -> None: ...

    @abstractmethod
    def accept(self, ctx: Context, auth: Any, msg: Message) -> AcceptResponse: ...


class GenericAuthorization(Authorization):
    """Any Msg of one type URL, without limits."""

    proto = authz_pb2.GenericAuthorization

    def msg_type_url(self, auth: Any) -> str:
        return str(auth.msg)

    def validate_basic(self, auth: Any) -> None:
        if not auth.msg:
            raise PlainError("msg type cannot be empty")

    def accept(self, ctx: Context, auth: Any, msg: Message) -> AcceptResponse:
        return AcceptResponse(accept=True)


class SendAuthorization(Authorization):
    """``MsgSend`` up to a spend limit (decremented; the grant is deleted at zero), to an
    optional allow list of recipients."""

    proto = bank_authz_pb2.SendAuthorization

    def msg_type_url(self, auth: Any) -> str:
        return MSG_SEND_URL

    @staticmethod
    def _limit(auth: Any) -> Coins:
        if not auth.spend_limit:
            raise ErrInvalidCoins.wrap("spend limit cannot be nil")
        for c in auth.spend_limit:
            if parse_int(c.amount, c.denom) <= 0:
                raise ErrInvalidCoins.wrap("spend limit must be positive")
        return Coins.from_protos(auth.spend_limit)

    def validate_basic(self, auth: Any) -> None:
        self._limit(auth)
        seen: set[str] = set()
        for a in auth.allow_list:
            if a in seen:
                raise ErrDuplicateEntry.wrap("")
            seen.add(a)

    def accept(self, ctx: Context, auth: Any, msg: Message) -> AcceptResponse:
        if not isinstance(msg, bank_tx_pb2.MsgSend):
            raise ErrInvalidType.wrap("type mismatch")
        try:
            left = self._limit(auth).sub(Coins.from_protos(msg.amount, strict=False))
        except ValueError:
            raise ErrInsufficientFunds.wrap("requested amount is more than spend limit") from None
        allowed = list(auth.allow_list)
        found = False
        for a in allowed:
            ctx.gas.consume(SEND_AUTH_GAS_PER_ITERATION, "send authorization")
            if a == msg.to_address:
                found = True
                break
        if allowed and not found:
            raise ErrUnauthorized.wrap(f"cannot send to {msg.to_address} address")
        if not left:
            return AcceptResponse(accept=True, delete=True)
        updated = bank_authz_pb2.SendAuthorization(spend_limit=left.to_protos(), allow_list=allowed)
        return AcceptResponse(accept=True, updated=updated)


AUTHORIZATIONS: dict[str, Authorization] = {
    GENERIC_URL: GenericAuthorization(),
    SEND_AUTH_URL: SendAuthorization(),
}
AUTHORIZATION_IFACE = "*authz.Authorization"


def resolve_authorization(any_msg: AnyProto) -> tuple[Authorization, Any]:
    """(kind, decoded message) of an authorization Any; the tx decoder's error otherwise."""
    kind = AUTHORIZATIONS.get(any_msg.type_url)
    if kind is None:
        raise ErrTxDecode.wrap(
            f"no concrete type registered for type URL {any_msg.type_url} against interface "
            f"{AUTHORIZATION_IFACE}"
        )
    try:
        return kind, kind.proto.FromString(any_msg.value)
    except DecodeError as exc:
        raise ErrTxDecode.wrap(f"{any_msg.type_url}: {exc}") from exc


# -- Go's %v of a Msg (gogoproto CompactTextString), for the SDK's exec error text ---------------
def _text_scalar(field: Any, value: Any) -> str:
    t = field.type
    if t == field.TYPE_STRING:
        return _go_quote(value.encode())
    if t == field.TYPE_BYTES:
        return _go_quote(bytes(value))
    if t == field.TYPE_BOOL:
        return "true" if value else "false"
    if t == field.TYPE_ENUM:
        ev = field.enum_type.values_by_number.get(value)
        return ev.name if ev is not None else str(value)
    return str(value)


def _go_quote(b: bytes) -> str:
    out = ['"']
    for c in b:
        ch = chr(c)
        if ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif c < 0x20 or c >= 0x7F:
            out.append(f"\\{c:03o}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def compact_text(msg: Message) -> str:
    """gogoproto's ``CompactTextString``: ``name:value `` per set field, ``name:<…> `` for
    messages, proto3 defaults skipped."""
    parts: list[str] = []
    for field in msg.DESCRIPTOR.fields:
        value = getattr(msg, field.name)
        is_msg = field.type == field.TYPE_MESSAGE
        if field.label == field.LABEL_REPEATED:
            for v in value:
                parts.append(
                    f"{field.name}:<{compact_text(v)}> "
                    if is_msg
                    else f"{field.name}:{_text_scalar(field, v)} "
                )
        elif is_msg:
            if msg.HasField(field.name):
                parts.append(f"{field.name}:<{compact_text(value)}> ")
        elif value != field.default_value:
            parts.append(f"{field.name}:{_text_scalar(field, value)} ")
    return "".join(parts)
