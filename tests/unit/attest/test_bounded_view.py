"""ExtendVote's view: within the limits, and a network cut short claims only what it lists
completely."""

from __future__ import annotations

import dataclasses

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.attest.helpers import CAIP_A, CAIP_B, key_item
from zrchain.x.attest.abci import bounded_view
from zrchain.x.attest.codec import (
    MAX_EXTENSION_BYTES,
    MAX_ITEMS,
    MAX_MSG_BYTES,
    Extension,
    NetworkView,
    unattestable,
)


def view(caip2: str, blocks: list[int], confirmed: int) -> NetworkView:
    return NetworkView(caip2, confirmed, tuple(key_item(b, caip2=caip2) for b in sorted(blocks)))


def test_skipped_items_are_left_out() -> None:
    v = view(CAIP_A, [3, 4, 5], 9)
    ext = bounded_view([v], lambda i: i == v.items[1].id)
    assert [it.block_number for it in ext.networks[0].items] == [3, 5]
    assert ext.networks[0].confirmed == 9


def test_too_many_items_lower_the_confirmed_block() -> None:
    v = view(CAIP_A, list(range(10, 10 + MAX_ITEMS + 5)), 500)
    ext = bounded_view([v], lambda _i: False)
    net = ext.networks[0]
    assert len(net.items) == MAX_ITEMS
    assert net.confirmed == 10 + MAX_ITEMS - 1  # the block before the first one left out
    Extension.decode(ext.encode())


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.integers(1, 10_000), min_size=0, max_size=150, unique=True),
    st.lists(st.integers(1, 10_000), min_size=0, max_size=150, unique=True),
)
def test_any_view_gives_a_valid_bounded_extension(a: list[int], b: list[int]) -> None:
    views = [view(CAIP_B, b, max(b, default=0) + 3), view(CAIP_A, a, max(a, default=0) + 3)]
    ext = bounded_view(views, lambda _i: False)
    raw = ext.encode()
    assert len(raw) <= MAX_EXTENSION_BYTES
    assert Extension.decode(raw) == ext
    for net, src in zip(ext.networks, sorted(views, key=lambda v: v.caip2), strict=False):
        listed = {it.id for it in net.items}
        complete = {it.id for it in src.items if it.block_number <= net.confirmed}
        assert listed == complete  # complete through `confirmed`


def test_an_oversize_item_is_left_out_and_the_extension_stays_valid() -> None:
    """An event whose Msg is over MAX_MSG_BYTES (a long zrSignTx payload, a long policy
    definition) would make every extension listing it refused by VerifyVoteExtension, and
    precommits with refused extensions do not count: it is left out by every follower."""
    small, big = key_item(3), dataclasses.replace(key_item(5), msg=b"\x0a" * (MAX_MSG_BYTES + 1))
    assert "limit" in unattestable(big) and unattestable(small) == ""
    ext = bounded_view([NetworkView(CAIP_A, 9, (small, big))], lambda _i: False)
    assert ext.networks[0].items == (small,) and ext.networks[0].confirmed == 9
    assert Extension.decode(ext.encode()) == ext
