"""FinalizeBlock reuses the decode CheckTx made of the same tx bytes (zrchain/tx/decodecache.py):
the same blocks on a node that checked the txs and on one that did not give identical tx
results and app hashes, including Msgs whose handler normalises a field in place, the same
tx twice in a block, and failing txs (docs/performance.md)."""

from __future__ import annotations

from cosmpy.protos.cosmos.bank.v1beta1 import tx_pb2 as bank_tx
from cosmpy.protos.cosmos.tx.v1beta1 import tx_pb2

from zrchain.codec.address import acc_bytes, encode
from zrchain.codec.coins import parse_coins
from zrchain.codec.gen.zrchain.identity import tx_pb2 as itx
from zrchain.testing.inproc import Chain, assert_same_block, make_chain, msg_responses
from zrchain.tx.decode import decode_tx
from zrchain.tx.decodecache import DecodedTxs


def _send(frm, to, amount: str = "10urock") -> bank_tx.MsgSend:
    return bank_tx.MsgSend(
        from_address=frm.address, to_address=to.address, amount=parse_coins(amount).to_protos()
    )


def _same_block(warm: Chain, cold: Chain, txs: list[bytes], checked: list[bytes]) -> list:
    for tx in checked:
        assert warm.check(tx).code == 0
    got_warm, got_cold = warm.block(txs), cold.block(txs)
    assert_same_block(got_warm, got_cold)
    return list(got_warm.tx_results)


def test_the_same_blocks_give_the_same_results_with_and_without_the_decode_cache(
    tmp_path,
) -> None:
    funded = {"alice": "1000000000urock", "bob": "5000urock", "carol": ""}
    warm, cold = (make_chain(tmp_path / name, funded) for name in ("warm", "cold"))
    try:
        alice, bob, carol = (warm.wallets[n] for n in ("alice", "bob", "carol"))
        # 1: a workspace, a send, the send again (same bytes: refused by its sequence), and
        # a tx with a bad signature that CheckTx refused (never kept)
        ws_tx = warm.tx(alice, [itx.MsgNewWorkspace(creator=alice.address)])
        send = warm.tx(bob, [_send(bob, carol, "1urock")])
        bad = tx_pb2.TxRaw.FromString(warm.tx(bob, [_send(bob, carol, "2urock")], sequence=1))
        bad.signatures[0] = bytes(64)
        bad_tx = bad.SerializeToString()
        assert warm.check(bad_tx).code != 0
        results = _same_block(warm, cold, [ws_tx, send, send, bad_tx], [ws_tx, send])
        assert [r.code for r in results] == [0, 0, 32, 4]
        assert len(warm.app.pipeline.decoded) == 0  # every kept decode was taken
        workspace = itx.MsgNewWorkspaceResponse.FromString(msg_responses(results[0])[0].value)
        alice.sequence += 1
        bob.sequence += 1
        # 2: a Msg whose handler rewrites a field in place (a keyring-prefixed owner is
        # stored as zen1…); the same bytes checked again after the block decode afresh
        keyring_owner = encode("keyring", acc_bytes(carol.address))
        add = warm.tx(
            alice,
            [
                itx.MsgAddWorkspaceOwner(
                    creator=alice.address, workspace_addr=workspace.addr, new_owner=keyring_owner
                )
            ],
        )
        results = _same_block(warm, cold, [add], [add])
        assert results[0].code == 0, results[0].log
        assert warm.check(add).code == 32  # its sequence is used now
        assert warm.app.pipeline.decoded.get(add) is None  # refused: not kept
    finally:
        warm.app.close()
        cold.app.close()


def test_a_kept_decode_is_handed_out_once_to_a_block(chain) -> None:
    alice, carol = chain.wallets["alice"], chain.wallets["carol"]
    tx = chain.tx(alice, [_send(alice, carol)])
    assert chain.check(tx).code == 0
    kept = chain.app.pipeline.decoded.get(tx)
    assert kept is not None and kept.raw == tx
    assert chain.check(tx).code == 32  # the check state has its sequence now
    assert chain.app.pipeline.decoded.get(tx) is kept  # the second check reused it
    assert chain.block([tx]).tx_results[0].code == 0
    assert chain.app.pipeline.decoded.get(tx) is None


def test_capacity_drops_the_oldest_decode(chain) -> None:
    alice, bob, carol = (chain.wallets[n] for n in ("alice", "bob", "carol"))
    txs = [chain.tx(w, [_send(w, carol, "1urock")]) for w in (alice, bob)]
    txs.append(chain.tx(alice, [_send(alice, carol, "1urock")], sequence=1))
    cache = DecodedTxs(capacity=2)
    for tx in txs:
        cache.put(decode_tx(tx, chain.app.registry.msgs))
    assert len(cache) == 2
    assert cache.get(txs[0]) is None
    assert cache.take(txs[2]) is not None and cache.take(txs[2]) is None
