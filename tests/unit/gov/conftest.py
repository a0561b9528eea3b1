"""The gov tests reuse the staking chain helpers of tests/unit/validation."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "validation"))
