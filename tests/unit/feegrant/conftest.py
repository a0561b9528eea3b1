"""An in-process chain for feegrant unit tests: alice (granter), bob (grantee), carol."""

from __future__ import annotations

import pytest

from zrchain.testing.inproc import Chain, make_chain


@pytest.fixture
def chain(tmp_path) -> Chain:
    c = make_chain(
        tmp_path / "db", {"alice": "1000000000urock", "bob": "1000urock", "carol": "100000000urock"}
    )
    yield c
    c.app.close()
