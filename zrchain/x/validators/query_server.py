"""zrchain.validators.Query: the set (with the authority's names) and the params."""

from __future__ import annotations

from zrchain import module
from zrchain.codec.gen.zrchain.validators import validators_pb2 as pb
from zrchain.context import Context
from zrchain.x.validators.expected import ValidatorSetProposals
from zrchain.x.validators.keeper import ValidatorsKeeper


class ValidatorsQueryServer(module.QueryServer):
    descriptor = pb.DESCRIPTOR.services_by_name["Query"]

    def __init__(self, keeper: ValidatorsKeeper, valset: ValidatorSetProposals) -> None:
        self.k = keeper
        self.valset = valset

    def validators(
        self, ctx: Context, req: pb.QueryValidatorsRequest
    ) -> pb.QueryValidatorsResponse:
        return pb.QueryValidatorsResponse(
            validators=[
                pb.Validator(pub_key=pk, power=power, name=self.k.name(ctx, pk))
                for pk, power in self.valset.validators(ctx)
            ]
        )

    def params(self, ctx: Context, req: pb.QueryParamsRequest) -> pb.QueryParamsResponse:
        return pb.QueryParamsResponse(params=self.k.params(ctx))
