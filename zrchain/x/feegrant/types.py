"""x/feegrant's vocabulary: errors, events, store keys and the three allowance types with
the SDK's rules (``ValidateBasic``, ``Accept``, ``ExpiresAt``).

An allowance is held as its proto message; ``accept`` returns whether the grant is used
up (and is then deleted) and the updated message to store, or raises the SDK's error.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any

from cosmpy.protos.cosmos.feegrant.v1beta1 import feegrant_pb2
from google.protobuf.any_pb2 import Any as AnyProto
from google.protobuf.message import DecodeError, Message

from zrchain.codec.any import MAX_ANY_DEPTH, pack, type_url
from zrchain.codec.coins import Coins
from zrchain.context import Context
from zrchain.errors import ChainError, ErrInvalidCoins, ErrTxDecode, register
from zrchain.x.storekeys import check_timestamp, format_time_bytes, lp, timestamp_ns

MODULE = "feegrant"
STORE_KEY = "feegrant"

# The SDK's x/feegrant errors (codespace "feegrant"), same codes and texts.
ErrFeeLimitExceeded = register(MODULE, 2, "fee limit exceeded")
ErrFeeLimitExpired = register(MODULE, 3, "fee allowance expired")
ErrInvalidDuration = register(MODULE, 4, "invalid duration")
ErrNoAllowance = register(MODULE, 5, "no allowance")
ErrNoMessages = register(MODULE, 6, "allowed messages are empty")
ErrMessageNotAllowed = register(MODULE, 7, "message not allowed")

# Event types and attributes (x/feegrant events.go).
EVENT_SET = "set_feegrant"
EVENT_UPDATE = "update_feegrant"
EVENT_REVOKE = "revoke_feegrant"
EVENT_USE = "use_feegrant"
EVENT_PRUNE = "prune_feegrant"

# Expired grants removed per block (EndBlocker) and per MsgPruneAllowances (the SDK's).
PRUNE_LIMIT_PER_BLOCK = 200
PRUNE_LIMIT_PER_MSG = 75
GAS_PER_ALLOWED_MSG = 10  # AllowedMsgAllowance: per allowed type and per tx message

# -- store keys -------------------------------------------------------------------------------
GRANT_PREFIX = b"\x00"  # 0x00 | lp(grantee) | lp(granter) -> Grant (the SDK's key)
QUEUE_PREFIX = b"\x01"  # 0x01 | FormatTimeBytes(exp) | lp(grantee) | lp(granter) -> b""
GRANTER_INDEX_PREFIX = b"\x02"  # 0x02 | lp(granter) | lp(grantee) -> b"" (ours)


def grant_key(granter: bytes, grantee: bytes) -> bytes:
    return grantee_prefix(grantee) + lp(granter)


def grantee_prefix(grantee: bytes) -> bytes:
    return GRANT_PREFIX + lp(grantee)


def granter_prefix(granter: bytes) -> bytes:
    return GRANTER_INDEX_PREFIX + lp(granter)


def granter_index_key(granter: bytes, grantee: bytes) -> bytes:
    return granter_prefix(granter) + lp(grantee)


def queue_time_prefix(time_ns: int) -> bytes:
    return QUEUE_PREFIX + format_time_bytes(time_ns)


def queue_key(time_ns: int, granter: bytes, grantee: bytes) -> bytes:
    return queue_time_prefix(time_ns) + lp(grantee) + lp(granter)


# -- allowances -------------------------------------------------------------------------------
ALLOWANCE_IFACE = "*feegrant.FeeAllowanceI"


@dataclass(frozen=True, slots=True)
class Use:
    """What ``accept`` decided: the grant is used up (delete it), or its new state."""

    remove: bool
    updated: Message


def _coins(protos: Any, what: str) -> Coins:
    """``sdk.Coins.IsValid`` (sorted, unique, positive, valid denoms) or the SDK's
    ``<what> is invalid: <coins>`` (ErrInvalidCoins)."""
    try:
        return Coins.from_protos(protos)
    except ChainError:
        text = ",".join(f"{c.amount}{c.denom}" for c in protos)
        raise ErrInvalidCoins.wrap(f"{what} is invalid: {text}") from None


def _sub(have: Coins, fee: Coins) -> Coins | None:
    """``SafeSub``: None when any denom would go negative."""
    try:
        return have.sub(fee)
    except ValueError:
        return None


class Allowance(ABC):
    proto: type[Message]

    @abstractmethod
    def validate_basic(self, a: Any, depth: int) -> None: ...

    @abstractmethod
    def expires_at(self, a: Any) -> int | None:
        """Expiration in ns since the epoch, or None."""

    @abstractmethod
    def accept(self, ctx: Context, a: Any, fee: Coins, msg_urls: list[str]) -> Use: ...


class BasicAllowance(Allowance):
    """Up to ``spend_limit`` (no limit when empty) until ``expiration`` (none when unset)."""

    proto = feegrant_pb2.BasicAllowance

    def validate_basic(self, a: Any, depth: int = 1) -> None:
        if a.spend_limit:
            _coins(a.spend_limit, "send amount")
        if a.HasField("expiration"):
            check_timestamp(a.expiration)
            if a.expiration.seconds < 0:
                raise ErrInvalidDuration.wrap("expiration time cannot be negative")

    def expires_at(self, a: Any) -> int | None:
        return timestamp_ns(a.expiration) if a.HasField("expiration") else None

    def accept(self, ctx: Context, a: Any, fee: Coins, msg_urls: list[str]) -> Use:
        exp = self.expires_at(a)
        if exp is not None and exp < ctx.time_ns:
            raise ErrFeeLimitExpired.wrap("basic allowance")
        if not a.spend_limit:
            return Use(False, a)
        left = _sub(Coins.from_protos(a.spend_limit), fee)
        if left is None:
            raise ErrFeeLimitExceeded.wrap("basic allowance")
        updated = feegrant_pb2.BasicAllowance(spend_limit=left.to_protos())
        if a.HasField("expiration"):
            updated.expiration.CopyFrom(a.expiration)
        return Use(not left, updated)


class PeriodicAllowance(Allowance):
    """A basic allowance that also limits each ``period`` to ``period_spend_limit``."""

    proto = feegrant_pb2.PeriodicAllowance

    def validate_basic(self, a: Any, depth: int = 1) -> None:
        BASIC.validate_basic(a.basic)
        period = _coins(a.period_spend_limit, "spend amount")
        if not period:
            raise ErrInvalidCoins.wrap("spend limit must be positive")
        _coins(a.period_can_spend, "can spend amount")  # empty is allowed
        if a.basic.spend_limit:
            basic = {c.denom for c in a.basic.spend_limit}
            if any(c.denom not in basic for c in period):
                raise ErrInvalidCoins.wrap(
                    "period spend limit has different currency than basic spend limit"
                )
        if a.period.seconds < 0 or a.period.nanos < 0:
            raise ErrInvalidDuration.wrap("negative clock step")
        check_timestamp(a.period_reset)

    def expires_at(self, a: Any) -> int | None:
        return BASIC.expires_at(a.basic)

    def accept(self, ctx: Context, a: Any, fee: Coins, msg_urls: list[str]) -> Use:
        now = ctx.time_ns
        exp = self.expires_at(a)
        if exp is not None and now > exp:
            raise ErrFeeLimitExpired.wrap("absolute limit")
        updated = feegrant_pb2.PeriodicAllowance()
        updated.CopyFrom(a)
        self._try_reset_period(updated, now)
        can_spend = _sub(Coins.from_protos(updated.period_can_spend, strict=False), fee)
        if can_spend is None:
            raise ErrFeeLimitExceeded.wrap("period limit")
        del updated.period_can_spend[:]
        updated.period_can_spend.extend(can_spend.to_protos())
        if not updated.basic.spend_limit:
            return Use(False, updated)
        left = _sub(Coins.from_protos(updated.basic.spend_limit), fee)
        if left is None:
            raise ErrFeeLimitExceeded.wrap("absolute limit")
        del updated.basic.spend_limit[:]
        updated.basic.spend_limit.extend(left.to_protos())
        return Use(not left, updated)

    @staticmethod
    def _try_reset_period(a: Any, now: int) -> None:
        reset = timestamp_ns(a.period_reset)
        if now < reset:
            return
        limit = Coins.from_protos(a.basic.spend_limit, strict=False)
        period = Coins.from_protos(a.period_spend_limit, strict=False)
        can = limit if limit and _sub(limit, period) is None else period
        del a.period_can_spend[:]
        a.period_can_spend.extend(can.to_protos())
        step = int(a.period.seconds) * 1_000_000_000 + int(a.period.nanos)
        reset += step
        if now > reset:
            reset = now + step
        a.period_reset.seconds, a.period_reset.nanos = divmod(reset, 1_000_000_000)


class AllowedMsgAllowance(Allowance):
    """Another allowance, only for txs whose every message is of an allowed type URL."""

    proto = feegrant_pb2.AllowedMsgAllowance

    def validate_basic(self, a: Any, depth: int = 1) -> None:
        if not a.HasField("allowance"):
            raise ErrNoAllowance.wrap("allowance should not be empty")
        if not a.allowed_messages:
            raise ErrNoMessages.wrap("allowed messages shouldn't be empty")
        kind, inner = resolve_allowance(a.allowance, depth + 1)
        kind.validate_basic(inner, depth + 1)

    def expires_at(self, a: Any) -> int | None:
        kind, inner = resolve_allowance(a.allowance)
        return kind.expires_at(inner)

    def accept(self, ctx: Context, a: Any, fee: Coins, msg_urls: list[str]) -> Use:
        allowed = set()
        for url in a.allowed_messages:
            ctx.gas.consume(GAS_PER_ALLOWED_MSG, "check msg")
            allowed.add(url)
        for url in msg_urls:
            ctx.gas.consume(GAS_PER_ALLOWED_MSG, "check msg")
            if url not in allowed:
                raise ErrMessageNotAllowed.wrap("message does not exist in allowed messages")
        kind, inner = resolve_allowance(a.allowance)
        use = kind.accept(ctx, inner, fee, msg_urls)
        if use.remove:
            return use
        updated = feegrant_pb2.AllowedMsgAllowance(
            allowance=pack(use.updated), allowed_messages=list(a.allowed_messages)
        )
        return Use(False, updated)


BASIC = BasicAllowance()
ALLOWANCES: dict[str, Allowance] = {
    type_url(k.proto): k for k in (BASIC, PeriodicAllowance(), AllowedMsgAllowance())
}


def resolve_allowance(any_msg: AnyProto, depth: int = 1) -> tuple[Allowance, Any]:
    """(kind, decoded message) of an allowance Any; the tx decoder's error otherwise."""
    if depth > MAX_ANY_DEPTH:
        raise ErrTxDecode.wrap("max depth exceeded")
    kind = ALLOWANCES.get(any_msg.type_url)
    if kind is None:
        raise ErrTxDecode.wrap(
            f"no concrete type registered for type URL {any_msg.type_url} against interface "
            f"{ALLOWANCE_IFACE}"
        )
    try:
        return kind, kind.proto.FromString(any_msg.value)
    except DecodeError as exc:
        raise ErrTxDecode.wrap(f"{any_msg.type_url}: {exc}") from exc


def check_allowance_any(any_msg: AnyProto, depth: int = 1) -> None:
    """What decoding a tx checks of an allowance: every nested Any resolves and every
    Timestamp is in range (ValidateBasic runs later, in the Msg handler)."""
    kind, a = resolve_allowance(any_msg, depth)
    if isinstance(kind, AllowedMsgAllowance):
        if a.HasField("allowance"):
            check_allowance_any(a.allowance, depth + 1)
        return
    basic = a.basic if isinstance(kind, PeriodicAllowance) else a
    if basic.HasField("expiration"):
        check_timestamp(basic.expiration)
    if isinstance(kind, PeriodicAllowance):
        check_timestamp(a.period_reset)
