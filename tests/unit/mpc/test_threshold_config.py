"""The ``[threshold]`` config table: peers, listener, schemes and limits are checked when the
backend is ``threshold``; the file round-trips through ``dump``/``load``."""

from __future__ import annotations

from pathlib import Path

import pytest

from zrchain.crypto import keys
from zrchain.mpc import config
from zrchain.mpc.config import ConfigError, KeeperConfig
from zrchain.mpc.peers import PeerConfigError, parse_peer

PEER = keys.account_address(keys.public_key(bytes([7]) * 32))


def _cfg(tmp_path: Path, **threshold: object) -> Path:
    cfg = KeeperConfig(keyring_address="keyring1pfnq7r04rept47gaf5cpdew2", base_dir=tmp_path)
    cfg.signer.backend = "threshold"
    for k, v in threshold.items():
        setattr(cfg.threshold, k, v)
    path = tmp_path / "mpc-keeper.toml"
    config.save(cfg, path)
    return path


def test_threshold_config_round_trips(tmp_path: Path) -> None:
    path = _cfg(tmp_path, peers=[f"{PEER}@10.0.0.2:7070"], listen="0.0.0.0:7070")
    cfg = config.load(path)
    assert cfg.threshold.peers == [f"{PEER}@10.0.0.2:7070"]
    assert cfg.threshold.listen == "0.0.0.0:7070"
    assert parse_peer(cfg.threshold.peers[0]).port == 7070


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("peers", ["nobody@1.2.3.4:7070"], "not a zen1"),
        ("peers", [f"{PEER}@host"], "host:port"),
        ("peers", [f"{PEER}@a:1", f"{PEER}@b:2"], "twice"),
        ("listen", "7070", "host:port"),
        ("ecdsa_scheme", "gg18", "unknown scheme"),
        ("round_timeout", 0.0, "positive"),
        ("max_message_bytes", 10, "between"),
    ],
)
def test_bad_threshold_settings_are_refused(
    tmp_path: Path, field: str, value: object, error: str
) -> None:
    with pytest.raises(ConfigError, match=error):
        config.load(_cfg(tmp_path, **{field: value}))


def test_peers_must_be_a_list_of_strings(tmp_path: Path) -> None:
    path = _cfg(tmp_path)
    path.write_text(path.read_text().replace("peers = []", "peers = [1, 2]"))
    with pytest.raises(ConfigError, match="list of strings"):
        config.load(path)


def test_parse_peer_refuses_bad_ports() -> None:
    with pytest.raises(PeerConfigError):
        parse_peer(f"{PEER}@h:0")
    with pytest.raises(PeerConfigError):
        parse_peer(f"{PEER}@h:70000")
