"""x/mint's params and minter: zrChain's defaults, their checks, and the SDK minter's
formulas (docs/mint.md). All decimals are LegacyDec (``zrchain/codec/dec.py``) with Go's
rounding, so every node computes the same provision."""

from __future__ import annotations

from zrchain.codec import address
from zrchain.codec.coins import DENOM_RE
from zrchain.codec.dec import ONE, Dec
from zrchain.codec.gen.zrchain.mint.v1beta1 import mint_pb2 as pb
from zrchain.errors import ChainError
from zrchain.x.validation.params import BOND_DENOM

# zrChain's DefaultParams / DefaultInitialMinter (x/mint/types), in urock.
DEFAULT_PROTOCOL_WALLET = "zen1fhln2vnudxddpymqy82vzqhnlsfh4stjd683ze"
DEFAULT_PARAMS = pb.Params(
    mint_denom=BOND_DENOM,
    inflation_rate_change=Dec.ratio(13, 100).atomics(),
    inflation_max=Dec.ratio(20, 100).atomics(),
    inflation_min=Dec.ratio(7, 100).atomics(),
    goal_bonded=Dec.ratio(67, 100).atomics(),
    blocks_per_year=60 * 60 * 8766 // 5,  # 5-second blocks
    staking_yield=Dec.ratio(7, 100).atomics(),
    burn_rate=Dec.ratio(10, 100).atomics(),
    protocol_wallet_rate=Dec.ratio(30, 100).atomics(),
    protocol_wallet_address=DEFAULT_PROTOCOL_WALLET,
    additional_staking_rewards=Dec.ratio(30, 100).atomics(),
    additional_mpc_rewards=Dec.ratio(5, 100).atomics(),
    additional_burn_rate=Dec.ratio(25, 100).atomics(),
)
DEFAULT_MINTER = pb.Minter(inflation=Dec.ratio(13, 100).atomics(), annual_provisions="0")

# (field, what zrChain's message calls it, zero allowed)
_RATES = (
    ("inflation_rate_change", "inflation rate change", True),
    ("inflation_max", "max inflation", True),
    ("inflation_min", "min inflation", True),
    ("goal_bonded", "goal bonded", False),
    ("staking_yield", "staking yield", False),
    ("burn_rate", "burn rate", False),
    ("protocol_wallet_rate", "protocol wallet rate", False),
    ("additional_staking_rewards", "additional staking rewards", False),
    ("additional_mpc_rewards", "additional mpc rewards", False),
    ("additional_burn_rate", "additional burn rate", False),
)


def dec(p: pb.Params | pb.Minter, name: str) -> Dec:
    return Dec.from_atomics(getattr(p, name))


def _rate(p: pb.Params, name: str, what: str, zero_ok: bool) -> Dec:
    raw = getattr(p, name)
    if not raw:
        raise ValueError(f"{what} cannot be nil: <nil>")
    try:
        v = Dec.from_atomics(raw)
    except ChainError as exc:
        raise ValueError(f"invalid {what}: {exc.log}") from None
    if v.is_negative() or (not zero_ok and v.is_zero()):
        raise ValueError(f"{what} {'cannot be negative' if zero_ok else 'must be positive'}: {v}")
    if v > ONE:
        raise ValueError(f"{what} too large: {v}")
    return v


def validate_params(p: pb.Params) -> None:
    """zrChain's ``Params.Validate`` (same messages), plus three checks zrChain lacks
    (docs/mint.md "Differences"): the protocol wallet is an account address, and neither
    the fee split nor the surplus split gives away more than all of it."""
    if not p.mint_denom.strip():
        raise ValueError("mint denom cannot be blank")
    if not DENOM_RE.match(p.mint_denom):
        raise ValueError(f"invalid denom: {p.mint_denom}")
    r = {name: _rate(p, name, what, zero_ok) for name, what, zero_ok in _RATES}
    if p.blocks_per_year == 0:
        raise ValueError(f"blocks per year must be positive: {p.blocks_per_year}")
    if r["inflation_max"] < r["inflation_min"]:
        raise ValueError(
            f"max inflation ({r['inflation_max']}) must be greater than or equal to "
            f"min inflation ({r['inflation_min']})"
        )
    try:
        address.acc_bytes(p.protocol_wallet_address)
    except ChainError as exc:
        raise ValueError(f"invalid protocol wallet address: {exc.log}") from None
    if r["burn_rate"] + r["protocol_wallet_rate"] > ONE:
        raise ValueError("burn rate + protocol wallet rate must not exceed 1")
    surplus = r["additional_burn_rate"] + r["additional_mpc_rewards"]
    if surplus + r["additional_staking_rewards"] > ONE:
        raise ValueError(
            "additional burn rate + additional mpc rewards + additional staking rewards "
            "must not exceed 1"
        )


def validate_minter(m: pb.Minter) -> None:
    try:
        inflation = dec(m, "inflation")
        dec(m, "annual_provisions")
    except ChainError as exc:
        raise ValueError(f"invalid minter: {exc.log}") from None
    if inflation.is_negative():
        raise ValueError(f"mint parameter Inflation should be positive, is {inflation}")


# -- the SDK minter's formulas ----------------------------------------------------------------
def bonded_ratio(bonded: int, supply: int) -> Dec:
    """Bonded / staking supply (``LegacyNewDecFromInt(bonded).QuoInt(supply)``), 0 with no
    supply."""
    return Dec.of(bonded).quo_int(supply) if supply > 0 else Dec(0)


def next_inflation(inflation: Dec, p: pb.Params, ratio: Dec) -> Dec:
    """Inflation moves by ``(1 - ratio/goal_bonded) * inflation_rate_change / blocks_per_year``
    per block, kept within [inflation_min, inflation_max]."""
    per_year = (ONE - ratio.quo(dec(p, "goal_bonded"))).mul(dec(p, "inflation_rate_change"))
    out = inflation + per_year.quo(Dec.of(p.blocks_per_year))
    if out > dec(p, "inflation_max"):
        return dec(p, "inflation_max")
    if out < dec(p, "inflation_min"):
        return dec(p, "inflation_min")
    return out


def annual_provisions(inflation: Dec, supply: int) -> Dec:
    return inflation.mul_int(supply)


def block_provision(annual: Dec, p: pb.Params) -> int:
    return annual.quo_int(p.blocks_per_year).truncate_int()


def staking_reward(bonded: int, p: pb.Params) -> int:
    """One block's staking yield on the bonded tokens (``NextStakingReward``)."""
    return Dec.of(bonded).mul(dec(p, "staking_yield")).quo_int(p.blocks_per_year).truncate_int()


def portion(amount: int, rate: Dec) -> int:
    """``LegacyNewDecFromInt(amount).Mul(rate).TruncateInt()``."""
    return Dec.of(amount).mul(rate).truncate_int()


__all__ = [
    "DEFAULT_MINTER",
    "DEFAULT_PARAMS",
    "annual_provisions",
    "block_provision",
    "bonded_ratio",
    "next_inflation",
    "portion",
    "staking_reward",
    "validate_minter",
    "validate_params",
]
