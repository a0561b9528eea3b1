"""Operator commands: init, start, status, version, comet."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import click

import genesis
from zrchain import __version__, cometbft, config
from zrchain.cli import client_config
from zrchain.cli.common import INT64, default_home, fail, home_option, node_option
from zrchain.client.rpc import CometRPC, RPCError
from zrchain.codec.coins import parse_dec_coins
from zrchain.errors import ChainError


def genesis_doc(
    chain_id: str,
    validators: list[dict[str, Any]],
    app_state: dict[str, Any],
    initial_height: int = 1,
    genesis_time: str | None = None,
) -> dict[str, Any]:
    """A genesis.json in the format the CometBFT binary loads, from genesis/template.json."""
    if genesis_time is None:
        now = dt.datetime.now(dt.UTC)
        genesis_time = now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond:06d}Z"
    doc = genesis.template()
    doc.update(genesis_time=genesis_time, chain_id=chain_id, initial_height=str(initial_height),
               validators=validators, app_state=app_state)
    return doc


def default_app_state() -> dict[str, Any]:
    from zrchain.modules import default_modules

    state: dict[str, Any] = {}
    for m in default_modules():
        g = m.default_genesis()
        if g is not None:
            state[m.name] = g
    return state


def genesis_path(home: str | Path) -> Path:
    return Path(home) / "config" / "genesis.json"


def read_genesis(home: str | Path) -> dict[str, Any]:
    path = genesis_path(home)
    if not path.exists():
        fail(f"{path} does not exist; run `zrchaind init` first")
    data: dict[str, Any] = json.loads(path.read_text())
    return data


def write_genesis(home: str | Path, doc: dict[str, Any]) -> None:
    path = genesis_path(home)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(doc, indent=2) + "\n")
    os.replace(tmp, path)


@click.command("init")
@click.argument("moniker")
@click.option("--chain-id", default="zenrock", show_default=True, help="genesis chain id")
@click.option("--initial-height", default=1, show_default=True, type=INT64)
@click.option("-o", "--overwrite", is_flag=True, help="overwrite an existing genesis.json")
@click.option("--comet-bin", default=None, help="path to the cometbft binary")
@home_option
def init_cmd(
    moniker: str,
    chain_id: str,
    initial_height: int,
    overwrite: bool,
    comet_bin: str | None,
    home: str,
) -> None:
    """Create a node home: CometBFT config and keys, app.toml, client.toml and genesis.json."""
    if len(chain_id) > 50 or not chain_id:
        fail("chain id must be 1-50 characters")
    gpath = genesis_path(home)
    if gpath.exists() and not overwrite:
        fail(f"genesis.json already exists at {gpath}; use --overwrite to replace it")
    try:
        binary = cometbft.find_binary(comet_bin)
    except cometbft.CometBFTMissing as exc:
        fail(str(exc))
    cometbft.init_home(binary, home)
    cfg_path = Path(home) / "config" / "config.toml"
    try:
        node_cfg = config.load(home)
    except config.ConfigError as exc:
        fail(str(exc))
    cometbft.patch_toml(
        cfg_path,
        {
            "moniker": moniker,
            "proxy_app": node_cfg.abci_address,
            "p2p.laddr": "tcp://127.0.0.1:26656",
        },
    )
    if not config.app_toml_path(home).exists():
        config.save(home, node_cfg)
    if overwrite or not client_config.path(home).exists():
        client_config.save(home, {**client_config.load(home), "chain-id": chain_id})
    # No validators yet: they come from gentxs (genesis gentx, genesis collect-gentxs), and
    # InitChain returns the set they bond.
    doc = genesis_doc(chain_id, [], default_app_state(), initial_height)
    write_genesis(home, doc)
    out = {
        "moniker": moniker,
        "chain_id": chain_id,
        "node_id": cometbft.node_id(binary, home),
        "home": str(Path(home).resolve()),
    }
    click.echo(json.dumps(out, indent=2), err=True)


def _index_events(text: str) -> list[str]:
    """--index-events a.b,c.d (the SDK's string slice flag); each must name type.key."""
    items = [x.strip() for x in text.split(",") if x.strip()]
    bad = [x for x in items if not config.is_index_events([x])]
    if bad:
        fail(f"invalid --index-events {', '.join(bad)}: want eventType.attributeKey")
    return items


@click.command("start")
@home_option
@click.option("--no-comet", is_flag=True, help="serve ABCI only; run cometbft yourself")
@click.option("--comet-bin", default=None, help="path to the cometbft binary")
@click.option(
    "--address",
    "abci_address",
    default=None,
    help="ABCI listen address (default from app.toml: tcp://127.0.0.1:26658)",
)
@click.option("--grpc.address", "grpc_address", default=None)
@click.option("--grpc.enable/--grpc.disable", "grpc_enable", default=None)
@click.option("--api.address", "api_address", default=None)
@click.option("--api.enable/--api.disable", "api_enable", default=None)
@click.option("--rpc.laddr", "rpc_laddr", default=None, help="CometBFT RPC listen address")
@click.option("--p2p.laddr", "p2p_laddr", default=None, help="CometBFT P2P listen address")
@click.option("--minimum-gas-prices", default=None)
@click.option(
    "--index-events",
    default=None,
    help="events CometBFT indexes, comma-separated {eventType}.{attributeKey} (default: all)",
)
@click.option("--log_level", "log_level", default=None)
@click.option("--comet-arg", "comet_args", multiple=True, help="extra argument for cometbft")
def start_cmd(
    home: str,
    no_comet: bool,
    comet_bin: str | None,
    abci_address: str | None,
    grpc_address: str | None,
    grpc_enable: bool | None,
    api_address: str | None,
    api_enable: bool | None,
    rpc_laddr: str | None,
    p2p_laddr: str | None,
    minimum_gas_prices: str | None,
    index_events: str | None,
    log_level: str | None,
    comet_args: tuple[str, ...],
) -> None:
    """Run the node: the ABCI app, gRPC and REST servers, and CometBFT."""
    from zrchain.node import Node
    from zrchain.server.servers import default_servers
    from zrchain.store.app_store import StoreLayoutError, StoreOpenError

    if not genesis_path(home).exists():
        fail(f"no genesis at {genesis_path(home)}; run `zrchaind init <moniker> --home {home}`")
    try:
        cfg = config.load(home)
    except config.ConfigError as exc:
        fail(str(exc))
    overrides = {
        "abci_address": abci_address,
        "grpc_address": grpc_address,
        "grpc_enable": grpc_enable,
        "api_address": api_address,
        "api_enable": api_enable,
        "minimum_gas_prices": minimum_gas_prices,
        "log_level": log_level,
        "index_events": None if index_events is None else _index_events(index_events),
    }
    for k, v in overrides.items():
        if v is not None:
            setattr(cfg, k, v)
    try:  # checked here once, not refused at every CheckTx
        parse_dec_coins(str(cfg.minimum_gas_prices))
    except ChainError as exc:
        fail(f"invalid minimum-gas-prices {cfg.minimum_gas_prices!r}: {exc.context}")
    try:
        cfg.pruning_options()
    except ValueError as exc:
        fail(f"invalid pruning settings in app.toml: {exc}")
    extra = list(comet_args)
    if rpc_laddr:
        cfg.rpc_address = rpc_laddr
        extra += ["--rpc.laddr", rpc_laddr]
    if p2p_laddr:
        extra += ["--p2p.laddr", p2p_laddr]
    _setup_logging(cfg.log_level)
    node = Node(
        home=home,
        cfg=cfg,
        with_comet=not no_comet,
        comet_binary=comet_bin,
        comet_args=extra,
        servers=default_servers(),
    )
    try:
        code = asyncio.run(node.run())
    except (cometbft.CometBFTMissing, config.ConfigError) as exc:
        fail(str(exc))
    except StoreOpenError as exc:
        fail(
            f"{exc}. The database is damaged or unreadable: restore it (state sync, a "
            f"backup) or reset it with `zrchaind comet unsafe-reset-all --home {home}`"
        )
    except (OSError, StoreLayoutError) as exc:
        fail(f"cannot start: {exc}")
    sys.exit(code)


def _setup_logging(level: str) -> None:
    logging.basicConfig(
        level=getattr(logging, level.upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


@click.command("status")
@node_option
def status_cmd(node: str) -> None:
    """Show the node's status (CometBFT RPC `status`)."""
    try:
        click.echo(json.dumps(CometRPC(node).status()))
    except (RPCError, OSError) as exc:
        fail(f"cannot reach node at {node}: {exc}")


@click.command("version")
@click.option("--long", "long_", is_flag=True)
def version_cmd(long_: bool) -> None:
    """Print the application version."""
    if not long_:
        click.echo(__version__)
        return
    info = {
        "name": "zrchain",
        "server_name": "zrchaind",
        "version": __version__,
        "python": sys.version.split()[0],
        "cometbft": cometbft.COMETBFT_VERSION,
    }
    try:
        info["cometbft_binary"] = cometbft.binary_version(cometbft.find_binary())
    except (cometbft.CometBFTMissing, subprocess.CalledProcessError):
        info["cometbft_binary"] = "not installed"
    click.echo(json.dumps(info, indent=2))


@click.group("comet")
def comet_group() -> None:
    """CometBFT subcommands (run by the real cometbft binary)."""


def _comet_passthrough(name: str, doc: str) -> click.Command:
    @click.command(name, help=doc)
    @home_option
    def cmd(home: str) -> None:
        try:
            binary = cometbft.find_binary()
        except cometbft.CometBFTMissing as exc:
            fail(str(exc))
        res = subprocess.run([binary, name, "--home", home], capture_output=True, text=True)
        click.echo(res.stdout, nl=False)
        if res.returncode:
            fail(res.stderr.strip())

    return cmd


for _name, _doc in (
    ("show-node-id", "Show this node's P2P id"),
    ("show-validator", "Show this node's validator public key"),
    ("show-address", "Show this node's validator address"),
    ("version", "Show the CometBFT binary's version"),
):
    comet_group.add_command(_comet_passthrough(_name, _doc))


@comet_group.command("unsafe-reset-all")
@home_option
def unsafe_reset_all(home: str) -> None:
    """Delete all blocks and application state (keeps keys, config and genesis)."""
    binary = cometbft.find_binary()
    subprocess.run([binary, "unsafe-reset-all", "--home", home], check=True, capture_output=True)
    shutil.rmtree(Path(home) / "data" / "application.db", ignore_errors=True)
    click.echo("reset blockchain data and application state", err=True)


__all__ = ["default_home", "genesis_doc", "read_genesis", "write_genesis"]
