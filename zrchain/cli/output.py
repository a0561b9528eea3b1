"""CLI output: JSON (``-o json``) or readable YAML-style text, as the SDK prints."""

from __future__ import annotations

import json
from typing import Any

import click

from zrchain.codec.json import to_dict


def as_data(obj: Any) -> Any:
    return to_dict(obj) if hasattr(obj, "DESCRIPTOR") else obj


def render_text(obj: Any, indent: int = 0) -> str:
    pad = "  " * indent
    if isinstance(obj, dict):
        if not obj:
            return pad + "{}"
        lines = []
        for k, v in obj.items():
            if (isinstance(v, dict) and v) or (isinstance(v, list) and v):
                lines.append(f"{pad}{k}:")
                lines.append(render_text(v, indent + 1))
            else:
                lines.append(f"{pad}{k}: {_scalar(v)}")
        return "\n".join(lines)
    if isinstance(obj, list):
        if not obj:
            return pad + "[]"
        lines = []
        for item in obj:
            body = render_text(item, indent + 1).lstrip()
            lines.append(f"{pad}- {body}")
        return "\n".join(lines)
    return pad + _scalar(obj)


def _scalar(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, dict | list):
        return json.dumps(v)
    s = str(v)
    if s == "" or s.strip() != s or any(c in s for c in ":#{}[]") or s.isdigit():
        return json.dumps(s)
    return s


def emit(obj: Any, output: str) -> None:
    data = as_data(obj)
    if output == "json":
        click.echo(json.dumps(data))
    else:
        click.echo(render_text(data))


def output_option(default: str = "text") -> Any:
    return click.option(
        "-o",
        "--output",
        type=click.Choice(["text", "json"]),
        default=default,
        show_default=True,
        help="output format",
    )
