"""Proof of stake on a real network, driven as operators drive zenrockd: 4 validators from
gentxs (genesis gentx -> collect-gentxs -> start), a fifth node that syncs and runs
``tx validation create-validator``, a delegator who delegates, redelegates and unbonds
(exact balances; tokens back after the unbonding time), and a validator whose processes
stop: it is jailed after the signing window, its stake slashed by the downtime fraction,
and after ``tx slashing unjail`` it signs again. The accounting invariants hold on every
node and the app hashes agree."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import pytest

from zrchain.codec.address import acc_bytes, val_string
from zrchain.testing.invariants import assert_invariants
from zrchain.testing.network import TestNetwork, validator_pubkey
from zrchain.testing.node import TestNode, zrchaind
from zrchain.testing.state import snapshot_node

pytestmark = pytest.mark.node

UNBONDING_S = 8
JAIL_S = 4
WINDOW = 10
FEE = 2000  # urock per CLI tx (--fees)
STAKE = 10_000_000


def _params(doc: dict[str, Any]) -> None:
    s = doc["app_state"]
    s["validation"]["params"]["unbonding_time"] = f"{UNBONDING_S}s"
    s["slashing"]["params"].update(
        signed_blocks_window=str(WINDOW), downtime_jail_duration=f"{JAIL_S}s"
    )


@pytest.fixture(scope="module")
def net(tmp_path_factory):
    n = TestNetwork(tmp_path_factory.mktemp("staking"), validators=4)
    n.init(genesis=_params).start(wait_height=2)
    yield n
    n.stop()


def cli(net: TestNetwork, *args: str) -> Any:
    out = zrchaind(*args, "--node", net.nodes[0].rpc_url, "-o", "json")
    return json.loads(out.stdout)


def tx(net: TestNetwork, sender: str, *args: str) -> dict[str, Any]:
    """``zrchaind tx …`` from the net's keyring; waits for the tx and returns its result."""
    from zrchain.client.chain import ChainClient

    out = zrchaind(
        "tx", *args, "--from", sender, "--keyring-backend", "test", "--home", str(net.base),
        "--node", net.nodes[0].rpc_url, "--chain-id", net.chain_id, "--fees", f"{FEE}urock",
        "--gas", "400000", "-y", "-o", "json", check=False,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    sent = json.loads(out.stdout)
    assert sent["code"] == 0, sent
    res = ChainClient(net.nodes[0].rpc_url).wait_tx(sent["txhash"])
    assert res.code == 0, res.raw_log
    return {"height": res.height, "txhash": sent["txhash"], "rewards": _rewards_paid(res)}


def _rewards_paid(res: Any) -> int:
    """urock x/distribution paid out in the tx: explicit withdrawals and the rewards a
    delegation change withdraws first (the SDK's BeforeDelegationSharesModified)."""
    paid = 0
    for e in res.events:
        if e.type == "withdraw_rewards":
            for a in e.attributes:
                if a.key == "amount" and a.value.endswith("urock"):
                    paid += int(a.value.removesuffix("urock") or 0)
    return paid


def balance(net: TestNetwork, addr: str) -> int:
    return int(cli(net, "q", "bank", "balances", addr, "--denom", "urock")["balance"]["amount"])


def comet_set(net: TestNetwork, height: int = 0) -> dict[str, int]:
    node = net.nodes[0]
    vals = node.rpc.validators(height or node.height())["validators"]
    return {v["pub_key"]["value"]: int(v["voting_power"]) for v in vals}


def b64(pk: bytes) -> str:
    return base64.b64encode(pk).decode()


def valoper(addr: str) -> str:
    return val_string(acc_bytes(addr))


def validator(net: TestNetwork, operator: str) -> dict[str, Any]:
    return dict(cli(net, "q", "validation", "validator", operator)["validator"])


def wait_for(predicate: Any, timeout: float = 90, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.3)
    raise TimeoutError(f"timed out waiting for {what}")


def check_network(net: TestNetwork, nodes: list[TestNode]) -> None:
    """Invariants on every node's state at one height, and equal app hashes up to it."""
    top = min(n.height() for n in nodes) - 1
    for n in nodes:
        assert_invariants(snapshot_node(n.rpc, top))
    for h in range(max(1, top - 20), top + 1):
        hashes = {n.rpc.block(h + 1)["block"]["header"]["app_hash"] for n in nodes}
        assert len(hashes) == 1, f"app hashes differ at height {h}: {hashes}"


def test_four_validators_from_gentxs(net) -> None:
    assert comet_set(net) == {b64(validator_pubkey(n.home)): 10 for n in net.nodes}
    vals = cli(net, "q", "validation", "validators")["validators"]
    assert sorted(v["operator_address"] for v in vals) == sorted(
        valoper(a) for a in net.operators.values()
    )
    assert {v["status"] for v in vals} == {"BOND_STATUS_BONDED"}
    assert {v["tokensNative"] for v in vals} == {str(STAKE)}
    pool = cli(net, "q", "validation", "pool")["pool"]
    assert pool["bonded_tokens"] == str(4 * STAKE)
    # the SDK's staking REST routes, as zrChain serves them
    import requests

    rest = f"http://127.0.0.1:{net.nodes[0].ports.api}"
    body = requests.get(f"{rest}/cosmos/staking/v1beta1/validators", timeout=10).json()
    assert len(body["validators"]) == 4 and body["pagination"]["total"] in ("4", "0")
    one = valoper(net.operators["node1"])
    got = requests.get(f"{rest}/cosmos/staking/v1beta1/validators/{one}", timeout=10).json()
    assert got["validator"]["operator_address"] == one
    dels = requests.get(
        f"{rest}/cosmos/staking/v1beta1/delegations/{net.operators['node1']}", timeout=10
    ).json()
    assert [d["balance"]["amount"] for d in dels["delegation_responses"]] == [str(STAKE)]
    infos = requests.get(f"{rest}/cosmos/slashing/v1beta1/signing_infos", timeout=10).json()
    assert len(infos["info"]) == 4
    check_network(net, net.nodes)


@pytest.fixture(scope="module")
def fifth(net, tmp_path_factory) -> TestNode:
    """A fifth node that syncs from genesis and becomes a validator by tx; ``bob`` (a dev
    account of the net's keyring) is its operator."""
    node = net.add_node("fifth")
    shown = zrchaind("comet", "show-validator", "--home", str(node.home)).stdout
    spec = {
        "pubkey": json.loads(shown),
        "amount": f"{STAKE}urock",
        "moniker": "fifth",
        "commission-rate": "0.1",
        "commission-max-rate": "0.2",
        "commission-max-change-rate": "0.01",
        "min-self-delegation": "1",
    }
    path = tmp_path_factory.mktemp("fifth") / "validator.json"
    path.write_text(json.dumps(spec))
    bob = net.dev_addresses["bob"]
    before = balance(net, bob)
    res = tx(net, "bob", "validation", "create-validator", str(path))
    assert balance(net, bob) == before - STAKE - FEE
    node.wait_height(res["height"] + 2, 60)
    return node


def test_a_fifth_node_syncs_and_joins_the_set_by_create_validator(net, fifth) -> None:
    key = b64(validator_pubkey(fifth.home))
    wait_for(lambda: comet_set(net).get(key) == 10, what="the fifth validator in the set")
    assert len(comet_set(net)) == 5
    v = validator(net, valoper(net.dev_addresses["bob"]))
    assert v["status"] == "BOND_STATUS_BONDED" and v["description"]["moniker"] == "fifth"
    addr = fifth.rpc.status()["validator_info"]["address"]
    h = net.nodes[0].height()
    net.wait_height(h + 2)
    sigs = net.nodes[0].rpc.block(h + 2)["block"]["last_commit"]["signatures"]
    assert addr in {s["validator_address"] for s in sigs}


def test_delegate_redelegate_and_unbond_with_exact_balances(net, fifth) -> None:
    alice = net.dev_addresses["alice"]
    fifth_val = valoper(net.dev_addresses["bob"])
    node0_val = valoper(net.operators["node0"])
    key5, key0 = b64(validator_pubkey(fifth.home)), b64(validator_pubkey(net.nodes[0].home))
    start = balance(net, alice)

    tx(net, "alice", "validation", "delegate", fifth_val, "5000000urock")
    assert balance(net, alice) == start - 5_000_000 - FEE
    wait_for(lambda: comet_set(net).get(key5) == 15, what="power 15")
    d = cli(net, "q", "validation", "delegation", alice, fifth_val)["delegation_response"]
    assert d["balance"] == {"denom": "urock", "amount": "5000000"}

    # the delegation earns from the fees of the blocks since; withdrawing pays exactly that
    wait_for(lambda: sum(float(c["amount"]) for c in cli(
        net, "q", "distribution", "rewards", alice, fifth_val)["rewards"]) >= 1,
        what="rewards")  # fmt: skip
    w = tx(net, "alice", "distribution", "withdraw-rewards", fifth_val)
    assert w["rewards"] > 0
    start += w["rewards"]
    assert balance(net, alice) == start - 5_000_000 - 2 * FEE

    r = tx(net, "alice", "validation", "redelegate", fifth_val, node0_val, "2000000urock")
    start += r["rewards"]  # redelegating withdraws the source delegation's rewards first
    wait_for(lambda: comet_set(net).get(key5) == 13 and comet_set(net).get(key0) == 12,
             what="the redelegated power")  # fmt: skip
    assert balance(net, alice) == start - 5_000_000 - 3 * FEE

    res = tx(net, "alice", "validation", "unbond", node0_val, "1000000urock")
    start += res["rewards"]
    ubds = cli(net, "q", "validation", "unbonding-delegations", alice)["unbonding_responses"]
    assert [e["balance"] for u in ubds for e in u["entries"]] == ["1000000"]
    assert balance(net, alice) == start - 5_000_000 - 4 * FEE
    # paid back after the unbonding time (block time, not wall time: wait for blocks past it)
    done = time.monotonic() + UNBONDING_S + 1
    wait_for(lambda: time.monotonic() > done and balance(net, alice) == start - 4_000_000 - 4 * FEE,
             what="the unbonded tokens")  # fmt: skip
    assert cli(net, "q", "validation", "unbonding-delegations", alice)["unbonding_responses"] == []
    assert res["height"] > 0
    check_network(net, net.nodes)


def test_a_validator_that_stops_signing_is_jailed_slashed_and_unjails(net, fifth) -> None:
    bob = net.dev_addresses["bob"]
    fifth_val = valoper(bob)
    key5 = b64(validator_pubkey(fifth.home))
    tokens = int(validator(net, fifth_val)["tokensNative"])
    power = tokens // 10**6
    fifth.stop()  # 13 of 53: the other four go on
    wait_for(lambda: validator(net, fifth_val)["jailed"], timeout=120, what="jailing")
    v = validator(net, fifth_val)
    slashed = tokens - (power * 10**6) // 100  # slash_fraction_downtime 0.01 of its power
    assert int(v["tokensNative"]) == slashed
    net.wait_height(net.nodes[0].height() + 2)
    assert key5 not in comet_set(net)
    shown = zrchaind("comet", "show-validator", "--home", str(fifth.home)).stdout.strip()
    info = cli(net, "q", "slashing", "signing-info", shown)["val_signing_info"]
    assert info["jailed_until"] > "1970"
    check_network(net, net.nodes)

    # back online; after the jail time the operator unjails and it signs again
    fifth.start_app(), fifth.start_comet()
    fifth.wait_height(net.nodes[0].height(), 90)
    time.sleep(JAIL_S + 1)
    tx(net, "bob", "slashing", "unjail")
    wait_for(lambda: comet_set(net).get(key5) == slashed // 10**6, what="back in the set")
    addr = fifth.rpc.status()["validator_info"]["address"]
    h = net.nodes[0].height()
    net.wait_height(h + 3)
    sigs = net.nodes[0].rpc.block(h + 3)["block"]["last_commit"]["signatures"]
    assert addr in {s["validator_address"] for s in sigs}
    check_network(net, [*net.nodes, fifth])


def test_our_vote_sign_bytes_are_cometbfts(net) -> None:
    """The commit signatures of a real block verify over ``vote_sign_bytes`` (so the
    evidence below is signed as CometBFT signs)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    from zrchain.testing.double_sign import _rfc3339, vote_sign_bytes

    node = net.nodes[0]
    h = node.height() - 1
    commit = node.rpc.block(h + 1)["block"]["last_commit"]
    keys = {
        v["address"]: base64.b64decode(v["pub_key"]["value"])
        for v in node.rpc.validators(h)["validators"]
    }
    bid = commit["block_id"]
    checked = 0
    for sig in commit["signatures"]:
        if sig["block_id_flag"] != 2:  # only votes for the block
            continue
        seconds, nanos = _rfc3339(sig["timestamp"])
        data = vote_sign_bytes(
            net.chain_id, int(commit["height"]), int(commit["round"]),
            bytes.fromhex(bid["hash"]), bytes.fromhex(bid["parts"]["hash"]),
            int(bid["parts"]["total"]), seconds, nanos, vote_type=2,
        )  # fmt: skip
        Ed25519PublicKey.from_public_bytes(keys[sig["validator_address"]]).verify(
            base64.b64decode(sig["signature"]), data
        )
        checked += 1
    assert checked >= 3


def test_a_double_signer_is_slashed_tombstoned_and_the_chain_goes_on(net) -> None:
    """node3 signs two conflicting prevotes; CometBFT verifies and commits the evidence,
    x/evidence slashes slash_fraction_double_sign of its power at that height, jails it
    for good and tombstones it; the others go on."""
    from zrchain.testing.double_sign import duplicate_vote_evidence

    node3 = net.nodes[3]
    op3 = valoper(net.operators["node3"])
    key3 = b64(validator_pubkey(node3.home))
    before = int(validator(net, op3)["tokensNative"])
    h = net.nodes[0].height() - 2
    vals = net.nodes[0].rpc.validators(h)["validators"]
    index = next(i for i, v in enumerate(vals) if v["pub_key"]["value"] == key3)
    power = int(vals[index]["voting_power"])
    ev = duplicate_vote_evidence(
        node3.home / "config" / "priv_validator_key.json",
        net.chain_id,
        h,
        net.nodes[0].rpc.block(h)["block"]["header"]["time"],
        index,
        power,
        sum(int(v["voting_power"]) for v in vals),
    )
    res = net.nodes[0].rpc.call("broadcast_evidence", evidence=ev)
    assert res.get("hash"), res
    wait_for(lambda: validator(net, op3)["jailed"], timeout=60, what="the double signer jailed")
    assert int(validator(net, op3)["tokensNative"]) == before - power * 10**6 * 5 // 100
    shown = zrchaind("comet", "show-validator", "--home", str(node3.home)).stdout.strip()
    info = cli(net, "q", "slashing", "signing-info", shown)["val_signing_info"]
    assert info["tombstoned"] is True and info["jailed_until"].startswith("9999-12-31")
    evidence = cli(net, "q", "evidence", "evidence")["evidence"]
    assert len(evidence) == 1 and evidence[0]["height"] == str(h)
    others = [n for n in net.nodes if n is not node3]
    top = net.nodes[0].height()
    for n in others:
        n.wait_height(top + 3, 60)  # the chain goes on without it
    assert key3 not in comet_set(net)
    # tombstoned: unjail never works (node3's operator is the net's node3 `validator` key)
    out = zrchaind(
        "tx", "slashing", "unjail", "--from", "validator", "--keyring-backend", "test",
        "--home", str(node3.home), "--node", net.nodes[0].rpc_url, "--chain-id",
        net.chain_id, "--fees", f"{FEE}urock", "--gas", "400000", "-y", "-o", "json",
        check=False,
    )  # fmt: skip
    from zrchain.client.chain import ChainClient

    sent = json.loads(out.stdout) if out.returncode == 0 else {"code": -1}
    if sent.get("code") == 0:
        final = ChainClient(net.nodes[0].rpc_url).wait_tx(sent["txhash"])
        assert final.code != 0 and "still jailed" in final.raw_log, final.raw_log
    else:
        assert "still jailed" in out.stdout + out.stderr, out.stdout + out.stderr
    check_network(net, others)
