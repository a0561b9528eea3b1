"""A threshold party's secret shares at rest: one encrypted file per key.

``<dir>/key-<id>.json`` (mode 0600, written atomically: temp file, fsync, rename, directory
fsync) holds the public data of the key -- scheme, group public key, this party's index,
the threshold, the parties (addresses in index order), the run that made it, its refresh
epoch and state (``pending`` until every party confirmed it stored its share, then
``active``) -- and the share sealed with AES-256-GCM. The key is derived with HKDF-SHA256
from the party seed, which is itself sealed by the keeper's passphrase encryption
(:mod:`zrchain.mpc.seed`, scrypt + AES-256-GCM), so a share file opens only with the
party's seed file and its passphrase. The GCM associated data binds the ciphertext to
every public field, so editing the public part (another key id, another public key, another
state) makes the share fail to open.

A refresh writes the new share beside the old one (``next``) and swaps it in only when
every party confirmed theirs; until then signing keeps using the current one.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from zrchain.daemon.files import write_private
from zrchain.mpc.seed import Secret

FORMAT = "zrchain-mpc-share/1"
PENDING = "pending"
ACTIVE = "active"


class ShareStoreError(Exception):
    """A share file that cannot be written or opened (message fit for operators)."""


@dataclass(frozen=True)
class ShareRecord:
    """Public data of one key's share (the secret is sealed beside it)."""

    key_id: int
    key_type: int
    scheme: str
    public_key: str  # hex
    index: int
    threshold: int
    parties: tuple[str, ...]
    run: str  # hex digest of the protocol run that produced the share
    epoch: int = 0
    state: str = PENDING
    keyring: str = ""
    chain_id: str = ""

    def aad(self) -> bytes:
        fields = asdict(self)
        fields["parties"] = list(self.parties)
        return (FORMAT + ":" + json.dumps(fields, sort_keys=True)).encode()

    @property
    def public_key_bytes(self) -> bytes:
        return bytes.fromhex(self.public_key)


def store_key(seed: Secret) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"zrchain-mpc/share-store/v1"
    ).derive(seed.reveal())


class ShareFileStore:
    """Shares of one party, one file per key id (key ids are unique on a chain)."""

    def __init__(self, directory: str | os.PathLike[str], seed: Secret) -> None:
        self.dir = Path(directory)
        self._aead = AESGCM(store_key(seed))

    def _path(self, key_id: int, slot: str = "") -> Path:
        return self.dir / (f"key-{key_id}{'.' + slot if slot else ''}.json")

    def _write(self, path: Path, rec: ShareRecord, share: bytes) -> None:
        self.dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        nonce = os.urandom(12)
        body = {
            "format": FORMAT,
            "record": {**asdict(rec), "parties": list(rec.parties)},
            "nonce": nonce.hex(),
            "ciphertext": base64.b64encode(self._aead.encrypt(nonce, share, rec.aad())).decode(),
        }
        write_private(path, json.dumps(body, sort_keys=True), ".share-")

    @staticmethod
    def _read(path: Path) -> dict[str, Any] | None:
        try:
            body = json.loads(path.read_text())
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            raise ShareStoreError(f"share file {path} is unreadable: {exc}") from None
        if not isinstance(body, dict) or body.get("format") != FORMAT:
            raise ShareStoreError(f"share file {path} is not a {FORMAT} file")
        return body

    @staticmethod
    def _record(body: dict[str, Any], path: Path) -> ShareRecord:
        try:
            r = dict(body["record"])
            r["parties"] = tuple(r["parties"])
            return ShareRecord(**r)
        except (KeyError, TypeError) as exc:
            raise ShareStoreError(f"share file {path} is corrupt: {exc}") from None

    def record(self, key_id: int, slot: str = "") -> ShareRecord | None:
        path = self._path(key_id, slot)
        body = self._read(path)
        return None if body is None else self._record(body, path)

    def load(self, key_id: int, slot: str = "") -> tuple[ShareRecord, Secret] | None:
        """The record and the decrypted share (None if there is none)."""
        path = self._path(key_id, slot)
        body = self._read(path)
        if body is None:
            return None
        rec = self._record(body, path)
        try:
            share = self._aead.decrypt(
                bytes.fromhex(body["nonce"]), base64.b64decode(body["ciphertext"]), rec.aad()
            )
        except (InvalidTag, KeyError, ValueError):
            raise ShareStoreError(
                f"share file {path} does not open with this party's seed (or was altered)"
            ) from None
        return rec, Secret(share)

    def put(self, rec: ShareRecord, share: Secret, slot: str = "") -> None:
        self._write(self._path(rec.key_id, slot), rec, share.reveal())

    def activate(self, key_id: int) -> ShareRecord:
        """pending -> active (the share is re-sealed: the state is in the associated data)."""
        found = self.load(key_id)
        if found is None:
            raise ShareStoreError(f"no share of key {key_id}")
        rec, share = found
        if rec.state != ACTIVE:
            rec = replace(rec, state=ACTIVE)
            self.put(rec, share)
        return rec

    def promote_next(self, key_id: int) -> ShareRecord:
        """Swap in a refreshed share (slot ``next``) as the active one."""
        found = self.load(key_id, "next")
        if found is None:
            raise ShareStoreError(f"no refreshed share of key {key_id}")
        rec, share = found
        rec = replace(rec, state=ACTIVE)
        self.put(rec, share)
        with contextlib.suppress(FileNotFoundError):
            self._path(key_id, "next").unlink()
        return rec

    def records(self) -> list[ShareRecord]:
        """Public data of every share held (for ``mpc-keeper status``)."""
        return list_records(self.dir)


def list_records(directory: str | os.PathLike[str]) -> list[ShareRecord]:
    """Public data of a share directory without the seed (status runs without secrets)."""
    out: list[ShareRecord] = []
    d = Path(directory)
    if not d.exists():
        return out
    for path in sorted(d.glob("key-*.json")):
        if path.name.count(".") != 1:
            continue
        body = ShareFileStore._read(path)
        if body is not None:
            out.append(ShareFileStore._record(body, path))
    return sorted(out, key=lambda r: r.key_id)
