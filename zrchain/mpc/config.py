"""The keeper's TOML config (``zrchaind mpc-keeper init`` writes one; see the docs).

Relative paths are relative to the config file's directory. Passphrases are never in the
file: they come from a ``*_passphrase_file`` or the environment.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from zrchain.daemon.config import ConfigError, read_toml, resolve, table_values
from zrchain.mpc.keeper import KeeperSettings
from zrchain.mpc.metrics import parse_listen


@dataclass
class ChainSection:
    rpc: str = "tcp://127.0.0.1:26657"
    grpc: str = ""  # optional host:port; queries then go over gRPC
    chain_id: str = "zenrock"


@dataclass
class PartySection:
    key_name: str = "party"
    keyring_dir: str = "."
    keyring_backend: str = "test"
    passphrase_file: str = ""  # file backend; else $ZRCHAIN_KEYRING_PASSPHRASE


@dataclass
class SignerSection:
    backend: str = "local"
    seed_file: str = "party-seed.json"
    seed_passphrase_file: str = ""  # else $ZRCHAIN_MPC_SEED_PASSPHRASE


@dataclass
class ThresholdSection:
    """The ``threshold`` backend: where it listens, its peers, its shares, its timeouts."""

    listen: str = "127.0.0.1:7070"
    peers: list[str] = field(default_factory=list)  # "zen1...@host:port", one per other party
    shares_dir: str = "shares"
    control_dir: str = "control"
    round_timeout: float = 20.0
    offer_timeout: float = 15.0
    grace: float = 0.3
    max_message_bytes: int = 4 << 20
    ecdsa_scheme: str = "dkls23"
    eddsa_scheme: str = "frost-ed25519"


@dataclass
class BatchSection:
    max_answers: int = 100
    max_tx_bytes: int = 256 * 1024
    max_in_flight_txs: int = 4
    tx_timeout_blocks: int = 10
    concurrency: int = 32


@dataclass
class FeesSection:
    gas_prices: str = "0.0001urock"
    fees: str = ""  # fixed fee per tx; overrides gas_prices
    gas_base: int = 100_000
    gas_per_answer: int = 60_000


@dataclass
class FollowSection:
    websocket: bool = True
    poll_interval: float = 1.0
    tick: float = 2.0
    rescan_interval: float = 60.0


@dataclass
class StateSection:
    file: str = "keeper-state.json"


@dataclass
class MetricsSection:
    listen: str = "127.0.0.1:9464"  # empty: no metrics server
    enabled: bool = True


@dataclass
class LogSection:
    level: str = "info"
    file: str = ""  # empty: stderr


@dataclass
class TestingSection:
    pause_after_persist: float = 0.0
    pause_after_broadcast: float = 0.0
    threshold_round_delay: float = 0.0


@dataclass
class KeeperConfig:
    keyring_address: str = ""
    chain: ChainSection = field(default_factory=ChainSection)
    party: PartySection = field(default_factory=PartySection)
    signer: SignerSection = field(default_factory=SignerSection)
    threshold: ThresholdSection = field(default_factory=ThresholdSection)
    batch: BatchSection = field(default_factory=BatchSection)
    fees: FeesSection = field(default_factory=FeesSection)
    follow: FollowSection = field(default_factory=FollowSection)
    state: StateSection = field(default_factory=StateSection)
    metrics: MetricsSection = field(default_factory=MetricsSection)
    log: LogSection = field(default_factory=LogSection)
    testing: TestingSection = field(default_factory=TestingSection)
    base_dir: Path = field(default=Path("."), repr=False)

    def path(self, value: str) -> Path:
        """A path from the config, relative to the config file's directory."""
        return resolve(self.base_dir, value)

    def settings(self) -> KeeperSettings:
        return KeeperSettings(
            batch_size=self.batch.max_answers,
            max_tx_bytes=self.batch.max_tx_bytes,
            max_in_flight_txs=self.batch.max_in_flight_txs,
            tx_timeout_blocks=self.batch.tx_timeout_blocks,
            concurrency=self.batch.concurrency,
            gas_base=self.fees.gas_base,
            gas_per_answer=self.fees.gas_per_answer,
            gas_prices=self.fees.gas_prices,
            fees=self.fees.fees,
            rescan_interval=self.follow.rescan_interval,
            pause_after_persist=self.testing.pause_after_persist,
            pause_after_broadcast=self.testing.pause_after_broadcast,
        )

    def validate(self) -> None:
        if not self.keyring_address.startswith("keyring1"):
            raise ConfigError("keyring_address must be a keyring1... address")
        if not self.chain.chain_id:
            raise ConfigError("[chain] chain_id is required")
        if self.batch.max_answers < 1 or self.batch.max_in_flight_txs < 1:
            raise ConfigError("[batch] max_answers and max_in_flight_txs must be at least 1")
        if self.batch.tx_timeout_blocks < 2:
            raise ConfigError("[batch] tx_timeout_blocks must be at least 2")
        if self.signer.backend not in ("local", "threshold"):
            raise ConfigError("[signer] backend must be local or threshold")
        if self.signer.backend == "threshold":
            self._validate_threshold()
        if self.metrics.enabled and self.metrics.listen:
            try:
                parse_listen(self.metrics.listen)
            except ValueError as exc:
                raise ConfigError(f"[metrics] {exc}") from None

    def _validate_threshold(self) -> None:
        from zrchain.mpc.peers import PeerConfigError, parse_peer
        from zrchain.mpc.tss import SCHEMES

        th = self.threshold
        host, _, port = th.listen.rpartition(":")
        if not host or not port.isdigit() or not 0 <= int(port) < 65536:
            raise ConfigError(f"[threshold] listen {th.listen!r} is not host:port")
        try:
            peers = [parse_peer(p) for p in th.peers]
        except PeerConfigError as exc:
            raise ConfigError(f"[threshold] {exc}") from None
        if len({p.address for p in peers}) != len(peers):
            raise ConfigError("[threshold] peers lists a party twice")
        for name in (th.ecdsa_scheme, th.eddsa_scheme):
            if name not in SCHEMES:
                raise ConfigError(f"[threshold] unknown scheme {name!r}: one of {sorted(SCHEMES)}")
        if th.round_timeout <= 0 or th.offer_timeout <= 0 or th.grace < 0:
            raise ConfigError("[threshold] timeouts must be positive")
        if not 64 * 1024 <= th.max_message_bytes <= 64 << 20:
            raise ConfigError("[threshold] max_message_bytes must be between 64 KiB and 64 MiB")


