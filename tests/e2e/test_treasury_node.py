"""Treasury end to end on a real node (CometBFT + zrchaind), through the zrchaind CLI as a
subprocess and through cosmpy: a 2-of-3 keyring, key requests answered by parties with
attested public keys, a signature over a hash, an EIP-1559 sign-transaction request whose
result is a broadcastable raw tx, keyring fees (escrow, payout with commission, refunds on
rejection and timeout) and zrSign key requests from the connector account."""

from __future__ import annotations

import base64
import hashlib
import json
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import coincurve
import pytest
import rlp
from cosmpy.aerial.client import LedgerClient, NetworkConfig
from cosmpy.aerial.client.utils import prepare_and_broadcast_basic_transaction
from cosmpy.aerial.tx import Transaction
from cosmpy.aerial.wallet import LocalWallet
from eth_account import Account
from eth_utils import to_checksum_address

from zrchain.chains.evm import assemble_signed_evm_tx, evm_address
from zrchain.client.chain import ChainClient
from zrchain.codec.address import acc_string, decode
from zrchain.codec.gen.zrchain.treasury import mpcsign_pb2
from zrchain.codec.gen.zrchain.treasury import tx_pb2 as ttx
from zrchain.localnet_setup import dev_mnemonic
from zrchain.testing.node import TestNode, zrchaind
from zrchain.x.identity.types import keyring_address, workspace_address
from zrchain.x.treasury.party import KIND_SIGNATURE, sign_party_result

pytestmark = pytest.mark.node

NAMES = ("alice", "p1", "p2", "p3", "outsider", "zrsign")
FEES = 60_000  # urock per CLI tx (--gas 600000 at 0.1urock/gas)
KEY_FEE, SIG_FEE, COMMISSION = 1_000, 300, 10
# Blocks a request may stay open. The shared node's requests must outlive any CLI round trip
# on a loaded machine (a 2-of-3 answer is several subprocess calls; at ~3.5 blocks/s, 120
# blocks was outrun under CI load); the timeout flow runs on its own node with a short one.
MPC_BTL = 100_000
SHORT_MPC_BTL = 20
KEYRING = keyring_address(1)
WORKSPACE = workspace_address(1)
ESCROW = "zen16y5ww0g2nmd928fnkrr9708uv78hetndw5uyvr"
COLLECTOR = "zen1a2q8gs3x4c0q9a99hapl8p9tyhxhhwvetrvure"
# The test's stand-in for the MPC: its public key is registered, it signs hashes.
MPC_SECRET = hashlib.sha256(b"treasury e2e mpc key").digest()
MPC_PUBKEY = coincurve.PrivateKey(MPC_SECRET).public_key.format()
OWNER = to_checksum_address("0xbe27e519a220d4336a5f9d08c7fa542175e30da0")


def mnemonic(name: str) -> str:
    return dev_mnemonic(f"treasury-e2e-{name}")


WALLETS = {n: LocalWallet.from_mnemonic(mnemonic(n), prefix="zen") for n in NAMES}
ADDR = {n: str(w.address()) for n, w in WALLETS.items()}


def _treasury_node(tmp: Any, mpc_btl: int) -> TestNode:
    """A started single-validator node whose genesis funds ``NAMES`` and sets the treasury
    params (connector, MPC keyring, commission, ``default_btl``)."""
    n = TestNode(tmp)
    home = str(n.home)
    zrchaind("init", "treasury", "--chain-id", "zenrock", "--home", home)
    n.configure()
    n.add_genesis_validator()  # gentx + collect-gentxs, as an operator
    for name in NAMES:
        zrchaind(
            "keys",
            "add",
            name,
            "--recover",
            "--keyring-backend",
            "test",
            "--home",
            home,
            input=mnemonic(name) + "\n",
        )
        zrchaind("genesis", "add-genesis-account", name, "100000000000urock", "--home", home)
    doc = n.genesis()
    state = doc["app_state"]
    state["identity"]["params"]["keyring_creation_fee"] = "0"
    state["treasury"]["params"].update(
        zr_sign_address=ADDR["zrsign"],
        mpc_keyring=KEYRING,
        keyring_commission=str(COMMISSION),
        default_btl=str(mpc_btl),
    )
    n.write_genesis(doc)
    assert "valid genesis" in zrchaind("genesis", "validate", "--home", home).stdout
    return n.start()


