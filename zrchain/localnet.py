"""Localnets on 127.0.0.1.

``python -m zrchain.localnet run --home DIR``: a single-validator node, created on first use
(with funded dev accounts) and resumed afterwards — the README's run command.

``python -m zrchain.localnet multi --validators 4 --dir DIR``: N validators sharing one
genesis, persistent peers, distinct ports (node i: P2P 26656+10i, RPC 26657+10i, ABCI
26658+10i, gRPC 9090+i, REST 1317+i); Ctrl-C stops them all.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

import click

from zrchain.cli.node_cmds import genesis_path
from zrchain.localnet_setup import PRESET


@click.group()
def cli() -> None:
    """Local development networks."""


@cli.command("run")
@click.option("--home", required=True, help="node home (created if absent)")
@click.option("--chain-id", default="zenrock", show_default=True)
def run(home: str, chain_id: str) -> None:
    """Create (if absent) and start a single-validator node; Ctrl-C stops it."""
    if not genesis_path(home).exists():
        Path(home).parent.mkdir(parents=True, exist_ok=True)
        from zrchain.localnet_setup import provision_single
        from zrchain.testing.node import zrchaind

        res = zrchaind("init", "localnode", "--chain-id", chain_id, "--home", home, check=False)
        if res.returncode:
            raise SystemExit(res.stderr)
        provision_single(home)
        click.echo(f"created a new single-validator chain '{chain_id}' in {home}", err=True)
    else:
        click.echo(f"resuming the chain in {home}", err=True)
    os.execv(sys.executable, [sys.executable, "-m", "zrchain", "start", "--home", home])


@cli.command("multi")
@click.option("--validators", "count", default=4, show_default=True, type=int)
@click.option("--dir", "base", default=".localnet/multi", show_default=True)
@click.option("--chain-id", default="zenrock", show_default=True)
@click.option("--snapshot-interval", default=100, show_default=True, type=int)
@click.option("--fresh", is_flag=True, help="delete DIR first")
def multi(count: int, base: str, chain_id: str, snapshot_interval: int, fresh: bool) -> None:
    """Create (if absent) and run an N-validator localnet; Ctrl-C stops every node."""
    import shutil

    from zrchain.testing.network import TestNetwork
    from zrchain.testing.node import Ports

    if count < 1:
        raise click.BadParameter("at least one validator")
    if fresh:
        shutil.rmtree(base, ignore_errors=True)

    def ports(i: int) -> Ports:
        return Ports(rpc=26657 + 10 * i, p2p=26656 + 10 * i, abci=26658 + 10 * i,
                     grpc=9090 + i, api=1317 + i)

    net = TestNetwork(base, count, chain_id, consensus=PRESET.node_config,
                      snapshot_interval=snapshot_interval, ports=ports)
    created = not all(genesis_path(n.home).exists() for n in net.nodes)
    if created:
        shutil.rmtree(base, ignore_errors=True)
        net.init()
        click.echo(f"created a {count}-validator chain '{chain_id}' in {base}", err=True)
    else:
        click.echo(f"resuming the {count}-validator chain in {base}", err=True)
    stop = False

    def on_signal(signum: int, frame: object) -> None:
        nonlocal stop
        stop = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        net.start(wait_height=1, timeout=60)
        for i, n in enumerate(net.nodes):
            click.echo(f"node{i}: rpc {n.rpc_url}  grpc 127.0.0.1:{n.ports.grpc}  "
                       f"rest http://127.0.0.1:{n.ports.api}  logs {n.home}/*.log", err=True)
        click.echo("running; Ctrl-C stops all nodes", err=True)
        while not stop:
            time.sleep(0.5)
            for n in net.nodes:
                if not stop and not n.running:
                    click.echo(f"{n.name} stopped unexpectedly:\n{n.tail('comet', 20)}", err=True)
                    stop = True
    finally:
        net.stop()
        click.echo("stopped", err=True)


if __name__ == "__main__":
    cli()
