"""An in-process chain over real LevelDB, fed signed txs (for pipeline unit tests).

The chain itself lives in ``zrchain.testing.inproc`` (shared with other test folders).
"""

from __future__ import annotations

import pytest

from zrchain.testing.inproc import Chain, Wallet, make_chain

__all__ = ["Chain", "Wallet", "make_chain"]


@pytest.fixture
def chain(tmp_path) -> Chain:
    c = make_chain(tmp_path / "db", {"alice": "1000000000urock", "bob": "5000urock", "carol": ""})
    yield c
    c.app.close()
