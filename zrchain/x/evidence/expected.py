"""What x/evidence needs from other modules (the SDK's expected keepers)."""

from __future__ import annotations

from typing import Protocol

from cosmpy.protos.cosmos.slashing.v1beta1 import slashing_pb2

from zrchain.codec.dec import Dec
from zrchain.context import Context
from zrchain.x.validation.types import Validator


class EvidenceSlashing(Protocol):
    """x/slashing: slash, jail for good and tombstone a double signer."""

    def params(self, ctx: Context) -> slashing_pb2.Params: ...
    def pubkey(self, ctx: Context, cons: bytes) -> bytes | None: ...
    def signing_info(
        self, ctx: Context, cons: bytes
    ) -> slashing_pb2.ValidatorSigningInfo | None: ...
    def is_tombstoned(self, ctx: Context, cons: bytes) -> bool: ...
    def slash(
        self,
        ctx: Context,
        cons: bytes,
        fraction: Dec,
        power: int,
        distribution_height: int,
        reason: str,
    ) -> int: ...
    def jail_until(self, ctx: Context, cons: bytes, until_ns: int) -> None: ...
    def tombstone(self, ctx: Context, cons: bytes) -> None: ...


class EvidenceStaking(Protocol):
    """x/validation: the validator behind a consensus address, and jailing it."""

    def validator_by_cons_addr(self, ctx: Context, cons_addr: bytes) -> Validator | None: ...
    def jail(self, ctx: Context, v: Validator) -> None: ...
