"""cosmos.consensus.v1.Msg/UpdateParams: a gov proposal sets vote_extensions_enable_height (and
the rest) within CometBFT v0.38's ValidateUpdate rules; FinalizeBlock returns the update."""

from __future__ import annotations

from typing import Any

import pytest
from cosmpy.protos.cosmos.consensus.v1 import tx_pb2
from cosmpy.protos.cosmos.gov.v1 import gov_pb2
from cosmpy.protos.tendermint.types import params_pb2
from google.protobuf.duration_pb2 import Duration
from gov_helpers import gov_chain, pass_proposal, proposal

from zrchain.errors import ChainError
from zrchain.testing.inproc import Chain
from zrchain.testing.state import assert_unchanged, snapshot_app
from zrchain.x.consensus.module import check_enable_height
from zrchain.x.gov.types import GOV_AUTHORITY


@pytest.mark.parametrize(
    "old, new, height, ok",
    [
        (0, 0, 5, True),  # 3: stays off
        (7, 7, 9, True),  # 4: unchanged
        (7, 0, 9, False),  # 5: cannot be disabled once enabled
        (10, 0, 9, True),  # 6: a future enable height withdrawn
        (0, 9, 9, False),  # 7: not at the current height
        (0, 3, 9, False),  # 7: not in the past
        (0, 10, 9, True),  # 8: enabled from the next height
        (7, 12, 9, False),  # 9: cannot be moved once reached
        (11, 12, 9, True),  # 10: a future height moved
    ],
)
def test_enable_height_rules_are_cometbfts(old: int, new: int, height: int, ok: bool) -> None:
    if ok:
        check_enable_height(old, new, height)
    else:
        with pytest.raises(ChainError):
            check_enable_height(old, new, height)


def msg(authority: str, enable: int, max_bytes: int = 22020096) -> tx_pb2.MsgUpdateParams:
    return tx_pb2.MsgUpdateParams(
        authority=authority,
        block=params_pb2.BlockParams(max_bytes=max_bytes, max_gas=-1),
        evidence=params_pb2.EvidenceParams(
            max_age_num_blocks=100000, max_age_duration=Duration(seconds=172800), max_bytes=1000
        ),
        validator=params_pb2.ValidatorParams(pub_key_types=["ed25519"]),
        abci=params_pb2.ABCIParams(vote_extensions_enable_height=enable),
    )


@pytest.fixture
def chain(tmp_path: Any) -> Chain:
    return gov_chain(tmp_path / "app")


def test_a_gov_proposal_enables_vote_extensions_from_a_future_height(chain: Chain) -> None:
    target = chain.height + 10  # after the voting period's blocks
    pid, res = pass_proposal(chain, [msg(GOV_AUTHORITY, target)])
    assert proposal(chain, pid).status == gov_pb2.PROPOSAL_STATUS_PASSED
    assert res.consensus_param_updates.abci.vote_extensions_enable_height == target
    assert chain.app.vote_extensions_enable_height == target
    assert chain.blocks(1)[0].HasField("consensus_param_updates") is False


def test_a_proposal_enabling_them_in_the_past_fails_and_changes_nothing(chain: Chain) -> None:
    pid, res = pass_proposal(chain, [msg(GOV_AUTHORITY, 1)])
    p = proposal(chain, pid)
    assert p.status == gov_pb2.PROPOSAL_STATUS_FAILED and "past height" in p.failed_reason
    assert not res.HasField("consensus_param_updates")
    assert chain.app.vote_extensions_enable_height == 0


@pytest.mark.parametrize(
    "who, enable, max_bytes, error, charged",
    [
        ("eve", 100, 22020096, "invalid authority", True),
        ("alice", 100, 22020096, "invalid authority", True),  # a validator is not gov
        ("eve", 100, 0, "MaxBytes", False),  # stateless: refused before any fee
    ],
)
def test_refused_updates_change_nothing(
    chain: Chain, who: str, enable: int, max_bytes: int, error: str, charged: bool
) -> None:
    w = chain.wallets[who]
    before = snapshot_app(chain.app)
    res = chain.run(w, [msg(w.address, enable, max_bytes)], fee="40000urock")
    assert res.code != 0 and error in res.log
    if charged:
        assert_unchanged(before, snapshot_app(chain.app), w.address, "40000urock", [w.address])
    else:
        assert_unchanged(before, snapshot_app(chain.app))
    assert chain.app.vote_extensions_enable_height == 0
