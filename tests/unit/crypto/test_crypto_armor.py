"""Armored key export/import: our format, damage/tamper detection, and the SDK's format."""

from __future__ import annotations

import pytest

from zrchain.crypto import armor, keys
from zrchain.crypto.encryption import (
    DecryptionError,
    ScryptParams,
    WrongPassphraseError,
    open_sealed,
    seal,
)

FAST = ScryptParams(n=1 << 10, r=8, p=1)
SECRET = keys.PrivateKey.generate().secret

# From the Cosmos SDK's keyring tests (TestImportPrivKey): an armored secp256k1 key and its
# passphrase. SDK test builds run bcrypt at cost 10; releases use 12.
SDK_ARMOR = (
    "-----BEGIN TENDERMINT PRIVATE KEY-----\n"
    "kdf: bcrypt\n"
    "salt: 6BC5D5187F9DF241E1A1243EECFF9C17\n"
    "type: secp256k1\n"
    "\n"
    "GDPpPfrSVZloiwufbal19fmd75QeiqwToZ949SwmnxxM03qL75xXVf3tTD/BrF4l\n"
    "Fs14HuhwntDBM2xgZvymTBk2edHlEI20Phv6oC0=\n"
    "=/zZh\n"
    "-----END TENDERMINT PRIVATE KEY-----"
)
SDK_PASSPHRASE = "this passphrase has been used for all test vectors"


def test_round_trip() -> None:
    text = armor.encrypt_armor(SECRET, "export pass", FAST)
    assert text.startswith("-----BEGIN ZRCHAIN PRIVATE KEY-----\n")
    assert text.rstrip().endswith("-----END ZRCHAIN PRIVATE KEY-----")
    assert SECRET.hex() not in text
    assert armor.decrypt_armor(text, "export pass") == SECRET
    # Fresh salt and nonce each time.
    assert armor.encrypt_armor(SECRET, "export pass", FAST) != text


def test_default_parameters_round_trip() -> None:
    text = armor.encrypt_armor(SECRET, "export pass")
    assert "n: 131072" in text
    assert armor.decrypt_armor(text, "export pass") == SECRET


def test_tolerates_surrounding_whitespace_and_crlf() -> None:
    text = armor.encrypt_armor(SECRET, "export pass", FAST)
    assert armor.decrypt_armor("\n  " + text.replace("\n", "\r\n") + "\n\n", "export pass") == (
        SECRET
    )


def test_wrong_passphrase() -> None:
    text = armor.encrypt_armor(SECRET, "export pass", FAST)
    with pytest.raises(WrongPassphraseError, match="incorrect passphrase"):
        armor.decrypt_armor(text, "Export pass")


def test_edited_header_fails_authentication() -> None:
    text = armor.encrypt_armor(SECRET, "export pass", FAST)
    # Same scrypt cost, different header text: only the AAD changes, and GCM notices.
    with pytest.raises(WrongPassphraseError):
        armor.decrypt_armor(text.replace("n: 1024", "n: 01024"), "export pass")
    with pytest.raises(armor.ArmorError, match="unsupported key type"):
        armor.decrypt_armor(text.replace("type: secp256k1", "type: ed25519"), "export pass")


def test_damaged_body_is_reported_as_damage() -> None:
    text = armor.encrypt_armor(SECRET, "export pass", FAST)
    lines = text.splitlines()
    body_at = lines.index("") + 1
    first = lines[body_at]
    lines[body_at] = ("B" if first[0] != "B" else "C") + first[1:]
    with pytest.raises(armor.ArmorError, match="checksum"):
        armor.decrypt_armor("\n".join(lines), "export pass")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "missing BEGIN"),
        ("hello", "missing BEGIN"),
        ("-----BEGIN ZRCHAIN PRIVATE KEY-----\nversion: 1\n", "END"),
        (
            "-----BEGIN ZRCHAIN PRIVATE KEY-----\n-----END TENDERMINT PRIVATE KEY-----",
            "mismatched END",
        ),
        ("-----BEGIN PGP PRIVATE KEY-----\n\n-----END PGP PRIVATE KEY-----", "unsupported armor"),
        (
            "-----BEGIN ZRCHAIN PRIVATE KEY-----\nversion: 2\n\nAAAA\n"
            "-----END ZRCHAIN PRIVATE KEY-----",
            "version",
        ),
        (
            "-----BEGIN ZRCHAIN PRIVATE KEY-----\nversion: 1\n\n!!!\n"
            "-----END ZRCHAIN PRIVATE KEY-----",
            "base64",
        ),
    ],
)
def test_malformed_armor(text: str, reason: str) -> None:
    with pytest.raises(armor.ArmorError, match=reason):
        armor.decrypt_armor(text, "pw")


def test_hostile_kdf_parameters_are_refused() -> None:
    text = armor.encrypt_armor(SECRET, "export pass", FAST)
    with pytest.raises(DecryptionError, match="unsupported scrypt"):
        armor.decrypt_armor(text.replace("n: 1024", "n: 1073741824"), "export pass")


def test_sdk_armored_key_imports() -> None:
    secret = armor.decrypt_armor(SDK_ARMOR, SDK_PASSPHRASE)
    # xsalsa20-poly1305 authenticated the plaintext, so this is the SDK's key.
    assert secret.hex() == "a92a683b6e1fad4fabf21fa029fbb947f0c7d2c17cebeaacb763d6db9c344a32"
    with pytest.raises(WrongPassphraseError):
        armor.decrypt_armor(SDK_ARMOR, "not the passphrase")


def test_seal_binds_associated_data() -> None:
    sealed = seal(b"secret", "pw", b"zen1a", FAST)
    assert open_sealed(sealed, "pw", b"zen1a") == b"secret"
    with pytest.raises(WrongPassphraseError):
        open_sealed(sealed, "pw", b"zen1b")
    with pytest.raises(DecryptionError, match="malformed"):
        open_sealed({**sealed, "salt": "zz"}, "pw", b"zen1a")
    with pytest.raises(DecryptionError, match="unsupported encryption"):
        open_sealed({**sealed, "kdf": "pbkdf2"}, "pw", b"zen1a")
