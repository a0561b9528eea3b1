"""The MPC keeper end to end: a real node (CometBFT + zrchaind) and real keeper processes
(``python -m zrchain.mpc.cli start``), each started and stopped by these tests by PID.

One node serves the module; every test makes its own keyring and parties, so keepers of
different tests never share an account. Treasury ``default_btl`` is raised in genesis so
requests left PARTIAL on purpose do not time out while a test waits.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import coincurve
import pytest
import rlp
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from eth_account import Account
from google.protobuf.any_pb2 import Any as AnyProto

from zrchain.chains.evm import assemble_signed_evm_tx, evm_address, evm_sighash
from zrchain.chains.keys import KeyType
from zrchain.client.chain import ChainClient
from zrchain.codec.gen.zrchain.treasury import tx_pb2 as ttx
from zrchain.codec.gen.zrchain.treasury import wallet_pb2
from zrchain.crypto import keys
from zrchain.errors import ErrTxTimeoutHeight
from zrchain.mpc import config
from zrchain.mpc.derivation import derive_key
from zrchain.mpc.seed import read_seed_file
from zrchain.mpc.state import StateStore
from zrchain.mpc.testing import (
    SEED_PASSPHRASE,
    Actor,
    KeeperProcess,
    answers_in_blocks,
    block_txs,
    event_heights,
    fulfil_msgs,
    key_by_id,
    key_request,
    sign_request,
    wait_status,
)
from zrchain.testing.node import TestNode, zrchaind
from zrchain.x.treasury.party import sign_party_result

pytestmark = pytest.mark.node

FUNDS = "100000000000urock"
CHAIN_ID = "zenrock"
OWNER = bytes([0x51]) * 32
PARTY_SECRETS = {f"p{i}": bytes([0x60 + i]) * 32 for i in range(1, 10)}
PARTY = {n: keys.account_address(keys.public_key(s)) for n, s in PARTY_SECRETS.items()}
KR_FULFILLED = "KEY_REQUEST_STATUS_FULFILLED"
SR_FULFILLED = "SIGN_REQUEST_STATUS_FULFILLED"
SR_REJECTED = "SIGN_REQUEST_STATUS_REJECTED"


class Net:
    def __init__(self, node: TestNode, base: Path) -> None:
        self.node = node
        self.base = base
        self.client = ChainClient(node.rpc_url, CHAIN_ID)
        self.owner = Actor(self.client, OWNER)
        self.keepers: list[KeeperProcess] = []
        self.workspace = ""

    def keeper(self, name: str, party: str, keyring: str, **kw: Any) -> KeeperProcess:
        k = KeeperProcess(
            self.base, name, self.node.rpc_url, CHAIN_ID, keyring, PARTY_SECRETS[party], **kw
        )
        self.keepers.append(k)
        return k

    def height(self) -> int:
        return self.client.rpc.latest_height()

    def wait_blocks(self, n: int) -> int:
        return self.node.wait_height(self.height() + n, timeout=60)


@pytest.fixture(scope="module")
def net(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Net]:
    base = tmp_path_factory.mktemp("mpc")
    node = TestNode(base)
    home = str(node.home)
    zrchaind("init", "mpc", "--chain-id", CHAIN_ID, "--home", home)
    node.configure()
    node.add_genesis_validator()  # gentx + collect-gentxs, as an operator
    for addr in [keys.account_address(keys.public_key(OWNER)), *PARTY.values()]:
        zrchaind("genesis", "add-genesis-account", addr, FUNDS, "--home", home)
    doc = node.genesis()
    doc["app_state"]["identity"]["params"]["keyring_creation_fee"] = "0"
    doc["app_state"]["treasury"]["params"]["default_btl"] = "2000"
    node.write_genesis(doc)
    node.start()
    n = Net(node, base)
    try:
        n.workspace = n.owner.new_workspace()
        yield n
    finally:
        for k in n.keepers:
            k.stop()
        node.stop()


@pytest.fixture
def keepers(net: Net) -> Iterator[list[KeeperProcess]]:
    """Keepers a test starts are stopped (by PID) when it ends, whatever happens."""
    before = len(net.keepers)
    yield net.keepers
    for k in net.keepers[before:]:
        k.stop()


def fulfilled_height(net: Net, event: str, rid: int, start: int) -> int:
    end = net.height()
    return event_heights(net.client, event, start, end)[rid]


# -- 1-of-1 ---------------------------------------------------------------------------------------
def test_one_of_one_keys_signatures_and_evm_transaction(net: Net, keepers: Any) -> None:
    kr = net.owner.new_keyring([PARTY["p1"]], 1)
    keeper = net.keeper("k1", "p1", kr).start()
    keeper.wait_event(lambda e: e["event"] == "keeper_started")
    seed = read_seed_file(keeper.seed_file, SEED_PASSPHRASE)

    key_ids: dict[str, int] = {}
    for key_type, kt in (
        ("ecdsa", KeyType.KEY_TYPE_ECDSA_SECP256K1),
        ("ed25519", KeyType.KEY_TYPE_EDDSA_ED25519),
        ("bitcoin", KeyType.KEY_TYPE_BITCOIN_SECP256K1),
    ):
        rid, created = net.owner.key_request(net.workspace, kr, key_type)
        req = wait_status(lambda r=rid: key_request(net.client, r), {KR_FULFILLED}, 30)
        assert [p.creator for p in req.keyring_party_signatures] == [PARTY["p1"]]
        done = fulfilled_height(net, "key_request_fulfilled", rid, created)
        assert done - created <= 2, f"{key_type}: requested at {created}, fulfilled at {done}"
        key = key_by_id(net.client, rid)
        assert bytes(key.public_key) == derive_key(seed.reveal(), kr, kt, rid).public_key
        key_ids[key_type] = rid

    # ECDSA hash: coincurve recovers the key, eth-account the EVM address
    ecdsa_pub = bytes(key_by_id(net.client, key_ids["ecdsa"]).public_key)
    digest = hashlib.sha256(b"pay 1 ETH to bob").digest()
    sid, created = net.owner.signature_request([key_ids["ecdsa"]], [digest])
    sreq = wait_status(lambda: sign_request(net.client, sid), {SR_FULFILLED}, 30)
    assert fulfilled_height(net, "sign_request_fulfilled", sid, created) - created <= 2
    sig = bytes(sreq.signed_data[0].signed_data)
    assert len(sig) == 65 and sig[64] in (0, 1)
    rec = coincurve.PublicKey.from_signature_and_message(sig, digest, hasher=None)
    assert rec.format(compressed=True) == ecdsa_pub
    eth_sig = sig[:64] + bytes([sig[64] + 27])
    assert Account._recover_hash(digest, signature=eth_sig) == evm_address(ecdsa_pub)

    # ed25519 over a message: cryptography verifies
    ed_pub = bytes(key_by_id(net.client, key_ids["ed25519"]).public_key)
    message = b"\x01\x00\x01\x03" + bytes(range(200))
    sid, _ = net.owner.signature_request([key_ids["ed25519"]], [message])
    sreq = wait_status(lambda: sign_request(net.client, sid), {SR_FULFILLED}, 30)
    Ed25519PublicKey.from_public_bytes(ed_pub).verify(
        bytes(sreq.signed_data[0].signed_data), message
    )

    # bitcoin: the chain stores DER; it verifies with the key
    btc_pub = bytes(key_by_id(net.client, key_ids["bitcoin"]).public_key)
    sighash = hashlib.sha256(b"bip143 sighash stand-in").digest()
    sid, _ = net.owner.signature_request([key_ids["bitcoin"]], [sighash])
    sreq = wait_status(lambda: sign_request(net.client, sid), {SR_FULFILLED}, 30)
    der = bytes(sreq.signed_data[0].signed_data)
    assert coincurve.PublicKey(btc_pub).verify(der, sighash, hasher=None)

    # EIP-1559 sign-transaction request -> a raw tx whose sender is the key's EVM address
    chain_id = 11155111
    unsigned = b"\x02" + rlp.encode(
        [chain_id, 3, 10**9, 4 * 10**10, 21000, bytes.fromhex("ab" * 20), 10**16, b"", []]
    )
    meta = AnyProto(
        type_url="/zrchain.treasury.MetadataEthereum",
        value=ttx.MetadataEthereum(chain_id=chain_id).SerializeToString(),
    )
    res = net.owner.send(
        [
            ttx.MsgNewSignTransactionRequest(
                creator=net.owner.address,
                key_ids=[key_ids["ecdsa"]],
                wallet_type=wallet_pb2.WALLET_TYPE_EVM,
                unsigned_transaction=unsigned,
                metadata=meta,
            )
        ]
    )
    out = ttx.MsgNewSignTransactionRequestResponse.FromString(net.owner.responses(res)[0].value)
    sreq = wait_status(
        lambda: sign_request(net.client, out.signature_request_id), {SR_FULFILLED}, 30
    )
    assert bytes(sreq.data_for_signing[0]) == evm_sighash(unsigned, chain_id)
    raw = assemble_signed_evm_tx(
        unsigned, bytes(sreq.signed_data[0].signed_data), chain_id=chain_id
    )
    assert Account.recover_transaction(raw) == evm_address(ecdsa_pub)

    # metrics on loopback count what happened; the keeper counts a fulfilment when its next
    # scan reads it back from the chain, which can be a block after the request's status
    expected = (
        'zrchain_mpc_requests_answered_total{kind="key"} 3.0',
        'zrchain_mpc_requests_answered_total{kind="signature"} 4.0',
    )
    deadline = time.monotonic() + 15
    while True:
        body = urllib.request.urlopen(keeper.metrics_url, timeout=5).read().decode()
        if all(e in body for e in expected) or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    for e in expected:
        assert e in body
    assert "zrchain_mpc_answer_latency_blocks_bucket" in body
    status = json.loads(keeper.cli("status", "--config", str(keeper.config)).stdout)
    assert status["running"] is True and status["keyring"]["is_party"] is True
    # no secret material in what the keeper wrote
    text = keeper.log_path.read_text() + (keeper.home / "stdout.log").read_text()
    assert seed.reveal().hex() not in text and PARTY_SECRETS["p1"].hex() not in text
    assert keeper.stop() == 0
    net.__dict__["one_of_one"] = (kr, key_ids, keeper)


# -- rebuilding a party from its seed file alone ---------------------------------------------------
def test_rebuild_party_from_seed_file_alone(net: Net, keepers: Any, tmp_path: Path) -> None:
    if "one_of_one" not in net.__dict__:
        pytest.skip("needs the keys of the 1-of-1 test")
    kr, key_ids, keeper = net.__dict__["one_of_one"]
    lone = tmp_path / "restored-seed.json"
    shutil.copy2(keeper.seed_file, lone)  # nothing else of the old party is kept
    for key_type, rid in key_ids.items():
        out = keeper.cli(
            "derive", "--seed-file", str(lone), "--keyring-addr", kr, "--key-type", key_type,
            "--key-id", str(rid),
        )  # fmt: skip
        derived = json.loads(out.stdout)["keys"][0]["public_key"]
        assert derived == bytes(key_by_id(net.client, rid).public_key).hex()
    # a new keeper home built on the restored seed verifies every key against the chain
    fresh = net.keeper("k1-restored", "p1", kr, seed_file=lone)
    ids = [a for rid in key_ids.values() for a in ("--key-id", str(rid))]
    out = fresh.cli("verify-keys", "--config", str(fresh.config), *ids)
    assert json.loads(out.stdout)["all_match"] is True


# -- replicated 2-of-3 -----------------------------------------------------------------------------
def test_replicated_two_of_three(net: Net, keepers: Any) -> None:
    names = ("p2", "p3", "p4")
    kr = net.owner.new_keyring([PARTY[n] for n in names], 2)
    first = net.keeper("r2", "p2", kr)
    # the same seed for all three; r3 follows blocks by polling only, r4 queries over gRPC
    variants = {
        "p3": {"follow": {"websocket": False}},
        "p4": {"chain": {"grpc": f"127.0.0.1:{net.node.ports.grpc}"}},
    }
    group = [first] + [
        net.keeper(f"r{n[1]}", n, kr, seed_file=first.seed_file, settings=variants[n])
        for n in names[1:]
    ]
    for k in group:
        k.start()
    for k in group:
        k.wait_event(lambda e: e["event"] == "full_scan")

    def request_key() -> int:
        rid, _ = net.owner.key_request(net.workspace, kr, "ecdsa")
        return rid

    def answered_by(rid: int) -> list[str]:
        return [p.creator for p in key_request(net.client, rid).keyring_party_signatures]

    # all three up: FULFILLED, by at least two distinct parties of the keyring
    rids = [request_key() for _ in range(3)]
    for rid in rids:
        wait_status(lambda r=rid: key_request(net.client, r), {KR_FULFILLED}, 30)
        who = answered_by(rid)
        assert len(who) >= 2 and len(set(who)) == len(who) and set(who) <= {PARTY[n] for n in names}
    kid = rids[0]
    digest = hashlib.sha256(b"two of three").digest()
    sid, _ = net.owner.signature_request([kid], [digest])
    sreq = wait_status(lambda: sign_request(net.client, sid), {SR_FULFILLED}, 30)
    assert len(sreq.keyring_party_sigs) >= 2

    # one keeper stopped: nothing changes
    assert group[2].stop() == 0
    rid = request_key()
    wait_status(lambda: key_request(net.client, rid), {KR_FULFILLED}, 30)
    assert sorted(answered_by(rid)) == sorted([PARTY["p2"], PARTY["p3"]])

    # two stopped: requests stay PARTIAL until one comes back
    assert group[1].stop() == 0
    rid = request_key()
    wait_status(lambda: key_request(net.client, rid), {"KEY_REQUEST_STATUS_PARTIAL"}, 30)
    net.wait_blocks(6)
    req = key_request(net.client, rid)
    assert req.status == "KEY_REQUEST_STATUS_PARTIAL" and answered_by(rid) == [PARTY["p2"]]
    group[2].start()  # back after downtime: its start-up scan finds the PARTIAL request
    wait_status(lambda: key_request(net.client, rid), {KR_FULFILLED}, 30)
    assert sorted(answered_by(rid)) == sorted([PARTY["p2"], PARTY["p4"]])
    modes = [e["mode"] for e in group[1].events() if e["event"] == "follow_mode"]
    assert "websocket" not in modes
    # and every party answered each request at most once, in any tx
    end = net.height()
    for r in [*rids, rid]:
        for n in names:
            total, _ = answers_in_blocks(net.client, PARTY[n], "key", r, 1, end)
            assert total <= 1, (r, n, total)


# -- kill -9 between seeing a request and its tx being committed ---------------------------------
@pytest.mark.parametrize("moment", ["after_record", "after_broadcast"])
def test_kill9_then_restart_answers_exactly_once(net: Net, keepers: Any, moment: str) -> None:
    party = "p5" if moment == "after_record" else "p6"
    kr = net.owner.new_keyring([PARTY[party]], 1)
    pause = "pause_after_persist" if moment == "after_record" else "pause_after_broadcast"
    keeper = net.keeper(f"crash-{moment}", party, kr, settings={"testing": {pause: 30.0}})
    keeper.start().wait_event(lambda e: e["event"] == "full_scan")
    start = net.height()
    rid, _ = net.owner.key_request(net.workspace, kr, "ed25519")
    want = "txs_recorded" if moment == "after_record" else "paused_after_broadcast"
    keeper.wait_event(lambda e: e["event"] == want)
    keeper.kill9()
    cfg = config.load(keeper.config)
    recorded = StateStore(cfg.path(cfg.state.file)).read()
    assert recorded is not None and len(recorded.in_flight) == 1
    recorded_msgs = [m for _, m in fulfil_msgs(recorded.in_flight[0].raw)]
    if moment == "after_record":
        # recorded in the state file, never broadcast: the request is still open
        net.wait_blocks(2)
        assert key_request(net.client, rid).status == "KEY_REQUEST_STATUS_PENDING"
    else:
        # broadcast before the kill: the chain commits it while the keeper is dead
        wait_status(lambda: key_request(net.client, rid), {KR_FULFILLED}, 30)
    keeper.configure({"testing": {pause: 0.0}})
    logged = len(keeper.events())
    keeper.start()
    keeper.wait_event(lambda e: e["event"] == "full_scan", after=logged)
    wait_status(lambda: key_request(net.client, rid), {KR_FULFILLED}, 30)
    net.wait_blocks(3)
    end = net.height()
    # Exactly one successful answer, and it is the one recorded before the kill (its bytes,
    # when the restart came early in the tx's life; else the same message in a new tx with
    # the same sequence), never a fresh one. A copy broadcast just as its timeout height was
    # committed may still land as a failed tx (code 30: no fee, no sequence used); the
    # keeper's early-only rebroadcast makes that rare on a loaded machine, not impossible.
    landed = [
        (code, m)
        for h in range(start, end + 1)
        for raw, code, _ in block_txs(net.client, h)
        for kind, m in fulfil_msgs(raw)
        if kind == "key" and m.request_id == rid and m.creator == PARTY[party]
    ]
    assert [code for code, _ in landed].count(0) == 1, landed
    assert all(code in (0, ErrTxTimeoutHeight.code) for code, _ in landed), landed
    assert {m.SerializeToString() for _, m in landed} == {
        m.SerializeToString() for m in recorded_msgs
    }
    new_txs = [e for e in keeper.events()[logged:] if e["event"] == "txs_recorded"]
    if moment == "after_broadcast":
        assert new_txs == []  # it settled the old tx and sent nothing new
    assert keeper.stop() == 0


# -- malformed requests are rejected on-chain; the keeper keeps going ---------------------------
def test_malformed_requests_rejected_and_keeper_keeps_going(net: Net, keepers: Any) -> None:
    kr = net.owner.new_keyring([PARTY["p7"], PARTY["p8"]], 1)
    # p8 (not running our seed) fulfils a key before our keeper starts: a key this seed
    # never produced
    rid, _ = net.owner.key_request(net.workspace, kr, "ecdsa")
    foreign = keys.public_key(b"\x77" * 32)
    p8 = Actor(net.client, PARTY_SECRETS["p8"])
    psig = sign_party_result(PARTY_SECRETS["p8"], CHAIN_ID, "key", rid, foreign)
    p8.send(
        [
            ttx.MsgFulfilKeyRequest(
                creator=p8.address,
                request_id=rid,
                status=3,
                key=ttx.MsgNewKey(public_key=foreign),
                keyring_party_signature=psig,
            )
        ]
    )
    wait_status(lambda: key_request(net.client, rid), {KR_FULFILLED}, 10)
    keeper = net.keeper("mal", "p7", kr).start()
    keeper.wait_event(lambda e: e["event"] == "full_scan")
    ed, _ = net.owner.key_request(net.workspace, kr, "ed25519")
    wait_status(lambda: key_request(net.client, ed), {KR_FULFILLED}, 30)

    # 1) a signature with the foreign key: rejected, "unknown key"
    sid, _ = net.owner.signature_request([rid], [hashlib.sha256(b"x").digest()])
    sreq = wait_status(lambda: sign_request(net.client, sid), {SR_REJECTED}, 30)
    assert f"unknown key {rid}" in sreq.reject_reason
    # 2) an ed25519 request whose second element is empty (the chain's length rule lets it
    #    through): that child is rejected with the reason, which rejects its whole tree
    res = net.owner.send(
        [
            ttx.MsgNewSignatureRequest(
                creator=net.owner.address, key_ids=[ed, ed], data_for_signing=b"hello".hex() + ","
            )
        ]
    )
    root = ttx.MsgNewSignatureRequestResponse.FromString(
        net.owner.responses(res)[0].value
    ).sig_req_id
    wait_status(lambda: sign_request(net.client, root), {SR_REJECTED}, 30)
    children = list(sign_request(net.client, root).child_req_ids)
    reasons = [sign_request(net.client, c).reject_reason for c in children]
    assert any("payload for an ed25519 key is empty" in r for r in reasons), reasons
    # 3) and it keeps going: the next good request is answered
    good, _ = net.owner.signature_request([ed], [b"fine message"])
    wait_status(lambda: sign_request(net.client, good), {SR_FULFILLED}, 30)
    assert keeper.running
    refused = [e for e in keeper.events() if e["event"] == "request_refused"]
    assert len(refused) >= 2
    body = urllib.request.urlopen(keeper.metrics_url, timeout=5).read().decode()
    assert 'zrchain_mpc_requests_rejected_total{kind="signature"}' in body
    assert keeper.stop() == 0
