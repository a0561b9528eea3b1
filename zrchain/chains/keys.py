"""MPC key types, public-key validation and returned-signature verification
(docs/treasury.md, keys and signatures; fix 3 of docs/COMPATIBILITY.md).

Pure: no state, no floats, no randomness, no clock (this runs inside consensus)."""

from __future__ import annotations

from enum import IntEnum

import coincurve
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from zrchain.chains.errors import PublicKeyError, SignatureError

# Key types (proto enum zrchain.treasury.KeyType)


class KeyType(IntEnum):
    KEY_TYPE_UNSPECIFIED = 0
    KEY_TYPE_ECDSA_SECP256K1 = 1
    KEY_TYPE_EDDSA_ED25519 = 2
    KEY_TYPE_BITCOIN_SECP256K1 = 3


def _squash(name: str) -> str:
    return name.replace("_", "").replace("-", "").lower()


_KEY_TYPE_BY_NAME = {_squash(k.name): k for k in KeyType} | {
    _squash(k.name.removeprefix("KEY_TYPE_")): k for k in KeyType
}
# MsgNewKeyRequest's key_type strings and common short names.
_KEY_TYPE_BY_NAME |= {
    "ecdsa": KeyType.KEY_TYPE_ECDSA_SECP256K1,
    "eddsa": KeyType.KEY_TYPE_EDDSA_ED25519,
    "ed25519": KeyType.KEY_TYPE_EDDSA_ED25519,
    "bitcoin": KeyType.KEY_TYPE_BITCOIN_SECP256K1,
}


def key_type(value: KeyType | int | str) -> KeyType:
    """Coerce an enum, its number, its name or its CLI spelling to :class:`KeyType`."""
    if isinstance(value, bool):
        raise PublicKeyError(f"invalid key type: {value!r}")
    if isinstance(value, int):
        try:
            return KeyType(value)
        except ValueError:
            raise PublicKeyError(f"invalid key type: {value}") from None
    if isinstance(value, str):
        found = _KEY_TYPE_BY_NAME.get(_squash(value))
        if found is not None:
            return found
    raise PublicKeyError(f"invalid key type: {value}")


# ---------------------------------------------------------------------------------------------
# Public keys (fix 3 of docs/COMPATIBILITY.md)

SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
SECP256K1_HALF_N = SECP256K1_N // 2


def secp256k1_compressed(pubkey: bytes, *, label: str = "secp256k1") -> bytes:
    """The 33-byte compressed form of a secp256k1 key given as 33 (02/03) or 65 (04) bytes.

    The point must lie on the curve; hybrid (06/07) and prefix-mismatched keys are refused.
    ``label`` names the key type in error messages (``ecdsa_secp256k1`` ...).
    """
    pubkey = bytes(pubkey)
    size = len(pubkey)
    if size not in (33, 65):
        raise PublicKeyError(
            f"invalid {label} public key {pubkey.hex()} of length {size}, expected 33 or 65 bytes"
        )
    prefix = pubkey[0]
    if (size == 33 and prefix not in (2, 3)) or (size == 65 and prefix != 4):
        raise PublicKeyError(
            f"invalid {label} public key {pubkey.hex()}: prefix must be 0x02 or 0x03 "
            f"(33 bytes) or 0x04 (65 bytes), got {prefix:02x}"
        )
    try:
        return coincurve.PublicKey(pubkey).format(compressed=True)
    except ValueError:
        raise PublicKeyError(
            f"invalid {label} public key {pubkey.hex()}: not a point on the secp256k1 curve"
        ) from None


def secp256k1_uncompressed(pubkey: bytes) -> bytes:
    """64 bytes X‖Y of a valid secp256k1 key (for EVM addresses)."""
    compressed = secp256k1_compressed(pubkey)
    return coincurve.PublicKey(compressed).format(compressed=False)[1:]


