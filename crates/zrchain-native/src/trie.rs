//! The state trie's update (zrchain/store/smt.py, `SparseMerkleTrie.update`) in one call:
//! the same nodes at the same positions, the same hashes (zrchain/store/proof.py), the same
//! bookkeeping in the trie's three dicts (`pending` writes, `committed` pre-images,
//! `remembered` reads), so the Python class stays the one owner of the trie's state.

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

type Hash = [u8; 32];

const EMPTY: Hash = [0; 32];

#[derive(Clone, Copy, PartialEq, Eq)]
struct Node {
    leaf: bool,
    hash: Hash,
    keyhash: Hash, // leaves only (zero otherwise)
    valuehash: Hash,
}

fn sha(parts: &[&[u8]]) -> Hash {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p);
    }
    h.finalize().into()
}

fn make_leaf(kh: &Hash, vh: &Hash) -> Node {
    Node { leaf: true, hash: sha(&[&[0], kh, vh]), keyhash: *kh, valuehash: *vh }
}

fn make_inner(left: Option<&Node>, right: Option<&Node>) -> Node {
    let l = left.map_or(EMPTY, |n| n.hash);
    let r = right.map_or(EMPTY, |n| n.hash);
    Node { leaf: false, hash: sha(&[&[1], &l, &r]), keyhash: EMPTY, valuehash: EMPTY }
}

fn encode(node: &Node) -> Vec<u8> {
    let mut out = Vec::with_capacity(97);
    if node.leaf {
        out.push(b'L');
        out.extend_from_slice(&node.hash);
        out.extend_from_slice(&node.keyhash);
        out.extend_from_slice(&node.valuehash);
    } else {
        out.push(b'I');
        out.extend_from_slice(&node.hash);
    }
    out
}

fn hash32(raw: &[u8], at: usize) -> PyResult<Hash> {
    raw.get(at..at + 32)
        .and_then(|s| s.try_into().ok())
        .ok_or_else(|| pyo3::exceptions::PyValueError::new_err("truncated trie node"))
}

fn decode(raw: &[u8]) -> PyResult<Node> {
    if raw.first() == Some(&b'L') {
        return Ok(Node { leaf: true, hash: hash32(raw, 1)?, keyhash: hash32(raw, 33)?, valuehash: hash32(raw, 65)? });
    }
    Ok(Node { leaf: false, hash: hash32(raw, 1)?, keyhash: EMPTY, valuehash: EMPTY })
}

/// A path's first `depth` bits, left-aligned (the rest zero); bit `depth` set: the right child.
fn with_bit(path: &Hash, depth: usize) -> Hash {
    let mut out = *path;
    out[depth / 8] |= 0x80 >> (depth % 8);
    out
}

/// smt.position_key: depth (2 bytes) then the path's first `depth` bits as a big-endian
/// integer in ceil(depth / 8) bytes.
fn position_key(depth: usize, path: &Hash) -> Vec<u8> {
    let n = depth.div_ceil(8);
    let mut out = Vec::with_capacity(2 + n);
    out.extend_from_slice(&(depth as u16).to_be_bytes());
    let shift = (8 * n - depth) as u32; // right-align the bits in n bytes
    for i in 0..n {
        let hi = if i == 0 { 0u16 } else { u16::from(path[i - 1]) };
        let word = (hi << 8) | u16::from(path[i]);
        out.push(if shift == 0 { path[i] } else { (word >> shift) as u8 });
    }
    out
}

fn bisect_left(keys: &[Hash], target: &Hash, lo: usize, hi: usize) -> usize {
    lo + keys[lo..hi].partition_point(|k| k < target)
}

struct Trie<'a, 'py> {
    py: Python<'py>,
    ns: &'a [u8],
    reader: &'a Bound<'py, PyAny>,
    pending: &'a Bound<'py, PyDict>,
    committed: &'a Bound<'py, PyDict>,
    remembered: &'a Bound<'py, PyDict>,
    khs: Vec<Hash>,
    vhs: Vec<Option<Hash>>,
}

impl Trie<'_, '_> {
    /// smt._load_at: pending, else remembered, else the reader (remembered then); a
    /// position read other than from pending is recorded in `committed`.
    fn load(&self, pos: &[u8]) -> PyResult<Option<Node>> {
        let key = PyBytes::new(self.py, pos);
        let raw = match self.pending.get_item(&key)? {
            Some(v) => v,
            None => {
                let v = match self.remembered.get_item(&key)? {
                    Some(v) => v,
                    None => {
                        let mut full = self.ns.to_vec();
                        full.extend_from_slice(pos);
                        let v = self.reader.call_method1("get", (PyBytes::new(self.py, &full),))?;
                        self.remembered.set_item(&key, &v)?;
                        v
                    }
                };
                self.committed.set_item(&key, &v)?;
                v
            }
        };
        if raw.is_none() {
            return Ok(None);
        }
        Ok(Some(decode(raw.cast::<PyBytes>()?.as_bytes())?))
    }

    fn put(&self, pos: &[u8], node: Option<&Node>) -> PyResult<()> {
        let key = PyBytes::new(self.py, pos);
        match node {
            Some(n) => self.pending.set_item(key, PyBytes::new(self.py, &encode(n))),
            None => self.pending.set_item(key, self.py.None()),
        }
    }

    /// smt._put_fresh: a node below a leaf or an empty position, where the reader holds
    /// nothing (unless this update period wrote there, and then `committed` has it).
    fn put_fresh(&self, pos: &[u8], node: &Node) -> PyResult<()> {
        let key = PyBytes::new(self.py, pos);
        if !self.pending.contains(&key)? && !self.committed.contains(&key)? {
            self.committed.set_item(&key, self.py.None())?;
        }
        self.pending.set_item(key, PyBytes::new(self.py, &encode(node)))
    }

