"""Development accounts for localnets: deterministic, publicly known keys (never use them
for anything of value), created in the node's `test` keyring and funded at genesis as the
preset says (genesis/presets/localnet.json)."""

from __future__ import annotations

import hashlib
import json
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mnemonic import Mnemonic

import genesis

if TYPE_CHECKING:
    from zrchain.crypto.keyring import Keyring

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
    present = {a.get("address") for a in state.get("auth", {}).get("accounts", [])}
    for name, coins in PRESET.accounts.items():
        if addresses[name] not in present:  # e.g. the genesis validator's operator, funded
            add_account(state, addresses[name], coins)


# A genesis validator's self-delegation (10 units of consensus power) and its account's funds.
VALIDATOR_STAKE = "10000000urock"
VALIDATOR_FUNDS = "1000000000000urock"


def genesis_validators(
    doc: dict[str, Any],
    homes: list[tuple[Path, str]],
    stake: str = VALIDATOR_STAKE,
    funds: str = VALIDATOR_FUNDS,
) -> dict[str, str]:
    """Make each (node home, moniker) a genesis validator, as operators do with
    ``genesis gentx`` and ``collect-gentxs``: an operator key ``validator`` in the node's
    `test` keyring (a dev key: derived from the moniker), funded in ``doc``, bonding
    ``stake`` with the node's consensus key. Returns moniker -> operator address."""
    import tempfile

    from zrchain.codec.coins import parse_coins
    from zrchain.crypto.keyring import Keyring
    from zrchain.testing.genesis import add_account
    from zrchain.x.genutil.gentx import (
        GentxSpec,
        build_gentx,
        collect_gentxs,
        consensus_pubkey_of,
    )

    state = doc.setdefault("app_state", {})
    amount = parse_coins(stake)[0]
    operators = {}
    with tempfile.TemporaryDirectory(prefix="gentx-") as gentx_dir:
        for i, (home, moniker) in enumerate(homes):
            kr = Keyring(home, "test")
            if kr.has("validator"):
                key = kr.get("validator")
            else:
                key, _ = kr.add("validator", mnemonic=dev_mnemonic(f"validator {moniker}"))
            add_account(state, key.address, funds)
            tx = build_gentx(
                GentxSpec(moniker=moniker, amount=amount),
                consensus_pubkey_of(home),
                key.pubkey,
                partial(_sign_as_validator, kr),
                str(doc["chain_id"]),
            )
            (Path(gentx_dir) / f"gentx-{i:03d}.json").write_text(json.dumps(tx))
            operators[moniker] = key.address
        collect_gentxs(doc, gentx_dir)
    return operators


def _sign_as_validator(kr: Keyring, data: bytes) -> bytes:
    return bytes(kr.sign("validator", data))


def provision_single(home: str) -> None:
    """Dev keys in the node's keyring, funded, the preset's node config, and the node a
    validator by the preset operator's gentx: the operator's steps, run through the CLI."""
    import subprocess
    import sys

    from zrchain.cometbft import patch_toml

    patch_toml(Path(home) / "config" / "config.toml", PRESET.node_config)
    addresses = create_dev_keys(home)
    path = Path(home) / "config" / "genesis.json"
    doc = json.loads(path.read_text())
    fund_dev_accounts(doc, addresses)
    path.write_text(json.dumps(doc, indent=2) + "\n")
    for args in (
        ("genesis", "gentx", PRESET.operator, VALIDATOR_STAKE, "--home", home),
        ("genesis", "collect-gentxs", "--home", home),
    ):
        res = subprocess.run(
            [sys.executable, "-m", "zrchain", *args], capture_output=True, text=True
        )
        if res.returncode:
            raise SystemExit(f"zrchaind {' '.join(args[:2])} failed: {res.stderr.strip()}")
    lines = [f"  {name:<10} {addr}" for name, addr in addresses.items()]
    print("dev accounts (keyring-backend test, in the node home):\n" + "\n".join(lines))
    print(f"the `{PRESET.operator}` account is the validator's operator (self-delegation "
          f"{VALIDATOR_STAKE})")
