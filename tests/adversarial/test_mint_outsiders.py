"""x/mint against an outsider on the session's real node: its only Msg (gov's
MsgUpdateParams) with a malformed authority, with malformed params, with a module account
as protocol wallet; each refusal leaves the state as it was and the params as genesis set
them. (A stranger's well-formed MsgUpdateParams is in test_outsiders' AUTHORITY_ONLY.) The
control: the mint account, unlike the other module accounts, takes transfers (zrChain funds
the staking-reward reserve this way)."""

from __future__ import annotations

import pytest
from cosmpy.protos.cosmos.bank.v1beta1 import tx_pb2 as btx
from msg_catalog import mint_params
from outsider_world import Outsider, coins, nothing_changes, refused_at_check, refused_in_block

from zrchain.codec.address import acc_string, module_address
from zrchain.codec.gen.zrchain.mint.v1beta1 import mint_pb2
from zrchain.codec.gen.zrchain.mint.v1beta1 import query_pb2 as mq
from zrchain.codec.gen.zrchain.mint.v1beta1 import tx_pb2 as mtx
from zrchain.x.mint.params import DEFAULT_PARAMS

pytestmark = pytest.mark.node

MINT = acc_string(module_address("mint"))


def _stored_params(chain: Outsider) -> mint_pb2.Params:
    return chain.client.query(
        "/zrchain.mint.v1beta1.Query/Params", mq.QueryParamsRequest(), mq.QueryParamsResponse
    ).params


def test_a_malformed_authority_is_refused_at_check(chain: Outsider) -> None:
    outsider = chain["outsider"]
    msg = mtx.MsgUpdateParams(authority="zen1nope", params=mint_params())
    with nothing_changes(chain):
        refused_at_check(chain, chain.tx(outsider, [msg]), 7, "invalid authority address")


@pytest.mark.parametrize(
    "params",
    [
        mint_pb2.Params(),  # every field empty
        mint_params(blocks_per_year=0, staking_yield="0"),
        mint_params(protocol_wallet_address=acc_string(module_address("distribution"))),
        mint_params(protocol_wallet_address="zen1" + "q" * 10_000),
        mint_params(burn_rate="1" + "0" * 90),
    ],
    ids=["empty", "zero-rates", "module-wallet", "oversized-wallet", "huge-rate"],
)
def test_malformed_params_from_a_stranger_change_nothing(
    chain: Outsider, params: mint_pb2.Params
) -> None:
    """The authority is checked first (as zrChain's handler does): a stranger learns nothing
    about the params' validity, and none of them is stored."""
    outsider = chain["outsider"]
    before = _stored_params(chain)
    msg = mtx.MsgUpdateParams(authority=outsider.address, params=params)
    refused_in_block(chain, outsider, [msg], "invalid authority")
    assert _stored_params(chain) == before == DEFAULT_PARAMS


def test_control_the_mint_account_takes_transfers(chain: Outsider) -> None:
    outsider = chain["outsider"]
    send = btx.MsgSend(
        from_address=outsider.address, to_address=MINT, amount=coins("1000urock").to_protos()
    )
    res = chain.run(outsider, [send])
    transfers = [{a.key: a.value for a in e.attributes} for e in res.events if e.type == "transfer"]
    assert {"recipient": MINT, "sender": outsider.address, "amount": "1000urock"} in [
        {k: t.get(k) for k in ("recipient", "sender", "amount")} for t in transfers
    ], transfers
