"""What x/identity needs from other modules (the SDK's expected keepers)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from zrchain.codec.coins import Coins
from zrchain.codec.gen.zrchain.policy import policy_pb2
from zrchain.context import Context
from zrchain.x.policy.gate import PolicyGate


class PolicyGates(Protocol):
    """x/policy's engine: gate Msgs behind policies, and the policy look-ups workspace
    checks need (implemented by ``zrchain.x.policy.engine.Engine``)."""

    def declare(self, *gates: PolicyGate[Any, Any]) -> None: ...

    def submit(
        self,
        ctx: Context,
        msg: Any,
        *,
        policy_id: int,
        btl: int,
        owners: Sequence[str],
        policy_data: Mapping[str, bytes] | None = None,
        on_action: Callable[[int], None] | None = None,
    ) -> Any: ...

    def policy_members_are_owners(
        self, ctx: Context, policy_id: int, owners: Sequence[str]
    ) -> None: ...

    def get_policy_participants(self, ctx: Context, policy_id: int) -> list[str]: ...

    def get_policy(self, ctx: Context, policy_id: int) -> policy_pb2.Policy | None: ...


class KeyringFees(Protocol):
    """x/bank: the keyring creation fee goes to a module account."""

    def send_to_module(
        self, ctx: Context, from_addr: bytes, module: str, coins: Coins, from_str: str = ""
    ) -> None: ...
