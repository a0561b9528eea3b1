"""A real 4-validator network: liveness under crashes, safety of the app hash, joining by
blocksync and state sync, and validator set changes. Bounded and deterministic (seeded)."""

from __future__ import annotations

import random
import subprocess
import time
from typing import Any

import pytest
from cosmpy.protos.cosmos.bank.v1beta1 import tx_pb2 as bank_tx

from zrchain.client.chain import ChainClient, TxOptions
from zrchain.client.tx import build_tx
from zrchain.codec.coins import parse_coins
from zrchain.crypto.keyring import Keyring
from zrchain.testing.network import TestNetwork, validator_pubkey

pytestmark = pytest.mark.node


def _no_downtime_jailing(doc) -> None:
    """These tests crash and restart validators on purpose: a window no crash can miss half
    of keeps x/slashing from jailing them (downtime is tested in test_staking_network.py)."""
    doc["app_state"]["slashing"]["params"]["signed_blocks_window"] = "1000000"


@pytest.fixture(scope="module")
def net(tmp_path_factory):
    n = TestNetwork(tmp_path_factory.mktemp("net"), validators=4, snapshot_interval=10)
    n.init(genesis=_no_downtime_jailing).start(wait_height=2)
    yield n
    n.stop()


def live(net: TestNetwork) -> list:
    return [n for n in net.all_nodes if n.running]


def progresses(nodes, blocks: int = 2, timeout: float = 30) -> bool:
    start = max(n.height() for n in nodes)
    try:
        for n in nodes:
            n.wait_height(start + blocks, timeout)
    except TimeoutError:
        return False
    return True


def assert_same_app_hashes(nodes, upto: int) -> None:
    """Every node has the same app hash (in header h+1) at every height 1..upto."""
    for h in range(1, upto + 1):
        hashes = {n.rpc.block(h + 1)["block"]["header"]["app_hash"] for n in nodes}
        assert len(hashes) == 1, f"app hashes differ at height {h}: {hashes}"


def keyring(net):
    return Keyring(net.base, "test")


def test_liveness_under_validator_crashes(net) -> None:
    a, b, c, d = net.nodes
    assert progresses(net.nodes)
    a.kill_comet(), a.kill_app()  # one of four down: still > 2/3
    assert progresses([b, c, d])
    a.start_app(), a.start_comet()  # it catches up
    a.wait_height(max(n.height() for n in (b, c, d)), 60)
    b.kill_comet(), c.kill_comet()  # two of four down: halts
    time.sleep(1.5)
    h = d.height()
    assert not progresses([a, d], blocks=2, timeout=4)
    assert d.height() <= h + 1
    b.start_comet()  # three of four: resumes
    assert progresses([a, b, d], timeout=60)
    c.start_comet()
    assert progresses(net.nodes, timeout=60)


def test_kill_9_of_one_app_mid_block_keeps_its_app_hash(net) -> None:
    rng = random.Random(3)
    victim = net.nodes[1]
    for _ in range(3):
        time.sleep(rng.uniform(0.05, 0.4))
        victim.kill_app()
        try:  # CometBFT stops when its app connection dies; its shutdown can hang
            victim.comet_proc.wait(20)  # (cometbft#4054): then it is killed too
        except subprocess.TimeoutExpired:
            victim.kill_comet()
        victim.start_app()
        victim.start_comet()
        assert progresses(net.nodes, timeout=60)
    top = min(n.height() for n in net.nodes) - 1
    assert_same_app_hashes(net.nodes, top)


