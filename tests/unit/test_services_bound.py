"""Every RPC of every service the node serves is bound to a handler (or declared absent
with a reason, and then unknown at every door), and every REST route is the one the
RPC's ``google.api.http`` option declares."""

from __future__ import annotations

from pathlib import Path

import pytest
from google.api import annotations_pb2
from google.protobuf.descriptor import FieldDescriptor, MethodDescriptor

from zrchain.app import ZrChainApp
from zrchain.codec.any import type_url
from zrchain.codec.services import full_method, message_class, path_fields, signer_fields
from zrchain.errors import QueryError, Status
from zrchain.module import MsgServer, QueryServer, Service
from zrchain.server.router import QueryRouter
from zrchain.server.services import servers


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> ZrChainApp:
    a = ZrChainApp(str(Path(tmp_path_factory.mktemp("bound")) / "data"))
    yield a
    a.close()


def _served(app: ZrChainApp) -> list[Service]:
    return [s for m in app.registry.modules for s in m.services()] + list(servers(app))


def _declared_rest(rpc: MethodDescriptor) -> list[tuple[str, str, str]]:
    """(HTTP method, path, body) of the option and its additional bindings, read here
    independently of zrchain.codec.services."""
    opts = rpc.GetOptions()
    if not opts.HasExtension(annotations_pb2.http):
        return []
    out, todo = [], [opts.Extensions[annotations_pb2.http]]
    while todo:
        rule = todo.pop(0)
        verb = rule.WhichOneof("pattern")
        out.append((verb.upper(), getattr(rule, verb), rule.body))
        todo.extend(rule.additional_bindings)
    return out


def test_every_rpc_is_bound_or_absent_with_a_reason(app: ZrChainApp) -> None:
    served = _served(app)
    assert len(served) >= 14  # 8 modules' Msg/Query services + tx, tendermint, consensus
    seen_services: set[str] = set()
    for service in served:
        svc = type(service).descriptor
        assert svc.full_name not in seen_services, f"{svc.full_name} served twice"
        seen_services.add(svc.full_name)
        for rpc in svc.methods:
            absent = type(service).absent.get(rpc.name)
            if isinstance(service, MsgServer):
                url = type_url(message_class(rpc.input_type))
                route = app.registry.msgs.get(url)
                if absent is not None:
                    assert absent.strip() and route is None, url
                    continue
                assert route is not None, f"{url} is not routed"
                assert route.rpc == full_method(rpc)
                assert route.msg_class is message_class(rpc.input_type)
                assert route.response_class is message_class(rpc.output_type)
                assert signer_fields(rpc.input_type), f"{url} names no signer"
            else:
                assert isinstance(service, QueryServer)
                route = app.registry.queries.get(full_method(rpc))
                if absent is not None:
                    assert absent.strip() and route is None, full_method(rpc)
                    continue
                assert route is not None, f"{full_method(rpc)} is not routed"
                assert route.request_class is message_class(rpc.input_type)
                assert route.response_class is message_class(rpc.output_type)
                assert [(r.method, r.path, r.body) for r in route.rest] == _declared_rest(rpc)
    # nothing is routed that no served service declares
    declared = {full_method(r) for s in served for r in type(s).descriptor.methods}
    assert set(app.registry.queries) <= declared
    assert {r.rpc for r in app.registry.msgs.values()} <= declared


def test_every_query_has_a_rest_route_whose_placeholders_are_request_fields(
    app: ZrChainApp,
) -> None:
    templates: set[tuple[str, str]] = set()
    # The SDK's reflection.proto declares no REST route for it: gRPC (and ABCI) only.
    grpc_only = {"/cosmos.reflection.v1.ReflectionService/FileDescriptors"}
    for method, route in app.registry.queries.items():
        assert route.rest or method in grpc_only, f"{method} has no REST route"
        for r in route.rest:
            assert (r.method, r.path) not in templates, f"{r.path} declared twice"
            templates.add((r.method, r.path))
            desc = route.request_class.DESCRIPTOR
            for name in path_fields(r.path):
                for part in name.split(".")[:-1]:
                    desc = desc.fields_by_name[part].message_type
                field = desc.fields_by_name.get(name.split(".")[-1])
                assert field is not None, f"{method}: {name} is not a request field"
                assert field.type != FieldDescriptor.TYPE_MESSAGE


def test_zrchain_routes_verbatim(app: ZrChainApp) -> None:
    """A few routes exactly as zrChain's query.proto files declare them."""
    q = app.registry.queries

    def path(method: str) -> str:
        (r,) = q[method].rest
        return f"{r.method} {r.path}"

    assert path("/zrchain.identity.Query/Workspaces") == "GET /zrchain/identity/workspaces"
    assert path("/zrchain.treasury.Query/KeyByID") == (
        "GET /zrchain/treasury/key_by_id/{id}/{wallet_type}/{prefixes}"
    )
    # singular "request", as upstream
    assert path("/zrchain.treasury.Query/SignTransactionRequests") == (
        "GET /zrchain/treasury/sign_transaction_request"
    )
    assert path("/zrchain.policy.Query/PoliciesByCreator") == (
        "GET /zrchain/policy/policies_by_creator/{creators}"
    )
    assert path("/cosmos.tx.v1beta1.Service/Simulate") == "POST /cosmos/tx/v1beta1/simulate"
    assert q["/cosmos.tx.v1beta1.Service/Simulate"].rest[0].body == "*"
    assert path("/cosmos.bank.v1beta1.Query/DenomMetadata") == (
        "GET /cosmos/bank/v1beta1/denoms_metadata/{denom=**}"
    )


def test_absent_rpcs_are_unknown_at_every_door(app: ZrChainApp) -> None:
    router = QueryRouter(app)
    absent_queries = [
        (s, name) for s in _served(app) if isinstance(s, QueryServer) for name in s.absent
    ]
    assert ("/cosmos.bank.v1beta1.Query/DenomOwners") in {
        f"/{type(s).descriptor.full_name}/{n}" for s, n in absent_queries
    }
    for s, name in absent_queries:
        method = f"/{type(s).descriptor.full_name}/{name}"
        with pytest.raises(QueryError) as e:
            router.call(method, b"")
        assert e.value.status == Status.UNIMPLEMENTED
    assert "/cosmos.bank.v1beta1.MsgUpdateParams" not in app.registry.msgs
    assert "/cosmos.bank.v1beta1.MsgSend" in app.registry.msgs

