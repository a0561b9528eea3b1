"""``zrchaind keys ...``: manage account keys, shaped like the SDK's (zenrockd's) keys commands.

Input rules (the SDK's, so scripts carry over):

- Passphrases for the ``file`` backend come from ``$ZRCHAIN_KEYRING_PASSPHRASE`` when set;
  otherwise they are prompted (twice when a keyring passphrase is first chosen) on a
  terminal, or read as lines from stdin when stdin is not a terminal (two lines, passphrase
  and confirmation, when a new keyring passphrase is chosen).
- ``add --recover`` reads the mnemonic from the prompt, or from the next stdin line.
- Confirmations (``delete``, ``rename``, ``export --unarmored-hex``) read ``y`` from the
  prompt or stdin unless ``-y`` is given.

Deliberate differences: the armored export and the hex export go to stdout (the SDK writes
them to stderr); ``add`` refuses an existing name unless ``--overwrite`` is given or the
user confirms on a terminal. In text mode, ``add`` prints the key to stdout and the mnemonic
to stderr, as the SDK does; with ``-o json`` everything is one JSON object on stdout.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click

from zrchain.cli.common import fail, home_option
from zrchain.crypto import armor, keys
from zrchain.crypto.keyring import BACKENDS, KeyInfo, Keyring, KeyringError

PASSPHRASE_ENV = "ZRCHAIN_KEYRING_PASSPHRASE"
BACKEND_ENV = "ZRCHAIN_KEYRING_BACKEND"
MIN_EXPORT_PASSPHRASE = 8
_MAX_INDEX = (1 << 31) - 1


# --- input -------------------------------------------------------------------------------


class _Input:
    """Prompts on a terminal, plain stdin lines otherwise (one reader, so lines stay in order)."""

    def __init__(self) -> None:
        self.tty = sys.stdin.isatty()

    def line(self, prompt: str, *, hide: bool = False) -> str:
        if self.tty:
            return str(click.prompt(prompt, hide_input=hide, err=True, prompt_suffix=" "))
        text = sys.stdin.readline()
        if not text:
            fail(f"expected input on stdin for: {prompt.rstrip(':')}")
        return text.rstrip("\r\n")

    def new_secret(self, prompt: str, again: str) -> str:
        first = self.line(prompt, hide=True)
        if self.line(again, hide=True) != first:
            fail("passphrases do not match")
        return first

    def confirm(self, prompt: str) -> bool:
        if self.tty:
            return click.confirm(prompt, default=False, err=True)
        answer = sys.stdin.readline().strip().lower()
        return answer in ("y", "yes")


def _passphrase_provider(inp: _Input) -> Callable[[str, bool], str]:
    def provide(prompt: str, new: bool) -> str:
        env = os.environ.get(PASSPHRASE_ENV)
        if env is not None:
            return env
        if new:
            return inp.new_secret(prompt, "Re-enter keyring passphrase:")
        return inp.line(prompt, hide=True)

    return provide


# --- output ------------------------------------------------------------------------------

_YAML_PLAIN = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_./+-]*$")
_YAML_SPECIAL = {"true", "false", "yes", "no", "on", "off", "null", "~", "y", "n"}


def _yaml_scalar(value: str) -> str:
    """Quote like the SDK's YAML output: plain when unambiguous, else single-quoted."""
    plain = _YAML_PLAIN.match(value) and value.lower() not in _YAML_SPECIAL
    if plain and not re.match(r"^[-+]?(\d[\d_]*(\.\d*)?|\.\d+)([eE][-+]?\d+)?$", value):
        return value
    return "'" + value.replace("'", "''") + "'"


def _yaml_records(records: list[dict[str, str]]) -> str:
    lines: list[str] = []
    for rec in records:
        for i, key in enumerate(sorted(rec)):
            lines.append(f"{'- ' if i == 0 else '  '}{key}: {_yaml_scalar(rec[key])}")
    return "\n".join(lines)


def _emit_json(value: Any) -> None:
    click.echo(json.dumps(value, separators=(",", ":")))


# --- shared options and helpers ----------------------------------------------------------


def keyring_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """--home, --keyring-backend, --keyring-dir, -o/--output on every keys command."""
    f = click.option(
        "-o",
        "--output",
        type=click.Choice(["text", "json"]),
        default="text",
        show_default=True,
        help="output format",
    )(f)
    f = click.option(
        "--keyring-dir",
        default=None,
        help="directory holding keyring-<backend>/ (default: the --home directory)",
    )(f)
    f = click.option(
        "--keyring-backend",
        type=click.Choice(BACKENDS),
        default="test",
        show_default=True,
        envvar=BACKEND_ENV,
        help=(
            "test: unencrypted files, for development (the default); file: each private key "
            f"encrypted with a passphrase (prompt, stdin lines, or ${PASSPHRASE_ENV}); "
            f"memory: lasts one command. Env: ${BACKEND_ENV}"
        ),
    )(f)
    return home_option(f)


