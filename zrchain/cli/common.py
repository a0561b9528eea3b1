"""Shared CLI options and helpers."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import click

from zrchain.codec.ints import IntSyntaxError, parse_go_int


def default_home() -> str:
    return os.environ.get("ZRCHAIN_HOME") or str(Path.home() / ".zrchain")


def fail(message: str, code: int = 1) -> NoReturn:
    """Print a clear error and exit non-zero (no traceback for user errors)."""
    click.echo(f"Error: {message}", err=True)
    raise SystemExit(code)


def home_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--home", default=default_home, show_default="~/.zrchain", help="node home directory"
    )(f)


def node_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--node", default="tcp://localhost:26657", show_default=True, help="CometBFT RPC endpoint"
    )(f)


class GoInt(click.ParamType):
    """An integer argument or flag as the SDK's CLI parses it (``strconv``: ASCII digits,
    within the width), so ``--sequence 1e99`` or Arabic-Indic digits are a usage error, never a
    traceback or a surprise value."""

    def __init__(self, bits: int = 64, signed: bool = False) -> None:
        self.bits, self.signed = bits, signed
        self.name = f"{'int' if signed else 'uint'}{bits}"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        try:
            return parse_go_int(str(value), self.bits, self.signed)
        except IntSyntaxError as exc:
            self.fail(f"{value!r}: {exc}", param, ctx)


UINT64 = GoInt(64)
UINT32 = GoInt(32)
INT64 = GoInt(64, signed=True)