def test_mixed_valid_and_malformed_txs_keep_every_node_equal(net) -> None:
    """Bank, identity and treasury txs, valid ones and defective ones (bad signature,
    sequence, addresses, unknown workspace or keyring, garbage bytes) from a seeded RNG."""
    from zrchain.codec.gen.zrchain.identity import tx_pb2 as id_tx
    from zrchain.codec.gen.zrchain.treasury import tx_pb2 as tr_tx

    rng = random.Random(11)
    kr = keyring(net)
    alice, bob = kr.get("alice"), kr.get("bob")
    clients = [ChainClient(n.rpc_url, chain_id="zenrock") for n in net.nodes]
    opts = TxOptions(gas=400_000, fees="200urock")
    sign = lambda data: kr.sign("alice", data)  # noqa: E731
    # a keyring and a workspace to make key requests against
    from cosmpy.protos.cosmos.base.abci.v1beta1 import abci_pb2

    def created(msg, response):
        res = clients[0].send([msg], alice.address, alice.pubkey, sign, opts)
        abci_pb2.TxMsgData.FromString(bytes.fromhex(res.data)).msg_responses[0].Unpack(response)
        return response

    ring = created(
        id_tx.MsgNewKeyring(creator=alice.address, description="faults", party_threshold=1),
        id_tx.MsgNewKeyringResponse(),
    )
    ws = created(id_tx.MsgNewWorkspace(creator=alice.address), id_tx.MsgNewWorkspaceResponse())
    acc = clients[0].account(alice.address)
    seq = acc.sequence

    def message(kind: str):
        if kind in ("send", "bad-sig", "bad-seq"):
            return bank_tx.MsgSend(
                from_address=alice.address,
                to_address=bob.address,
                amount=parse_coins(f"{rng.randint(1, 99)}urock").to_protos(),
            )
        if kind == "workspace":
            return id_tx.MsgNewWorkspace(creator=alice.address)
        if kind == "key-request":
            return tr_tx.MsgNewKeyRequest(
                creator=alice.address,
                workspace_addr=ws.addr,
                keyring_addr=ring.addr,
                key_type="ecdsa",
                btl=5,
            )
        if kind == "unknown-workspace":  # valid tx, fails in execution: fee and sequence kept
            return id_tx.MsgAddWorkspaceOwner(
                creator=alice.address,
                workspace_addr="workspace1qqqqqqqqqqqqqqqqqq5t7sg",
                new_owner=bob.address,
            )
        return tr_tx.MsgNewKeyRequest(
            creator=alice.address,
            workspace_addr=ws.addr,
            keyring_addr="keyring1notakeyring",
            key_type="ecdsa",
        )

    accepted = 0
    for i in range(80):
        kind = rng.choice(
            [
                "send",
                "workspace",
                "key-request",
                "unknown-workspace",
                "bad-keyring",
                "garbage",
                "bad-sig",
                "bad-seq",
            ]
        )
        c = rng.choice(clients)
        if kind == "garbage":
            c.rpc.broadcast_tx_sync(rng.randbytes(rng.randint(1, 200)))
            continue
        use_seq = seq if kind != "bad-seq" else seq + 5
        signer = sign if kind != "bad-sig" else (lambda data: bytes(64))
        raw = build_tx(
            [message(kind)],
            pubkey=alice.pubkey,
            sequence=use_seq,
            account_number=acc.number,
            chain_id="zenrock",
            sign=signer,
            fee=parse_coins("200urock"),
            gas_limit=400_000,
        )
        # consecutive sequences go to one node (another node's mempool may not have the
        # previous tx yet and would rightly refuse); defective txs go anywhere
        good = kind not in ("bad-sig", "bad-seq")
        res = (clients[0] if good else c).broadcast(raw)
        if good and res.code == 0:
            seq += 1
            accepted += 1
        if i % 10 == 9:
            time.sleep(0.3)
    assert accepted >= 25
    net.wait_for(lambda: clients[0].account(alice.address).sequence == seq, 60)
    assert progresses(net.nodes)
    top = min(n.height() for n in net.nodes) - 1
    assert_same_app_hashes(net.nodes, top)
    # every node answers the same to module queries
    from zrchain.codec.gen.zrchain.treasury import query_pb2 as tq

    answers = {
        c.query_raw(
            "/zrchain.treasury.Query/KeyRequests",
            tq.QueryKeyRequestsRequest(keyring_addr=ring.addr).SerializeToString(),
            height=top,
        )
        for c in clients
    }
    assert len(answers) == 1


def _create_validator_msg(operator: str, pk: bytes, amount: int) -> Any:
    from cosmpy.protos.cosmos.crypto.ed25519.keys_pb2 import PubKey
    from google.protobuf.any_pb2 import Any as AnyProto

    from zrchain.codec.address import acc_bytes, val_string
    from zrchain.codec.gen.zrchain.validation import staking_pb2 as st
    from zrchain.codec.gen.zrchain.validation import tx_pb2 as vtx

    return vtx.MsgCreateValidator(
        description=st.Description(moniker=f"v-{pk.hex()[:6]}"),
        commission=st.CommissionRates(
            rate="100000000000000000", max_rate="200000000000000000",
            max_change_rate="10000000000000000",
        ),
        min_self_delegation="1",
        validator_address=val_string(acc_bytes(operator)),
        pubkey=AnyProto(type_url="/cosmos.crypto.ed25519.PubKey",
                        value=PubKey(key=pk).SerializeToString()),
        value=parse_coins(f"{amount}urock").to_protos()[0],
    )  # fmt: skip


