"""The only code that touches the feegrant store.

Layout under ``feegrant/`` (the SDK's keys, plus one index of ours):

* ``0x00 | lp(grantee) | lp(granter)`` -> ``Grant`` (granter, grantee, allowance Any);
* ``0x01 | FormatTimeBytes(expiration) | lp(grantee) | lp(granter)`` -> empty: the expiry
  queue, so pruning reads only what has expired;
* ``0x02 | lp(granter) | lp(grantee)`` -> empty: grants by granter, so
  ``AllowancesByGranter`` costs what the granter gave, not a scan of every grant.

Two deliberate differences from the SDK v0.50 keeper: revoking deletes the grant's own
queue entry (the SDK deletes a key with granter and grantee swapped, leaving a stale
entry), and pruning deletes a grant only when its expiration is the queue entry's (so a
stale entry can never delete a later grant of the same pair).
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice
from typing import Any

from cosmpy.protos.cosmos.base.query.v1beta1.pagination_pb2 import PageRequest, PageResponse
from cosmpy.protos.cosmos.feegrant.v1beta1 import feegrant_pb2

from zrchain.codec.address import acc_string
from zrchain.codec.any import pack
from zrchain.codec.coins import Coins
from zrchain.context import Context
from zrchain.errors import ErrInvalidRequest, ErrNotFound, ErrUnauthorized
from zrchain.store.kv import iterate_prefix
from zrchain.x.feegrant.expected import Accounts
from zrchain.x.feegrant.types import (
    EVENT_REVOKE,
    EVENT_SET,
    EVENT_UPDATE,
    EVENT_USE,
    GRANT_PREFIX,
    PRUNE_LIMIT_PER_BLOCK,
    QUEUE_PREFIX,
    STORE_KEY,
    grant_key,
    grantee_prefix,
    granter_index_key,
    granter_prefix,
    queue_key,
    queue_time_prefix,
    resolve_allowance,
)
from zrchain.x.pagination import paginate
from zrchain.x.storekeys import TIME_BYTES_LEN, split_lp


class FeegrantKeeper:
    def __init__(self, accounts: Accounts, blocked: set[bytes]) -> None:
        self.accounts = accounts
        self.blocked = blocked  # module accounts: never a new grantee (SDK BlockedAddr)

    def _store(self, ctx: Context) -> Any:
        return ctx.store(STORE_KEY)

    # -- reads -----------------------------------------------------------------------
    def get_grant(self, ctx: Context, granter: bytes, grantee: bytes) -> feegrant_pb2.Grant:
        """The grant, or the SDK's ``fee-grant not found`` (ErrNotFound)."""
        raw = self._store(ctx).get(grant_key(granter, grantee))
        if raw is None:
            raise ErrNotFound.wrap("fee-grant not found")
        return feegrant_pb2.Grant.FromString(raw)

    def has_grant(self, ctx: Context, granter: bytes, grantee: bytes) -> bool:
        return bool(self._store(ctx).has(grant_key(granter, grantee)))

    def iterate_grants(self, ctx: Context) -> Iterator[feegrant_pb2.Grant]:
        for _, v in iterate_prefix(self._store(ctx), GRANT_PREFIX):
            yield feegrant_pb2.Grant.FromString(v)

    def grantee_page(
        self, ctx: Context, grantee: bytes, page: PageRequest | None
    ) -> tuple[list[feegrant_pb2.Grant], PageResponse]:
        return paginate(
            self._store(ctx),
            grantee_prefix(grantee),
            page,
            lambda _k, v: feegrant_pb2.Grant.FromString(v),
        )

    def granter_page(
        self, ctx: Context, granter: bytes, page: PageRequest | None
    ) -> tuple[list[feegrant_pb2.Grant], PageResponse]:
        store = self._store(ctx)

        def item(key: bytes, _v: bytes) -> feegrant_pb2.Grant | None:
            grantee = key[1 : 1 + key[0]]
            raw = store.get(grant_key(granter, grantee))
            return None if raw is None else feegrant_pb2.Grant.FromString(raw)

        return paginate(store, granter_prefix(granter), page, item)

    # -- writes ----------------------------------------------------------------------
    def grant_allowance(self, ctx: Context, granter: bytes, grantee: bytes, allowance: Any) -> None:
        """The SDK's ``GrantAllowance``: create the grantee's account, refuse an expiration
        in the past, queue the expiry, store, emit ``set_feegrant``."""
        if self.has_grant(ctx, granter, grantee):
            raise ErrInvalidRequest.wrap("fee allowance already exists")
        if not self.accounts.has_account(ctx, grantee):
            if grantee in self.blocked:
                raise ErrUnauthorized.wrap(f"{acc_string(grantee)} is not allowed to receive funds")
            self.accounts.new_account(ctx, grantee)
        kind, msg = resolve_allowance(allowance)
        exp = kind.expires_at(msg)
        if exp is not None and exp < ctx.time_ns:
            raise ErrInvalidRequest.wrap("expiration is before current block time")
        store = self._store(ctx)
        if exp is not None:
            store.set(queue_key(exp, granter, grantee), b"")
        grant = feegrant_pb2.Grant(
            granter=acc_string(granter), grantee=acc_string(grantee), allowance=allowance
        )
        store.set(grant_key(granter, grantee), grant.SerializeToString())
        store.set(granter_index_key(granter, grantee), b"")
        self._emit(ctx, EVENT_SET, grant.granter, grant.grantee)

    def revoke_allowance(self, ctx: Context, granter: bytes, grantee: bytes) -> None:
        grant = self.get_grant(ctx, granter, grantee)
        kind, msg = resolve_allowance(grant.allowance)
        exp = kind.expires_at(msg)
        store = self._store(ctx)
        store.delete(grant_key(granter, grantee))
        store.delete(granter_index_key(granter, grantee))
        if exp is not None:
            store.delete(queue_key(exp, granter, grantee))
        self._emit(ctx, EVENT_REVOKE, acc_string(granter), acc_string(grantee))

    def use_granted_fees(
        self, ctx: Context, granter: bytes, grantee: bytes, fee: Coins, msg_urls: list[str]
    ) -> None:
        """The SDK's ``UseGrantedFees``: the allowance accepts the fee for these messages
        (and is updated) or is used up (and deleted); otherwise its error is raised."""
        grant = self.get_grant(ctx, granter, grantee)
        kind, msg = resolve_allowance(grant.allowance)
        use = kind.accept(ctx, msg, fee, msg_urls)
        granter_s, grantee_s = acc_string(granter), acc_string(grantee)
        if use.remove:
            self.revoke_allowance(ctx, granter, grantee)
            self._emit(ctx, EVENT_USE, granter_s, grantee_s)
            return
        self._emit(ctx, EVENT_USE, granter_s, grantee_s)
        grant.allowance.CopyFrom(pack(use.updated))
        self._store(ctx).set(grant_key(granter, grantee), grant.SerializeToString())
        self._emit(ctx, EVENT_UPDATE, granter_s, grantee_s)

    def remove_expired(self, ctx: Context, limit: int = PRUNE_LIMIT_PER_BLOCK) -> int:
        """Delete grants that expired before the block time, reading only due queue
        entries (at most ``limit``). Returns the entries consumed."""
        store = self._store(ctx)
        due = list(islice(store.iterate(QUEUE_PREFIX, queue_time_prefix(ctx.time_ns)), limit))
        n = len(QUEUE_PREFIX)
        for k, _ in due:
            store.delete(k)
            when = k[n : n + TIME_BYTES_LEN]
            grantee, granter, rest = split_lp(k[n + TIME_BYTES_LEN :])
            raw = store.get(grant_key(granter, grantee))
            if rest or raw is None:
                continue
            grant = feegrant_pb2.Grant.FromString(raw)
            kind, msg = resolve_allowance(grant.allowance)
            exp = kind.expires_at(msg)
            if exp is None or queue_time_prefix(exp)[n:] != when:
                continue  # a later grant of the same pair: not this entry's
            store.delete(grant_key(granter, grantee))
            store.delete(granter_index_key(granter, grantee))
        return len(due)

    @staticmethod
    def _emit(ctx: Context, kind: str, granter: str, grantee: str) -> None:
        ctx.emit(kind, ("granter", granter), ("grantee", grantee))
