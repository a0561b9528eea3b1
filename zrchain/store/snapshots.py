"""State-sync snapshots: the whole state at a height, in hash-verified chunks.

Format 1: each chunk is zlib-compressed ``(uvarint len key | key | uvarint len value |
value)*`` of the state in key order, about ``CHUNK_BYTES`` before compression. The
snapshot's ``metadata`` is the concatenation of the chunks' sha256 hashes and its ``hash``
is sha256 of that. A restoring node checks every chunk against the metadata, rebuilds the
state trie from the received keys and accepts the snapshot only if the trie's root equals
the app hash CometBFT's light client verified.

Snapshots are written in a background thread from a pinned LevelDB snapshot, so consensus
never waits for them; they live in ``<home>/data/snapshots/<height>/``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import threading
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from zrchain.abci.framing import encode_uvarint

FORMAT = 1
CHUNK_BYTES = 4 << 20
log = logging.getLogger("zrchain.snapshots")


@dataclass(frozen=True)
class SnapshotInfo:
    height: int
    format: int
    chunks: int
    hash: bytes
    metadata: bytes

    def chunk_hashes(self) -> list[bytes]:
        m = self.metadata
        return [m[i : i + 32] for i in range(0, len(m), 32)]


def encode_pairs(pairs: list[tuple[bytes, bytes]]) -> bytes:
    out = bytearray()
    for k, v in pairs:
        out += encode_uvarint(len(k))
        out += k
        out += encode_uvarint(len(v))
        out += v
    return zlib.compress(bytes(out), 6)


def decode_pairs(chunk: bytes, max_size: int = 64 << 20) -> Iterator[tuple[bytes, bytes]]:
    """Pairs of a chunk; raises ValueError on anything malformed."""
    try:
        d = zlib.decompressobj()
        data = d.decompress(chunk, max_size)
        if d.unconsumed_tail or not d.eof:
            raise ValueError("chunk too large or truncated")
    except zlib.error as exc:
        raise ValueError(f"bad chunk: {exc}") from exc
    pos, n = 0, len(data)

    def varint() -> int:
        nonlocal pos
        result = shift = 0
        while True:
            if pos >= n or shift > 63:
                raise ValueError("bad varint in chunk")
            b = data[pos]
            pos += 1
            result |= (b & 0x7F) << shift
            if not b & 0x80:
                return result
            shift += 7

    while pos < n:
        kl = varint()
        k = data[pos : pos + kl]
        pos += kl
        vl = varint()
        v = data[pos : pos + vl]
        pos += vl
        if len(k) != kl or len(v) != vl:
            raise ValueError("truncated pair in chunk")
        yield k, v


class SnapshotStore:
    def __init__(self, directory: str | Path, keep_recent: int = 2) -> None:
        self.dir = Path(directory)
        self.keep_recent = max(1, keep_recent)
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    # -- producing -----------------------------------------------------------------------
    def create_async(self, height: int, items: Iterator[tuple[bytes, bytes]]) -> None:
        """Write the snapshot of ``items`` (an iterator over a pinned version) in a thread."""
        if self._thread is not None and self._thread.is_alive():
            log.warning("snapshot at %d skipped: the previous one is still being written", height)
            return
        self._thread = threading.Thread(
            target=self._create_safely, args=(height, items), name=f"snapshot-{height}", daemon=True
        )
        self._thread.start()

    def wait(self, timeout: float | None = None) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    def _create_safely(self, height: int, items: Iterator[tuple[bytes, bytes]]) -> None:
        try:
            info = self.create(height, items)
            log.info("snapshot at height %d: %d chunks", height, info.chunks)
        except Exception:
            log.exception("snapshot at height %d failed", height)

    def create(self, height: int, items: Iterator[tuple[bytes, bytes]]) -> SnapshotInfo:
        tmp = self.dir / f".{height}.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        hashes: list[bytes] = []
        batch: list[tuple[bytes, bytes]] = []
        size = 0

        def flush() -> None:
            nonlocal batch, size
            chunk = encode_pairs(batch)
            (tmp / f"chunk-{len(hashes)}").write_bytes(chunk)
            hashes.append(hashlib.sha256(chunk).digest())
            batch, size = [], 0

        for k, v in items:
            batch.append((k, v))
            size += len(k) + len(v) + 8
            if size >= CHUNK_BYTES:
                flush()
        if batch or not hashes:
            flush()
        metadata = b"".join(hashes)
        info = SnapshotInfo(
            height, FORMAT, len(hashes), hashlib.sha256(metadata).digest(), metadata
        )
        (tmp / "snapshot.json").write_text(
            json.dumps(
                {
                    "height": height,
                    "format": FORMAT,
                    "chunks": info.chunks,
                    "hash": info.hash.hex(),
                    "metadata": metadata.hex(),
                }
            )
        )
        final = self.dir / str(height)
        with self._lock:
            shutil.rmtree(final, ignore_errors=True)
            os.replace(tmp, final)
            self._prune()
        return info

    def _prune(self) -> None:
        heights = sorted(self._heights())
        for h in heights[: -self.keep_recent]:
            shutil.rmtree(self.dir / str(h), ignore_errors=True)

    def _heights(self) -> list[int]:
        if not self.dir.exists():
            return []
        return [
            int(p.name)
            for p in self.dir.iterdir()
            if p.name.isdigit() and (p / "snapshot.json").exists()
        ]

    # -- serving -------------------------------------------------------------------------
    def list(self) -> list[SnapshotInfo]:
        out = []
        with self._lock:
            for h in sorted(self._heights(), reverse=True):
                try:
                    d = json.loads((self.dir / str(h) / "snapshot.json").read_text())
                    out.append(
                        SnapshotInfo(
                            d["height"],
                            d["format"],
                            d["chunks"],
                            bytes.fromhex(d["hash"]),
                            bytes.fromhex(d["metadata"]),
                        )
                    )
                except (OSError, ValueError, KeyError):
                    log.warning("ignoring unreadable snapshot at %s", h)
        return out

    def load_chunk(self, height: int, fmt: int, index: int) -> bytes:
        if fmt != FORMAT or index < 0:
            return b""
        path = self.dir / str(height) / f"chunk-{index}"
        try:
            return path.read_bytes()
        except OSError:
            return b""


@dataclass
class Restore:
    """An in-progress restore on a syncing node."""

    info: SnapshotInfo
    app_hash: bytes
    next_index: int = 0


class SnapshotFields(Protocol):
    """An ABCI ``Snapshot`` as this module reads it (the store knows nothing of ABCI)."""

    height: int
    format: int
    chunks: int
    hash: bytes
    metadata: bytes


def snapshot_from_abci(s: SnapshotFields) -> SnapshotInfo:
    return SnapshotInfo(
        int(s.height), int(s.format), int(s.chunks), bytes(s.hash), bytes(s.metadata)
    )
