"""ZrChainApp over a real LevelDB: genesis, blocks, commit, restart and replay."""

from __future__ import annotations

import json

from google.protobuf.timestamp_pb2 import Timestamp

from zrchain.abci import types as abci
from zrchain.app import ZrChainApp
from zrchain.store.proof import verify


def init_req(chain_id: str = "zenrock") -> abci.RequestInitChain:
    req = abci.RequestInitChain(
        chain_id=chain_id, initial_height=1, app_state_bytes=json.dumps({}).encode()
    )
    req.time.CopyFrom(Timestamp(seconds=1_700_000_000))
    req.consensus_params.block.max_gas = -1
    req.consensus_params.block.max_bytes = 22020096
    return req


def block(height: int, txs: list[bytes] | None = None) -> abci.RequestFinalizeBlock:
    req = abci.RequestFinalizeBlock(height=height, txs=txs or [])
    req.time.CopyFrom(Timestamp(seconds=1_700_000_000 + height))
    return req


def run_blocks(app: ZrChainApp, start: int, end: int) -> list[bytes]:
    hashes = []
    for h in range(start, end + 1):
        hashes.append(app.finalize_block(block(h)).app_hash)
        app.commit(abci.RequestCommit())
    return hashes


def test_info_reports_last_committed_height_and_hash(tmp_path) -> None:
    app = ZrChainApp(str(tmp_path / "db"))
    assert app.info(abci.RequestInfo()).last_block_height == 0
    app.init_chain(init_req())
    assert app.info(abci.RequestInfo()).last_block_height == 0  # genesis commits with block 1
    hashes = run_blocks(app, 1, 3)
    info = app.info(abci.RequestInfo())
    assert (info.last_block_height, info.last_block_app_hash) == (3, hashes[-1])
    app.close()
    again = ZrChainApp(str(tmp_path / "db"))
    info = again.info(abci.RequestInfo())
    assert (info.last_block_height, info.last_block_app_hash) == (3, hashes[-1])
    assert again.chain_id == "zenrock"
    again.close()


def test_crash_before_genesis_commit_means_init_chain_again(tmp_path) -> None:
    app = ZrChainApp(str(tmp_path / "db"))
    app.init_chain(init_req())
    app.finalize_block(block(1))
    app.close()  # crash: no Commit
    app = ZrChainApp(str(tmp_path / "db"))
    assert app.info(abci.RequestInfo()).last_block_height == 0
    assert app.chain_id == ""
    app.close()


def test_uncommitted_block_is_discarded_and_replay_is_identical(tmp_path) -> None:
    a = ZrChainApp(str(tmp_path / "a"))
    a.init_chain(init_req())
    expected = run_blocks(a, 1, 4)
    b = ZrChainApp(str(tmp_path / "b"))
    b.init_chain(init_req())
    run_blocks(b, 1, 2)
    b.finalize_block(block(3))
    b.close()  # crash after FinalizeBlock(3), before Commit
    b = ZrChainApp(str(tmp_path / "b"))
    assert b.info(abci.RequestInfo()).last_block_height == 2
    assert run_blocks(b, 3, 4) == expected[2:]
    a.close()
    b.close()


def test_finalize_block_replayed_in_process_is_not_applied_twice(tmp_path) -> None:
    """CometBFT restarts between FinalizeBlock and Commit while the app keeps running."""
    a = ZrChainApp(str(tmp_path / "a"))
    a.init_chain(init_req())
    first = a.finalize_block(block(1)).app_hash
    again = a.finalize_block(block(1)).app_hash
    assert first == again
    a.commit(abci.RequestCommit())
    assert a.info(abci.RequestInfo()).last_block_app_hash == first
    a.close()


def test_store_query_proof_verifies_against_app_hash(tmp_path) -> None:
    app = ZrChainApp(str(tmp_path / "db"))
    app.init_chain(init_req())
    hashes = run_blocks(app, 1, 3)
    res = app.query(abci.RequestQuery(path="/store/baseapp/key", data=b"chain_id", prove=True))
    assert res.code == 0 and res.value == b"zenrock" and res.height == 3
    op = res.proof_ops.ops[0]
    assert op.type == "zrchain/smt"
    assert verify(hashes[-1], op.key, res.value, op.data)
    assert not verify(hashes[-2], op.key, res.value, op.data)
    # absent key
    res = app.query(abci.RequestQuery(path="/store/baseapp/key", data=b"nope", prove=True))
    assert res.value == b""
    assert verify(hashes[-1], res.proof_ops.ops[0].key, None, res.proof_ops.ops[0].data)
    # an older retained height
    res = app.query(
        abci.RequestQuery(path="/store/baseapp/key", data=b"last_block", height=2, prove=True)
    )
    assert res.height == 2 and int.from_bytes(res.value[:8], "big") == 2
    assert verify(hashes[1], res.proof_ops.ops[0].key, res.value, res.proof_ops.ops[0].data)
    app.close()


def test_query_errors_have_codes(tmp_path) -> None:
    app = ZrChainApp(str(tmp_path / "db"))
    res = app.query(abci.RequestQuery(path="/store/baseapp/key", data=b"chain_id"))
    assert (res.codespace, res.code) == ("sdk", 26)  # no block yet
    app.init_chain(init_req())
    run_blocks(app, 1, 2)
    assert app.query(abci.RequestQuery(path="/nope")).code == 6
    assert app.query(abci.RequestQuery(path="/store/nope/key")).code == 6
    assert app.query(abci.RequestQuery(path="/store/baseapp/key", height=99)).code == 26
    assert app.query(abci.RequestQuery(path="/app/version")).value
    app.close()
