"""zrchain.omni.Query: a zrSign request's policy action, an owner's, EIP-712 nonces and the
domain (docs/zrsign-policies.md)."""

from __future__ import annotations

from zrchain import module
from zrchain.chains.caip import Caip10Error, zrsign_cache_id
from zrchain.chains.errors import ChainDataError
from zrchain.chains.evm import normalize_evm_address
from zrchain.codec.gen.zrchain.omni import query_pb2 as q
from zrchain.context import Context
from zrchain.crypto.hashes import keccak256
from zrchain.errors import ChainError, invalid_argument
from zrchain.x.omni import typed_data
from zrchain.x.omni.expected import Policies, ZrSignOwners
from zrchain.x.omni.keeper import OmniKeeper
from zrchain.x.omni.types import ErrNotFound
from zrchain.x.pagination import page_of
from zrchain.x.policy.query_server import action_response
from zrchain.x.policy.types import status_name


class OmniQueryServer(module.QueryServer):
    descriptor = q.DESCRIPTOR.services_by_name["Query"]

    def __init__(self, keeper: OmniKeeper, policies: Policies, zrsign: ZrSignOwners) -> None:
        self.k = keeper
        self.policies = policies
        self.zrsign = zrsign

    def zr_sign_action(
        self, ctx: Context, req: q.QueryZrSignActionRequest
    ) -> q.QueryZrSignActionResponse:
        cache = bytes(req.cache_id)
        if not cache:
            try:
                trace = int(req.trace_id, 10)
                cache = zrsign_cache_id(req.caip2, req.contract, trace)
            except (ValueError, Caip10Error, OverflowError) as exc:
                raise invalid_argument(
                    f"give cache_id, or caip2, contract and a decimal trace_id ({exc})"
                ) from None
        aid = self.zrsign.zr_sign_action(ctx, cache)
        act = None if aid is None else self.policies.get_action(ctx, aid)
        if aid is None or act is None:
            raise ErrNotFound.wrap(f"no zrSign request under a policy with cache_id {cache.hex()}")
        return q.QueryZrSignActionResponse(
            action_id=aid, cache_id=cache, action=action_response(act)
        )

    def zr_sign_actions(
        self, ctx: Context, req: q.QueryZrSignActionsRequest
    ) -> q.QueryZrSignActionsResponse:
        try:
            items, page = self.zrsign.zr_sign_actions_page(ctx, req.owner, page_of(req))
        except ChainError as exc:
            raise invalid_argument(exc.log) from None
        out = []
        for aid, cache in items:
            act = self.policies.get_action(ctx, aid)
            status = status_name(act.status) if act is not None else ""
            out.append(q.ZrSignActionEntry(action_id=aid, cache_id=cache, status=status))
        return q.QueryZrSignActionsResponse(actions=out, pagination=page)

    def evm_nonce(self, ctx: Context, req: q.QueryEvmNonceRequest) -> q.QueryEvmNonceResponse:
        try:
            address = normalize_evm_address(req.address)
        except ChainDataError as exc:
            raise invalid_argument(str(exc)) from None
        return q.QueryEvmNonceResponse(nonce=self.k.nonce(ctx, address))

    def typed_data_domain(
        self, ctx: Context, req: q.QueryTypedDataDomainRequest
    ) -> q.QueryTypedDataDomainResponse:
        return q.QueryTypedDataDomainResponse(
            name=typed_data.DOMAIN_NAME,
            version=typed_data.DOMAIN_VERSION,
            salt="0x" + keccak256(ctx.chain_id.encode()).hex(),
            chain_id=ctx.chain_id,
        )
