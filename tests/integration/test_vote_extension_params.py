"""Vote extensions switched on by a consensus-params change (issue 19): a real validator
(CometBFT + zrchaind) whose genesis leaves `vote_extensions_enable_height` at 0 and whose
follower watches a real anvil. A zrSign key request is not ingested while extensions are off;
a gov proposal (submitted and voted with the CLI) carrying `cosmos.consensus.v1.MsgUpdateParams`
signed by the gov module account enables them from a future height, CometBFT adopts the
params, the chain goes on, and the request is then ingested."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from datetime import datetime
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
from tests.integration.test_gov_network import submit, tx, wait_final
from zrchain.client.chain import ChainClient
from zrchain.client.rpc import CometRPC
from zrchain.codec.json import to_dict
from zrchain.testing.anvil import AnvilNode
from zrchain.testing.network import TestNetwork
from zrchain.testing.node import zrchaind
from zrchain.x.gov.types import GOV_AUTHORITY

pytestmark = [pytest.mark.node, pytest.mark.evm, pytest.mark.usefixtures("needs_anvil")]

VOTING_S = 4
#: The enable height is set this far ahead in time: the CLI's submit and vote, the voting
#: period and the poll for its end must all fit before it (two CLI calls can take several
#: seconds each on a loaded 2-core machine; CI failed with a fixed 60 blocks).
AHEAD_S = 45


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
            gov = doc["app_state"]["gov"]["params"]
            gov.update(
                voting_period=f"{VOTING_S}s",
                expedited_voting_period=f"{VOTING_S // 2}s",
                max_deposit_period=f"{VOTING_S}s",
            )
            gov["min_deposit"] = [{"denom": "urock", "amount": "1000000"}]
            assert doc["consensus_params"]["abci"]["vote_extensions_enable_height"] == "0"

        net.init(genesis)
        _networks_file(net.nodes[0].home, a.url, b.url, (ca.address, cb.address))
        net.start(wait_height=2, timeout=120)
        yield Env(base, net, ChainClient(net.nodes[0].rpc_url, "zenrock"), a, b, b, ca, cb, cb)
    finally:
        net.stop()
        b.stop()
        a.stop()


def blocks_in(rpc: CometRPC, seconds: float) -> int:
    """How many blocks the node makes in ``seconds``, from the times of its last 10."""
    last = int(rpc.status()["sync_info"]["latest_block_height"])
    first = max(1, last - 10)
    spent = _time(rpc, last) - _time(rpc, first)
    return max(20, math.ceil(seconds * (last - first) / max(spent, 1e-3)))


def _time(rpc: CometRPC, height: int) -> float:
    stamp = rpc.block(height)["block"]["header"]["time"]  # RFC 3339 with nanoseconds
    whole, _, frac = stamp.rstrip("Z").partition(".")
    return datetime.fromisoformat(whole).timestamp() + float(f"0.{frac or 0}")


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

    rpc = env.net.nodes[0].rpc
    # at a height whose successor is committed: CometBFT's "latest" can name a block whose
    # params it has not stored yet ("could not find consensus params for height")
    current = rpc.call("consensus_params", height=str(env.height() - 1))["consensus_params"]
    target = env.height() + blocks_in(rpc, AHEAD_S)
    msg = tx_pb2.MsgUpdateParams(
        authority=GOV_AUTHORITY,
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
    doc = {"@type": "/cosmos.consensus.v1.MsgUpdateParams", **to_dict(msg)}
    pid = submit(env.net, "validator", env.base / "enable-ve.json", [doc])
    tx(env.net, "validator", "gov", "vote", str(pid), "yes", home=env.net.nodes[0].home)
    final = wait_final(env.net, pid)
    assert final["status"] == "PROPOSAL_STATUS_PASSED", final
    assert env.height() < target
    env.net.wait_height(target + 1, timeout=90)
    adopted = rpc.call("consensus_params", height=str(target))["consensus_params"]
    assert adopted["abci"]["vote_extensions_enable_height"] == str(target)
    wait(lambda: env.requests_of(erin.address), timeout=90, what="attested once enabled")
    assert len(env.requests_of(erin.address)) == 1