def _open(home: str, keyring_backend: str, keyring_dir: str | None, inp: _Input) -> Keyring:
    base = Path(keyring_dir) if keyring_dir else Path(home)
    return Keyring(base, keyring_backend, _passphrase_provider(inp))


@contextlib.contextmanager
def _user_errors() -> Iterator[None]:
    """Keyring/crypto/file errors become one clear line on stderr and exit 1."""
    try:
        yield
    except (KeyringError, ValueError) as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"{exc.strerror or exc}: {exc.filename}" if exc.filename else str(exc))
    except (click.Abort, EOFError, KeyboardInterrupt):
        fail("aborted")


def _print_key(info: KeyInfo, output: str, bech: str = "acc", mnemonic: str | None = None) -> None:
    record = info.output(bech)
    if output == "json":
        if mnemonic:
            record["mnemonic"] = mnemonic
        _emit_json(record)
        return
    click.echo(_yaml_records([record]))
    if mnemonic:
        click.echo(
            "\n**Important** write this mnemonic phrase in a safe place.\n"
            "It is the only way to recover your account if you ever forget your password.\n\n"
            + mnemonic,
            err=True,
        )


# --- the group ---------------------------------------------------------------------------


@click.group("keys", context_settings={"help_option_names": ["-h", "--help"]})
def keys_group() -> None:
    """Manage your account keys.

    Keys live in <home>/keyring-<backend>/. Backends: test (default; unencrypted, for
    development), file (passphrase-encrypted; the passphrase is prompted, read from stdin
    lines, or taken from $ZRCHAIN_KEYRING_PASSPHRASE), memory (lasts one command).
    """


@keys_group.command("add")
@click.argument("name")
@click.option("--recover", is_flag=True, help="recover a key from a BIP39 mnemonic (prompt/stdin)")
@click.option(
    "--account",
    type=click.IntRange(0, _MAX_INDEX),
    default=0,
    show_default=True,
    help="BIP44 account in m/44'/<coin>'/<account>'/0/<index>",
)
@click.option(
    "--index",
    type=click.IntRange(0, _MAX_INDEX),
    default=0,
    show_default=True,
    help="BIP44 address index",
)
@click.option(
    "--coin-type",
    type=click.IntRange(0, _MAX_INDEX),
    default=keys.COIN_TYPE,
    show_default=True,
    help="BIP44 coin type (118 for Cosmos chains, zrChain included)",
)
@click.option("--hd-path", default=None, help="full BIP32 path; overrides coin type/account/index")
@click.option("--no-backup", is_flag=True, help="do not print the new mnemonic")
@click.option("--dry-run", is_flag=True, help="derive and print the key without storing it")
@click.option("--overwrite", is_flag=True, help="replace an existing key with this name")
@click.option("--multisig", default="", help="store a multisig of these keys (names, a,b,c)")
@click.option("--multisig-threshold", default=1, type=int, show_default=True)
@click.option("--nosort", is_flag=True, help="keep --multisig keys in the order given")
@keyring_options
def add_cmd(
    name: str,
    recover: bool,
    account: int,
    index: int,
    coin_type: int,
    hd_path: str | None,
    no_backup: bool,
    dry_run: bool,
    overwrite: bool,
    multisig: str,
    multisig_threshold: int,
    nosort: bool,
    home: str,
    keyring_backend: str,
    keyring_dir: str | None,
    output: str,
) -> None:
    """Create a key (new 24-word mnemonic) or recover one, and store it as NAME; with
    --multisig, store the k-of-n multisig key of existing keys (no secret)."""
    inp = _Input()
    with _user_errors():
        if multisig:
            kr = _open(home, keyring_backend, keyring_dir, inp)
            names = [n.strip() for n in multisig.split(",") if n.strip()]
            if len(set(names)) != len(names):
                fail("duplicate key in --multisig")
            members = [kr.get(n) for n in names]
            info = kr.add_multisig(
                name, members, multisig_threshold, sort=not nosort, overwrite=overwrite
            )
            _print_key(info, output)
            return
        kr = _open(home, "memory" if dry_run else keyring_backend, keyring_dir, inp)
        if kr.has(name) and not overwrite:
            if not (inp.tty and inp.confirm(f"override the existing name {name}")):
                fail(f"key {name!r} already exists (pass --overwrite to replace it)")
            overwrite = True
        kr.unlock()
        mnemonic = None
        if recover:
            mnemonic = keys.validate_mnemonic(inp.line("> Enter your bip39 mnemonic"))
        info, phrase = kr.add(
            name,
            mnemonic,
            account,
            index,
            coin_type=coin_type,
            hd_path=hd_path,
            overwrite=overwrite,
        )
        show = None if (recover or no_backup) else phrase
        _print_key(info, output, mnemonic=show)


