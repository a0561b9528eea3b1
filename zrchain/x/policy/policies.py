"""The policy abstraction: stored boolean policies and generated groups.

Every policy answers four questions: is it well formed (``validate``), which participant
does an address count as (``address_to_participant``), who takes part
(``participant_addresses``) and is a set of approvals enough (``verify``). Failures are
plain errors with zrChain's texts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

from google.protobuf.any_pb2 import Any as AnyProto
from google.protobuf.message import DecodeError

from zrchain.chains.caip import (
    Caip10Error,
    EvmAccount,
    check_canonical,
    is_evm_participant,
    parse_evm_account,
)
from zrchain.codec.gen.zrchain.policy import policy_pb2
from zrchain.errors import PlainError
from zrchain.x.policy import expr
from zrchain.x.policy.types import (
    BOOLPARSER_POLICY_URL,
    IFACE_POLICY,
    account_error,
    no_concrete_type,
)


class PolicyRule(Protocol):
    """What every policy kind answers (stored boolean policies, generated groups)."""

    def validate(self) -> None: ...
    def address_to_participant(self, address: str) -> str: ...
    def participant_addresses(self) -> list[str]: ...
    def verify(self, approvers: Iterable[str], policy_data: Mapping[str, bytes]) -> None: ...


@lru_cache(maxsize=4096)
def _parsed(definition: str) -> expr.Expr | None:
    """Parsed definitions, cached: verification runs on every approval and query."""
    try:
        return expr.parse(definition)
    except expr.PolicyParseError:
        return None


def _check_address(addr: str) -> None:
    """A participant is a ``zen1…`` account or an EVM account in its one spelling."""
    if is_evm_participant(addr):
        check_canonical(addr)  # Caip10Error is a ValueError: its text becomes the message
        return
    err = account_error(addr)
    if err is not None:
        raise ValueError(err)


def _evm_participants(participants: Iterable[str]) -> list[tuple[str, EvmAccount]]:
    out = []
    for p in participants:
        if is_evm_participant(p):
            try:
                out.append((p, parse_evm_account(p)))
            except Caip10Error:
                continue  # a legacy definition from genesis: it can match nothing
    return out


def evm_participant(participants: Iterable[str], account: EvmAccount) -> str:
    """The participant an EVM account counts as: the one naming its address on its chain
    or on any chain (a policy names an EVM address at most once, see ``validate``)."""
    for text, named in _evm_participants(participants):
        if named.covers(account):
            return text
    raise PlainError(f"{account} is not a participant of this policy")


@dataclass(frozen=True)
class BoolPolicy:
    """A stored ``BoolparserPolicy``: a boolean expression over participant addresses."""

    definition: str
    participants: tuple[str, ...]

    @classmethod
    def from_proto(cls, p: policy_pb2.BoolparserPolicy) -> BoolPolicy:
        return cls(p.definition, tuple(x.address for x in p.participants))

    def validate(self) -> None:
        try:
            expr.validate(self.definition, list(self.participants), check_address=_check_address)
        except expr.PolicyError as exc:
            raise PlainError(exc.message) from None
        named: dict[str, str] = {}
        for text, account in _evm_participants(self.participants):
            if account.address in named:
                raise PlainError(
                    f"EVM address {account.address} is named twice ({named[account.address]}, "
                    f"{text}): one participant per account"
                )
            named[account.address] = text

    def address_to_participant(self, address: str) -> str:
        """Exact for ``zen1…`` and passkeys; an EVM account (``eip155:…``, as an approver
        or a query) counts as the participant naming its address (``evm_participant``)."""
        if is_evm_participant(address):
            try:
                account = parse_evm_account(address)
            except Caip10Error as exc:
                raise PlainError(str(exc)) from None
            return evm_participant(self.participants, account)
        try:
            return expr.address_to_participant(self.participants, address)
        except expr.PolicyError as exc:
            raise PlainError(exc.message) from None

    def participant_addresses(self) -> list[str]:
        return list(self.participants)

    def verify(self, approvers: Iterable[str], policy_data: Mapping[str, bytes]) -> None:
        parsed = _parsed(self.definition)
        if parsed is None or not expr.evaluate(parsed, frozenset(approvers)):
            raise PlainError(expr.NOT_SATISFIED)


@dataclass(frozen=True)
class AnyInGroup:
    """Generated (never stored) policy: satisfied by any one member of the group."""

    group: tuple[str, ...]

    def validate(self) -> None:
        return None

    def address_to_participant(self, address: str) -> str:
        if address in self.group:
            return address
        raise PlainError("address not in this policy")

    def participant_addresses(self) -> list[str]:
        return list(self.group)

    def verify(self, approvers: Iterable[str], policy_data: Mapping[str, bytes]) -> None:
        approved = set(approvers)
        if not approved:
            raise PlainError("no approvers")
        if not any(m in approved for m in self.group):
            raise PlainError("approvers are not in the group")


def any_in_group(owners: Sequence[str]) -> AnyInGroup:
    return AnyInGroup(tuple(owners))


def unpack_policy(any_: AnyProto) -> BoolPolicy:
    """The policy packed in a ``Policy.policy`` Any (only BoolparserPolicy is registered)."""
    if any_.type_url != BOOLPARSER_POLICY_URL:
        raise no_concrete_type(any_.type_url, IFACE_POLICY)
    try:
        inner = policy_pb2.BoolparserPolicy.FromString(any_.value)
    except DecodeError as exc:
        raise PlainError(f"unable to unpack policy: {exc}") from None
    return BoolPolicy.from_proto(inner)
