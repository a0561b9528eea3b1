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
