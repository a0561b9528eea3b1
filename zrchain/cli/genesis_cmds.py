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


@genesis_group.command("gentx")
@click.argument("key_name")
@click.argument("amount")
@click.option("--chain-id", default="", help="default: genesis.json's chain id")
@click.option("--moniker", default="", help="default: config.toml's moniker")
@click.option("--commission-rate", default="0.1", show_default=True)
@click.option("--commission-max-rate", default="0.2", show_default=True)
@click.option("--commission-max-change-rate", default="0.01", show_default=True)
@click.option("--min-self-delegation", default="1", show_default=True)
@click.option("--details", default="")
@click.option("--identity", default="")
@click.option("--website", default="")
@click.option("--security-contact", default="")
@click.option("--ip", default="127.0.0.1", show_default=True, help="the node's public P2P IP")
@click.option("--p2p-port", default=26656, show_default=True, type=int)
@click.option("--node-id", default="", help="default: this node's id")
@click.option("--output-document", default="", help="default: <home>/config/gentx/gentx-<id>.json")
@click.option(
    "--keyring-backend",
    default="test",
    show_default=True,
    type=click.Choice(["test", "file", "memory"]),
)
@click.option("--keyring-dir", default="")
@home_option
def gentx(
    key_name: str,
    amount: str,
    chain_id: str,
    moniker: str,
    commission_rate: str,
    commission_max_rate: str,
    commission_max_change_rate: str,
    min_self_delegation: str,
    details: str,
    identity: str,
    website: str,
    security_contact: str,
    ip: str,
    p2p_port: int,
    node_id: str,
    output_document: str,
    keyring_backend: str,
    keyring_dir: str,
    home: str,
) -> None:
    """Create a genesis tx that makes this node a validator, bonding AMOUNT from KEY_NAME
    (whose account must be in genesis.json with enough coins). Collect every validator's
    gentx with `zrchaind genesis collect-gentxs`."""
    from zrchain import cometbft
    from zrchain.cli.tx_cmds import _passphrase_provider
    from zrchain.crypto.keyring import Keyring, KeyringError
    from zrchain.x.genutil.gentx import (
        GentxSpec,
        build_gentx,
        check_gentx,
        consensus_pubkey_of,
    )

    doc = read_genesis(home)
    try:
        coins = parse_coins(amount)
    except ChainError as exc:
        fail(f"failed to parse coins: {exc.log}")
    if len(coins) != 1:
        fail(f"invalid amount {amount!r}: one coin of the bond denom, e.g. 1000000urock")
    keyring = Keyring(keyring_dir or home, keyring_backend, _passphrase_provider)
    try:
        key = keyring.get(key_name)
    except KeyringError as exc:
        fail(str(exc))
    try:
        binary = cometbft.find_binary()
        node_id = node_id or cometbft.node_id(binary, home)
    except (cometbft.CometBFTMissing, OSError) as exc:
        fail(f"cannot read the node id: {exc}")
    spec = GentxSpec(
        moniker=moniker or _config_moniker(home),
        amount=coins[0],
        commission_rate=commission_rate,
        commission_max_rate=commission_max_rate,
        commission_max_change_rate=commission_max_change_rate,
        min_self_delegation=min_self_delegation,
        details=details,
        identity=identity,
        website=website,
        security_contact=security_contact,
        memo=f"{node_id}@{ip}:{p2p_port}",
    )
    try:
        pubkey = consensus_pubkey_of(home)
        tx_doc = build_gentx(
            spec,
            pubkey,
            key.pubkey,
            lambda data: bytes(keyring.sign(key.name, data)),
            chain_id or str(doc.get("chain_id", "")),
        )
        check_gentx(doc.get("app_state", {}), tx_doc)
    except (ValueError, ChainError) as exc:
        fail(getattr(exc, "log", str(exc)))
    out = (
        Path(output_document)
        if output_document
        else (Path(home) / "config" / "gentx" / f"gentx-{node_id}.json")
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(tx_doc) + "\n")
    click.echo(f"Genesis transaction written to {out}", err=True)


def _config_moniker(home: str) -> str:
    import tomllib

    try:
        with open(Path(home) / "config" / "config.toml", "rb") as f:
            return str(tomllib.load(f).get("moniker", "")) or "validator"
    except (OSError, tomllib.TOMLDecodeError):
        return "validator"


@genesis_group.command("collect-gentxs")
@click.option("--gentx-dir", default="", help="default: <home>/config/gentx")
@home_option
def collect_gentxs_cmd(gentx_dir: str, home: str) -> None:
    """Put the gentxs of --gentx-dir into genesis.json (the validators of the new chain)
    and set config.toml's persistent peers from their memos."""
    from zrchain import cometbft
    from zrchain.x.genutil.gentx import collect_gentxs

    doc = read_genesis(home)
    try:
        memos = collect_gentxs(doc, gentx_dir or Path(home) / "config" / "gentx")
    except ValueError as exc:
        fail(f"failed to collect gentxs: {exc}")
    write_genesis(home, doc)
    try:
        own = cometbft.node_id(cometbft.find_binary(), home)
    except (cometbft.CometBFTMissing, OSError):
        own = ""
    peers = ",".join(sorted(m for m in memos if not m.startswith(f"{own}@")))
    cometbft.patch_toml(Path(home) / "config" / "config.toml", {"p2p.persistent_peers": peers})
    n = len(doc["app_state"]["genutil"]["gen_txs"])
    click.echo(f"collected {n} gentx(s) into {genesis_path(home)}", err=True)


__all__ = ["check_genesis", "export_cmd", "genesis_group", "write_genesis"]
