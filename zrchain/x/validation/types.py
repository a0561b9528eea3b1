"""x/validation's value types: the validator (over zrChain's ``ValidatorHV``), errors, events
and the SDK rules of shares and tokens.

A validator's bonded tokens back ``delegator_shares`` shares; a delegation holds shares, so
a slash lowers the tokens and every delegation's value at once. Tokens are whole urock;
shares are LegacyDecs (``zrchain.codec.dec``) stored as atomics, as on zrChain's wire.
"""

from __future__ import annotations

import hashlib
from typing import Any

from cosmpy.protos.cosmos.crypto.ed25519.keys_pb2 import PubKey as Ed25519PubKey
from google.protobuf.any_pb2 import Any as AnyProto
from google.protobuf.timestamp_pb2 import Timestamp

from zrchain.codec.address import acc_string, cons_string, val_string
from zrchain.codec.dec import ZERO, Dec
from zrchain.codec.gen.zrchain.validation import hybrid_validation_pb2 as hv
from zrchain.codec.gen.zrchain.validation import staking_pb2 as st
from zrchain.errors import register

MODULE = "validation"
STORE_KEY = "validation"
BONDED_POOL = "bonded_tokens_pool"
NOT_BONDED_POOL = "not_bonded_tokens_pool"
ED25519_PUBKEY_URL = "/cosmos.crypto.ed25519.PubKey"

# sdk.DefaultPowerReduction: 10^6 urock of stake is one unit of consensus power.
POWER_REDUCTION = 10**6
# sdk.ValidatorUpdateDelay: a change decided at the end of block H signs from H+2.
VALIDATOR_UPDATE_DELAY = 1

UNBONDED = st.BOND_STATUS_UNBONDED
UNBONDING = st.BOND_STATUS_UNBONDING
BONDED = st.BOND_STATUS_BONDED
STATUS_NAMES = {UNBONDED: "BOND_STATUS_UNBONDED", UNBONDING: "BOND_STATUS_UNBONDING",
                BONDED: "BOND_STATUS_BONDED"}  # fmt: skip

# Description limits (the SDK's staking types).
MAX_MONIKER = 70
MAX_IDENTITY = 3000
MAX_WEBSITE = 140
MAX_SECURITY_CONTACT = 140
MAX_DETAILS = 280
DO_NOT_MODIFY = "[do-not-modify]"

# Errors: zrChain's x/validation codes (its fork of x/staking, codespace "validation").
ErrEmptyValidatorAddr = register(MODULE, 1002, "empty validator address")
ErrNoValidatorFound = register(MODULE, 1003, "validator does not exist")
ErrValidatorOwnerExists = register(
    MODULE, 1004,
    "validator already exist for this operator address; must use new validator operator address",
)  # fmt: skip
ErrValidatorPubKeyExists = register(
    MODULE, 1005, "validator already exist for this pubkey; must use new validator pubkey"
)
ErrValidatorPubKeyTypeNotSupported = register(
    MODULE, 1006, "validator pubkey type is not supported"
)
ErrValidatorJailed = register(MODULE, 1007, "validator for this address is currently jailed")
ErrCommissionNegative = register(MODULE, 1009, "commission must be positive")
ErrCommissionHuge = register(MODULE, 10010, "commission cannot be more than 100%")
ErrCommissionGTMaxRate = register(MODULE, 10011, "commission cannot be more than the max rate")
ErrCommissionUpdateTime = register(
    MODULE, 10012, "commission cannot be changed more than once in 24h"
)
ErrCommissionChangeRateNegative = register(MODULE, 10013, "commission change rate must be positive")
ErrCommissionChangeRateGTMaxRate = register(
    MODULE, 10014, "commission change rate cannot be more than the max rate"
)
ErrCommissionGTMaxChangeRate = register(
    MODULE, 10015, "commission cannot be changed more than max change rate"
)
ErrSelfDelegationBelowMinimum = register(
    MODULE, 10016,
    "validator's self delegation must be greater than their minimum self delegation",
)  # fmt: skip
ErrMinSelfDelegationDecreased = register(
    MODULE, 10017, "minimum self delegation cannot be decrease"
)
ErrEmptyDelegatorAddr = register(MODULE, 10018, "empty delegator address")
ErrNoDelegation = register(MODULE, 10019, "no delegation for (address, validator) tuple")
ErrNoDelegatorForAddress = register(MODULE, 10021, "delegator does not contain delegation")
ErrInsufficientShares = register(MODULE, 10022, "insufficient delegation shares")
ErrNotEnoughDelegationShares = register(MODULE, 10024, "not enough delegation shares")
ErrNoUnbondingDelegation = register(MODULE, 10026, "no unbonding delegation found")
ErrMaxUnbondingDelegationEntries = register(
    MODULE, 10027, "too many unbonding delegation entries for (delegator, validator) tuple"
)
ErrNoRedelegation = register(MODULE, 10028, "no redelegation found")
ErrSelfRedelegation = register(MODULE, 10029, "cannot redelegate to the same validator")
ErrTinyRedelegationAmount = register(
    MODULE, 10030, "too few tokens to redelegate (truncates to zero tokens)"
)
ErrBadRedelegationDst = register(MODULE, 10031, "redelegation destination validator not found")
ErrTransitiveRedelegation = register(
    MODULE, 10032,
    "redelegation to this validator already in progress; first redelegation to this validator "
    "must complete before next redelegation",
)  # fmt: skip
ErrMaxRedelegationEntries = register(
    MODULE, 10033,
    "too many redelegation entries for (delegator, src-validator, dst-validator) tuple",
)  # fmt: skip
ErrDelegatorShareExRateInvalid = register(
    MODULE, 10034, "cannot delegate to validators with invalid (zero) ex-rate"
)
ErrNoHistoricalInfo = register(MODULE, 10038, "no historical info found")
ErrEmptyValidatorPubKey = register(MODULE, 10039, "empty validator public key")
ErrCommissionLTMinRate = register(MODULE, 10040, "commission cannot be less than min rate")
ErrBadRedelegationSrc = register(MODULE, 10044, "redelegation source validator not found")

