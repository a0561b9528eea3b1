"""zrchain.validation.Msg: validators and delegations (zrChain's msg_server.go, the SDK's
x/staking rules); the hybrid-validation RPCs are absent from this node."""

from __future__ import annotations

from typing import Any

from cosmpy.protos.cosmos.crypto.ed25519.keys_pb2 import PubKey as Ed25519PubKey
from google.protobuf.message import DecodeError

from zrchain import module
from zrchain.codec import address
from zrchain.codec.coins import Coin, parse_int
from zrchain.codec.dec import ONE, Dec
from zrchain.codec.gen.zrchain.validation import staking_pb2 as st
from zrchain.codec.gen.zrchain.validation import tx_pb2 as tx
from zrchain.context import Context
from zrchain.errors import (
    ChainError,
    ErrInvalidAddress,
    ErrInvalidRequest,
    ErrInvalidType,
    ErrNotFound,
    register,
)
from zrchain.module import validate_basic
from zrchain.x.validation import params as vparams
from zrchain.x.validation import types as t
from zrchain.x.validation.keeper import ValidationKeeper

ErrGovInvalidSigner = register(
    "gov", 13, "expected gov account as only signer for proposal message"
)
GOV_AUTHORITY = address.acc_string(address.module_address("gov"))
_SECP256K1_PUBKEY_URL = "/cosmos.crypto.secp256k1.PubKey"
_DAY_NS = 24 * 3600 * 10**9

_HYBRID = "hybrid validation (AVS stake, oracle headers, Solana, zenBTC) is not part of this node"


# -- stateless checks (run when the tx is decoded) ----------------------------------------------
def _val_addr(text: str, what: str = "validator") -> bytes:
    try:
        return address.val_bytes(text)
    except ChainError as exc:
        raise ErrInvalidAddress.wrap(f"invalid {what} address: {exc.context}") from None


def _acc_addr(text: str, what: str = "delegator") -> bytes:
    try:
        return address.acc_bytes(text)
    except ChainError as exc:
        raise ErrInvalidAddress.wrap(f"invalid {what} address: {exc.context}") from None


def _amount(coin: Any, what: str) -> int:
    """A positive Coin amount; the denom is checked against the bond denom in the handler."""
    if not coin.denom or not coin.amount:
        raise ErrInvalidRequest.wrap(what)
    try:
        n = parse_int(coin.amount, coin.denom)
    except ChainError:
        raise ErrInvalidRequest.wrap(what) from None
    if n <= 0:
        raise ErrInvalidRequest.wrap(what)
    return n


def _dec(text: str, what: str) -> Dec:
    try:
        return Dec.from_atomics(text)
    except ChainError as exc:
        raise ErrInvalidRequest.wrap(f"invalid {what}: {exc.context}") from None


def _int_field(text: str, what: str) -> int:
    try:
        return parse_int(text or "0", what)
    except ChainError as exc:
        raise ErrInvalidRequest.wrap(f"invalid {what}: {exc.context}") from None


def ensure_description_length(d: st.Description) -> None:
    for value, limit, what in (
        (d.moniker, t.MAX_MONIKER, "moniker"),
        (d.identity, t.MAX_IDENTITY, "identity"),
        (d.website, t.MAX_WEBSITE, "website"),
        (d.security_contact, t.MAX_SECURITY_CONTACT, "security contact"),
        (d.details, t.MAX_DETAILS, "details"),
    ):
        n = len(value.encode())
        if n > limit:
            raise ErrInvalidRequest.wrap(f"invalid {what} length; got: {n}, max: {limit}")


def check_commission_rates(c: st.CommissionRates) -> tuple[Dec, Dec, Dec]:
    rate = _dec(c.rate, "commission rate")
    max_rate = _dec(c.max_rate, "commission max rate")
    max_change = _dec(c.max_change_rate, "commission max change rate")
    if max_rate.is_negative() or rate.is_negative():
        raise t.ErrCommissionNegative.wrap("")
    if max_rate > ONE:
        raise t.ErrCommissionHuge.wrap("")
    if rate > max_rate:
        raise t.ErrCommissionGTMaxRate.wrap("")
    if max_change.is_negative():
        raise t.ErrCommissionChangeRateNegative.wrap("")
    if max_change > max_rate:
        raise t.ErrCommissionChangeRateGTMaxRate.wrap("")
    return rate, max_rate, max_change


