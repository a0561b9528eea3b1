"""REST_ROUTES covers exactly the Query RPCs and its placeholders name request fields."""

from __future__ import annotations

import re

from google.protobuf import descriptor_pool
from google.protobuf.descriptor import FieldDescriptor, MethodDescriptor

import zrchain.codec.gen as gen
from zrchain.codec.rest_routes import REST_ROUTES, path_fields

gen.import_all()

MODULES = ("identity", "policy", "treasury")


def _query_methods() -> dict[str, MethodDescriptor]:
    pool = descriptor_pool.Default()
    out: dict[str, MethodDescriptor] = {}
    for module in MODULES:
        service = pool.FindServiceByName(f"zrchain.{module}.Query")
        for m in service.methods:
            out[f"/{service.full_name}/{m.name}"] = m
    return out


def test_every_query_rpc_has_exactly_one_route() -> None:
    assert set(REST_ROUTES) == set(_query_methods())


def test_routes_are_gets_under_the_module_prefix() -> None:
    seen: set[str] = set()
    for grpc_method, (http_method, template) in REST_ROUTES.items():
        module = grpc_method.split(".")[1]
        assert http_method == "GET"
        assert template.startswith(f"/zrchain/{module}/"), template
        assert re.fullmatch(r"(/([a-z_]+|\{[a-z_]+\}))+", template), template
        assert template not in seen
        seen.add(template)


def test_placeholders_are_scalar_request_fields() -> None:
    methods = _query_methods()
    for grpc_method, (_, template) in REST_ROUTES.items():
        request = methods[grpc_method].input_type
        for name in path_fields(template):
            field = request.fields_by_name.get(name)
            assert field is not None, f"{grpc_method}: {name} is not a request field"
            assert field.type != FieldDescriptor.TYPE_MESSAGE


def test_some_routes_verbatim() -> None:
    assert REST_ROUTES["/zrchain.identity.Query/Workspaces"] == (
        "GET",
        "/zrchain/identity/workspaces",
    )
    assert REST_ROUTES["/zrchain.treasury.Query/KeyByID"] == (
        "GET",
        "/zrchain/treasury/key_by_id/{id}/{wallet_type}/{prefixes}",
    )
    assert REST_ROUTES["/zrchain.treasury.Query/SignTransactionRequests"] == (
        "GET",
        "/zrchain/treasury/sign_transaction_request",
    )
    assert REST_ROUTES["/zrchain.policy.Query/PoliciesByCreator"] == (
        "GET",
        "/zrchain/policy/policies_by_creator/{creators}",
    )
    assert path_fields("/zrchain/treasury/key_by_id/{id}/{wallet_type}/{prefixes}") == [
        "id",
        "wallet_type",
        "prefixes",
    ]
