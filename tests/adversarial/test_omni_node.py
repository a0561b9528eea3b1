"""zrSign Omni's EIP-712 door against the real node (CometBFT + zrchaind, the session's
outsider world): forged, misdirected and expired signatures, a non-participant's approval
and an owner change signed by someone else are refused in their block; nothing but the
submitter's fee and sequence changes (whole-state snapshots at the tx's heights)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from outsider_world import CHAIN_ID, Outsider, refused_in_block

from zrchain.testing.omni import (
    APPROVERS,
    OUTSIDER_EVM,
    OWNER,
    approve_msg,
    reject_msg,
    set_key_policy_msg,
)

pytestmark = pytest.mark.node

B = APPROVERS[1]

CASES: dict[str, tuple[Callable[[str, int], Any], str]] = {
    "approval signed by another key": (
        lambda who, aid: approve_msg(who, B, 0, aid, chain_id=CHAIN_ID, signer=OUTSIDER_EVM),
        "not " + B.address.lower(),
    ),
    "approval signed for another zrChain": (
        lambda who, aid: approve_msg(who, B, 0, aid, chain_id=CHAIN_ID + "-other"),
        f"salt keccak256('{CHAIN_ID}')",
    ),
    "expired approval": (
        lambda who, aid: approve_msg(who, B, 0, aid, chain_id=CHAIN_ID, deadline=1),
        "deadline 1 is before the block time",
    ),
    "approval from a non-participant": (
        lambda who, aid: approve_msg(who, OUTSIDER_EVM, 0, aid, chain_id=CHAIN_ID),
        "is not a participant of this policy",
    ),
    "rejection from a non-participant": (
        lambda who, aid: reject_msg(who, OUTSIDER_EVM, 0, aid, chain_id=CHAIN_ID),
        "is not a participant of this policy",
    ),
    "owner change signed by someone else": (
        lambda who, aid: set_key_policy_msg(
            who, OWNER, 0, 0, chain_id=CHAIN_ID, signer=OUTSIDER_EVM
        ),
        "not " + OWNER.address.lower(),
    ),
    "owner change for an owner without zrSign keys": (
        lambda who, aid: set_key_policy_msg(who, OUTSIDER_EVM, 0, 0, chain_id=CHAIN_ID),
        "has no zrSign workspace",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_eip712_outsiders_change_nothing_on_a_real_node(chain: Outsider, case: str) -> None:
    make, text = CASES[case]
    outsider = chain["outsider"]
    msg = make(outsider.address, chain.world.pending_action_id)
    refused_in_block(chain, outsider, [msg], text)
