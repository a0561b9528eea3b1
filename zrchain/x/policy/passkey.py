"""Passkey sign methods and additional signatures (docs/identity-policy.md, *Passkeys*).

A user registers a WebAuthn credential (``SignMethodPasskey``) whose registration challenge
is the public key of the registering tx's first signer; later, when approving an action,
the user may add an ``AdditionalSignaturePasskey`` whose challenge is the action's
``challenge-passkey{id}`` policy data, signed with the credential's P-256 key. A valid
one approves the action as the participant ``passkey{<base64url raw id>}``.

The CBOR reader here implements exactly what zrChain's decoder mode allows (definite
lengths, no tags, no duplicate map keys, at most 4 nested levels) and the CTAP2 canonical
re-encoding whose length zrChain uses when it walks the authenticator data.
"""

from __future__ import annotations

import base64
import hashlib
import json
import struct
from dataclasses import dataclass
from typing import Any

from cosmpy.protos.cosmos.tx.v1beta1 import tx_pb2
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from google.protobuf.message import DecodeError

from zrchain.codec.gen.zrchain.policy import (
    action_pb2,
    additional_signature_passkey_pb2,
    sign_method_passkey_pb2,
)
from zrchain.codec.json import JSONTooDeep, check_depth
from zrchain.x.policy.types import CHALLENGE_PREFIX, PASSKEY_PREFIX

MAX_NESTED_LEVELS = 4
# WebAuthn client data is a flat object; deeper JSON is refused before it is parsed (Go's
# encoding/json would read up to 10000 levels, Python's parser recurses per level).
MAX_CLIENT_DATA_DEPTH = 64
_P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


class PasskeyError(ValueError):
    """A registration or attestation defect; the text is zrChain's reason."""


# -- base64url (Go's RawURLEncoding) ------------------------------------------------------
_B64URL = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    """Go's ``base64.RawURLEncoding.DecodeString``: no padding; CR and LF are skipped."""
    data = text.encode("utf-8", "surrogatepass")
    clean = bytearray()
    for i, c in enumerate(data):
        if c in (0x0A, 0x0D):
            continue
        if c not in _B64URL:
            raise PasskeyError(f"illegal base64 data at input byte {i}")
        clean.append(c)
    if len(clean) % 4 == 1:
        raise PasskeyError(f"illegal base64 data at input byte {len(data)}")
    padded = bytes(clean) + b"=" * (-len(clean) % 4)
    return base64.urlsafe_b64decode(padded)


def config_id(raw_id: bytes) -> str:
    return b64url(raw_id)


def participant_id(raw_id: bytes) -> str:
    return f"{PASSKEY_PREFIX}{config_id(raw_id)}}}"


# -- CBOR ----------------------------------------------------------------------------------
class _Float(float):
    """A decoded CBOR float: re-encoded as float64 (CTAP2 mode has no shortest-float)."""


@dataclass(frozen=True)
class _Simple:
    value: int


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def take(self, n: int) -> bytes:
        if self.pos + n > len(self.data):
            raise PasskeyError("unexpected EOF")
        out = self.data[self.pos : self.pos + n]
        self.pos += n
        return out

    def head(self) -> tuple[int, int, int]:
        b = self.take(1)[0]
        major, info = b >> 5, b & 0x1F
        if info < 24:
            return major, info, info
        if info in (24, 25, 26, 27):
            size = 1 << (info - 24)
            return major, info, int.from_bytes(self.take(size), "big")
        if info == 31:
            raise PasskeyError("cbor: indefinite-length CBOR data item not allowed")
        raise PasskeyError(f"cbor: invalid additional information {info} for type {major}")

    def item(self, depth: int = 0) -> Any:
        major, info, arg = self.head()
        if major == 0:
            return arg
        if major == 1:
            return -1 - arg
        if major == 2:
            return self.take(arg)
        if major == 3:
            try:
                return self.take(arg).decode("utf-8")
            except UnicodeDecodeError:
                raise PasskeyError("cbor: invalid UTF-8 string") from None
        if major in (4, 5):
            depth += 1
            if depth > MAX_NESTED_LEVELS:
                raise PasskeyError(f"cbor: exceeded max nested level {MAX_NESTED_LEVELS}")
            if major == 4:
                return [self.item(depth) for _ in range(arg)]
            out: dict[Any, Any] = {}
            for _ in range(arg):
                k = self.item(depth)
                v = self.item(depth)
                hk = _hashable(k)
                if hk in out:
                    raise PasskeyError(f"cbor: found duplicate map key {k!r}")
                out[hk] = v
            return out
        if major == 6:
            raise PasskeyError("cbor: CBOR tag isn't allowed")
        # major 7: simple values and floats
        if info == 20:
            return False
        if info == 21:
            return True
        if info in (22, 23):
            return None
        if info == 25:
            return _Float(_half(arg))
        if info == 26:
            return _Float(struct.unpack(">f", arg.to_bytes(4, "big"))[0])
        if info == 27:
            return _Float(struct.unpack(">d", arg.to_bytes(8, "big"))[0])
        if info == 24 and arg < 32:
            raise PasskeyError(f"cbor: invalid simple value {arg} for type primitives")
        return _Simple(arg)


