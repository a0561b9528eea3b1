"""The committed artifact is exactly what the pinned solc-js builds from contracts/ZrSign.sol."""

from __future__ import annotations

import hashlib
import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[3]
BUILD = ROOT / "contracts" / "build.py"
SOLCJS = ROOT / "node_modules" / ".bin" / "solcjs"


def _build_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("zrsign_contract_build", BUILD)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_artifact_matches_source() -> None:
    """Cheap check without a compiler: the artifact was built from the committed source."""
    artifact = json.loads((ROOT / "contracts" / "artifacts" / "ZrSign.json").read_text())
    source = (ROOT / "contracts" / "ZrSign.sol").read_bytes()
    assert artifact["sourceSha256"] == hashlib.sha256(source).hexdigest(), (
        "contracts/ZrSign.sol changed: run .venv/bin/python contracts/build.py"
    )
    assert artifact["compiler"]["version"].startswith("0.8.19+commit.7dd6d404")
    assert artifact["compiler"]["settings"]["optimizer"] == {"enabled": True, "runs": 200}


@pytest.mark.usefixtures("needs_solcjs")
def test_rebuild_reproduces_committed_artifact() -> None:
    build = _build_module()
    committed_text = build.ARTIFACT.read_text()
    rebuilt_text = build.build()
    committed, rebuilt = json.loads(committed_text), json.loads(rebuilt_text)
    assert rebuilt["abi"] == committed["abi"]
    assert rebuilt["bytecode"] == committed["bytecode"]
    assert rebuilt["deployedBytecode"] == committed["deployedBytecode"]
    assert rebuilt["compiler"] == committed["compiler"]
    assert rebuilt_text == committed_text  # byte-for-byte, so the build is deterministic
    assert build.build() == rebuilt_text  # and stable across runs
