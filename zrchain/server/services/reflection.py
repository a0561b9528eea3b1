"""What a generic client asks a Cosmos node about itself.

* ``cosmos.base.reflection.v1beta1.ReflectionService``: the interfaces the app resolves
  Anys of and their implementations (``Registry.interfaces``);
* ``cosmos.reflection.v1.ReflectionService/FileDescriptors``: every proto file the node
  serves or decodes (each service's and Msg's file and their imports), so a client can
  build every request and response dynamically;
* gRPC server reflection (``grpc.reflection.v1alpha`` from grpcio-reflection, and the
  wire-identical ``grpc.reflection.v1`` that newer grpcurl asks first), listing every
  service the router serves (``enable``).

``cosmos.base.reflection.v2alpha1`` is not served (its descriptors are Go-specific).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import grpc
from cosmpy.protos.cosmos.base.reflection.v1beta1 import reflection_pb2 as v1beta1
from cosmpy.protos.cosmos.reflection.v1 import reflection_pb2 as v1
from google.protobuf import descriptor_pb2, descriptor_pool
from google.protobuf.descriptor import FileDescriptor
from grpc_reflection.v1alpha import reflection as grpc_reflection
from grpc_reflection.v1alpha import reflection_pb2 as v1alpha_pb2

from zrchain import module
from zrchain.errors import invalid_argument
from zrchain.module import Registry

GRPC_REFLECTION_V1 = "grpc.reflection.v1.ServerReflection"


class InterfaceReflection(module.QueryServer):
    descriptor = v1beta1.DESCRIPTOR.services_by_name["ReflectionService"]
    reads_state = False

    def __init__(self, registry: Registry) -> None:
        self.registry = registry

    def list_all_interfaces(
        self, ctx: Any, req: v1beta1.ListAllInterfacesRequest
    ) -> v1beta1.ListAllInterfacesResponse:
        return v1beta1.ListAllInterfacesResponse(interface_names=list(self.registry.interfaces()))

    def list_implementations(
        self, ctx: Any, req: v1beta1.ListImplementationsRequest
    ) -> v1beta1.ListImplementationsResponse:
        if not req.interface_name:
            raise invalid_argument("invalid interface name")
        urls = self.registry.interfaces().get(req.interface_name, [])
        return v1beta1.ListImplementationsResponse(implementation_message_names=urls)


class FileReflection(module.QueryServer):
    descriptor = v1.DESCRIPTOR.services_by_name["ReflectionService"]
    reads_state = False

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self._files: list[descriptor_pb2.FileDescriptorProto] | None = None

    def file_descriptors(
        self, ctx: Any, req: v1.FileDescriptorsRequest
    ) -> v1.FileDescriptorsResponse:
        if self._files is None:
            self._files = [_proto(f) for f in served_files(self.registry)]
        return v1.FileDescriptorsResponse(files=self._files)


def _proto(f: FileDescriptor) -> descriptor_pb2.FileDescriptorProto:
    out = descriptor_pb2.FileDescriptorProto()
    f.CopyToProto(out)
    return out


def served_files(registry: Registry) -> list[FileDescriptor]:
    """The files of every query and Msg service, Msg, response and interface
    implementation, with all their imports, in import order (a file after its imports)."""
    roots: list[FileDescriptor] = []
    for q in registry.queries.values():
        roots.append(q.request_class.DESCRIPTOR.file)
    for m in registry.msgs.values():
        roots.append(m.msg_class.DESCRIPTOR.file)
    pool = descriptor_pool.Default()
    for urls in registry.interfaces().values():
        for url in urls:
            try:
                roots.append(pool.FindMessageTypeByName(url.lstrip("/")).file)
            except KeyError:
                continue
    seen: set[str] = set()
    ordered: list[FileDescriptor] = []

    def visit(f: FileDescriptor) -> None:
        if f.name in seen:
            return
        seen.add(f.name)
        for dep in f.dependencies:
            visit(dep)
        ordered.append(f)

    for f in roots:
        visit(f)
    return ordered


def servers(registry: Registry) -> list[module.QueryServer]:
    return [InterfaceReflection(registry), FileReflection(registry)]


# -- gRPC server reflection -------------------------------------------------------------
def _register_v1_descriptor() -> None:
    """``grpc/reflection/v1/reflection.proto``: v1alpha's file under the v1 package (the
    two are field-for-field the same), so clients can also describe the v1 service."""
    pool = descriptor_pool.Default()
    try:
        pool.FindFileByName("grpc/reflection/v1/reflection.proto")
        return
    except KeyError:
        pass
    fdp = _proto(v1alpha_pb2.DESCRIPTOR)
    fdp.name = "grpc/reflection/v1/reflection.proto"
    fdp.package = "grpc.reflection.v1"
    for msg in fdp.message_type:
        for field in msg.field:
            if field.type_name.startswith(".grpc.reflection.v1alpha."):
                field.type_name = field.type_name.replace(".v1alpha.", ".v1.", 1)
    for svc in fdp.service:
        for m in svc.method:
            m.input_type = m.input_type.replace(".v1alpha.", ".v1.", 1)
            m.output_type = m.output_type.replace(".v1alpha.", ".v1.", 1)
    pool.Add(fdp)


def enable(server: grpc.Server, services: Iterable[str]) -> list[str]:
    """Serve gRPC server reflection (v1alpha and v1) on ``server``, listing ``services``
    and itself. Returns the listed names."""
    _register_v1_descriptor()
    names = sorted({*services, grpc_reflection.SERVICE_NAME, GRPC_REFLECTION_V1})
    servicer = grpc_reflection.ReflectionServicer(names)
    grpc_reflection.enable_server_reflection(names, server)
    v1_handler = grpc.stream_stream_rpc_method_handler(
        servicer.ServerReflectionInfo,
        request_deserializer=v1alpha_pb2.ServerReflectionRequest.FromString,
        response_serializer=v1alpha_pb2.ServerReflectionResponse.SerializeToString,
    )
    server.add_generic_rpc_handlers(
        (grpc.method_handlers_generic_handler(
            GRPC_REFLECTION_V1, {"ServerReflectionInfo": v1_handler}
        ),)
    )
    return names


__all__ = ["FileReflection", "InterfaceReflection", "enable", "served_files", "servers"]