    #[allow(clippy::too_many_arguments)]
    fn update(
        &self,
        depth: usize,
        path: &Hash,
        pos: &[u8],
        lo: usize,
        hi: usize,
        existing: Option<Node>,
    ) -> PyResult<Option<Node>> {
        if lo == hi {
            return Ok(existing);
        }
        if existing.map_or(true, |e| e.leaf) {
            if hi - lo == 1 && existing.map_or(true, |e| e.keyhash == self.khs[lo]) {
                let vh = self.vhs[lo];
                if let (Some(e), Some(v)) = (existing, vh) {
                    if v == e.valuehash {
                        return Ok(existing);
                    }
                }
                let new = vh.map(|v| make_leaf(&self.khs[lo], &v));
                if new != existing {
                    self.put(pos, new.as_ref())?;
                }
                return Ok(new);
            }
            let mut leaves: Vec<(Hash, Hash)> = Vec::with_capacity(hi - lo + 1);
            if let Some(e) = existing {
                let i = bisect_left(&self.khs, &e.keyhash, lo, hi);
                if i == hi || self.khs[i] != e.keyhash {
                    leaves.push((e.keyhash, e.valuehash));
                }
            }
            for i in lo..hi {
                if let Some(v) = self.vhs[i] {
                    leaves.push((self.khs[i], v));
                }
            }
            leaves.sort();
            let n = leaves.len();
            let built = self.build(depth, path, &leaves, 0, n)?;
            if built != existing {
                self.put(pos, built.as_ref())?;
            }
            return Ok(built);
        }
        let rpath = with_bit(path, depth);
        let mid = bisect_left(&self.khs, &rpath, lo, hi);
        let (lpos, rpos) = (position_key(depth + 1, path), position_key(depth + 1, &rpath));
        let mut left = self.load(&lpos)?;
        let mut right = self.load(&rpos)?;
        if lo < mid {
            left = self.update(depth + 1, path, &lpos, lo, mid, left)?;
        }
        if mid < hi {
            right = self.update(depth + 1, &rpath, &rpos, mid, hi, right)?;
        }
        let node = match (left, right) {
            (None, None) => None,
            (Some(l), None) if l.leaf => {
                self.put(&lpos, None)?; // a lone leaf moves up
                Some(l)
            }
            (None, Some(r)) if r.leaf => {
                self.put(&rpos, None)?;
                Some(r)
            }
            (l, r) => Some(make_inner(l.as_ref(), r.as_ref())),
        };
        if node != existing {
            self.put(pos, node.as_ref())?;
        }
        Ok(node)
    }

    /// smt._build: a fresh subtree for `leaves[lo..hi]` (every position below is empty).
    fn build(&self, depth: usize, path: &Hash, leaves: &[(Hash, Hash)], lo: usize, hi: usize) -> PyResult<Option<Node>> {
        match hi - lo {
            0 => return Ok(None),
            1 => return Ok(Some(make_leaf(&leaves[lo].0, &leaves[lo].1))),
            _ => {}
        }
        let rpath = with_bit(path, depth);
        let mid = lo + leaves[lo..hi].partition_point(|(k, _)| k < &rpath);
        let left = self.build(depth + 1, path, leaves, lo, mid)?;
        let right = self.build(depth + 1, &rpath, leaves, mid, hi)?;
        if let Some(l) = &left {
            self.put_fresh(&position_key(depth + 1, path), l)?;
        }
        if let Some(r) = &right {
            self.put_fresh(&position_key(depth + 1, &rpath), r)?;
        }
        Ok(Some(make_inner(left.as_ref(), right.as_ref())))
    }
}

/// `SparseMerkleTrie.update(changes)` of smt.py: applies (key, value or None) pairs (the
/// last of a key wins), keeping the trie's `pending`, `committed` and `remembered` as the
/// Python code does; returns the new root hash (32 zero bytes: empty).
#[pyfunction]
#[allow(clippy::too_many_arguments)]
pub fn trie_update<'py>(
    py: Python<'py>,
    changes: &Bound<'py, PyAny>,
    ns: &[u8],
    reader: &Bound<'py, PyAny>,
    pending: &Bound<'py, PyDict>,
    committed: &Bound<'py, PyDict>,
    remembered: &Bound<'py, PyDict>,
) -> PyResult<Bound<'py, PyBytes>> {
    let mut by_hash: BTreeMap<Hash, Option<Hash>> = BTreeMap::new();
    for pair in changes.try_iter()? {
        let pair = pair?;
        let key_obj = pair.get_item(0)?;
        let value_obj = pair.get_item(1)?;
        let kh: Hash = Sha256::digest(key_obj.cast::<PyBytes>()?.as_bytes()).into();
        let vh = if value_obj.is_none() {
            None
        } else {
            Some(Sha256::digest(value_obj.cast::<PyBytes>()?.as_bytes()).into())
        };
        by_hash.insert(kh, vh);
    }
    let trie = Trie {
        py,
        ns,
        reader,
        pending,
        committed,
        remembered,
        khs: by_hash.keys().copied().collect(),
        vhs: by_hash.values().copied().collect(),
    };
    let root_pos = position_key(0, &EMPTY);
    let existing = trie.load(&root_pos)?;
    if trie.khs.is_empty() {
        return Ok(PyBytes::new(py, &existing.map_or(EMPTY, |n| n.hash)));
    }
    let n = trie.khs.len();
    let node = trie.update(0, &EMPTY, &root_pos, 0, n, existing)?;
    Ok(PyBytes::new(py, &node.map_or(EMPTY, |n| n.hash)))
}
