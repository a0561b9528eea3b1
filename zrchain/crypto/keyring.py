"""The client keyring: named secp256k1 account keys on disk (or in memory).

Layout: ``<home>/keyring-<backend>/`` (as the SDK's ``--keyring-dir`` does), mode 0700, with
one JSON file per key, ``<name>.json``, mode 0600::

    {"format": "zrchain-keyring/1", "name": "alice", "type": "local", "algo": "secp256k1",
     "address": "zen1...", "pubkey": "<base64, 33 bytes>", "hd_path": "m/44'/118'/0'/0/0",
     "private_key": {...}}

``private_key`` is ``{"hex": ...}`` for the ``test`` backend (dev only: unencrypted) and a
:func:`zrchain.crypto.encryption.seal` record for ``file`` (scrypt + AES-256-GCM under the
keyring passphrase, associated data = the key's address). Names, addresses and public keys
stay readable, so ``list``/``show`` need no passphrase; only operations that touch a private
key do. ``file`` also keeps ``passphrase.check`` (a sealed constant) so a wrong passphrase
is refused before a new key is written under it. Mnemonics are never stored.

Backends: ``test``, ``file``, and ``memory`` (process-local, for tests and dry runs). The
files are our own format, not the SDK's (which uses the 99designs keyring).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from google.protobuf.any_pb2 import Any as AnyProto

from zrchain.codec.json import to_dict
from zrchain.crypto import keys
from zrchain.crypto.encryption import (
    DEFAULT_SCRYPT,
    DecryptionError,
    ScryptParams,
    WrongPassphraseError,
    open_sealed,
    seal,
)
from zrchain.errors import ChainError
from zrchain.tx.signing import MultisigKey, Secp256k1Key, parse_pubkey

BACKENDS = ("test", "file", "memory")
FORMAT = "zrchain-keyring/1"
MIN_PASSPHRASE_LENGTH = 8
_CHECK_FILE = "passphrase.check"
_CHECK_PLAINTEXT = b"zrchain keyring passphrase check v1"
_NAME_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.@+-]{0,127}$")

# (prompt, new) -> passphrase. ``new`` is True when the passphrase is being chosen (the CLI
# then asks twice); False when an existing one must be entered.
PassphraseProvider = Callable[[str, bool], str]

__all__ = [
    "BACKENDS",
    "KeyExistsError",
    "KeyInfo",
    "KeyNotFoundError",
    "Keyring",
    "KeyringError",
    "PassphraseProvider",
    "WrongPassphraseError",
]


class KeyringError(Exception):
    """A keyring operation that cannot be done; the message is fit for users."""


class KeyNotFoundError(KeyringError):
    pass


class KeyExistsError(KeyringError):
    pass


@dataclass(frozen=True)
class KeyInfo:
    """Public facts about a stored key (never the secret)."""

    name: str
    address: str
    pubkey: bytes  # secp256k1; empty for a multisig key
    type: str = "local"
    algo: str = keys.KEY_TYPE
    hd_path: str | None = None
    multisig: MultisigKey | None = None  # type "multi": the k-of-n key (no secret stored)

    @property
    def address_bytes(self) -> bytes:
        if self.multisig is not None:
            return self.multisig.address()
        return keys.address_bytes(self.pubkey)

    def bech(self, kind: str = "acc") -> str:
        """The address under ``acc`` (zen), ``val`` (zenvaloper) or ``cons`` (zenvalcons)."""
        hrp = {"acc": keys.ACCOUNT_HRP, "val": keys.VALOPER_HRP, "cons": keys.VALCONS_HRP}
        if kind not in hrp:
            raise KeyringError(f"invalid bech32 kind {kind!r}: use acc, val or cons")
        return keys.bech32_encode(hrp[kind], self.address_bytes)

    @property
    def valoper_address(self) -> str:
        return self.bech("val")

    @property
    def pubkey_json(self) -> str:
        if self.multisig is not None:
            return json.dumps(to_dict(self.multisig.to_any()), separators=(",", ":"))
        return keys.pubkey_any_json(self.pubkey)

    def output(self, kind: str = "acc") -> dict[str, str]:
        """The SDK's KeyOutput shape: name, type, address, pubkey (a JSON string)."""
        return {
            "name": self.name,
            "type": self.type,
            "address": self.bech(kind),
            "pubkey": self.pubkey_json,
        }


def validate_name(name: str) -> str:
    """Names become file names: letters, digits and ``_ . @ + -``, at most 128 characters."""
    if not _NAME_RE.match(name):
        raise KeyringError(
            f"invalid key name {name!r}: use 1-128 letters, digits or _ . @ + - "
            "(not starting with . @ + -)"
        )
    return name


