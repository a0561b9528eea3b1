"""``zrchaind mpc-keeper`` commands that need no node: init, derive, status, bad configs."""

from __future__ import annotations

import json
import stat

from click.testing import CliRunner

from zrchain.chains.keys import KeyType
from zrchain.crypto.keyring import Keyring
from zrchain.mpc import config as C
from zrchain.mpc.cli import mpc_keeper_group
from zrchain.mpc.derivation import derive_key
from zrchain.mpc.seed import read_seed_file

KR = "keyring1pfnq7r04rept47gaf5cpdew2"
PASS = "seed passphrase 1"
ENV = {"ZRCHAIN_MPC_SEED_PASSPHRASE": PASS}


def _init(runner: CliRunner, home, *extra: str):  # type: ignore[no-untyped-def]
    return runner.invoke(
        mpc_keeper_group,
        [
            "init",
            "--home",
            str(home),
            "--keyring-addr",
            KR,
            "--from",
            "party",
            "--keyring-dir",
            str(home / "kr"),
            "--node",
            "tcp://127.0.0.1:1",
            *extra,
        ],
        env=ENV,
    )


def test_init_writes_config_and_private_seed(tmp_path) -> None:
    runner = CliRunner()
    res = _init(runner, tmp_path / "p1")
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    seed_path = tmp_path / "p1" / "party-seed.json"
    assert out["seed_created"] and out["seed_file"] == str(seed_path)
    assert stat.S_IMODE(seed_path.stat().st_mode) == 0o600
    cfg = C.load(tmp_path / "p1" / "mpc-keeper.toml")
    assert cfg.keyring_address == KR and cfg.party.key_name == "party"
    assert cfg.path(cfg.signer.seed_file) == seed_path
    seed = read_seed_file(seed_path, PASS)
    assert seed.reveal().hex() not in res.output
    # a second init refuses to clobber; a replicated party adopts the same seed file
    assert _init(runner, tmp_path / "p1").exit_code == 1
    res2 = _init(runner, tmp_path / "p2", "--seed-file", str(seed_path))
    assert res2.exit_code == 0, res2.output
    out2 = json.loads(res2.output)
    assert not out2["seed_created"] and out2["seed_fingerprint"] == out["seed_fingerprint"]


def test_init_with_wrong_seed_passphrase(tmp_path) -> None:
    runner = CliRunner()
    assert _init(runner, tmp_path / "p1").exit_code == 0
    res = runner.invoke(
        mpc_keeper_group,
        [
            "init",
            "--home",
            str(tmp_path / "p2"),
            "--keyring-addr",
            KR,
            "--from",
            "x",
            "--seed-file",
            str(tmp_path / "p1" / "party-seed.json"),
        ],
        env={"ZRCHAIN_MPC_SEED_PASSPHRASE": "wrong passphrase!"},
    )
    assert res.exit_code == 1 and "wrong passphrase" in res.output


def test_derive_rebuilds_keys_from_the_seed_file_alone(tmp_path) -> None:
    runner = CliRunner()
    assert _init(runner, tmp_path / "p").exit_code == 0
    seed_file = tmp_path / "p" / "party-seed.json"
    seed = read_seed_file(seed_file, PASS)
    res = runner.invoke(
        mpc_keeper_group,
        [
            "derive",
            "--seed-file",
            str(seed_file),
            "--keyring-addr",
            KR,
            "--key-type",
            "ed25519",
            "--key-id",
            "3",
            "--key-id",
            "4",
        ],
        env=ENV,
    )
    assert res.exit_code == 0, res.output
    rows = json.loads(res.output)["keys"]
    for row in rows:
        want = derive_key(seed.reveal(), KR, KeyType.KEY_TYPE_EDDSA_ED25519, row["key_id"])
        assert row["public_key"] == want.public_key.hex()
        assert row["path"].startswith("m/23122'/2'/")
    assert seed.reveal().hex() not in res.output


def test_status_without_a_node_reports_the_error(tmp_path) -> None:
    runner = CliRunner()
    assert _init(runner, tmp_path / "p").exit_code == 0
    res = runner.invoke(
        mpc_keeper_group, ["status", "--config", str(tmp_path / "p" / "mpc-keeper.toml")]
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert out["running"] is False and out["in_flight_txs"] == [] and "chain_error" in out
    assert len(out["seed_fingerprint"]) == 16


def test_start_with_a_bad_config_fails_cleanly(tmp_path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('keyring_address = "zen1nope"\n')
    res = CliRunner().invoke(mpc_keeper_group, ["start", "--config", str(bad)])
    assert res.exit_code == 1 and "keyring1" in res.output


def test_start_refuses_without_the_party_key(tmp_path) -> None:
    runner = CliRunner()
    assert _init(runner, tmp_path / "p").exit_code == 0
    Keyring(tmp_path / "p" / "kr", "test").add("someone-else")
    res = runner.invoke(
        mpc_keeper_group, ["start", "--config", str(tmp_path / "p" / "mpc-keeper.toml")], env=ENV
    )
    assert res.exit_code == 1 and "party key 'party'" in res.output
