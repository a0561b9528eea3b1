"""The only code that touches the policy store.

Layout under ``policy/`` (zrChain's collections prefixes, then ours):

=========  =====================================  ================================
prefix     key                                    value
=========  =====================================  ================================
``0x00``   action id (8 bytes BE)                 ``Action``
``0x01``   --                                     last action id (8 bytes BE)
``0x02``   policy id (8 bytes BE)                 ``Policy``
``0x03``   --                                     last policy id (8 bytes BE)
``0x04``   owner ‖ 0x00 ‖ config id               ``Any`` (the sign method)
``0x05``   --                                     ``Params``
``0x06``   btl (8 bytes BE) ‖ action id           empty: PENDING actions by expiry
``policy-port-``                                  IBC port id
=========  =====================================  ================================

``0x06`` is ours (fix 7 of docs/COMPATIBILITY.md): end-block expiry reads only the entries whose
BTL has
passed, so its cost is proportional to the actions expiring, not to all actions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from cosmpy.protos.cosmos.base.query.v1beta1.pagination_pb2 import PageRequest, PageResponse
from google.protobuf.any_pb2 import Any as AnyProto

from zrchain.codec.gen.zrchain.policy import action_pb2, params_pb2, policy_pb2
from zrchain.context import Context
from zrchain.store.kv import prefix_end
from zrchain.x.pagination import collection_paginate
from zrchain.x.policy.types import PENDING, STORE_KEY

T = TypeVar("T")

ACTIONS = b"\x00"
ACTION_COUNT = b"\x01"
POLICIES = b"\x02"
POLICY_COUNT = b"\x03"
SIGN_METHODS = b"\x04"
PARAMS = b"\x05"
EXPIRY = b"\x06"
PORT_KEY = b"policy-port-"

DEFAULT_PARAMS = params_pb2.Params(minimum_btl=10, default_btl=1000)


def u64(n: int) -> bytes:
    return n.to_bytes(8, "big")


def sign_method_key(owner: str, cid: str) -> bytes:
    return SIGN_METHODS + owner.encode() + b"\x00" + cid.encode()


def split_sign_method_key(key: bytes) -> tuple[str, str]:
    """(owner, config id) of a sign-method key relative to the 0x04 prefix."""
    owner, _, cid = key.partition(b"\x00")
    return owner.decode(errors="replace"), cid.decode(errors="replace")


class PolicyKeeper:
    """Typed reads and writes of the policy store; no business rules."""

    def _s(self, ctx: Context) -> Any:
        return ctx.store(STORE_KEY)

    # -- params / port -------------------------------------------------------------------
    def params(self, ctx: Context) -> params_pb2.Params | None:
        raw = self._s(ctx).get(PARAMS)
        return None if raw is None else params_pb2.Params.FromString(raw)

    def set_params(self, ctx: Context, p: params_pb2.Params) -> None:
        self._s(ctx).set(PARAMS, p.SerializeToString())

    def port(self, ctx: Context) -> str:
        raw = self._s(ctx).get(PORT_KEY)
        return raw.decode() if raw else ""

    def set_port(self, ctx: Context, port: str) -> None:
        self._s(ctx).set(PORT_KEY, port.encode())

    # -- counters ------------------------------------------------------------------------
    def _count(self, ctx: Context, key: bytes) -> int | None:
        raw = self._s(ctx).get(key)
        return None if raw is None else int.from_bytes(raw, "big")

    def set_action_count(self, ctx: Context, n: int) -> None:
        self._s(ctx).set(ACTION_COUNT, u64(n))

    def set_policy_count(self, ctx: Context, n: int) -> None:
        self._s(ctx).set(POLICY_COUNT, u64(n))

    def action_count(self, ctx: Context) -> int:
        return self._count(ctx, ACTION_COUNT) or 0

    def policy_count(self, ctx: Context) -> int:
        return self._count(ctx, POLICY_COUNT) or 0

    # -- policies ------------------------------------------------------------------------
    def get_policy(self, ctx: Context, pid: int) -> policy_pb2.Policy | None:
        raw = self._s(ctx).get(POLICIES + u64(pid))
        return None if raw is None else policy_pb2.Policy.FromString(raw)

    def set_policy(self, ctx: Context, p: policy_pb2.Policy) -> None:
        self._s(ctx).set(POLICIES + u64(p.id), p.SerializeToString())

    def create_policy(self, ctx: Context, p: policy_pb2.Policy) -> int:
        """Store under the next id (last id + 1) and return it."""
        p.id = self.policy_count(ctx) + 1
        self.set_policy(ctx, p)
        self.set_policy_count(ctx, p.id)
        return int(p.id)

    def iterate_policies(self, ctx: Context) -> Iterator[policy_pb2.Policy]:
        for _, v in self._s(ctx).iterate(POLICIES, prefix_end(POLICIES)):
            yield policy_pb2.Policy.FromString(v)

    # -- actions -------------------------------------------------------------------------
    def get_action(self, ctx: Context, aid: int) -> action_pb2.Action | None:
        raw = self._s(ctx).get(ACTIONS + u64(aid))
        return None if raw is None else action_pb2.Action.FromString(raw)

    def set_action(self, ctx: Context, act: action_pb2.Action) -> None:
        """Store ``act`` and keep the expiry index in step with its status."""
        s = self._s(ctx)
        key = ACTIONS + u64(act.id)
        old = s.get(key)
        if old is not None:
            prev = action_pb2.Action.FromString(old)
            if prev.status == PENDING and prev.btl > 0:
                s.delete(EXPIRY + u64(prev.btl) + u64(prev.id))
        s.set(key, act.SerializeToString())
        if act.status == PENDING and act.btl > 0:
            s.set(EXPIRY + u64(act.btl) + u64(act.id), b"")

    def create_action(self, ctx: Context, act: action_pb2.Action) -> int:
        act.id = self.action_count(ctx) + 1
        self.set_action(ctx, act)
        self.set_action_count(ctx, act.id)
        return int(act.id)

    def iterate_actions(self, ctx: Context) -> Iterator[action_pb2.Action]:
        for _, v in self._s(ctx).iterate(ACTIONS, prefix_end(ACTIONS)):
            yield action_pb2.Action.FromString(v)

    def expiring(self, ctx: Context, height: int) -> list[tuple[int, int]]:
        """(btl, id) of indexed PENDING actions with ``btl <= height``, in that order."""
        return [
            (int.from_bytes(k[1:9], "big"), int.from_bytes(k[9:17], "big"))
            for k, _ in self._s(ctx).iterate(EXPIRY, EXPIRY + u64(height + 1))
        ]

    def drop_expiry(self, ctx: Context, btl: int, aid: int) -> None:
        self._s(ctx).delete(EXPIRY + u64(btl) + u64(aid))

    # -- sign methods --------------------------------------------------------------------
    def get_sign_method(self, ctx: Context, owner: str, cid: str) -> AnyProto | None:
        raw = self._s(ctx).get(sign_method_key(owner, cid))
        return None if raw is None else AnyProto.FromString(raw)

    def set_sign_method(self, ctx: Context, owner: str, cid: str, cfg: AnyProto) -> None:
        self._s(ctx).set(sign_method_key(owner, cid), cfg.SerializeToString())

    def sign_methods_of(self, ctx: Context, owner: str) -> Iterator[AnyProto]:
        prefix = SIGN_METHODS + owner.encode() + b"\x00"
        for _, v in self._s(ctx).iterate(prefix, prefix_end(prefix)):
            yield AnyProto.FromString(v)

    def iterate_sign_methods(self, ctx: Context) -> Iterator[tuple[str, str, AnyProto]]:
        n = len(SIGN_METHODS)
        for k, v in self._s(ctx).iterate(SIGN_METHODS, prefix_end(SIGN_METHODS)):
            owner, cid = split_sign_method_key(k[n:])
            yield owner, cid, AnyProto.FromString(v)

    # -- pages (the Query service: zrChain's filtered collection pagination) ------------
    def actions_page(
        self,
        ctx: Context,
        page: PageRequest | None,
        select: Callable[[action_pb2.Action], T | None],
    ) -> tuple[list[T], PageResponse]:
        """Actions by id, each kept as ``select(action)`` unless that is None."""
        return collection_paginate(
            self._s(ctx), ACTIONS, page, lambda _k, v: select(action_pb2.Action.FromString(v))
        )

    def policies_page(
        self,
        ctx: Context,
        page: PageRequest | None,
        select: Callable[[policy_pb2.Policy], T | None],
    ) -> tuple[list[T], PageResponse]:
        return collection_paginate(
            self._s(ctx), POLICIES, page, lambda _k, v: select(policy_pb2.Policy.FromString(v))
        )

    def sign_methods_page(
        self,
        ctx: Context,
        page: PageRequest | None,
        select: Callable[[str, AnyProto], T | None],
    ) -> tuple[list[T], PageResponse]:
        """Every sign method, as ``select(owner, config)`` (a filtered scan, as zrChain's, so
        page keys behave the same)."""

        def item(key: bytes, raw: bytes) -> T | None:
            owner, _ = split_sign_method_key(key)
            return select(owner, AnyProto.FromString(raw))

        return collection_paginate(self._s(ctx), SIGN_METHODS, page, item)
