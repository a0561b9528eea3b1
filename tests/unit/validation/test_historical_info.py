"""x/validation's HistoricalInfo as zrChain's keeper keeps it: at each begin block the
block's header (as the SDK v0.50 builds it in FinalizeBlock) and the last bonded set,
sorted as CometBFT sorts validators (power descending, then consensus address), pruned to
the last ``historical_entries`` heights; served at ``/cosmos/staking/v1beta1/
historical_info/{height}`` and by ``q validation historical-info <height>``."""

from __future__ import annotations

from typing import Any

import pytest
from click.testing import CliRunner
from google.protobuf.timestamp_pb2 import Timestamp
from staking_helpers import (
    FUNDS,
    STAKE,
    VQ,
    _params,
    cons_addr,
    cons_key,
    create_validator,
    ok,
)

from zrchain.abci import types as abci
from zrchain.codec.gen.zrchain.validation import query_pb2 as vq
from zrchain.testing.inproc import Chain, make_chain

ENTRIES = 3


@pytest.fixture
def chain(tmp_path):  # type: ignore[no-untyped-def]
    def app_state(state: dict[str, Any]) -> None:
        _params(state)
        state["validation"]["params"]["historical_entries"] = ENTRIES

    c = make_chain(tmp_path, dict.fromkeys(("alice", "bob", "carol"), FUNDS), app_state=app_state)
    yield c
    c.app.close()


def _hist(chain: Chain, height: int) -> Any:
    return chain.q(
        VQ + "HistoricalInfo",
        vq.QueryHistoricalInfoRequest(height=height),
        vq.QueryHistoricalInfoResponse,
    ).hist


def test_each_block_records_its_header_and_the_bonded_set_by_power(chain) -> None:
    alice, bob = chain.wallets["alice"], chain.wallets["bob"]
    ok(chain.run(alice, [create_validator(alice, cons_key(0))], fee="40000urock"))
    ok(chain.run(bob, [create_validator(bob, cons_key(1), amount=3 * STAKE)], fee="40000urock"))
    prev = chain.block([])  # the set bonded at the end of bob's block is "last" from here
    proposer = cons_addr(cons_key(1))
    chain.height += 1
    chain.time_s += 1
    req = abci.RequestFinalizeBlock(
        height=chain.height, proposer_address=proposer, next_validators_hash=b"\x07" * 32
    )
    req.time.CopyFrom(Timestamp(seconds=chain.time_s))
    chain.app.finalize_block(req)
    chain.app.commit(abci.RequestCommit())
    h = _hist(chain, chain.height)
    assert (h.header.chain_id, h.header.height, h.header.time.seconds) == (
        chain.chain_id,
        chain.height,
        chain.time_s,
    )
    assert bytes(h.header.proposer_address) == proposer
    assert bytes(h.header.next_validators_hash) == b"\x07" * 32
    assert bytes(h.header.app_hash) == bytes(prev.app_hash)  # the last committed app hash
    assert [v.operator_address for v in h.valset] == [
        create_validator(bob, cons_key(1)).validator_address,  # 30 power first
        create_validator(alice, cons_key(0)).validator_address,
    ]
    assert [int(v.tokensNative) for v in h.valset] == [3 * STAKE, STAKE]


def test_only_the_last_historical_entries_are_kept(chain) -> None:
    alice = chain.wallets["alice"]
    ok(chain.run(alice, [create_validator(alice, cons_key(0))], fee="40000urock"))
    chain.blocks(5)
    top = chain.height
    for h in range(top - ENTRIES + 1, top + 1):
        assert _hist(chain, h).header.height == h
    for h in (top - ENTRIES, top - ENTRIES - 1, 1):
        res = chain.query_raw(VQ + "HistoricalInfo", vq.QueryHistoricalInfoRequest(height=h))
        assert res.code != 0 and f"historical info for height {h} not found" in res.log
    res = chain.query_raw(VQ + "HistoricalInfo", vq.QueryHistoricalInfoRequest(height=-1))
    assert res.code != 0 and "height cannot be negative" in res.log


def test_the_cli_asks_for_a_height(monkeypatch) -> None:
    from zrchain.cli.main import cli
    from zrchain.x.validation import cli as validation_cli

    sent: list[object] = []
    monkeypatch.setattr(
        validation_cli, "run_query", lambda node, req, output, height: sent.append(req)
    )
    res = CliRunner().invoke(cli, ["q", "validation", "historical-info", "12"])
    assert res.exit_code == 0, res.output
    assert sent == [vq.QueryHistoricalInfoRequest(height=12)]
    res = CliRunner().invoke(cli, ["q", "validation", "historical-info", "-3"])
    assert res.exit_code != 0
    assert sent == [vq.QueryHistoricalInfoRequest(height=12)]
