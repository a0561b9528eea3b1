"""zrchain.validation.Query: validators, delegations, unbondings, pool and params (the SDK's
x/staking answers, on zrChain's types and REST routes)."""

from __future__ import annotations

from typing import Any

from zrchain import module
from zrchain.codec import address
from zrchain.codec.coins import Coin
from zrchain.codec.dec import Dec
from zrchain.codec.gen.zrchain.validation import hybrid_validation_pb2 as hv
from zrchain.codec.gen.zrchain.validation import query_pb2 as q
from zrchain.codec.gen.zrchain.validation import staking_pb2 as st
from zrchain.context import Context
from zrchain.errors import invalid_argument, not_found
from zrchain.x.validation import types as t
from zrchain.x.validation.keeper import ValidationKeeper

_HYBRID = "hybrid validation (oracle headers, Solana, zenBTC) is not part of this node"
_STATUSES = {name: code for code, name in t.STATUS_NAMES.items()}


def _page(req: Any) -> Any:
    return req.pagination if req.HasField("pagination") else None


def _val(text: str) -> bytes:
    return address.query_arg(text, address.val_bytes, "validator address cannot be empty")


def _del(text: str) -> bytes:
    return address.query_arg(text, address.acc_bytes, "delegator address cannot be empty")


class ValidationQueryServer(module.QueryServer):
    descriptor = q.DESCRIPTOR.services_by_name["Query"]
    absent = {
        "QueryBackfillRequests": _HYBRID,
        "SolanaCounters": _HYBRID,
    }

    def __init__(self, keeper: ValidationKeeper) -> None:
        self.k = keeper

    def _delegation_response(self, ctx: Context, d: st.Delegation) -> st.DelegationResponse:
        v = self.k.validator(ctx, address.val_bytes(d.validator_address))
        tokens = 0
        if v is not None and v.delegator_shares.is_positive():
            tokens = v.tokens_from_shares(Dec.from_atomics(d.shares)).truncate_int()
        return st.DelegationResponse(
            delegation=d, balance=Coin(self.k.bond_denom(ctx), tokens).to_proto()
        )

    def _redelegation_response(self, ctx: Context, red: st.Redelegation) -> st.RedelegationResponse:
        dst = self.k.validator(ctx, address.val_bytes(red.validator_dst_address))
        out = st.RedelegationResponse(redelegation=red)
        for e in red.entries:
            balance = 0
            if dst is not None and dst.delegator_shares.is_positive():
                balance = dst.tokens_from_shares(Dec.from_atomics(e.shares_dst)).truncate_int()
            out.entries.add(redelegation_entry=e, balance=str(balance))
        return out

    # -- validators ----------------------------------------------------------------------
    def validators(self, ctx: Context, req: q.QueryValidatorsRequest) -> q.QueryValidatorsResponse:
        status = _STATUSES.get(req.status) if req.status else None
        if req.status and status is None:
            raise invalid_argument(f"invalid validator status {req.status}")

        def pick(v: t.Validator) -> hv.ValidatorHV | None:
            return v.proto if status is None or v.status == status else None

        items, page = self.k.validators_page(ctx, _page(req), pick)
        return q.QueryValidatorsResponse(validators=items, pagination=page)

    def validator(self, ctx: Context, req: q.QueryValidatorRequest) -> q.QueryValidatorResponse:
        v = self.k.validator(ctx, _val(req.validator_addr))
        if v is None:
            raise not_found(f"validator {req.validator_addr} not found")
        return q.QueryValidatorResponse(validator=v.proto)

    def validator_delegations(
        self, ctx: Context, req: q.QueryValidatorDelegationsRequest
    ) -> q.QueryValidatorDelegationsResponse:
        val_addr = _val(req.validator_addr)

        items, page = self.k.validator_delegations_page(
            ctx, val_addr, _page(req), lambda d: self._delegation_response(ctx, d)
        )
        return q.QueryValidatorDelegationsResponse(delegation_responses=items, pagination=page)

    def validator_unbonding_delegations(
        self, ctx: Context, req: q.QueryValidatorUnbondingDelegationsRequest
    ) -> q.QueryValidatorUnbondingDelegationsResponse:
        val_addr = _val(req.validator_addr)

        items, page = self.k.validator_unbondings_page(ctx, val_addr, _page(req))
        return q.QueryValidatorUnbondingDelegationsResponse(
            unbonding_responses=items, pagination=page
        )

    # -- one delegator -------------------------------------------------------------------------
    def delegation(self, ctx: Context, req: q.QueryDelegationRequest) -> q.QueryDelegationResponse:
        del_addr, val_addr = _del(req.delegator_addr), _val(req.validator_addr)
        d = self.k.delegation(ctx, del_addr, val_addr)
        if d is None:
            raise not_found(
                f"delegation with delegator {req.delegator_addr} not found for validator "
                f"{req.validator_addr}"
            )
        return q.QueryDelegationResponse(delegation_response=self._delegation_response(ctx, d))

    def unbonding_delegation(
        self, ctx: Context, req: q.QueryUnbondingDelegationRequest
    ) -> q.QueryUnbondingDelegationResponse:
        del_addr, val_addr = _del(req.delegator_addr), _val(req.validator_addr)
        ubd = self.k.unbonding_delegation(ctx, del_addr, val_addr)
        if ubd is None:
            raise not_found(
                f"unbonding delegation with delegator {req.delegator_addr} not found for "
                f"validator {req.validator_addr}"
            )
        return q.QueryUnbondingDelegationResponse(unbond=ubd)

    def delegator_delegations(
        self, ctx: Context, req: q.QueryDelegatorDelegationsRequest
    ) -> q.QueryDelegatorDelegationsResponse:
        del_addr = _del(req.delegator_addr)
        items, page = self.k.delegator_delegations_page(
            ctx, del_addr, _page(req), lambda d: self._delegation_response(ctx, d)
        )
        return q.QueryDelegatorDelegationsResponse(delegation_responses=items, pagination=page)

    def delegator_unbonding_delegations(
        self, ctx: Context, req: q.QueryDelegatorUnbondingDelegationsRequest
    ) -> q.QueryDelegatorUnbondingDelegationsResponse:
        del_addr = _del(req.delegator_addr)
        items, page = self.k.delegator_unbondings_page(ctx, del_addr, _page(req))
        return q.QueryDelegatorUnbondingDelegationsResponse(
            unbonding_responses=items, pagination=page
        )

    def redelegations(
        self, ctx: Context, req: q.QueryRedelegationsRequest
    ) -> q.QueryRedelegationsResponse:
        if req.delegator_addr and req.src_validator_addr and req.dst_validator_addr:
            d, s, x = (
                _del(req.delegator_addr),
                _val(req.src_validator_addr),
                _val(req.dst_validator_addr),
            )
            red = self.k.redelegation(ctx, d, s, x)
            if red is None:
                raise not_found(
                    f"redelegation not found for delegator address {req.delegator_addr} from "
                    f"validator address {req.src_validator_addr}"
                )
            return q.QueryRedelegationsResponse(
                redelegation_responses=[self._redelegation_response(ctx, red)]
            )
        if not req.delegator_addr and req.src_validator_addr and not req.dst_validator_addr:
            src = _val(req.src_validator_addr)
            items, page = self.k.redelegations_from_page(
                ctx, src, _page(req), lambda r: self._redelegation_response(ctx, r)
            )
            return q.QueryRedelegationsResponse(redelegation_responses=items, pagination=page)
        del_addr = _del(req.delegator_addr)
        items, page = self.k.delegator_redelegations_page(
            ctx, del_addr, _page(req), lambda r: self._redelegation_response(ctx, r)
        )
        return q.QueryRedelegationsResponse(redelegation_responses=items, pagination=page)

    def delegator_validators(
        self, ctx: Context, req: q.QueryDelegatorValidatorsRequest
    ) -> q.QueryDelegatorValidatorsResponse:
        del_addr = _del(req.delegator_addr)

        def pick(d: st.Delegation) -> hv.ValidatorHV | None:
            v = self.k.validator(ctx, address.val_bytes(d.validator_address))
            return None if v is None else v.proto

        items, page = self.k.delegator_delegations_page(ctx, del_addr, _page(req), pick)
        return q.QueryDelegatorValidatorsResponse(validators=items, pagination=page)

    def delegator_validator(
        self, ctx: Context, req: q.QueryDelegatorValidatorRequest
    ) -> q.QueryDelegatorValidatorResponse:
        del_addr, val_addr = _del(req.delegator_addr), _val(req.validator_addr)
        if self.k.delegation(ctx, del_addr, val_addr) is None:
            raise not_found(
                f"delegation with delegator {req.delegator_addr} not found for validator "
                f"{req.validator_addr}"
            )
        v = self.k.validator(ctx, val_addr)
        if v is None:
            raise not_found(f"validator {req.validator_addr} not found")
        return q.QueryDelegatorValidatorResponse(validator=v.proto)

    def historical_info(
        self, ctx: Context, req: q.QueryHistoricalInfoRequest
    ) -> q.QueryHistoricalInfoResponse:
        """The header and bonded set recorded at ``height`` (the last
        ``historical_entries`` heights are kept)."""
        if req.height < 0:
            raise invalid_argument("height cannot be negative")
        info = self.k.historical_info(ctx, req.height)
        if info is None:
            raise not_found(f"historical info for height {req.height} not found")
        return q.QueryHistoricalInfoResponse(hist=info)

    # -- pool, params, powers ------------------------------------------------------------------
    def pool(self, ctx: Context, req: q.QueryPoolRequest) -> q.QueryPoolResponse:
        return q.QueryPoolResponse(
            pool=st.Pool(
                not_bonded_tokens=str(self.k.pool_balance(ctx, t.NOT_BONDED_POOL)),
                bonded_tokens=str(self.k.pool_balance(ctx, t.BONDED_POOL)),
            )
        )

    def params(self, ctx: Context, req: q.QueryParamsRequest) -> q.QueryParamsResponse:
        return q.QueryParamsResponse(Params=self.k.params(ctx), HVParams=hv.HVParams())

    def validator_power(self, ctx: Context, req: q.QueryPowerRequest) -> q.QueryPowerResponse:
        out = q.QueryPowerResponse(height=ctx.height)
        total = 0
        for v in self.k.iterate_validators(ctx):
            power = v.consensus_power()
            total += power
            out.validator_power.add(
                operator_addr=v.operator_address,
                cons_addr=v.cons_address_str,
                power=power,
                jailed=v.jailed,
                status=v.status,
            )
        out.total_power = total
        return out


__all__ = ["ValidationQueryServer"]
