"""The only code that touches the omni store.

=========  ==============================  =====================================
prefix     key                             value
=========  ==============================  =====================================
``0x01``   EVM address (20 bytes)          next EIP-712 nonce (u64 BE)
``0x02``   cache_id                        empty: a forwarded contract call seen
``0x03``   action id (u64 BE) ‖ participant  empty: a participant's "no"
=========  ==============================  =====================================
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from zrchain.context import Context
from zrchain.store.kv import prefix_end
from zrchain.x.omni.types import STORE_KEY

NONCES = b"\x01"
FORWARDED = b"\x02"
REJECTIONS = b"\x03"


class OmniKeeper:
    def _s(self, ctx: Context) -> Any:
        return ctx.store(STORE_KEY)

    def nonce(self, ctx: Context, address: str) -> int:
        raw = self._s(ctx).get(NONCES + bytes.fromhex(address[2:]))
        return int.from_bytes(raw, "big") if raw else 0

    def set_nonce(self, ctx: Context, address: str, nonce: int) -> None:
        self._s(ctx).set(NONCES + bytes.fromhex(address[2:]), nonce.to_bytes(8, "big"))

    def forwarded(self, ctx: Context, cache_id: bytes) -> bool:
        return self._s(ctx).get(FORWARDED + cache_id) is not None

    def set_forwarded(self, ctx: Context, cache_id: bytes) -> None:
        self._s(ctx).set(FORWARDED + cache_id, b"")

    def iterate_nonces(self, ctx: Context) -> Iterator[tuple[str, int]]:
        for k, v in self._s(ctx).iterate(NONCES, prefix_end(NONCES)):
            yield "0x" + k[len(NONCES) :].hex(), int.from_bytes(v, "big")

    def iterate_forwarded(self, ctx: Context) -> Iterator[bytes]:
        for k, _ in self._s(ctx).iterate(FORWARDED, prefix_end(FORWARDED)):
            yield bytes(k[len(FORWARDED) :])

    def rejections(self, ctx: Context, action_id: int) -> list[str]:
        prefix = REJECTIONS + action_id.to_bytes(8, "big")
        return [
            k[len(prefix) :].decode() for k, _ in self._s(ctx).iterate(prefix, prefix_end(prefix))
        ]

    def add_rejection(self, ctx: Context, action_id: int, participant: str) -> None:
        self._s(ctx).set(REJECTIONS + action_id.to_bytes(8, "big") + participant.encode(), b"")

    def iterate_rejections(self, ctx: Context) -> Iterator[tuple[int, str]]:
        n = len(REJECTIONS)
        for k, _ in self._s(ctx).iterate(REJECTIONS, prefix_end(REJECTIONS)):
            yield int.from_bytes(k[n : n + 8], "big"), k[n + 8 :].decode()
