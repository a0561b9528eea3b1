"""The hot-path extension (crates/zrchain-native) changes no result: the same blocks on a
node with it and on one doing the same work in Python and protobuf (the envelope reader, the
events writer and the trie update all switched off) give identical tx results, app hashes
and the gas pinned before any of it existed."""

from __future__ import annotations

from typing import Any

from tests.unit.tx.test_remembered_state import same_results_on_the_block_mix
from zrchain import native
from zrchain.testing.inproc import Chain

HOT_PATHS = ("envelope", "encode_events", "trie_update")


def test_blocks_give_the_same_results_with_and_without_the_extension(tmp_path, monkeypatch) -> None:
    assert native.installed()

    def without_the_extension(slow: Chain, txs: list[bytes]) -> Any:
        with monkeypatch.context() as off:
            for name in HOT_PATHS:
                off.setattr(native, name, None)
            for raw in txs:
                slow.check(raw)
            return slow.block(txs)

    same_results_on_the_block_mix(tmp_path, without_the_extension)
