"""What x/treasury needs from other modules (the SDK's expected keepers)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from zrchain.codec.coins import Coins
from zrchain.codec.gen.zrchain.identity import keyring_pb2, workspace_pb2
from zrchain.codec.gen.zrchain.policy import action_pb2, policy_pb2
from zrchain.context import Context
from zrchain.x.auth.keeper import Account
from zrchain.x.policy.gate import PolicyGate
from zrchain.x.policy.policies import AnyInGroup


class IdentityAccess(Protocol):
    """x/identity (``IdentityModule.api``): workspaces, keyrings and the zrSign scheme."""

    def get_workspace(self, ctx: Context, addr: str) -> workspace_pb2.Workspace | None: ...

    def get_keyring(self, ctx: Context, addr: str) -> keyring_pb2.Keyring | None:
        """The keyring at ``addr``, or None (treasury also refuses inactive ones)."""
        ...

    def any_owner_policy(self, ctx: Context, workspace_addr: str) -> AnyInGroup:
        """The generated default policy of a workspace: any one of its current owners.
        Raises a ChainError when the workspace does not exist."""
        ...

    def get_zr_sign_workspace(
        self, ctx: Context, ext_address: str, wallet_type: int
    ) -> workspace_pb2.Workspace:
        """The zrSign child workspace of ``ext_address`` for ``wallet_type``, creating the
        parent and/or child when missing (docs/identity-policy.md, zrSign workspaces)."""
        ...

    def get_zr_sign_workspaces(
        self, ctx: Context, ext_address: str, wallet_type: str
    ) -> dict[str, str]:
        """alias (wallet type) -> child workspace address of ``ext_address``'s zrSign
        parent; only ``wallet_type`` when non-empty. Raises when there is none."""
        ...


class PolicyGates(Protocol):
    """x/policy's engine: the request Msgs are policy-gated (``gate.PolicyGate``)."""

    def declare(self, *gates: PolicyGate[Any, Any]) -> None: ...

    def submit(
        self,
        ctx: Context,
        msg: Any,
        *,
        policy_id: int,
        btl: int,
        owners: Sequence[str] | None,
        policy_data: Mapping[str, bytes] | None = None,
        on_action: Callable[[int], None] | None = None,
    ) -> Any: ...

    def get_policy(self, ctx: Context, policy_id: int) -> policy_pb2.Policy | None: ...

    def get_action(self, ctx: Context, action_id: int) -> action_pb2.Action | None: ...

    def policy_members_are_owners(
        self, ctx: Context, policy_id: int, owners: Sequence[str]
    ) -> None: ...


class EscrowBank(Protocol):
    """x/bank: fees into and out of the escrow module account, keyring transfers."""

    def send_to_module(
        self, ctx: Context, from_addr: bytes, module: str, coins: Coins, from_str: str = ""
    ) -> None: ...

    def send_from_module(self, ctx: Context, module: str, to_addr: bytes, coins: Coins) -> None: ...

    def send_module_to_module(self, ctx: Context, src: str, dst: str, coins: Coins) -> None: ...

    def send_coins(
        self,
        ctx: Context,
        from_addr: bytes,
        to_addr: bytes,
        coins: Coins,
        from_str: str = "",
        to_str: str = "",
    ) -> None: ...


class AccountKeys(Protocol):
    """x/auth: a party's account key, to check its party signatures."""

    def get_account(self, ctx: Context, addr: bytes) -> Account | None: ...
