"""Reading a daemon's TOML config: the file, and tables checked against a dataclass.

Each daemon describes its file with dataclasses; a table's keys must be fields of its class,
and each value must have the field's type (an integer is accepted for a float), so a typo or
a quoted number is a one-line error naming the table and key, never a crash later."""

from __future__ import annotations

import dataclasses
import os
import tomllib
import types
import typing
from pathlib import Path
from typing import Any

#: A parsed TOML table.
Table = dict[str, Any]


class ConfigError(ValueError):
    """A config file that is missing, malformed or inconsistent."""


def read_toml(path: str | os.PathLike[str]) -> Table:
    """The parsed file; a missing or malformed file is a :class:`ConfigError`."""
    p = Path(path)
    try:
        return tomllib.loads(p.read_text())
    except FileNotFoundError:
        raise ConfigError(f"config file {p} not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {p} is not valid TOML: {exc}") from None


def resolve(base: Path, value: str) -> Path:
    """A path from a config file: ``~`` expanded, relative to the file's folder ``base``."""
    p = Path(value).expanduser()
    return p if p.is_absolute() else base / p


def table_values(cls: type, data: object, where: str) -> Table:
    """``data`` checked against dataclass ``cls``: known keys only, each of its field's type
    (integers widened to floats). Returns the keyword arguments for ``cls``."""
    if not isinstance(data, dict):
        raise ConfigError(f"{where} must be a table")
    hints = typing.get_type_hints(cls)
    known = {f.name for f in dataclasses.fields(cls) if f.init}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ConfigError(f"unknown key(s) in {where}: {', '.join(unknown)}")
    return {key: _typed(hints[key], value, f"{where} {key}") for key, value in data.items()}


def _typed(hint: object, value: object, where: str) -> object:
    kind = _base(hint)
    if kind is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{where} must be true or false")
    elif kind in (int, float):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"{where} must be a number")
        if kind is int and not isinstance(value, int):
            raise ConfigError(f"{where} must be an integer")
        return kind(value)
    elif kind is str:
        if not isinstance(value, str):
            raise ConfigError(f"{where} must be a string")
    elif kind in (list, tuple):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where} must be a list of strings")
        return kind(value)
    return value


def _base(hint: object) -> object:
    """``int`` for ``int``, ``list`` for ``list[str]``, ``int`` for ``int | None``."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        return _base(args[0]) if len(args) == 1 else object
    return origin or hint