def _hashable(k: Any) -> Any:
    if isinstance(k, list):
        return ("array", tuple(_hashable(x) for x in k))
    if isinstance(k, dict):
        return ("map", tuple(sorted((repr(a), repr(b)) for a, b in k.items())))
    if isinstance(k, bool):
        return ("bool", k)
    return k


def _half(bits: int) -> float:
    sign = -1.0 if bits & 0x8000 else 1.0
    exp = (bits >> 10) & 0x1F
    frac = bits & 0x3FF
    if exp == 0:
        return sign * frac * 2.0**-24
    if exp == 31:
        return sign * float("inf") if frac == 0 else float("nan")
    return sign * (1 + frac / 1024) * 2.0 ** (exp - 15)


def cbor_decode_first(data: bytes) -> tuple[Any, int]:
    """The first CBOR item of ``data`` and the number of bytes it took (rest ignored)."""
    r = _Reader(data)
    if not data:
        raise PasskeyError("EOF")
    return r.item(), r.pos


def _head(major: int, n: int) -> bytes:
    if n < 24:
        return bytes([major << 5 | n])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if n < 1 << (8 * size):
            return bytes([major << 5 | info]) + n.to_bytes(size, "big")
    raise PasskeyError("cbor: integer too large")


def cbor_encode_ctap2(v: Any) -> bytes:
    """CTAP2 canonical encoding: shortest heads, map keys sorted length-first."""
    if isinstance(v, bool):
        return b"\xf5" if v else b"\xf4"
    if v is None:
        return b"\xf6"
    if isinstance(v, _Simple):
        return bytes([0xE0 | v.value]) if v.value < 24 else bytes([0xF8, v.value])
    if isinstance(v, _Float):
        return b"\xfb" + struct.pack(">d", float(v))
    if isinstance(v, int):
        return _head(0, v) if v >= 0 else _head(1, -1 - v)
    if isinstance(v, bytes):
        return _head(2, len(v)) + v
    if isinstance(v, str):
        raw = v.encode()
        return _head(3, len(raw)) + raw
    if isinstance(v, list):
        return _head(4, len(v)) + b"".join(cbor_encode_ctap2(x) for x in v)
    if isinstance(v, dict):
        items = sorted(
            ((cbor_encode_ctap2(_unhash(k)), cbor_encode_ctap2(x)) for k, x in v.items()),
            key=lambda kv: (len(kv[0]), kv[0]),
        )
        return _head(5, len(items)) + b"".join(k + x for k, x in items)
    raise PasskeyError(f"cbor: unsupported type {type(v).__name__}")


def _unhash(k: Any) -> Any:
    if isinstance(k, tuple) and k and k[0] == "bool":
        return k[1]
    if isinstance(k, tuple) and k and k[0] == "array":
        return [_unhash(x) for x in k[1]]
    if isinstance(k, tuple) and k and k[0] == "map":
        raise PasskeyError("cbor: map as map key not supported")
    return k


# -- authenticator data / attestation ------------------------------------------------------
@dataclass(frozen=True)
class AuthData:
    flags: int
    sign_count: int
    credential_id: bytes
    public_key_cbor: bytes  # CTAP2 re-encoding of the COSE key


