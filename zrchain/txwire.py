"""The tx path's Rust extension (``crates/zrchain-txwire``, built by scripts/bootstrap.sh),
or None for each of its functions when it is not installed: the callers then do the same
work with protobuf (same results, slower), and ``zrchaind start`` warns."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from types import ModuleType
from typing import Any

_ext: ModuleType | None
try:
    _ext = importlib.import_module("zrchain_txwire")
except ImportError:  # pragma: no cover - exercised on a machine without the build
    _ext = None

# envelope(raw) -> decode.Envelope | None (None: not plain, read it with protobuf)
envelope: Callable[[bytes], Any] | None = None if _ext is None else _ext.envelope
# encode_events(events, field_tag, indexed) -> bytes (abci.encode.encode_events)
encode_events: Callable[..., bytes] | None = None if _ext is None else _ext.encode_events


def installed() -> bool:
    return envelope is not None and encode_events is not None
