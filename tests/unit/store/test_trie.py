"""The state trie: canonical roots, proofs, incremental updates."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from zrchain.store.proof import EMPTY, Proof, verify
from zrchain.store.smt import SparseMerkleTrie

keys = st.binary(min_size=1, max_size=12)
values = st.binary(min_size=0, max_size=20)
states = st.dictionaries(keys, values, max_size=40)


class MemDB(dict):
    """Stands in for a plyvel reader in these pure trie tests (get only)."""


def root_of(items: dict[bytes, bytes], order_seed: int = 0, batch: int = 0) -> bytes:
    trie = SparseMerkleTrie(MemDB())
    pairs = list(items.items())
    random.Random(order_seed).shuffle(pairs)
    if batch <= 0:
        return trie.update(pairs)
    root = trie.root()
    for i in range(0, len(pairs), batch):
        root = trie.update(pairs[i : i + batch])
    return root


def test_empty_trie_has_zero_root() -> None:
    assert SparseMerkleTrie(MemDB()).root() == EMPTY


@settings(max_examples=200, deadline=None)
@given(states, st.integers(0, 1000), st.integers(0, 7))
def test_root_is_independent_of_insertion_order_and_batching(items, seed, batch) -> None:
    assert root_of(items) == root_of(items, seed, batch)


@settings(max_examples=150, deadline=None)
@given(states, st.dictionaries(keys, values, min_size=1, max_size=10))
def test_deleting_restores_the_old_root(base, extra) -> None:
    extra = {k: v for k, v in extra.items() if k not in base}
    trie = SparseMerkleTrie(MemDB())
    before = trie.update(base.items())
    trie.update(extra.items())
    after = trie.update((k, None) for k in extra)
    assert after == before
    # and the stored nodes are exactly those of a trie built from scratch
    fresh = SparseMerkleTrie(MemDB())
    fresh.update(base.items())
    live = {k: v for k, v in trie.pending.items() if v is not None}
    assert live == {k: v for k, v in fresh.pending.items() if v is not None}


@settings(max_examples=150, deadline=None)
@given(states, keys)
def test_proofs_verify_for_present_and_absent_keys(items, probe) -> None:
    trie = SparseMerkleTrie(MemDB())
    root = trie.update(items.items())
    for key, value in items.items():
        proof = trie.prove(key).encode()
        assert verify(root, key, value, proof)
        assert not verify(root, key, value + b"x", proof)
        assert not verify(root, key, None, proof)
    if probe not in items:
        proof = trie.prove(probe).encode()
        assert verify(root, probe, None, proof)
        assert not verify(root, probe, b"anything", proof)


@settings(max_examples=100, deadline=None)
@given(states, keys, values)
def test_a_proof_does_not_verify_against_another_root(items, key, value) -> None:
    trie = SparseMerkleTrie(MemDB())
    items = dict(items)
    items[key] = value
    root = trie.update(items.items())
    proof = trie.prove(key)
    other = trie.update([(key, value + b"!")])
    assert root != other
    assert not verify(other, key, value, proof)


@given(st.binary(max_size=200))
def test_garbage_proofs_never_raise(data) -> None:
    assert verify(EMPTY, b"k", None, data) in (True, False)


def test_proof_roundtrip_encoding() -> None:
    trie = SparseMerkleTrie(MemDB())
    trie.update((bytes([i]), bytes([i]) * 3) for i in range(50))
    p = trie.prove(bytes([7]))
    assert Proof.decode(p.encode()) == p


def test_update_cost_follows_changed_keys_not_state_size() -> None:
    """Node writes per update stay proportional to changed keys x depth."""
    trie = SparseMerkleTrie(MemDB())
    full = trie.update((i.to_bytes(4, "big"), b"v") for i in range(20000))
    db = MemDB({b"t" + pos: raw for pos, raw in trie.pending.items() if raw is not None})
    trie = SparseMerkleTrie(db)
    assert trie.root() == full  # the reader really holds the 20k-key trie
    new_root = trie.update((i.to_bytes(4, "big"), b"w") for i in range(10))
    # depth of a 20k-key trie is ~15-25; 10 keys touch at most ~10 * 30 positions
    assert 0 < len(trie.pending) <= 300
    fresh = SparseMerkleTrie(MemDB())
    fresh.update([(i.to_bytes(4, "big"), b"w" if i < 10 else b"v") for i in range(20000)])
    assert new_root == fresh.root()


def _committed_to(db: MemDB, trie: SparseMerkleTrie) -> None:
    """As AppStore.commit: the pending nodes written, remembered, staged state cleared."""
    for pos, node in trie.pending.items():
        if node is None:
            db.pop(trie.ns + pos, None)
        else:
            db[trie.ns + pos] = node
    trie.committed_nodes(10_000)
    trie.pending.clear()
    trie.committed.clear()


change = st.tuples(keys, st.one_of(st.none(), values))


@settings(max_examples=200, deadline=None)
@given(states, st.lists(st.lists(change, max_size=12), min_size=1, max_size=5), st.booleans())
def test_the_native_update_keeps_the_trie_exactly_as_python_does(base, batches, forget) -> None:
    # the Rust update (zrchain.native) against the Python one, the reference: the same
    # roots, and the same nodes staged, pre-images recorded and reads remembered, batch
    # after batch (a key changed twice in a batch, deleted, or never there included)
    from zrchain import native

    assert native.installed()
    dbs = MemDB(), MemDB()
    tries = [SparseMerkleTrie(db) for db in dbs]
    for db, trie in zip(dbs, tries, strict=True):
        trie.update_in_python(base.items())
        _committed_to(db, trie)
        if forget:
            trie.forget()
    fast, slow = tries
    for batch in batches:
        assert fast.update(batch) == slow.update_in_python(batch)
        assert fast.pending == slow.pending
        assert fast.committed == slow.committed
        assert fast.remembered == slow.remembered
        for db, trie in zip(dbs, tries, strict=True):
            _committed_to(db, trie)
    assert dbs[0] == dbs[1]
