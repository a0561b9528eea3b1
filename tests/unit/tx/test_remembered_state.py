"""A node keeps the latest state's values, trie nodes and the fee collector's address in
memory across blocks (docs/performance.md, issue 18c). The same blocks on a node that
remembers and on one that forgets everything before each block give identical tx results
(codes, logs, gas used, events, data) and app hashes; and the gas of each tx is what it was
before these memories existed (pinned below, measured on main before issue 18c)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from cosmpy.protos.cosmos.bank.v1beta1 import tx_pb2 as bank_tx

from zrchain.abci import types as abci
from zrchain.codec.address import acc_string
from zrchain.codec.coins import parse_coins
from zrchain.codec.gen.zrchain.identity import tx_pb2 as itx
from zrchain.testing.inproc import Chain, Wallet, assert_same_block, make_chain


def _send(frm: Wallet, to: str, amount: str) -> bank_tx.MsgSend:
    return bank_tx.MsgSend(
        from_address=frm.address, to_address=to, amount=parse_coins(amount).to_protos()
    )


def _forget(chain: Chain) -> None:
    """Everything the node remembers across blocks, dropped (as after a restart)."""
    store = chain.app.store
    store._read.forget()
    store.trie.forget()
    chain.app.registry.module("auth").keeper._module_addresses.clear()


def _blocks(chain: Chain) -> list[list[bytes]]:
    """Sends among the same accounts block after block, a new recipient account, a Msg
    that fails after the ante (its fee and sequence stay), a fee the payer cannot pay, a
    whole balance sent (its key deleted), a workspace."""
    w = chain.wallets
    alice, bob, carol, dave = w["alice"], w["bob"], w["carol"], w["dave"]
    newcomer = acc_string(hashlib.sha256(b"newcomer").digest()[:20])

    def tx(wallet: Wallet, msgs: list, fee: str = "200urock") -> bytes:
        raw = chain.tx(wallet, msgs, fee=fee)
        wallet.sequence += 1
        return raw

    first = [
        tx(alice, [_send(alice, bob.address, "5urock")]),
        tx(bob, [_send(bob, carol.address, "7urock")]),
        tx(carol, [_send(carol, newcomer, "1urock")]),
        tx(dave, [_send(dave, alice.address, "999999999urock")]),  # fails in the Msg
    ]
    second = [
        tx(alice, [_send(alice, bob.address, "5urock")]),
        tx(bob, [_send(bob, newcomer, "3urock")]),
        tx(carol, [itx.MsgNewWorkspace(creator=carol.address)]),
        tx(dave, [_send(dave, bob.address, "1urock")], fee="999999999urock"),  # ante fails
    ]
    dave.sequence -= 1  # the refused ante kept no sequence
    third = [
        tx(dave, [_send(dave, carol.address, "4600urock")]),  # all that is left after the fee
        tx(alice, [_send(alice, carol.address, "5urock"), _send(alice, bob.address, "1urock")]),
        tx(bob, [_send(bob, alice.address, "2urock")]),
    ]
    return [first, second, third, []]


# Each tx's (code, gas_used) on main before issue 18c (gas is consensus-visible).
BEFORE_GAS = [
    [(0, 35215), (0, 35155), (0, 43440), (5, 27282)],
    [(0, 35454), (0, 35298), (0, 44312), (5, 7641)],
    [(0, 33488), (0, 46934), (0, 35463)],
    [],
]


FUNDED = {"alice": "1000000urock", "bob": "5000urock", "carol": "5000urock",
          "dave": "5000urock"}  # fmt: skip


def same_results_on_the_block_mix(
    tmp_path: Path, other: Callable[[Chain, list[bytes]], abci.ResponseFinalizeBlock]
) -> None:
    """The block mix on one chain (its mempool saw each tx first, as on a node) and through
    ``other(second chain, txs)`` on a second: identical answers, each tx's gas as pinned."""
    chain, second = (make_chain(tmp_path / n, FUNDED) for n in ("first", "second"))
    try:
        got = []
        for txs in _blocks(chain):
            for raw in txs:
                chain.check(raw)  # refusals too
            a = chain.block(txs)
            assert_same_block(a, other(second, txs))
            got.append([(r.code, r.gas_used) for r in a.tx_results])
        assert got == BEFORE_GAS
    finally:
        chain.app.close()
        second.app.close()


def test_remembering_state_across_blocks_changes_no_result(tmp_path) -> None:
    def forgetting(cold: Chain, txs: list[bytes]) -> abci.ResponseFinalizeBlock:
        _forget(cold)
        return cold.block(txs)

    same_results_on_the_block_mix(tmp_path, forgetting)
