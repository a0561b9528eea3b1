"""The only code that touches the authz store.

Layout under ``authz/`` (the SDK's keys, plus one index of ours):

* ``0x01 | lp(granter) | lp(grantee) | msg type URL`` -> ``Grant`` (authorization Any,
  optional expiration);
* ``0x02 | expiration (FormatTimeBytes) | lp(granter) | lp(grantee)`` -> ``GrantQueueItem``
  (the type URLs of that pair expiring then), so pruning reads only what has expired;
* ``0x03 | lp(grantee) | lp(granter) | msg type URL`` -> empty: grants by grantee, so
  ``GranteeGrants`` costs what the grantee holds, not a scan of every grant.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice
from typing import Any

from cosmpy.protos.cosmos.authz.v1beta1 import authz_pb2, event_pb2
from cosmpy.protos.cosmos.base.query.v1beta1.pagination_pb2 import PageRequest, PageResponse
from google.protobuf.any_pb2 import Any as AnyProto

from zrchain.codec.address import acc_string
from zrchain.context import Context
from zrchain.store.kv import iterate_prefix
from zrchain.x.authz.types import (
    GRANT_PREFIX,
    PRUNE_LIMIT_PER_BLOCK,
    QUEUE_GAS_PER_ITERATION,
    QUEUE_PREFIX,
    STORE_KEY,
    ErrInvalidExpirationTime,
    ErrNoAuthorizationFound,
    ErrNoGrantKeyFound,
    grant_key,
    grantee_index_key,
    grantee_index_prefix,
    granter_prefix,
    parse_queue_key,
    queue_key,
    queue_time_prefix,
    split_one,
    typed_event,
)
from zrchain.x.pagination import paginate
from zrchain.x.storekeys import (
    rfc3339,
    split_lp,
    timestamp_ns,
)


def expiration_ns(grant: Any) -> int | None:
    return timestamp_ns(grant.expiration) if grant.HasField("expiration") else None


class AuthzKeeper:
    """Grants and their expiry queue; every write keeps the queue and the index true."""

    def _store(self, ctx: Context) -> Any:
        return ctx.store(STORE_KEY)

    # -- reads -----------------------------------------------------------------------
    def get_grant(
        self, ctx: Context, granter: bytes, grantee: bytes, msg_type_url: str
    ) -> authz_pb2.Grant | None:
        raw = self._store(ctx).get(grant_key(granter, grantee, msg_type_url))
        return None if raw is None else authz_pb2.Grant.FromString(raw)

    def iterate_grants(self, ctx: Context) -> Iterator[tuple[bytes, bytes, authz_pb2.Grant]]:
        """(granter, grantee, grant) in key order: granter, grantee, type URL."""
        for k, v in iterate_prefix(self._store(ctx), GRANT_PREFIX):
            granter, grantee, _ = split_lp(k[1:])
            yield granter, grantee, authz_pb2.Grant.FromString(v)

    # -- pages (the Query service) -----------------------------------------------------
    def grants_page(
        self, ctx: Context, granter: bytes, grantee: bytes, page: PageRequest | None
    ) -> tuple[list[authz_pb2.Grant], PageResponse]:
        """The grants ``granter`` gave ``grantee``, by type URL."""
        return paginate(
            self._store(ctx),
            grant_key(granter, grantee),
            page,
            lambda _k, v: authz_pb2.Grant.FromString(v),
        )

    def granter_page(
        self, ctx: Context, granter: bytes, page: PageRequest | None
    ) -> tuple[list[tuple[bytes, authz_pb2.Grant]], PageResponse]:
        """(grantee, grant) for every grant ``granter`` gave."""

        def item(key: bytes, v: bytes) -> tuple[bytes, authz_pb2.Grant]:
            return split_one(key)[0], authz_pb2.Grant.FromString(v)

        return paginate(self._store(ctx), granter_prefix(granter), page, item)

    def grantee_page(
        self, ctx: Context, grantee: bytes, page: PageRequest | None
    ) -> tuple[list[tuple[bytes, authz_pb2.Grant]], PageResponse]:
        """(granter, grant) for every grant ``grantee`` holds, through the grantee index."""
        store = self._store(ctx)

        def item(key: bytes, _v: bytes) -> tuple[bytes, authz_pb2.Grant] | None:
            granter, url = split_one(key)
            raw = store.get(grant_key(granter, grantee, url))
            if raw is None:  # never: the index follows the grants
                return None
            return granter, authz_pb2.Grant.FromString(raw)

        return paginate(store, grantee_index_prefix(grantee), page, item)

    # -- writes ----------------------------------------------------------------------
    def save_grant(
        self,
        ctx: Context,
        granter: bytes,
        grantee: bytes,
        authorization: AnyProto,
        msg_type_url: str,
        expiration: Any | None,
        check_expiration: bool = True,
    ) -> None:
        """The SDK's ``SaveGrant``: overwrite any grant of the same type, move its queue
        entry when the expiration changes, emit ``EventGrant``."""
        exp_ns = None if expiration is None else timestamp_ns(expiration)
        if check_expiration and exp_ns is not None and not exp_ns > ctx.time_ns:
            raise ErrInvalidExpirationTime.wrap(
                f"expiration must be after the current block time ({rfc3339(ctx.time_ns)}), "
                f"got {rfc3339(exp_ns)}"
            )
        store = self._store(ctx)
        key = grant_key(granter, grantee, msg_type_url)
        old = self.get_grant(ctx, granter, grantee, msg_type_url)
        old_exp = None if old is None else expiration_ns(old)
        if old_exp is not None and old_exp != exp_ns:
            self._remove_from_queue(ctx, granter, grantee, msg_type_url, old_exp)
        if exp_ns is not None and old_exp != exp_ns:
            self._insert_into_queue(ctx, granter, grantee, msg_type_url, exp_ns)
        grant = authz_pb2.Grant(authorization=authorization)
        if expiration is not None:
            grant.expiration.CopyFrom(expiration)
        store.set(key, grant.SerializeToString())
        if old is None:
            store.set(grantee_index_key(grantee, granter, msg_type_url), b"")
        ctx.emit_event(
            typed_event(
                event_pb2.EventGrant(
                    msg_type_url=msg_type_url,
                    granter=acc_string(granter),
                    grantee=acc_string(grantee),
                )
            )
        )

    def update_authorization(
        self, ctx: Context, granter: bytes, grantee: bytes, msg_type_url: str, auth: AnyProto
    ) -> None:
        """Replace a grant's authorization (a spend limit consumed), keeping its expiry."""
        grant = self.get_grant(ctx, granter, grantee, msg_type_url)
        if grant is None:
            raise ErrNoAuthorizationFound.wrap("")
        grant.authorization.CopyFrom(auth)
        self._store(ctx).set(grant_key(granter, grantee, msg_type_url), grant.SerializeToString())

    def delete_grant(self, ctx: Context, granter: bytes, grantee: bytes, msg_type_url: str) -> None:
        """The SDK's ``DeleteGrant``: the grant, its queue entry, ``EventRevoke``."""
        key = grant_key(granter, grantee, msg_type_url)
        grant = self.get_grant(ctx, granter, grantee, msg_type_url)
        if grant is None:
            # The SDK prints the raw store key here (binary); we name its parts instead.
            raise ErrNoAuthorizationFound.wrap(
                f"failed to delete grant with granter: {acc_string(granter)}, "
                f"grantee: {acc_string(grantee)} & msgType: {msg_type_url}"
            )
        exp = expiration_ns(grant)
        if exp is not None:
            self._remove_from_queue(ctx, granter, grantee, msg_type_url, exp)
        store = self._store(ctx)
        store.delete(key)
        store.delete(grantee_index_key(grantee, granter, msg_type_url))
        ctx.emit_event(
            typed_event(
                event_pb2.EventRevoke(
                    msg_type_url=msg_type_url,
                    granter=acc_string(granter),
                    grantee=acc_string(grantee),
                )
            )
        )

    # -- the expiry queue --------------------------------------------------------------
    def _queue_item(self, ctx: Context, key: bytes) -> authz_pb2.GrantQueueItem | None:
        raw = self._store(ctx).get(key)
        return None if raw is None else authz_pb2.GrantQueueItem.FromString(raw)

    def _insert_into_queue(
        self, ctx: Context, granter: bytes, grantee: bytes, msg_type_url: str, exp_ns: int
    ) -> None:
        key = queue_key(exp_ns, granter, grantee)
        item = self._queue_item(ctx, key) or authz_pb2.GrantQueueItem()
        item.msg_type_urls.append(msg_type_url)
        self._store(ctx).set(key, item.SerializeToString())

    def _remove_from_queue(
        self, ctx: Context, granter: bytes, grantee: bytes, msg_type_url: str, exp_ns: int
    ) -> None:
        """Swap-remove the type URL, as the SDK does (20 gas per entry looked at). An
        emptied item stays stored until pruned, as in the SDK."""
        key = queue_key(exp_ns, granter, grantee)
        item = self._queue_item(ctx, key)
        if item is None:
            raise ErrNoGrantKeyFound.wrap(
                "can't remove grant from the expire queue, grant key not found"
            )
        urls = list(item.msg_type_urls)
        for i, url in enumerate(urls):
            ctx.gas.consume(QUEUE_GAS_PER_ITERATION, "grant queue")
            if url == msg_type_url:
                urls[i] = urls[-1]
                urls.pop()
                new = authz_pb2.GrantQueueItem(msg_type_urls=urls)
                self._store(ctx).set(key, new.SerializeToString())
                break

    def prune_expired(self, ctx: Context, limit: int = PRUNE_LIMIT_PER_BLOCK) -> int:
        """Delete grants whose expiration is before the block time, reading only queue
        entries that are due (at most ``limit`` per call). Returns the entries consumed."""
        store = self._store(ctx)
        due = list(islice(store.iterate(QUEUE_PREFIX, queue_time_prefix(ctx.time_ns)), limit))
        n = len(QUEUE_PREFIX)
        for k, v in due:
            granter, grantee = parse_queue_key(k[n:])
            store.delete(k)
            for url in authz_pb2.GrantQueueItem.FromString(v).msg_type_urls:
                store.delete(grant_key(granter, grantee, url))
                store.delete(grantee_index_key(grantee, granter, url))
        return len(due)
