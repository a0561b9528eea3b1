"""The switch at run time: the authority turns attestation on with zrchain.attest
MsgUpdateParams; from then on a zr_sign_address tx is refused. Anyone else is refused and
changes nothing."""

from __future__ import annotations

from typing import Any

import coincurve
import pytest

from zrchain.codec.gen.zrchain.attest import attest_pb2 as pb
from zrchain.codec.gen.zrchain.treasury import tx_pb2
from zrchain.testing.inproc import Chain, Wallet, make_chain
from zrchain.testing.state import assert_unchanged, snapshot_app

OWNER = "0xbe27E519A220D4336A5F9d08C7fa542175E30dA0"


@pytest.fixture
def chain(tmp_path: Any) -> Chain:
    gov, relayer = (Wallet(coincurve.PrivateKey(bytes([i]) * 32)) for i in (1, 2))

    def state(doc: dict[str, Any]) -> None:
        doc["attest"] = {"params": {"authority": gov.address}}
        doc["treasury"]["params"]["zr_sign_address"] = relayer.address

    return make_chain(
        tmp_path / "app",
        {"gov": "1000000urock", "relayer": "1000000urock", "eve": "1000000urock"},
        app_state=state,
    )


def key_request(chain: Chain) -> Any:
    relayer = chain.wallets["relayer"]
    msg = tx_pb2.MsgNewKeyRequest(
        creator=relayer.address, ext_requester=OWNER, ext_key_type=60, index=0
    )
    return chain.run(relayer, [msg], fee="40000urock")


def test_authority_turns_attestation_on_and_relayer_txs_are_refused(chain: Chain) -> None:
    assert "attestation" not in key_request(chain).log  # off: the relayer path
    gov = chain.wallets["gov"]
    params = pb.Params(enabled=True, max_defer_blocks=50, authority=gov.address)
    res = chain.run(
        gov, [pb.MsgUpdateParams(authority=gov.address, params=params)], fee="40000urock"
    )
    assert res.code == 0, res.log
    got = chain.q("/zrchain.attest.Query/Params", pb.QueryParamsRequest(), pb.QueryParamsResponse)
    assert got.params == params
    refused = key_request(chain)
    assert refused.code != 0 and "attestation" in refused.log


def test_a_stranger_cannot_switch(chain: Chain) -> None:
    eve = chain.wallets["eve"]
    before = snapshot_app(chain.app)
    msg = pb.MsgUpdateParams(authority=eve.address, params=pb.Params(enabled=True))
    res = chain.run(eve, [msg], fee="40000urock")
    assert res.code != 0 and "invalid authority" in res.log
    assert_unchanged(before, snapshot_app(chain.app), eve.address, "40000urock", [eve.address])
