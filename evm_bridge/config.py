"""The bridge's configuration file (TOML); see docs/evm-bridge.md for every key.

Secrets never live in the file: the zrChain signer is a key in a `zrchaind` keyring, and
Direct-mode EVM keys are read from files named here (or environment variables).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eth_utils import is_address, to_checksum_address

from zrchain.daemon.config import ConfigError, read_toml, resolve, table_values
from zrchain.daemon.logs import Format, log_format

MODES = ("omni", "direct")
#: Contract flavours (zrchain.evm.flavours.Flavour values): our contract, zrSign as deployed.
FLAVOURS = ("zrchain", "zrsign-v1")
_CAIP2 = re.compile(r"^[-a-z0-9]{3,8}:[-_a-zA-Z0-9]{1,32}$")


@dataclass(frozen=True)
class ZrChainConfig:
    """Where zrChain is and which keyring key signs (it must be treasury `zr_sign_address`)."""

    node: str = "tcp://127.0.0.1:26657"
    chain_id: str = ""
    home: str = ""
    keyring_backend: str = "test"
    signer: str = ""
    gas_prices: str = ""
    gas_adjustment: float = 1.5
    max_msgs_per_tx: int = 50
    tx_timeout: float = 30.0


@dataclass(frozen=True)
class NetworkConfig:
    """One watched ZrSign deployment on one EVM network."""

    caip2: str
    rpc_url: str
    contract: str
    name: str = ""
    #: Which contract's rules `contract` follows: "zrchain" (ours) or "zrsign-v1" (deployed zrSign).
    flavour: str = "zrchain"
    start_block: int = 0
    confirmations: int = 12
    mode: str = "omni"
    max_block_range: int = 2000
    poll_interval: float = 1.0
    watch_pending: bool = True
    relay: bool = True
    # Direct mode: key holding MPC_ROLE (authSignatures) and the EOA that pays response gas.
    mpc_key_file: str = ""
    mpc_key_env: str = ""
    responder_key_file: str = ""
    responder_key_env: str = ""
    response_gas: int = 0

    @property
    def label(self) -> str:
        return self.name or self.caip2

    @property
    def evm_chain_id(self) -> int | None:
        """The numeric chain id of an `eip155:<n>` network."""
        ns, _, ref = self.caip2.partition(":")
        return int(ref) if ns == "eip155" and ref.isdigit() else None

    @property
    def direct(self) -> bool:
        return self.mode == "direct"

    @property
    def writes_back(self) -> bool:
        """Whether answers go back to the contract: Direct mode, and key registrations on a
        zrsign-v1 contract in Omni mode (it accepts signature requests for registered keys
        only)."""
        return self.direct or self.flavour == "zrsign-v1"

    def mpc_key(self) -> bytes | None:
        return _read_key(self.mpc_key_file, self.mpc_key_env)

    def responder_key(self) -> bytes | None:
        return _read_key(self.responder_key_file, self.responder_key_env) or self.mpc_key()


@dataclass(frozen=True)
class DestinationConfig:
    """A chain signed transactions may be relayed to without being watched."""

    caip2: str
    rpc_url: str


@dataclass(frozen=True)
class BridgeConfig:
    """The whole file."""

    zrchain: ZrChainConfig
    networks: tuple[NetworkConfig, ...]
    destinations: tuple[DestinationConfig, ...] = ()
    state_dir: str = "bridge-state"
    log_format: Format = "json"
    log_level: str = "info"
    progress_interval: float = 5.0
    defer_timeout: float = 3600.0
    extra_caip2: tuple[str, ...] = field(default_factory=tuple)

    def rpc_for(self, caip2: str) -> str | None:
        """The RPC URL a signed transaction for `caip2` is sent to."""
        for net in self.networks:
            if net.caip2 == caip2:
                return net.rpc_url
        for dest in self.destinations:
            if dest.caip2 == caip2:
                return dest.rpc_url
        return None

    def known_caip2(self) -> list[str]:
        """Every CAIP-2 id the bridge can name from a zrSign `dstChainId` hash on its own."""
        names = [n.caip2 for n in self.networks] + [d.caip2 for d in self.destinations]
        return list(dict.fromkeys([*names, *self.extra_caip2]))


def _read_key(path: str, env: str) -> bytes | None:
    text = ""
    if path:
        text = Path(path).expanduser().read_text().strip()
    elif env:
        text = os.environ.get(env, "").strip()
    if not text:
        return None
    raw = text[2:] if text.lower().startswith("0x") else text
    try:
        key = bytes.fromhex(raw)
    except ValueError:
        raise ConfigError("an EVM key file must hold a 32-byte hex private key") from None
    if len(key) != 32:
        raise ConfigError("an EVM key file must hold a 32-byte hex private key")
    return key


def check_caip2(value: str, where: str) -> str:
    if not isinstance(value, str) or not _CAIP2.match(value):
        raise ConfigError(f"{where}: {value!r} is not a CAIP-2 chain id (e.g. eip155:1)")
    return value


def _network(raw: dict[str, Any], index: int) -> NetworkConfig:
    where = f"networks[{index}]"
    values = table_values(NetworkConfig, raw, where)
    for key in ("caip2", "rpc_url", "contract"):
        if not values.get(key):
            raise ConfigError(f"{where}: `{key}` is required")
    check_caip2(values["caip2"], where)
    if not is_address(values["contract"]):
        raise ConfigError(f"{where}: contract {values['contract']!r} is not an EVM address")
    values["contract"] = to_checksum_address(values["contract"])
    mode = str(values.get("mode", "omni")).lower()
    if mode not in MODES:
        raise ConfigError(f"{where}: mode must be omni or direct, not {mode!r}")
    values["mode"] = mode
    flavour = str(values.get("flavour", "zrchain")).lower()
    if flavour not in FLAVOURS:
        raise ConfigError(f"{where}: flavour must be one of {', '.join(FLAVOURS)}, not {flavour!r}")
    values["flavour"] = flavour
    for key in ("start_block", "confirmations", "max_block_range"):
        if key in values and (not isinstance(values[key], int) or values[key] < 0):
            raise ConfigError(f"{where}: {key} must be a non-negative integer")
    if values.get("max_block_range", 1) < 1:
        raise ConfigError(f"{where}: max_block_range must be at least 1")
    if values.get("response_gas", 0) < 0:
        raise ConfigError(f"{where}: response_gas must be a non-negative integer")
    net = NetworkConfig(**values)
    if net.writes_back and not (net.mpc_key_file or net.mpc_key_env):
        why = "direct mode" if net.direct else "a zrsign-v1 contract (key registrations)"
        raise ConfigError(f"{where}: {why} needs mpc_key_file or mpc_key_env")
    return net


def parse_config(doc: dict[str, Any], base: Path | None = None) -> BridgeConfig:
    """Validate a parsed TOML document; relative paths are taken from `base`."""
    zr_raw = doc.get("zrchain", {})
    zr = ZrChainConfig(**table_values(ZrChainConfig, zr_raw, "[zrchain]"))
    if not zr.signer:
        raise ConfigError(
            "[zrchain]: `signer` (key name or address of zr_sign_address) is required"
        )
    nets_raw = doc.get("networks", [])
    if not nets_raw:
        raise ConfigError("at least one [[networks]] entry is required")
    networks = tuple(_network(dict(n), i) for i, n in enumerate(nets_raw))
    seen: set[tuple[str, str]] = set()
    for net in networks:
        key = (net.caip2, net.contract.lower())
        if key in seen:
            raise ConfigError(f"network {net.caip2} contract {net.contract} is listed twice")
        seen.add(key)
    dests = tuple(
        DestinationConfig(**table_values(DestinationConfig, d, f"destinations[{i}]"))
        for i, d in enumerate(doc.get("destinations", []))
    )
    for d in dests:
        check_caip2(d.caip2, "destinations")
    bridge = dict(doc.get("bridge", {}))
    allowed = {
        "state_dir",
        "log_format",
        "log_level",
        "progress_interval",
        "defer_timeout",
        "extra_caip2",
    }
    unknown = set(bridge) - allowed
    if unknown:
        raise ConfigError(f"unknown key(s) in [bridge]: {', '.join(sorted(unknown))}")
    bridge = table_values(BridgeConfig, bridge, "[bridge]")
    extra = tuple(check_caip2(c, "[bridge].extra_caip2") for c in bridge.pop("extra_caip2", []))
    state_dir = str(bridge.pop("state_dir", "bridge-state"))
    if base is not None:
        state_dir = str(resolve(base, state_dir))
    home = zr.home
    if base is not None and home:
        home = str(resolve(base, home))
    zr = ZrChainConfig(**{**zr.__dict__, "home": home})
    try:
        fmt = log_format(bridge.pop("log_format", "json"))
    except ValueError:
        raise ConfigError("[bridge]: log_format must be json or text") from None
    return BridgeConfig(
        zrchain=zr,
        networks=networks,
        destinations=dests,
        state_dir=state_dir,
        log_format=fmt,
        extra_caip2=extra,
        **bridge,
    )


def load_config(path: str | os.PathLike[str]) -> BridgeConfig:
    """Read and validate a TOML config file."""
    p = Path(path)
    try:
        return parse_config(read_toml(p), p.resolve().parent)
    except TypeError as exc:  # a required key missing from a [[networks]] entry, say
        raise ConfigError(f"{p}: {exc}") from None
