"""Bech32 addresses with zrChain's prefixes (zen, zenvaloper, workspace, keyring)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from google.protobuf.descriptor import FieldDescriptor

from zrchain.codec import bech32
from zrchain.crypto.hashes import hash160
from zrchain.errors import ChainError, ErrInvalidAddress, invalid_argument

ACC_PREFIX = "zen"
ACC_PUB_PREFIX = "zenpub"
VALOPER_PREFIX = "zenvaloper"
VALCONS_PREFIX = "zenvalcons"
WORKSPACE_PREFIX = "workspace"
KEYRING_PREFIX = "keyring"
# zrChain's custom verifier accepts 20- and 32-byte accounts and 11-byte keyring addresses.
_ACC_LENGTHS = (20, 32, 11)


@lru_cache(maxsize=65536)
def encode(prefix: str, data: bytes) -> str:
    return bech32.encode(prefix, data)


@lru_cache(maxsize=65536)
def decode(addr: str) -> tuple[str, bytes]:
    """(prefix, bytes) of a bech32 string; raises ErrInvalidAddress with the SDK's wording."""
    if not addr:
        raise ErrInvalidAddress.wrap("empty address string is not allowed")
    try:
        return bech32.decode(addr)
    except bech32.Bech32Error as exc:
        raise ErrInvalidAddress.wrap(f"decoding bech32 failed: {exc}") from None


@lru_cache(maxsize=65536)
def decode_prefixed(addr: str, prefix: str, lengths: tuple[int, ...] = _ACC_LENGTHS) -> bytes:
    hrp, raw = decode(addr)
    if hrp != prefix:
        raise ErrInvalidAddress.wrap(f"invalid Bech32 prefix; expected {prefix}, got {hrp}")
    if len(raw) not in lengths:
        raise ErrInvalidAddress.wrap(f"address length must be 20 or 32 bytes, got {len(raw)}")
    return raw


def acc_bytes(addr: str) -> bytes:
    """Bytes of a ``zen1…`` account address (errors are ErrInvalidAddress)."""
    return decode_prefixed(addr, ACC_PREFIX)


def acc_string(raw: bytes) -> str:
    return encode(ACC_PREFIX, raw)


def val_bytes(addr: str) -> bytes:
    """Bytes of a ``zenvaloper1…`` operator address (errors are ErrInvalidAddress)."""
    return decode_prefixed(addr, VALOPER_PREFIX, (20, 32))


def val_string(raw: bytes) -> str:
    return encode(VALOPER_PREFIX, raw)


def cons_string(raw: bytes) -> str:
    """A consensus address (``zenvalcons1…``): 20 bytes of sha256(ed25519 key)."""
    return encode(VALCONS_PREFIX, raw)


def cons_bytes(addr: str) -> bytes:
    return decode_prefixed(addr, VALCONS_PREFIX, (20,))


def msg_address(text: str, what: str) -> bytes:
    """An account address a Msg handler reads: ``invalid <what> address: …`` (code 7)."""
    try:
        return acc_bytes(text)
    except ChainError as exc:
        raise ErrInvalidAddress.wrap(f"invalid {what} address: {exc.context}") from exc


def query_address(text: str) -> bytes:
    """An account address in a query request: gRPC InvalidArgument when empty or bad."""
    if not text:
        raise invalid_argument("empty address string is not allowed")
    try:
        return acc_bytes(text)
    except ChainError as exc:
        raise invalid_argument(f"invalid address: {exc.log}") from exc


def query_arg(text: str, decode: Callable[[str], bytes], empty: str) -> bytes:
    """An address field of a query request, refused as the SDK's query servers refuse it:
    gRPC InvalidArgument with ``empty`` when missing, the decoder's text when malformed."""
    if not text:
        raise invalid_argument(empty)
    try:
        return decode(text)
    except ChainError as exc:
        raise invalid_argument(exc.log) from None


def is_acc_address(addr: str) -> bool:
    try:
        acc_bytes(addr)
    except Exception:
        return False
    return True


def pubkey_to_address(compressed_pubkey: bytes) -> bytes:
    """ripemd160(sha256(pubkey)), the Cosmos secp256k1 account address."""
    return hash160(compressed_pubkey)


@lru_cache(maxsize=256)
def module_address(name: str) -> bytes:
    """A module account's address: the first 20 bytes of sha256(module name)."""
    return hashlib.sha256(name.encode()).digest()[:20]


# zrChain's SDK fork accepts these HRPs, in this order, wherever an account address is read.
ZR_ACCOUNT_PREFIXES = (ACC_PREFIX, KEYRING_PREFIX, WORKSPACE_PREFIX)


