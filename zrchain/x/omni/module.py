"""x/omni (ours): zrSign Omni — EVM accounts create policies, attach them to their zrSign
keys and approve policy actions, gaslessly (EIP-712) or through our contract on any
network the bridge follows (docs/zrsign-policies.md)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from types import ModuleType

from zrchain.module import Genesis, Module, Service
from zrchain.x.omni import genesis
from zrchain.x.omni.expected import Policies, ZrSignOwners
from zrchain.x.omni.genesis import OmniState
from zrchain.x.omni.keeper import OmniKeeper
from zrchain.x.omni.msg_server import OmniMsgServer
from zrchain.x.omni.query_server import OmniQueryServer
from zrchain.x.omni.types import MODULE, STORE_KEY


@dataclass
class OmniModule(Module):
    policy: Policies | None = None  # PolicyModule.engine
    zrsign: ZrSignOwners | None = None  # TreasuryModule.zrsign_owners
    name: str = MODULE
    store_key: str = STORE_KEY
    keeper: OmniKeeper = field(default_factory=OmniKeeper)

    def __post_init__(self) -> None:
        if self.policy is None or self.zrsign is None:
            raise ValueError("OmniModule needs policy= and zrsign=")

    def genesis(self) -> Genesis:
        assert self.zrsign is not None
        return Genesis.of(genesis, OmniState(self.keeper, self.zrsign))

    def cli(self) -> ModuleType:
        from zrchain.x.omni import cli

        return cli

    def services(self) -> Sequence[Service]:
        assert self.policy is not None and self.zrsign is not None
        return [
            OmniMsgServer(self.keeper, self.policy, self.zrsign),
            OmniQueryServer(self.keeper, self.policy, self.zrsign),
        ]
