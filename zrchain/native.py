"""The node's hot paths in Rust (``crates/zrchain-native``, built by scripts/bootstrap.sh),
or None for each function when the extension is not installed: the callers then do the same
work in Python or with protobuf (same results, slower), and ``zrchaind start`` warns."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from types import ModuleType
from typing import Any

_ext: ModuleType | None
try:
    _ext = importlib.import_module("zrchain_native")
except ImportError:  # pragma: no cover - exercised on a machine without the build
    _ext = None

# envelope(raw) -> decode.Envelope | None (None: not plain, read it with protobuf)
envelope: Callable[[bytes], Any] | None = None if _ext is None else _ext.envelope
# encode_events(events, field_tag, indexed) -> bytes (abci.encode.encode_events)
encode_events: Callable[..., bytes] | None = None if _ext is None else _ext.encode_events
# trie_update(changes, ns, reader, pending, committed, remembered) -> root (smt.py)
trie_update: Callable[..., bytes] | None = None if _ext is None else _ext.trie_update


def installed() -> bool:
    return None not in (envelope, encode_events, trie_update)
