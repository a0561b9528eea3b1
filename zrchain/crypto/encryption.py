"""Passphrase encryption for secrets at rest and in exports: scrypt + AES-256-GCM.

A sealed secret is a small dict of text fields (so it sits in JSON files and armor headers):
``{"kdf": "scrypt", "n", "r", "p", "salt", "cipher": "aes-256-gcm", "nonce", "ciphertext"}``
with hex salt/nonce and base64 ciphertext (which ends in the 16-byte GCM tag). The caller's
associated data binds the ciphertext to its context (e.g. the key's address), so a sealed blob
moved under another identity fails to open. scrypt was chosen over argon2id because every
``cryptography`` build has it (argon2id needs a recent OpenSSL).
"""

from __future__ import annotations

import base64
import binascii
import os
import unicodedata
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

KDF = "scrypt"
CIPHER = "aes-256-gcm"
SALT_BYTES = 16
NONCE_BYTES = 12
# Bounds accepted when opening, so a hostile file cannot ask for gigabytes of memory.
_MAX_N = 1 << 20
_MAX_R = 32
_MAX_P = 16


@dataclass(frozen=True)
class ScryptParams:
    """scrypt cost; the default (2^17, 8, 1) is OWASP's minimum: ~128 MiB, ~0.4 s."""

    n: int = 1 << 17
    r: int = 8
    p: int = 1

    def check(self) -> None:
        if self.n < 2 or self.n & (self.n - 1) or self.n > _MAX_N:
            raise DecryptionError(f"unsupported scrypt n={self.n}")
        if not 1 <= self.r <= _MAX_R or not 1 <= self.p <= _MAX_P:
            raise DecryptionError(f"unsupported scrypt r={self.r} p={self.p}")


DEFAULT_SCRYPT = ScryptParams()


class DecryptionError(ValueError):
    """A sealed secret that is malformed or uses parameters we do not accept."""


class WrongPassphraseError(DecryptionError):
    """Authentication failed: the passphrase is wrong (or the data was altered)."""


def _passphrase_bytes(passphrase: str) -> bytes:
    # NFC so that the same passphrase typed on different systems gives the same key.
    return unicodedata.normalize("NFC", passphrase).encode("utf-8")


def _derive(passphrase: str, salt: bytes, params: ScryptParams) -> bytes:
    params.check()
    kdf = Scrypt(salt=salt, length=32, n=params.n, r=params.r, p=params.p)
    return kdf.derive(_passphrase_bytes(passphrase))


def seal(
    plaintext: bytes, passphrase: str, aad: bytes, params: ScryptParams = DEFAULT_SCRYPT
) -> dict[str, Any]:
    """Encrypt with a fresh salt and nonce; returns the text fields described above."""
    salt = os.urandom(SALT_BYTES)
    nonce = os.urandom(NONCE_BYTES)
    key = _derive(passphrase, salt, params)
    ciphertext = AESGCM(key).encrypt(nonce, plaintext, aad)
    return {
        "kdf": KDF,
        "n": params.n,
        "r": params.r,
        "p": params.p,
        "salt": salt.hex(),
        "cipher": CIPHER,
        "nonce": nonce.hex(),
        "ciphertext": base64.b64encode(ciphertext).decode(),
    }


def open_sealed(sealed: dict[str, Any], passphrase: str, aad: bytes) -> bytes:
    """Decrypt a :func:`seal` result; WrongPassphraseError if authentication fails."""
    if sealed.get("kdf") != KDF or sealed.get("cipher") != CIPHER:
        raise DecryptionError(
            f"unsupported encryption kdf={sealed.get('kdf')!r} cipher={sealed.get('cipher')!r}"
        )
    try:
        params = ScryptParams(int(sealed["n"]), int(sealed["r"]), int(sealed["p"]))
        salt = bytes.fromhex(sealed["salt"])
        nonce = bytes.fromhex(sealed["nonce"])
        ciphertext = base64.b64decode(sealed["ciphertext"], validate=True)
    except (KeyError, TypeError, ValueError, binascii.Error) as exc:
        raise DecryptionError(f"malformed encrypted data: {exc}") from exc
    if len(salt) < 8 or len(nonce) != NONCE_BYTES or len(ciphertext) < 16:
        raise DecryptionError("malformed encrypted data: bad salt, nonce or ciphertext length")
    key = _derive(passphrase, salt, params)
    try:
        return AESGCM(key).decrypt(nonce, ciphertext, aad)
    except InvalidTag:
        raise WrongPassphraseError("incorrect passphrase (or the data was altered)") from None
