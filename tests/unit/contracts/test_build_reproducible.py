"""Each committed artifact is exactly what the pinned solc-js builds from its source."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[3]
BUILD = ROOT / "contracts" / "build.py"


def _build_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("zrsign_contract_build", BUILD)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


BUILD_MODULE = _build_module()
TARGETS = {t.contract_name: t for t in BUILD_MODULE.TARGETS}


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_committed_artifact_matches_source(name: str) -> None:
    """Cheap check without a compiler: the artifact was built from the committed source."""
    target = TARGETS[name]
    artifact = json.loads(target.artifact.read_text())
    source = target.source.read_bytes()
    assert artifact["sourceSha256"] == hashlib.sha256(source).hexdigest(), (
        f"{target.source_name} changed: run .venv/bin/python contracts/build.py"
    )
    assert artifact["sourceName"] == target.source_name
    assert artifact["compiler"]["version"].startswith("0.8.19+commit.7dd6d404")
    assert artifact["compiler"]["settings"]["optimizer"] == {"enabled": True, "runs": 200}


@pytest.mark.usefixtures("needs_solcjs")
@pytest.mark.parametrize("name", sorted(TARGETS))
def test_rebuild_reproduces_committed_artifact(name: str) -> None:
    target = TARGETS[name]
    committed_text = target.artifact.read_text()
    rebuilt_text = BUILD_MODULE.build(target)
    committed, rebuilt = json.loads(committed_text), json.loads(rebuilt_text)
    assert rebuilt["abi"] == committed["abi"]
    assert rebuilt["bytecode"] == committed["bytecode"]
    assert rebuilt["deployedBytecode"] == committed["deployedBytecode"]
    assert rebuilt["compiler"] == committed["compiler"]
    assert rebuilt_text == committed_text  # byte-for-byte, so the build is deterministic
    assert BUILD_MODULE.build(target) == rebuilt_text  # and stable across runs