def consensus_pubkey(any_pk: Any) -> bytes:
    """The ed25519 key of a MsgCreateValidator (the only type this chain's params allow)."""
    if not any_pk.type_url:
        raise t.ErrEmptyValidatorPubKey.wrap("")
    if any_pk.type_url == _SECP256K1_PUBKEY_URL:
        raise t.ErrValidatorPubKeyTypeNotSupported.wrap("got: secp256k1, expected: [ed25519]")
    if any_pk.type_url != t.ED25519_PUBKEY_URL:
        raise ErrInvalidType.wrap(f"Expecting cryptotypes.PubKey, got {any_pk.type_url}")
    try:
        key = bytes(Ed25519PubKey.FromString(any_pk.value).key)
    except DecodeError as exc:
        raise ErrInvalidType.wrap(f"invalid ed25519 public key: {exc}") from None
    if len(key) != 32:
        raise t.ErrValidatorPubKeyTypeNotSupported.wrap(
            f"ed25519 public key must be 32 bytes, got {len(key)}"
        )
    return key


def validate_create_validator(msg: tx.MsgCreateValidator) -> None:
    op = _val_addr(msg.validator_address)
    if msg.delegator_address and _acc_addr(msg.delegator_address) != op:
        raise ErrInvalidRequest.wrap("delegator address must be the validator's own account")
    consensus_pubkey(msg.pubkey)
    value = _amount(msg.value, "invalid delegation amount")
    if msg.description == st.Description():
        raise ErrInvalidRequest.wrap("empty description")
    if msg.commission == st.CommissionRates():
        raise ErrInvalidRequest.wrap("empty commission")
    check_commission_rates(msg.commission)
    min_self = _int_field(msg.min_self_delegation, "minimum self delegation")
    if min_self <= 0:
        raise ErrInvalidRequest.wrap("minimum self delegation must be a positive integer")
    if value < min_self:
        raise t.ErrSelfDelegationBelowMinimum.wrap("")
    ensure_description_length(msg.description)


def validate_edit_validator(msg: tx.MsgEditValidator) -> None:
    _val_addr(msg.validator_address)
    if msg.description == st.Description():
        raise ErrInvalidRequest.wrap("empty description")
    if msg.min_self_delegation and _int_field(msg.min_self_delegation, "min self") <= 0:
        raise ErrInvalidRequest.wrap("minimum self delegation must be a positive integer")
    if msg.commission_rate:
        rate = _dec(msg.commission_rate, "commission rate")
        if rate > ONE or rate.is_negative():
            raise ErrInvalidRequest.wrap("commission rate must be between 0 and 1 (inclusive)")


def validate_delegate(msg: tx.MsgDelegate) -> None:
    _acc_addr(msg.delegator_address)
    _val_addr(msg.validator_address)
    _amount(msg.amount, "invalid delegation amount")


def validate_redelegate(msg: tx.MsgBeginRedelegate) -> None:
    _acc_addr(msg.delegator_address)
    _val_addr(msg.validator_src_address, "source validator")
    _val_addr(msg.validator_dst_address, "destination validator")
    _amount(msg.amount, "invalid shares amount")


def validate_undelegate(msg: tx.MsgUndelegate) -> None:
    _acc_addr(msg.delegator_address)
    _val_addr(msg.validator_address)
    _amount(msg.amount, "invalid shares amount")


def validate_cancel_unbonding(msg: tx.MsgCancelUnbondingDelegation) -> None:
    _acc_addr(msg.delegator_address)
    _val_addr(msg.validator_address)
    _amount(msg.amount, "invalid amount")
    if msg.creation_height <= 0:
        raise ErrInvalidRequest.wrap("invalid height")