class _MemoryStore:
    def __init__(self) -> None:
        self._records: dict[str, dict[str, Any]] = {}
        self._meta: dict[str, dict[str, Any]] = {}

    def names(self) -> list[str]:
        return sorted(self._records)

    def read(self, name: str) -> dict[str, Any] | None:
        rec = self._records.get(name)
        return dict(rec) if rec is not None else None

    def write(self, name: str, record: dict[str, Any]) -> None:
        self._records[name] = dict(record)

    def remove(self, name: str) -> None:
        self._records.pop(name, None)

    def read_meta(self, name: str) -> dict[str, Any] | None:
        return self._meta.get(name)

    def write_meta(self, name: str, record: dict[str, Any]) -> None:
        self._meta[name] = dict(record)


class _DirStore:
    """One JSON file per key; writes are atomic (temp file + rename) and private (0600)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _ensure_dir(self) -> None:
        self.path.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(self.path, 0o700)

    def names(self) -> list[str]:
        if not self.path.is_dir():
            return []
        return sorted(p.name[: -len(".json")] for p in self.path.glob("*.json") if p.is_file())

    def _load(self, path: Path) -> dict[str, Any] | None:
        try:
            text = path.read_text()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise KeyringError(f"cannot read {path}: {exc.strerror}") from exc
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise KeyringError(f"keyring file {path} is corrupt (not JSON)") from exc
        if not isinstance(data, dict):
            raise KeyringError(f"keyring file {path} is corrupt")
        return data

    def _store(self, path: Path, record: dict[str, Any]) -> None:
        self._ensure_dir()
        fd, tmp = tempfile.mkstemp(dir=self.path, prefix=".tmp-", suffix=".part")
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w") as fh:
                json.dump(record, fh, indent=2, sort_keys=True)
                fh.write("\n")
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise

    def read(self, name: str) -> dict[str, Any] | None:
        return self._load(self.path / f"{name}.json")

    def write(self, name: str, record: dict[str, Any]) -> None:
        self._store(self.path / f"{name}.json", record)

    def remove(self, name: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            (self.path / f"{name}.json").unlink()

    def read_meta(self, name: str) -> dict[str, Any] | None:
        return self._load(self.path / name)

    def write_meta(self, name: str, record: dict[str, Any]) -> None:
        self._store(self.path / name, record)


class Keyring:
    """Named account keys; see the module docstring for the storage format."""

    def __init__(
        self,
        home: str | os.PathLike[str],
        backend: str = "test",
        passphrase_provider: PassphraseProvider | None = None,
        *,
        scrypt_params: ScryptParams = DEFAULT_SCRYPT,
    ) -> None:
        if backend not in BACKENDS:
            raise KeyringError(
                f"unknown keyring backend {backend!r}: choose one of {', '.join(BACKENDS)}"
            )
        self.backend = backend
        self.directory = Path(home) / f"keyring-{backend}"
        self._provider = passphrase_provider
        self._scrypt = scrypt_params
        self._passphrase: str | None = None
        self._store: _MemoryStore | _DirStore = (
            _MemoryStore() if backend == "memory" else _DirStore(self.directory)
        )

    # --- reading -------------------------------------------------------------------

    def _info(self, name: str, record: dict[str, Any]) -> KeyInfo:
        if record.get("type") == "multi":
            return self._multi_info(name, record)
        try:
            pubkey = keys.validate_public_key(base64.b64decode(record["pubkey"], validate=True))
            info = KeyInfo(
                name=name,
                address=keys.account_address(pubkey),
                pubkey=pubkey,
                type=str(record.get("type", "local")),
                algo=str(record.get("algo", keys.KEY_TYPE)),
                hd_path=record.get("hd_path"),
            )
        except (KeyError, TypeError, ValueError, binascii.Error) as exc:
            raise KeyringError(f"key {name!r} is stored in a corrupt record") from exc
        if record.get("format") != FORMAT or record.get("address") != info.address:
            raise KeyringError(f"key {name!r} is stored in a corrupt or foreign record")
        return info

    def _multi_info(self, name: str, record: dict[str, Any]) -> KeyInfo:
        try:
            any_msg = AnyProto.FromString(base64.b64decode(record["pubkey_any"], validate=True))
            ms = parse_pubkey(any_msg)
            if not isinstance(ms, MultisigKey):
                raise ValueError("not a multisig key")
        except (KeyError, TypeError, ValueError, binascii.Error, ChainError) as exc:
            raise KeyringError(f"key {name!r} is stored in a corrupt record") from exc
        info = KeyInfo(
            name=name,
            address=keys.bech32_encode(keys.ACCOUNT_HRP, ms.address()),
            pubkey=b"",
            type="multi",
            algo="multi",
            multisig=ms,
        )
        if record.get("format") != FORMAT or record.get("address") != info.address:
            raise KeyringError(f"key {name!r} is stored in a corrupt or foreign record")
        return info

    def _records(self) -> Iterator[tuple[str, dict[str, Any]]]:
        for name in self._store.names():
            record = self._store.read(name)
            if record is not None:
                yield name, record

    def list(self) -> list[KeyInfo]:
        """All keys, sorted by name."""
        return [self._info(name, rec) for name, rec in self._records()]

    def has(self, name: str) -> bool:
        return _NAME_RE.match(name) is not None and self._store.read(name) is not None

    def _find(self, name_or_address: str) -> tuple[str, dict[str, Any]]:
        if _NAME_RE.match(name_or_address):
            record = self._store.read(name_or_address)
            if record is not None:
                return name_or_address, record
        try:
            _hrp, raw = keys.bech32_decode(name_or_address)
        except keys.InvalidAddressError:
            raise KeyNotFoundError(f"key {name_or_address!r} not found") from None
        for name, record in self._records():
            if self._info(name, record).address_bytes == raw:
                return name, record
        raise KeyNotFoundError(f"no key with address {name_or_address} in the keyring")

    def get(self, name_or_address: str) -> KeyInfo:
        """A key by name, or by its bech32 address (account or validator prefix)."""
        return self._info(*self._find(name_or_address))

    # --- the passphrase (file backend) ------------------------------------------------

    def _ask(self, prompt: str, new: bool) -> str:
        if self._provider is None:
            raise KeyringError(
                f"the {self.backend!r} keyring backend needs a passphrase and none was provided"
            )
        return self._provider(prompt, new)

    def _check_aad(self) -> bytes:
        return f"zrchain-keyring:{self.directory.name}".encode()

    def unlock(self) -> None:
        """Obtain and verify the keyring passphrase now (no-op for ``test``/``memory``).

        Creating the first key of a ``file`` keyring chooses the passphrase (asked as new);
        later it must match. The CLI calls this early so prompts come in the SDK's order.
        """
        if self.backend != "file" or self._passphrase is not None:
            return
        check = self._store.read_meta(_CHECK_FILE)
        if check is not None:
            passphrase = self._ask("Enter keyring passphrase:", False)
            try:
                open_sealed(check, passphrase, self._check_aad())
            except WrongPassphraseError:
                raise WrongPassphraseError("incorrect keyring passphrase") from None
            self._passphrase = passphrase
            return
        existing = next(self._records(), None)
        if existing is not None:
            # The check file was lost: verify against a stored key, then recreate it.
            passphrase = self._ask("Enter keyring passphrase:", False)
            name, record = existing
            self._open_secret(name, record, passphrase)
        else:
            passphrase = self._ask("Enter keyring passphrase:", True)
            if len(passphrase) < MIN_PASSPHRASE_LENGTH:
                raise KeyringError(
                    f"the keyring passphrase must be at least {MIN_PASSPHRASE_LENGTH} characters"
                )
        self._store.write_meta(
            _CHECK_FILE, seal(_CHECK_PLAINTEXT, passphrase, self._check_aad(), self._scrypt)
        )
        self._passphrase = passphrase

    # --- secrets ----------------------------------------------------------------------

    def _seal_secret(self, secret: bytes, address: str) -> dict[str, Any]:
        if self.backend != "file":
            return {"hex": secret.hex()}
        self.unlock()
        assert self._passphrase is not None
        return seal(secret, self._passphrase, address.encode(), self._scrypt)

    def _open_secret(self, name: str, record: dict[str, Any], passphrase: str | None) -> bytes:
        info = self._info(name, record)
        sealed = record.get("private_key")
        if not isinstance(sealed, dict):
            raise KeyringError(f"key {name!r} has no private key")
        try:
            if "hex" in sealed:
                secret = bytes.fromhex(sealed["hex"])
            else:
                if passphrase is None:
                    raise KeyringError(f"key {name!r} is encrypted but no passphrase is available")
                secret = open_sealed(sealed, passphrase, info.address.encode())
        except WrongPassphraseError:
            raise WrongPassphraseError("incorrect keyring passphrase") from None
        except (DecryptionError, ValueError) as exc:
            raise KeyringError(f"key {name!r}: cannot read its private key ({exc})") from exc
        if keys.public_key(secret) != info.pubkey:
            raise KeyringError(f"key {name!r} is corrupt: private and public keys differ")
        return secret

    def private_key(self, name_or_address: str) -> bytes:
        """The raw 32-byte secret (for ``keys export``); asks for the passphrase if needed."""
        name, record = self._find(name_or_address)
        if record.get("type") == "multi":
            raise KeyringError(
                f"key {name!r} is a multisig key: its members sign (tx sign --multisig), "
                "then tx multi-sign combines their signatures"
            )
        if isinstance(record.get("private_key"), dict) and "hex" not in record["private_key"]:
            self.unlock()
        return self._open_secret(name, record, self._passphrase)

    def sign(self, name_or_address: str, data: bytes) -> bytes:
        """64-byte r||s low-S signature over sha256(data) (what SIGN_MODE_DIRECT needs)."""
        return keys.sign(self.private_key(name_or_address), data)

    # --- writing ----------------------------------------------------------------------

    def _write_key(self, name: str, secret: bytes, hd_path: str | None, overwrite: bool) -> KeyInfo:
        validate_name(name)
        pubkey = keys.public_key(secret)
        address = keys.account_address(pubkey)
        if self._store.read(name) is not None and not overwrite:
            raise KeyExistsError(f"key {name!r} already exists")
        for other, record in self._records():
            if other != name and self._info(other, record).address == address:
                raise KeyExistsError(
                    f"address {address} is already in the keyring as key {other!r}; "
                    "delete or rename that key first"
                )
        record = {
            "format": FORMAT,
            "name": name,
            "type": "local",
            "algo": keys.KEY_TYPE,
            "address": address,
            "pubkey": base64.b64encode(pubkey).decode(),
            "hd_path": hd_path,
            "private_key": self._seal_secret(secret, address),
        }
        self._store.write(name, record)
        return self._info(name, record)

    def add(
        self,
        name: str,
        mnemonic: str | None = None,
        account: int = 0,
        index: int = 0,
        *,
        coin_type: int = keys.COIN_TYPE,
        hd_path: str | None = None,
        bip39_passphrase: str = "",
        overwrite: bool = False,
        words: int = 24,
    ) -> tuple[KeyInfo, str]:
        """Create (no mnemonic) or recover a key; returns it with the mnemonic used."""
        validate_name(name)
        if self.has(name) and not overwrite:
            raise KeyExistsError(f"key {name!r} already exists")
        phrase = keys.generate_mnemonic(words) if mnemonic is None else mnemonic
        phrase = keys.validate_mnemonic(phrase)
        path = hd_path or keys.hd_path(account, index, coin_type)
        keys.parse_hd_path(path)
        secret = keys.derive_private_key(keys.mnemonic_to_seed(phrase, bip39_passphrase), path)
        return self._write_key(name, secret, path, overwrite), phrase

    def add_multisig(
        self,
        name: str,
        members: Sequence[KeyInfo],
        threshold: int,
        *,
        sort: bool = True,
        overwrite: bool = False,
    ) -> KeyInfo:
        """Store a k-of-n ``LegacyAminoPubKey`` of ``members``' keys (the SDK's ``keys add
        --multisig``: keys sorted by address unless ``sort`` is False)."""
        validate_name(name)
        if self.has(name) and not overwrite:
            raise KeyExistsError(f"key {name!r} already exists")
        if not members:
            raise KeyringError("a multisig needs at least one member key")
        if not 0 < threshold <= len(members):
            raise KeyringError(
                f"threshold must be between 1 and the number of keys ({len(members)}), "
                f"got {threshold}"
            )
        ordered = sorted(members, key=lambda m: m.address_bytes) if sort else list(members)
        subkeys = tuple(
            m.multisig if m.multisig is not None else Secp256k1Key(m.pubkey) for m in ordered
        )
        ms = MultisigKey(threshold, subkeys)
        address = keys.bech32_encode(keys.ACCOUNT_HRP, ms.address())
        record = {
            "format": FORMAT,
            "name": name,
            "type": "multi",
            "algo": "multi",
            "address": address,
            "pubkey_any": base64.b64encode(ms.to_any().SerializeToString()).decode(),
            "hd_path": None,
        }
        self._store.write(name, record)
        return self._info(name, record)

    def import_private_key(self, name: str, secret: bytes, *, overwrite: bool = False) -> KeyInfo:
        """Store a raw 32-byte secp256k1 key (no HD path, no mnemonic)."""
        return self._write_key(name, keys.validate_private_key(secret), None, overwrite)

    def delete(self, name_or_address: str) -> KeyInfo:
        """Remove a key for good; returns what was removed."""
        name, record = self._find(name_or_address)
        info = self._info(name, record)
        self._store.remove(name)
        return info

    def rename(self, old: str, new: str) -> KeyInfo:
        """Rename without touching the secret (its encryption is bound to the address)."""
        validate_name(new)
        name, record = self._find(old)
        if new == name:
            raise KeyringError(f"key is already named {new!r}")
        if self._store.read(new) is not None:
            raise KeyExistsError(f"key {new!r} already exists")
        record = {**record, "name": new}
        self._store.write(new, record)
        self._store.remove(name)
        return self._info(new, record)
