"""The SDK's gov v1 tally: bonded stake votes; a delegator who did not vote inherits the
vote of each validator it delegates to (its shares are deducted from the validator's own
count only when it voted itself). Weighted votes split one voter's power by weight."""

from __future__ import annotations

from dataclasses import dataclass, field

from cosmpy.protos.cosmos.gov.v1 import gov_pb2

from zrchain.codec.address import acc_bytes, val_bytes
from zrchain.codec.dec import ONE_ATOMICS, Dec
from zrchain.context import Context
from zrchain.x.gov.expected import GovStaking
from zrchain.x.validation.types import delegation_shares

OPTIONS: tuple[int, ...] = (
    gov_pb2.VOTE_OPTION_YES,
    gov_pb2.VOTE_OPTION_ABSTAIN,
    gov_pb2.VOTE_OPTION_NO,
    gov_pb2.VOTE_OPTION_NO_WITH_VETO,
)
ZERO = Dec(0)


@dataclass
class _ValidatorInfo:
    tokens: int
    shares: Dec
    deductions: Dec = ZERO
    vote: list[gov_pb2.WeightedVoteOption] = field(default_factory=list)


@dataclass(frozen=True)
class Outcome:
    passes: bool
    burn_deposits: bool
    result: gov_pb2.TallyResult


def _int(d: Dec) -> str:
    return str(d.i // ONE_ATOMICS)  # truncation (counts are never negative)


def tally_result(results: dict[int, Dec]) -> gov_pb2.TallyResult:
    return gov_pb2.TallyResult(
        yes_count=_int(results[gov_pb2.VOTE_OPTION_YES]),
        abstain_count=_int(results[gov_pb2.VOTE_OPTION_ABSTAIN]),
        no_count=_int(results[gov_pb2.VOTE_OPTION_NO]),
        no_with_veto_count=_int(results[gov_pb2.VOTE_OPTION_NO_WITH_VETO]),
    )


def _add(results: dict[int, Dec], power: Dec, options: list[gov_pb2.WeightedVoteOption]) -> None:
    for o in options:
        results[o.option] = results[o.option] + power.mul(Dec.parse(o.weight))


def tally(
    ctx: Context,
    staking: GovStaking,
    votes: list[gov_pb2.Vote],
    params: gov_pb2.Params,
    expedited: bool = False,
) -> Outcome:
    """Count ``votes`` against the bonded set now; decide pass / burn as the SDK's rules."""
    results: dict[int, Dec] = dict.fromkeys(OPTIONS, ZERO)
    total = ZERO
    validators = {
        v.operator: _ValidatorInfo(v.tokens, v.delegator_shares)
        for v in staking.bonded_validators_by_power(ctx)
    }
    for vote in votes:
        voter = acc_bytes(vote.voter)
        options = list(vote.options)
        if voter in validators:
            validators[voter].vote = options
        for d in staking.delegator_delegations(ctx, voter):
            info = validators.get(val_bytes(d.validator_address))
            if info is None:
                continue
            shares = delegation_shares(d)
            info.deductions = info.deductions + shares
            power = shares.mul_int(info.tokens).quo(info.shares)
            _add(results, power, options)
            total = total + power
    for info in validators.values():
        if not info.vote:
            continue
        power = (info.shares - info.deductions).mul_int(info.tokens).quo(info.shares)
        _add(results, power, info.vote)
        total = total + power

    result = tally_result(results)
    bonded = staking.total_bonded_tokens(ctx)
    if bonded == 0:
        return Outcome(False, False, result)
    if total.quo(Dec.of(bonded)) < Dec.parse(params.quorum):
        return Outcome(False, params.burn_vote_quorum, result)
    abstain = results[gov_pb2.VOTE_OPTION_ABSTAIN]
    if (total - abstain).is_zero():
        return Outcome(False, False, result)
    if results[gov_pb2.VOTE_OPTION_NO_WITH_VETO].quo(total) > Dec.parse(params.veto_threshold):
        return Outcome(False, params.burn_vote_veto, result)
    threshold = params.expedited_threshold if expedited else params.threshold
    if results[gov_pb2.VOTE_OPTION_YES].quo(total - abstain) > Dec.parse(threshold):
        return Outcome(True, False, result)
    return Outcome(False, False, result)


__all__ = ["OPTIONS", "Outcome", "tally", "tally_result"]
