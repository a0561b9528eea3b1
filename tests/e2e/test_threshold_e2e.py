"""Threshold keyrings end to end: a real node (CometBFT + zrchaind), three real keeper
processes with the ``threshold`` backend on a 2-of-3 keyring, talking over their Noise
channels on 127.0.0.1, and (last test) the EVM bridge with our zrSign contract on anvil.
Every process is started and stopped here by PID.

The keyring is zrSign's ``mpc_keyring`` (genesis), so the bridge's requests land on it too.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import coincurve
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from eth_account import Account
from eth_utils import keccak, to_checksum_address

from zrchain.chains.evm import evm_address
from zrchain.client.chain import ChainClient
from zrchain.crypto import keys
from zrchain.mpc.noise import HandshakeError, Identity, connect_handshake, prologue
from zrchain.mpc.testing import (
    Actor,
    KeeperProcess,
    block_txs,
    free_port,
    fulfil_msgs,
    key_by_id,
    key_request,
    sign_request,
    wait_status,
)
from zrchain.testing.node import TestNode, zrchaind

pytestmark = pytest.mark.node

CHAIN_ID = "zenrock"
OWNER = hashlib.sha256(b"threshold e2e owner").digest()
PARTY_SECRETS = [hashlib.sha256(f"threshold e2e party {i}".encode()).digest() for i in range(3)]
PARTIES = [keys.account_address(keys.public_key(s)) for s in PARTY_SECRETS]
FUNDS = "100000000000urock"
KR_FULFILLED = "KEY_REQUEST_STATUS_FULFILLED"
SR_FULFILLED = "SIGN_REQUEST_STATUS_FULFILLED"


class Env:
    def __init__(self, node: TestNode, base: Path, keyring: str, dev: dict[str, str]) -> None:
        self.node, self.base, self.keyring, self.dev = node, base, keyring, dev
        self.client = ChainClient(node.rpc_url, CHAIN_ID)
        self.owner = Actor(self.client, OWNER)
        self.workspace = ""
        self.ports = [free_port() for _ in PARTIES]
        self.keepers: list[KeeperProcess] = []

    def keeper(self, i: int, **testing: Any) -> KeeperProcess:
        peers = [f"{PARTIES[j]}@127.0.0.1:{self.ports[j]}" for j in range(3) if j != i]
        k = KeeperProcess(
            self.base,
            f"party{i}",
            self.node.rpc_url,
            CHAIN_ID,
            self.keyring,
            PARTY_SECRETS[i],
            settings={
                "signer": {"backend": "threshold"},
                "threshold": {
                    "listen": f"127.0.0.1:{self.ports[i]}",
                    "peers": peers,
                    "round_timeout": 6.0,
                    "offer_timeout": 6.0,
                },
                "testing": testing,
            },
        )
        self.keepers.append(k)
        return k

    def height(self) -> int:
        return int(self.client.rpc.latest_height())


def fulfilments(env: Env, kind: str, rid: int, start: int) -> dict[str, bytes]:
    """party -> the result it put into a block for this request (failed txs included)."""
    out: dict[str, bytes] = {}
    for h in range(start, env.height() + 1):
        for raw, _code, _ in block_txs(env.client, h):
            for k, msg in fulfil_msgs(raw):
                if k == kind and msg.request_id == rid:
                    out[msg.creator] = (
                        bytes(msg.key.public_key) if kind == "key" else bytes(msg.signed_data)
                    )
    return out


def wait_for(pred: Callable[[], Any], timeout: float = 90.0, what: str = "") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = pred()
        if got:
            return got
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    from zrchain.localnet_setup import create_dev_keys, fund_dev_accounts
    from zrchain.testing.genesis import add_account
    from zrchain.x.identity.types import keyring_address

    base = tmp_path_factory.mktemp("threshold")
    node = TestNode(base)
    node.init()
    dev = create_dev_keys(node.home)
    kr = keyring_address(1)
    doc = node.genesis()
    fund_dev_accounts(doc, dev)
    state = doc["app_state"]
    for addr in [keys.account_address(keys.public_key(OWNER)), *PARTIES]:
        add_account(state, addr, FUNDS)
    state["identity"]["keyrings"] = [
        {
            "address": kr,
            "creator": dev["validator"],
            "description": "threshold 2-of-3",
            "admins": [dev["validator"]],
            "parties": PARTIES,
            "party_threshold": 2,
            "key_req_fee": "0",
            "sig_req_fee": "0",
            "is_active": True,
        }
    ]
    state["identity"]["params"]["keyring_creation_fee"] = "0"
    state["treasury"]["params"]["default_btl"] = "2000"
    state["treasury"]["params"]["mpc_keyring"] = kr
    state["treasury"]["params"]["zr_sign_address"] = dev["relayer"]
    node.write_genesis(doc)
    node.start()
    e = Env(node, base, kr, dev)
    try:
        e.workspace = e.owner.new_workspace()
        yield e
    finally:
        for k in e.keepers:
            k.stop()
        node.stop()


@pytest.fixture(scope="module")
def running(env: Env) -> list[KeeperProcess]:
    ks = [env.keeper(i).start() for i in range(3)]
    for k in ks:
        k.wait_event(lambda ev: ev.get("event") == "keeper_started", timeout=60)
    return ks


@pytest.fixture(scope="module")
def ecdsa_key(env: Env, running: list[KeeperProcess]) -> tuple[int, bytes]:
    start = env.height()
    rid, _ = env.owner.key_request(env.workspace, env.keyring, "ecdsa")
    wait_status(lambda: key_request(env.client, rid), {KR_FULFILLED}, timeout=120)
    key = key_by_id(env.client, rid)
    # every party generated (and answered) the same public key
    for k in running:
        k.wait_event(
            lambda ev: ev.get("event") == "key_generated" and ev.get("key_id") == rid, timeout=60
        )
    wait_for(lambda: len(fulfilments(env, "key", rid, start)) == 3, what="three key answers")
    answers = fulfilments(env, "key", rid, start)
    assert set(answers) == set(PARTIES)
    assert set(answers.values()) == {bytes(key.public_key)}
    return rid, bytes(key.public_key)


def _status(k: KeeperProcess) -> dict[str, Any]:
    return dict(json.loads(k.cli("status", "--config", str(k.config)).stdout))


def test_ecdsa_key_same_public_key_from_all_parties_and_shares_listed(
    env: Env, running: list[KeeperProcess], ecdsa_key: tuple[int, bytes]
) -> None:
    rid, pk = ecdsa_key
    assert len(pk) == 33
    indices = set()
    for k in running:
        st = _status(k)
        assert st["backend"] == "threshold"
        held = {r["key_id"]: r for r in st["threshold"]["keys"]}
        assert held[rid]["public_key"] == pk.hex()
        assert held[rid]["state"] == "active" and held[rid]["scheme"] == "dkls23"
        assert (held[rid]["threshold"], held[rid]["parties"]) == (2, 3)
        indices.add(held[rid]["party_index"])
        # the share file is sealed: the public key is there, no share bytes in clear
        share_file = k.home / "shares" / f"key-{rid}.json"
        assert oct(share_file.stat().st_mode & 0o777) == "0o600"
    assert indices == {1, 2, 3}
    # the same through the zrchaind CLI
    out = zrchaind("mpc-keeper", "status", "--config", str(running[0].config))
    listed = json.loads(out.stdout)["threshold"]["keys"]
    assert any(r["key_id"] == rid and r["public_key"] == pk.hex() for r in listed)


def test_ecdsa_signature_all_up_recovers_to_evm_address(
    env: Env, running: list[KeeperProcess], ecdsa_key: tuple[int, bytes]
) -> None:
    rid, pk = ecdsa_key
    digest = keccak(text="threshold signature, all parties up")
    sid, _ = env.owner.signature_request([rid], [digest])
    req = wait_status(lambda: sign_request(env.client, sid), {SR_FULFILLED}, timeout=90)
    sig = bytes(req.signed_data[0].signed_data)
    assert len(sig) == 65
    rec = coincurve.PublicKey.from_signature_and_message(sig, digest, hasher=None)
    assert rec.format(compressed=True) == pk
    assert Account._recover_hash(digest, signature=sig[:64] + bytes([27 + sig[64]])) == (
        to_checksum_address(evm_address(pk))
    )


def test_ed25519_key_and_signature(env: Env, running: list[KeeperProcess]) -> None:
    start = env.height()
    rid, _ = env.owner.key_request(env.workspace, env.keyring, "eddsa")
    wait_status(lambda: key_request(env.client, rid), {KR_FULFILLED}, timeout=90)
    pk = bytes(key_by_id(env.client, rid).public_key)
    wait_for(lambda: len(fulfilments(env, "key", rid, start)) == 3, what="three key answers")
    assert set(fulfilments(env, "key", rid, start).values()) == {pk}
    message = b"a solana message, signed by two of three"
    sid, _ = env.owner.signature_request([rid], [message])
    req = wait_status(lambda: sign_request(env.client, sid), {SR_FULFILLED}, timeout=90)
    Ed25519PublicKey.from_public_bytes(pk).verify(bytes(req.signed_data[0].signed_data), message)


def test_signature_with_third_party_stopped(
    env: Env, running: list[KeeperProcess], ecdsa_key: tuple[int, bytes]
) -> None:
    rid, pk = ecdsa_key
    running[2].stop()
    try:
        start = env.height()
        digest = keccak(text="two parties sign while the third is stopped")
        sid, _ = env.owner.signature_request([rid], [digest])
        req = wait_status(lambda: sign_request(env.client, sid), {SR_FULFILLED}, timeout=90)
        sig = bytes(req.signed_data[0].signed_data)
        rec = coincurve.PublicKey.from_signature_and_message(sig, digest, hasher=None)
        assert rec.format(compressed=True) == pk
        answers = fulfilments(env, "signature", sid, start)
        assert set(answers) == {PARTIES[0], PARTIES[1]}
        assert set(answers.values()) == {sig}
    finally:
        running[2].start()
        running[2].wait_event(lambda ev: ev.get("event") == "keeper_started", timeout=60)


def test_keeper_killed_mid_signing_is_answered_by_the_others(
    env: Env, running: list[KeeperProcess], ecdsa_key: tuple[int, bytes]
) -> None:
    rid, pk = ecdsa_key
    victim, other, late = running
    late.stop()  # with the third party away, the victim must be one of the two signers
    victim.stop()
    victim.configure({"testing": {"threshold_round_delay": 1.5}})  # slow rounds: killable
    victim.start()
    victim.wait_event(lambda ev: ev.get("event") == "keeper_started", timeout=60)
    after = len(victim.events())
    digest = keccak(text="a keeper dies in the middle of the protocol")
    sid, _ = env.owner.signature_request([rid], [digest])
    victim.wait_event(
        lambda ev: (
            ev.get("event") == "threshold_run_started"
            and ev.get("session", "").endswith(f"/signature/{sid}")
        ),
        timeout=60,
        after=after,
    )
    victim.kill9()
    late.start()  # the two others finish it with a fresh run
    req = wait_status(lambda: sign_request(env.client, sid), {SR_FULFILLED}, timeout=120)
    sig = bytes(req.signed_data[0].signed_data)
    rec = coincurve.PublicKey.from_signature_and_message(sig, digest, hasher=None)
    assert rec.format(compressed=True) == pk
    runs = [
        ev
        for ev in other.events()
        if ev.get("event") == "threshold_run" and ev.get("session", "").endswith(f"/{sid}")
    ]
    assert [ev["outcome"] for ev in runs][-1] == "ok"
    assert any(ev["outcome"] != "ok" for ev in runs)  # the run with the victim was abandoned
    assert runs[-1]["signers"] == [2, 3]
    victim.configure({"testing": {"threshold_round_delay": 0.0}})
    victim.start()
    for k in running:
        k.wait_event(lambda ev: ev.get("event") == "keeper_started", timeout=60)


def test_keeper_killed_mid_keygen_key_answered_after_restart(
    env: Env, running: list[KeeperProcess]
) -> None:
    victim = running[1]
    after = len(victim.events())
    rid, _ = env.owner.key_request(env.workspace, env.keyring, "ecdsa")
    victim.wait_event(
        lambda ev: (
            ev.get("event") == "threshold_run_started"
            and ev.get("session", "").endswith(f"/key/{rid}")
        ),
        timeout=60,
        after=after,
    )
    victim.kill9()
    time.sleep(3.0)
    assert key_request(env.client, rid).status != KR_FULFILLED  # keygen needs every party
    victim.start()
    wait_status(lambda: key_request(env.client, rid), {KR_FULFILLED}, timeout=180)
    pk = bytes(key_by_id(env.client, rid).public_key)
    for k in running:
        wait_for(
            lambda k=k: any(
                r["key_id"] == rid and r["state"] == "active" and r["public_key"] == pk.hex()
                for r in _status(k)["threshold"]["keys"]
            ),
            what=f"active share at {k.name}",
        )


def test_refresh_from_the_cli_changes_shares_not_keys(
    env: Env, running: list[KeeperProcess], ecdsa_key: tuple[int, bytes]
) -> None:
    rid, pk = ecdsa_key
    before = {k.name: (k.home / "shares" / f"key-{rid}.json").read_bytes() for k in running}
    out = running[2].cli("refresh", "--config", str(running[2].config), "--key-id", str(rid))
    assert json.loads(out.stdout)["keys"] == [
        {"key_id": rid, "epoch_before": 0, "epoch": 1, "refreshed": True}
    ]
    for k in running:  # the other parties joined by themselves
        wait_for(
            lambda k=k: any(
                r["key_id"] == rid and r["epoch"] == 1 and r["state"] == "active"
                for r in _status(k)["threshold"]["keys"]
            ),
            what=f"refreshed share at {k.name}",
        )
        held = {r["key_id"]: r for r in _status(k)["threshold"]["keys"]}
        assert held[rid]["public_key"] == pk.hex()
        assert (k.home / "shares" / f"key-{rid}.json").read_bytes() != before[k.name]
    digest = keccak(text="signed with refreshed shares")
    sid, _ = env.owner.signature_request([rid], [digest])
    req = wait_status(lambda: sign_request(env.client, sid), {SR_FULFILLED}, timeout=90)
    rec = coincurve.PublicKey.from_signature_and_message(
        bytes(req.signed_data[0].signed_data), digest, hasher=None
    )
    assert rec.format(compressed=True) == pk
    # a refresh of a key the party holds no share of is refused with a clear error
    bad = running[2].cli("refresh", "--config", str(running[2].config), "--key-id", "999",
                         check=False)  # fmt: skip
    assert bad.returncode == 1 and "no active share of key 999" in bad.stderr


def test_unknown_peer_is_refused(env: Env, running: list[KeeperProcess]) -> None:
    target = running[0]
    stranger = hashlib.sha256(b"not a party").digest()
    ident = Identity(keys.public_key(stranger), lambda d: keys.sign(stranger, d))
    member = Identity(keys.public_key(PARTY_SECRETS[1]), lambda d: keys.sign(PARTY_SECRETS[1], d))

    async def attempt(identity: Identity, keyring: str) -> str:
        reader, writer = await asyncio.open_connection("127.0.0.1", env.ports[0])
        try:
            ch = await asyncio.wait_for(
                connect_handshake(
                    reader, writer, prologue(CHAIN_ID, keyring), identity, lambda a: True, 1 << 20
                ),
                5.0,
            )
            await ch.send(b"\x01" + b"\x00" * 40)
            try:
                got = await asyncio.wait_for(reader.read(1), 5.0)  # the keeper closes on us
            except ConnectionResetError:
                return "closed"  # closed with our frame unread: the kernel sends RST, not FIN
            return "closed" if got == b"" else "open"
        except (HandshakeError, ConnectionError, asyncio.IncompleteReadError) as exc:
            return f"refused: {type(exc).__name__}"
        finally:
            writer.close()

    before = len(target.events())
    assert asyncio.run(attempt(ident, env.keyring)) == "closed"
    # a party of the keyring, but a channel for another keyring: the handshake fails
    assert asyncio.run(attempt(member, "keyring1otherkeyring")).startswith("refused")
    refused = target.wait_event(
        lambda ev: ev.get("event") == "peer_refused" and "unknown peer" in ev.get("reason", ""),
        after=before,
    )
    assert keys.account_address(keys.public_key(stranger)) in refused["reason"]


# -- the EVM bridge with the threshold keyring ---------------------------------------------------


def _die_with_parent() -> None:
    import ctypes

    os.setsid()
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)


@pytest.mark.evm
@pytest.mark.usefixtures("needs_anvil", "needs_solcjs")
def test_zrsign_hash_through_the_bridge_with_a_threshold_keyring(
    env: Env, running: list[KeeperProcess]
) -> None:
    from evm_bridge.ingest import cache_id
    from zrchain.evm.contract import SignParams, ZrSignContract
    from zrchain.evm.ids import EVM_WALLET_TYPE_ID, caip2_chain_id
    from zrchain.testing.anvil import DEFAULT_PRIVATE_KEYS, AnvilNode

    chain, caip = 80002, "eip155:80002"
    anvil = AnvilNode(chain)
    anvil.start()
    bridge: subprocess.Popen[bytes] | None = None
    try:
        w3 = anvil.web3()
        admin = Account.from_key(DEFAULT_PRIVATE_KEYS[0])
        contract = ZrSignContract.deploy(w3, sender=admin, direct_mode=False)
        contract.setup(
            admin=admin,
            mpc_signers=[Account.from_key(keccak(text="threshold-e2e-auth")).address],
            wallet_types=((44, 60),),
            chains={EVM_WALLET_TYPE_ID: [caip]},
            mpc_fee=10**14,
            resp_gas=300_000,
            resp_gas_buffer=120,
        )
        d = env.base / "bridge"
        d.mkdir(exist_ok=True)
        cfg = d / "bridge.toml"
        cfg.write_text(
            "\n".join(
                [
                    "[zrchain]",
                    f'node = "{env.node.rpc_url}"',
                    'chain_id = "zenrock"',
                    f'home = "{env.node.home}"',
                    'keyring_backend = "test"',
                    'signer = "relayer"',
                    'gas_prices = "0.0001urock"',
                    "",
                    "[bridge]",
                    f'state_dir = "{d / "state"}"',
                    "",
                    "[[networks]]",
                    'name = "omni"',
                    f'caip2 = "{caip}"',
                    f'rpc_url = "{anvil.url}"',
                    f'contract = "{contract.address}"',
                    "confirmations = 1",
                    "poll_interval = 0.2",
                    'mode = "omni"',
                    "",
                ]
            )
        )
        log = open(d / "bridge.log", "ab")  # noqa: SIM115 - owned by the child
        bridge = subprocess.Popen(
            [sys.executable, "-m", "evm_bridge.cli", "start", "--config", str(cfg)],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            preexec_fn=_die_with_parent,
        )
        log.close()
        alice = Account.from_key(DEFAULT_PRIVATE_KEYS[2])
        contract.zr_key_req(alice.address, sender=alice, value=10**16)
        anvil.mine(2)

        def zr_keys() -> list[dict[str, Any]]:
            res = zrchaind(
                "q", "treasury", "zr-sign-keys", alice.address, "--node", env.node.rpc_url,
                "-o", "json",
            )  # fmt: skip
            return [k for k in json.loads(res.stdout).get("Keys", []) if k.get("address")]

        zkeys = wait_for(zr_keys, timeout=120, what="the zrSign key")
        wallet = to_checksum_address(zkeys[0]["address"])
        digest = keccak(text="zrSignHash with a 2-of-3 threshold keyring")
        res = contract.zr_sign_hash(
            SignParams(EVM_WALLET_TYPE_ID, 0, caip2_chain_id(caip), digest),
            sender=alice,
            value=10**16,
        )
        anvil.mine(2)
        cid = cache_id(caip, contract.address, res.events[0].trace_id)

        def fulfilled() -> list[Any]:
            from zrchain.codec.gen.zrchain.treasury import query_pb2 as tq

            out = env.client.query(
                "/zrchain.treasury.Query/SignatureRequests",
                tq.QuerySignatureRequestsRequest(),
                tq.QuerySignatureRequestsResponse,
            )
            return [
                r
                for r in out.sign_requests
                if bytes(r.cache_id) == cid and r.status.endswith("FULFILLED")
            ]

        req = wait_for(fulfilled, timeout=120, what="the zrSignHash signature")[0]
        sig = bytes(req.signed_data[0].signed_data)
        assert Account._recover_hash(digest, signature=sig[:64] + bytes([sig[64] % 27 + 27])) == (
            wallet
        )
    finally:
        if bridge is not None and bridge.poll() is None:
            os.kill(bridge.pid, signal.SIGTERM)
            try:
                bridge.wait(15)
            except subprocess.TimeoutExpired:
                os.kill(bridge.pid, signal.SIGKILL)
                bridge.wait()
        anvil.stop()
