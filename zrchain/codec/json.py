"""Proto-JSON as Cosmos renders it (snake_case names, defaults included, int64 as strings),
and JSON parsing with a nesting limit for input from outside.

Reading it (genesis, REST bodies, CLI JSON arguments), integer fields given as strings are
held to Go's grammar first: protobuf's parser calls Python's ``int()``, which also takes
other scripts' digits and ``1_000`` (Arabic-Indic "100" would become 100).

Decimal fields (``gogoproto.customtype`` LegacyDec) carry the scaled integer on the wire
("atomics": ``0.5`` is ``"500000000000000000"``) but read as decimals in the SDK's JSON
(``"0.500000000000000000"``): ``to_dict`` renders them as decimals and ``from_dict`` reads
decimals back to atomics, as gogoproto's JSON marshalling of the custom type does.
"""

from __future__ import annotations

import base64
import json
import re
from functools import cache
from typing import TYPE_CHECKING, Any, cast

from google.protobuf import descriptor_pool, json_format
from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.descriptor_pb2 import FieldOptions

if TYPE_CHECKING:
    from google.protobuf.internal.extension_dict import _ExtensionFieldDescriptor

_INT_FIELD_TYPES = frozenset(
    {
        FieldDescriptor.TYPE_INT32,
        FieldDescriptor.TYPE_INT64,
        FieldDescriptor.TYPE_UINT32,
        FieldDescriptor.TYPE_UINT64,
        FieldDescriptor.TYPE_SINT32,
        FieldDescriptor.TYPE_SINT64,
        FieldDescriptor.TYPE_FIXED32,
        FieldDescriptor.TYPE_FIXED64,
        FieldDescriptor.TYPE_SFIXED32,
        FieldDescriptor.TYPE_SFIXED64,
    }
)
_INT_TEXT = re.compile(r"-?[0-9]+\Z")
_MAX_INT_TEXT = 21  # "-9223372036854775808" and a little room; longer is out of range anyway


def go_json_string(s: str) -> str:
    """Go's ``json.Marshal`` of a string: UTF-8 kept, ``<``, ``>``, ``&``, U+2028 and
    U+2029 escaped (events and amino JSON sign bytes are written this way)."""
    out = json.dumps(s, ensure_ascii=False)
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        out = out.replace(ch, esc)
    return out.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def to_dict(msg: Any) -> dict[str, Any]:
    out: dict[str, Any] = json_format.MessageToDict(
        msg, preserving_proto_field_name=True, always_print_fields_with_no_presence=True
    )
    _convert_decs(out, msg.DESCRIPTOR, to_text=True)
    return out


def from_dict(data: Any, msg: Any, ignore_unknown_fields: bool = False) -> Any:
    """Parse proto-JSON (snake_case or camelCase) into ``msg``; raises ValueError."""
    check_numbers(data, msg.DESCRIPTOR)
    if isinstance(data, dict) and _has_decs(msg.DESCRIPTOR):
        data = json.loads(json.dumps(data))  # a copy: the caller's dict stays as given
        _convert_decs(data, msg.DESCRIPTOR, to_text=False)
    try:
        return json_format.ParseDict(data, msg, ignore_unknown_fields=ignore_unknown_fields)
    except json_format.ParseError as exc:
        raise ValueError(str(exc)) from exc


# -- LegacyDec fields ------------------------------------------------------------------------
_LEGACY_DEC_TYPES = frozenset(
    {"cosmossdk.io/math.LegacyDec", "github.com/cosmos/cosmos-sdk/types.Dec"}
)
_ANY = "google.protobuf.Any"


_INT_TYPES = frozenset({"cosmossdk.io/math.Int", "github.com/cosmos/cosmos-sdk/types.Int"})


def _custom_type(field: FieldDescriptor) -> str:
    from cosmpy.protos.gogoproto import gogo_pb2

    # cosmpy's stubs type the option handle as a plain FieldDescriptor
    customtype = cast("_ExtensionFieldDescriptor[FieldOptions, str]", gogo_pb2.customtype)
    options = field.GetOptions()
    if not options.HasExtension(customtype):
        return ""
    return str(options.Extensions[customtype])


def _is_legacy_dec(field: FieldDescriptor) -> bool:
    """A LegacyDec (string or bytes), or a math.Int in a bytes field: both travel in a
    form JSON does not show (atomics; ASCII digits where JSON wants base64)."""
    custom = _custom_type(field)
    if field.type == FieldDescriptor.TYPE_BYTES and custom in _INT_TYPES:
        return True
    return (
        field.type in (FieldDescriptor.TYPE_STRING, FieldDescriptor.TYPE_BYTES)
        and custom in _LEGACY_DEC_TYPES
    )


@cache
def _has_decs(desc: Descriptor, _seen: frozenset[str] = frozenset()) -> bool:
    """Whether a message of this type can hold a LegacyDec field (an Any may)."""
    if desc.full_name == _ANY:
        return True
    seen = _seen | {desc.full_name}
    for f in desc.fields:
        if _is_legacy_dec(f):
            return True
        sub = f.message_type
        if sub is not None and sub.full_name not in seen and _has_decs(sub, seen):
            return True
    return False


