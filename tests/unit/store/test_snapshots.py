"""State-sync snapshots: produce on one app, restore into an empty one via ABCI."""

from __future__ import annotations

import json

from google.protobuf.timestamp_pb2 import Timestamp

from zrchain.abci import types as abci
from zrchain.app import AppSettings, ZrChainApp
from zrchain.cli.node_cmds import default_app_state
from zrchain.store import snapshots
from zrchain.testing.genesis import add_account

R_OFFER = abci.ResponseOfferSnapshot.Result
R_APPLY = abci.ResponseApplySnapshotChunk.Result


def make_app(path, interval: int = 0) -> ZrChainApp:
    return ZrChainApp(str(path / "db"), settings=AppSettings(extra={
        "snapshot_interval": interval, "snapshot_dir": str(path / "snaps")}))


def run_chain(app: ZrChainApp, blocks: int) -> list[bytes]:
    state = default_app_state()
    from zrchain.codec.address import acc_string

    for i in range(300):
        add_account(state, acc_string(i.to_bytes(20, "big")), f"{i + 1}urock")
    req = abci.RequestInitChain(chain_id="zenrock", initial_height=1,
                                app_state_bytes=json.dumps(state).encode())
    req.consensus_params.block.max_gas = -1
    app.init_chain(req)
    hashes = []
    for h in range(1, blocks + 1):
        fb = abci.RequestFinalizeBlock(height=h)
        fb.time.CopyFrom(Timestamp(seconds=1_700_000_000 + h))
        hashes.append(app.finalize_block(fb).app_hash)
        app.commit(abci.RequestCommit())
        app.snapshots.wait()  # a snapshot still being written makes the next one skip
    return hashes


def restore(target: ZrChainApp, source: ZrChainApp, snap, app_hash: bytes,
            tamper: int | None = None) -> list[int]:
    offer = target.offer_snapshot(abci.RequestOfferSnapshot(snapshot=snap, app_hash=app_hash))
    assert offer.result == R_OFFER.Value("ACCEPT")
    results = []
    for i in range(snap.chunks):
        chunk = source.load_snapshot_chunk(abci.RequestLoadSnapshotChunk(
            height=snap.height, format=snap.format, chunk=i)).chunk
        if tamper == i:
            chunk = chunk[:-1] + bytes([chunk[-1] ^ 1])
        results.append(target.apply_snapshot_chunk(abci.RequestApplySnapshotChunk(
            index=i, chunk=chunk, sender="peer")).result)
        if results[-1] != R_APPLY.Value("ACCEPT"):
            break
    return results