def test_adding_and_removing_one_validator_in_one_tx_does_not_halt_the_chain(net) -> None:
    """The issue's halt: add X + remove X in one block returned "remove X" to CometBFT,
    which then stopped every node for good ("failed to find validator ... to remove").
    With staking: X is created and its whole self-delegation unbonded in one tx; the
    block's updates are merged per key (zrchain/valset.py), so CometBFT gets none."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from zrchain.codec.address import acc_bytes, val_string
    from zrchain.codec.gen.zrchain.validation import tx_pb2 as vtx

    kr = keyring(net)
    op = kr.get("relayer")
    client = ChainClient(net.nodes[0].rpc_url, chain_id="zenrock")
    x = Ed25519PrivateKey.generate().public_key().public_bytes_raw()

    def valset(height: int) -> dict[str, int]:
        vals = net.nodes[0].rpc.validators(height)["validators"]
        return {v["pub_key"]["value"]: int(v["voting_power"]) for v in vals}

    before = valset(net.nodes[0].height())
    unbond_all = vtx.MsgUndelegate(
        delegator_address=op.address,
        validator_address=val_string(acc_bytes(op.address)),
        amount=parse_coins("10000000urock").to_protos()[0],
    )
    res = client.send(
        [_create_validator_msg(op.address, x, 10_000_000), unbond_all],
        op.address, op.pubkey, lambda d: kr.sign("relayer", d),
        TxOptions(gas=600_000, fees="1000urock"),
    )  # fmt: skip
    assert res.code == 0, res.raw_log
    assert progresses(net.nodes, blocks=4, timeout=60)  # every node goes on
    assert valset(res.height + 3) == before
    results = net.nodes[0].rpc.block_results(res.height)
    assert not results.get("validator_updates")
    top = min(n.height() for n in net.nodes) - 1
    assert valset(top) == before
    assert_same_app_hashes(net.nodes, top)


def assert_history_from_the_snapshot_height(node) -> None:
    """A state-synced node answers (and proves) queries from its snapshot height on and
    refuses the heights below with the SDK's message."""
    import base64
    import re

    from zrchain.store.proof import verify

    found = re.search(r"state sync restored height (\d+)", node.tail("app", 4000))
    assert found, node.tail("app", 40)
    snap = int(found.group(1))
    res = node.rpc.abci_query("/store/baseapp/key", b"last_block", height=snap, prove=True)
    value = base64.b64decode(res["value"])
    assert int(res.get("code", 0)) == 0 and int.from_bytes(value[:8], "big") == snap
    op = (res.get("proofOps") or res.get("proof_ops"))["ops"][0]
    app_hash = bytes.fromhex(node.rpc.block(snap + 1)["block"]["header"]["app_hash"])
    assert verify(app_hash, base64.b64decode(op["key"]), value, base64.b64decode(op["data"]))
    below = node.rpc.abci_query("/store/baseapp/key", b"last_block", height=snap - 1)
    assert int(below["code"]) == 18 and "version does not exist" in below["log"]


def test_new_nodes_join_by_blocksync_and_state_sync_then_become_validators(net) -> None:
    full = net.add_node("full", statesync=False)
    assert "Snapshot restored" not in full.tail("comet", 2000)
    # state sync needs a snapshot at least a few blocks old on the peers
    net.wait_height(max(25, net.nodes[0].height() + 1))
    synced = net.add_node("synced", statesync=True)
    assert "Snapshot restored" in synced.tail("comet", 4000) or "restored height" in synced.tail(
        "app", 400
    )
    top = min(n.height() for n in net.all_nodes) - 1
    # the state-synced node has no blocks below its snapshot: compare from there
    first = int(synced.rpc.status()["sync_info"]["earliest_block_height"])
    for h in range(max(1, first), top + 1):
        hashes = {
            n.rpc.block(h + 1)["block"]["header"]["app_hash"] for n in (*net.nodes, full, synced)
        }
        assert len(hashes) == 1, f"height {h}: {hashes}"
    assert_history_from_the_snapshot_height(synced)
    # the blocksynced node becomes a validator: its operator (alice) creates it by tx
    kr = keyring(net)
    alice = kr.get("alice")
    pk = validator_pubkey(full.home)
    client = ChainClient(net.nodes[0].rpc_url, chain_id="zenrock")
    res = client.send(
        [_create_validator_msg(alice.address, pk, 10_000_000)],
        alice.address,
        alice.pubkey,
        lambda d: kr.sign("alice", d),
        TxOptions(gas=400_000, fees="1000urock"),
    )
    assert res.code == 0, res.raw_log
    h = res.height
    net.wait_height(h + 3)
    vals = net.nodes[0].rpc.validators(h + 3)["validators"]
    import base64

    assert base64.b64encode(pk).decode() in {v["pub_key"]["value"] for v in vals}
    assert len(vals) == 5
    # the new validator signs blocks
    full_addr = full.rpc.status()["validator_info"]["address"]
    net.wait_height(h + 6)
    sigs = net.nodes[0].rpc.block(h + 6)["block"]["last_commit"]["signatures"]
    assert full_addr in {s["validator_address"] for s in sigs}
