"""Signature checks this node has already passed.

CheckTx verifies every tx a node gossips or proposes; FinalizeBlock used to verify the same
signatures again. A passed check is remembered by exactly what the curve operation depends
on (public key, signature, SHA-256 of the signed bytes), so a remembered triple is a
verification whose answer is already known: skipping it cannot change any result. Only
passes are remembered; anything else, and any tx this node never checked, is verified as
before. See docs/performance.md.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable

Verify = Callable[[bytes, bytes, bytes], bool]


class VerifiedSignatures:
    def __init__(self, verify: Verify, capacity: int = 100_000) -> None:
        self._verify = verify
        self._capacity = capacity
        self._passed: dict[bytes, None] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _key(pubkey: bytes, sig: bytes, msg: bytes) -> bytes:
        # Fixed-width parts cannot be confused with each other: the digest is always 32
        # bytes, and the key is length-prefixed (compressed keys are 33, others differ).
        return len(pubkey).to_bytes(2, "big") + pubkey + sig + hashlib.sha256(msg).digest()

    def check(self, pubkey: bytes, sig: bytes, msg: bytes) -> bool:
        """Verify (CheckTx) and remember a pass for the block that will include the tx."""
        ok = self._verify(pubkey, sig, msg)
        if ok:
            key = self._key(pubkey, sig, msg)
            with self._lock:
                if key not in self._passed and len(self._passed) >= self._capacity:
                    del self._passed[next(iter(self._passed))]  # the oldest
                self._passed[key] = None
        return ok

    def deliver(self, pubkey: bytes, sig: bytes, msg: bytes) -> bool:
        """Verify (FinalizeBlock), unless this exact triple already passed CheckTx here."""
        key = self._key(pubkey, sig, msg)
        with self._lock:
            if key in self._passed:
                del self._passed[key]  # a tx is delivered once; recheck never verifies
                return True
        return self._verify(pubkey, sig, msg)

    def __len__(self) -> int:
        return len(self._passed)
