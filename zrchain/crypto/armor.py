"""ASCII-armored, passphrase-encrypted private keys (``keys export`` / ``keys import``).

Our format (version 1)::

    -----BEGIN ZRCHAIN PRIVATE KEY-----
    version: 1
    type: secp256k1
    kdf: scrypt
    n: 131072
    r: 8
    p: 1
    salt: <16 bytes, hex>
    cipher: aes-256-gcm
    nonce: <12 bytes, hex>

    <base64 of AES-256-GCM(ciphertext || tag) of the 32-byte private key, 64-char lines>
    =<CRC-24 of the decoded body, base64, as in OpenPGP armor>
    -----END ZRCHAIN PRIVATE KEY-----

The AES key is scrypt(passphrase, salt, n, r, p). The associated data is the header lines
other than ``salt`` and ``nonce``, in the order above, as ``key: value`` joined by ``\\n``
(salt and nonce are bound anyway: they determine the key and the keystream), so editing a
header such as the key type makes decryption fail. The CRC only tells a damaged file from a
wrong passphrase; integrity comes from GCM.

``decrypt_armor`` also reads the Cosmos SDK's own export format (``TENDERMINT PRIVATE KEY``,
bcrypt + xsalsa20-poly1305) through cosmpy, so keys exported by zenrockd can be imported.
"""

from __future__ import annotations

import base64
import binascii
import re
import textwrap

from zrchain.crypto.encryption import (
    DEFAULT_SCRYPT,
    DecryptionError,
    ScryptParams,
    WrongPassphraseError,
    open_sealed,
    seal,
)
from zrchain.crypto.keys import KEY_TYPE, validate_private_key

LABEL = "ZRCHAIN PRIVATE KEY"
SDK_LABEL = "TENDERMINT PRIVATE KEY"
VERSION = "1"
_HEADER_ORDER = ("version", "type", "kdf", "n", "r", "p", "salt", "cipher", "nonce")
_BEGIN = re.compile(r"^-----BEGIN ([A-Z0-9 ]+)-----$")
_END = re.compile(r"^-----END ([A-Z0-9 ]+)-----$")
# The SDK's bcrypt cost is 12; its own test builds lower it to the bcrypt default, 10.
_SDK_BCRYPT_COSTS = (12, 10)


class ArmorError(DecryptionError):
    """Text that is not a well-formed armored key."""


def _crc24(data: bytes) -> int:
    crc = 0xB704CE
    for byte in data:
        crc ^= byte << 16
        for _ in range(8):
            crc <<= 1
            if crc & 0x1000000:
                crc ^= 0x1864CFB
    return crc & 0xFFFFFF


def _crc_line(data: bytes) -> str:
    return "=" + base64.b64encode(_crc24(data).to_bytes(3, "big")).decode()


def _aad_fixed(headers: dict[str, str]) -> bytes:
    # salt and nonce are authenticated anyway (they determine the key and the keystream).
    order = [k for k in _HEADER_ORDER if k not in ("salt", "nonce")]
    return "\n".join(f"{k}: {headers[k]}" for k in order).encode()


def encrypt_armor(secret: bytes, passphrase: str, params: ScryptParams = DEFAULT_SCRYPT) -> str:
    """Armor a 32-byte secp256k1 private key under ``passphrase``."""
    validate_private_key(secret)
    # seal() draws salt and nonce itself, so the AAD is the headers fixed beforehand.
    fixed = {
        "version": VERSION,
        "type": KEY_TYPE,
        "kdf": "scrypt",
        "n": str(params.n),
        "r": str(params.r),
        "p": str(params.p),
        "cipher": "aes-256-gcm",
    }
    sealed = seal(secret, passphrase, _aad_fixed(fixed), params)
    headers = {**fixed, "salt": sealed["salt"], "nonce": sealed["nonce"]}
    body = base64.b64decode(sealed["ciphertext"])
    lines = [f"-----BEGIN {LABEL}-----"]
    lines += [f"{k}: {headers[k]}" for k in _HEADER_ORDER]
    lines.append("")
    lines += textwrap.wrap(sealed["ciphertext"], 64)
    lines.append(_crc_line(body))
    lines.append(f"-----END {LABEL}-----")
    return "\n".join(lines) + "\n"


