"""Query commands built from a Query service's descriptor, as the SDK's autocli builds
zrChain's: ``zrchaind q <module> <rpc-in-kebab-case> [positional…] --field-name value``.

The positional arguments default to the fields of the RPC's REST path (``{id}``); every
other request field is a ``--kebab-case`` flag read by its proto type (integers with Go's
grammar, enums by name, bytes as a file, hex or base64, repeated scalars comma-separated),
and a ``pagination`` field becomes the page flags. A module lists only what the descriptor
cannot say: each command's help, and positional arguments where zrChain's differ.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import click
from google.protobuf.descriptor import FieldDescriptor, MethodDescriptor, ServiceDescriptor
from google.protobuf.internal.enum_type_wrapper import EnumTypeWrapper

from zrchain.cli.args import (
    bool_arg,
    bytes_arg,
    enum_names,
    enum_number,
    enum_prefix,
    page_flags,
    uint_arg,
)
from zrchain.cli.common import fail
from zrchain.cli.query_cmds import query_options, run_query
from zrchain.codec.ints import IntSyntaxError, parse_go_int
from zrchain.codec.services import handler_name, message_class, path_fields, rest_routes

_UINTS = {FieldDescriptor.TYPE_UINT64: 64, FieldDescriptor.TYPE_UINT32: 32}
_INTS = {FieldDescriptor.TYPE_INT64: 64, FieldDescriptor.TYPE_INT32: 32}
_RESERVED = {"node", "height", "output", "page"}  # the query options' own names


@dataclass(frozen=True)
class Query:
    """What a query command needs beyond its descriptor."""

    help: str
    positional: tuple[str, ...] | None = None  # None: the REST path's fields
    flag_help: Mapping[str, str] | None = None  # field name -> help of its flag
    name: str = ""  # the command's name where the SDK's differs from the RPC's kebab case


def add_queries(
    group: click.Group, service: ServiceDescriptor, queries: Mapping[str, Query]
) -> None:
    """Add one command per listed RPC of ``service`` to ``group``."""
    for rpc_name, spec in queries.items():
        group.add_command(query_command(service.methods_by_name[rpc_name], spec))


def kebab(name: str) -> str:
    """``walletType`` / ``wallet_type`` -> ``wallet-type``; ``KeyByID`` -> ``key-by-id``."""
    return handler_name(name).replace("_", "-")


def query_command(rpc: MethodDescriptor, spec: Query) -> click.Command:
    request = rpc.input_type
    if spec.positional is not None:
        positional = spec.positional
    else:
        routes = rest_routes(rpc)
        positional = tuple(path_fields(routes[0].path)) if routes else ()
    flags = [
        f
        for f in request.fields
        if f.name not in positional and f.name != "pagination"
    ]
    for name in (*positional, *(f.name for f in flags)):
        if name in _RESERVED:
            raise ValueError(f"{rpc.full_name}: field {name!r} clashes with a query option")
    readers = {f.name: _reader(f, f.name if f.name in positional else kebab(f.name)) for f in
               request.fields if f.name != "pagination"}  # fmt: skip
    paged = "pagination" in request.fields_by_name
    cls = message_class(request)

    def run(node: str, height: int, output: str, page: Any = None, **values: str) -> None:
        req = cls()
        for field in request.fields:
            text = values.get(field.name)
            if text is None or field.name == "pagination":
                continue
            value = readers[field.name](text)
            if field.label == FieldDescriptor.LABEL_REPEATED:
                getattr(req, field.name).extend(value)
            else:
                setattr(req, field.name, value)
        if page is not None:
            req.pagination.CopyFrom(page)  # type: ignore[attr-defined]
        run_query(node, req, output, height)

    f: Callable[..., Any] = query_options(run)
    if paged:
        f = page_flags(f)
    for field in reversed(flags):
        text = (spec.flag_help or {}).get(field.name) or _help(field)
        flag = "--" + kebab(field.name)
        f = click.option(flag, field.name, default=_default(field), help=text)(f)
    for name in reversed(positional):
        f = click.argument(name)(f)
    return click.command(spec.name or kebab(rpc.name), help=spec.help)(f)


def _default(field: FieldDescriptor) -> str:
    return "0" if field.type in _UINTS or field.type in _INTS else ""


def _help(field: FieldDescriptor) -> str | None:
    if field.type == FieldDescriptor.TYPE_ENUM:
        return enum_names(EnumTypeWrapper(field.enum_type), enum_prefix(field.enum_type))
    if field.label == FieldDescriptor.LABEL_REPEATED:
        return "comma-separated"
    return None


def _reader(field: FieldDescriptor, what: str) -> Callable[[str], Any]:
    """Text -> the field's value (a list for a repeated field), failing with ``what``."""
    t = field.type
    if t in _UINTS:
        one: Callable[[str], Any] = lambda text: uint_arg(text, what, _UINTS[t])  # noqa: E731
    elif t in _INTS:
        one = lambda text: _int(text, what, _INTS[t])  # noqa: E731
    elif t == FieldDescriptor.TYPE_BOOL:
        one = lambda text: bool_arg(text, what)  # noqa: E731
    elif t == FieldDescriptor.TYPE_BYTES:
        one = lambda text: bytes_arg(text, what)  # noqa: E731
    elif t == FieldDescriptor.TYPE_ENUM:
        wrapper, prefix = EnumTypeWrapper(field.enum_type), enum_prefix(field.enum_type)
        flag = "--" + what

        def one(text: str) -> int:
            return enum_number(text, wrapper, prefix, flag) if text else 0
    elif t == FieldDescriptor.TYPE_STRING:
        one = str
    else:
        raise ValueError(f"{field.full_name}: a {field.type} field has no command-line form")
    if field.label != FieldDescriptor.LABEL_REPEATED:
        return one
    return lambda text: [one(x.strip()) for x in text.split(",")] if text else []


def _int(text: str, what: str, bits: int) -> int:
    try:
        return parse_go_int(text, bits, True)
    except IntSyntaxError as exc:
        fail(f"invalid {what} {text!r}: {exc}")


__all__ = ["Query", "add_queries", "kebab", "query_command"]