@keys_group.command("list")
@click.option("-n", "--list-names", is_flag=True, help="list names only")
@keyring_options
def list_cmd(
    list_names: bool, home: str, keyring_backend: str, keyring_dir: str | None, output: str
) -> None:
    """List all keys."""
    with _user_errors():
        infos = _open(home, keyring_backend, keyring_dir, _Input()).list()
        if list_names:
            if output == "json":
                _emit_json([i.name for i in infos])
            else:
                for i in infos:
                    click.echo(i.name)
        elif output == "json":
            _emit_json([i.output() for i in infos])
        elif not infos:
            click.echo("No records were found in keyring", err=True)
        else:
            click.echo(_yaml_records([i.output() for i in infos]))


@keys_group.command("show")
@click.argument("name_or_address")
@click.option("-a", "--address", "address_only", is_flag=True, help="print the address only")
@click.option("-p", "--pubkey", "pubkey_only", is_flag=True, help="print the public key only")
@click.option(
    "--bech",
    type=click.Choice(["acc", "val", "cons"]),
    default="acc",
    show_default=True,
    help="address prefix: acc (zen), val (zenvaloper), cons (zenvalcons)",
)
@keyring_options
def show_cmd(
    name_or_address: str,
    address_only: bool,
    pubkey_only: bool,
    bech: str,
    home: str,
    keyring_backend: str,
    keyring_dir: str | None,
    output: str,
) -> None:
    """Show a key by name or address."""
    if address_only and pubkey_only:
        fail("-a/--address and -p/--pubkey cannot be used together")
    with _user_errors():
        info = _open(home, keyring_backend, keyring_dir, _Input()).get(name_or_address)
        if address_only:
            click.echo(info.bech(bech))
        elif pubkey_only:
            click.echo(info.pubkey_json)
        else:
            _print_key(info, output, bech)


@keys_group.command("delete")
@click.argument("names", nargs=-1, required=True)
@click.option("-y", "--yes", is_flag=True, help="skip the confirmation")
@keyring_options
def delete_cmd(
    names: tuple[str, ...],
    yes: bool,
    home: str,
    keyring_backend: str,
    keyring_dir: str | None,
    output: str,
) -> None:
    """Delete keys (for good: keep the mnemonic or an export)."""
    inp = _Input()
    with _user_errors():
        kr = _open(home, keyring_backend, keyring_dir, inp)
        for name in names:
            kr.get(name)  # not found -> error before asking anything
            if not yes and not inp.confirm("Key reference will be deleted. Continue?"):
                fail("aborted: key not deleted (pass -y to skip the confirmation)")
            kr.delete(name)
            click.echo("Key deleted forever (uh oh!)", err=True)


@keys_group.command("rename")
@click.argument("old")
@click.argument("new")
@click.option("-y", "--yes", is_flag=True, help="skip the confirmation")
@keyring_options
def rename_cmd(
    old: str,
    new: str,
    yes: bool,
    home: str,
    keyring_backend: str,
    keyring_dir: str | None,
    output: str,
) -> None:
    """Rename a key."""
    inp = _Input()
    with _user_errors():
        kr = _open(home, keyring_backend, keyring_dir, inp)
        kr.get(old)
        prompt = f"Key reference will be renamed from {old} to {new}. Continue?"
        if not yes and not inp.confirm(prompt):
            fail("aborted: key not renamed (pass -y to skip the confirmation)")
        kr.rename(old, new)
        click.echo(f"Key was successfully renamed from {old} to {new}", err=True)


@keys_group.command("export")
@click.argument("name")
@click.option("--unarmored-hex", is_flag=True, help="export the raw private key as hex")
@click.option("--unsafe", is_flag=True, help="required with --unarmored-hex")
@click.option("-y", "--yes", is_flag=True, help="skip the --unarmored-hex confirmation")
@keyring_options
def export_cmd(
    name: str,
    unarmored_hex: bool,
    unsafe: bool,
    yes: bool,
    home: str,
    keyring_backend: str,
    keyring_dir: str | None,
    output: str,
) -> None:
    """Export a private key, armored and encrypted with a passphrase (format: see docs)."""
    inp = _Input()
    with _user_errors():
        kr = _open(home, keyring_backend, keyring_dir, inp)
        kr.get(name)
        if unarmored_hex or unsafe:
            if not (unarmored_hex and unsafe):
                fail("--unarmored-hex and --unsafe must be used together")
            warning = (
                "WARNING: The private key will be exported as an unarmored hexadecimal "
                "string. USE AT YOUR OWN RISK. Continue?"
            )
            if not yes and not inp.confirm(warning):
                fail("aborted: nothing exported")
            click.echo(kr.private_key(name).hex())
            return
        passphrase = inp.line("Enter passphrase to encrypt the exported key:", hide=True)
        if inp.tty and inp.line("Re-enter the passphrase:", hide=True) != passphrase:
            fail("passphrases do not match")
        if len(passphrase) < MIN_EXPORT_PASSPHRASE:
            fail(f"the passphrase must be at least {MIN_EXPORT_PASSPHRASE} characters")
        click.echo(armor.encrypt_armor(kr.private_key(name), passphrase), nl=False)


