"""Node settings: ``<home>/config/app.toml`` (ours), read with tomllib, flags override."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from zrchain.store.pruning import PruningOptions

DEFAULT_MIN_GAS_PRICES = "0.0001urock"  # zrChain's default treasury min_gas_fee


@dataclass
class NodeConfig:
    minimum_gas_prices: str = DEFAULT_MIN_GAS_PRICES
    abci_address: str = "tcp://127.0.0.1:26658"
    grpc_enable: bool = True
    grpc_address: str = "127.0.0.1:9090"
    api_enable: bool = True
    api_address: str = "tcp://127.0.0.1:1317"
    rpc_address: str = "tcp://127.0.0.1:26657"  # CometBFT RPC, used by the tx/block services
    pruning: str = "default"
    pruning_keep_recent: str = "0"  # read for pruning = "custom" only, as in the SDK
    pruning_interval: str = "0"
    sync_writes: bool = False
    min_retain_blocks: int = 0
    snapshot_interval: int = 0
    snapshot_keep_recent: int = 2
    simulate_max_tx_bytes: int = 0  # 0: CometBFT's mempool.max_tx_bytes (config.toml)
    simulate_gas_limit: int = 300_000_000
    simulate_timeout: float = 10.0
    simulate_workers: int = 1
    log_level: str = "info"
    attestation_networks: str = ""  # EVM networks file for vote extensions (docs/attestation.md)
    index_events: list[str] = field(default_factory=list)  # "{type}.{key}"; empty: index all
    extra: dict[str, Any] = field(default_factory=dict)

    def pruning_options(self) -> PruningOptions:
        """The state-history settings; raises PruningConfigError (a ValueError) as the SDK
        refuses them."""
        opts = PruningOptions.parse(self.pruning, self.pruning_keep_recent, self.pruning_interval)
        opts.check_snapshots(int(self.snapshot_interval))
        return opts


# TOML layout: (section, key) <-> NodeConfig field
_LAYOUT: list[tuple[str, str, str]] = [
    ("", "minimum-gas-prices", "minimum_gas_prices"),
    ("", "log-level", "log_level"),
    ("", "pruning", "pruning"),
    ("", "pruning-keep-recent", "pruning_keep_recent"),
    ("", "pruning-interval", "pruning_interval"),
    ("", "index-events", "index_events"),
    ("abci", "address", "abci_address"),
    ("grpc", "enable", "grpc_enable"),
    ("grpc", "address", "grpc_address"),
    ("api", "enable", "api_enable"),
    ("api", "address", "api_address"),
    ("comet", "rpc-address", "rpc_address"),
    ("state", "sync-writes", "sync_writes"),
    ("state", "min-retain-blocks", "min_retain_blocks"),
    ("state-sync", "snapshot-interval", "snapshot_interval"),
    ("state-sync", "snapshot-keep-recent", "snapshot_keep_recent"),
    ("simulate", "max-tx-bytes", "simulate_max_tx_bytes"),
    ("simulate", "gas-limit", "simulate_gas_limit"),
    ("simulate", "timeout", "simulate_timeout"),
    ("simulate", "workers", "simulate_workers"),
    ("attestation", "networks-file", "attestation_networks"),
]

_SDK_STRING_NUMBERS = {"pruning_keep_recent", "pruning_interval"}

_COMMENTS = {
    "": "# zrchaind node settings. Flags of `zrchaind start` override these.\n"
    "# minimum-gas-prices: this validator's own floor for CheckTx, on top of the on-chain\n"
    "# treasury min_gas_fee.\n"
    "# pruning (state history kept for queries and proofs at past heights, as in the SDK):\n"
    "#   default: the last 362880 states are kept, pruning at 10 block intervals\n"
    "#   nothing: all historic states are kept (archive node)\n"
    "#   everything: 2 latest states are kept, pruning at 10 block intervals\n"
    "#   custom: pruning-keep-recent (>= 2) and pruning-interval (>= 10) apply\n"
    "# index-events: the events CometBFT indexes, as {eventType}.{attributeKey}, e.g.\n"
    '# ["message.sender", "transfer.recipient"]; empty: all of them (indexing every\n'
    "# attribute of every tx is a large part of CometBFT's CPU per tx).",
    "abci": "# ABCI socket CometBFT connects to (its proxy_app).",
    "grpc": "# gRPC server (Cosmos and zrChain query services).",
    "api": "# REST gateway (grpc-gateway routes).",
    "comet": "# CometBFT RPC the tx, block and node-info services call.",
    "state": "# sync-writes: fsync every commit; min-retain-blocks: CometBFT blocks kept (0: all).",
    "state-sync": "# Snapshots for CometBFT state sync (0 disables).",
    "simulate": "# Simulate (gas estimation; anyone may call it) runs in worker processes, off\n"
    "# the consensus path, within these bounds: tx size (0: CometBFT's mempool.max_tx_bytes),\n"
    "# gas, seconds, and simulations at once.",
    "attestation": "# A validator's own EVM followers for zrSign attestation (vote extensions):\n"
    "# networks-file names a TOML file of [[networks]] tables as the EVM bridge's (relative:\n"
    "# to this directory); empty: this node attests nothing.",
}


def app_toml_path(home: str | Path) -> Path:
    return Path(home) / "config" / "app.toml"


class ConfigError(ValueError):
    """app.toml cannot be read, is not TOML, or has a value of the wrong type."""


def load(home: str | Path) -> NodeConfig:
    """The settings of ``home`` (defaults when it has no app.toml); ConfigError names the file
    and what is wrong in one line."""
    cfg = NodeConfig()
    path = app_toml_path(home)
    if not path.exists():
        return cfg
    try:
        data = tomllib.loads(path.read_text())
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from None
    types = {f.name: type(getattr(cfg, f.name)) for f in fields(NodeConfig)}
    for section, key, attr in _LAYOUT:
        table = data if not section else data.get(section, {})
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: [{section}] must be a table")
        if key not in table:
            continue
        value, want = table[key], types[attr]
        if want is float and type(value) is int:
            value = float(value)
        if attr in _SDK_STRING_NUMBERS and type(value) is int:  # the SDK writes "0"; take 0 too
            value = str(value)
        if attr == "index_events" and not is_index_events(value):
            raise ConfigError(
                f'{path}: {key} must be a list of "eventType.attributeKey" strings, '
                f"got {value!r}"
            )
        if type(value) is not want:  # bool is an int subclass: compare exactly
            name = f"{section}.{key}" if section else key
            raise ConfigError(
                f"{path}: {name} must be a {want.__name__}, got {type(value).__name__} {value!r}"
            )
        setattr(cfg, attr, value)
    return cfg


def is_index_events(value: Any) -> bool:
    """index-events entries name ``eventType.attributeKey`` (one that cannot match is a typo;
    the SDK would take it and never match)."""
    return type(value) is list and all(type(x) is str and "." in x for x in value)


def save(home: str | Path, cfg: NodeConfig) -> None:
    by_section: dict[str, list[tuple[str, str]]] = {}
    for section, key, attr in _LAYOUT:
        by_section.setdefault(section, []).append((key, attr))
    out: list[str] = []
    for section, items in by_section.items():
        out.append(_COMMENTS.get(section, ""))
        if section:
            out.append(f"[{section}]")
        for key, attr in items:
            out.append(f"{key} = {_fmt(getattr(cfg, attr))}")
        out.append("")
    path = app_toml_path(home)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(out))


def _fmt(v: Any) -> str:
    if isinstance(v, list):
        return "[" + ", ".join(_fmt(x) for x in v) + "]"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return str(v)
    return '"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"'


def field_names() -> list[str]:
    return [f.name for f in fields(NodeConfig)]
