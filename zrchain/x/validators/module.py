"""Registration of x/validators: MsgSetValidator / MsgUpdateParams, queries, genesis."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from zrchain.codec import address
from zrchain.codec.gen.zrchain.validators import validators_pb2 as pb
from zrchain.codec.json import from_dict, to_dict
from zrchain.context import Context
from zrchain.errors import ChainError, ErrUnauthorized, register
from zrchain.module import Module, MsgRoute, QueryRoute, RestRoute, legacy_msg_route
from zrchain.valset import MAX_TOTAL_VOTING_POWER, ValidatorSet
from zrchain.x.validators.keeper import STORE_KEY, ValidatorsKeeper

ErrInvalidValidator = register("validators", 2, "invalid validator")
MAX_NAME = 70  # bytes; the SDK's staking moniker limit (MaxMonikerLength)


def _authorise(ctx: Context, k: ValidatorsKeeper, signer: str) -> None:
    authority = k.params(ctx).authority
    if not authority:
        raise ErrUnauthorized.wrap("validator set changes are disabled: no authority configured")
    if signer != authority:
        raise ErrUnauthorized.wrap(f"invalid authority; expected {authority}, got {signer}")


def validate_set(msg: Any) -> None:
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


@dataclass
class ValidatorsModule(Module):
    name: str = "validators"
    store_key: str = STORE_KEY
    keeper: ValidatorsKeeper = field(default_factory=ValidatorsKeeper)

    valset: ValidatorSet = field(default_factory=ValidatorSet)

    # -- msgs --------------------------------------------------------------------------
    def set_validator(self, ctx: Context, msg: Any) -> Any:
        """Proposed to the validator set, which refuses what CometBFT would refuse; the
        block's merged updates reach CometBFT at the end of FinalizeBlock."""
        k = self.keeper
        _authorise(ctx, k, msg.authority)
        pk, power = bytes(msg.pub_key), int(msg.power)
        existed = self.valset.power(ctx, pk) > 0
        self.valset.propose(ctx, pk, power)
        if power == 0:
            k.set_name(ctx, pk, "")
        elif msg.name or not existed:
            k.set_name(ctx, pk, msg.name)
        ctx.emit("set_validator", ("pub_key", pk.hex()), ("power", str(power)))
        return pb.MsgSetValidatorResponse()

    def validators(self, ctx: Context) -> list[Any]:
        return [
            pb.Validator(pub_key=pk, power=power, name=self.keeper.name(ctx, pk))
            for pk, power in self.valset.validators(ctx)
        ]

    def update_params(self, ctx: Context, msg: Any) -> Any:
        _authorise(ctx, self.keeper, msg.authority)
        if msg.params.authority:
            address.acc_bytes(msg.params.authority)
        self.keeper.set_params(ctx, msg.params)
        return pb.MsgUpdateParamsResponse()

    def msg_routes(self) -> list[MsgRoute]:
        return [
            legacy_msg_route(
                pb.MsgSetValidator, self.set_validator, ("authority",), validate_set, "validators"
            ),
            legacy_msg_route(
                pb.MsgUpdateParams, self.update_params, ("authority",), None, "validators"
            ),
        ]

    # -- queries -----------------------------------------------------------------------
    def query_routes(self) -> list[QueryRoute]:
        k = self.keeper
        svc = "/zrchain.validators.Query/"
        return [
            QueryRoute(
                svc + "Validators",
                pb.QueryValidatorsRequest,
                pb.QueryValidatorsResponse,
                lambda ctx, req: pb.QueryValidatorsResponse(validators=self.validators(ctx)),
                (RestRoute("GET", "/zrchain/validators/validators"),),
            ),
            QueryRoute(
                svc + "Params",
                pb.QueryParamsRequest,
                pb.QueryParamsResponse,
                lambda ctx, req: pb.QueryParamsResponse(params=k.params(ctx)),
                (RestRoute("GET", "/zrchain/validators/params"),),
            ),
        ]

    # -- genesis and blocks --------------------------------------------------------------
    def default_genesis(self) -> dict[str, Any]:
        return to_dict(pb.GenesisState(params=pb.Params()))

    def validate_genesis(self, data: dict[str, Any]) -> None:
        try:
            gs = from_dict(data, pb.GenesisState())
        except ValueError as exc:
            raise ValueError(f"validators genesis: {exc}") from exc
        if gs.params.authority:
            try:
                address.acc_bytes(gs.params.authority)
            except ChainError as exc:
                raise ValueError(f"validators genesis: authority: {exc.log}") from exc

    def init_genesis(self, ctx: Context, data: dict[str, Any]) -> None:
        self.keeper.set_params(ctx, from_dict(data, pb.GenesisState()).params)

    def export_genesis(self, ctx: Context) -> dict[str, Any]:
        return to_dict(pb.GenesisState(params=self.keeper.params(ctx)))

    def cli_tx(self) -> Any:
        from zrchain.x.validators.cli import tx_group

        return tx_group

    def cli_query(self) -> Any:
        from zrchain.x.validators.cli import query_group

        return query_group
