"""Registration of x/evidence (cosmos.evidence.v1beta1): CometBFT's misbehaviour, handled
at every begin block (the rules are in ``keeper.py``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from types import ModuleType

from cosmpy.protos.cosmos.evidence.v1beta1 import evidence_pb2

from zrchain.codec import address
from zrchain.context import MISBEHAVIOR_DUPLICATE_VOTE, MISBEHAVIOR_LIGHT_CLIENT_ATTACK, Context
from zrchain.module import Genesis, Module, Service
from zrchain.x.evidence import genesis
from zrchain.x.evidence.expected import EvidenceSlashing, EvidenceStaking
from zrchain.x.evidence.keeper import EvidenceKeeper
from zrchain.x.evidence.msg_server import EvidenceMsgServer
from zrchain.x.evidence.query_server import EvidenceQueryServer
from zrchain.x.evidence.types import MODULE, STORE_KEY


@dataclass
class EvidenceModule(Module):
    slashing: EvidenceSlashing | None = None
    staking: EvidenceStaking | None = None
    name: str = MODULE
    store_key: str = STORE_KEY
    keeper: EvidenceKeeper = field(init=False)

    def __post_init__(self) -> None:
        if self.slashing is None or self.staking is None:
            raise ValueError("EvidenceModule needs the slashing and validation keepers")
        self.keeper = EvidenceKeeper(self.slashing, self.staking)

    def services(self) -> Sequence[Service]:
        return (EvidenceMsgServer(self.keeper), EvidenceQueryServer(self.keeper))

    def begin_block(self, ctx: Context) -> None:
        for m in ctx.comet.misbehavior:
            if m.type not in (MISBEHAVIOR_DUPLICATE_VOTE, MISBEHAVIOR_LIGHT_CLIENT_ATTACK):
                ctx.log.error("ignored unknown evidence type %d", m.type)
                continue
            e = evidence_pb2.Equivocation(
                height=m.height,
                power=m.power,
                consensus_address=address.cons_string(m.address),
            )
            e.time.seconds, e.time.nanos = divmod(m.time_ns, 10**9)
            self.keeper.handle_equivocation(ctx, e)

    def genesis(self) -> Genesis:
        return Genesis.of(genesis, self.keeper)

    def cli(self) -> ModuleType:
        from zrchain.x.evidence import cli

        return cli


__all__ = ["EvidenceModule"]
