"""``zrchaind keys`` run as a user would: a subprocess, stdin for secrets, stdout parsed."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from cosmpy.aerial.wallet import LocalWallet
from cosmpy.mnemonic import derive_child_key_from_mnemonic

from zrchain.crypto import keys

ALICE = (
    "strategy social surge orange pioneer tiger skill endless lend slide one jazz pipe expose "
    "detect soup fork cube trigger frown stick wreck ring tissue"
)
ALICE_ADDRESS = "zen13y3tm68gmu9kntcxwvmue82p6akacnpt2v7nty"
PUBKEY_TYPE = "/cosmos.crypto.secp256k1.PubKey"


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> object:
        return json.loads(self.out)


@pytest.fixture
def keys_cli(tmp_path: Path):
    """Run ``keys ...`` with an isolated HOME and --home; stdin is a pipe (non-interactive)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZRCHAIN_")}
    env["HOME"] = str(tmp_path / "user")

    def run(
        *args: str, stdin: str = "", home: Path | None = None, extra_env: dict | None = None
    ) -> Result:
        cmd = [sys.executable, "-m", "zrchain", "keys", *args]
        cmd += ["--home", str(home or tmp_path / "home")]
        proc = subprocess.run(
            cmd,
            input=stdin,
            capture_output=True,
            text=True,
            env={**env, **(extra_env or {})},
            timeout=60,
        )
        assert "Traceback" not in proc.stderr, proc.stderr
        return Result(proc.returncode, proc.stdout, proc.stderr)

    return run


def ok(r: Result) -> Result:
    assert r.code == 0, r.err
    return r


def failed(r: Result, needle: str) -> Result:
    assert r.code != 0
    assert r.err.startswith("Error: "), r.err
    assert needle in r.err, r.err
    return r


def test_recover_alice_matches_zrchain_and_cosmpy(keys_cli) -> None:
    r = ok(keys_cli("add", "alice", "--recover", stdin=ALICE + "\n"))
    assert f"- address: {ALICE_ADDRESS}" in r.out
    assert "  name: alice" in r.out and "  type: local" in r.out
    assert "tissue" not in r.out + r.err  # a recovered mnemonic is not echoed
    assert LocalWallet.from_mnemonic(ALICE, prefix="zen").address() == ALICE_ADDRESS
    assert ok(keys_cli("show", "alice", "-a")).out.strip() == ALICE_ADDRESS


def test_add_json_then_recover_elsewhere(keys_cli, tmp_path: Path) -> None:
    created = ok(keys_cli("add", "bob", "-o", "json")).json()
    assert isinstance(created, dict)
    assert set(created) == {"name", "type", "address", "pubkey", "mnemonic"}
    assert created["name"] == "bob" and created["type"] == "local"
    pub = json.loads(created["pubkey"])
    assert pub["@type"] == PUBKEY_TYPE
    mnemonic = created["mnemonic"]
    assert len(mnemonic.split()) == 24
    assert created["address"] == LocalWallet.from_mnemonic(mnemonic, prefix="zen").address()

    other = tmp_path / "other"
    again = ok(keys_cli("add", "b2", "--recover", "-o", "json", stdin=mnemonic, home=other))
    recovered = again.json()
    assert recovered["address"] == created["address"]
    assert recovered["pubkey"] == created["pubkey"]
    assert "mnemonic" not in recovered


def test_text_add_prints_mnemonic_on_stderr_unless_no_backup(keys_cli) -> None:
    r = ok(keys_cli("add", "carol"))
    assert "**Important** write this mnemonic phrase" in r.err
    words = r.err.strip().splitlines()[-1].split()
    assert len(words) == 24
    address = r.out.split("address: ")[1].split()[0]
    assert address == LocalWallet.from_mnemonic(" ".join(words), prefix="zen").address()
    quiet = ok(keys_cli("add", "dave", "--no-backup"))
    assert "Important" not in quiet.err and "- address: zen1" in quiet.out


def test_account_and_index_flags(keys_cli) -> None:
    r = ok(keys_cli("add", "a", "--recover", "--account", "1", "--index", "2", stdin=ALICE))
    secret = derive_child_key_from_mnemonic(ALICE, path="m/44'/118'/1'/0/2")
    assert f"address: {keys.PrivateKey(secret).address()}" in r.out
    assert ALICE_ADDRESS not in r.out


