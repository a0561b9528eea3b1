"""The injection tx's result (the block's first, attestation's ingestion) honours app.toml's
index-events as every other tx result does."""

from __future__ import annotations

from typing import Any

import pytest

from tests.unit.attest.helpers import Validator, ext, finalize, key_item
from zrchain.testing.inproc import make_chain
from zrchain.x.attest.codec import Injection

VALS = [Validator(i + 1) for i in range(4)]


@pytest.mark.parametrize("index_events", [(), ("nothing.emitted",)], ids=["all", "none named"])
def test_injection_result_marks_follow_index_events(tmp_path: Any, index_events) -> None:
    def state(doc: dict[str, Any]) -> None:
        doc["attest"] = {"params": {"enabled": True, "max_defer_blocks": "10"}}

    chain = make_chain(tmp_path / "app", {"x": "1urock"}, app_state=state,
                       vote_extensions_enable_height=1, index_events=index_events)  # fmt: skip
    try:
        a = key_item(3)
        votes = tuple(v.sign("zenrock", chain.height, 0, ext(a).encode()) for v in VALS)
        res = finalize(chain, VALS, [Injection(0, votes, (a,)).encode()]).tx_results[0]
        assert res.code == 0 and res.events
        marks = {attr.index for e in res.events for attr in e.attributes}
        assert marks == ({True} if not index_events else {False})
    finally:
        chain.app.close()
