"""Account keys as the Cosmos SDK (and so zrChain) derives and uses them.

mnemonic (BIP39, English) -> seed (PBKDF2, empty passphrase by default)
  -> BIP32 private key at ``m/44'/118'/<account>'/0/<index>``
  -> 33-byte compressed secp256k1 public key
  -> address = ripemd160(sha256(pubkey)) (20 bytes) as bech32 ``zen1...``.

BIP39 checksums and word lists come from ``mnemonic`` (the Trezor reference implementation);
BIP32 derivation is done here because it is a few lines over ``coincurve`` (libsecp256k1) and
cosmpy's copy limits path components to three digits and skips the BIP32 validity checks.
Signatures are what SIGN_MODE_DIRECT needs: ECDSA over sha256(message), 64 bytes r||s,
low-S, deterministic (RFC 6979).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
import unicodedata
from dataclasses import dataclass, field

import coincurve
from coincurve.ecdsa import cdata_to_der, deserialize_compact
from mnemonic import Mnemonic

from zrchain.codec import bech32
from zrchain.codec.any import SECP256K1_PUBKEY_URL
from zrchain.crypto.hashes import hash160

ACCOUNT_HRP = "zen"
ACCOUNT_PUB_HRP = "zenpub"
VALOPER_HRP = "zenvaloper"
VALCONS_HRP = "zenvalcons"
COIN_TYPE = 118
PURPOSE = 44
HARDENED = 1 << 31
DEFAULT_HD_PATH = "m/44'/118'/0'/0/0"
KEY_TYPE = "secp256k1"

SECP256K1_N = int("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", 16)
_HALF_N = SECP256K1_N // 2

MNEMONIC_WORD_COUNTS = {12: 128, 15: 160, 18: 192, 21: 224, 24: 256}
_BIP39 = Mnemonic("english")
_BIP39_WORDS = frozenset(_BIP39.wordlist)


class InvalidMnemonicError(ValueError):
    """The phrase is not a valid BIP39 English mnemonic (messages never echo the words)."""


class InvalidHDPathError(ValueError):
    """The derivation path is malformed."""


class InvalidKeyError(ValueError):
    """Bytes that are not a usable secp256k1 private or public key."""


class InvalidAddressError(ValueError):
    """A string that is not bech32 with the expected prefix."""


# --- BIP39 -----------------------------------------------------------------------------


def normalize_mnemonic(phrase: str) -> str:
    """NFKD, lower case, single spaces: how users type phrases vs. what BIP39 hashes."""
    return " ".join(unicodedata.normalize("NFKD", phrase).lower().split())


def validate_mnemonic(phrase: str) -> str:
    """Return the normalised phrase, or raise with a reason (length, word position, checksum)."""
    norm = normalize_mnemonic(phrase)
    words = norm.split(" ") if norm else []
    if len(words) not in MNEMONIC_WORD_COUNTS:
        raise InvalidMnemonicError(
            f"invalid mnemonic: expected 12, 15, 18, 21 or 24 words, got {len(words)}"
        )
    for pos, word in enumerate(words, start=1):
        if word not in _BIP39_WORDS:
            raise InvalidMnemonicError(
                f"invalid mnemonic: word {pos} is not in the BIP39 English word list"
            )
    try:
        _BIP39.to_entropy(words)
    except ValueError as exc:
        raise InvalidMnemonicError("invalid mnemonic: checksum mismatch") from exc
    return norm


def generate_mnemonic(words: int = 24) -> str:
    """A fresh mnemonic from the OS CSPRNG (24 words = 256 bits, the SDK default)."""
    if words not in MNEMONIC_WORD_COUNTS:
        raise ValueError(f"mnemonic length must be one of {sorted(MNEMONIC_WORD_COUNTS)}")
    return _BIP39.to_mnemonic(secrets.token_bytes(MNEMONIC_WORD_COUNTS[words] // 8))


def mnemonic_from_entropy(entropy: bytes) -> str:
    """Deterministic mnemonic for given entropy (16..32 bytes); used by tests and tools."""
    return _BIP39.to_mnemonic(entropy)


def mnemonic_to_seed(phrase: str, bip39_passphrase: str = "") -> bytes:
    """64-byte BIP39 seed; the phrase is validated first so typos never yield a silent key."""
    return Mnemonic.to_seed(validate_mnemonic(phrase), bip39_passphrase)


# --- BIP32 -----------------------------------------------------------------------------

_PATH_COMPONENT = re.compile(r"^(\d+)(['hH]?)$")


def hd_path(account: int = 0, index: int = 0, coin_type: int = COIN_TYPE) -> str:
    """BIP44 path the SDK builds from --coin-type/--account/--index."""
    for label, value in (("coin type", coin_type), ("account", account), ("index", index)):
        if not 0 <= value < HARDENED:
            raise InvalidHDPathError(f"{label} must be in [0, 2^31), got {value}")
    return f"m/{PURPOSE}'/{coin_type}'/{account}'/0/{index}"


def parse_hd_path(path: str) -> tuple[int, ...]:
    """``m/44'/118'/0'/0/0`` -> child indices (hardened ones have bit 31 set)."""
    parts = path.strip().split("/")
    if not parts or parts[0] != "m":
        raise InvalidHDPathError(f"invalid HD path {path!r}: must start with 'm/'")
    out: list[int] = []
    for part in parts[1:]:
        m = _PATH_COMPONENT.match(part)
        if m is None:
            raise InvalidHDPathError(f"invalid HD path {path!r}: bad component {part!r}")
        value = int(m.group(1))
        if value >= HARDENED:
            raise InvalidHDPathError(f"invalid HD path {path!r}: index {value} >= 2^31")
        out.append(value | HARDENED if m.group(2) else value)
    return tuple(out)