def validate_update_params(msg: tx.MsgUpdateParams) -> None:
    _acc_addr(msg.authority, "authority")


def update_description(old: st.Description, new: st.Description) -> st.Description:
    """Fields given as "[do-not-modify]" keep their value (the SDK's UpdateDescription)."""
    out = st.Description()
    for f in ("moniker", "identity", "website", "security_contact", "details"):
        value = getattr(new, f)
        setattr(out, f, getattr(old, f) if value == t.DO_NOT_MODIFY else value)
    ensure_description_length(out)
    return out


class ValidationMsgServer(module.MsgServer):
    descriptor = tx.DESCRIPTOR.services_by_name["Msg"]
    absent = {
        "UpdateHVParams": _HYBRID,
        "TriggerEventBackfill": _HYBRID,
        "RequestHeaderBackfill": _HYBRID,
        "ManuallyInputBitcoinHeader": _HYBRID,
        "ManuallyInputZcashHeader": _HYBRID,
        "AddToBedrockValSet": _HYBRID,
        "RemoveFromBedrockValSet": _HYBRID,
        "AdvanceSolanaNonce": _HYBRID,
        "SetSolanaCounters": _HYBRID,
    }

    def __init__(self, keeper: ValidationKeeper) -> None:
        self.k = keeper

    def _bond_coin(self, ctx: Context, coin: Any) -> None:
        denom = self.k.bond_denom(ctx)
        if coin.denom != denom:
            raise ErrInvalidRequest.wrap(
                f"invalid coin denomination: got {coin.denom}, expected {denom}"
            )

    def _validator(self, ctx: Context, val_addr: bytes) -> t.Validator:
        return self.k.must_validator(ctx, val_addr)

    @validate_basic(validate_create_validator)
    def create_validator(
        self, ctx: Context, msg: tx.MsgCreateValidator
    ) -> tx.MsgCreateValidatorResponse:
        k = self.k
        op = address.val_bytes(msg.validator_address)
        rate, _, _ = check_commission_rates(msg.commission)
        min_rate = k.min_commission_rate(ctx)
        if rate < min_rate:
            raise t.ErrCommissionLTMinRate.wrap(
                f"cannot set validator commission to less than minimum rate of {min_rate}"
            )
        if k.validator(ctx, op) is not None:
            raise t.ErrValidatorOwnerExists.wrap("")
        pubkey = consensus_pubkey(msg.pubkey)
        if k.validator_by_cons_addr(ctx, t.cons_address(pubkey)) is not None:
            raise t.ErrValidatorPubKeyExists.wrap("")
        self._bond_coin(ctx, msg.value)
        ensure_description_length(msg.description)
        commission = st.Commission(update_time=t.timestamp(ctx.time_ns))
        commission.commission_rates.CopyFrom(msg.commission)
        rates = commission.commission_rates
        for f in ("rate", "max_rate", "max_change_rate"):  # stored as canonical atomics
            setattr(rates, f, Dec.from_atomics(getattr(msg.commission, f)).atomics())
        v = t.new_validator(
            op, pubkey, msg.description, commission, parse_int(msg.min_self_delegation)
        )
        k.set_validator(ctx, v)
        k.set_validator_by_cons_addr(ctx, v)
        k.set_power_index(ctx, v)
        k.hooks.after_validator_created(ctx, op)
        k.delegate(ctx, op, parse_int(msg.value.amount), t.UNBONDED, v, True)
        ctx.emit(
            t.EVENT_CREATE_VALIDATOR,
            ("validator", msg.validator_address),
            ("amount", f"{msg.value.amount}{msg.value.denom}"),
        )
        return tx.MsgCreateValidatorResponse()

    @validate_basic(validate_edit_validator)
    def edit_validator(self, ctx: Context, msg: tx.MsgEditValidator) -> tx.MsgEditValidatorResponse:
        k = self.k
        op = address.val_bytes(msg.validator_address)
        new_rate = Dec.from_atomics(msg.commission_rate) if msg.commission_rate else None
        if new_rate is not None and new_rate < k.min_commission_rate(ctx):
            raise ErrInvalidRequest.wrap(
                f"commission rate cannot be less than the min commission rate "
                f"{k.min_commission_rate(ctx)}"
            )
        v = self._validator(ctx, op)
        v.proto.description.CopyFrom(update_description(v.proto.description, msg.description))
        if new_rate is not None:
            c = v.proto.commission
            rates = c.commission_rates
            if ctx.time_ns - t.ts_ns(c.update_time) < _DAY_NS:
                raise t.ErrCommissionUpdateTime.wrap("")
            if new_rate.is_negative():
                raise t.ErrCommissionNegative.wrap("")
            if new_rate > Dec.from_atomics(rates.max_rate):
                raise t.ErrCommissionGTMaxRate.wrap("")
            if new_rate - Dec.from_atomics(rates.rate) > Dec.from_atomics(rates.max_change_rate):
                raise t.ErrCommissionGTMaxChangeRate.wrap("")
            k.hooks.before_validator_modified(ctx, op)
            rates.rate = new_rate.atomics()
            c.update_time.CopyFrom(t.timestamp(ctx.time_ns))
        if msg.min_self_delegation:
            new_min = parse_int(msg.min_self_delegation)
            if new_min <= v.min_self_delegation:
                raise t.ErrMinSelfDelegationDecreased.wrap("")
            if new_min > v.tokens:
                raise t.ErrSelfDelegationBelowMinimum.wrap("")
            v.proto.min_self_delegation = str(new_min)
        k.set_validator(ctx, v)
        ctx.emit(
            t.EVENT_EDIT_VALIDATOR,
            ("commission_rate", str(v.commission_rate)),
            ("min_self_delegation", str(v.min_self_delegation)),
        )
        return tx.MsgEditValidatorResponse()

    @validate_basic(validate_delegate)
    def delegate(self, ctx: Context, msg: tx.MsgDelegate) -> tx.MsgDelegateResponse:
        k = self.k
        val_addr = address.val_bytes(msg.validator_address)
        del_addr = address.acc_bytes(msg.delegator_address)
        amount = parse_int(msg.amount.amount)
        v = self._validator(ctx, val_addr)
        self._bond_coin(ctx, msg.amount)
        shares = k.delegate(ctx, del_addr, amount, t.UNBONDED, v, True)
        ctx.emit(
            t.EVENT_DELEGATE,
            ("validator", msg.validator_address),
            ("delegator", msg.delegator_address),
            ("amount", f"{amount}{msg.amount.denom}"),
            ("new_shares", str(shares)),
        )
        return tx.MsgDelegateResponse()

    @validate_basic(validate_redelegate)
    def begin_redelegate(
        self, ctx: Context, msg: tx.MsgBeginRedelegate
    ) -> tx.MsgBeginRedelegateResponse:
        k = self.k
        src = address.val_bytes(msg.validator_src_address)
        dst = address.val_bytes(msg.validator_dst_address)
        del_addr = address.acc_bytes(msg.delegator_address)
        amount = parse_int(msg.amount.amount)
        shares = k.validate_unbond_amount(ctx, del_addr, src, amount)
        self._bond_coin(ctx, msg.amount)
        completion = k.begin_redelegation(ctx, del_addr, src, dst, shares)
        ctx.emit(
            t.EVENT_REDELEGATE,
            ("source_validator", msg.validator_src_address),
            ("destination_validator", msg.validator_dst_address),
            ("amount", f"{amount}{msg.amount.denom}"),
            ("completion_time", t.rfc3339(completion)),
        )
        return tx.MsgBeginRedelegateResponse(completion_time=t.timestamp(completion))

    @validate_basic(validate_undelegate)
    def undelegate(self, ctx: Context, msg: tx.MsgUndelegate) -> tx.MsgUndelegateResponse:
        k = self.k
        val_addr = address.val_bytes(msg.validator_address)
        del_addr = address.acc_bytes(msg.delegator_address)
        shares = k.validate_unbond_amount(ctx, del_addr, val_addr, parse_int(msg.amount.amount))
        self._bond_coin(ctx, msg.amount)
        completion, amount = k.undelegate(ctx, del_addr, val_addr, shares)
        coin = Coin(msg.amount.denom, amount)
        ctx.emit(
            t.EVENT_UNBOND,
            ("validator", msg.validator_address),
            ("delegator", msg.delegator_address),
            ("amount", str(coin)),
            ("completion_time", t.rfc3339(completion)),
        )
        return tx.MsgUndelegateResponse(
            completion_time=t.timestamp(completion), amount=coin.to_proto()
        )

    @validate_basic(validate_cancel_unbonding)
    def cancel_unbonding_delegation(
        self, ctx: Context, msg: tx.MsgCancelUnbondingDelegation
    ) -> tx.MsgCancelUnbondingDelegationResponse:
        k = self.k
        val_addr = address.val_bytes(msg.validator_address)
        del_addr = address.acc_bytes(msg.delegator_address)
        amount = parse_int(msg.amount.amount)
        self._bond_coin(ctx, msg.amount)
        v = self._validator(ctx, val_addr)
        if v.invalid_ex_rate():
            raise t.ErrDelegatorShareExRateInvalid.wrap("")
        if v.jailed:
            raise t.ErrValidatorJailed.wrap("")
        ubd = k.unbonding_delegation(ctx, del_addr, val_addr)
        if ubd is None:
            raise ErrNotFound.wrap(
                f"unbonding delegation with delegator {msg.delegator_address} not found for "
                f"validator {msg.validator_address}"
            )
        index = next(
            (i for i, e in enumerate(ubd.entries) if e.creation_height == msg.creation_height),
            -1,
        )
        if index < 0:
            raise ErrNotFound.wrap(
                f"unbonding delegation entry is not found at block height {msg.creation_height}"
            )
        entry = ubd.entries[index]
        balance = t.int_of(entry.balance)
        if balance < amount:
            raise ErrInvalidRequest.wrap(
                "amount is greater than the unbonding delegation entry balance"
            )
        if t.ts_ns(entry.completion_time) < ctx.time_ns:
            raise ErrInvalidRequest.wrap("unbonding delegation is already processed")
        k.delegate(ctx, del_addr, amount, t.UNBONDING, v, False)
        if balance == amount:
            del ubd.entries[index]
        else:
            entry.balance = str(balance - amount)
            entry.initial_balance = str(t.int_of(entry.initial_balance) - amount)
        if ubd.entries:
            k.set_unbonding_delegation(ctx, ubd, del_addr, val_addr)
        else:
            k.remove_unbonding_delegation(ctx, del_addr, val_addr)
        ctx.emit(
            t.EVENT_CANCEL_UNBONDING,
            ("amount", f"{amount}{msg.amount.denom}"),
            ("validator", msg.validator_address),
            ("delegator", msg.delegator_address),
            ("creation_height", str(msg.creation_height)),
        )
        return tx.MsgCancelUnbondingDelegationResponse()

    @validate_basic(validate_update_params)
    def update_params(self, ctx: Context, msg: tx.MsgUpdateParams) -> tx.MsgUpdateParamsResponse:
        if msg.authority != GOV_AUTHORITY:
            raise ErrGovInvalidSigner.wrap(
                f"invalid authority; expected {GOV_AUTHORITY}, got {msg.authority}"
            )
        try:
            vparams.validate(msg.Params)
        except ValueError as exc:
            raise ErrInvalidRequest.wrap(str(exc)) from None
        self.k.set_params(ctx, msg.Params)
        return tx.MsgUpdateParamsResponse()


__all__ = ["GOV_AUTHORITY", "ValidationMsgServer", "consensus_pubkey", "ensure_description_length"]
