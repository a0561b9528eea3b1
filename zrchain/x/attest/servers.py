"""zrchain.attest Msg and Query services: the switch between the relayer path and
attestation, changed by a gov proposal (the gov module account is the one authority, as for
every module's MsgUpdateParams; docs/attestation.md, docs/gov.md)."""

from __future__ import annotations

from zrchain import module
from zrchain.codec import address
from zrchain.codec.gen.zrchain.attest import attest_pb2 as pb
from zrchain.context import Context
from zrchain.errors import register
from zrchain.module import validate_basic
from zrchain.x.attest.keeper import STORE_KEY, AttestKeeper
from zrchain.x.gov.types import require_gov

ErrInvalidParams = register(STORE_KEY, 2, "invalid attest params")
#: Held-back requests are kept at most this long (about a week of 1 s blocks).
MAX_DEFER_BLOCKS = 1_000_000
#: Bounds that keep a built transaction's fields sane (30M gas: a full Ethereum block).
MAX_SIMPLE_TX_CALL_GAS = 30_000_000
MAX_SIMPLE_TX_PRIORITY_FEE = 10**15


def check_params(params: pb.Params) -> None:
    if params.max_defer_blocks > MAX_DEFER_BLOCKS:
        raise ErrInvalidParams.wrap(f"max_defer_blocks above {MAX_DEFER_BLOCKS}")
    if params.simple_tx_call_gas > MAX_SIMPLE_TX_CALL_GAS:
        raise ErrInvalidParams.wrap(f"simple_tx_call_gas above {MAX_SIMPLE_TX_CALL_GAS}")
    if params.simple_tx_priority_fee > MAX_SIMPLE_TX_PRIORITY_FEE:
        raise ErrInvalidParams.wrap(f"simple_tx_priority_fee above {MAX_SIMPLE_TX_PRIORITY_FEE}")


def validate_update(msg: pb.MsgUpdateParams) -> None:
    address.acc_bytes(msg.authority)
    check_params(msg.params)


class AttestMsgServer(module.MsgServer):
    descriptor = pb.DESCRIPTOR.services_by_name["Msg"]

    def __init__(self, keeper: AttestKeeper) -> None:
        self.k = keeper

    @validate_basic(validate_update)
    def update_params(self, ctx: Context, msg: pb.MsgUpdateParams) -> pb.MsgUpdateParamsResponse:
        require_gov(msg.authority)
        self.k.set_params(ctx, msg.params)
        ctx.emit(
            "attest_params",
            ("enabled", "true" if msg.params.enabled else "false"),
            ("max_defer_blocks", str(msg.params.max_defer_blocks)),
        )
        return pb.MsgUpdateParamsResponse()


class AttestQueryServer(module.QueryServer):
    descriptor = pb.DESCRIPTOR.services_by_name["Query"]

    def __init__(self, keeper: AttestKeeper) -> None:
        self.k = keeper

    def params(self, ctx: Context, req: pb.QueryParamsRequest) -> pb.QueryParamsResponse:
        return pb.QueryParamsResponse(params=self.k.params(ctx))
