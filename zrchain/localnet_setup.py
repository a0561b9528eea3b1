"""Development accounts for localnets: deterministic, publicly known keys (never use them
for anything of value), created in the node's `test` keyring and funded at genesis as the
preset says (genesis/presets/localnet.json)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from mnemonic import Mnemonic

import genesis

PRESET = genesis.preset("localnet")


def dev_mnemonic(name: str) -> str:
    """A fixed 24-word mnemonic per dev account name (sha256 of a label as entropy)."""
    entropy = hashlib.sha256(f"zrchain-python localnet dev account {name}".encode()).digest()
    return str(Mnemonic("english").to_mnemonic(entropy))


def create_dev_keys(keyring_home: str | Path) -> dict[str, str]:
    """Add the dev keys to the `test` keyring under ``keyring_home``; name -> address."""
    from zrchain.crypto.keyring import Keyring

    kr = Keyring(keyring_home, "test")
    out = {}
    for name in PRESET.accounts:
        if kr.has(name):
            out[name] = kr.get(name).address
        else:
            info, _ = kr.add(name, mnemonic=dev_mnemonic(name))
            out[name] = info.address
    return out


def fund_dev_accounts(doc: dict[str, Any], addresses: dict[str, str]) -> None:
    from zrchain.testing.genesis import add_account

    state = doc.setdefault("app_state", {})
    for name, coins in PRESET.accounts.items():
        add_account(state, addresses[name], coins)
    params = state.setdefault("validators", {}).setdefault("params", {})
    params["authority"] = addresses[PRESET.authority]


def provision_single(home: str) -> None:
    """Dev keys in the node's keyring, funded, the preset's authority, its node config."""
    from zrchain.cometbft import patch_toml

    patch_toml(Path(home) / "config" / "config.toml", PRESET.node_config)
    addresses = create_dev_keys(home)
    path = Path(home) / "config" / "genesis.json"
    doc = json.loads(path.read_text())
    fund_dev_accounts(doc, addresses)
    path.write_text(json.dumps(doc, indent=2) + "\n")
    lines = [f"  {name:<10} {addr}" for name, addr in addresses.items()]
    print("dev accounts (keyring-backend test, in the node home):\n" + "\n".join(lines))
