"""The switch at run time: a gov proposal (zrchain.attest MsgUpdateParams signed by the gov
module account) turns attestation on; from then on a zr_sign_address tx is refused. Anyone
else naming himself the authority is refused and changes nothing."""

from __future__ import annotations

from typing import Any

import coincurve
import pytest
from cosmpy.protos.cosmos.gov.v1 import gov_pb2
from gov_helpers import gov_chain, pass_proposal, proposal, submit

from zrchain.codec.gen.zrchain.attest import attest_pb2 as pb
from zrchain.codec.gen.zrchain.treasury import tx_pb2
from zrchain.testing.inproc import Chain, Wallet
from zrchain.testing.state import assert_unchanged, snapshot_app
from zrchain.x.gov.types import GOV_AUTHORITY

OWNER = "0xbe27E519A220D4336A5F9d08C7fa542175E30dA0"
RELAYER = Wallet(coincurve.PrivateKey(bytes([3]) * 32))  # gov_chain's carol


@pytest.fixture
def chain(tmp_path: Any) -> Chain:
    def state(doc: dict[str, Any]) -> None:
        doc["treasury"]["params"]["zr_sign_address"] = RELAYER.address

    c = gov_chain(tmp_path / "app", state)
    assert c.wallets["carol"].address == RELAYER.address
    return c


def relayer_key_request(chain: Chain, index: int) -> Any:
    carol = chain.wallets["carol"]
    msg = tx_pb2.MsgNewKeyRequest(
        creator=carol.address, ext_requester=OWNER, ext_key_type=60, index=index
    )
    return chain.run(carol, [msg], fee="40000urock")


def params(chain: Chain) -> pb.Params:
    return chain.q(
        "/zrchain.attest.Query/Params", pb.QueryParamsRequest(), pb.QueryParamsResponse
    ).params


def test_a_gov_proposal_turns_attestation_on_and_relayer_txs_are_refused(chain: Chain) -> None:
    # off: the relayer path (it fails later only for want of an MPC keyring here)
    assert "attestation" not in relayer_key_request(chain, 0).log
    wanted = pb.Params(enabled=True, max_defer_blocks=50)
    pid, _ = pass_proposal(chain, [pb.MsgUpdateParams(authority=GOV_AUTHORITY, params=wanted)])
    assert proposal(chain, pid).status == gov_pb2.PROPOSAL_STATUS_PASSED
    assert params(chain) == wanted
    refused = relayer_key_request(chain, 1)
    assert refused.code != 0 and "attestation" in refused.log


@pytest.mark.parametrize(
    "bad, why",
    [
        (pb.Params(enabled=True, max_defer_blocks=10**9), "max_defer_blocks above"),
        (pb.Params(enabled=True, simple_tx_call_gas=30_000_001), "simple_tx_call_gas above"),
        (pb.Params(enabled=True, simple_tx_priority_fee=10**15 + 1), "priority_fee above"),
    ],
)
def test_a_proposal_with_invalid_params_is_refused_at_submission(
    chain: Chain, bad: pb.Params, why: str
) -> None:
    alice = chain.wallets["alice"]
    before = snapshot_app(chain.app)
    res = submit(chain, alice, [pb.MsgUpdateParams(authority=GOV_AUTHORITY, params=bad)])
    assert res.code != 0 and why in res.log
    assert_unchanged(before, snapshot_app(chain.app), alice.address, "40000urock", [alice.address])
    assert params(chain).enabled is False


@pytest.mark.parametrize("who", ["eve", "alice"])  # alice is a validator: still not gov
def test_no_account_but_gov_can_switch(chain: Chain, who: str) -> None:
    w = chain.wallets[who]
    before = snapshot_app(chain.app)
    msg = pb.MsgUpdateParams(authority=w.address, params=pb.Params(enabled=True))
    res = chain.run(w, [msg], fee="40000urock")
    assert res.code != 0 and "invalid authority" in res.log
    assert (res.codespace, res.code) == ("gov", 13)
    assert_unchanged(before, snapshot_app(chain.app), w.address, "40000urock", [w.address])
