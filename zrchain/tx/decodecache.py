"""Decoded txs CheckTx has already produced, for the block that includes them.

Decoding is a pure function of the tx bytes and the Msg registry (fixed for the life of
the app): the envelope parse, ADR-027 checks, each Msg's ValidateBasic, signers, fee. A tx
normally reaches FinalizeBlock through this node's mempool, so CheckTx keeps its decode,
keyed by the exact tx bytes (no digest: equal keys are equal txs), and FinalizeBlock takes
it instead of decoding again. Only successful decodes are kept; anything else is decoded
as before. Nothing is verified here: signatures are checked by the ante handler in every
mode (``zrchain/tx/sigcache.py`` for the CheckTx-to-block shortcut).

Why sharing is safe: CheckTx and recheck run only the ante handler, which reads the
decoded tx and never writes it. Msg handlers do run on it (some normalise a field of
their Msg in place), but only in FinalizeBlock, which *removes* the entry first, and only a
fresh decode is ever put: a decode a handler may have touched is never handed out again
(the same bytes twice in one block: the second is decoded afresh; a CheckTx that got the
entry while a block took it does not put it back, should the two ever run on separate
threads). See docs/performance.md.
"""

from __future__ import annotations

import threading

from zrchain.tx.decode import DecodedTx


class DecodedTxs:
    def __init__(self, capacity: int = 10_000) -> None:
        self._capacity = capacity
        self._txs: dict[bytes, DecodedTx] = {}
        self._lock = threading.Lock()

    def get(self, raw: bytes) -> DecodedTx | None:
        """A kept decode, left in place (CheckTx, recheck)."""
        return self._txs.get(raw)

    def put(self, tx: DecodedTx) -> None:
        with self._lock:
            txs = self._txs
            if tx.raw not in txs and len(txs) >= self._capacity:
                del txs[next(iter(txs))]  # the oldest
            txs[tx.raw] = tx

    def take(self, raw: bytes) -> DecodedTx | None:
        """A kept decode, removed (FinalizeBlock: its Msgs are about to run)."""
        with self._lock:
            return self._txs.pop(raw, None)

    def __len__(self) -> int:
        return len(self._txs)
