"""What x/omni needs from other modules (consumer-side Protocols)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol

from cosmpy.protos.cosmos.base.query.v1beta1.pagination_pb2 import PageRequest, PageResponse
from google.protobuf.any_pb2 import Any as AnyProto

from zrchain.codec.gen.zrchain.policy import action_pb2
from zrchain.context import Context


class Policies(Protocol):
    """x/policy's engine: policies created and actions approved for an EVM account."""

    def new_policy(
        self, ctx: Context, creator: str, name: str, policy: AnyProto, btl: int
    ) -> int: ...

    def approve_as(self, ctx: Context, approver: str, action_id: int) -> str: ...

    def reject_as(
        self, ctx: Context, rejecter: str, action_id: int, rejected: Sequence[str]
    ) -> tuple[str, str]: ...

    def get_action(self, ctx: Context, action_id: int) -> action_pb2.Action | None: ...


class ZrSignOwners(Protocol):
    """x/treasury's zrSign side (its Msg server): the zrSign account, key policies set
    for an owner, and the policy actions of zrSign requests."""

    def zr_sign_account(self, ctx: Context) -> str: ...

    def set_zr_sign_key_policy(
        self, ctx: Context, owner: str, wallet_type: int, wallet_index: int, policy_id: int
    ) -> tuple[int, int, str]:
        """(key id, action id, action status) of MsgUpdateKeyPolicy run for ``owner``."""
        ...

    def zr_sign_action(self, ctx: Context, cache_id: bytes) -> int | None: ...

    def set_zr_sign_action(
        self, ctx: Context, owner: str, cache_id: bytes, action_id: int
    ) -> None: ...

    def iterate_zr_sign_actions(self, ctx: Context) -> Iterator[tuple[str, bytes, int]]:
        """(owner, cache_id, action id) of every zrSign request held by a policy."""
        ...

    def zr_sign_actions_page(
        self, ctx: Context, owner: str, page: PageRequest | None
    ) -> tuple[list[tuple[int, bytes]], PageResponse]: ...
