"""``zrchaind genesis …`` and ``zrchaind export``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from zrchain.cli.common import INT64, fail, home_option
from zrchain.cli.node_cmds import genesis_path, read_genesis, write_genesis
from zrchain.codec import address
from zrchain.codec.coins import parse_coins
from zrchain.errors import ChainError
from zrchain.x.auth.keeper import BASE_ACCOUNT_URL, MODULE_ACCOUNT_URL


@click.group("genesis")
def genesis_group() -> None:
    """Build and check genesis.json."""


@genesis_group.command("add-genesis-account")
@click.argument("address_or_key_name")
@click.argument("coins")
@click.option("--module-name", default="", help="make it a module account with this name")
@click.option(
    "--keyring-backend",
    default="test",
    show_default=True,
    type=click.Choice(["test", "file", "memory"]),
)
@click.option("--keyring-dir", default="")
@home_option
def add_genesis_account(
    address_or_key_name: str,
    coins: str,
    module_name: str,
    keyring_backend: str,
    keyring_dir: str,
    home: str,
) -> None:
    """Add an account and its coins to genesis.json."""
    try:
        parsed = parse_coins(coins)
    except ChainError as exc:
        fail(f"failed to parse coins: {exc.log}")
    addr = _resolve(address_or_key_name, home, keyring_backend, keyring_dir)
    doc = read_genesis(home)
    state = doc.setdefault("app_state", {})
    accounts = state.setdefault("auth", {}).setdefault("accounts", [])
    if any(
        a.get("address") == addr or a.get("base_account", {}).get("address") == addr
        for a in accounts
    ):
        fail(f"cannot add account at existing address {addr}")
    base = {"address": addr, "pub_key": None, "account_number": "0", "sequence": "0"}
    if module_name:
        accounts.append(
            {
                "@type": MODULE_ACCOUNT_URL,
                "base_account": base,
                "name": module_name,
                "permissions": [],
            }
        )
    else:
        accounts.append({"@type": BASE_ACCOUNT_URL, **base})
    bank = state.setdefault("bank", {})
    if parsed:
        bank.setdefault("balances", []).append(
            {
                "address": addr,
                "coins": [{"denom": c.denom, "amount": str(c.amount)} for c in parsed],
            }
        )
    bank["supply"] = []  # recomputed from balances at InitChain
    write_genesis(home, doc)


def _resolve(name_or_addr: str, home: str, backend: str, keyring_dir: str) -> str:
    if address.is_acc_address(name_or_addr):
        return address.canonical(name_or_addr)
    from zrchain.cli.tx_cmds import _passphrase_provider
    from zrchain.crypto.keyring import Keyring, KeyringError

    try:
        return str(
            Keyring(keyring_dir or home, backend, _passphrase_provider).get(name_or_addr).address
        )
    except KeyringError as exc:
        fail(f"{name_or_addr!r} is neither a zen1 address nor a key in the keyring: {exc}")


@genesis_group.command("validate")
@click.argument("file", required=False)
@home_option
def validate(file: str | None, home: str) -> None:
    """Check genesis.json: CometBFT format and every module's app_state."""
    from zrchain.modules import default_modules

    path = Path(file) if file else genesis_path(home)
    try:
        doc = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        fail(f"cannot read {path}: {exc}")
    problems = check_genesis(doc, default_modules())
    if problems:
        fail("; ".join(problems))
    click.echo(f"File at {path} is a valid genesis file")


def check_genesis(doc: dict[str, Any], modules: list[Any]) -> list[str]:
    problems = []
    if not isinstance(doc.get("initial_height", "1"), str):
        problems.append("initial_height must be a string (CometBFT genesis format)")
    if not doc.get("chain_id"):
        problems.append("chain_id is empty")
    state = address.canonicalize_json(doc.get("app_state") or {})  # as InitChain reads it
    for m in modules:
        default = m.default_genesis()
        if default is None:
            continue
        try:
            m.validate_genesis(state.get(m.name, default))
        except (ValueError, ChainError) as exc:
            problems.append(f"{m.name}: {exc}")
    return problems


