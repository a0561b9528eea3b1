"""The party seed: 32 random bytes from which the ``local`` backend derives every key.

At rest it is a JSON file, mode 0600, written atomically::

    {"format": "zrchain-mpc-seed/1", "fingerprint": "<16 hex>", "created": "<UTC ISO 8601>",
     "sealed": {<zrchain.crypto.encryption.seal record: scrypt + AES-256-GCM>}}

The associated data of the AES-GCM seal is ``zrchain-mpc-seed/1:<fingerprint>``, so the
public fingerprint cannot be edited without the file failing to open. The file is refused
when group or others may read it (as ssh refuses private keys), and no message here ever
contains seed bytes. Parties of a replicated keyring copy the same file (same passphrase).
"""

from __future__ import annotations

import json
import os
import secrets
import stat
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from zrchain.crypto.encryption import (
    DEFAULT_SCRYPT,
    DecryptionError,
    ScryptParams,
    WrongPassphraseError,
    open_sealed,
    seal,
)
from zrchain.daemon.files import write_private
from zrchain.mpc.derivation import SEED_BYTES, seed_fingerprint

FORMAT = "zrchain-mpc-seed/1"
MIN_PASSPHRASE_LENGTH = 8
PASSPHRASE_ENV = "ZRCHAIN_MPC_SEED_PASSPHRASE"


class SeedError(Exception):
    """The seed file cannot be created or opened; the message is fit for operators."""


class Secret:
    """Bytes that never print: ``repr``/``str`` show only the length."""

    __slots__ = ("_value",)

    def __init__(self, value: bytes) -> None:
        self._value = bytes(value)

    def reveal(self) -> bytes:
        return self._value

    def __len__(self) -> int:
        return len(self._value)

    def __repr__(self) -> str:
        return f"Secret({len(self._value)} bytes)"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and secrets.compare_digest(self._value, other._value)

    def __hash__(self) -> int:
        return id(self)

    def __reduce__(self) -> Any:
        raise TypeError("a Secret cannot be pickled")


def _aad(fingerprint: str) -> bytes:
    return f"{FORMAT}:{fingerprint}".encode()


def generate_seed() -> Secret:
    return Secret(secrets.token_bytes(SEED_BYTES))


def write_seed_file(
    path: str | os.PathLike[str],
    seed: Secret,
    passphrase: str,
    *,
    params: ScryptParams = DEFAULT_SCRYPT,
    overwrite: bool = False,
) -> str:
    """Seal ``seed`` under ``passphrase`` into ``path`` (0600, atomic); returns the fingerprint."""
    target = Path(path)
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise SeedError(f"the seed passphrase must be at least {MIN_PASSPHRASE_LENGTH} characters")
    if target.exists() and not overwrite:
        raise SeedError(f"{target} already exists; refusing to overwrite a party seed")
    fingerprint = seed_fingerprint(seed.reveal())
    record = {
        "format": FORMAT,
        "fingerprint": fingerprint,
        "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "sealed": seal(seed.reveal(), passphrase, _aad(fingerprint), params),
    }
    target.parent.mkdir(parents=True, exist_ok=True)
    write_private(target, json.dumps(record, indent=2, sort_keys=True) + "\n", ".seed-")
    return fingerprint


def read_seed_info(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The public part of a seed file (format, fingerprint, created), after sanity checks."""
    target = Path(path)
    try:
        st = target.stat()
    except FileNotFoundError:
        raise SeedError(f"seed file {target} does not exist") from None
    if not stat.S_ISREG(st.st_mode):
        raise SeedError(f"seed file {target} is not a regular file")
    if st.st_mode & 0o077:
        raise SeedError(
            f"seed file {target} is accessible by group or others (mode "
            f"{stat.S_IMODE(st.st_mode):04o}); run: chmod 600 {target}"
        )
    try:
        record = json.loads(target.read_text())
    except (OSError, ValueError) as exc:
        raise SeedError(f"seed file {target} is unreadable or not JSON") from exc
    if not isinstance(record, dict) or record.get("format") != FORMAT:
        raise SeedError(f"seed file {target} is not a {FORMAT} file")
    if not isinstance(record.get("sealed"), dict) or not isinstance(record.get("fingerprint"), str):
        raise SeedError(f"seed file {target} is corrupt")
    return record


def read_seed_file(path: str | os.PathLike[str], passphrase: str) -> Secret:
    """Open a seed file; WrongPassphraseError-derived SeedError on a bad passphrase."""
    record = read_seed_info(path)
    fingerprint = record["fingerprint"]
    try:
        raw = open_sealed(record["sealed"], passphrase, _aad(fingerprint))
    except WrongPassphraseError:
        raise SeedError(
            f"cannot open seed file {path}: wrong passphrase (or the file was altered)"
        ) from None
    except DecryptionError as exc:
        raise SeedError(f"cannot open seed file {path}: {exc}") from None
    if len(raw) != SEED_BYTES or seed_fingerprint(raw) != fingerprint:
        raise SeedError(f"seed file {path} is corrupt: its fingerprint does not match")
    return Secret(raw)


def passphrase_from(
    file: str | os.PathLike[str] | None = None, env: str = PASSPHRASE_ENV
) -> str | None:
    """A passphrase from a file (first line, 0600 advised) or the environment, else None."""
    if file:
        try:
            return Path(file).read_text().splitlines()[0] if Path(file).read_text() else ""
        except OSError as exc:
            raise SeedError(f"cannot read passphrase file {file}: {exc.strerror}") from None
    return os.environ.get(env)
