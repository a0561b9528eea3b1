"""The party seed file: encrypted at rest, 0600, never leaking in messages."""

from __future__ import annotations

import json
import os
import pickle
import stat

import pytest

from zrchain.crypto.encryption import ScryptParams
from zrchain.mpc import seed as s
from zrchain.mpc.derivation import seed_fingerprint

FAST = ScryptParams(n=2**10)
PASS = "correct horse battery"


def test_round_trip_mode_and_format(tmp_path) -> None:
    secret = s.generate_seed()
    path = tmp_path / "party-seed.json"
    fp = s.write_seed_file(path, secret, PASS, params=FAST)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    record = json.loads(path.read_text())
    assert record["format"] == s.FORMAT and record["fingerprint"] == fp
    assert record["sealed"]["kdf"] == "scrypt" and record["sealed"]["cipher"] == "aes-256-gcm"
    assert secret.reveal().hex() not in path.read_text()
    assert fp == seed_fingerprint(secret.reveal())
    assert s.read_seed_file(path, PASS) == secret
    assert not list(tmp_path.glob(".seed-*"))  # no temp file left behind


def test_wrong_passphrase_and_tampering(tmp_path) -> None:
    secret = s.generate_seed()
    path = tmp_path / "seed.json"
    s.write_seed_file(path, secret, PASS, params=FAST)
    with pytest.raises(s.SeedError, match="wrong passphrase") as err:
        s.read_seed_file(path, "not the passphrase")
    assert secret.reveal().hex() not in str(err.value)
    record = json.loads(path.read_text())
    record["fingerprint"] = "00" * 8  # the fingerprint is bound as associated data
    path.write_text(json.dumps(record))
    with pytest.raises(s.SeedError):
        s.read_seed_file(path, PASS)


def test_refuses_group_readable_file_and_overwrite(tmp_path) -> None:
    path = tmp_path / "seed.json"
    s.write_seed_file(path, s.generate_seed(), PASS, params=FAST)
    with pytest.raises(s.SeedError, match="already exists"):
        s.write_seed_file(path, s.generate_seed(), PASS, params=FAST)
    os.chmod(path, 0o640)
    with pytest.raises(s.SeedError, match="chmod 600"):
        s.read_seed_file(path, PASS)


def test_short_passphrase_and_missing_file(tmp_path) -> None:
    with pytest.raises(s.SeedError, match="at least"):
        s.write_seed_file(tmp_path / "x.json", s.generate_seed(), "short", params=FAST)
    with pytest.raises(s.SeedError, match="does not exist"):
        s.read_seed_file(tmp_path / "missing.json", PASS)
    (tmp_path / "junk.json").write_text("{}")
    os.chmod(tmp_path / "junk.json", 0o600)
    with pytest.raises(s.SeedError, match="not a"):
        s.read_seed_file(tmp_path / "junk.json", PASS)


def test_secret_never_prints_or_pickles() -> None:
    secret = s.Secret(b"\x11" * 32)
    assert "11" not in repr(secret) and "11" not in str(secret) and "11" not in f"{secret}"
    with pytest.raises(TypeError):
        pickle.dumps(secret)


def test_passphrase_sources(tmp_path, monkeypatch) -> None:
    f = tmp_path / "pass.txt"
    f.write_text("from-file-pass\nignored\n")
    assert s.passphrase_from(f) == "from-file-pass"
    monkeypatch.setenv(s.PASSPHRASE_ENV, "from-env-pass")
    assert s.passphrase_from(None) == "from-env-pass"
    monkeypatch.delenv(s.PASSPHRASE_ENV)
    assert s.passphrase_from(None) is None