@contextmanager
def _node_with_keyring(tmp: Any, mpc_btl: int) -> Iterator[TestNode]:
    n = _treasury_node(tmp, mpc_btl)
    try:
        _setup_keyring_and_workspace(n)
        yield n
    finally:
        n.stop()


@pytest.fixture(scope="module")
def node(tmp_path_factory):
    with _node_with_keyring(tmp_path_factory.mktemp("treasury"), MPC_BTL) as n:
        yield n


@pytest.fixture
def short_btl_node(tmp_path_factory):
    with _node_with_keyring(tmp_path_factory.mktemp("treasury-btl"), SHORT_MPC_BTL) as n:
        yield n


# -- CLI helpers ----------------------------------------------------------------------------------
def tx(n: TestNode, who: str, *args: str) -> Any:
    """Sign and broadcast with the CLI, then wait for the block: the DeliverTx result."""
    out = zrchaind(
        "tx", *args, "--from", who, "--keyring-backend", "test", "--home", str(n.home),
        "--node", n.rpc_url, "--chain-id", "zenrock", "--gas", "600000",
        "--fees", f"{FEES}urock", "-y", "-o", "json", check=False,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    res = json.loads(out.stdout)
    assert res["code"] == 0, res
    return ChainClient(n.rpc_url).wait_tx(res["txhash"])


def ok(res: Any) -> Any:
    assert res.code == 0, res.raw_log
    return res


def event_ids(res: Any, type_: str) -> list[int]:
    return [
        int(a.value)
        for ev in res.events
        if ev.type == type_
        for a in ev.attributes
        if a.key == "request_id"
    ]


def q(n: TestNode, *args: str) -> Any:
    out = zrchaind("q", *args, "--node", n.rpc_url, "-o", "json")
    return json.loads(out.stdout)


def balance(n: TestNode, who: str, height: int | None = None) -> int:
    addr = ADDR.get(who, who)
    if addr.startswith("keyring1"):
        addr = acc_string(decode(addr)[1])
    at = ("--height", str(height)) if height is not None else ()
    got = q(n, "bank", "balances", addr, "--denom", "urock", *at)
    return int(got["balance"]["amount"])


def _setup_keyring_and_workspace(n: TestNode) -> None:
    ok(tx(n, "alice", "identity", "new-keyring", "mpc", str(KEY_FEE), str(SIG_FEE), "false"))
    for p in ("p1", "p2", "p3"):
        ok(tx(n, "alice", "identity", "add-keyring-party", KEYRING, ADDR[p]))
    ok(
        tx(
            n,
            "alice",
            "identity",
            "update-keyring",
            KEYRING,
            "true",
            "2",
            str(KEY_FEE),
            str(SIG_FEE),
            "mpc",
        )
    )
    ok(tx(n, "alice", "identity", "new-workspace"))
    kr = q(n, "identity", "keyring-by-address", KEYRING)["keyring"]
    assert kr["party_threshold"] == 2 and len(kr["parties"]) == 3
    assert q(n, "identity", "workspace-by-address", WORKSPACE)["workspace"]["owners"] == [
        ADDR["alice"]
    ]


def new_key_request(n: TestNode) -> int:
    res = ok(tx(n, "alice", "treasury", "new-key-request", WORKSPACE, KEYRING, "ecdsa"))
    (rid,) = event_ids(res, "new_key_request")
    return rid


def fulfil_key(n: TestNode, party: str, rid: int) -> Any:
    key = json.dumps({"public_key": base64.b64encode(MPC_PUBKEY).decode()})
    return tx(
        n, party, "treasury", "fulfil-key-request", str(rid), "fulfilled", "auto", "--key", key
    )


def key_request(n: TestNode, rid: int) -> dict:
    return q(n, "treasury", "key-request-by-id", str(rid))["key_request"]


# -- the flows ------------------------------------------------------------------------------------
def test_key_request_lifecycle_with_fees(node) -> None:
    a0, e0, k0 = (balance(node, x) for x in ("alice", ESCROW, KEYRING))
    rid = new_key_request(node)
    assert key_request(node, rid)["status"] == "KEY_REQUEST_STATUS_PENDING"
    assert balance(node, "alice") == a0 - FEES - KEY_FEE  # the fee is escrowed at request time
    assert balance(node, ESCROW) == e0 + KEY_FEE

    ok(fulfil_key(node, "p1", rid))
    r = key_request(node, rid)
    assert r["status"] == "KEY_REQUEST_STATUS_PARTIAL"
    assert [p["creator"] for p in r["keyring_party_signatures"]] == [ADDR["p1"]]

    refused = fulfil_key(node, "outsider", rid)
    assert refused.code != 0 and "only one party of the keyring" in refused.raw_log
    assert key_request(node, rid)["status"] == "KEY_REQUEST_STATUS_PARTIAL"

    p2 = balance(node, "p2")
    h = int(ok(fulfil_key(node, "p2", rid)).height)
    assert key_request(node, rid)["status"] == "KEY_REQUEST_STATUS_FULFILLED"
    assert balance(node, "p2") == p2 - FEES  # a party pays nothing but its tx fee
    commission = KEY_FEE * COMMISSION // 100
    assert balance(node, KEYRING) == k0 + KEY_FEE - commission
    # x/mint claims the keyring collector at every begin block: read it around the tx's block
    assert balance(node, COLLECTOR, h) == balance(node, COLLECTOR, h - 1) + commission
    assert balance(node, ESCROW) == e0

    keys = q(node, "treasury", "keys", "--wallet-type", "evm")["keys"]
    mine = [k for k in keys if int(k["key"]["id"]) == rid]
    assert mine and mine[0]["wallets"] == [
        {"address": evm_address(MPC_PUBKEY), "type": "WALLET_TYPE_EVM"}
    ]
    assert base64.b64decode(mine[0]["key"]["public_key"]) == MPC_PUBKEY
    # the same key through the REST gateway (grpc-gateway JSON)
    url = f"http://127.0.0.1:{node.ports.api}/zrchain/treasury/key_by_id/{rid}/WALLET_TYPE_EVM/zen"
    with urllib.request.urlopen(url, timeout=10) as resp:
        body = json.loads(resp.read())
    assert body["key"]["id"] == str(rid)
    assert body["wallets"] == [{"address": evm_address(MPC_PUBKEY), "type": "WALLET_TYPE_EVM"}]


def _ensure_key(n: TestNode) -> int:
    for k in q(n, "treasury", "keys", "--workspace-addr", WORKSPACE)["keys"]:
        if base64.b64decode(k["key"]["public_key"]) == MPC_PUBKEY:
            return int(k["key"]["id"])
    rid = new_key_request(n)
    ok(fulfil_key(n, "p1", rid))
    ok(fulfil_key(n, "p2", rid))
    return rid


@pytest.fixture(scope="module")
def lc(node) -> LedgerClient:
    return LedgerClient(
        NetworkConfig(
            chain_id="zenrock",
            url=node.grpc_url,
            fee_minimum_gas_price=0.0001,
            fee_denomination="urock",
            staking_denomination="urock",
        )
    )


def _send(lc: LedgerClient, who: str, msg: Any) -> Any:
    t = Transaction()
    t.add_message(msg)
    submitted = prepare_and_broadcast_basic_transaction(lc, t, WALLETS[who])
    submitted.wait_to_complete()
    return submitted


def _fee_paid(n: TestNode, tx_hash: str) -> int:
    from cosmpy.protos.cosmos.tx.v1beta1.tx_pb2 import Tx

    res = ChainClient(n.rpc_url).get_tx(tx_hash)
    t = Tx()
    res.tx.Unpack(t)
    return sum(int(c.amount) for c in t.auth_info.fee.amount if c.denom == "urock")


def test_signature_over_a_hash_with_cosmpy(node, lc) -> None:
    kid = _ensure_key(node)
    digest = hashlib.sha256(b"pay 5 to bob").digest()
    a0, k0 = lc.query_bank_balance(WALLETS["alice"].address()), balance(node, KEYRING)
    sub = _send(
        lc,
        "alice",
        ttx.MsgNewSignatureRequest(
            creator=ADDR["alice"], key_ids=[kid], data_for_signing=digest.hex(), cache_id=b"e2e-1"
        ),
    )
    assert sub.response.code == 0, sub.response.raw_log
    sid = int(sub.response.events["new_sign_request"]["request_id"])
    assert lc.query_bank_balance(WALLETS["alice"].address()) == (
        a0 - _fee_paid(node, sub.tx_hash) - SIG_FEE
    )
    signature = coincurve.PrivateKey(MPC_SECRET).sign_recoverable(digest, hasher=None)
    for party in ("p1", "p2"):
        psig = sign_party_result(
            WALLETS[party].signer().private_key_bytes, "zenrock", KIND_SIGNATURE, sid, signature
        )
        sub = _send(
            lc,
            party,
            ttx.MsgFulfilSignatureRequest(
                creator=ADDR[party],
                request_id=sid,
                status=mpcsign_pb2.SIGN_REQUEST_STATUS_FULFILLED,
                signed_data=signature,
                keyring_party_signature=psig,
            ),
        )
        assert sub.response.code == 0, sub.response.raw_log
    r = q(node, "treasury", "signature-request-by-id", str(sid))["sign_request"]
    assert r["status"] == "SIGN_REQUEST_STATUS_FULFILLED"
    stored = base64.b64decode(r["signed_data"][0]["signed_data"])
    assert stored == signature
    recovered = coincurve.PublicKey.from_signature_and_message(stored, digest, hasher=None)
    assert recovered.format() == MPC_PUBKEY
    der = coincurve.PrivateKey(MPC_SECRET).sign(digest, hasher=None)
    assert coincurve.PublicKey(MPC_PUBKEY).verify(der, digest, hasher=None)
    assert balance(node, KEYRING) == k0 + SIG_FEE - SIG_FEE * COMMISSION // 100
    # the same cache id again is refused (the bridge's exactly-once guarantee)
    t = Transaction()
    t.add_message(
        ttx.MsgNewSignatureRequest(
            creator=ADDR["alice"], key_ids=[kid], data_for_signing=digest.hex(), cache_id=b"e2e-1"
        )
    )
    with pytest.raises(Exception, match="already used"):
        prepare_and_broadcast_basic_transaction(lc, t, WALLETS["alice"]).wait_to_complete()


def test_eip1559_sign_transaction_request(node) -> None:
    kid = _ensure_key(node)
    to = bytes.fromhex("ab" * 20)
    body = [11155111, 4, 10**9, 3 * 10**9, 21000, to, 12345, b"", []]
    unsigned = b"\x02" + rlp.encode(body)
    meta = json.dumps({"@type": "/zrchain.treasury.MetadataEthereum", "chain_id": "11155111"})
    res = ok(
        tx(
            node, "alice", "treasury", "new-sign-transaction-request", str(kid), "evm",
            unsigned.hex(), "--metadata", meta,
        )
    )  # fmt: skip
    (tid,) = event_ids(res, "new_sign_request")
    t = q(node, "treasury", "sign-transaction-request-by-id", str(tid))["sign_transaction_request"]
    sid = int(t["sign_request_id"])
    r = q(node, "treasury", "signature-request-by-id", str(sid))["sign_request"]
    digest = base64.b64decode(r["data_for_signing"][0])
    sig = coincurve.PrivateKey(MPC_SECRET).sign_recoverable(digest, hasher=None)
    for party in ("p1", "p2"):
        ok(
            tx(
                node, party, "treasury", "fulfil-signature-request", str(sid), "fulfilled",
                "auto", "--signed-data", sig.hex(),
            )
        )  # fmt: skip
    r = q(node, "treasury", "signature-request-by-id", str(sid))["sign_request"]
    assert r["status"] == "SIGN_REQUEST_STATUS_FULFILLED"
    signed = base64.b64decode(r["signed_data"][0]["signed_data"])
    raw = assemble_signed_evm_tx(unsigned, signed, chain_id=11155111)
    assert raw[0] == 2
    assert Account.recover_transaction(raw) == evm_address(MPC_PUBKEY)
    decoded = rlp.decode(raw[1:])
    assert decoded[5] == to and int.from_bytes(decoded[6], "big") == 12345


def test_refund_on_rejection(node) -> None:
    a0 = balance(node, "alice")
    rid = new_key_request(node)
    assert balance(node, "alice") == a0 - FEES - KEY_FEE
    res = ok(
        tx(
            node,
            "p3",
            "treasury",
            "fulfil-key-request",
            str(rid),
            "rejected",
            "",
            "--reject-reason",
            "no",
        )
    )
    assert event_ids(res, "key_request_rejected") == [rid]
    assert key_request(node, rid)["status"] == "KEY_REQUEST_STATUS_REJECTED"
    assert balance(node, "alice") == a0 - FEES  # exactly the escrowed fee came back


def test_refund_on_timeout(short_btl_node) -> None:
    n = short_btl_node
    a1 = balance(n, "alice")
    res = ok(tx(n, "alice", "treasury", "new-key-request", WORKSPACE, KEYRING, "ecdsa"))
    (rid,) = event_ids(res, "new_key_request")
    # read at the request's height: the short deadline may already have passed by now
    assert balance(n, "alice", height=int(res.height)) == a1 - FEES - KEY_FEE
    deadline = int(key_request(n, rid)["mpc_btl"])
    assert deadline == int(res.height) + SHORT_MPC_BTL
    n.wait_height(deadline + 2, timeout=60)
    r = key_request(n, rid)
    assert (r["status"], r["reject_reason"]) == (
        "KEY_REQUEST_STATUS_REJECTED",
        "Key request timed out",
    )
    assert balance(n, "alice") == a1 - FEES  # exactly the escrowed fee came back
    late = fulfil_key(n, "p1", rid)  # a timed-out request takes no more answers
    assert late.code != 0 and "is not pending/partial" in late.raw_log
    assert balance(n, "alice") == a1 - FEES


def test_zrsign_key_requests_from_the_connector(node) -> None:
    def zr_key(owner: str, index: int) -> Any:
        return ok(
            tx(
                node, "zrsign", "treasury", "new-key-request", "", "", "",
                "--ext-requester", owner, "--ext-key-type", "60", "--index", str(index),
            )
        )  # fmt: skip

    res = zr_key(OWNER, 0)
    (rid,) = event_ids(res, "new_key_request")
    r = key_request(node, rid)
    assert r["creator"] == OWNER.lower() and r["keyring_addr"] == KEYRING
    owned = q(node, "identity", "workspaces", "--creator", OWNER.lower())["workspaces"]
    parent = [w for w in owned if w["child_workspaces"]]
    assert len(owned) == 2 and len(parent) == 1
    child = q(node, "identity", "workspace-by-address", r["workspace_addr"])["workspace"]
    assert child["alias"] == "60" and parent[0]["child_workspaces"] == [r["workspace_addr"]]

    # the same (owner, wallet type, index) from another network / spelling: no new request
    again = zr_key(OWNER.lower(), 0)
    assert event_ids(again, "new_key_request") == []
    listed = q(node, "treasury", "key-requests", "--workspace-addr", r["workspace_addr"])
    assert [int(x["id"]) for x in listed["key_requests"]] == [rid]
    assert len(q(node, "identity", "workspaces", "--creator", OWNER.lower())["workspaces"]) == 2

    # another index is another key in the same child workspace
    (rid2,) = event_ids(zr_key(OWNER, 1), "new_key_request")
    listed = q(node, "treasury", "key-requests", "--workspace-addr", r["workspace_addr"])
    assert [int(x["id"]) for x in listed["key_requests"]] == [rid, rid2]

    ok(fulfil_key(node, "p1", rid))
    ok(fulfil_key(node, "p2", rid))
    got = q(node, "treasury", "zr-sign-keys", OWNER, "--wallet-type", "60")["Keys"]
    assert got == [
        {"walletType": "60", "address": evm_address(MPC_PUBKEY), "index": "0", "id": str(rid)}
    ]
