"""Proto-JSON as Cosmos renders it: snake_case names, defaults included, int64 as strings."""

from __future__ import annotations

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
