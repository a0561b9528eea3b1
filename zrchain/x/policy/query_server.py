"""zrchain.policy.Query, with the SDK's collection pagination."""

from __future__ import annotations

from google.protobuf.any_pb2 import Any as AnyProto

from zrchain import module
from zrchain.codec.gen.zrchain.policy import action_pb2, policy_pb2
from zrchain.codec.gen.zrchain.policy import query_pb2 as q
from zrchain.context import Context
from zrchain.errors import ChainError
from zrchain.x.pagination import page_of
from zrchain.x.policy.engine import Engine
from zrchain.x.policy.keeper import PolicyKeeper
from zrchain.x.policy.policies import BoolPolicy, unpack_policy
from zrchain.x.policy.types import (
    UNSPECIFIED,
    ErrInternal,
    ErrNotFound,
    collections_not_found,
    status_name,
)


def action_response(a: action_pb2.Action) -> action_pb2.ActionResponse:
    r = action_pb2.ActionResponse(
        id=a.id,
        approvers=a.approvers,
        status=status_name(a.status),
        policy_id=a.policy_id,
        creator=a.creator,
        btl=a.btl,
        policy_data=a.policy_data,
    )
    if a.HasField("msg"):
        r.msg.CopyFrom(a.msg)
    return r


class PolicyQueryServer(module.QueryServer):
    descriptor = q.DESCRIPTOR.services_by_name["Query"]

    def __init__(self, keeper: PolicyKeeper, engine: Engine) -> None:
        self.k = keeper
        self.engine = engine

    def params(self, ctx: Context, req: q.QueryParamsRequest) -> q.QueryParamsResponse:
        p = self.k.params(ctx)
        return q.QueryParamsResponse() if p is None else q.QueryParamsResponse(params=p)

    def actions(self, ctx: Context, req: q.QueryActionsRequest) -> q.QueryActionsResponse:
        address, status = req.address, req.status

        def select(a: action_pb2.Action) -> action_pb2.ActionResponse | None:
            if address:
                try:
                    self.engine.policy_for_action(ctx, a).address_to_participant(address)
                except ChainError:
                    return None
            if status != UNSPECIFIED and a.status != status:
                return None
            return action_response(a)

        items, page = self.k.actions_page(ctx, page_of(req), select)
        return q.QueryActionsResponse(actions=items, pagination=page)

    def policies(self, ctx: Context, req: q.QueryPoliciesRequest) -> q.QueryPoliciesResponse:
        def select(p: policy_pb2.Policy) -> q.PolicyResponse:
            unpack_policy(p.policy)  # an unknown policy type fails the whole query, as zrChain
            return q.PolicyResponse(policy=p)

        items, page = self.k.policies_page(ctx, page_of(req), select)
        return q.QueryPoliciesResponse(policies=items, pagination=page)

    def policy_by_id(
        self, ctx: Context, req: q.QueryPolicyByIdRequest
    ) -> q.QueryPolicyByIdResponse:
        p = self.k.get_policy(ctx, req.id)
        if p is None:
            raise ErrNotFound.wrap(f"policy {req.id} not found")
        try:
            unpack_policy(p.policy)
        except ChainError as exc:
            raise ErrInternal.wrap(f"new policy response error {exc.log}") from None
        return q.QueryPolicyByIdResponse(policy=q.PolicyResponse(policy=p))

    def sign_methods_by_address(
        self, ctx: Context, req: q.QuerySignMethodsByAddressRequest
    ) -> q.QuerySignMethodsByAddressResponse:
        def select(owner: str, cfg: AnyProto) -> AnyProto | None:
            return cfg if owner == req.address else None

        items, page = self.k.sign_methods_page(ctx, page_of(req), select)
        return q.QuerySignMethodsByAddressResponse(config=items, pagination=page)

    def policies_by_creator(
        self, ctx: Context, req: q.QueryPoliciesByCreatorRequest
    ) -> q.QueryPoliciesByCreatorResponse:
        creators = set(req.creators)

        def select(p: policy_pb2.Policy) -> policy_pb2.Policy | None:
            if p.creator not in creators:
                return None
            out = policy_pb2.Policy(creator=p.creator, id=p.id, name=p.name)
            if p.HasField("policy"):
                out.policy.CopyFrom(p.policy)
            return out

        items, page = self.k.policies_page(ctx, page_of(req), select)
        return q.QueryPoliciesByCreatorResponse(policies=items, pagination=page)

    def action_details_by_id(
        self, ctx: Context, req: q.QueryActionDetailsByIdRequest
    ) -> q.QueryActionDetailsByIdResponse:
        act = self.k.get_action(ctx, req.id)
        if act is None:
            raise collections_not_found(str(req.id), "zrchain.policy.Action")
        policy = policy_pb2.Policy()
        approvers: list[str] = []
        pending: list[str] = []
        if act.policy_id > 0:
            stored = self.k.get_policy(ctx, act.policy_id)
            if stored is None:
                raise collections_not_found(str(act.policy_id), "zrchain.policy.Policy")
            policy = stored
            rule = self.engine.policy_for_action(ctx, act)
            participants = list(rule.participants) if isinstance(rule, BoolPolicy) else []
            left = dict.fromkeys(participants)
            for a in act.approvers:
                if a in left:
                    approvers.append(a)
                    del left[a]
            pending = list(left)  # participant order (zrChain: Go map order)
        else:
            approvers = list(act.approvers)
        return q.QueryActionDetailsByIdResponse(
            id=act.id,
            action=act,
            policy=policy,
            approvers=approvers,
            pending_approvers=pending,
            current_height=ctx.height,
        )