@click.command("export")
@home_option
@click.option("--height", default=0, type=INT64, help="export the state at this height")
@click.option("--output-document", default="", help="write to this file instead of stdout")
def export_cmd(home: str, height: int, output_document: str) -> None:
    """Export the app state as a genesis.json (stop the node first)."""
    from zrchain.config import load
    from zrchain.node import make_app

    try:
        app = make_app(home, load(home))
    except Exception as exc:
        fail(f"cannot open the application state in {home} (is the node running?): {exc}")
    try:
        if app.last_height == 0:
            fail("nothing to export: no block has been committed")
        state = app.export_genesis(height)
        old = read_genesis(home)
        doc = {
            **old,
            "app_state": state,
            "initial_height": str(app.last_height + 1),
            "app_hash": "",
        }
        doc["consensus_params"] = _consensus_params_json(app)
    finally:
        app.close()
    text = json.dumps(doc, indent=2)
    if output_document:
        Path(output_document).write_text(text + "\n")
    else:
        click.echo(text)


def _consensus_params_json(app: Any) -> dict[str, Any]:
    p = app.consensus_params
    return {
        "block": {"max_bytes": str(p.block.max_bytes), "max_gas": str(p.block.max_gas)},
        "evidence": {
            "max_age_num_blocks": str(p.evidence.max_age_num_blocks),
            "max_age_duration": str(
                p.evidence.max_age_duration.seconds * 10**9 + p.evidence.max_age_duration.nanos
            ),
            "max_bytes": str(p.evidence.max_bytes),
        },
        "validator": {"pub_key_types": list(p.validator.pub_key_types)},
        "version": {"app": str(p.version.app)},
        "abci": {"vote_extensions_enable_height": str(p.abci.vote_extensions_enable_height)},
    }


__all__ = ["check_genesis", "export_cmd", "genesis_group", "write_genesis"]


@genesis_group.command("add-validator")
@click.argument("pubkey")
@click.argument("power", type=INT64)
@click.option("--name", default="", help="a label (CometBFT genesis `name`)")
@home_option
def add_validator(pubkey: str, power: int, name: str, home: str) -> None:
    """Add a genesis validator: PUBKEY as printed by `zrchaind comet show-validator` on its
    node (JSON, base64 or hex). The equivalent of gentx + collect-gentxs for this chain."""
    from zrchain.x.validators.cli import parse_pubkey

    if power <= 0:
        fail("power must be positive")
    raw = parse_pubkey(pubkey)
    doc = read_genesis(home)
    entry = genesis_validator(raw, power, name)
    vals = doc.setdefault("validators", [])
    if any(v.get("address") == entry["address"] for v in vals):
        fail(f"validator {entry['address']} is already in genesis")
    vals.append(entry)
    write_genesis(home, doc)


def genesis_validator(pubkey: bytes, power: int, name: str = "") -> dict[str, Any]:
    import base64
    import hashlib

    return {
        "address": hashlib.sha256(pubkey).digest()[:20].hex().upper(),
        "pub_key": {"type": "tendermint/PubKeyEd25519", "value": base64.b64encode(pubkey).decode()},
        "power": str(power),
        "name": name,
    }


@genesis_group.command("validators-authority")
@click.argument("address_or_key_name")
@click.option(
    "--keyring-backend",
    default="test",
    show_default=True,
    type=click.Choice(["test", "file", "memory"]),
)
@click.option("--keyring-dir", default="")
@home_option
def validators_authority(
    address_or_key_name: str, keyring_backend: str, keyring_dir: str, home: str
) -> None:
    """Set the account allowed to change the validator set after genesis."""
    addr = _resolve(address_or_key_name, home, keyring_backend, keyring_dir)
    doc = read_genesis(home)
    state = doc.setdefault("app_state", {})
    state.setdefault("validators", {}).setdefault("params", {})["authority"] = addr
    write_genesis(home, doc)
