"""ExtendVote from a local view: ingested and about-to-be-ingested requests left out, the
view told what it may forget, a failing view gives an empty extension (never an error)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from tests.unit.attest.helpers import CAIP_A, Validator, ext, finalize, key_item
from zrchain.abci import types as abci
from zrchain.testing.inproc import Chain, make_chain
from zrchain.x.attest.codec import Extension, Injection, NetworkView

VALS = [Validator(i + 1) for i in range(4)]


class View:
    def __init__(self, views: Sequence[NetworkView] = (), fail: bool = False) -> None:
        self._views = list(views)
        self.fail = fail
        self.forgotten: set[bytes] = set()

    def views(self) -> Sequence[NetworkView]:
        if self.fail:
            raise ConnectionError("EVM RPC down")
        return self._views

    def forget(self, ids: set[bytes]) -> None:
        self.forgotten |= ids


@pytest.fixture
def chain(tmp_path: Any) -> Chain:
    def state(doc: dict[str, Any]) -> None:
        doc["attest"] = {"params": {"enabled": True, "max_defer_blocks": "10"}}

    return make_chain(
        tmp_path / "app",
        {"x": "1urock"},
        app_state=state,
        vote_extensions_enable_height=1,
    )


def extend(chain: Chain, txs: Sequence[bytes] = ()) -> bytes:
    req = abci.RequestExtendVote(height=chain.height + 1, txs=list(txs))
    return bytes(chain.app.extend_vote(req).vote_extension)


def test_no_view_no_extension(chain: Chain) -> None:
    assert extend(chain) == b""
    assert chain.app.attestation is not None
    chain.app.attestation.source = View(fail=True)
    assert extend(chain) == b""


def test_view_minus_ingested_and_about_to_be_ingested(chain: Chain) -> None:
    a, b, c = key_item(3), key_item(4), key_item(5)
    src = View([NetworkView(CAIP_A, 9, (a, b, c))])
    assert chain.app.attestation is not None
    chain.app.attestation.source = src
    assert Extension.decode(extend(chain)).networks[0].items == (a, b, c)
    # a is ingested in a block; b is in the block being voted on
    votes = tuple(v.sign("zenrock", chain.height, 0, ext(a).encode()) for v in VALS)
    assert finalize(chain, VALS, [Injection(0, votes, (a,)).encode()]).tx_results[0].code == 0
    pending = Injection(0, (), (b,)).encode()
    got = Extension.decode(extend(chain, [pending]))
    assert got.networks[0].items == (c,)
    assert src.forgotten == {a.id}
