"""Params change by gov proposal: these tests reuse the gov chain helpers of tests/unit/gov
(and the staking helpers they build on); the simple-tx tests the treasury fixture chain."""

import sys
from pathlib import Path

for _d in ("validation", "gov", "treasury"):
    sys.path.insert(0, str(Path(__file__).parents[1] / _d))
