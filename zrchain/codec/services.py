"""What a proto service descriptor says about its RPCs, read once at start-up.

The node declares nothing about an RPC that its ``.proto`` already says: the full gRPC
method name, the request and response classes, who signs a Msg (``cosmos.msg.v1.signer``)
and the REST route of a query (``google.api.http``) all come from here, for our own
services and for the Cosmos ones cosmpy ships descriptors of.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from cosmpy.protos.cosmos.msg.v1 import msg_pb2
from cosmpy.protos.cosmos_proto import cosmos_pb2
from google.api import annotations_pb2, http_pb2
from google.protobuf.descriptor import (
    Descriptor,
    FieldDescriptor,
    MethodDescriptor,
    ServiceDescriptor,
)
from google.protobuf.descriptor_pb2 import FieldOptions, MessageOptions, ServiceOptions
from google.protobuf.message import Message
from google.protobuf.message_factory import GetMessageClass

if TYPE_CHECKING:
    from google.protobuf.internal.containers import RepeatedScalarFieldContainer
    from google.protobuf.internal.extension_dict import _ExtensionFieldDescriptor

Signers = Callable[[Message], list[str]]

# cosmos.msg.v1's option handles, typed by what they extend and hold (cosmpy's stubs say
# only FieldDescriptor).
_MSG_SERVICE = cast("_ExtensionFieldDescriptor[ServiceOptions, bool]", msg_pb2.service)
_MSG_SIGNER = cast(
    "_ExtensionFieldDescriptor[MessageOptions, RepeatedScalarFieldContainer[str]]",
    msg_pb2.signer,
)
_SCALAR = cast("_ExtensionFieldDescriptor[FieldOptions, str]", cosmos_pb2.scalar)

_ACRONYM = re.compile(r"([A-Z]+)([A-Z][a-z])")
_WORD = re.compile(r"([a-z0-9])([A-Z])")
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_.]*)(?:=[^}]*)?\}")
_VERBS = ("get", "put", "post", "delete", "patch")


def handler_name(rpc: str) -> str:
    """The Python method serving an RPC: its name in snake_case.

    ``NewWorkspace`` -> ``new_workspace``, ``KeyRequestByID`` -> ``key_request_by_id``,
    ``ABCIQuery`` -> ``abci_query``, ``Bech32Prefix`` -> ``bech32_prefix``.
    """
    return _WORD.sub(r"\1_\2", _ACRONYM.sub(r"\1_\2", rpc)).lower()


def full_method(method: MethodDescriptor) -> str:
    """The gRPC method name clients send (and ABCI Query paths): ``/pkg.Service/Rpc``."""
    return f"/{method.containing_service.full_name}/{method.name}"


def message_class(desc: Descriptor) -> type[Message]:
    """The generated class of a message descriptor (cosmpy's or ours)."""
    cls: type[Message] = GetMessageClass(desc)
    return cls


def msg_rpc(msg: Descriptor) -> MethodDescriptor:
    """The Msg-service RPC taking ``msg`` (found in the Msg's own proto file)."""
    for service in msg.file.services_by_name.values():
        if not is_msg_service(service):
            continue
        for method in service.methods:
            if method.input_type is msg:
                return method
    raise ValueError(f"{msg.full_name} is the request of no Msg service RPC")


def query_rpc(request: Descriptor) -> MethodDescriptor:
    """The query RPC taking ``request`` (found in the request's own proto file), so callers
    name a query by its request alone."""
    for service in request.file.services_by_name.values():
        if is_msg_service(service):
            continue
        for method in service.methods:
            if method.input_type is request:
                return method
    raise ValueError(f"{request.full_name} is the request of no query RPC")


def is_msg_service(service: ServiceDescriptor) -> bool:
    """True for a service marked ``option (cosmos.msg.v1.service) = true``."""
    return service.GetOptions().Extensions[_MSG_SERVICE]


# -- signers -----------------------------------------------------------------------------
def signer_fields(desc: Descriptor) -> list[str]:
    return list(desc.GetOptions().Extensions[_MSG_SIGNER])


def signers_of(desc: Descriptor) -> Signers:
    """A function giving a Msg's signer addresses, as the SDK's ``GetSigners`` reads the
    ``cosmos.msg.v1.signer`` option: each named field in order; a string field is one
    signer, a repeated one several, a message field (``MsgMultiSend.inputs``) defers to
    its own type's option. A field whose ``cosmos_proto.scalar`` is
    ``cosmos.ValidatorAddressString`` (``MsgCreateValidator.validator_address``) holds a
    ``zenvaloper1…`` address: its bytes are the operator's account, returned as ``zen1…``
    (an undecodable one raises ErrInvalidAddress). Raises ValueError when the option is
    missing or names a field that cannot hold a signer."""
    fields = signer_fields(desc)
    if not fields:
        raise ValueError(f"{desc.full_name} has no cosmos.msg.v1.signer option")
    getters = [_field_signers(desc, name) for name in fields]
    if len(getters) == 1:
        return getters[0]

    def signers(msg: Message) -> list[str]:
        return [s for get in getters for s in get(msg)]

    return signers


def _field_signers(desc: Descriptor, name: str) -> Signers:
    field = desc.fields_by_name.get(name)
    if field is None:
        raise ValueError(f"{desc.full_name}: signer field {name!r} does not exist")
    repeated = field.label == FieldDescriptor.LABEL_REPEATED
    if field.type == FieldDescriptor.TYPE_STRING and _holds_validator_address(field):
        if repeated:
            return lambda msg: [_operator_account(v) for v in getattr(msg, name)]
        return lambda msg: [_operator_account(getattr(msg, name))]
    if field.type == FieldDescriptor.TYPE_STRING:
        if repeated:
            return lambda msg: list(getattr(msg, name))
        return lambda msg: [getattr(msg, name)]
    if field.type == FieldDescriptor.TYPE_MESSAGE:
        inner = signers_of(field.message_type)
        if repeated:
            return lambda msg: [s for item in getattr(msg, name) for s in inner(item)]
        return lambda msg: inner(getattr(msg, name))
    raise ValueError(f"{desc.full_name}: signer field {name!r} is neither string nor message")


def _holds_validator_address(field: FieldDescriptor) -> bool:
    scalar = field.GetOptions().Extensions[_SCALAR]
    return bool(scalar == "cosmos.ValidatorAddressString")


def _operator_account(valoper: str) -> str:
    from zrchain.codec.address import acc_string, val_bytes

    return acc_string(val_bytes(valoper))


# -- REST routes -------------------------------------------------------------------------
@dataclass(frozen=True)
class RestRoute:
    """A grpc-gateway route: ``GET /cosmos/bank/v1beta1/balances/{address}``."""

    method: str  # HTTP method, upper case
    path: str  # template: ``{field}`` / ``{field=**}`` placeholders name request fields
    body: str = ""  # "*" when the request message comes from the JSON body


def rest_routes(method: MethodDescriptor) -> tuple[RestRoute, ...]:
    """The ``google.api.http`` bindings of an RPC (the rule and its additional bindings);
    empty when it has none."""
    options = method.GetOptions()
    if not options.HasExtension(annotations_pb2.http):
        return ()
    out: list[RestRoute] = []
    pending: list[http_pb2.HttpRule] = [options.Extensions[annotations_pb2.http]]
    while pending:
        rule = pending.pop(0)
        verb = rule.WhichOneof("pattern")
        if verb not in _VERBS:
            raise ValueError(f"{full_method(method)}: unsupported HTTP pattern {verb!r}")
        out.append(RestRoute(verb.upper(), getattr(rule, verb), rule.body))
        pending.extend(rule.additional_bindings)
    return tuple(out)


def path_fields(template: str) -> list[str]:
    """Request fields bound by the placeholders of a path template, in order."""
    return _PLACEHOLDER.findall(template)


__all__ = [
    "RestRoute",
    "Signers",
    "full_method",
    "handler_name",
    "is_msg_service",
    "message_class",
    "msg_rpc",
    "path_fields",
    "query_rpc",
    "rest_routes",
    "signer_fields",
    "signers_of",
]
