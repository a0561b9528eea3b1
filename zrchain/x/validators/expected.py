"""What x/validators needs from other modules (the SDK's expected keepers)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from zrchain.context import Context


class ValidatorSetProposals(Protocol):
    """The validator set as CometBFT has it (``zrchain/valset.py``): read it, propose
    changes that it checks against what CometBFT would refuse."""

    def power(self, ctx: Context, pubkey: bytes) -> int: ...

    def validators(self, ctx: Context) -> Iterator[tuple[bytes, int]]: ...

    def propose(self, ctx: Context, pubkey: bytes, power: int) -> None: ...