def _dec_value(value: Any, field: FieldDescriptor, to_text: bool) -> Any:
    from zrchain.codec.dec import Dec

    if not isinstance(value, str) or value == "":
        return value
    is_bytes = field.type == FieldDescriptor.TYPE_BYTES
    if is_bytes and _custom_type(field) in _INT_TYPES:  # digits <-> base64 of the digits
        try:
            if to_text:
                return base64.b64decode(value, validate=True).decode("ascii")
            return base64.b64encode(value.encode("ascii")).decode()
        except (ValueError, UnicodeError):
            return value
    try:
        if to_text:
            raw = base64.b64decode(value).decode("ascii") if is_bytes else value
            return str(Dec.from_atomics(raw)) if raw else value
        atomics = Dec.parse(value).atomics()
    except Exception:
        return value  # left as given: the parser or the handler reports it
    return base64.b64encode(atomics.encode()).decode() if is_bytes else atomics


def _convert_decs(data: Any, desc: Descriptor, to_text: bool) -> None:
    """Rewrite the LegacyDec fields of proto-JSON ``data`` in place (see the docstring)."""
    if not isinstance(data, dict) or not _has_decs(desc):
        return
    if desc.full_name == _ANY:
        inner = _any_descriptor(data.get("@type"))
        if inner is not None:
            _convert_decs(data, inner, to_text)
        return
    for field in desc.fields:
        key = field.name if field.name in data else field.json_name
        if key not in data:
            continue
        value = data[key]
        if _is_legacy_dec(field):
            if isinstance(value, list):
                data[key] = [_dec_value(v, field, to_text) for v in value]
            else:
                data[key] = _dec_value(value, field, to_text)
            continue
        sub = field.message_type
        if sub is None or not _has_decs(sub):
            continue
        if sub.GetOptions().map_entry:
            vf = sub.fields_by_name["value"]
            if isinstance(value, dict) and vf.message_type is not None:
                for v in value.values():
                    _convert_decs(v, vf.message_type, to_text)
            continue
        for item in value if isinstance(value, list) else [value]:
            _convert_decs(item, sub, to_text)


def check_numbers(data: Any, desc: Descriptor, path: str = "") -> None:
    """Raise ValueError where an integer field holds a string that is not ASCII decimal
    digits (with an optional ``-``); other defects are left to the protobuf parser."""
    if not isinstance(data, dict):
        return
    if desc.full_name == "google.protobuf.Any":
        inner = _any_descriptor(data.get("@type"))
        if inner is not None:
            check_numbers({k: v for k, v in data.items() if k != "@type"}, inner, path)
        return
    for key, value in data.items():
        field = desc.fields_by_name.get(key) or _by_json_name(desc, key)
        if field is None or value is None:
            continue
        where = f"{path}.{field.name}" if path else field.name
        if field.message_type is not None and field.message_type.GetOptions().map_entry:
            value_field = field.message_type.fields_by_name["value"]
            if isinstance(value, dict):
                for k, v in value.items():
                    _check_value(value_field, v, f"{where}[{k}]")
            continue
        items = value if isinstance(value, list) else [value]
        for i, item in enumerate(items):
            _check_value(field, item, f"{where}[{i}]" if isinstance(value, list) else where)


def _check_value(field: FieldDescriptor, value: Any, where: str) -> None:
    if field.type == FieldDescriptor.TYPE_MESSAGE:
        check_numbers(value, field.message_type, where)
    elif (
        field.type in _INT_FIELD_TYPES
        and isinstance(value, str)
        and (len(value) > _MAX_INT_TEXT or not _INT_TEXT.match(value))
    ):
        shown = value if len(value) <= 40 else value[:40] + "..."
        raise ValueError(f"{where}: {shown!r} is not an integer in decimal digits 0-9")


def _by_json_name(desc: Descriptor, key: str) -> FieldDescriptor | None:
    for f in desc.fields:
        if f.json_name == key:
            return f
    return None


def _any_descriptor(type_url: Any) -> Descriptor | None:
    if not isinstance(type_url, str):
        return None
    try:
        return descriptor_pool.Default().FindMessageTypeByName(type_url.rsplit("/", 1)[-1])
    except KeyError:
        return None


class JSONTooDeep(ValueError):
    """A JSON text whose arrays and objects nest deeper than allowed."""


_ESCAPE = re.compile(r"\\.", re.DOTALL)
_STRING = re.compile(r'"[^"]*"')
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


def check_depth(text: str, max_depth: int) -> None:
    """Refuse ``text`` if its arrays/objects nest deeper than ``max_depth``, before parsing.

    Python's ``json`` recurses once per level and fails at an interpreter-dependent depth
    with RecursionError. Here escapes, then strings, then everything but brackets are cut
    out with linear regular expressions, and one loop over the brackets left finds the
    depth. Invalid JSON may be reported as too deep; the parser reports the rest.
    """
    if text.count("[") + text.count("{") <= max_depth:
        return
    if "\\" in text:
        text = _ESCAPE.sub("", text)
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    depth = 0
    for ch in brackets:
        if ch in "[{":
            depth += 1
            if depth > max_depth:
                raise JSONTooDeep(f"JSON nested deeper than {max_depth} levels")
        else:
            depth -= 1


def loads(text: str | bytes, max_depth: int) -> Any:
    """``json.loads`` after :func:`check_depth` (bytes are decoded as UTF-8 first)."""
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    check_depth(text, max_depth)
    return json.loads(text)