def _parse(text: str) -> tuple[str, dict[str, str], bytes]:
    lines = [ln.strip() for ln in text.strip().splitlines()]
    if not lines or not (begin := _BEGIN.match(lines[0])):
        raise ArmorError("not an armored private key: missing BEGIN line")
    label = begin.group(1)
    ends = [(i, m.group(1)) for i, ln in enumerate(lines) if (m := _END.match(ln))]
    if not ends or ends[0][1] != label:
        raise ArmorError("not an armored private key: missing or mismatched END line")
    end_at = ends[0][0]
    headers: dict[str, str] = {}
    i = 1
    while i < end_at and lines[i]:
        key, sep, value = lines[i].partition(":")
        if not sep:
            break  # no blank line before the body; tolerated
        headers[key.strip().lower()] = value.strip()
        i += 1
    body_lines = [ln for ln in lines[i:end_at] if ln]
    crc = body_lines.pop() if body_lines and body_lines[-1].startswith("=") else None
    try:
        body = base64.b64decode("".join(body_lines), validate=True)
    except binascii.Error as exc:
        raise ArmorError("armored key body is not valid base64") from exc
    if crc is not None and crc != _crc_line(body):
        raise ArmorError("armored key is damaged (checksum mismatch)")
    return label, headers, body


def decrypt_armor(text: str, passphrase: str) -> bytes:
    """The 32-byte private key inside our armor or the SDK's; clear errors otherwise."""
    label, headers, body = _parse(text)
    if label == SDK_LABEL:
        return _decrypt_sdk(text, headers, passphrase)
    if label != LABEL:
        raise ArmorError(f"unsupported armor type {label!r}")
    if headers.get("version") != VERSION:
        raise ArmorError(f"unsupported armor version {headers.get('version')!r}")
    if headers.get("type", KEY_TYPE) != KEY_TYPE:
        raise ArmorError(f"unsupported key type {headers.get('type')!r}")
    missing = [k for k in _HEADER_ORDER if k not in headers]
    if missing:
        raise ArmorError(f"armored key lacks header(s): {', '.join(missing)}")
    sealed = {
        "kdf": headers["kdf"],
        "n": headers["n"],
        "r": headers["r"],
        "p": headers["p"],
        "salt": headers["salt"],
        "cipher": headers["cipher"],
        "nonce": headers["nonce"],
        "ciphertext": base64.b64encode(body).decode(),
    }
    secret = open_sealed(sealed, passphrase, _aad_fixed(headers))
    return validate_private_key(secret)


def _decrypt_sdk(text: str, headers: dict[str, str], passphrase: str) -> bytes:
    """Cosmos SDK armor (bcrypt + secretbox), read with cosmpy's importer."""
    from cosmpy.crypto.bcrypt import ArmorError as CosmpyArmorError
    from cosmpy.crypto.bcrypt import import_cosmos_bcrypt_armored_privkey

    if headers.get("kdf", "").lower() != "bcrypt":
        raise ArmorError(f"unsupported SDK armor kdf {headers.get('kdf')!r}")
    if headers.get("type", KEY_TYPE).lower() != KEY_TYPE:
        raise ArmorError(f"unsupported key type {headers.get('type')!r}")
    for cost in _SDK_BCRYPT_COSTS:
        try:
            secret, _algo = import_cosmos_bcrypt_armored_privkey(text, passphrase, rounds=cost)
        except CosmpyArmorError as exc:
            if "decryption failed" in str(exc):
                continue
            raise ArmorError(f"invalid SDK armor: {exc}") from exc
        return validate_private_key(secret)
    raise WrongPassphraseError("incorrect passphrase (or the key file was altered)")