def parse_auth_data(raw: bytes) -> AuthData:
    if len(raw) < 37:
        raise PasskeyError("invalid auth data, len < 37")
    flags = raw[32]
    count = int.from_bytes(raw[33:37], "big")
    remaining = len(raw) - 37
    cred_id = b""
    cose = b""
    if flags & 0x40:
        if len(raw) <= 55:
            raise PasskeyError("attested credential flag set but data is missing")
        n = int.from_bytes(raw[53:55], "big")
        if len(raw) < 55 + n:
            raise PasskeyError("authenticator attestation data length too short")
        if n > 1023:
            raise PasskeyError("authenticator attestation data credential id length too long")
        cred_id = raw[55 : 55 + n]
        try:
            key, _ = cbor_decode_first(raw[55 + n :])
            cose = cbor_encode_ctap2(key)
        except PasskeyError as exc:
            raise PasskeyError(f"could not unmarshal Credential Public Key: {exc}") from None
        remaining -= 16 + 2 + n + len(cose)
    elif not flags & 0x80 and len(raw) != 37:
        raise PasskeyError("attested credential flag not set")
    if flags & 0x80:
        if remaining == 0:
            raise PasskeyError("extensions flag set but extensions data is missing")
        remaining = 0
    if remaining != 0:
        raise PasskeyError("leftover bytes decoding AuthenticatorData")
    return AuthData(flags, count, cred_id, cose)


@dataclass(frozen=True)
class Attestation:
    fmt: str
    att_stmt: dict[Any, Any]
    auth_data: AuthData


def _field(obj: dict[Any, Any], name: str) -> Any:
    """Struct-field lookup as Go decoders do it: exact key first, then case-insensitive."""
    if name in obj:
        return obj[name]
    for k, v in obj.items():
        if isinstance(k, str) and k.lower() == name.lower():
            return v
    return None


def parse_attestation(raw: bytes) -> Attestation:
    obj, _ = cbor_decode_first(raw)
    if not isinstance(obj, dict):
        raise PasskeyError("cbor: cannot unmarshal into Go value of type types.AttestationObject")
    fmt = _field(obj, "fmt")
    stmt = _field(obj, "attStmt")
    auth = _field(obj, "authData")
    if fmt is not None and not isinstance(fmt, str):
        raise PasskeyError("cbor: cannot unmarshal into Go struct field fmt of type string")
    if stmt is not None and not isinstance(stmt, dict):
        raise PasskeyError("cbor: cannot unmarshal into Go struct field attStmt of type map")
    if stmt is not None and any(not isinstance(k, str) for k in stmt):
        raise PasskeyError("cbor: cannot unmarshal into Go struct field attStmt of type string")
    if auth is not None and not isinstance(auth, bytes):
        raise PasskeyError("cbor: cannot unmarshal into Go struct field authData of type []uint8")
    return Attestation(fmt or "", stmt or {}, parse_auth_data(auth or b""))


def public_key_xy(att: Attestation) -> bytes:
    """x ‖ y of the credential's COSE key (map keys -2 and -3)."""
    key, _ = cbor_decode_first(att.auth_data.public_key_cbor)
    if not isinstance(key, dict):
        raise PasskeyError("cbor: cannot unmarshal into Go value of type types.EC2PublicKeyData")
    for label in (1, 3, -1):
        if label in key and not isinstance(key[label], int):
            raise PasskeyError("cbor: cannot unmarshal into Go struct field of type int64")
    out = b""
    for label in (-2, -3):
        v = key.get(label)
        if v is not None and not isinstance(v, bytes):
            raise PasskeyError("cbor: cannot unmarshal into Go struct field of type []uint8")
        out += v or b""
    return out


def _client_challenge(client_data_json: bytes) -> str:
    """``challenge`` of a WebAuthn client data JSON, read as Go's encoding/json would."""
    text = client_data_json.decode("utf-8", "replace")
    if not text.strip(" \t\r\n"):
        raise PasskeyError("unexpected end of JSON input")

    def no_constants(name: str) -> Any:
        raise PasskeyError(f"invalid character '{name[0]}' looking for beginning of value")

    try:
        check_depth(text, MAX_CLIENT_DATA_DEPTH)
        obj = json.loads(text, parse_constant=no_constants)
    except JSONTooDeep as exc:
        raise PasskeyError(f"invalid JSON: {exc}") from None
    except json.JSONDecodeError as exc:
        raise PasskeyError(f"invalid JSON: {exc.msg}") from None
    if obj is None:
        return ""
    if not isinstance(obj, dict):
        raise PasskeyError("json: cannot unmarshal into Go value of type types.CollectedClientData")
    for name in ("challenge", "origin"):
        v = _field(obj, name)
        if v is not None and not isinstance(v, str):
            raise PasskeyError(
                f"json: cannot unmarshal into Go struct field CollectedClientData.{name} "
                "of type string"
            )
    return str(_field(obj, "challenge") or "")


