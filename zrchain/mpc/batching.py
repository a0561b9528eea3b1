"""Packing answers into txs: at most ``max_count`` messages and ``max_bytes`` per tx.

Order is kept (oldest requests first). Items marked ``isolate`` (those whose earlier answer
made a tx fail) travel alone, so one bad answer can never sink a batch twice.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")

TX_OVERHEAD_BYTES = 400  # body/auth-info/signature around the messages


def make_batches(
    items: Sequence[T],
    size: Callable[[T], int],
    max_count: int,
    max_bytes: int,
    isolate: Callable[[T], bool] = lambda _item: False,
) -> list[list[T]]:
    if max_count < 1:
        raise ValueError("max_count must be at least 1")
    batches: list[list[T]] = []
    current: list[T] = []
    used = TX_OVERHEAD_BYTES
    for item in items:
        n = size(item)
        if isolate(item):
            batches.append([item])
            continue
        if current and (len(current) >= max_count or used + n > max_bytes):
            batches.append(current)
            current, used = [], TX_OVERHEAD_BYTES
        current.append(item)
        used += n
    if current:
        batches.append(current)
    # isolated items were appended as they came; restore the original order of first items
    order = {id(item): i for i, item in enumerate(items)}
    batches.sort(key=lambda b: order[id(b[0])])
    return batches