def test_list_show_delete(keys_cli) -> None:
    assert ok(keys_cli("list", "-o", "json")).json() == []
    assert "No records were found in keyring" in ok(keys_cli("list")).err
    ok(keys_cli("add", "alice", "--recover", stdin=ALICE))
    ok(keys_cli("add", "bob", "--no-backup"))

    listed = ok(keys_cli("list", "-o", "json")).json()
    assert [k["name"] for k in listed] == ["alice", "bob"]
    assert all(set(k) == {"name", "type", "address", "pubkey"} for k in listed)
    assert listed[0]["address"] == ALICE_ADDRESS
    assert ok(keys_cli("list", "-n")).out.split() == ["alice", "bob"]

    shown = ok(keys_cli("show", ALICE_ADDRESS, "-o", "json")).json()
    assert shown == listed[0]
    val = ok(keys_cli("show", "alice", "--bech", "val", "-a")).out.strip()
    assert val.startswith("zenvaloper1")
    assert keys.bech32_decode(val)[1] == keys.bech32_decode(ALICE_ADDRESS)[1]
    assert json.loads(ok(keys_cli("show", "alice", "-p")).out)["@type"] == PUBKEY_TYPE
    failed(keys_cli("show", "alice", "-a", "-p"), "cannot be used together")

    failed(keys_cli("delete", "alice"), "aborted")  # no confirmation on stdin
    ok(keys_cli("delete", "alice", stdin="y\n"))
    failed(keys_cli("show", "alice"), "not found")
    ok(keys_cli("delete", "bob", "-y"))
    assert ok(keys_cli("list", "-o", "json")).json() == []
    failed(keys_cli("delete", "nobody", "-y"), "not found")


def test_rename(keys_cli) -> None:
    ok(keys_cli("add", "alice", "--recover", stdin=ALICE))
    ok(keys_cli("rename", "alice", "zoe", "-y"))
    assert ok(keys_cli("show", "zoe", "-a")).out.strip() == ALICE_ADDRESS
    failed(keys_cli("show", "alice"), "not found")


def test_export_import_round_trip(keys_cli, tmp_path: Path) -> None:
    ok(keys_cli("add", "alice", "--recover", stdin=ALICE))
    armored = ok(keys_cli("export", "alice", stdin="export-pass\n")).out
    assert armored.startswith("-----BEGIN ZRCHAIN PRIVATE KEY-----")
    keyfile = tmp_path / "alice.armor"
    keyfile.write_text(armored)

    other = tmp_path / "other"
    failed(keys_cli("import", "a", str(keyfile), stdin="bad-pass!\n", home=other), "incorrect")
    ok(keys_cli("import", "a", str(keyfile), stdin="export-pass\n", home=other))
    assert ok(keys_cli("show", "a", "-a", home=other)).out.strip() == ALICE_ADDRESS

    hexkey = ok(keys_cli("export", "a", "--unarmored-hex", "--unsafe", "-y", home=other)).out
    assert hexkey.strip() == derive_child_key_from_mnemonic(ALICE).hex()
    failed(keys_cli("export", "a", "--unarmored-hex", home=other), "must be used together")
    failed(keys_cli("export", "a", "--unarmored-hex", "--unsafe", home=other), "aborted")
    failed(keys_cli("export", "alice", stdin="short\n"), "at least 8")


def test_import_hex(keys_cli) -> None:
    secret = derive_child_key_from_mnemonic(ALICE)
    r = ok(keys_cli("import-hex", "h", secret.hex(), "-o", "json"))
    assert r.json()["address"] == ALICE_ADDRESS
    failed(keys_cli("import-hex", "h2", "zz"), "hex")
    failed(keys_cli("import-hex", "h2", "00" * 32), "out of range")
    failed(keys_cli("import-hex", "h", secret.hex()), "already exists")


