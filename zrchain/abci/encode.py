"""Hand-written protobuf encoding of the ABCI messages built once per tx (events and
ExecTxResult): building protobuf objects field by field costs more than the tx itself."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class EventData(Protocol):
    """What an event must have to be encoded: a type and its (key, value) attributes."""

    @property
    def type(self) -> str: ...

    @property
    def attributes(self) -> Sequence[tuple[str, str]]: ...


# Varints of every length below 16,384 (event bodies, attributes, tx results): one list
# index instead of a loop; 0.5 MB.
_SMALL = [bytes((i,)) for i in range(128)] + [
    bytes(((i & 0x7F) | 0x80, i >> 7)) for i in range(128, 1 << 14)
]


class _Encoded(dict[tuple[str, str], bytes]):
    """Encoded attributes by (key, value), filled on first use: attributes repeat a lot
    across txs, and a lookup is one C call (``map``) instead of a Python loop."""

    def __missing__(self, kv: tuple[str, str]) -> bytes:
        b = self[kv] = _attr(*kv)
        return b


_ATTRS = _Encoded()
_TYPES: dict[str, bytes] = {}
_TAGGED: dict[bytes, list[bytes]] = {}  # field tag -> tag + each varint of _SMALL


def _uvarint(n: int) -> bytes:
    if n < 0x4000:
        return _SMALL[n]
    if n < 0x200000:  # gas amounts
        return bytes(((n & 0x7F) | 0x80, ((n >> 7) & 0x7F) | 0x80, n >> 14))
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def _ld(tag: bytes, payload: bytes) -> bytes:
    return tag + _uvarint(len(payload)) + payload


def _type_field(type_: str) -> bytes:
    """Event.type (field 1), left out when empty as protobuf does."""
    return _ld(b"\x0a", type_.encode()) if type_ else b""


def _attr(k: str, v: str, index: bool = True) -> bytes:
    kb, vb = k.encode(), v.encode()
    attr = b"\x0a" + _uvarint(len(kb)) + kb if kb else b""
    if vb:
        attr += b"\x12" + _uvarint(len(vb)) + vb
    if index:
        attr += b"\x18\x01"
    return b"\x12" + _uvarint(len(attr)) + attr


def encode_event(type_: str, attributes: Sequence[tuple[str, str]]) -> bytes:
    """tendermint.abci.Event{type=1, attributes=2{key=1, value=2, index=3 (true)}}."""
    head = _TYPES.get(type_)
    if head is None:
        head = _TYPES[type_] = _type_field(type_)
    if len(_ATTRS) > 100_000:
        _ATTRS.clear()
    return head + b"".join(map(_ATTRS.__getitem__, attributes))


def encode_events(
    events: Sequence[EventData], field_tag: bytes, indexed: frozenset[str] | None = None
) -> bytes:
    """``encode_event`` of each, as field ``field_tag`` (inlined: a tx has ~10 events).

    Every attribute is marked for CometBFT to index, unless ``indexed`` names the ones to
    mark as ``{event type}.{attribute key}`` (the SDK's ``index-events``, MarkEventsToIndex).
    """
    if indexed:
        return _encode_events_marked(events, field_tag, indexed)
    types, attr = _TYPES, _ATTRS.__getitem__
    if len(_ATTRS) > 100_000:
        _ATTRS.clear()
    tagged = _TAGGED.get(field_tag)
    if tagged is None:
        tagged = _TAGGED[field_tag] = [field_tag + v for v in _SMALL]
    out: list[bytes] = []
    append, join = out.append, b"".join
    for e in events:
        head = types.get(e.type)
        if head is None:
            head = types[e.type] = _type_field(e.type)
        body = head + join(map(attr, e.attributes))
        n = len(body)
        append(tagged[n] if n < 0x4000 else field_tag + _uvarint(n))
        append(body)
    return join(out)


def _encode_events_marked(
    events: Sequence[EventData], field_tag: bytes, indexed: frozenset[str]
) -> bytes:
    out: list[bytes] = []
    for e in events:
        prefix = e.type + "."
        body = _type_field(e.type) + b"".join(
            _attr(k, v, prefix + k in indexed) for k, v in e.attributes
        )
        out.append(_ld(field_tag, body))
    return b"".join(out)


def encode_exec_tx_result(
    code: int,
    data: bytes,
    log: str,
    gas_wanted: int,
    gas_used: int,
    events: Sequence[EventData],
    codespace: str,
    indexed: frozenset[str] | None = None,
) -> bytes:
    """tendermint.abci.ExecTxResult: code=1 data=2 log=3 info=4 gas_wanted=5 gas_used=6
    events=7 codespace=8 (zero values omitted, as protobuf does)."""
    out = []
    if code:
        out.append(b"\x08" + _uvarint(code))
    if data:
        out.append(_ld(b"\x12", data))
    if log:
        out.append(_ld(b"\x1a", log.encode()))
    if gas_wanted:
        out.append(b"\x28" + _uvarint(gas_wanted & 0xFFFFFFFFFFFFFFFF))
    if gas_used:
        out.append(b"\x30" + _uvarint(gas_used & 0xFFFFFFFFFFFFFFFF))
    out.append(encode_events(events, b"\x3a", indexed))
    if codespace:
        out.append(_ld(b"\x42", codespace.encode()))
    return b"".join(out)


def encode_tx_msg_data(responses: Sequence[tuple[str, bytes]]) -> bytes:
    """cosmos.base.abci.v1beta1.TxMsgData{msg_responses=2: Any{type_url=1, value=2}} of
    (type URL, serialised response) pairs: a tx's result data."""
    out = []
    for url, value in responses:
        u = url.encode()
        any_ = b"\x0a" + _uvarint(len(u)) + u if u else b""
        if value:
            any_ += b"\x12" + _uvarint(len(value)) + value
        out.append(b"\x12" + _uvarint(len(any_)) + any_)
    return b"".join(out)


def encode_finalize_block(events: bytes, tx_results: Sequence[bytes], rest: bytes) -> bytes:
    """ResponseFinalizeBlock: events=1 (pre-encoded), tx_results=2, then ``rest`` (fields
    3-5 serialised by protobuf)."""
    parts = [events]
    append, uv = parts.append, _uvarint
    for r in tx_results:  # parts, joined once: a result is copied once, not twice
        append(b"\x12")
        append(uv(len(r)))
        append(r)
    parts.append(rest)
    return b"".join(parts)