def _scalar(b: bytes) -> int:
    return int.from_bytes(b, "big")


def master_key(seed: bytes) -> tuple[bytes, bytes]:
    """BIP32 master (private key, chain code) from a seed."""
    if not 16 <= len(seed) <= 64:
        raise ValueError(f"BIP32 seed must be 16..64 bytes, got {len(seed)}")
    digest = hmac.digest(b"Bitcoin seed", seed, "sha512")
    k, chain = digest[:32], digest[32:]
    if not 0 < _scalar(k) < SECP256K1_N:
        raise InvalidKeyError("seed yields an invalid BIP32 master key")
    return k, chain


def derive_child(key: bytes, chain: bytes, index: int) -> tuple[bytes, bytes]:
    """CKDpriv: one private child step of BIP32."""
    if index & HARDENED:
        data = b"\x00" + key + index.to_bytes(4, "big")
    else:
        data = public_key(key) + index.to_bytes(4, "big")
    digest = hmac.digest(chain, data, "sha512")
    il, child_chain = _scalar(digest[:32]), digest[32:]
    child = (il + _scalar(key)) % SECP256K1_N
    if il >= SECP256K1_N or child == 0:
        # Probability ~2^-127; BIP32 says to skip this index, the SDK does not: refuse instead.
        raise InvalidKeyError(f"BIP32 index {index} yields an invalid key; use another index")
    return child.to_bytes(32, "big"), child_chain


def derive_private_key(seed: bytes, path: str = DEFAULT_HD_PATH) -> bytes:
    """Private key at ``path`` below the seed's master key."""
    key, chain = master_key(seed)
    for index in parse_hd_path(path):
        key, chain = derive_child(key, chain, index)
    return key


def private_key_from_mnemonic(
    phrase: str,
    *,
    account: int = 0,
    index: int = 0,
    coin_type: int = COIN_TYPE,
    path: str | None = None,
    bip39_passphrase: str = "",
) -> bytes:
    """What ``keys add --recover`` derives: path from account/index unless given in full."""
    seed = mnemonic_to_seed(phrase, bip39_passphrase)
    return derive_private_key(seed, path or hd_path(account, index, coin_type))


# --- secp256k1 -------------------------------------------------------------------------


def validate_private_key(secret: bytes) -> bytes:
    """32 bytes with 0 < k < n, the only scalars that are keys."""
    if not isinstance(secret, bytes | bytearray) or len(secret) != 32:
        raise InvalidKeyError("a secp256k1 private key is 32 bytes")
    if not 0 < _scalar(secret) < SECP256K1_N:
        raise InvalidKeyError("private key out of range for secp256k1")
    return bytes(secret)


def public_key(secret: bytes) -> bytes:
    """33-byte compressed public key (the form the SDK stores and hashes)."""
    return coincurve.PrivateKey(validate_private_key(secret)).public_key.format(compressed=True)


def validate_public_key(pubkey: bytes) -> bytes:
    """Accept only 33-byte compressed points that are on the curve."""
    if len(pubkey) != 33 or pubkey[0] not in (2, 3):
        raise InvalidKeyError("a secp256k1 public key here is 33 bytes, compressed")
    try:
        coincurve.PublicKey(pubkey)
    except ValueError as exc:
        raise InvalidKeyError("public key is not a point on secp256k1") from exc
    return bytes(pubkey)


