"""cosmos.distribution.v1beta1.Query: the reward queries wallets and cosmpy use."""

from __future__ import annotations

from cosmpy.protos.cosmos.distribution.v1beta1 import distribution_pb2 as dpb
from cosmpy.protos.cosmos.distribution.v1beta1 import query_pb2 as q

from zrchain import module
from zrchain.codec import address
from zrchain.context import Context
from zrchain.errors import invalid_argument, not_found
from zrchain.x.distribution import deccoins as dc
from zrchain.x.distribution.keeper import DistributionKeeper
from zrchain.x.pagination import page_of


def _acc(text: str) -> bytes:
    return address.query_arg(text, address.acc_bytes, "empty delegator address")


def _val(text: str) -> bytes:
    return address.query_arg(text, address.val_bytes, "empty validator address")


class DistributionQueryServer(module.QueryServer):
    descriptor = q.DESCRIPTOR.services_by_name["Query"]

    def __init__(self, keeper: DistributionKeeper) -> None:
        self.k = keeper

    def _validator(self, ctx: Context, text: str) -> bytes:
        val = _val(text)
        if self.k.staking.validator(ctx, val) is None:
            raise not_found(f"validator {text} does not exist")
        return val

    def params(self, ctx: Context, req: q.QueryParamsRequest) -> q.QueryParamsResponse:
        return q.QueryParamsResponse(params=self.k.params(ctx))

    def validator_distribution_info(
        self, ctx: Context, req: q.QueryValidatorDistributionInfoRequest
    ) -> q.QueryValidatorDistributionInfoResponse:
        val = self._validator(ctx, req.validator_address)
        self_bond: dc.DecCoins = {}
        if self.k.staking.delegation(ctx, val, val) is not None:
            self_bond = self.k.delegation_rewards_now(ctx, val, val)
        return q.QueryValidatorDistributionInfoResponse(
            operator_address=address.acc_string(val),
            self_bond_rewards=dc.to_protos(self_bond),
            commission=dc.to_protos(self.k.commission(ctx, val)),
        )

    def validator_outstanding_rewards(
        self, ctx: Context, req: q.QueryValidatorOutstandingRewardsRequest
    ) -> q.QueryValidatorOutstandingRewardsResponse:
        val = self._validator(ctx, req.validator_address)
        return q.QueryValidatorOutstandingRewardsResponse(
            rewards=dpb.ValidatorOutstandingRewards(
                rewards=dc.to_protos(self.k.outstanding(ctx, val))
            )
        )

    def validator_commission(
        self, ctx: Context, req: q.QueryValidatorCommissionRequest
    ) -> q.QueryValidatorCommissionResponse:
        val = self._validator(ctx, req.validator_address)
        return q.QueryValidatorCommissionResponse(
            commission=dpb.ValidatorAccumulatedCommission(
                commission=dc.to_protos(self.k.commission(ctx, val))
            )
        )

    def validator_slashes(
        self, ctx: Context, req: q.QueryValidatorSlashesRequest
    ) -> q.QueryValidatorSlashesResponse:
        val = _val(req.validator_address)
        if req.ending_height < req.starting_height:
            raise invalid_argument(
                f"starting height greater than ending height ({req.starting_height} > "
                f"{req.ending_height})"
            )
        page = page_of(req)
        events = [
            ev
            for h, ev in self.k.iterate_slash_events(ctx, val)
            if req.starting_height <= h <= req.ending_height
        ]
        offset = int(page.offset) if page is not None else 0
        limit = int(page.limit) if page is not None and page.limit else 100
        out = q.QueryValidatorSlashesResponse(slashes=events[offset : offset + limit])
        out.pagination.total = len(events)
        return out

    def delegation_rewards(
        self, ctx: Context, req: q.QueryDelegationRewardsRequest
    ) -> q.QueryDelegationRewardsResponse:
        delegator = _acc(req.delegator_address)
        val = self._validator(ctx, req.validator_address)
        if self.k.staking.delegation(ctx, delegator, val) is None:
            raise not_found(
                f"delegation with delegator {req.delegator_address} not found for validator "
                f"{req.validator_address}"
            )
        return q.QueryDelegationRewardsResponse(
            rewards=dc.to_protos(self.k.delegation_rewards_now(ctx, val, delegator))
        )

    def delegation_total_rewards(
        self, ctx: Context, req: q.QueryDelegationTotalRewardsRequest
    ) -> q.QueryDelegationTotalRewardsResponse:
        delegator = _acc(req.delegator_address)
        out = q.QueryDelegationTotalRewardsResponse()
        total: dc.DecCoins = {}
        for d in self.k.staking.delegator_delegations(ctx, delegator):
            val = address.val_bytes(d.validator_address)
            r = self.k.delegation_rewards_now(ctx, val, delegator)
            out.rewards.add(validator_address=d.validator_address, reward=dc.to_protos(r))
            total = dc.add(total, r)
        out.total.extend(dc.to_protos(total))
        return out

    def delegator_validators(
        self, ctx: Context, req: q.QueryDelegatorValidatorsRequest
    ) -> q.QueryDelegatorValidatorsResponse:
        delegator = _acc(req.delegator_address)
        return q.QueryDelegatorValidatorsResponse(
            validators=[
                d.validator_address for d in self.k.staking.delegator_delegations(ctx, delegator)
            ]
        )

    def delegator_withdraw_address(
        self, ctx: Context, req: q.QueryDelegatorWithdrawAddressRequest
    ) -> q.QueryDelegatorWithdrawAddressResponse:
        delegator = _acc(req.delegator_address)
        return q.QueryDelegatorWithdrawAddressResponse(
            withdraw_address=address.acc_string(self.k.withdraw_addr(ctx, delegator))
        )

    def community_pool(
        self, ctx: Context, req: q.QueryCommunityPoolRequest
    ) -> q.QueryCommunityPoolResponse:
        return q.QueryCommunityPoolResponse(pool=dc.to_protos(self.k.community_pool(ctx)))


__all__ = ["DistributionQueryServer"]
