"""Vote extensions switched on by a consensus-params change (issue 19): a real validator
(CometBFT + zrchaind) whose genesis leaves `vote_extensions_enable_height` at 0 and whose
follower watches a real anvil. A zrSign key request is not ingested while extensions are off;
the authority's `cosmos.consensus.v1.MsgUpdateParams` enables them from a future height,
CometBFT adopts the params, the chain goes on, and the request is then ingested."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from cosmpy.protos.cosmos.consensus.v1 import tx_pb2
from cosmpy.protos.tendermint.types import params_pb2
from eth_account import Account
from eth_utils import keccak
from google.protobuf.duration_pb2 import Duration

from evm_bridge.testing import wait
from tests.integration.test_attested_ingestion import (
    CONFIRMATIONS,
    PAY,
    Env,
    _deploy,
    _networks_file,
    attest_genesis,
)
from zrchain.client.chain import ChainClient, TxOptions
from zrchain.crypto.keyring import Keyring
from zrchain.testing.anvil import AnvilNode
from zrchain.testing.network import TestNetwork
from zrchain.testing.node import zrchaind

pytestmark = [pytest.mark.node, pytest.mark.evm, pytest.mark.usefixtures("needs_anvil")]


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    base = tmp_path_factory.mktemp("ve-params")
    a, b = AnvilNode(11155111), AnvilNode(80002)
    net = TestNetwork(base / "net", validators=1)
    try:
        a.start()
        b.start()
        ca, cb = _deploy(a), _deploy(b)

        def genesis(doc: dict[str, Any]) -> None:
            attest_genesis(doc, net.dev_addresses)
            doc["app_state"]["consensus"] = {"authority": net.dev_addresses["validator"]}
            assert doc["consensus_params"]["abci"]["vote_extensions_enable_height"] == "0"

        net.init(genesis)
        _networks_file(net.nodes[0].home, a.url, b.url, (ca.address, cb.address))
        net.start(wait_height=2, timeout=120)
        yield Env(base, net, ChainClient(net.nodes[0].rpc_url, "zenrock"), a, b, b, ca, cb, cb)
    finally:
        net.stop()
        b.stop()
        a.stop()


def test_consensus_params_change_turns_attestation_on(env: Env) -> None:
    erin = Account.from_key(keccak(text="attest user erin"))
    env.b.rpc("anvil_setBalance", [erin.address, hex(10**20)])
    env.cb.zr_key_req(erin.address, sender=erin, value=PAY)
    env.b.mine(CONFIRMATIONS)
    h = env.height()
    env.net.wait_height(h + 5, timeout=60)
    assert env.requests_of(erin.address) == []  # extensions are off: nothing is attested
    shown = json.loads(
        zrchaind("q", "attest", "params", "--node", env.rpc_url, "-o", "json").stdout
    )
    assert shown["params"]["enabled"] is True  # the switch is on; extensions are not

    kr = Keyring(env.net.base, "test")
    authority = kr.get("validator")
    rpc = env.net.nodes[0].rpc
    current = rpc.call("consensus_params")["consensus_params"]
    target = env.height() + 6
    msg = tx_pb2.MsgUpdateParams(
        authority=authority.address,
        block=params_pb2.BlockParams(
            max_bytes=int(current["block"]["max_bytes"]), max_gas=int(current["block"]["max_gas"])
        ),
        evidence=params_pb2.EvidenceParams(
            max_age_num_blocks=int(current["evidence"]["max_age_num_blocks"]),
            max_age_duration=Duration(
                seconds=int(current["evidence"]["max_age_duration"]) // 10**9
            ),
            max_bytes=int(current["evidence"]["max_bytes"]),
        ),
        validator=params_pb2.ValidatorParams(pub_key_types=current["validator"]["pub_key_types"]),
        abci=params_pb2.ABCIParams(vote_extensions_enable_height=target),
    )
    res = env.client.send(
        [msg], authority.address, authority.pubkey, lambda d: kr.sign("validator", d),
        TxOptions(gas=400_000, fees="100urock"),
    )  # fmt: skip
    assert res.code == 0, res.raw_log
    env.net.wait_height(target + 1, timeout=90)
    adopted = rpc.call("consensus_params", height=str(target))["consensus_params"]
    assert adopted["abci"]["vote_extensions_enable_height"] == str(target)
    wait(lambda: env.requests_of(erin.address), timeout=90, what="attested once enabled")
    assert len(env.requests_of(erin.address)) == 1
