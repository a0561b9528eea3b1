"""What a network's follower remembers across restarts, written atomically.

One JSON file per (network, contract) under the state directory. A crash at any moment
leaves either the previous or the new file (write to a temp file, fsync, rename, fsync the
directory), never a torn one. Losing the file altogether is safe too: the follower rescans
from `start_block` and zrChain refuses what it has already seen.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from zrchain.daemon.files import FileLock, LockHeld, write_private_json

STATE_VERSION = 1
#: How many block hashes are kept (newest first); enough to find a common ancestor.
MAX_HASHES = 2048
#: How many finished responses/relays are kept for `status`.
MAX_HISTORY = 200


def log_id(tx_hash: str, log_index: int) -> str:
    """A log's identity within one network: `<tx hash>:<log index>`."""
    return f"{tx_hash.lower()}:{log_index}"


@dataclass
class Stats:
    logs_seen: int = 0
    requests: int = 0
    ingested: int = 0
    duplicates: int = 0
    skipped: int = 0
    deferred: int = 0
    rejected: int = 0
    reorgs: int = 0
    deep_reorgs: int = 0
    #: Response transactions (zrKeyRes / zrSignRes) signed and sent, mined successfully, and
    #: refused by the contract (each refusal is dead-lettered).
    responses_sent: int = 0
    responses_accepted: int = 0
    responses_refused: int = 0
    relayed: int = 0

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> Stats:
        doc = dict(doc)
        if "responses" in doc:  # state files before response accounting
            doc["responses_accepted"] = doc.pop("responses")
        return cls(**{k: int(v) for k, v in doc.items() if k in cls.__dataclass_fields__})


@dataclass
class NetworkState:
    """The follower's position and its bookkeeping for one network."""

    caip2: str
    contract: str
    cursor: int
    hashes: dict[int, str] = field(default_factory=dict)
    range_done: list[str] = field(default_factory=list)
    wallet_types: dict[str, int] = field(default_factory=dict)
    chains: dict[str, str] = field(default_factory=dict)
    deferred: list[dict[str, Any]] = field(default_factory=list)
    responses: list[dict[str, Any]] = field(default_factory=list)
    #: Follow-ups that cannot be completed without an operator (a revert, or zrChain never
    #: fulfilling), each with its reason; `evm-bridge requeue` puts them back.
    dead_letters: list[dict[str, Any]] = field(default_factory=list)
    history: list[dict[str, Any]] = field(default_factory=list)
    stats: Stats = field(default_factory=Stats)
    head: int = -1
    updated: float = 0.0

    def remember_hash(self, number: int, block_hash: str) -> None:
        self.hashes[number] = block_hash.lower()
        if len(self.hashes) > MAX_HASHES:
            for n in sorted(self.hashes)[: len(self.hashes) - MAX_HASHES]:
                del self.hashes[n]

    def forget_after(self, number: int) -> None:
        """Drop every stored hash above `number` (after a rewind)."""
        for n in [n for n in self.hashes if n > number]:
            del self.hashes[n]

    def add_history(self, entry: dict[str, Any]) -> None:
        self.history.append(entry)
        del self.history[:-MAX_HISTORY]

    def to_json(self) -> dict[str, Any]:
        doc = asdict(self)
        doc["version"] = STATE_VERSION
        doc["hashes"] = {str(k): v for k, v in sorted(self.hashes.items())}
        return doc

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> NetworkState:
        if doc.get("version") != STATE_VERSION:
            raise ValueError(f"unsupported state version {doc.get('version')!r}")
        stats = Stats.from_json(doc.get("stats", {}))
        return cls(
            caip2=doc["caip2"],
            contract=doc["contract"],
            cursor=int(doc["cursor"]),
            hashes={int(k): str(v) for k, v in doc.get("hashes", {}).items()},
            range_done=list(doc.get("range_done", [])),
            wallet_types={str(k): int(v) for k, v in doc.get("wallet_types", {}).items()},
            chains={str(k): str(v) for k, v in doc.get("chains", {}).items()},
            deferred=list(doc.get("deferred", [])),
            responses=list(doc.get("responses", [])),
            dead_letters=list(doc.get("dead_letters", [])),
            history=list(doc.get("history", [])),
            stats=stats,
            head=int(doc.get("head", -1)),
            updated=float(doc.get("updated", 0.0)),
        )


def state_file(state_dir: str | os.PathLike[str], caip2: str, contract: str) -> Path:
    """`<dir>/<caip2 with ':' as '_'>-<contract lower-case>.json`."""
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", caip2)
    return Path(state_dir) / f"{safe}-{contract.lower()}.json"


def atomic_write_json(path: Path, doc: object) -> None:
    """Replace `path` with `doc` so that readers and crashes see old or new, never half."""
    write_private_json(path, doc)


class StateStore:
    """Loads and saves one network's state file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> NetworkState | None:
        try:
            doc = json.loads(self.path.read_text())
        except FileNotFoundError:
            return None
        return NetworkState.from_json(doc)

    def save(self, state: NetworkState) -> None:
        atomic_write_json(self.path, state.to_json())


class DirLock:
    """An exclusive lock on a state directory, so two bridges never share one."""

    def __init__(self, state_dir: str | os.PathLike[str]) -> None:
        self._lock = FileLock(Path(state_dir) / ".lock")
        self.path = self._lock.path

    def acquire(self) -> None:
        try:
            self._lock.acquire()
        except LockHeld:
            raise RuntimeError(
                f"state directory {self.path.parent} is in use by another bridge"
            ) from None

    def release(self) -> None:
        self._lock.release()
