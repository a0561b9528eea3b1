"""The keeper's small local state: what it has signed and sent but not yet seen settle.

Exactly-once rests on one rule: a tx is recorded here (with its exact bytes, and the answers
it carries) *before* it is broadcast, and every tx carries a ``timeout_height`` ``T``. After
a crash the keeper rebroadcasts the same bytes (same hash, same sequence: the chain can
include it at most once) until the record settles, which happens when either

* the account's committed sequence has passed the tx's sequence (the slot was used), or
* the chain committed block ``T + 1``: CheckTx runs at the last committed height and still
  accepts the tx while that height is ``T``, so it can land -- failing, timed out -- in
  block ``T + 1``; after that block it is in no mempool (recheck) and no later block;

and then re-reads the requests on-chain to learn which of them carry its party signature.
A rebroadcast is sent only in the first half of the tx's life (a broadcast reaching the
node after ``T`` was committed would put a failing copy of the answers in a block). A
request whose recorded tx expired is answered again with its *recorded* result, never a
fresh one (a rejection, which never landed, is decided afresh: its cause may have passed).
So a request is neither lost (it stays open on-chain and is found again) nor answered
twice (its answer exists only as recorded bytes until it settles).

The file is JSON, written atomically (temp file, fsync, rename, fsync of the directory),
mode 0600, and locked (``flock`` on ``<file>.lock``) so two keepers cannot share it.
"""

from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zrchain.daemon.files import FileLock, LockHeld, write_private

FORMAT = "zrchain-mpc-keeper-state/1"


class StateError(Exception):
    """The state file is foreign, corrupt or in use."""


@dataclass
class InFlightTx:
    """One signed tx of answers, recorded before its broadcast."""

    txhash: str
    sequence: int
    timeout_height: int
    built_height: int
    items: list[tuple[str, int, bool]]  # (kind, request id, is_rejection)
    raw: bytes = field(repr=False)
    broadcast_height: int = 0  # last height at which it was (re)broadcast; 0: never

    def to_json(self) -> dict[str, Any]:
        return {
            "txhash": self.txhash,
            "sequence": self.sequence,
            "timeout_height": self.timeout_height,
            "built_height": self.built_height,
            "broadcast_height": self.broadcast_height,
            "items": [[k, i, r] for k, i, r in self.items],
            "raw": base64.b64encode(self.raw).decode(),
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> InFlightTx:
        return cls(
            txhash=str(d["txhash"]),
            sequence=int(d["sequence"]),
            timeout_height=int(d["timeout_height"]),
            built_height=int(d["built_height"]),
            broadcast_height=int(d.get("broadcast_height", 0)),
            items=[(str(k), int(i), bool(r)) for k, i, r in d["items"]],
            raw=base64.b64decode(d["raw"]),
        )


def _request_key(key: object) -> str:
    """A ``kind:id`` key, checked here so that a bad one fails the load (a corrupt state
    file) rather than every round of the keeper."""
    kind, _, rid = str(key).rpartition(":")
    if not kind or not rid.isdigit():
        raise ValueError(f"request key {key!r} is not kind:id")
    return str(key)


@dataclass(frozen=True)
class RecordedAnswer:
    """This party's answer to one request as it went into a recorded tx: public data only
    (a public key, a signature or a rejection reason)."""

    result: bytes = b""
    reject_reason: str = ""

    def to_json(self) -> dict[str, str]:
        return {
            "result": base64.b64encode(self.result).decode(),
            "reject_reason": self.reject_reason,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> RecordedAnswer:
        return cls(base64.b64decode(d.get("result", "")), str(d.get("reject_reason", "")))


@dataclass
class KeeperState:
    chain_id: str
    keyring: str
    party: str
    in_flight: list[InFlightTx] = field(default_factory=list)
    # Lowest request id per kind that may still be open (scans start there).
    watermark: dict[str, int] = field(default_factory=dict)
    # Height at which each still-open request was first seen ("kind:id" -> height).
    first_seen: dict[str, int] = field(default_factory=dict)
    # The answer recorded for each request still open ("kind:id"): once recorded, a
    # request is only ever answered with it (see the module docstring).
    answers: dict[str, RecordedAnswer] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "chain_id": self.chain_id,
            "keyring": self.keyring,
            "party": self.party,
            "in_flight": [t.to_json() for t in self.in_flight],
            "watermark": dict(self.watermark),
            "first_seen": dict(self.first_seen),
            "answers": {k: a.to_json() for k, a in self.answers.items()},
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> KeeperState:
        if d.get("format") != FORMAT:
            raise StateError(f"not a {FORMAT} file")
        return cls(
            chain_id=str(d["chain_id"]),
            keyring=str(d["keyring"]),
            party=str(d["party"]),
            in_flight=[InFlightTx.from_json(t) for t in d.get("in_flight", [])],
            watermark={str(k): int(v) for k, v in d.get("watermark", {}).items()},
            first_seen={str(k): int(v) for k, v in d.get("first_seen", {}).items()},
            answers={
                _request_key(k): RecordedAnswer.from_json(v)
                for k, v in d.get("answers", {}).items()
            },
        )

    def in_flight_items(self) -> set[tuple[str, int]]:
        return {(k, i) for t in self.in_flight for k, i, _ in t.items}


class StateStore:
    """Loads, locks and atomically saves a :class:`KeeperState`."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._lock = FileLock(self.path.with_name(self.path.name + ".lock"))

    def lock(self) -> None:
        """Take the exclusive lock (released by the OS if the process dies)."""
        try:
            self._lock.acquire()
        except LockHeld:
            raise StateError(
                f"state file {self.path} is in use by another keeper process"
            ) from None

    def unlock(self) -> None:
        self._lock.release()

    def load(self, chain_id: str, keyring: str, party: str) -> KeeperState:
        """The saved state, or a fresh one; refuses a state of another chain/keyring/party."""
        if not self.path.exists():
            return KeeperState(chain_id, keyring, party)
        try:
            state = KeeperState.from_json(json.loads(self.path.read_text()))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise StateError(f"state file {self.path} is corrupt: {exc}") from exc
        if (state.chain_id, state.keyring, state.party) != (chain_id, keyring, party):
            raise StateError(
                f"state file {self.path} belongs to chain {state.chain_id}, keyring "
                f"{state.keyring}, party {state.party}; not to this configuration"
            )
        return state

    def read(self) -> KeeperState | None:
        """The saved state without identity checks or locking (for ``status``)."""
        if not self.path.exists():
            return None
        return KeeperState.from_json(json.loads(self.path.read_text()))

    def save(self, state: KeeperState) -> None:
        data = json.dumps(state.to_json(), sort_keys=True, separators=(",", ":"))
        write_private(self.path, data, ".state-")
