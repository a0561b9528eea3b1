"""Localnets: ``python -m zrchain.localnet run --home DIR`` creates a single-validator node
on first use and starts it (the README's run command)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from zrchain.cli.node_cmds import genesis_path


@click.group()
def cli() -> None:
    """Local development networks."""


@cli.command("run")
@click.option("--home", required=True, help="node home (created if absent)")
@click.option("--chain-id", default="zenrock", show_default=True)
def run(home: str, chain_id: str) -> None:
    """Create (if absent) and start a single-validator node; Ctrl-C stops it."""
    exe = [sys.executable, "-m", "zrchain"]
    if not genesis_path(home).exists():
        Path(home).parent.mkdir(parents=True, exist_ok=True)
        from zrchain.testing.node import zrchaind

        res = zrchaind("init", "localnode", "--chain-id", chain_id, "--home", home, check=False)
        if res.returncode:
            raise SystemExit(res.stderr)
        from zrchain.localnet_setup import provision_single

        provision_single(home)
        click.echo(f"created a new single-validator chain '{chain_id}' in {home}", err=True)
    else:
        click.echo(f"resuming the chain in {home}", err=True)
    os.execv(sys.executable, [*exe, "start", "--home", home])


if __name__ == "__main__":
    cli()
