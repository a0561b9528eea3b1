"""The REST door: a grpc-gateway look-alike over the one query router.

Routes come from each ``QueryRoute.rest`` (``GET /cosmos/bank/v1beta1/balances/{address}``).
A request message is built from path parameters, the query string (``pagination.limit=10``,
repeated keys, enums by name or number, base64 bytes) or, for ``body: "*"`` routes, the
JSON body (camelCase or snake_case, ``@type`` Anys). Responses are rendered as the SDK's
gateway renders them: proto field names, defaults included, 64-bit integers as strings,
bytes as base64, enums as names. Errors are ``{"code", "message", "details"}`` with the
HTTP status grpc-gateway gives each gRPC code.

The server runs in its own thread with its own event loop, and router calls run on a
worker pool: the ABCI server owns the main loop and runs app code on it synchronously, and
a REST call (a broadcast waiting on CometBFT's CheckTx, say) must neither block it nor wait
behind it.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import logging
import math
import os
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from aiohttp import web
from google.protobuf import json_format
from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.message import Message

from zrchain.codec import json as bounded_json
from zrchain.codec.json import from_dict, to_dict
from zrchain.errors import QueryError, Status
from zrchain.module import QueryRoute
from zrchain.server.grpc_server import HEIGHT_HEADER, parse_height
from zrchain.server.router import QueryRouter

log = logging.getLogger("zrchain.rest")

MAX_BODY_BYTES = 10 * 1024 * 1024
# JSON bodies nest no deeper than this (checked before parsing: Python's json and protobuf's
# json_format recurse per level). A tx with the SDK's ten levels of nested Anys needs ~40.
MAX_JSON_DEPTH = 64
HEIGHT_RESPONSE_HEADER = "Grpc-Metadata-X-Cosmos-Block-Height"  # grpc-gateway's forwarding

# grpc-gateway's HTTPStatusFromCode
HTTP_STATUS = {
    Status.OK: 200,
    Status.CANCELLED: 408,
    Status.UNKNOWN: 500,
    Status.INVALID_ARGUMENT: 400,
    Status.DEADLINE_EXCEEDED: 504,
    Status.NOT_FOUND: 404,
    Status.ALREADY_EXISTS: 409,
    Status.PERMISSION_DENIED: 403,
    Status.RESOURCE_EXHAUSTED: 429,
    Status.FAILED_PRECONDITION: 400,
    Status.ABORTED: 409,
    Status.OUT_OF_RANGE: 400,
    Status.UNIMPLEMENTED: 501,
    Status.INTERNAL: 500,
    Status.UNAVAILABLE: 503,
    Status.DATA_LOSS: 500,
    Status.UNAUTHENTICATED: 401,
}


def http_status(status: int) -> int:
    return HTTP_STATUS.get(status, 500)


def bad_request(message: str) -> QueryError:
    return QueryError(Status.INVALID_ARGUMENT, message)


# -- path templates ---------------------------------------------------------------------
@dataclass(frozen=True)
class Segment:
    literal: str | None = None  # a fixed segment, or
    field: str | None = None  # a variable: the (dotted) field it sets
    rest: bool = False  # ``{field=**}``: this and every following segment


_VAR = re.compile(r"^\{([A-Za-z_][\w.]*)(?:=(\*\*?))?\}$")


def parse_template(path: str) -> tuple[Segment, ...]:
    segments = []
    parts = path.strip("/").split("/")
    for i, part in enumerate(parts):
        m = _VAR.match(part)
        if m is None:
            if "{" in part or "}" in part:
                raise ValueError(f"unsupported path template segment {part!r} in {path!r}")
            segments.append(Segment(literal=part))
            continue
        rest = m.group(2) == "**"
        if rest and i != len(parts) - 1:
            raise ValueError(f"'**' must be the last segment of {path!r}")
        segments.append(Segment(field=m.group(1), rest=rest))
    return tuple(segments)


@dataclass(frozen=True)
class RestBinding:
    """One REST route of one query route, ready to match request paths."""

    http_method: str
    template: str
    body: str
    route: QueryRoute
    segments: tuple[Segment, ...]

    @property
    def specificity(self) -> tuple[int, ...]:
        """Literal segments win over variables at the same position (``blocks/latest``)."""
        return tuple(0 if s.literal is not None else 2 if s.rest else 1 for s in self.segments)

    def match(self, parts: Sequence[str]) -> dict[str, str] | None:
        params: dict[str, str] = {}
        for i, seg in enumerate(self.segments):
            if seg.rest:
                if i >= len(parts):
                    return None
                params[seg.field or ""] = "/".join(parts[i:])
                return params
            if i >= len(parts):
                return None
            if seg.literal is not None:
                if parts[i] != seg.literal:
                    return None
            else:
                params[seg.field or ""] = parts[i]
        return params if len(parts) == len(self.segments) else None


@dataclass(frozen=True)
class Match:
    binding: RestBinding
    params: dict[str, str]


def split_path(raw_path: str) -> list[str]:
    """Percent-decoded segments of a raw path (``%2F`` inside a segment stays in it)."""
    path = raw_path.split("?", 1)[0].strip("/")
    return [unquote(p) for p in path.split("/")] if path else []


# -- field values -----------------------------------------------------------------------
_INT = re.compile(r"^[+-]?[0-9]+$")  # ASCII only, as Go's strconv (\d is Unicode)
_BOOLS = {
    **dict.fromkeys(("1", "t", "T", "true", "TRUE", "True"), True),
    **dict.fromkeys(("0", "f", "F", "false", "FALSE", "False"), False),
}
_INT_RANGES = {
    FieldDescriptor.TYPE_INT32: (-(2**31), 2**31 - 1),
    FieldDescriptor.TYPE_SINT32: (-(2**31), 2**31 - 1),
    FieldDescriptor.TYPE_SFIXED32: (-(2**31), 2**31 - 1),
    FieldDescriptor.TYPE_INT64: (-(2**63), 2**63 - 1),
    FieldDescriptor.TYPE_SINT64: (-(2**63), 2**63 - 1),
    FieldDescriptor.TYPE_SFIXED64: (-(2**63), 2**63 - 1),
    FieldDescriptor.TYPE_UINT32: (0, 2**32 - 1),
    FieldDescriptor.TYPE_FIXED32: (0, 2**32 - 1),
    FieldDescriptor.TYPE_UINT64: (0, 2**64 - 1),
    FieldDescriptor.TYPE_FIXED64: (0, 2**64 - 1),
}
_JSON_LEAVES = (
    "google.protobuf.Timestamp",
    "google.protobuf.Duration",
    "google.protobuf.FieldMask",
)


def decode_base64(value: str) -> bytes:
    """Standard or URL-safe base64, padding optional (a ``+`` decoded to a space is repaired)."""
    text = value.replace(" ", "+").strip()
    text += "=" * (-len(text) % 4)
    try:
        if "-" in text or "_" in text:
            return base64.urlsafe_b64decode(text)
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError(f"not valid base64: {exc}") from None


def scalar(field: FieldDescriptor, value: str) -> Any:
    """One query-string or path value -> the Python value for ``field`` (ValueError if bad)."""
    t = field.type
    if t in _INT_RANGES:
        if not _INT.match(value.strip()):
            raise ValueError("expected an integer")
        n = int(value.strip())
        lo, hi = _INT_RANGES[t]
        if not lo <= n <= hi:
            raise ValueError(f"out of range [{lo}, {hi}]")
        return n
    if t in (FieldDescriptor.TYPE_FLOAT, FieldDescriptor.TYPE_DOUBLE):
        try:
            f = float(value)
        except ValueError:
            raise ValueError("expected a number") from None
        if math.isnan(f) and value.strip().lower() != "nan":
            raise ValueError("expected a number")
        return f
    if t == FieldDescriptor.TYPE_BOOL:
        if value not in _BOOLS:
            raise ValueError("expected true or false")
        return _BOOLS[value]
    if t == FieldDescriptor.TYPE_STRING:
        return value
    if t == FieldDescriptor.TYPE_BYTES:
        return decode_base64(value)
    if t == FieldDescriptor.TYPE_ENUM:
        enum = field.enum_type
        if value in enum.values_by_name:
            return enum.values_by_name[value].number
        if _INT.match(value.strip()) and int(value) in enum.values_by_number:
            return int(value)
        names = ", ".join(v.name for v in enum.values)
        raise ValueError(f"not a value of {enum.full_name} (one of {names}, or its number)")
    raise ValueError(f"unsupported field type {t}")


def find_field(desc: Descriptor, name: str) -> FieldDescriptor | None:
    """A field by proto name or by its JSON (lowerCamelCase) name, as grpc-gateway does."""
    field = desc.fields_by_name.get(name)
    if field is not None:
        return field
    for f in desc.fields:
        if f.json_name == name:
            return f
    return None


def set_field(msg: Message, path: str, values: Sequence[str], split_commas: bool = False) -> None:
    """Set ``path`` (``pagination.limit``) on ``msg`` from string values; ValueError if bad.

    ``split_commas``: a path parameter bound to a repeated field is a comma-separated list
    (grpc-gateway's ``runtime.StringSlice``); query parameters repeat the key instead.
    """
    names = path.split(".")
    target = msg
    for i, name in enumerate(names):
        field = find_field(target.DESCRIPTOR, name)
        if field is None:
            raise LookupError(name)
        last = i == len(names) - 1
        is_message = field.type == FieldDescriptor.TYPE_MESSAGE
        if not last:
            if not is_message or field.label == FieldDescriptor.LABEL_REPEATED:
                raise ValueError(f"{name} has no fields")
            target = getattr(target, field.name)
            continue
        if field.message_type is not None and field.message_type.GetOptions().map_entry:
            raise ValueError("map fields cannot be set from a URL")
        repeated = field.label == FieldDescriptor.LABEL_REPEATED
        if repeated and split_commas:
            values = [part for v in values for part in v.split(",")]
        if not repeated and len(values) != 1:
            raise ValueError(f"expected one value, got {len(values)}")
        if is_message:
            container = getattr(target, field.name)
            for v in values:
                sub = container.add() if repeated else container
                _set_message_leaf(sub, v)
        elif repeated:
            getattr(target, field.name).extend(scalar(field, v) for v in values)
        else:
            setattr(target, field.name, scalar(field, values[0]))


def _set_message_leaf(sub: Message, value: str) -> None:
    """Well-known types given as one value: Timestamp, Duration, FieldMask and wrappers."""
    full = sub.DESCRIPTOR.full_name
    if full in _JSON_LEAVES:
        try:
            json_format.ParseDict(value, sub)
        except json_format.ParseError as exc:
            raise ValueError(str(exc)) from None
        return
    inner = sub.DESCRIPTOR.fields_by_name.get("value")
    if full.startswith("google.protobuf.") and full.endswith("Value") and inner is not None:
        sub.value = scalar(inner, value)  # type: ignore[attr-defined]
        return
    raise ValueError(f"a {full} cannot be given as one value; set its fields (name.field=...)")


def check_bytes_fields(data: Any, desc: Descriptor, path: str = "") -> None:
    """Bytes fields of a JSON body must be base64 (standard or URL-safe, as protojson reads
    them); json_format would silently drop the characters it does not know. ValueError
    names the field. Depth is bounded by MAX_JSON_DEPTH, checked before."""
    if not isinstance(data, dict):
        return
    for key, value in data.items():
        field = find_field(desc, key) if isinstance(key, str) else None
        if field is None or value is None:
            continue
        name = f"{path}{field.name}"
        values = value if isinstance(value, list) else [value]
        if field.type == FieldDescriptor.TYPE_BYTES:
            for v in values:
                if isinstance(v, str):
                    try:
                        decode_base64(v)
                    except ValueError as exc:
                        raise ValueError(f"field {name}: {exc}") from None
        elif field.message_type is not None and not field.message_type.GetOptions().map_entry:
            if field.message_type.full_name == "google.protobuf.Any":
                continue  # its fields depend on @type; json_format checks them
            for v in values:
                check_bytes_fields(v, field.message_type, f"{name}.")


# -- rendering ---------------------------------------------------------------------------
def to_json(msg: Message) -> dict[str, Any]:
    """The SDK gateway's JSON: OrigName, EmitDefaults, int64 as strings, bytes base64,
    LegacyDec fields as decimals (``zrchain.codec.json.to_dict``)."""
    return to_dict(msg)


def error_json(status: int, message: str) -> dict[str, Any]:
    return {"code": int(status), "message": message, "details": []}


# -- the gateway ---------------------------------------------------------------------------
class Gateway:
    """Routing and request building, independent of the HTTP server (unit-testable)."""

    def __init__(self, routes: Iterable[QueryRoute]) -> None:
        bindings = [
            RestBinding(r.method.upper(), r.path, r.body, qr, parse_template(r.path))
            for qr in routes
            for r in qr.rest
        ]
        self.bindings = sorted(bindings, key=lambda b: b.specificity)

    def resolve(self, http_method: str, raw_path: str) -> Match:
        parts = split_path(raw_path)
        other_method = False
        for b in self.bindings:
            params = b.match(parts)
            if params is None:
                continue
            if b.http_method == http_method.upper():
                return Match(b, params)
            other_method = True
        if other_method:  # grpc-gateway: 405 reported as Unimplemented
            raise QueryError(Status.UNIMPLEMENTED, "Method Not Allowed")
        raise QueryError(Status.NOT_FOUND, "Not Found")

    def build_request(
        self, match: Match, query: Sequence[tuple[str, str]] = (), body: bytes = b""
    ) -> Message:
        b = match.binding
        msg = b.route.request_class()
        if b.body:
            self._apply_body(msg, b.body, body)
        for name, value in match.params.items():
            try:
                set_field(msg, name, [value], split_commas=True)
            except (ValueError, LookupError) as exc:
                raise bad_request(f"type mismatch, parameter: {name}, error: {exc}") from None
        if b.body != "*":
            self._apply_query(msg, query, set(match.params))
        return msg

    @staticmethod
    def _apply_body(msg: Message, body_field: str, body: bytes) -> None:
        if not body.strip():
            return
        try:
            data = bounded_json.loads(body, MAX_JSON_DEPTH)
        except (UnicodeDecodeError, json.JSONDecodeError, bounded_json.JSONTooDeep) as exc:
            raise bad_request(f"invalid JSON body: {exc}") from None
        target = msg
        if body_field != "*":
            field = find_field(msg.DESCRIPTOR, body_field)
            if field is None or field.message_type is None:
                raise QueryError(Status.INTERNAL, f"bad body field {body_field!r} in route")
            target = getattr(msg, field.name)
        elif not isinstance(data, dict):
            raise bad_request("the JSON body must be an object")
        try:
            check_bytes_fields(data, target.DESCRIPTOR)
            from_dict(data, target, ignore_unknown_fields=True)
        except (TypeError, ValueError) as exc:
            raise bad_request(f"invalid {target.DESCRIPTOR.full_name} body: {exc}") from None

    @staticmethod
    def _apply_query(msg: Message, query: Sequence[tuple[str, str]], path_fields: set[str]) -> None:
        grouped: dict[str, list[str]] = {}
        for key, value in query:
            grouped.setdefault(key, []).append(value)
        for key, values in grouped.items():
            if key in path_fields or key.split(".")[0] in path_fields:
                continue  # path parameters win, as in grpc-gateway
            try:
                set_field(msg, key, values)
            except LookupError:
                continue  # unknown parameters are ignored, as in grpc-gateway
            except ValueError as exc:
                shown = values[0] if len(values) == 1 else values
                raise bad_request(f"invalid value {shown!r} for parameter {key}: {exc}") from None


# -- the HTTP server -----------------------------------------------------------------------
def parse_listen_address(address: str) -> tuple[str, int]:
    """``tcp://127.0.0.1:1317`` / ``127.0.0.1:1317`` / ``[::1]:1317`` -> (host, port)."""
    rest = address.split("://", 1)[1] if "://" in address else address
    host, sep, port = rest.rpartition(":")
    if not sep or not port.isdigit():
        raise ValueError(f"invalid API address {address!r}; expected tcp://host:port")
    return host.strip("[]") or "127.0.0.1", int(port)


class RestServer:
    """aiohttp on its own thread and event loop; router calls on a worker pool."""

    def __init__(self, app: Any, address: str = "tcp://127.0.0.1:1317", workers: int = 0) -> None:
        self.app = app
        self.host, self.port = parse_listen_address(address)
        self.workers = workers or min(32, (os.cpu_count() or 1) * 4)
        self.router = QueryRouter(app)
        self.gateway = Gateway(self.router.routes.values())
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._pool: ThreadPoolExecutor | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None

    # -- lifecycle ---------------------------------------------------------------------
    def start(self, timeout: float = 30.0) -> None:
        self._pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="rest")
        self._thread = threading.Thread(target=self._run, name="rest-gateway", daemon=True)
        self._thread.start()
        if not self._ready.wait(timeout):
            raise TimeoutError(f"REST server did not start on {self.host}:{self.port}")
        if self._error is not None:
            self._shutdown_pool()
            raise self._error

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(self._listen())
        except BaseException as exc:
            self._error = exc
            self._ready.set()
            loop.close()
            return
        self._ready.set()
        try:
            loop.run_forever()
        finally:
            if self._runner is not None:
                loop.run_until_complete(self._runner.cleanup())
            loop.close()

    async def _listen(self) -> None:
        web_app = web.Application(client_max_size=MAX_BODY_BYTES, middlewares=[_json_errors])
        # [\s\S] rather than ".": a path may carry an (encoded) newline, and it must reach
        # the gateway's own 404 rather than aiohttp's plain-text one.
        web_app.router.add_route("*", r"/{tail:[\s\S]*}", self.handle)
        runner = web.AppRunner(web_app, access_log=None, shutdown_timeout=5.0)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port, reuse_address=True)
        try:
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        if self.port == 0 and runner.addresses:
            self.port = int(runner.addresses[0][1])
        log.info("REST server listening on http://%s:%d", self.host, self.port)

    def stop(self, timeout: float = 10.0) -> None:
        loop, thread = self._loop, self._thread
        if loop is not None and thread is not None and thread.is_alive():
            loop.call_soon_threadsafe(loop.stop)
            thread.join(timeout)
        self._shutdown_pool()
        self._loop = self._thread = None

    def _shutdown_pool(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    # -- requests ----------------------------------------------------------------------
    async def handle(self, request: web.Request) -> web.Response:
        try:
            match = self.gateway.resolve(request.method, request.rel_url.raw_path)
            body = await request.read() if match.binding.body else b""
            msg = self.gateway.build_request(match, list(request.rel_url.query.items()), body)
            height = parse_height(request.headers.get(HEIGHT_HEADER))
            payload, used = await self._in_pool(
                lambda: self._call(match.binding.route.method, msg, height)
            )
        except QueryError as exc:
            return _error_response(exc.status, exc.message)
        except web.HTTPException as exc:  # e.g. body larger than MAX_BODY_BYTES
            return _error_response(Status.INVALID_ARGUMENT, exc.text or exc.reason)
        except Exception as exc:
            log.exception("REST %s %s failed", request.method, request.path)
            return _error_response(Status.INTERNAL, f"internal error: {exc}")
        return web.Response(
            text=payload,
            content_type="application/json",
            headers={HEIGHT_RESPONSE_HEADER: str(used)},
        )

    def _call(self, method: str, msg: Message, height: int) -> tuple[str, int]:
        """Runs on a worker thread: the router call and the JSON rendering."""
        response, used = self.router.call_message(method, msg, height)
        try:
            return json.dumps(to_json(response)), used
        except (json_format.SerializeToJsonError, TypeError, KeyError) as exc:
            raise QueryError(Status.INTERNAL, f"failed to render the response: {exc}") from exc

    async def _in_pool(self, fn: Callable[[], Any]) -> Any:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, fn)


@web.middleware
async def _json_errors(request: web.Request, handler: Callable[..., Any]) -> web.StreamResponse:
    """Errors raised by aiohttp itself (bad request line, too large a body…) rendered like
    every other gateway error."""
    try:
        response: web.StreamResponse = await handler(request)
        return response
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        grpc_code = {400: Status.INVALID_ARGUMENT, 404: Status.NOT_FOUND,
                     405: Status.UNIMPLEMENTED, 413: Status.RESOURCE_EXHAUSTED}.get(
                         exc.status, Status.UNKNOWN)
        return _error_response(grpc_code, exc.reason or "error")


def _error_response(status: int, message: str) -> web.Response:
    return web.Response(
        text=json.dumps(error_json(status, message)),
        status=http_status(status),
        content_type="application/json",
    )


def rest_factory(app: Any, cfg: Any) -> RestServer | None:
    if not getattr(cfg, "api_enable", True):
        return None
    return RestServer(app, cfg.api_address)