# -- registration (MsgAddSignMethod) ---------------------------------------------------------
def verify_config(sm: sign_method_passkey_pb2.SignMethodPasskey, tx_bytes: bytes) -> None:
    """SignMethodPasskey.VerifyConfig: the registration challenge must be the public key of
    the tx's first signer, and the attestation object must parse. Raises PasskeyError."""
    try:
        tx = tx_pb2.Tx.FromString(tx_bytes)
    except DecodeError as exc:
        raise PasskeyError(str(exc)) from None
    challenge = _client_challenge(bytes(sm.client_data_json))
    if not tx.HasField("auth_info") or not tx.auth_info.signer_infos:
        raise PasskeyError("no signers in tx")
    first = tx.auth_info.signer_infos[0]
    if not first.HasField("public_key"):
        raise PasskeyError("first signer carries no public key")
    if b64url_decode(challenge) != bytes(first.public_key.value):
        raise PasskeyError("invalid challenge")
    att = parse_attestation(bytes(sm.attestation_object))
    if att.fmt == "none" and att.att_stmt:
        raise PasskeyError("attestation format none with attestation statement present")


# -- approvals (MsgApproveAction additional signatures) -------------------------------------
def _der_signature(sig: bytes) -> tuple[int, int] | None:
    """(r, s) of an ASN.1 DER ``SEQUENCE {INTEGER r, INTEGER s}`` (Go ``asn1.Unmarshal``);
    bytes after the sequence are ignored."""

    def length(pos: int) -> tuple[int, int] | None:
        if pos >= len(sig):
            return None
        b = sig[pos]
        if b < 0x80:
            return b, pos + 1
        n = b & 0x7F
        if n == 0 or n > 4 or pos + 1 + n > len(sig):
            return None
        v = int.from_bytes(sig[pos + 1 : pos + 1 + n], "big")
        if v < 0x80 or sig[pos + 1] == 0:
            return None  # not minimal (DER)
        return v, pos + 1 + n

    def integer(pos: int, end: int) -> tuple[int, int] | None:
        if pos >= end or sig[pos] != 0x02:
            return None
        ln = length(pos + 1)
        if ln is None:
            return None
        n, start = ln
        if n == 0 or start + n > end:
            return None
        body = sig[start : start + n]
        if n > 1 and ((body[0] == 0 and body[1] < 0x80) or (body[0] == 0xFF and body[1] >= 0x80)):
            return None  # not minimally encoded
        return int.from_bytes(body, "big", signed=True), start + n

    if not sig or sig[0] != 0x30:
        return None
    ln = length(1)
    if ln is None:
        return None
    n, start = ln
    end = start + n
    if end > len(sig):
        return None
    r = integer(start, end)
    if r is None:
        return None
    s = integer(r[1], end)
    if s is None:
        return None  # (extra bytes after s inside the SEQUENCE are allowed, as in Go)
    return r[0], s[0]


def verify_additional_signature(
    sig: additional_signature_passkey_pb2.AdditionalSignaturePasskey,
    sm: sign_method_passkey_pb2.SignMethodPasskey,
    action: action_pb2.Action,
) -> str:
    """The participant id the signature approves as, or "" when it does not verify.

    Raises PasskeyError only for a registered credential whose key is not a 64-byte
    x ‖ y (zrChain panics there, failing the tx; we fail it with a clear error).
    """
    addr = participant_id(bytes(sm.raw_id))
    try:
        challenge = _client_challenge(bytes(sig.client_data_json))
    except PasskeyError:
        return ""
    expected = None
    for kv in action.policy_data:
        if kv.key == CHALLENGE_PREFIX + addr:
            expected = bytes(kv.value)
            break
    if expected is None:
        return ""
    try:
        if b64url_decode(challenge) != expected:
            return ""
        key = public_key_xy(parse_attestation(bytes(sm.attestation_object)))
    except PasskeyError:
        return ""
    if len(key) < 64:
        raise PasskeyError(f"passkey public key must be 64 bytes (x ‖ y), got {len(key)}")
    rs = _der_signature(bytes(sig.signature))
    if rs is None:
        return ""
    r, s = rs
    if not (0 < r < _P256_ORDER and 0 < s < _P256_ORDER):
        return ""
    x, y = int.from_bytes(key[:32], "big"), int.from_bytes(key[32:64], "big")
    try:
        pub = ec.EllipticCurvePublicNumbers(x, y, ec.SECP256R1()).public_key()
        signed = bytes(sig.authenticator_data) + hashlib.sha256(sig.client_data_json).digest()
        pub.verify(encode_dss_signature(r, s), signed, ec.ECDSA(hashes.SHA256()))
    except (ValueError, InvalidSignature):
        return ""
    return addr
