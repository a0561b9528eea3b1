"""Proto-JSON as Cosmos renders it (snake_case names, defaults included, int64 as strings),
and JSON parsing with a nesting limit for input from outside."""

from __future__ import annotations

import json
import re
from typing import Any

from google.protobuf import json_format


def to_dict(msg: Any) -> dict[str, Any]:
    out: dict[str, Any] = json_format.MessageToDict(
        msg, preserving_proto_field_name=True, always_print_fields_with_no_presence=True
    )
    return out


def from_dict(data: Any, msg: Any) -> Any:
    """Parse proto-JSON (snake_case or camelCase) into ``msg``; raises ValueError."""
    try:
        return json_format.ParseDict(data, msg)
    except json_format.ParseError as exc:
        raise ValueError(str(exc)) from exc


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