def test_user_errors_are_clean(keys_cli) -> None:
    ok(keys_cli("add", "alice", "--recover", stdin=ALICE))
    failed(keys_cli("add", "alice", "--no-backup"), "already exists")
    failed(keys_cli("add", "x", "--recover", stdin="not a mnemonic\n"), "invalid mnemonic")
    bad_checksum = ALICE.rsplit(" ", 1)[0] + " ring"
    r = failed(keys_cli("add", "x", "--recover", stdin=bad_checksum), "checksum")
    assert "strategy" not in r.err
    failed(keys_cli("add", "x", "--recover"), "expected input on stdin")
    failed(keys_cli("add", "bad/name", "--no-backup"), "invalid key name")
    failed(keys_cli("add", "x", "--recover", "--hd-path", "m/44'/x", stdin=ALICE), "HD path")
    r = keys_cli("add", "x", "--keyring-backend", "os")
    assert r.code == 2 and "Invalid value for '--keyring-backend'" in r.err


def test_file_backend(keys_cli, tmp_path: Path) -> None:
    home = tmp_path / "fhome"
    # A new keyring passphrase is read twice from stdin, then the mnemonic (SDK order).
    r = ok(
        keys_cli(
            "add",
            "alice",
            "--recover",
            "--keyring-backend",
            "file",
            stdin=f"keyring-pass\nkeyring-pass\n{ALICE}\n",
            home=home,
        )
    )
    assert ALICE_ADDRESS in r.out
    kdir = home / "keyring-file"
    assert stat.S_IMODE(kdir.stat().st_mode) == 0o700
    for f in kdir.iterdir():
        assert stat.S_IMODE(f.stat().st_mode) == 0o600
    assert derive_child_key_from_mnemonic(ALICE).hex() not in (kdir / "alice.json").read_text()

    # Listing needs no passphrase; secrets do.
    listed = ok(keys_cli("list", "--keyring-backend", "file", "-o", "json", home=home)).json()
    assert listed[0]["address"] == ALICE_ADDRESS
    export = ("export", "alice", "--unarmored-hex", "--unsafe", "-y", "--keyring-backend", "file")
    failed(keys_cli(*export, stdin="wrong-pass\n", home=home), "incorrect keyring passphrase")
    good = ok(keys_cli(*export, stdin="keyring-pass\n", home=home))
    assert good.out.strip() == derive_child_key_from_mnemonic(ALICE).hex()
    env = {"ZRCHAIN_KEYRING_PASSPHRASE": "keyring-pass"}
    ok(keys_cli("add", "bob", "--keyring-backend", "file", home=home, extra_env=env))
    env_bad = {"ZRCHAIN_KEYRING_PASSPHRASE": "nope-nope"}
    failed(
        keys_cli("add", "eve", "--keyring-backend", "file", home=home, extra_env=env_bad),
        "incorrect keyring passphrase",
    )
    names = ok(keys_cli("list", "-n", "--keyring-backend", "file", home=home)).out.split()
    assert names == ["alice", "bob"]
    # The test backend is a different keyring.
    assert ok(keys_cli("list", "-o", "json", home=home)).json() == []


def test_keyring_dir_and_memory_backend(keys_cli, tmp_path: Path) -> None:
    kdir = tmp_path / "kdir"
    ok(keys_cli("add", "alice", "--recover", "--keyring-dir", str(kdir), stdin=ALICE))
    assert (kdir / "keyring-test" / "alice.json").exists()
    assert ok(keys_cli("list", "-o", "json")).json() == []
    shown = ok(keys_cli("show", "alice", "-a", "--keyring-dir", str(kdir)))
    assert shown.out.strip() == ALICE_ADDRESS
    mem = ok(keys_cli("add", "m", "--keyring-backend", "memory", "-o", "json")).json()
    assert mem["address"].startswith("zen1")
    assert ok(keys_cli("list", "--keyring-backend", "memory", "-o", "json")).json() == []


def test_mnemonic_parse_and_key_types(keys_cli) -> None:
    words = ok(keys_cli("mnemonic")).out.strip()
    assert keys.validate_mnemonic(words) == words and len(words.split()) == 24
    assert ok(keys_cli("list-key-types")).out.strip() == "secp256k1"
    raw = keys.bech32_decode(ALICE_ADDRESS)[1]
    parsed = ok(keys_cli("parse", ALICE_ADDRESS, "-o", "json")).json()
    assert parsed == {"human": "zen", "bytes": raw.hex().upper()}
    formats = ok(keys_cli("parse", raw.hex(), "-o", "json")).json()["formats"]
    assert ALICE_ADDRESS in formats
