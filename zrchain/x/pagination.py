"""Cosmos SDK pagination over a (prefixed) KV store: key- or offset-based, default limit 100,
``next_key`` relative to the iterated prefix, totals when asked (or when no limit is given)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from cosmpy.protos.cosmos.base.query.v1beta1.pagination_pb2 import PageRequest, PageResponse

from zrchain.errors import invalid_argument
from zrchain.store.kv import prefix_end

T = TypeVar("T")
DEFAULT_LIMIT = 100


def page_of(request: Any) -> PageRequest | None:
    """A query request's ``pagination`` field, or None when it is not set."""
    page: PageRequest | None = request.pagination if request.HasField("pagination") else None
    return page


def paginate(
    store: Any,
    prefix: bytes,
    page: PageRequest | None,
    decode: Callable[[bytes, bytes], T | None],
) -> tuple[list[T], PageResponse]:
    """Items under ``prefix`` decoded by ``decode`` (None: filtered out, not counted)."""
    page = page if page is not None else PageRequest()
    if page.key and page.offset:
        raise invalid_argument("invalid request, either offset or key is expected, got both")
    limit = int(page.limit)
    count_total = bool(page.count_total)
    if limit == 0:
        limit = DEFAULT_LIMIT
        count_total = True
    end = prefix_end(prefix)
    n = len(prefix)
    items: list[T] = []
    resp = PageResponse()
    if page.key:
        if page.reverse:
            it = store.iterate(prefix, prefix + page.key + b"\x00", reverse=True)
        else:
            it = store.iterate(prefix + page.key, end)
        for k, v in it:
            item = decode(k[n:], v)
            if item is None:
                continue
            if len(items) == limit:
                resp.next_key = k[n:]
                break
            items.append(item)
        return items, resp
    offset = int(page.offset)
    seen = 0
    for k, v in store.iterate(prefix, end, reverse=bool(page.reverse)):
        item = decode(k[n:], v)
        if item is None:
            continue
        seen += 1
        if seen <= offset:
            continue
        if len(items) < limit:
            items.append(item)
            continue
        if not resp.next_key:
            resp.next_key = k[n:]
        if not count_total:
            break
    if count_total:
        resp.total = seen
    return items, resp


def collection_paginate(
    store: Any,
    prefix: bytes,
    page: PageRequest | None,
    select: Callable[[bytes, bytes], T | None],
    known_total: int | None = None,
) -> tuple[list[T], PageResponse]:
    """The SDK's ``CollectionFilteredPaginate`` (docs/identity-policy.md, *Pagination*), quirks
    included.

    ``select(key, value)`` returns the item, or None when the predicate rejects it. Key mode
    counts *visited* items against the limit and never sets ``total``; offset mode skips
    ``offset`` raw items, and with ``count_total`` keeps scanning to count the matches.
    ``known_total`` (only when ``select`` never rejects) is the number of items under the
    prefix: the scan then stops after the page, so an unfiltered query costs O(offset + limit).
    """
    page = page if page is not None else PageRequest()
    key = bytes(page.key)
    if page.offset > 0 and key:
        raise invalid_argument("invalid request, either offset or key is expected, got both")
    limit = int(page.limit)
    count_total = bool(page.count_total)
    if limit == 0:
        limit = DEFAULT_LIMIT
        count_total = True
    reverse = bool(page.reverse)
    n = len(prefix)
    end = prefix_end(prefix)
    results: list[T] = []
    resp = PageResponse()
    if key:
        if reverse:
            it = store.iterate(prefix, prefix + key + b"\x00", reverse=True)
        else:
            it = store.iterate(prefix + key, end)
        for visited, (k, v) in enumerate(it):
            if visited == limit:
                resp.next_key = k[n:]
                break
            item = select(k[n:], v)
            if item is not None:
                results.append(item)
        return results, resp
    offset = int(page.offset)
    it = iter(store.iterate(prefix, end, reverse=reverse))
    if known_total is not None and known_total < offset:
        return [], PageResponse()
    for _ in range(offset):
        if next(it, None) is None:
            return [], PageResponse()
    count = 0
    for k, v in it:
        if count < limit:
            item = select(k[n:], v)
            if item is not None:
                results.append(item)
                count += 1
            continue
        if count == limit:
            resp.next_key = k[n:]
            if not count_total:
                return results, resp
            if known_total is not None:
                break
        if select(k[n:], v) is not None:
            count += 1
    if count_total:
        resp.total = known_total if known_total is not None else count + offset
    return results, resp
