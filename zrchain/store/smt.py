"""The state trie: a compact binary Merkle trie over sha256(key), stored by position.

Every key sits on the path given by the bits of ``sha256(key)``; a subtree holding one
leaf is that leaf, so the trie's depth is about log2(N) and its shape — hence the root —
depends only on the set of (key, value) pairs, never on insertion order. Hashing rules are
in ``proof.py``.

Each node is stored in LevelDB at its *position* ``(depth, path prefix)``:

* ``"L" | hash | keyhash | valuehash`` for a leaf
* ``"I" | hash`` for an inner node (its children live at ``depth+1``)

An update touches only the nodes on the paths of the changed keys: O(k·log N) node reads,
hashes and writes for k changed keys over N keys, with the upper levels shared between
keys. Changes are kept in ``pending`` until the app store commits them in its WriteBatch;
``committed`` keeps what each position held in the reader when first read, so the commit can
record the nodes it replaces (``history.py``) without reading them again. ``remembered``
keeps the reader's nodes across updates (the upper levels and hot keys' paths are read by
every block): the owner calls ``committed_nodes`` once it has written ``pending`` to the
reader, and ``forget`` when the reader changed otherwise.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_left
from collections.abc import Iterable
from typing import Any, NamedTuple, cast

from zrchain import native
from zrchain.store.proof import EMPTY, Proof, inner_hash, leaf_hash


class Node(NamedTuple):
    leaf: bool
    hash: bytes
    keyhash: int = 0  # leaves only
    valuehash: bytes = b""  # leaves only


_UNREAD: Any = object()
# A Node built by tuple's own constructor: a NamedTuple's __new__ is a Python function, and a
# block builds thousands of nodes.
_new = tuple.__new__


def position_key(depth: int, prefix: int) -> bytes:
    """The storage key of the node whose path is the top ``depth`` bits ``prefix``."""
    return depth.to_bytes(2, "big") + prefix.to_bytes((depth + 7) // 8, "big")


def _encode(node: Node) -> bytes:
    if node.leaf:
        return b"L" + node.hash + node.keyhash.to_bytes(32, "big") + node.valuehash
    return b"I" + node.hash


def _decode(raw: bytes) -> Node:
    if raw[0:1] == b"L":
        return _new(Node, (True, raw[1:33], int.from_bytes(raw[33:65], "big"), raw[65:97]))
    return _new(Node, (False, raw[1:33], 0, b""))


def _first(item: tuple[int, bytes]) -> int:
    return item[0]


def _make_leaf(kh: int, vh: bytes) -> Node:
    return _new(Node, (True, leaf_hash(kh.to_bytes(32, "big"), vh), kh, vh))


class SparseMerkleTrie:
    """Reads nodes from ``reader`` (a plyvel DB or snapshot) under ``namespace``."""

    def __init__(self, reader: Any, namespace: bytes = b"t") -> None:
        self.reader = reader
        self.ns = namespace
        self.pending: dict[bytes, bytes | None] = {}
        self.committed: dict[bytes, bytes | None] = {}
        self.remembered: dict[bytes, bytes | None] = {}

    # -- reading ---------------------------------------------------------------------
    def _load(self, depth: int, prefix: int) -> Node | None:
        return self._load_at(position_key(depth, prefix))

    def _load_at(self, pos: bytes) -> Node | None:
        raw = self.pending.get(pos, _UNREAD)
        if raw is _UNREAD:
            remembered = self.remembered
            raw = remembered.get(pos, _UNREAD)
            if raw is _UNREAD:
                raw = remembered[pos] = self.reader.get(self.ns + pos)
            self.committed[pos] = raw
        return None if raw is None else _decode(cast("bytes", raw))

    def committed_nodes(self, bound: int) -> None:
        """``pending`` is in the reader now: remember it (starting over past ``bound``)."""
        remembered = self.remembered
        if len(remembered) + len(self.pending) > bound:
            remembered.clear()
        remembered.update(self.pending)

    def forget(self) -> None:
        """The reader changed other than by ``pending``: nothing remembered is current."""
        self.remembered.clear()

    def root(self) -> bytes:
        node = self._load(0, 0)
        return EMPTY if node is None else node.hash

    def prove(self, key: bytes) -> Proof:
        kh = int.from_bytes(hashlib.sha256(key).digest(), "big")
        siblings: list[bytes] = []
        depth, prefix = 0, 0
        node = self._load(0, 0)
        while node is not None and not node.leaf:
            bit = (kh >> (255 - depth)) & 1
            sib = self._load(depth + 1, (prefix << 1) | (bit ^ 1))
            siblings.append(EMPTY if sib is None else sib.hash)
            depth, prefix = depth + 1, (prefix << 1) | bit
            node = self._load(depth, prefix)
        leaf = None
        if node is not None:
            leaf = (node.keyhash.to_bytes(32, "big"), node.valuehash)
        return Proof(tuple(siblings), leaf)

    # -- writing ---------------------------------------------------------------------
    def update(self, changes: Iterable[tuple[bytes, bytes | None]]) -> bytes:
        """Apply (key, value) changes (None deletes; the last of a key wins) and return the
        new root hash: in Rust when the extension is there (``zrchain.native``: the same
        nodes, hashes and ``pending``/``committed``/``remembered`` entries), else here."""
        native_update = native.trie_update
        if native_update is not None:
            return native_update(
                changes, self.ns, self.reader, self.pending, self.committed, self.remembered
            )
        return self.update_in_python(changes)

    def update_in_python(self, changes: Iterable[tuple[bytes, bytes | None]]) -> bytes:
        """``update`` without the extension (and the reference its tests compare with)."""
        sha = hashlib.sha256
        by_hash: dict[int, bytes | None] = {}
        for key, value in changes:
            by_hash[int.from_bytes(sha(key).digest(), "big")] = (
                None if value is None else sha(value).digest()
            )
        if not by_hash:
            return self.root()
        khs = sorted(by_hash)
        vhs = [by_hash[k] for k in khs]
        root = position_key(0, 0)
        node = self._update(0, 0, root, khs, vhs, 0, len(khs), self._load_at(root))
        return EMPTY if node is None else node.hash

    def _put(self, pos: bytes, node: Node | None) -> None:
        self.pending[pos] = None if node is None else _encode(node)

    def _put_fresh(self, depth: int, prefix: int, node: Node) -> None:
        """A node of a subtree built below a leaf or an empty position: nothing is stored
        there in the reader either (a leaf or an empty position has no stored descendants),
        unless this update period touched it, and then ``committed`` holds it already."""
        pos = position_key(depth, prefix)
        if pos not in self.pending:
            self.committed.setdefault(pos, None)
        self.pending[pos] = _encode(node)

    def _update(
        self,
        depth: int,
        prefix: int,
        pos: bytes,  # position_key(depth, prefix), computed once by the caller
        khs: list[int],
        vhs: list[bytes | None],
        lo: int,
        hi: int,
        existing: Node | None,
    ) -> Node | None:
        if lo == hi:
            return existing
        if existing is None or existing.leaf:
            if hi - lo == 1 and (existing is None or existing.keyhash == khs[lo]):
                # One key at its own leaf's (or an empty) position: most updates of a
                # block, done without the general case's list, sort and build.
                vh = vhs[lo]
                if existing is not None and vh == existing.valuehash:
                    return existing
                new = None if vh is None else _make_leaf(khs[lo], vh)
                if new != existing:
                    self._put(pos, new)
                return new
            leaves: list[tuple[int, bytes]] = []
            if existing is not None:
                i = bisect_left(khs, existing.keyhash, lo, hi)
                if i == hi or khs[i] != existing.keyhash:
                    leaves.append((existing.keyhash, existing.valuehash))
            leaves.extend((khs[i], vh) for i in range(lo, hi) if (vh := vhs[i]) is not None)
            if len(leaves) > 1:
                leaves.sort()
            built = self._build(depth, prefix, leaves, 0, len(leaves))
            if built != existing:
                self._put(pos, built)
            return built
        shift = 255 - depth
        mid = bisect_left(khs, ((prefix << 1) | 1) << shift, lo, hi)
        lp, rp = prefix << 1, (prefix << 1) | 1
        lpos, rpos = position_key(depth + 1, lp), position_key(depth + 1, rp)
        left = self._load_at(lpos)
        right = self._load_at(rpos)
        if lo < mid:
            left = self._update(depth + 1, lp, lpos, khs, vhs, lo, mid, left)
        if mid < hi:
            right = self._update(depth + 1, rp, rpos, khs, vhs, mid, hi, right)
        node: Node | None
        if left is None and right is None:
            node = None
        elif right is None and left is not None and left.leaf:
            self._put(lpos, None)  # a lone leaf moves up
            node = left
        elif left is None and right is not None and right.leaf:
            self._put(rpos, None)
            node = right
        else:
            lh = EMPTY if left is None else left.hash
            node = _new(
                Node, (False, inner_hash(lh, EMPTY if right is None else right.hash), 0, b"")
            )
        if node != existing:
            self._put(pos, node)
        return node

    def _build(
        self, depth: int, prefix: int, leaves: list[tuple[int, bytes]], lo: int, hi: int
    ) -> Node | None:
        """Write a fresh subtree for ``leaves[lo:hi]`` (every position below is empty)."""
        n = hi - lo
        if n == 0:
            return None
        if n == 1:
            kh, vh = leaves[lo]
            return _make_leaf(kh, vh)
        shift = 255 - depth
        boundary = ((prefix << 1) | 1) << shift
        mid = bisect_left(leaves, boundary, lo, hi, key=_first)
        lp, rp = prefix << 1, (prefix << 1) | 1
        left = self._build(depth + 1, lp, leaves, lo, mid)
        right = self._build(depth + 1, rp, leaves, mid, hi)
        if left is not None:
            self._put_fresh(depth + 1, lp, left)
        if right is not None:
            self._put_fresh(depth + 1, rp, right)
        lh = EMPTY if left is None else left.hash
        return _new(Node, (False, inner_hash(lh, EMPTY if right is None else right.hash), 0, b""))
