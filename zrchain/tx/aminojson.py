"""SIGN_MODE_LEGACY_AMINO_JSON: the sign bytes Ledger devices and Keplr's amino path sign.

The Cosmos SDK v0.50 (``cosmossdk.io/x/tx`` v0.13, which zrChain pins) writes them with
its amino JSON encoder driven by the proto options; these are its rules, as
``docs/node-compat.md`` ("Sign modes") states them with their sources:

* the sign doc is ``{"account_number","chain_id","fee":{"amount","gas"[,"granter"]
  [,"payer"]},"memo","msgs","sequence"[,"timeout_height"]}`` with no whitespace;
* every message's fields are sorted by name (``amino.field_name`` renames one); a field
  at its zero value is left out unless it carries ``amino.dont_omitempty``;
* an ``Any`` becomes ``{"type": <amino.name, else the type URL>, "value": {...}}``;
* 64-bit integers are quoted strings, 32-bit ones and enums numbers, bytes base64;
  ``Timestamp`` is RFC 3339 (nanoseconds trimmed), ``Duration`` its nanoseconds quoted;
* ``amino.encoding = "legacy_coins"`` writes an empty list as ``[]``, ``cosmos.Int`` an
  empty string as ``"0"``, ``cosmos.Dec`` (LegacyDec) as a decimal with 18 places;
  ``amino.message_encoding`` ``key_field`` (a public key as base64) and
  ``threshold_string`` (a multisig key) have their own shapes.

Anything the Go encoder refuses (maps, floats, an unset message marked dont_omitempty, a
oneof without ``amino.oneof_name``) raises ``AminoJSONError`` here too: no sign bytes,
so no signature in this mode can verify.
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from cosmpy.protos.amino import amino_pb2
from cosmpy.protos.cosmos_proto import cosmos_pb2
from google.protobuf import descriptor_pool
from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.message import DecodeError, Message
from google.protobuf.message_factory import GetMessageClass

from zrchain.codec.json import go_json_string

_LEGACY_DEC = "cosmossdk.io/math.LegacyDec"
_DEC_PLACES = 18
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# The option extensions the encoder reads (typed Any: the stubs type extensions narrowly).
_NAME: Any = amino_pb2.name
_MESSAGE_ENCODING: Any = amino_pb2.message_encoding
_FIELD_NAME: Any = amino_pb2.field_name
_DONT_OMITEMPTY: Any = amino_pb2.dont_omitempty
_ENCODING: Any = amino_pb2.encoding
_ONEOF_NAME: Any = amino_pb2.oneof_name
_SCALAR: Any = cosmos_pb2.scalar
_MAX_DURATION_SECONDS = (2**63 - 1) // 10**9 - 1
_MAX_DEPTH = 64  # nested messages; the SDK's decoder limits Any nesting well below this


class AminoJSONError(ValueError):
    """The message cannot be written as amino JSON (the SDK's encoder refuses it too)."""


def _gogo_customtype(field: FieldDescriptor) -> str:
    for opt, value in field.GetOptions().ListFields():
        if opt.full_name == "gogoproto.customtype":
            return str(value)
    return ""


@lru_cache(maxsize=4096)
def _message_name(desc: Descriptor) -> str | None:
    opts = desc.GetOptions()
    return str(opts.Extensions[_NAME]) if opts.HasExtension(_NAME) else None


@lru_cache(maxsize=4096)
def _message_encoding(desc: Descriptor) -> str:
    opts = desc.GetOptions()
    if opts.HasExtension(_MESSAGE_ENCODING):
        return str(opts.Extensions[_MESSAGE_ENCODING])
    return ""


@lru_cache(maxsize=8192)
def _field_plan(
    field: FieldDescriptor,
) -> tuple[str, bool, str, str, tuple[str, str] | None]:
    """(JSON name, omit when empty, amino.encoding, scalar encoder, oneof names)."""
    opts = field.GetOptions()
    name = field.name
    if opts.HasExtension(_FIELD_NAME):
        name = str(opts.Extensions[_FIELD_NAME])
    omit = True
    if opts.HasExtension(_DONT_OMITEMPTY):
        omit = not bool(opts.Extensions[_DONT_OMITEMPTY])
    encoding = (
        str(opts.Extensions[_ENCODING]) if opts.HasExtension(_ENCODING) else ""
    )
    scalar = ""
    if opts.HasExtension(_SCALAR):
        scalar = str(opts.Extensions[_SCALAR])
        if scalar == "cosmos.Dec" and _gogo_customtype(field) != _LEGACY_DEC:
            scalar = ""  # a decimal already held as text: written as the string it is
    oneof = None
    if field.containing_oneof is not None:
        if not opts.HasExtension(_ONEOF_NAME):
            raise AminoJSONError(
                f"field {field.name} within a oneof must have the amino.oneof_type_name option set"
            )
        oneof = (_camel(field.containing_oneof.name), str(opts.Extensions[_ONEOF_NAME]))
    return name, omit, encoding, scalar, oneof


def _camel(name: str) -> str:
    return "".join(p[:1].upper() + p[1:] for p in name.split("_") if p)


def _has(msg: Message, field: FieldDescriptor) -> bool:
    if field.label == FieldDescriptor.LABEL_REPEATED:
        return len(getattr(msg, field.name)) > 0
    if field.has_presence:
        return msg.HasField(field.name)
    return bool(getattr(msg, field.name) != field.default_value)


class _Writer:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.depth = 0

    def text(self) -> str:
        return "".join(self.parts)

    # -- messages ----------------------------------------------------------------------
    def top(self, msg: Message, is_any: bool) -> None:
        name = _message_name(msg.DESCRIPTOR)
        if is_any and name is None:
            name = "/" + msg.DESCRIPTOR.full_name
        if name is not None:
            self.parts.append('{"type":' + go_json_string(name) + ',"value":')
        self.message(msg)
        if name is not None:
            self.parts.append("}")

    def message(self, msg: Message) -> None:
        self.depth += 1
        if self.depth > _MAX_DEPTH:
            raise AminoJSONError("message nested too deeply")
        try:
            self._message(msg)
        finally:
            self.depth -= 1

    def _message(self, msg: Any) -> None:
        desc = msg.DESCRIPTOR
        full = desc.full_name
        if full == "google.protobuf.Any":
            self._any(msg)
            return
        if full == "google.protobuf.Timestamp":
            self.parts.append('"' + _rfc3339(int(msg.seconds), int(msg.nanos)) + '"')
            return
        if full == "google.protobuf.Duration":
            seconds, nanos = int(msg.seconds), int(msg.nanos)
            if seconds > _MAX_DURATION_SECONDS:
                raise AminoJSONError(
                    f"{seconds} seconds would overflow an int64 when represented as nanoseconds"
                )
            self.parts.append(f'"{seconds * 1_000_000_000 + nanos}"')
            return
        encoding = _message_encoding(desc)
        if encoding == "key_field":
            key = bytes(msg.key)
            self.parts.append('"' + base64.b64encode(key).decode() + '"' if key else "null")
            return
        if encoding == "threshold_string":
            self._threshold(msg)
            return
        if encoding == "module_account":
            raise AminoJSONError("module accounts are not written in sign docs")
        entries = []
        for field in desc.fields:
            name, omit, encoding_, scalar, oneof = _field_plan(field)
            entries.append(
                (oneof[0] if oneof else name, name, field, omit, encoding_, scalar, oneof)
            )
        entries.sort(key=lambda e: e[0])
        self.parts.append("{")
        first = True
        null_oneofs: set[str] = set()
        for _sort_name, name, field, omit, encoding_, scalar, oneof in entries:
            write_null = False
            if not _has(msg, field):
                if (
                    oneof is not None
                    and msg.WhichOneof(field.containing_oneof.name) is None
                    and oneof[0] not in null_oneofs
                ):
                    name, write_null = oneof[0], True
                    null_oneofs.add(oneof[0])
                elif omit:
                    continue
                elif (
                    field.type == FieldDescriptor.TYPE_MESSAGE
                    and field.label != FieldDescriptor.LABEL_REPEATED
                ):
                    raise AminoJSONError(
                        f"not supported: dont_omit_empty=true on invalid (nil?) message field: "
                        f"{name}"
                    )
            if not first:
                self.parts.append(",")
            first = False
            wrapped = oneof is not None and not write_null
            if wrapped:
                assert oneof is not None
                self.parts.append(
                    go_json_string(oneof[0]) + ':{"type":' + go_json_string(oneof[1]) + ',"value":{'
                )
            self.parts.append(go_json_string(name) + ":")
            if encoding_ == "legacy_coins":
                self._list(msg, field)
            elif encoding_ == "inline_json":
                raise AminoJSONError("inline_json fields are not supported")
            elif (
                scalar in ("cosmos.Int", "cosmos.Dec")
                and field.label != FieldDescriptor.LABEL_REPEATED
            ):
                self._number_text(getattr(msg, field.name), scalar)
            elif write_null:
                self.parts.append("null")
            else:
                self._field(msg, field)
            if wrapped:
                self.parts.append("}}")
        self.parts.append("}")

    def _field(self, msg: Message, field: FieldDescriptor) -> None:
        if field.label == FieldDescriptor.LABEL_REPEATED:
            if field.message_type is not None and field.message_type.GetOptions().map_entry:
                raise AminoJSONError("maps are not supported")
            self._list(msg, field)
            return
        self.value(field, getattr(msg, field.name))

    def _list(self, msg: Message, field: FieldDescriptor) -> None:
        self.parts.append("[")
        for i, v in enumerate(getattr(msg, field.name)):
            if i:
                self.parts.append(",")
            self.value(field, v)
        self.parts.append("]")

    def value(self, field: FieldDescriptor, v: Any) -> None:
        t = field.type
        if t == FieldDescriptor.TYPE_MESSAGE or t == FieldDescriptor.TYPE_GROUP:
            self.message(v)
        elif t == FieldDescriptor.TYPE_STRING:
            self.parts.append(go_json_string(v))
        elif t == FieldDescriptor.TYPE_BYTES:
            self.parts.append('"' + base64.b64encode(bytes(v)).decode() + '"')
        elif t == FieldDescriptor.TYPE_BOOL:
            self.parts.append("true" if v else "false")
        elif t in _QUOTED:
            self.parts.append(f'"{int(v)}"')
        elif t in _PLAIN or t == FieldDescriptor.TYPE_ENUM:
            self.parts.append(str(int(v)))
        else:
            raise AminoJSONError(f"unknown type {field.type} of field {field.name}")

    def _number_text(self, v: Any, scalar: str) -> None:
        text = v.decode() if isinstance(v, bytes) else str(v)
        if not text:
            self.parts.append('"0"')
        elif scalar == "cosmos.Int":
            self.parts.append(go_json_string(text))
        else:
            self.parts.append('"' + _legacy_dec(text) + '"')

    def _any(self, any_msg: Any) -> None:
        url = str(any_msg.type_url)
        cls = _class_of(url)
        if cls is None:
            raise AminoJSONError(f"can't resolve type URL {url}")
        try:
            inner = cls.FromString(any_msg.value)
        except DecodeError as exc:
            raise AminoJSONError(f"{url}: {exc}") from exc
        self.top(inner, is_any=True)

    def _threshold(self, msg: Any) -> None:
        self.parts.append('{"pubkeys":[')
        for i, pk in enumerate(msg.public_keys):
            if i:
                self.parts.append(",")
            self.message(pk)
        self.parts.append(f'],"threshold":"{int(msg.threshold)}"}}')


_QUOTED = frozenset(
    {
        FieldDescriptor.TYPE_INT64,
        FieldDescriptor.TYPE_UINT64,
        FieldDescriptor.TYPE_SINT64,
        FieldDescriptor.TYPE_FIXED64,
        FieldDescriptor.TYPE_SFIXED64,
    }
)
_PLAIN = frozenset(
    {
        FieldDescriptor.TYPE_INT32,
        FieldDescriptor.TYPE_UINT32,
        FieldDescriptor.TYPE_SINT32,
        FieldDescriptor.TYPE_FIXED32,
        FieldDescriptor.TYPE_SFIXED32,
    }
)


@lru_cache(maxsize=1024)
def _class_of(type_url: str) -> type[Message] | None:
    try:
        desc = descriptor_pool.Default().FindMessageTypeByName(type_url.rsplit("/", 1)[-1])
    except KeyError:
        return None
    cls: type[Message] = GetMessageClass(desc)
    return cls


def _legacy_dec(text: str) -> str:
    """LegacyDec's wire text (the integer scaled by 10^18) as its decimal string."""
    neg = text.startswith("-")
    digits = text[1:] if neg else text
    if not digits.isascii() or not digits.isdigit():
        raise AminoJSONError(f"failed to unmarshal for Amino JSON encoding; string {text!r}")
    digits = digits.rjust(_DEC_PLACES + 1, "0")
    out = f"{digits[:-_DEC_PLACES]}.{digits[-_DEC_PLACES:]}"
    return "-" + out if neg and int(digits) else out


def _rfc3339(seconds: int, nanos: int) -> str:
    """Go's ``time.RFC3339`` (whole seconds) or ``RFC3339Nano`` (fraction, zeros trimmed)."""
    if nanos < 0:
        raise AminoJSONError("nanos must be non-negative on timestamp")
    seconds += nanos // 1_000_000_000
    nanos %= 1_000_000_000
    try:
        d = _EPOCH + timedelta(seconds=seconds)
    except OverflowError as exc:
        raise AminoJSONError(f"timestamp out of range: {seconds}") from exc
    text = f"{d.year:04d}-{d.month:02d}-{d.day:02d}T{d.hour:02d}:{d.minute:02d}:{d.second:02d}"
    if nanos:
        text += "." + f"{nanos:09d}".rstrip("0")
    return text + "Z"


def marshal(msg: Message) -> bytes:
    """The amino JSON of one message (wrapped as ``{"type","value"}`` when it has an
    ``amino.name``), as the SDK's encoder writes it."""
    w = _Writer()
    w.top(msg, is_any=False)
    return w.text().encode()


def sign_bytes(
    *,
    chain_id: str,
    account_number: int,
    sequence: int,
    timeout_height: int,
    memo: str,
    msgs: list[Any],
    fee_amount: list[Any],
    gas: int,
    payer: str = "",
    granter: str = "",
) -> bytes:
    """The SDK's ``AminoSignDoc`` as amino JSON (``msgs`` are the body's Anys)."""
    w = _Writer()
    p = w.parts
    p.append(f'{{"account_number":"{account_number}","chain_id":{go_json_string(chain_id)},')
    p.append('"fee":{"amount":[')
    for i, c in enumerate(fee_amount):
        if i:
            p.append(",")
        w.message(c)
    p.append(f'],"gas":"{gas}"')
    if granter:
        p.append(',"granter":' + go_json_string(granter))
    if payer:
        p.append(',"payer":' + go_json_string(payer))
    p.append('},"memo":' + go_json_string(memo) + ',"msgs":[')
    for i, m in enumerate(msgs):
        if i:
            p.append(",")
        w.message(m)
    p.append(f'],"sequence":"{sequence}"')
    if timeout_height:
        p.append(f',"timeout_height":"{timeout_height}"')
    p.append("}")
    return w.text().encode()
