"""identity queries and the SDK collection pagination they use (docs/identity-policy.md)."""

from __future__ import annotations

import base64

import pytest
from cosmpy.protos.cosmos.base.query.v1beta1.pagination_pb2 import PageRequest
from hypothesis import given, settings
from hypothesis import strategies as st

from zrchain.codec.gen.zrchain.identity import query_pb2 as iq
from zrchain.errors import QueryError
from zrchain.testing.identity_policy import IQ, new_workspace
from zrchain.x.identity.types import workspace_address
from zrchain.x.pagination import collection_paginate


def _workspaces(chain, **kw):
    return chain.q(IQ + "Workspaces", iq.QueryWorkspacesRequest(**kw), iq.QueryWorkspacesResponse)


def test_workspaces_filters_are_ored(chain) -> None:
    a, b, c = (chain.wallets[n] for n in ("alice", "bob", "carol"))
    w1 = new_workspace(chain, a)  # created by a
    w2 = new_workspace(chain, b, a.address)  # owned by a, created by b
    w3 = new_workspace(chain, c)  # neither
    everything = _workspaces(chain)
    assert {w.address for w in everything.workspaces} == {w1, w2, w3}
    assert everything.pagination.total == 3
    assert [w.address for w in everything.workspaces] == sorted([w1, w2, w3])  # key order
    assert {w.address for w in _workspaces(chain, owner=a.address).workspaces} == {w1, w2}
    assert {w.address for w in _workspaces(chain, creator=b.address).workspaces} == {w2}
    union = _workspaces(chain, owner=c.address, creator=b.address)
    assert {w.address for w in union.workspaces} == {w2, w3}
    assert union.pagination.total == 2


def test_workspace_by_address_unknown(chain) -> None:
    res = chain.query_raw(
        IQ + "WorkspaceByAddress", iq.QueryWorkspaceByAddressRequest(workspace_addr="nope")
    )
    assert res.code != 0 and "workspace nope is nil or not found: not found" in res.log


def test_workspaces_pages_through_next_key(chain) -> None:
    a = chain.wallets["alice"]
    from zrchain.codec.gen.zrchain.identity import tx_pb2 as itx

    chain.run(a, [itx.MsgNewWorkspace(creator=a.address)] * 7, gas=2_000_000)
    want = sorted(workspace_address(n) for n in range(1, 8))
    got: list[str] = []
    key = b""
    while True:
        page = _workspaces(chain, pagination=PageRequest(key=key, limit=3))
        got += [w.address for w in page.workspaces]
        key = page.pagination.next_key
        assert page.pagination.total == 0  # key mode / no count_total
        if not key:
            break
    assert got == want
    first = _workspaces(chain, pagination=PageRequest(limit=3, count_total=True))
    assert first.pagination.total == 7
    assert first.pagination.next_key == want[3].encode()  # raw address bytes
    assert base64.b64encode(first.pagination.next_key)
    off = _workspaces(chain, pagination=PageRequest(offset=5, limit=3))
    assert [w.address for w in off.workspaces] == want[5:]
    rev = _workspaces(chain, pagination=PageRequest(limit=2, reverse=True))
    assert [w.address for w in rev.workspaces] == want[::-1][:2]
    assert not _workspaces(chain, pagination=PageRequest(offset=9)).workspaces
    res = chain.query_raw(
        IQ + "Workspaces",
        iq.QueryWorkspacesRequest(pagination=PageRequest(offset=1, key=b"x")),
    )
    assert res.code != 0 and "either offset or key is expected, got both" in res.log


# -- the paginator itself -------------------------------------------------------------------------
class Store:
    """A sorted in-memory KV with the ``iterate`` contract of zrchain.store.kv."""

    def __init__(self, items: dict[bytes, bytes]) -> None:
        self.items = dict(sorted(items.items()))

    def iterate(self, start=None, end=None, reverse=False):
        keys = [k for k in self.items if (start is None or k >= start) and (end is None or k < end)]
        if reverse:
            keys.reverse()
        return iter([(k, self.items[k]) for k in keys])


P = b"\x02"


def _store(n: int) -> Store:
    return Store({P + bytes([i]): bytes([i]) for i in range(n)})


def _even(k: bytes, v: bytes):
    return v[0] if v[0] % 2 == 0 else None


def test_key_mode_counts_visited_items_not_matches() -> None:
    s = _store(10)
    items, page = collection_paginate(s, P, PageRequest(key=bytes([1]), limit=4), _even)
    assert items == [2, 4]  # visited 1,2,3,4
    assert page.next_key == bytes([5]) and page.total == 0


def test_offset_mode_skips_raw_items_and_counts_matches() -> None:
    s = _store(10)
    items, page = collection_paginate(s, P, PageRequest(offset=3, limit=2, count_total=True), _even)
    assert items == [4, 6]
    # count_total: next_key ends on the first *matching* item after the page, total = matches
    # after the offset + offset
    assert page.next_key == bytes([8]) and page.total == 3 + 3
    items, page = collection_paginate(s, P, PageRequest(offset=3, limit=2), _even)
    assert page.next_key == bytes([7])  # first visited item after the page, matching or not


def test_offset_beyond_and_exactly_at_the_end() -> None:
    s = _store(4)
    items, page = collection_paginate(s, P, PageRequest(offset=5), lambda k, v: v[0])
    assert items == [] and page.total == 0 and not page.next_key
    items, page = collection_paginate(s, P, PageRequest(offset=4), lambda k, v: v[0])
    assert items == [] and page.total == 4


def test_reverse_with_key_is_inclusive() -> None:
    s = _store(6)
    items, _ = collection_paginate(
        s, P, PageRequest(key=bytes([3]), limit=2, reverse=True), lambda k, v: v[0]
    )
    assert items == [3, 2]


@settings(max_examples=200, deadline=None)
@given(
    n=st.integers(0, 30),
    offset=st.integers(0, 35),
    limit=st.integers(0, 12),
    count_total=st.booleans(),
    reverse=st.booleans(),
)
def test_known_total_fast_path_equals_the_full_scan(n, offset, limit, count_total, reverse) -> None:
    s = _store(n)
    req = PageRequest(offset=offset, limit=limit, count_total=count_total, reverse=reverse)

    def sel(k, v):
        return v[0]

    slow = collection_paginate(s, P, req, sel)
    fast = collection_paginate(s, P, req, sel, known_total=n)
    assert slow[0] == fast[0]
    assert slow[1] == fast[1]


def test_both_key_and_offset_rejected() -> None:
    with pytest.raises(QueryError):
        collection_paginate(_store(2), P, PageRequest(key=b"\x01", offset=1), lambda k, v: v)