# Events (zrChain's x/validation/types/events.go).
EVENT_CREATE_VALIDATOR = "create_validator"
EVENT_EDIT_VALIDATOR = "edit_validator"
EVENT_DELEGATE = "delegate"
EVENT_UNBOND = "unbond"
EVENT_REDELEGATE = "redelegate"
EVENT_CANCEL_UNBONDING = "cancel_unbonding_delegation"
EVENT_COMPLETE_UNBONDING = "complete_unbonding"
EVENT_COMPLETE_REDELEGATION = "complete_redelegation"


def timestamp(ns: int) -> Timestamp:
    return Timestamp(seconds=ns // 10**9, nanos=ns % 10**9)


def ts_ns(ts: Timestamp) -> int:
    return int(ts.seconds) * 10**9 + int(ts.nanos)


def rfc3339(ns: int) -> str:
    """Go's ``time.RFC3339`` of a block time (seconds, UTC, ``Z``)."""
    import datetime

    t = datetime.datetime.fromtimestamp(ns // 10**9, tz=datetime.UTC)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def cons_address(pubkey: bytes) -> bytes:
    """CometBFT's address of an ed25519 key: the first 20 bytes of its sha256."""
    return hashlib.sha256(pubkey).digest()[:20]


def pubkey_any(pubkey: bytes) -> AnyProto:
    return AnyProto(
        type_url=ED25519_PUBKEY_URL, value=Ed25519PubKey(key=pubkey).SerializeToString()
    )


def int_of(text: str) -> int:
    """A math.Int as this module stores it (decimal digits; empty is zero)."""
    return int(text) if text else 0


class Validator:
    """A validator: its stored ``ValidatorHV`` proto with typed accessors."""

    __slots__ = ("operator", "proto")

    def __init__(self, proto: hv.ValidatorHV, operator: bytes) -> None:
        self.proto = proto
        self.operator = operator  # the operator's address bytes (account and valoper alike)

    @classmethod
    def decode(cls, raw: bytes, operator: bytes) -> Validator:
        return cls(hv.ValidatorHV.FromString(raw), operator)

    def encode(self) -> bytes:
        return self.proto.SerializeToString()

    # -- identity ----------------------------------------------------------------------
    @property
    def operator_address(self) -> str:
        return str(self.proto.operator_address)

    @property
    def account_address(self) -> str:
        return acc_string(self.operator)

    @property
    def cons_pubkey(self) -> bytes:
        return bytes(Ed25519PubKey.FromString(self.proto.consensus_pubkey.value).key)

    @property
    def cons_address(self) -> bytes:
        return cons_address(self.cons_pubkey)

    @property
    def cons_address_str(self) -> str:
        return cons_string(self.cons_address)

    @property
    def moniker(self) -> str:
        return str(self.proto.description.moniker)

    # -- status ------------------------------------------------------------------------
    @property
    def status(self) -> int:
        return int(self.proto.status)

    @property
    def jailed(self) -> bool:
        return bool(self.proto.jailed)

    def is_bonded(self) -> bool:
        return self.status == BONDED

    def is_unbonding(self) -> bool:
        return self.status == UNBONDING

    def is_unbonded(self) -> bool:
        return self.status == UNBONDED

    # -- stake ---------------------------------------------------------------------------
    @property
    def tokens(self) -> int:
        return int_of(self.proto.tokensNative)

    @tokens.setter
    def tokens(self, n: int) -> None:
        if n < 0:
            raise ValueError(f"validator {self.operator_address} tokens would be negative: {n}")
        self.proto.tokensNative = str(n)

    @property
    def delegator_shares(self) -> Dec:
        return Dec.from_atomics(self.proto.delegator_shares)

    @delegator_shares.setter
    def delegator_shares(self, d: Dec) -> None:
        self.proto.delegator_shares = d.atomics()

    @property
    def min_self_delegation(self) -> int:
        return int_of(self.proto.min_self_delegation)

    @property
    def commission_rate(self) -> Dec:
        return Dec.from_atomics(self.proto.commission.commission_rates.rate)

    def bonded_tokens(self) -> int:
        """Tokens while bonded, else 0 (the SDK's BondedTokens; native stake only)."""
        return self.tokens if self.is_bonded() else 0

    def potential_power(self, reduction: int = POWER_REDUCTION) -> int:
        """Power by tokens, bonded or not (the SDK's PotentialConsensusPower)."""
        return self.tokens // reduction

    def consensus_power(self, reduction: int = POWER_REDUCTION) -> int:
        return self.potential_power(reduction) if self.is_bonded() else 0

    def invalid_ex_rate(self) -> bool:
        """Shares outstanding but no tokens left (slashed to zero): nobody may delegate."""
        return self.tokens == 0 and self.delegator_shares.is_positive()

    def tokens_from_shares(self, shares: Dec) -> Dec:
        return shares.mul_int(self.tokens).quo(self.delegator_shares)

    def tokens_from_shares_truncated(self, shares: Dec) -> Dec:
        return shares.mul_int(self.tokens).quo_truncate(self.delegator_shares)

    def shares_from_tokens(self, amount: int) -> Dec:
        if self.tokens == 0:
            raise ErrInsufficientShares.wrap("")
        return self.delegator_shares.mul_int(amount).quo_int(self.tokens)

    def shares_from_tokens_truncated(self, amount: int) -> Dec:
        if self.tokens == 0:
            raise ErrInsufficientShares.wrap("")
        return self.delegator_shares.mul_int(amount).quo_truncate(Dec.of(self.tokens))

    def add_tokens_from_del(self, amount: int) -> Dec:
        """Bond ``amount`` more; returns the shares issued for it."""
        if self.delegator_shares.is_zero():
            issued = Dec.of(amount)
        else:
            issued = self.shares_from_tokens(amount)
        self.tokens = self.tokens + amount
        self.delegator_shares = self.delegator_shares + issued
        return issued

    def remove_del_shares(self, shares: Dec) -> int:
        """Retire ``shares``; returns the tokens they were worth (truncated). The last
        shares take every token left, so no dust stays behind."""
        remaining = self.delegator_shares - shares
        if remaining.is_negative():
            raise ErrInsufficientShares.wrap(f"{shares} > {self.delegator_shares}")
        if remaining.is_zero():
            issued = self.tokens
            self.tokens = 0
        else:
            issued = self.tokens_from_shares(shares).truncate_int()
            self.tokens = self.tokens - issued
        self.delegator_shares = remaining
        return issued

    def remove_tokens(self, amount: int) -> None:
        self.tokens = self.tokens - amount


def new_validator(
    operator: bytes, pubkey: bytes, description: Any, commission: Any, min_self: int
) -> Validator:
    proto = hv.ValidatorHV(
        operator_address=val_string(operator),
        consensus_pubkey=pubkey_any(pubkey),
        jailed=False,
        status=UNBONDED,
        tokensNative="0",
        tokensAVS="0",
        delegator_shares=ZERO.atomics(),
        unbonding_height=0,
        min_self_delegation=str(min_self),
    )
    proto.description.CopyFrom(description)
    proto.unbonding_time.CopyFrom(timestamp(0))
    proto.commission.CopyFrom(commission)
    return Validator(proto, operator)


def delegation_shares(d: st.Delegation) -> Dec:
    return Dec.from_atomics(d.shares)


__all__ = [
    "BONDED",
    "BONDED_POOL",
    "MODULE",
    "NOT_BONDED_POOL",
    "POWER_REDUCTION",
    "STORE_KEY",
    "UNBONDED",
    "UNBONDING",
    "Validator",
    "cons_address",
    "new_validator",
    "pubkey_any",
    "rfc3339",
    "timestamp",
    "ts_ns",
]