def zr_account_bytes(addr: str) -> bytes:
    """zrChain's patched ``AccAddressFromBech32``: ``zen``, ``keyring`` or ``workspace`` HRP
    and an 11, 20 or 32-byte payload. Raises ValueError whose text is the Go error's."""
    if not addr.strip():
        raise ValueError("empty address string is not allowed")
    last = ""
    raw = b""
    for hrp in ZR_ACCOUNT_PREFIXES:
        try:
            got, raw = decode(addr)
        except Exception as exc:
            last = getattr(exc, "context", str(exc))
            continue
        if got != hrp:
            last = f"invalid Bech32 prefix; expected {hrp}, got {got}"
            continue
        break
    else:
        raise ValueError(
            "failed to convert Bech32 address: invalid address format for "
            f"account/keyring/workspace - {last}"
        )
    n = len(raw)
    if n == 0:
        raise ValueError("addresses cannot be empty: unknown address")
    if n > 255:
        raise ValueError(f"address max length is 255, got {n}: unknown address")
    if n not in (11, 20, 32):
        raise ValueError(f"address length must be 11, 20, or 32 bytes, got {n}: unknown address")
    return raw


# -- canonical (lower-case) form ---------------------------------------------------------------
# BIP-173 allows a bech32 string in all upper case (QR codes); the SDK decodes it to the same
# bytes and, holding addresses as bytes, always writes them back in lower case. We hold
# addresses as strings, so an upper-case address is rewritten to lower case where input
# enters (tx messages, query requests, genesis); a mixed-case string is never valid bech32.
KNOWN_PREFIXES = frozenset(
    {ACC_PREFIX, ACC_PUB_PREFIX, VALOPER_PREFIX, VALCONS_PREFIX, WORKSPACE_PREFIX, KEYRING_PREFIX}
)


_UPPER_PREFIXES = re.compile(
    b"|".join(sorted(re.escape(p.upper().encode() + b"1") for p in KNOWN_PREFIXES))
)


def may_hold_upper_case(raw: bytes) -> bool:
    """False when the encoded message ``raw`` cannot hold an upper-case address of ours (no
    ``ZEN1``, ``KEYRING1``... in its bytes): the walk below is then skipped."""
    return _UPPER_PREFIXES.search(raw) is not None


def canonical(text: str) -> str:
    """``text`` in lower case if it is an all-upper-case bech32 string with one of our
    prefixes; otherwise ``text`` unchanged."""
    if not text[:1].isupper() or not text.isupper() or not text.isascii():
        return text
    try:
        hrp, _ = decode(text)
    except Exception:
        return text
    return text.lower() if hrp in KNOWN_PREFIXES else text


def canonicalize_message(msg: Any) -> bool:
    """Rewrite every upper-case address in ``msg`` (nested messages, repeated fields and
    ``Any`` values of known types included) to lower case, in place; True if any changed."""
    changed = False
    for field, value in msg.ListFields():
        if field.type == FieldDescriptor.TYPE_STRING:
            if field.label == FieldDescriptor.LABEL_REPEATED:
                for i, item in enumerate(value):
                    new = canonical(item)
                    if new != item:
                        value[i] = new
                        changed = True
            else:
                new = canonical(value)
                if new != value:
                    setattr(msg, field.name, new)
                    changed = True
        elif field.type == FieldDescriptor.TYPE_MESSAGE:
            if field.message_type.GetOptions().map_entry:
                continue  # no address-keyed maps in our messages
            items = value if field.label == FieldDescriptor.LABEL_REPEATED else [value]
            for item in items:
                changed |= _canonicalize_any(item) if _is_any(item) else canonicalize_message(item)
    return changed


def _is_any(msg: Any) -> bool:
    return bool(msg.DESCRIPTOR.full_name == "google.protobuf.Any")


def _canonicalize_any(any_msg: Any) -> bool:
    cls = _message_class(any_msg.type_url.rsplit("/", 1)[-1])
    if cls is None:
        return False
    try:
        inner = cls.FromString(any_msg.value)
    except Exception:
        return False  # left for the decoder to refuse with its own error
    if not canonicalize_message(inner):
        return False
    any_msg.value = inner.SerializeToString()
    return True


@lru_cache(maxsize=1024)
def _message_class(full_name: str) -> Any:
    from google.protobuf import descriptor_pool, message_factory

    try:
        desc = descriptor_pool.Default().FindMessageTypeByName(full_name)
    except KeyError:
        return None
    return message_factory.GetMessageClass(desc)


def canonicalize_json(data: Any) -> Any:
    """The same for proto-JSON (genesis): a copy with upper-case addresses in lower case."""
    if isinstance(data, dict):
        return {k: canonicalize_json(v) for k, v in data.items()}
    if isinstance(data, list):
        return [canonicalize_json(v) for v in data]
    if isinstance(data, str):
        return canonical(data)
    return data


def canonical_account(addr: str) -> str:
    """The one spelling of an account that zrChain accepts in several (a ``zen``, ``keyring``
    or ``workspace`` prefix, either case): ``zen1…`` in lower case. Lists of accounts
    (owners, parties, admins) hold this form, so one account is never listed twice.
    ``addr`` is returned as it is when it is no account (validation reports that)."""
    try:
        return acc_string(zr_account_bytes(addr))
    except ValueError:
        return addr
