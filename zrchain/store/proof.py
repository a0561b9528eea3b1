"""Proofs of (non-)membership in the state trie, and the verifier a client can use.

This module depends only on ``hashlib`` so it can be copied into a light client.

The trie (see ``smt.py``) is a binary Merkle trie over ``sha256(key)`` in which a subtree
holding a single leaf is represented by that leaf. Hashes:

* empty subtree: 32 zero bytes
* leaf: ``sha256(0x00 || sha256(key) || sha256(value))``
* inner node: ``sha256(0x01 || left || right)``

Wire format of a proof (``ProofOp.data``, type ``zrchain/smt``):

``0x01 | depth (u16 BE) | bitmap (ceil(depth/8) bytes, bit i set when sibling i is not
empty; bit 0 is the MSB of byte 0) | non-empty siblings (32 bytes each, root side first) |
terminal: 0x00 (empty) or 0x01 || keyhash (32) || valuehash (32)``
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

PROOF_TYPE = "zrchain/smt"
EMPTY = bytes(32)
_VERSION = 1


def _sha(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def leaf_hash(keyhash: bytes, valuehash: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + keyhash + valuehash).digest()


def inner_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


@dataclass(frozen=True)
class Proof:
    siblings: tuple[bytes, ...]  # root side first; EMPTY for empty subtrees
    leaf: tuple[bytes, bytes] | None  # (keyhash, valuehash) met at the end of the path

    def encode(self) -> bytes:
        depth = len(self.siblings)
        bitmap = bytearray((depth + 7) // 8)
        body = bytearray()
        for i, s in enumerate(self.siblings):
            if s != EMPTY:
                bitmap[i // 8] |= 0x80 >> (i % 8)
                body += s
        out = bytearray([_VERSION]) + depth.to_bytes(2, "big") + bitmap + body
        if self.leaf is None:
            out.append(0)
        else:
            out.append(1)
            out += self.leaf[0] + self.leaf[1]
        return bytes(out)

    @classmethod
    def decode(cls, data: bytes) -> Proof:
        if len(data) < 4 or data[0] != _VERSION:
            raise ValueError("not a zrchain/smt proof")
        depth = int.from_bytes(data[1:3], "big")
        if depth > 256:
            raise ValueError("proof deeper than 256")
        pos = 3
        bitmap = data[pos : pos + (depth + 7) // 8]
        pos += (depth + 7) // 8
        siblings = []
        for i in range(depth):
            if len(bitmap) * 8 <= i:
                raise ValueError("truncated proof")
            if bitmap[i // 8] & (0x80 >> (i % 8)):
                s = data[pos : pos + 32]
                if len(s) != 32:
                    raise ValueError("truncated proof")
                siblings.append(s)
                pos += 32
            else:
                siblings.append(EMPTY)
        tag = data[pos : pos + 1]
        pos += 1
        leaf: tuple[bytes, bytes] | None
        if tag == b"\x00":
            leaf = None
        elif tag == b"\x01":
            kh, vh = data[pos : pos + 32], data[pos + 32 : pos + 64]
            if len(vh) != 32:
                raise ValueError("truncated proof")
            leaf = (kh, vh)
            pos += 64
        else:
            raise ValueError("bad proof terminal")
        if pos != len(data):
            raise ValueError("trailing bytes in proof")
        return cls(tuple(siblings), leaf)


def _bit(keyhash: bytes, i: int) -> int:
    return (keyhash[i // 8] >> (7 - i % 8)) & 1


def _same_prefix(a: bytes, b: bytes, bits: int) -> bool:
    return all(_bit(a, i) == _bit(b, i) for i in range(bits))


def compute_root(key: bytes, value: bytes | None, proof: Proof) -> bytes | None:
    """The root the proof implies for ``key`` having ``value`` (None: absent), or None."""
    kh = _sha(key)
    depth = len(proof.siblings)
    if proof.leaf is not None and proof.leaf[0] == kh:
        if value is None or _sha(value) != proof.leaf[1]:
            return None
        h = leaf_hash(kh, proof.leaf[1])
    elif value is not None:
        return None
    elif proof.leaf is None:
        h = EMPTY
    else:
        # Another key's leaf occupies the subtree our key would be in: our key is absent.
        if not _same_prefix(proof.leaf[0], kh, depth):
            return None
        h = leaf_hash(*proof.leaf)
    for i in range(depth - 1, -1, -1):
        s = proof.siblings[i]
        h = inner_hash(s, h) if _bit(kh, i) else inner_hash(h, s)
    return h


def verify(root: bytes, key: bytes, value: bytes | None, proof: bytes | Proof) -> bool:
    """True when ``proof`` shows that ``key`` maps to ``value`` (None: is absent) under ``root``."""
    try:
        p = proof if isinstance(proof, Proof) else Proof.decode(proof)
    except ValueError:
        return False
    return compute_root(key, value, p) == root
