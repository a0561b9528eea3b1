"""Which failures are tx results and which stop the node (issue 11, item 9), in process.

A ChainError (and out of gas) is the state machine's answer: every validator computes the
same one, so it is recorded as the tx result. A storage error, MemoryError, RecursionError
or any other exception may happen on one validator only; recorded as a result it would
fork that validator silently, so it reaches the ABCI layer as a NodeFault instead. Each
case also checks that nothing was committed or charged by the faulty block.
"""

from __future__ import annotations

import dataclasses

import plyvel
import pytest
from cosmpy.protos.cosmos.bank.v1beta1 import tx_pb2 as bank_tx

from zrchain.abci import types as abci
from zrchain.abci.server import handle_request
from zrchain.errors import ErrUnauthorized, NodeFault
from zrchain.testing.inproc import Chain, make_chain


@pytest.fixture
def chain(tmp_path) -> Chain:
    c = make_chain(tmp_path / "db", {"alice": "1000000000urock", "bob": "5000urock"})
    yield c
    c.app.close()


def _send(chain: Chain) -> bytes:
    a, b = chain.wallets["alice"], chain.wallets["bob"]
    msg = bank_tx.MsgSend(
        from_address=a.address, to_address=b.address, amount=[{"denom": "urock", "amount": "7"}]
    )
    return chain.tx(a, [msg], fee="2000urock", gas=200_000)


def _finalize(chain: Chain, txs: list[bytes]) -> abci.Response:
    req = abci.RequestFinalizeBlock(height=chain.height + 1, txs=txs)
    req.time.seconds = 1_700_000_000 + chain.height + 1
    return handle_request(chain.app, abci.Request(finalize_block=req))


def _replace_send_handler(chain: Chain, monkeypatch, handler) -> None:
    url = "/cosmos.bank.v1beta1.MsgSend"
    route = chain.app.registry.msgs[url]
    monkeypatch.setitem(chain.app.registry.msgs, url, dataclasses.replace(route, handler=handler))


@pytest.mark.parametrize(
    "exc",
    [
        MemoryError(),
        RecursionError("maximum recursion depth exceeded"),
        plyvel.IOError(b"IO error: disk on fire"),
        plyvel.CorruptionError(b"Corruption: block checksum mismatch"),
        ValueError("a bug"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_a_node_local_failure_in_a_handler_is_a_node_fault_not_a_result(
    chain: Chain, monkeypatch, exc: BaseException
) -> None:
    before = (chain.balance(chain.wallets["alice"].address), chain.app.store.app_hash)
    height = chain.app.last_height

    def broken(ctx, msg):
        raise exc

    _replace_send_handler(chain, monkeypatch, broken)
    with pytest.raises(NodeFault) as info:
        _finalize(chain, [_send(chain)])
    assert type(exc).__name__ in str(info.value)
    del info  # its traceback holds LevelDB snapshots: release them before the DB closes
    exc.__traceback__ = None
    # nothing committed: no fee, no height, same app hash
    assert chain.app.last_height == height
    assert (chain.balance(chain.wallets["alice"].address), chain.app.store.app_hash) == before


def test_a_chain_error_in_a_handler_is_a_tx_result(chain: Chain, monkeypatch) -> None:
    def refuses(ctx, msg):
        raise ErrUnauthorized.wrap("no")

    _replace_send_handler(chain, monkeypatch, refuses)
    res = _finalize(chain, [_send(chain)])
    result = res.finalize_block.tx_results[0]
    assert result.code == ErrUnauthorized.code and "no: unauthorized" in result.log


def test_a_storage_error_in_check_tx_stops_the_node(chain: Chain, monkeypatch) -> None:
    from zrchain.store.kv import Branch

    def failing_get(self, key):
        raise plyvel.IOError(b"IO error: read failed")

    monkeypatch.setattr(Branch, "get", failing_get)
    with pytest.raises(NodeFault, match="CheckTx could not read the state: IOError"):
        handle_request(chain.app, abci.Request(check_tx=abci.RequestCheckTx(tx=_send(chain))))


def test_a_bug_in_check_tx_rejects_the_tx_and_the_node_goes_on(chain: Chain, monkeypatch) -> None:
    from zrchain.tx import pipeline

    def buggy(raw, msgs):
        raise ValueError("a decoder bug")

    monkeypatch.setattr(pipeline, "decode_tx", buggy)
    res = handle_request(chain.app, abci.Request(check_tx=abci.RequestCheckTx(tx=b"x")))
    assert res.check_tx.code == 1 and res.check_tx.log == "internal"


def test_a_failed_commit_is_a_node_fault_and_the_block_stays_uncommitted(
    chain: Chain, monkeypatch
) -> None:
    height = chain.app.last_height
    assert _finalize(chain, [_send(chain)]).finalize_block.tx_results[0].code == 0

    class FullDisk:
        """The real DB, except that writing a batch fails as on a full disk."""

        def __init__(self, db) -> None:
            self._db = db

        def __getattr__(self, name):
            return getattr(self._db, name)

        def write_batch(self, **kwargs):
            batch = self._db.write_batch(**kwargs)

            class Failing:
                def __getattr__(self, name):
                    return getattr(batch, name)

                def write(self):
                    raise plyvel.IOError(b"IO error: No space left on device")

            return Failing()

    monkeypatch.setattr(chain.app.store, "db", FullDisk(chain.app.store.db))
    with pytest.raises(NodeFault, match=r"Commit \d+: the block could not be written: IOError"):
        handle_request(chain.app, abci.Request(commit=abci.RequestCommit()))
    assert chain.app.last_height == height