@keys_group.command("import")
@click.argument("name")
@click.argument("keyfile", type=click.Path(dir_okay=False))
@click.option("--overwrite", is_flag=True, help="replace an existing key with this name")
@keyring_options
def import_cmd(
    name: str,
    keyfile: str,
    overwrite: bool,
    home: str,
    keyring_backend: str,
    keyring_dir: str | None,
    output: str,
) -> None:
    """Import an armored private key (ours, or the Cosmos SDK's) from KEYFILE as NAME."""
    inp = _Input()
    with _user_errors():
        kr = _open(home, keyring_backend, keyring_dir, inp)
        if kr.has(name) and not overwrite:
            fail(f"key {name!r} already exists (pass --overwrite to replace it)")
        text = Path(keyfile).read_text()
        passphrase = inp.line("Enter passphrase to decrypt your key:", hide=True)
        secret = armor.decrypt_armor(text, passphrase)
        kr.unlock()
        info = kr.import_private_key(name, secret, overwrite=overwrite)
        if output == "json":
            _emit_json(info.output())
        else:
            click.echo(f"Key {name!r} imported: {info.address}", err=True)


@keys_group.command("import-hex")
@click.argument("name")
@click.argument("hex_key", metavar="HEX")
@click.option(
    "--key-type", type=click.Choice([keys.KEY_TYPE]), default=keys.KEY_TYPE, show_default=True
)
@click.option("--overwrite", is_flag=True, help="replace an existing key with this name")
@keyring_options
def import_hex_cmd(
    name: str,
    hex_key: str,
    key_type: str,
    overwrite: bool,
    home: str,
    keyring_backend: str,
    keyring_dir: str | None,
    output: str,
) -> None:
    """Import a raw hex private key as NAME."""
    inp = _Input()
    with _user_errors():
        kr = _open(home, keyring_backend, keyring_dir, inp)
        if kr.has(name) and not overwrite:
            fail(f"key {name!r} already exists (pass --overwrite to replace it)")
        secret = keys.PrivateKey.from_hex(hex_key).secret
        kr.unlock()
        info = kr.import_private_key(name, secret, overwrite=overwrite)
        if output == "json":
            _emit_json(info.output())
        else:
            click.echo(f"Key {name!r} imported: {info.address}", err=True)


# The SDK's keyring flags are persistent on the whole group; accept (and ignore) them here too.


@keys_group.command("mnemonic")
@keyring_options
def mnemonic_cmd(**_common: Any) -> None:
    """Print a new 24-word BIP39 mnemonic (nothing is stored)."""
    click.echo(keys.generate_mnemonic(24))


@keys_group.command("list-key-types")
@keyring_options
def list_key_types_cmd(**_common: Any) -> None:
    """List the supported key algorithms."""
    click.echo(keys.KEY_TYPE)


@keys_group.command("parse")
@click.argument("address")
@keyring_options
def parse_cmd(address: str, output: str, **_common: Any) -> None:
    """Convert an address between hex bytes and its bech32 forms."""
    with _user_errors():
        if re.fullmatch(r"(0x)?[0-9a-fA-F]+", address):
            raw = bytes.fromhex(address.removeprefix("0x"))
            hrps = (
                keys.ACCOUNT_HRP,
                keys.ACCOUNT_PUB_HRP,
                keys.VALOPER_HRP,
                keys.VALOPER_HRP + "pub",
                keys.VALCONS_HRP,
                keys.VALCONS_HRP + "pub",
            )
            formats = [keys.bech32_encode(h, raw) for h in hrps]
            if output == "json":
                _emit_json({"formats": formats})
            else:
                click.echo("formats:\n" + "\n".join(f"- {f}" for f in formats))
            return
        hrp, raw = keys.bech32_decode(address)
        if output == "json":
            _emit_json({"human": hrp, "bytes": raw.hex().upper()})
        else:
            click.echo(f"human: {hrp}\nbytes: {raw.hex().upper()}")


if __name__ == "__main__":
    keys_group(prog_name="zrchaind keys")
