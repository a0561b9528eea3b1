"""x/validation params: zrChain's defaults and the SDK's checks."""

from __future__ import annotations

from google.protobuf.duration_pb2 import Duration

from zrchain.codec.coins import DENOM_RE
from zrchain.codec.dec import ONE, ZERO, Dec
from zrchain.codec.gen.zrchain.validation import staking_pb2 as st

BOND_DENOM = "urock"  # zenrockd init forces it
DEFAULT_UNBONDING_SECONDS = 3 * 7 * 24 * 3600  # three weeks

DEFAULT_PARAMS = st.Params(
    unbonding_time=Duration(seconds=DEFAULT_UNBONDING_SECONDS),
    max_validators=100,
    max_entries=7,
    historical_entries=10000,
    bond_denom=BOND_DENOM,
    min_commission_rate=ZERO.atomics(),
)


def validate(p: st.Params) -> None:
    """Raise ValueError with the SDK's wording for params it would refuse."""
    unbonding = p.unbonding_time.seconds * 10**9 + p.unbonding_time.nanos
    if unbonding <= 0:
        raise ValueError(f"unbonding time must be positive: {unbonding}")
    if p.max_validators == 0:
        raise ValueError("max validators must be positive")
    if p.max_entries == 0:
        raise ValueError("max entries must be positive")
    if not p.bond_denom.strip():
        raise ValueError("bond denom cannot be blank")
    if not DENOM_RE.match(p.bond_denom):
        raise ValueError(f"invalid denom: {p.bond_denom}")
    try:
        rate = Dec.from_atomics(p.min_commission_rate)
    except Exception as exc:
        raise ValueError(f"invalid minimum commission rate: {exc}") from None
    if rate.is_negative():
        raise ValueError(f"minimum commission rate cannot be negative: {rate}")
    if rate > ONE:
        raise ValueError(f"minimum commission rate cannot be greater than 100%: {rate}")


__all__ = ["BOND_DENOM", "DEFAULT_PARAMS", "validate"]
