"""zrchain.policy.Query handlers (policy.md §9), with the SDK's collection pagination."""

from __future__ import annotations

from typing import Any

from google.protobuf.any_pb2 import Any as AnyProto

from zrchain.codec.gen.zrchain.policy import action_pb2, policy_pb2
from zrchain.codec.gen.zrchain.policy import query_pb2 as q
from zrchain.codec.rest_routes import REST_ROUTES
from zrchain.context import Context
from zrchain.errors import ChainError
from zrchain.module import QueryRoute, RestRoute
from zrchain.x.pagination import collection_paginate
from zrchain.x.policy.engine import Engine
from zrchain.x.policy.keeper import (
    ACTIONS,
    POLICIES,
    SIGN_METHODS,
    PolicyKeeper,
    split_sign_method_key,
)
from zrchain.x.policy.policies import BoolPolicy, unpack_policy
from zrchain.x.policy.types import (
    UNSPECIFIED,
    ErrInternal,
    ErrNotFound,
    collections_not_found,
    status_name,
)

SVC = "/zrchain.policy.Query/"


def _page(req: Any) -> Any:
    return req.pagination if req.HasField("pagination") else None


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


def routes(k: PolicyKeeper, engine: Engine) -> list[QueryRoute]:
    def params(ctx: Context, req: Any) -> Any:
        p = k.params(ctx)
        return q.QueryParamsResponse() if p is None else q.QueryParamsResponse(params=p)

    def actions(ctx: Context, req: Any) -> Any:
        address, status = req.address, req.status

        def select(key: bytes, raw: bytes) -> Any:
            a = action_pb2.Action.FromString(raw)
            if address:
                try:
                    engine.policy_for_action(ctx, a).address_to_participant(address)
                except ChainError:
                    return None
            if status != UNSPECIFIED and a.status != status:
                return None
            return action_response(a)

        items, page = collection_paginate(k.store(ctx), ACTIONS, _page(req), select)
        return q.QueryActionsResponse(actions=items, pagination=page)

    def policies(ctx: Context, req: Any) -> Any:
        def select(key: bytes, raw: bytes) -> Any:
            p = policy_pb2.Policy.FromString(raw)
            unpack_policy(p.policy)  # an unknown policy type fails the whole query, as zrChain
            return q.PolicyResponse(policy=p)

        items, page = collection_paginate(k.store(ctx), POLICIES, _page(req), select)
        return q.QueryPoliciesResponse(policies=items, pagination=page)

    def policy_by_id(ctx: Context, req: Any) -> Any:
        p = k.get_policy(ctx, req.id)
        if p is None:
            raise ErrNotFound.wrap(f"policy {req.id} not found")
        try:
            unpack_policy(p.policy)
        except ChainError as exc:
            raise ErrInternal.wrap(f"new policy response error {exc.log}") from None
        return q.QueryPolicyByIdResponse(policy=q.PolicyResponse(policy=p))

    def sign_methods_by_address(ctx: Context, req: Any) -> Any:
        # A filtered scan of every sign method, as zrChain (so page keys behave the same).
        def select(key: bytes, raw: bytes) -> Any:
            owner, _ = split_sign_method_key(key)
            return AnyProto.FromString(raw) if owner == req.address else None

        items, page = collection_paginate(k.store(ctx), SIGN_METHODS, _page(req), select)
        return q.QuerySignMethodsByAddressResponse(config=items, pagination=page)

    def policies_by_creator(ctx: Context, req: Any) -> Any:
        creators = set(req.creators)

        def select(key: bytes, raw: bytes) -> Any:
            p = policy_pb2.Policy.FromString(raw)
            if p.creator not in creators:
                return None
            out = policy_pb2.Policy(creator=p.creator, id=p.id, name=p.name)
            if p.HasField("policy"):
                out.policy.CopyFrom(p.policy)
            return out

        items, page = collection_paginate(k.store(ctx), POLICIES, _page(req), select)
        return q.QueryPoliciesByCreatorResponse(policies=items, pagination=page)

    def action_details_by_id(ctx: Context, req: Any) -> Any:
        act = k.get_action(ctx, req.id)
        if act is None:
            raise collections_not_found(str(req.id), "zrchain.policy.Action")
        policy = policy_pb2.Policy()
        approvers: list[str] = []
        pending: list[str] = []
        if act.policy_id > 0:
            stored = k.get_policy(ctx, act.policy_id)
            if stored is None:
                raise collections_not_found(str(act.policy_id), "zrchain.policy.Policy")
            policy = stored
            pol = engine.policy_for_action(ctx, act)
            participants = list(pol.participants) if isinstance(pol, BoolPolicy) else []
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

    table = [
        ("Params", q.QueryParamsRequest, q.QueryParamsResponse, params),
        ("Actions", q.QueryActionsRequest, q.QueryActionsResponse, actions),
        ("Policies", q.QueryPoliciesRequest, q.QueryPoliciesResponse, policies),
        ("PolicyById", q.QueryPolicyByIdRequest, q.QueryPolicyByIdResponse, policy_by_id),
        (
            "SignMethodsByAddress",
            q.QuerySignMethodsByAddressRequest,
            q.QuerySignMethodsByAddressResponse,
            sign_methods_by_address,
        ),
        (
            "PoliciesByCreator",
            q.QueryPoliciesByCreatorRequest,
            q.QueryPoliciesByCreatorResponse,
            policies_by_creator,
        ),
        (
            "ActionDetailsById",
            q.QueryActionDetailsByIdRequest,
            q.QueryActionDetailsByIdResponse,
            action_details_by_id,
        ),
    ]
    out = []
    for name, req_cls, resp_cls, handler in table:
        method = SVC + name
        verb, path = REST_ROUTES[method]
        out.append(QueryRoute(method, req_cls, resp_cls, handler, (RestRoute(verb, path),)))
    return out
