"""The example, as its README says to run it (examples/dex_aggregator/run.py): a real node,
keeper, bridge and three anvils; the swap on C executes only after the second approval."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.node, pytest.mark.evm, pytest.mark.usefixtures("needs_anvil")]

ROOT = Path(__file__).resolve().parents[2]


def test_dex_aggregator_example_runs_to_the_swap() -> None:
    run = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "dex_aggregator" / "run.py")],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    lines = run.stdout.strip().splitlines()
    assert lines[-1].startswith("swap executed on C"), lines[-1]
    pending = next(i for i, line in enumerate(lines) if "is pending as policy action" in line)
    first = next(i for i, line in enumerate(lines) if "approver 1 approved on A" in line)
    second = next(i for i, line in enumerate(lines) if "approver 2 approved gaslessly" in line)
    before = next(line for line in lines if "before:" in line)
    after = next(line for line in lines if "after:" in line)
    assert pending < first < second
    assert "still ACTION_STATUS_PENDING" in lines[first]
    assert "ACTION_STATUS_COMPLETED" in lines[second]
    assert "0.0000 TKB" in before and "0.0000 TKB" not in after
