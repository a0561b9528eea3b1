"""x/validators: our authority-gated validator set (MsgSetValidator, MsgUpdateParams),
its queries and genesis. Changes are proposed to ``zrchain/valset.py``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from zrchain.codec import address
from zrchain.codec.gen.zrchain.validators import validators_pb2 as pb
from zrchain.codec.json import from_dict, to_dict
from zrchain.context import Context
from zrchain.errors import ChainError
from zrchain.module import Module, Service
from zrchain.valset import ValidatorSet
from zrchain.x.validators.expected import ValidatorSetProposals
from zrchain.x.validators.keeper import STORE_KEY, ValidatorsKeeper
from zrchain.x.validators.msg_server import ValidatorsMsgServer
from zrchain.x.validators.query_server import ValidatorsQueryServer


@dataclass
class ValidatorsModule(Module):
    name: str = "validators"
    store_key: str = STORE_KEY
    keeper: ValidatorsKeeper = field(default_factory=ValidatorsKeeper)
    valset: ValidatorSetProposals = field(default_factory=ValidatorSet)

    def services(self) -> Sequence[Service]:
        return [
            ValidatorsMsgServer(self.keeper, self.valset),
            ValidatorsQueryServer(self.keeper, self.valset),
        ]

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

    def cli(self) -> ModuleType:
        from zrchain.x.validators import cli

        return cli
