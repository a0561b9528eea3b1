"""Registration of x/slashing (cosmos.slashing.v1beta1): liveness at every begin block."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from types import ModuleType

from zrchain.context import Context
from zrchain.module import Genesis, Module, Service
from zrchain.x.slashing import genesis
from zrchain.x.slashing.expected import SlashingStaking
from zrchain.x.slashing.hooks import SlashingHooks
from zrchain.x.slashing.keeper import (
    MODULE,
    STORE_KEY,
    SlashingKeeper,
)
from zrchain.x.slashing.msg_server import SlashingMsgServer
from zrchain.x.slashing.query_server import SlashingQueryServer


@dataclass
class SlashingModule(Module):
    staking: SlashingStaking | None = None
    name: str = MODULE
    consensus_version = 4  # zrChain's
    store_key: str = STORE_KEY
    keeper: SlashingKeeper = field(init=False)

    def __post_init__(self) -> None:
        if self.staking is None:
            raise ValueError("SlashingModule needs the validation keeper")
        self.keeper = SlashingKeeper(self.staking)

    def hooks(self) -> SlashingHooks:
        return SlashingHooks(self.keeper)

    def services(self) -> Sequence[Service]:
        return (SlashingMsgServer(self.keeper), SlashingQueryServer(self.keeper))

    def begin_block(self, ctx: Context) -> None:
        for vote in ctx.comet.votes:
            self.keeper.handle_validator_signature(
                ctx, vote.address, vote.power, vote.block_id_flag
            )

    def genesis(self) -> Genesis:
        return Genesis.of(genesis, self.keeper)

    def cli(self) -> ModuleType:
        from zrchain.x.slashing import cli

        return cli


__all__ = ["SlashingModule"]
