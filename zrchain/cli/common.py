"""Shared CLI options and helpers."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import click


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
