"""A real node: CometBFT v0.38.19 + zrchaind, blocks, restarts, crashes and proofs."""

from __future__ import annotations

import base64
import random
import socket
import time

import pytest

from zrchain.abci import types as abci
from zrchain.abci.framing import frame
from zrchain.store.proof import verify

pytestmark = pytest.mark.node


def app_hash_in_header(node, height: int) -> bytes:
    """The app hash after block ``height`` (it is in the header of ``height + 1``)."""
    node.wait_height(height + 1)
    return bytes.fromhex(node.rpc.block(height + 1)["block"]["header"]["app_hash"])


def info(node) -> tuple[int, bytes]:
    r = node.rpc.abci_info()
    return int(r.get("last_block_height", 0)), base64.b64decode(r.get("last_block_app_hash", ""))


def info_at_least(node, height: int, timeout: float = 30) -> tuple[int, bytes]:
    """ABCI Info once the app has committed ``height``: CometBFT's latest height (its block
    store) counts a block before the app's Commit of it returns."""
    deadline = time.monotonic() + timeout
    while (got := info(node))[0] < height and time.monotonic() < deadline:
        time.sleep(0.05)
    return got


def test_chain_produces_blocks_and_abci_info_follows(node) -> None:
    node.wait_height(4)
    h, app_hash = info_at_least(node, 4)
    assert h >= 4
    assert app_hash_in_header(node, h) == app_hash
    # the app hash changes as state changes (the block record is state)
    assert app_hash_in_header(node, h - 1) != app_hash


def test_stop_and_restart_resumes_with_the_same_app_hash(node) -> None:
    node.wait_height(3)
    node.stop()
    node.start_app()
    h, app_hash = info_from_app_only(node)
    node.start_comet()
    node.wait_height(h + 3)
    assert app_hash_in_header(node, h) == app_hash


def info_from_app_only(node) -> tuple[int, bytes]:
    """Ask the app directly over its ABCI socket (CometBFT is not running)."""
    with socket.create_connection(("127.0.0.1", node.ports.abci), timeout=5) as s:
        s.sendall(
            frame(abci.Request(info=abci.RequestInfo()).SerializeToString())
            + frame(abci.Request(flush=abci.RequestFlush()).SerializeToString())
        )
        data = b""
        while True:
            data += s.recv(65536)
            from zrchain.abci.framing import FrameDecoder

            frames = FrameDecoder().feed(data)
            if len(frames) >= 2:
                r = abci.Response()
                r.ParseFromString(frames[0])
                return r.info.last_block_height, r.info.last_block_app_hash


def test_kill_9_of_the_app_while_producing_blocks_then_restart(node) -> None:
    rng = random.Random(7)
    for _ in range(3):
        time.sleep(rng.uniform(0.1, 0.6))
        before = node.height()
        node.kill_app()
        # CometBFT stops when its app connection dies; make sure before restarting.
        try:
            node.comet_proc.wait(20)
        except Exception:
            node.kill_comet()
        node.start_app()
        node.start_comet()
        node.wait_height(before + 3)
    assert "AppHash does not match" not in node.tail("comet", 400)
    h, app_hash = info(node)
    assert app_hash_in_header(node, h) == app_hash


def test_kill_9_of_cometbft_then_restart(node) -> None:
    rng = random.Random(11)
    for _ in range(3):
        time.sleep(rng.uniform(0.1, 0.6))
        before = node.height()
        node.kill_comet()
        node.start_comet()  # the app keeps running across the CometBFT crash
        node.wait_height(before + 3)
    h, app_hash = info(node)
    assert app_hash_in_header(node, h) == app_hash


def test_proof_query_verifies_against_the_app_hash_of_that_height(node) -> None:
    node.wait_height(3)
    res = node.rpc.abci_query("/store/baseapp/key", b"last_block", height=2, prove=True)
    assert int(res["height"]) == 2
    value = base64.b64decode(res["value"])
    assert int.from_bytes(value[:8], "big") == 2
    op = res["proofOps"]["ops"][0] if "proofOps" in res else res["proof_ops"]["ops"][0]
    key, data = base64.b64decode(op["key"]), base64.b64decode(op["data"])
    assert op["type"] == "zrchain/smt"
    assert verify(app_hash_in_header(node, 2), key, value, data)
    assert not verify(app_hash_in_header(node, 3), key, value, data)


def test_unknown_queries_and_malformed_input_get_error_codes(node) -> None:
    res = node.rpc.abci_query("/no.such.Service/Method", b"\x01")
    assert int(res["code"]) == 6 and res["codespace"] == "sdk"
    res = node.rpc.abci_query("/store/baseapp/key", b"x", height=10**9)
    assert int(res["code"]) == 26
    r = node.rpc.broadcast_tx_sync(b"\x00garbage")
    assert int(r["code"]) != 0
    # garbage on the ABCI socket closes that connection only
    with socket.create_connection(("127.0.0.1", node.ports.abci), timeout=5) as s:
        s.sendall(b"\x05\xff\xff\xff\xff\xff")
        assert s.recv(10) == b""
    h = node.height()
    node.wait_height(h + 2)
    assert node.running
