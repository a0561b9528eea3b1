"""`zrchaind evm-bridge start|status|requeue|cache-id` (click group `evm_bridge_group`).

`zrchaind` imports this module only when the command is used (zrchain never imports
evm_bridge); `python -m evm_bridge.cli ...` runs the same group without the rest of the CLI.
"""

from __future__ import annotations

import json
import signal
import sys
from typing import Any

import click

from evm_bridge.config import BridgeConfig, ConfigError, load_config
from zrchain.daemon import logs as daemon_logs


def _config(path: str) -> BridgeConfig:
    try:
        return load_config(path)
    except ConfigError as exc:
        click.echo(f"Error: {exc}", err=True)
        raise SystemExit(2) from None


@click.group("evm-bridge", context_settings={"help_option_names": ["-h", "--help"]})
def evm_bridge_group() -> None:
    """Forward zrSign requests from EVM networks to zrChain (and answers back, in Direct)."""


@evm_bridge_group.command("start")
@click.option("--config", "config_path", required=True, help="bridge config file (TOML)")
@click.option("--log-format", type=click.Choice(["json", "text"]), default=None)
@click.option("--log-level", default=None, help="debug, info, warning, error")
def start_cmd(config_path: str, log_format: str | None, log_level: str | None) -> None:
    """Run the bridge until SIGINT/SIGTERM."""
    from evm_bridge.daemon import Bridge
    from evm_bridge.logs import setup_logging

    config = _config(config_path)
    fmt = daemon_logs.log_format(log_format) if log_format else config.log_format
    setup_logging(fmt, log_level or config.log_level)
    bridge = Bridge(config)

    def _stop(signum: int, frame: Any) -> None:
        bridge.stop_event.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    try:
        bridge.run()
    except (ConfigError, RuntimeError) as exc:
        click.echo(f"Error: {exc}", err=True)
        raise SystemExit(1) from None


@evm_bridge_group.command("status")
@click.option("--config", "config_path", required=True, help="bridge config file (TOML)")
@click.option("--live/--no-live", default=False, help="also ask each network for its head")
@click.option("--output", "-o", type=click.Choice(["text", "json"]), default="text")
def status_cmd(config_path: str, live: bool, output: str) -> None:
    """Cursor, backlog and counters of each network, from the state files."""
    from evm_bridge.daemon import status

    entries = status(_config(config_path), live)
    if output == "json":
        click.echo(json.dumps(entries, indent=2, default=str))
        return
    for e in entries:
        if e.get("cursor") is None:
            click.echo(f"{e['network']:<20} {e['mode']:<6} not started ({e['state_file']})")
            continue
        stats = e["stats"]
        line = (
            f"{e['network']:<20} {e['mode']:<6} {e['flavour']:<9} cursor {e['cursor']}"
            f" (head seen {e['head_seen']}, {e['confirmations']} conf)"
            f" ingested {stats['ingested']} dup {stats['duplicates']} skipped {stats['skipped']}"
            f" deferred {e['deferred']} follow-ups {e['open_follow_ups']}"
            f" responses sent {stats['responses_sent']} accepted {stats['responses_accepted']}"
            f" refused {stats['responses_refused']} dead-letters {len(e['dead_letters'])}"
            f" relayed {stats['relayed']} deep-reorgs {stats['deep_reorgs']}"
        )
        if "behind" in e:
            line += f" behind {e['behind']}"
        click.echo(line)
        for fn, gas in e["responses"].items():
            click.echo(
                f"    {fn}: {gas['accepted']} accepted, gas used up to {gas['max_gas_used']}"
                f" of limit {gas['gas_limit']}"
            )
        for tx in e["relayed"]:
            click.echo(f"    relayed {tx}")
        for r in e["retrying"]:
            tries = f"after {r['attempts']} attempts"
            click.echo(f"    retrying {_key_text(r)} {tries}: {r['last_error']}")
        for d in e["dead_letters"]:
            click.echo(f"    DEAD-LETTER {_key_text(d)} [{d['error']}] {d['reason']}")


def _key_text(entry: dict[str, Any]) -> str:
    kind, *rest = entry["key"]
    return f"{kind} {'/'.join(str(r) for r in rest)} (from {entry['origin_tx']})"


@evm_bridge_group.command("requeue")
@click.option("--config", "config_path", required=True, help="bridge config file (TOML)")
@click.option("--network", default=None, help="only this network (name or CAIP-2 id)")
def requeue_cmd(config_path: str, network: str | None) -> None:
    """Put dead-lettered follow-ups back in the queue (run while the bridge is stopped)."""
    from evm_bridge.daemon import requeue_dead_letters

    try:
        moved = requeue_dead_letters(_config(config_path), network)
    except (ConfigError, RuntimeError) as exc:
        click.echo(f"Error: {exc}", err=True)
        raise SystemExit(1) from None
    for label, count in moved.items():
        click.echo(f"{label}: {count} follow-up(s) requeued")


@evm_bridge_group.command("cache-id")
@click.argument("caip2")
@click.argument("contract")
@click.argument("trace_id", type=int)
def cache_id_cmd(caip2: str, contract: str, trace_id: int) -> None:
    """The cache_id the bridge gives a zrSign signature request (hex)."""
    from evm_bridge.ingest import cache_id

    try:
        click.echo(cache_id(caip2, contract, trace_id).hex())
    except ValueError as exc:
        click.echo(f"Error: {exc}", err=True)
        raise SystemExit(2) from None


if __name__ == "__main__":
    evm_bridge_group(prog_name=f"{sys.executable} -m evm_bridge.cli")
