"""Command-line arguments as the SDK's autocli reads them, shared by every module's CLI:
page flags, integers with Go's grammar, booleans as ``strconv.ParseBool``, bytes as a file,
hex or base64, enums by kebab-case name, repeated scalars comma-separated, Anys and
messages as proto-JSON. A bad value exits with a clear error (``common.fail``)."""

from __future__ import annotations

import base64
import binascii
import functools
import json
import os
from collections.abc import Callable
from typing import Any, TypeVar, cast

import click
from cosmpy.protos.cosmos.base.query.v1beta1.pagination_pb2 import PageRequest
from google.protobuf.any_pb2 import Any as AnyProto
from google.protobuf.descriptor import EnumDescriptor
from google.protobuf.internal.enum_type_wrapper import EnumTypeWrapper
from google.protobuf.message import Message

from zrchain.cli.common import UINT64, fail
from zrchain.codec.coins import parse_coins, shown
from zrchain.codec.ints import IntSyntaxError, parse_go_int
from zrchain.codec.json import from_dict
from zrchain.errors import ChainError

M = TypeVar("M", bound=Message)
E = TypeVar("E", bound=int)


def page_flags(f: Callable[..., Any]) -> Callable[..., Any]:
    """``--page-key --page-offset --page-limit --page-count-total --page-reverse``; the
    command receives ``page`` (a PageRequest, or None when no flag was given)."""
    opts = [
        click.option("--page-key", default="", help="pagination key (base64 or hex)"),
        click.option("--page-offset", default=0, type=UINT64),
        click.option("--page-limit", default=0, type=UINT64),
        click.option("--page-count-total", is_flag=True, default=False),
        click.option("--page-reverse", is_flag=True, default=False),
    ]

    @functools.wraps(f)
    def wrapper(**kw: Any) -> Any:
        key_text = kw.pop("page_key")
        offset = kw.pop("page_offset")
        limit = kw.pop("page_limit")
        count_total = kw.pop("page_count_total")
        reverse = kw.pop("page_reverse")
        page = None
        if key_text or offset or limit or count_total or reverse:
            if offset < 0 or limit < 0:
                fail("--page-offset and --page-limit must be non-negative")
            page = PageRequest(
                key=_page_key(key_text),
                offset=offset,
                limit=limit,
                count_total=count_total,
                reverse=reverse,
            )
        return f(page=page, **kw)

    for opt in reversed(opts):
        wrapper = opt(wrapper)
    return wrapper


def _page_key(text: str) -> bytes:
    if not text:
        return b""
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        pass
    try:
        return bytes.fromhex(text)
    except ValueError:
        fail(f"invalid --page-key {text!r}: expected base64 or hex")


def uint_arg(text: str, what: str, bits: int = 64) -> int:
    try:
        return parse_go_int(text, bits)
    except IntSyntaxError as exc:
        fail(f"invalid {what} {shown(text)}: {exc}")


def ids_arg(text: str, what: str) -> list[int]:
    """Comma-separated unsigned integers (``1,2,3``)."""
    return [uint_arg(x.strip(), what) for x in text.split(",") if x.strip()]


def bool_arg(text: str, what: str) -> bool:
    """Go's strconv.ParseBool."""
    t = text.strip()
    if t in ("1", "t", "T", "true", "TRUE", "True"):
        return True
    if t in ("0", "f", "F", "false", "FALSE", "False"):
        return False
    fail(f"invalid {what} {text!r}: expected true or false")


def coins_arg(text: str) -> list[Any]:
    """Coin protos from ``100urock,5uatom`` (the SDK's coin grammar)."""
    try:
        return list(parse_coins(text).to_protos())
    except ChainError as exc:
        fail(exc.log)


def list_arg(text: str) -> list[str]:
    """A repeated scalar given as one comma-separated argument."""
    return [x.strip() for x in text.split(",") if x.strip()]


def bytes_arg(text: str, what: str) -> bytes:
    """autocli bytes: a file path if it exists, else hex, else standard base64."""
    if not text:
        return b""
    if os.path.isfile(text):
        with open(text, "rb") as f:
            return f.read()
    body = text[2:] if text.startswith("0x") else text
    try:
        return bytes.fromhex(body)
    except ValueError:
        pass
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        fail(f"invalid {what} {text!r}: expected a file, hex or base64")


def enum_arg(text: str, enum: type[E], prefix: str, what: str) -> E:
    """A value of a generated enum (``wallet_pb2.WalletType``) read by ``enum_number``."""
    return cast(E, enum_number(text, cast(EnumTypeWrapper, enum), prefix, what))


def enum_number(text: str, enum: EnumTypeWrapper, prefix: str, what: str) -> int:
    """An enum value by kebab-case short name (``btc-testnet``), full name or number."""
    t = text.strip()
    if t.isascii() and t.isdigit():
        return uint_arg(t, what, 32)
    known: list[str] = list(enum.keys())
    name = t.upper().replace("-", "_")
    for candidate in (name, prefix + name):
        if candidate in known:
            return int(enum.Value(candidate))
    # autocli turns SECP256K1 into secp256-k1
    squashed = name.replace("_", "")
    for full in known:
        if full.replace("_", "") in (squashed, (prefix + name).replace("_", "")):
            return int(enum.Value(full))
    fail(f"invalid {what} {text!r}: one of {enum_names(enum, prefix)}")


def enum_names(enum: Any, prefix: str) -> str:
    """``pending|partial|…``: an enum's values as the CLI spells them."""
    return "|".join(k.removeprefix(prefix).lower().replace("_", "-") for k in enum.keys())  # noqa: SIM118


def enum_prefix(desc: EnumDescriptor) -> str:
    """The words all of an enum's value names start with (``KEY_REQUEST_STATUS_``)."""
    words = [v.name.split("_") for v in desc.values]
    common: list[str] = []
    for group in zip(*words, strict=False):
        if len(set(group)) != 1:
            break
        common.append(group[0])
    return "".join(w + "_" for w in common) if len(words) > 1 else ""


def any_arg(text: str, what: str) -> AnyProto:
    """An Any from its proto-JSON: ``{"@type": "/pkg.Type", ...fields}``."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        fail(f"invalid {what}: not JSON ({exc.msg})")
    if not isinstance(data, dict) or "@type" not in data:
        fail(f'invalid {what}: expected a JSON object with "@type"')
    try:
        return from_dict(data, AnyProto())
    except (ValueError, TypeError, KeyError) as exc:
        fail(f"invalid {what}: {exc}")


def json_msg_arg(text: str, cls: type[M], what: str) -> M:
    """A message from its proto-JSON."""
    try:
        return from_dict(json.loads(text), cls())
    except (ValueError, TypeError) as exc:
        fail(f"invalid {what}: {exc}")
