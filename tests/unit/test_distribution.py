"""The installed distribution holds the card's top level: ``zrchain``, ``evm_bridge``,
``abci_app`` and ``genesis`` with its templates and presets (package data), so an installed
node reads the same genesis files a clone does. Built from the tracked files, as a clean
clone would build it."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    src = tmp_path_factory.mktemp("clone")
    tracked = subprocess.run(
        ["git", "ls-files", "pyproject.toml", "README.md", "abci_app.py", "zrchain",
         "evm_bridge", "genesis"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.split()
    for rel in tracked:
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, src / rel)
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(out), str(src)],
        check=True, capture_output=True, text=True,
    )
    (built,) = out.glob("zrchain-*.whl")
    return built


def test_wheel_holds_the_top_level_layout(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        "abci_app.py",
        "zrchain/app.py",
        "zrchain/daemon/logs.py",
        "evm_bridge/cli.py",
        "genesis/__init__.py",
        "genesis/template.json",
        "genesis/presets/localnet.json",
        "genesis/presets/fast.json",
    }
    assert expected <= names, sorted(expected - names)
    assert not any(n.startswith(("tests/", "scripts/")) for n in names)


def test_installed_genesis_reads_its_data_from_the_wheel(wheel: Path, tmp_path: Path) -> None:
    """Isolated from the clone (-I -S: no site-packages, no working directory)."""
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); import genesis; "
        "assert genesis.__file__.startswith(sys.argv[1]), genesis.__file__; "
        "t = genesis.template(); p = genesis.preset('fast'); "
        "print(t['consensus_params']['block']['max_bytes'], sorted(p.accounts), "
        "genesis.preset_names())"
    )
    out = subprocess.run(
        [sys.executable, "-I", "-S", "-c", code, str(wheel)],
        cwd=tmp_path, capture_output=True, text=True, check=True,
    ).stdout.strip()
    assert out == "22020096 ['alice', 'bob', 'relayer', 'validator'] ['fast', 'localnet']"