_SECTIONS: dict[str, type] = {
    "chain": ChainSection,
    "party": PartySection,
    "signer": SignerSection,
    "threshold": ThresholdSection,
    "batch": BatchSection,
    "fees": FeesSection,
    "follow": FollowSection,
    "state": StateSection,
    "metrics": MetricsSection,
    "log": LogSection,
    "testing": TestingSection,
}


def load(path: str | Path) -> KeeperConfig:
    p = Path(path)
    data = read_toml(p)
    cfg = KeeperConfig(base_dir=p.resolve().parent)
    for key, value in data.items():
        if key == "keyring_address":
            if not isinstance(value, str):
                raise ConfigError("keyring_address must be a string")
            cfg.keyring_address = value
        elif key in _SECTIONS:
            cls = _SECTIONS[key]
            setattr(cfg, key, cls(**table_values(cls, value, f"[{key}]")))
        else:
            raise ConfigError(f"unknown key {key!r} in {p}")
    cfg.validate()
    return cfg


_HEADER = """\
# zrchaind mpc-keeper: one party of one keyring. Relative paths are relative to this file.
# Passphrases are not stored here: *_passphrase_file, or $ZRCHAIN_KEYRING_PASSPHRASE /
# $ZRCHAIN_MPC_SEED_PASSPHRASE. The keeper binds nothing public: metrics listen on loopback.
"""


def _toml(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(json.dumps(str(v)) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return json.dumps(str(value))


def dump(cfg: KeeperConfig) -> str:
    lines = [_HEADER, f"keyring_address = {_toml(cfg.keyring_address)}"]
    for name in _SECTIONS:
        lines.append(f"\n[{name}]")
        for key, value in asdict(getattr(cfg, name)).items():
            lines.append(f"{key} = {_toml(value)}")
    return "\n".join(lines) + "\n"


def save(cfg: KeeperConfig, path: str | Path) -> None:
    Path(path).write_text(dump(cfg))
