"""``<home>/config/client.toml``: the SDK's client settings, read by every command.

Keys (the SDK's): ``chain-id``, ``keyring-backend``, ``output``, ``node``,
``broadcast-mode``. A value in the file becomes the default of the flag of the same name on
every command that has one (``output`` on queries only: tx commands print JSON); a flag
given on the command line still wins, and a key absent from the file leaves the command's
own default. The home is ``--home`` wherever it appears on the command line, else
``ZRCHAIN_HOME``, else ``~/.zrchain``. ``zrchaind init`` writes the file;
``zrchaind config get|set client <key> [value]`` reads and edits it.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from zrchain.cli.common import default_home, fail

DEFAULTS: dict[str, str] = {
    "chain-id": "",
    "keyring-backend": "test",  # the SDK's is "os", which this node has no backend for
    "output": "text",
    "node": "tcp://localhost:26657",
    "broadcast-mode": "sync",
}
CHOICES = {
    "keyring-backend": ("test", "file", "memory"),
    "output": ("text", "json"),
    "broadcast-mode": ("sync", "async"),
}
_HELP = {
    "chain-id": "The network chain ID",
    "keyring-backend": "The keyring's backend, where the keys are stored (test|file|memory)",
    "output": "CLI output format (text|json)",
    "node": "<host>:<port> to CometBFT RPC interface for this chain",
    "broadcast-mode": "Transaction broadcasting mode (sync|async)",
}
QUERY_ONLY = {"output"}


def path(home: str | Path) -> Path:
    return Path(home) / "config" / "client.toml"


def load(home: str | Path) -> dict[str, str]:
    """The file's settings (only the keys it sets); {} when there is no file."""
    p = path(home)
    if not p.exists():
        return {}
    try:
        data = tomllib.loads(p.read_text())
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        fail(f"cannot read {p}: {exc}")
    out: dict[str, str] = {}
    for key, value in data.items():
        if key not in DEFAULTS:
            continue  # keys of newer SDKs (gas settings…) are left alone
        if not isinstance(value, str):
            fail(f"{p}: {key} must be a string, got {value!r}")
        _check(key, value, str(p))
        out[key] = value
    return out


def _check(key: str, value: str, where: str) -> None:
    choices = CHOICES.get(key)
    if choices is not None and value not in choices:
        fail(f"{where}: {key} must be one of {', '.join(choices)}, got {value!r}")


def save(home: str | Path, settings: dict[str, str]) -> Path:
    """Write every key (defaults for those not given), keeping the SDK's layout."""
    p = path(home)
    p.parent.mkdir(parents=True, exist_ok=True)
    lines = [
        "# This is a TOML config file.",
        "# For more information, see https://github.com/toml-lang/toml",
        "",
        "###############################################################################",
        "###                           Client Configuration                            ###",
        "###############################################################################",
        "",
    ]
    for key, default in DEFAULTS.items():
        lines += [f"# {_HELP[key]}", f"{key} = {json.dumps(settings.get(key, default))}"]
    tmp = p.with_suffix(".toml.tmp")
    tmp.write_text("\n".join(lines) + "\n")
    tmp.replace(p)
    return p


def home_from_argv(argv: Sequence[str]) -> str:
    """``--home`` as the command line gives it (``--home X`` or ``--home=X``)."""
    for i, arg in enumerate(argv):
        if arg == "--home" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--home="):
            return arg.split("=", 1)[1]
    return default_home()


def defaults_for(
    cmd: click.Command, settings: dict[str, str], query: bool = False
) -> dict[str, Any]:
    """click's ``default_map`` for ``cmd``: the flags of it (of each subcommand, for a group)
    that the file sets. ``query``: under ``zrchaind query``, where ``output`` applies too."""
    if isinstance(cmd, click.Group):
        out: dict[str, Any] = {}
        for name, sub in cmd.commands.items():
            found = defaults_for(sub, settings, query or name == "query")
            if found:
                out[name] = found
        return out
    params = {k.replace("-", "_"): v for k, v in settings.items()}
    return {
        p.name: params[p.name]
        for p in cmd.params
        if p.name in params
        and isinstance(p, click.Option)
        and (query or p.name.replace("_", "-") not in QUERY_ONLY)
    }


@click.group("config")
def config_group() -> None:
    """Read and edit client.toml: config get|set client <key> [value]."""


def _home_option(f: Any) -> Any:
    return click.option("--home", default=default_home, show_default="~/.zrchain")(f)


@config_group.command("get")
@click.argument("section", type=click.Choice(["client"]))
@click.argument("key", required=False, default="")
@_home_option
def get_cmd(section: str, key: str, home: str) -> None:
    """Print one client setting, or all of them."""
    settings = {**DEFAULTS, **load(home)}
    if not key:
        click.echo(json.dumps(settings, indent=2))
        return
    if key not in DEFAULTS:
        fail(f"unknown client key {key!r} (one of {', '.join(DEFAULTS)})")
    click.echo(settings[key])


@config_group.command("set")
@click.argument("section", type=click.Choice(["client"]))
@click.argument("key")
@click.argument("value")
@_home_option
def set_cmd(section: str, key: str, value: str, home: str) -> None:
    """Set one client setting in <home>/config/client.toml."""
    if key not in DEFAULTS:
        fail(f"unknown client key {key!r} (one of {', '.join(DEFAULTS)})")
    _check(key, value, "value")
    settings = {**DEFAULTS, **load(home), key: value}
    click.echo(str(save(home, settings)), err=True)
