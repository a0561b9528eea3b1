"""The benchmarks in scripts/bench still load against the code they measure: a renamed
module or keeper method broke three of them unnoticed (mypy ignores missing imports, and
nothing ran them). Loading runs each script's imports and definitions, not its main."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "scripts" / "bench"
SCRIPTS = sorted(BENCH.glob("*.py"))


def test_there_are_bench_scripts() -> None:
    assert {p.name for p in SCRIPTS} >= {"tx_inprocess.py", "network_bench.py"}


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: p.stem)
def test_the_bench_script_loads(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(BENCH))  # the scripts import their siblings
    spec = importlib.util.spec_from_file_location(f"bench_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    assert callable(getattr(module, "main", None)), f"{path.name} has no main()"
