"""Registration of x/slashing (cosmos.slashing.v1beta1): liveness at every begin block."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from cosmpy.protos.cosmos.slashing.v1beta1 import genesis_pb2

from zrchain.codec import address
from zrchain.codec.json import from_dict, to_dict
from zrchain.context import Context
from zrchain.errors import ChainError
from zrchain.module import Module, Service
from zrchain.x.slashing.expected import SlashingStaking
from zrchain.x.slashing.hooks import SlashingHooks
from zrchain.x.slashing.keeper import (
    DEFAULT_PARAMS,
    MODULE,
    STORE_KEY,
    SlashingKeeper,
    validate_params,
)
from zrchain.x.slashing.msg_server import SlashingMsgServer
from zrchain.x.slashing.query_server import SlashingQueryServer


@dataclass
class SlashingModule(Module):
    staking: SlashingStaking | None = None
    name: str = MODULE
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

    # -- genesis ---------------------------------------------------------------------------
    def default_genesis(self) -> dict[str, Any]:
        return to_dict(genesis_pb2.GenesisState(params=DEFAULT_PARAMS))

    def _parse(self, data: dict[str, Any]) -> genesis_pb2.GenesisState:
        try:
            return from_dict(data, genesis_pb2.GenesisState())
        except ValueError as exc:
            raise ValueError(f"slashing genesis: {exc}") from None

    def validate_genesis(self, data: dict[str, Any]) -> None:
        gs = self._parse(data)
        try:
            validate_params(gs.params)
            for si in gs.signing_infos:
                address.cons_bytes(si.address)
            for mb in gs.missed_blocks:
                address.cons_bytes(mb.address)
        except (ValueError, ChainError) as exc:
            raise ValueError(f"slashing genesis: {getattr(exc, 'log', exc)}") from None

    def init_genesis(self, ctx: Context, data: dict[str, Any]) -> None:
        gs = self._parse(data)
        k = self.keeper
        k.set_params(ctx, gs.params)
        for v in k.staking.iterate_validators(ctx):  # evidence needs every validator's key
            k.add_pubkey(ctx, v.cons_pubkey, v.cons_address)
        for si in gs.signing_infos:
            k.set_signing_info(ctx, address.cons_bytes(si.address), si.validator_signing_info)
        for mb in gs.missed_blocks:
            cons = address.cons_bytes(mb.address)
            for m in mb.missed_blocks:
                if m.missed:
                    k.set_missed(ctx, cons, int(m.index), True)

    def export_genesis(self, ctx: Context) -> dict[str, Any]:
        k = self.keeper
        gs = genesis_pb2.GenesisState(params=k.params(ctx))
        for cons, info in k.iterate_signing_infos(ctx):
            text = address.cons_string(cons)
            gs.signing_infos.add(address=text, validator_signing_info=info)
            missed = gs.missed_blocks.add(address=text)
            for i in k.missed_indices(ctx, cons):
                missed.missed_blocks.add(index=i, missed=True)
        return to_dict(gs)

    def cli_tx(self) -> Any:
        from zrchain.x.slashing.cli import tx_group

        return tx_group

    def cli_query(self) -> Any:
        from zrchain.x.slashing.cli import query_group

        return query_group


__all__ = ["SlashingModule"]
