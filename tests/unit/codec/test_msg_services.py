"""Shape of the Msg and Query services: names, response types, type URLs."""

from __future__ import annotations

import pytest
from google.protobuf import any_pb2, descriptor_pool, message_factory

import zrchain.codec.gen as gen

gen.import_all()

# Msg type URLs each module registers (docs/node-compat.md, *Messages and type URLs*).
EXPECTED_MSGS = {
    "identity": [
        "MsgNewWorkspace",
        "MsgAddWorkspaceOwner",
        "MsgAppendChildWorkspace",
        "MsgNewChildWorkspace",
        "MsgRemoveWorkspaceOwner",
        "MsgNewKeyring",
        "MsgAddKeyringParty",
        "MsgUpdateKeyring",
        "MsgRemoveKeyringParty",
        "MsgAddKeyringAdmin",
        "MsgRemoveKeyringAdmin",
        "MsgUpdateWorkspace",
        "MsgDeactivateKeyring",
        "MsgUpdateParams",
    ],
    "treasury": [
        "MsgNewKeyRequest",
        "MsgFulfilKeyRequest",
        "MsgNewSignatureRequest",
        "MsgFulfilSignatureRequest",
        "MsgNewSignTransactionRequest",
        "MsgTransferFromKeyring",
        "MsgNewICATransactionRequest",
        "MsgFulfilICATransactionRequest",
        "MsgNewZrSignSignatureRequest",
        "MsgUpdateKeyPolicy",
        "MsgUpdateParams",
    ],
    "policy": [
        "MsgNewPolicy",
        "MsgRevokeAction",
        "MsgApproveAction",
        "MsgAddSignMethod",
        "MsgRemoveSignMethod",
        "MsgAddMultiGrant",
        "MsgRemoveMultiGrant",
        "MsgUpdateParams",
    ],
}
MODULES = sorted(EXPECTED_MSGS)


def _service(module: str, name: str):
    return descriptor_pool.Default().FindServiceByName(f"zrchain.{module}.{name}")


@pytest.mark.parametrize("module", MODULES)
def test_msg_service_lists_the_expected_msgs(module: str) -> None:
    service = _service(module, "Msg")
    assert sorted(m.input_type.name for m in service.methods) == sorted(EXPECTED_MSGS[module])


@pytest.mark.parametrize("module", MODULES)
def test_every_msg_has_a_response_and_a_zrchain_type_url(module: str) -> None:
    service = _service(module, "Msg")
    for method in service.methods:
        request, response = method.input_type, method.output_type
        assert request.name == f"Msg{method.name}"
        assert response.full_name == f"zrchain.{module}.{request.name}Response"
        assert request.file.package == response.file.package == f"zrchain.{module}"
        assert not method.client_streaming and not method.server_streaming
        # The SDK's type URL is "/" + full name; cosmpy packs messages exactly so.
        cls = message_factory.GetMessageClass(request)
        packed = any_pb2.Any()
        packed.Pack(cls(), type_url_prefix="/")
        assert packed.type_url == f"/zrchain.{module}.{request.name}"
        assert method.full_name == f"zrchain.{module}.Msg.{method.name}"


@pytest.mark.parametrize("module", MODULES)
def test_query_service_naming(module: str) -> None:
    service = _service(module, "Query")
    assert service.methods
    for method in service.methods:
        assert method.input_type.full_name == f"zrchain.{module}.Query{method.name}Request"
        assert method.output_type.full_name == f"zrchain.{module}.Query{method.name}Response"
        assert not method.client_streaming and not method.server_streaming


def test_type_url_of_a_generated_class() -> None:
    from zrchain.codec.gen.zrchain.identity.tx_pb2 import MsgNewWorkspace

    packed = any_pb2.Any()
    packed.Pack(MsgNewWorkspace(creator="zen1x"), type_url_prefix="/")
    assert packed.type_url == "/zrchain.identity.MsgNewWorkspace"
    assert MsgNewWorkspace.__module__ == "zrchain.codec.gen.zrchain.identity.tx_pb2"