def test_snapshot_restores_identical_state(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(snapshots, "CHUNK_BYTES", 2000)  # several chunks
    src = make_app(tmp_path / "a", interval=3)
    hashes = run_chain(src, 7)
    listed = src.list_snapshots(abci.RequestListSnapshots()).snapshots
    assert [s.height for s in listed] == [6, 3]
    snap = listed[0]
    assert snap.chunks > 1
    dst = make_app(tmp_path / "b")
    assert set(restore(dst, src, snap, hashes[5])) == {R_APPLY.Value("ACCEPT")}
    info = dst.info(abci.RequestInfo())
    assert (info.last_block_height, info.last_block_app_hash) == (6, hashes[5])
    assert dst.chain_id == "zenrock"
    q = abci.RequestQuery(path="/store/bank/subspace", data=b"", height=6)
    assert dst.query(q).value == src.query(q).value
    # the restored node continues the chain with the same hashes
    fb = abci.RequestFinalizeBlock(height=7)
    fb.time.CopyFrom(Timestamp(seconds=1_700_000_007))
    assert dst.finalize_block(fb).app_hash == hashes[6]
    dst.commit(abci.RequestCommit())
    src.close()
    dst.close()


def test_a_tampered_chunk_is_refetched_and_a_wrong_app_hash_rejected(tmp_path) -> None:
    src = make_app(tmp_path / "a", interval=2)
    hashes = run_chain(src, 2)
    snap = src.list_snapshots(abci.RequestListSnapshots()).snapshots[0]
    dst = make_app(tmp_path / "b")
    assert restore(dst, src, snap, hashes[1], tamper=0) == [R_APPLY.Value("RETRY")]
    dst2 = make_app(tmp_path / "c")
    assert restore(dst2, src, snap, b"\x01" * 32)[-1] == R_APPLY.Value("REJECT_SNAPSHOT")
    assert dst2.info(abci.RequestInfo()).last_block_height == 0
    for app in (src, dst, dst2):
        app.close()


def test_offers_are_checked(tmp_path) -> None:
    src = make_app(tmp_path / "a", interval=1)
    run_chain(src, 1)
    snap = src.list_snapshots(abci.RequestListSnapshots()).snapshots[0]
    bad_format = abci.Snapshot(height=1, format=9, chunks=1, hash=snap.hash, metadata=snap.metadata)
    r = src.offer_snapshot(abci.RequestOfferSnapshot(snapshot=bad_format))
    assert r.result == R_OFFER.Value("REJECT_FORMAT")
    bad_hash = abci.Snapshot(height=1, format=1, chunks=1, hash=b"x" * 32, metadata=snap.metadata)
    dst = make_app(tmp_path / "b")
    assert dst.offer_snapshot(abci.RequestOfferSnapshot(snapshot=bad_hash)).result == \
        R_OFFER.Value("REJECT")
    # a node with state refuses to be overwritten
    assert src.offer_snapshot(abci.RequestOfferSnapshot(snapshot=snap)).result == \
        R_OFFER.Value("ABORT")
    r = dst.apply_snapshot_chunk(abci.RequestApplySnapshotChunk(index=0, chunk=b"x"))
    assert r.result == R_APPLY.Value("ABORT")
    src.close()
    dst.close()


def test_decode_pairs_rejects_garbage() -> None:
    import pytest

    with pytest.raises(ValueError):
        list(snapshots.decode_pairs(b"not zlib"))
    import zlib

    with pytest.raises(ValueError):
        list(snapshots.decode_pairs(zlib.compress(b"\x05ab")))
    assert list(snapshots.decode_pairs(snapshots.encode_pairs([(b"k", b"v")]))) == [(b"k", b"v")]


def test_a_restored_node_keeps_history_from_the_snapshot_height_on(tmp_path) -> None:
    from zrchain.store.proof import verify

    src = make_app(tmp_path / "a", interval=3)
    hashes = run_chain(src, 7)
    snap = src.list_snapshots(abci.RequestListSnapshots()).snapshots[0]
    assert snap.height == 6
    dst = make_app(tmp_path / "b")
    restore(dst, src, snap, hashes[5])
    for h in (7, 8, 9):  # the synced node goes on
        fb = abci.RequestFinalizeBlock(height=h)
        fb.time.CopyFrom(Timestamp(seconds=1_700_000_000 + h))
        dst.finalize_block(fb)
        dst.commit(abci.RequestCommit())
    dst.close()
    dst = make_app(tmp_path / "b")  # and restarts
    res = dst.query(abci.RequestQuery(path="/store/baseapp/key", data=b"last_block", height=6,
                                      prove=True))
    assert res.code == 0 and int.from_bytes(res.value[:8], "big") == 6
    op = res.proof_ops.ops[0]
    assert verify(hashes[5], op.key, res.value, op.data)
    q = abci.RequestQuery(path="/store/bank/subspace", data=b"", height=6)
    assert dst.query(q).value == src.query(q).value
    below = dst.query(abci.RequestQuery(path="/store/baseapp/key", data=b"last_block", height=5))
    assert below.code == 18
    assert "failed to load state at height 5; version does not exist (latest height: 9)" in \
        below.log
    src.close()
    dst.close()