_ED_P = 2**255 - 19
_ED_D = (-121665 * pow(121666, _ED_P - 2, _ED_P)) % _ED_P
_ED_SQRT_M1 = pow(2, (_ED_P - 1) // 4, _ED_P)


def _ed25519_decode(encoded: bytes) -> tuple[int, int] | None:
    """Affine point of a canonical RFC 8032 encoding, or None when it encodes no point.

    The square root of u/v is taken as RFC 8032 §5.1.3 does, with one exponentiation
    (Python's modular exponentiations are what this check costs).
    """
    p = _ED_P
    y = int.from_bytes(encoded, "little")
    sign = y >> 255
    y &= (1 << 255) - 1
    if y >= p:
        return None
    y2 = y * y % p
    u = (y2 - 1) % p
    v = (_ED_D * y2 + 1) % p
    v3 = v * v * v % p
    x = u * v3 * pow(u * v3 * v3 * v % p, (p - 5) // 8, p) % p
    vx2 = v * x * x % p
    if vx2 != u:
        if vx2 != (-u) % p:
            return None
        x = x * _ED_SQRT_M1 % p
    if x == 0 and sign:
        return None
    if x & 1 != sign:
        x = p - x
    return x, y


def _ed25519_times8_is_identity(x: int, y: int) -> bool:
    """Whether [8]P is the neutral element: three doublings in projective coordinates
    (EFD dbl-2008-bbjlp with a = -1), so no field inversion is needed."""
    p = _ED_P
    X, Y, Z = x, y, 1
    for _ in range(3):
        B = (X + Y) * (X + Y) % p
        C = X * X % p
        D = Y * Y % p
        E = -C % p
        F = (E + D) % p
        J = (F - 2 * Z * Z) % p
        X, Y, Z = (B - C - D) * J % p, F * (E - D) % p, F * J % p
    return X == 0 and (Y - Z) % p == 0


def ed25519_check_public_key(pubkey: bytes, *, label: str = "eddsa_ed25519") -> bytes:
    """Return ``pubkey`` if it is 32 bytes encoding a curve point of large order.

    Small-order points are refused too: with one, anybody can forge signatures, so such a key
    could never be a keyring's honest output.
    """
    pubkey = bytes(pubkey)
    if len(pubkey) != 32:
        raise PublicKeyError(
            f"invalid {label} public key {pubkey.hex()} of length {len(pubkey)}, expected 32 bytes"
        )
    point = _ed25519_decode(pubkey)
    if point is None:
        raise PublicKeyError(f"invalid {label} public key {pubkey.hex()}: not a curve point")
    if _ed25519_times8_is_identity(*point):
        raise PublicKeyError(f"invalid {label} public key {pubkey.hex()}: small-order point")
    return pubkey


def _label(kt: KeyType) -> str:
    return kt.name.removeprefix("KEY_TYPE_").lower()


def validate_public_key(kind: KeyType | int | str, pubkey: bytes) -> bytes:
    """Check a keyring's fulfilled public key and return the form to store.

    secp256k1 keys (ECDSA and BITCOIN) come back compressed (33 bytes), Ed25519 keys as given.
    zrChain's "5 leading zeros" heuristic is kept so its rejections stay rejections.
    """
    kt = key_type(kind)
    pubkey = bytes(pubkey)
    if kt in (KeyType.KEY_TYPE_ECDSA_SECP256K1, KeyType.KEY_TYPE_BITCOIN_SECP256K1):
        label = _label(kt)
        if len(pubkey) in (33, 65) and pubkey[1:6] == bytes(5):
            raise PublicKeyError(
                f"invalid {label} public key {pubkey.hex()}: contains 5 leading zeros after "
                "prefix (max 4 allowed)"
            )
        return secp256k1_compressed(pubkey, label=label)
    if kt == KeyType.KEY_TYPE_EDDSA_ED25519:
        if len(pubkey) == 32 and pubkey[:5] == bytes(5):
            raise PublicKeyError(
                f"invalid eddsa_ed25519 public key {pubkey.hex()}: contains 5 leading zeros "
                "(max 4 allowed)"
            )
        return ed25519_check_public_key(pubkey)
    raise PublicKeyError(f"invalid key type: {kt.name}")


def recovery_id(digest: bytes, r: int, s: int, compressed_pubkey: bytes) -> int | None:
    """The v in {0, 1} whose public-key recovery of (r, s) over ``digest`` gives the key."""
    rs = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    for v in (0, 1):
        try:
            found = coincurve.PublicKey.from_signature_and_message(
                rs + bytes([v]), digest, hasher=None
            )
        except ValueError:
            continue
        if found.format(compressed=True) == compressed_pubkey:
            return v
    return None


# ---------------------------------------------------------------------------------------------
# Returned-signature verification (docs/treasury.md, *Transaction parsing and signature checks*)


def _der_int(value: int) -> bytes:
    body = value.to_bytes(max(1, (value.bit_length() + 7) // 8), "big")
    if body[0] & 0x80:
        body = b"\x00" + body
    return b"\x02" + bytes([len(body)]) + body


def ecdsa_der(r: int, s: int) -> bytes:
    """Strict DER encoding of (r, s)."""
    body = _der_int(r) + _der_int(s)
    return b"\x30" + bytes([len(body)]) + body


def parse_der_signature(der: bytes) -> tuple[int, int] | None:
    """(r, s) of a strictly DER-encoded signature with 1 <= r, s < n, else None (btcec rules)."""
    if len(der) < 8 or len(der) > 72 or der[0] != 0x30 or der[1] != len(der) - 2:
        return None
    values = []
    pos = 2
    for _ in range(2):
        if pos + 2 > len(der) or der[pos] != 0x02:
            return None
        size = der[pos + 1]
        body = der[pos + 2 : pos + 2 + size]
        if size == 0 or len(body) != size or body[0] & 0x80:
            return None
        if size > 1 and body[0] == 0 and not body[1] & 0x80:
            return None
        values.append(int.from_bytes(body, "big"))
        pos += 2 + size
    if pos != len(der) or not all(0 < v < SECP256K1_N for v in values):
        return None
    return values[0], values[1]


def bitcoin_signature_to_der(raw: bytes) -> bytes:
    """Convert a keyring's raw r‖s[‖v] signature to low-S DER, as zrChain stores BITCOIN sigs.

    r and s are reduced mod n. 66 bytes or more is zrChain's conversion error; fewer than 64
    bytes panics in zrChain (tx failure) and raises the same error here.
    """
    raw = bytes(raw)
    if len(raw) >= 66 or len(raw) < 64:
        raise SignatureError(
            "failed to convert ecdsa signature to bitcoin signature: "
            "ConvertECDSASigtoBitcoinSig - invalid ecdsa signature"
        )
    r = int.from_bytes(raw[:32], "big") % SECP256K1_N
    s = int.from_bytes(raw[32:64], "big") % SECP256K1_N
    if s > SECP256K1_HALF_N:
        s = SECP256K1_N - s
    return ecdsa_der(r, s)


def _ecdsa_verify(compressed: bytes, digest: bytes, r: int, s: int) -> bool:
    """libsecp256k1 verification: 32-byte digest, r, s in range, high S is invalid."""
    if len(digest) != 32 or not (0 < r < SECP256K1_N and 0 < s < SECP256K1_N):
        return False
    return bool(coincurve.PublicKey(compressed).verify(ecdsa_der(r, s), digest, hasher=None))


def ed25519_verify(pubkey: bytes, message: bytes, signature: bytes) -> bool:
    """Ed25519 (RFC 8032, cofactorless) verification of ``signature`` over ``message``."""
    if len(signature) != 64 or len(pubkey) != 32:
        return False
    try:
        Ed25519PublicKey.from_public_bytes(bytes(pubkey)).verify(bytes(signature), bytes(message))
    except (InvalidSignature, ValueError):
        return False
    return True


def verify_signature(
    kind: KeyType | int | str,
    pubkey: bytes,
    data: bytes,
    signature: bytes,
    keyring_addr: str = "",
) -> bytes:
    """Check a keyring's returned signature over ``data``; return the bytes to store.

    ECDSA: 64-byte r‖s or 65-byte r‖s‖v over a 32-byte hash, low S only; a 65-byte signature
    gets its last byte replaced by the recovery id (0/1). EdDSA: 64 bytes over the message.
    BITCOIN: ``signature`` is the DER produced by :func:`bitcoin_signature_to_der`. Errors carry
    zrChain's texts (the caller prefixes ``signature verification failed: ``).
    """
    kt = key_type(kind)
    sig = bytes(signature)
    data = bytes(data)
    invalid = SignatureError(
        f"verifySignature- invalid signature {sig.hex()} from keyring {keyring_addr}"
    )
    if kt == KeyType.KEY_TYPE_ECDSA_SECP256K1:
        if len(sig) not in (64, 65):
            raise SignatureError(
                f"verifySignature- invalid ecdsa signature {sig.hex()} of length {len(sig)}"
            )
        try:
            compressed = secp256k1_compressed(pubkey)
        except PublicKeyError:
            raise invalid from None
        r = int.from_bytes(sig[:32], "big")
        s = int.from_bytes(sig[32:64], "big")
        if not _ecdsa_verify(compressed, data, r, s):
            raise invalid
        if len(sig) == 65:
            recovery = recovery_id(data, r, s, compressed)
            if recovery is not None:
                sig = sig[:64] + bytes([recovery])
        return sig
    if kt == KeyType.KEY_TYPE_EDDSA_ED25519:
        if len(sig) != 64:
            raise SignatureError(
                f"verifySignature- invalid eddsa signature {sig.hex()} of length {len(sig)}"
            )
        if not ed25519_verify(bytes(pubkey), data, sig):
            raise invalid
        return sig
    if kt == KeyType.KEY_TYPE_BITCOIN_SECP256K1:
        parsed = parse_der_signature(sig)
        if parsed is None:
            raise SignatureError(
                f"verifySignature - invalid Bitcoin signature {sig.hex()} - fail to parse "
            )
        try:
            compressed = secp256k1_compressed(pubkey)
        except PublicKeyError:
            raise SignatureError(
                f"verifySignature- invalid Bitcoin Public Key {bytes(pubkey).hex()} "
            ) from None
        r, s = parsed
        if s > SECP256K1_HALF_N:  # btcec accepts high S; libsecp256k1 needs the low twin
            s = SECP256K1_N - s
        if not _ecdsa_verify(compressed, data, r, s):
            raise invalid
        return sig
    raise SignatureError(f"verifySignature- invalid key type: {kt.name}")
