"""zrchain.validators.Msg: the authority adds, removes and re-weights validators."""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from zrchain import module
from zrchain.codec import address
from zrchain.codec.gen.zrchain.validators import validators_pb2 as pb
from zrchain.context import Context
from zrchain.errors import ErrUnauthorized, register
from zrchain.module import validate_basic
from zrchain.valset import MAX_TOTAL_VOTING_POWER
from zrchain.x.validators.expected import ValidatorSetProposals
from zrchain.x.validators.keeper import ValidatorsKeeper

ErrInvalidValidator = register("validators", 2, "invalid validator")
MAX_NAME = 70  # bytes; the SDK's staking moniker limit (MaxMonikerLength)


def validate_set(msg: pb.MsgSetValidator) -> None:
    address.acc_bytes(msg.authority)
    if len(msg.pub_key) != 32:
        raise ErrInvalidValidator.wrap(
            f"ed25519 public key must be 32 bytes, got {len(msg.pub_key)}"
        )
    try:
        Ed25519PublicKey.from_public_bytes(bytes(msg.pub_key))
    except ValueError as exc:
        raise ErrInvalidValidator.wrap(f"not an ed25519 public key: {exc}") from exc
    if len(msg.name.encode()) > MAX_NAME:
        raise ErrInvalidValidator.wrap(f"name longer than {MAX_NAME} bytes")
    if msg.power < 0 or msg.power > MAX_TOTAL_VOTING_POWER:
        raise ErrInvalidValidator.wrap(f"power must be between 0 and {MAX_TOTAL_VOTING_POWER}")


class ValidatorsMsgServer(module.MsgServer):
    descriptor = pb.DESCRIPTOR.services_by_name["Msg"]

    def __init__(self, keeper: ValidatorsKeeper, valset: ValidatorSetProposals) -> None:
        self.k = keeper
        self.valset = valset

    def _authorise(self, ctx: Context, signer: str) -> None:
        authority = self.k.params(ctx).authority
        if not authority:
            raise ErrUnauthorized.wrap(
                "validator set changes are disabled: no authority configured"
            )
        if signer != authority:
            raise ErrUnauthorized.wrap(f"invalid authority; expected {authority}, got {signer}")

    @validate_basic(validate_set)
    def set_validator(
        self, ctx: Context, msg: pb.MsgSetValidator
    ) -> pb.MsgSetValidatorResponse:
        """Proposed to the validator set, which refuses what CometBFT would refuse; the
        block's merged updates reach CometBFT at the end of FinalizeBlock."""
        self._authorise(ctx, msg.authority)
        pk, power = bytes(msg.pub_key), int(msg.power)
        existed = self.valset.power(ctx, pk) > 0
        self.valset.propose(ctx, pk, power)
        if power == 0:
            self.k.set_name(ctx, pk, "")
        elif msg.name or not existed:
            self.k.set_name(ctx, pk, msg.name)
        ctx.emit("set_validator", ("pub_key", pk.hex()), ("power", str(power)))
        return pb.MsgSetValidatorResponse()

    def update_params(self, ctx: Context, msg: pb.MsgUpdateParams) -> pb.MsgUpdateParamsResponse:
        self._authorise(ctx, msg.authority)
        if msg.params.authority:
            address.acc_bytes(msg.params.authority)
        self.k.set_params(ctx, msg.params)
        return pb.MsgUpdateParamsResponse()