def address_bytes(pubkey: bytes) -> bytes:
    """20-byte account address: ripemd160(sha256(compressed pubkey))."""
    return hash160(validate_public_key(pubkey))


def bech32_encode(hrp: str, data: bytes) -> str:
    """Classic bech32 (not bech32m), as Cosmos addresses use."""
    if not hrp or any(not 33 <= ord(c) <= 126 for c in hrp):
        raise InvalidAddressError(f"cannot bech32-encode {len(data)} bytes with prefix {hrp!r}")
    return bech32.encode(hrp.lower(), bytes(data))


def bech32_decode(address: str, hrp: str | None = None) -> tuple[str, bytes]:
    """(prefix, bytes) of a bech32 string, checking the prefix when one is expected."""
    try:
        got_hrp, data = bech32.decode(address)
    except bech32.Bech32Error as exc:
        raise InvalidAddressError(f"{address!r} is not a valid bech32 string: {exc}") from None
    if hrp is not None and got_hrp != hrp:
        raise InvalidAddressError(f"{address!r} has prefix {got_hrp!r}, expected {hrp!r}")
    return got_hrp, data


def account_address(pubkey: bytes, hrp: str = ACCOUNT_HRP) -> str:
    """``zen1...`` (or another prefix, e.g. ``zenvaloper``) for a public key."""
    return bech32_encode(hrp, address_bytes(pubkey))


def pubkey_any_json(pubkey: bytes) -> str:
    """The pubkey string in SDK key listings: a JSON Any with the base64 key."""
    key = base64.b64encode(validate_public_key(pubkey)).decode()
    return json.dumps({"@type": SECP256K1_PUBKEY_URL, "key": key}, separators=(",", ":"))


def sign(secret: bytes, message: bytes) -> bytes:
    """64-byte r||s over sha256(message): deterministic (RFC 6979) and low-S (libsecp256k1)."""
    key = coincurve.PrivateKey(validate_private_key(secret))
    # The recoverable form is r||s||recid; libsecp256k1 always emits the low-S variant.
    return key.sign_recoverable(message, hasher=lambda m: hashlib.sha256(m).digest())[:64]


def is_low_s(signature: bytes) -> bool:
    """The SDK rejects signatures with s > n/2 (malleability)."""
    return len(signature) == 64 and 0 < _scalar(signature[32:]) <= _HALF_N


def verify(pubkey: bytes, message: bytes, signature: bytes) -> bool:
    """True iff ``signature`` (64-byte r||s, low-S) signs sha256(message) under ``pubkey``."""
    if len(signature) != 64 or not is_low_s(signature):
        return False
    try:
        der = cdata_to_der(deserialize_compact(signature))
        return coincurve.PublicKey(pubkey).verify(
            der, message, hasher=lambda m: hashlib.sha256(m).digest()
        )
    except (ValueError, TypeError):
        return False


@dataclass(frozen=True, repr=False)
class PrivateKey:
    """A secp256k1 account key; repr never shows the secret."""

    secret: bytes = field(repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "secret", validate_private_key(self.secret))

    def __repr__(self) -> str:
        return f"PrivateKey(address={self.address()!r})"

    @classmethod
    def generate(cls) -> PrivateKey:
        """A random key (rejection-sampled into [1, n))."""
        while True:
            candidate = secrets.token_bytes(32)
            if 0 < _scalar(candidate) < SECP256K1_N:
                return cls(candidate)

    @classmethod
    def from_mnemonic(
        cls,
        phrase: str,
        *,
        account: int = 0,
        index: int = 0,
        coin_type: int = COIN_TYPE,
        path: str | None = None,
        bip39_passphrase: str = "",
    ) -> PrivateKey:
        return cls(
            private_key_from_mnemonic(
                phrase,
                account=account,
                index=index,
                coin_type=coin_type,
                path=path,
                bip39_passphrase=bip39_passphrase,
            )
        )

    @classmethod
    def from_hex(cls, text: str) -> PrivateKey:
        text = text.strip().removeprefix("0x")
        try:
            raw = bytes.fromhex(text)
        except ValueError as exc:
            raise InvalidKeyError("private key is not valid hex") from exc
        return cls(raw)

    @property
    def public_key(self) -> bytes:
        return public_key(self.secret)

    def address(self, hrp: str = ACCOUNT_HRP) -> str:
        return account_address(self.public_key, hrp)

    def sign(self, message: bytes) -> bytes:
        return sign(self.secret, message)
