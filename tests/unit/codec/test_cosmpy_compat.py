"""Our generated modules live next to cosmpy's in one descriptor pool, and JSON works."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import textwrap
from pathlib import Path
from types import ModuleType

import pytest
from google.protobuf import any_pb2, json_format

import zrchain.codec.gen as gen

ROOT = Path(__file__).resolve().parents[3]


def _load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_protos", ROOT / "scripts" / "gen_protos.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _pack(msg) -> any_pb2.Any:
    packed = any_pb2.Any()
    packed.Pack(msg, type_url_prefix="/")
    return packed


def test_import_after_cosmpy_in_a_fresh_interpreter() -> None:
    code = textwrap.dedent(
        """
        import cosmpy.aerial.client
        from cosmpy.protos.cosmos.base.query.v1beta1 import pagination_pb2
        import zrchain.codec.gen as gen
        modules = gen.import_all()
        assert len(modules) == len(gen.MODULES) > 20
        from zrchain.codec.gen.zrchain.identity import query_pb2
        deps = {d.name: d for d in query_pb2.DESCRIPTOR.dependencies}
        # The pagination file our module links to is the one cosmpy registered.
        assert deps["cosmos/base/query/v1beta1/pagination.proto"] is pagination_pb2.DESCRIPTOR
        print("ok")
        """
    )
    proc = subprocess.run(
        [sys.executable, "-W", "error::UserWarning", "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "ok"


def test_stubs_match_cosmpy() -> None:
    assert _load_generator().check_stubs() == []


def test_stub_check_reports_a_wrong_stub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    generator = _load_generator()
    stub = tmp_path / "cosmos" / "base" / "query" / "v1beta1" / "pagination.proto"
    stub.parent.mkdir(parents=True)
    stub.write_text(
        'syntax = "proto3";\npackage cosmos.base.query.v1beta1;\n'
        "message PageRequest { bytes key = 1; uint64 limit = 2; }\n"
    )
    monkeypatch.setattr(generator, "INCLUDE_DIR", tmp_path)
    problems = generator.check_stubs()
    assert len(problems) == 1
    assert "cosmos.base.query.v1beta1.PageRequest differs" in problems[0]


def test_json_round_trip_with_any_and_pagination() -> None:
    import cosmpy.aerial.client  # noqa: F401  (cosmpy first, as an application would)
    from cosmpy.protos.cosmos.base.query.v1beta1.pagination_pb2 import PageResponse

    gen.import_all()
    from zrchain.codec.gen.zrchain.identity.tx_pb2 import MsgNewWorkspace
    from zrchain.codec.gen.zrchain.policy.action_pb2 import ActionResponse, KeyValue
    from zrchain.codec.gen.zrchain.policy.query_pb2 import QueryActionsResponse

    inner = MsgNewWorkspace(creator="zen1abc", admin_policy_id=3, additional_owners=["zen1def"])
    msg = QueryActionsResponse(
        pagination=PageResponse(next_key=b"\x00\x01", total=12),
        actions=[
            ActionResponse(
                id=18446744073709551615,
                approvers=["zen1abc"],
                status="ACTION_STATUS_PENDING",
                msg=_pack(inner),
                btl=1010,
                policy_data=[KeyValue(key="k", value=b"\xff")],
            )
        ],
    )
    text = json_format.MessageToJson(msg, preserving_proto_field_name=True)
    data = json_format.MessageToDict(msg, preserving_proto_field_name=True)
    action = data["actions"][0]
    assert action["msg"]["@type"] == "/zrchain.identity.MsgNewWorkspace"
    assert action["msg"]["admin_policy_id"] == "3"
    assert action["id"] == "18446744073709551615"
    assert data["pagination"] == {"next_key": "AAE=", "total": "12"}
    back = json_format.Parse(text, QueryActionsResponse())
    assert back == msg
    assert back.SerializeToString(deterministic=True) == msg.SerializeToString(deterministic=True)
    unpacked = MsgNewWorkspace()
    assert back.actions[0].msg.Unpack(unpacked)
    assert unpacked == inner


def test_json_enums_and_camel_case_names() -> None:
    gen.import_all()
    from zrchain.codec.gen.zrchain.treasury.key_pb2 import (
        KEY_REQUEST_STATUS_PARTIAL,
        KEY_TYPE_ECDSA_SECP256K1,
        KeyRequest,
    )
    from zrchain.codec.gen.zrchain.treasury.query_pb2 import (
        QueryZrSignKeysResponse,
        ZrSignKeyEntry,
    )
    from zrchain.codec.gen.zrchain.treasury.tx_pb2 import DEVNET, MetadataSolana

    req = KeyRequest(id=1, key_type=KEY_TYPE_ECDSA_SECP256K1, status=KEY_REQUEST_STATUS_PARTIAL)
    data = json_format.MessageToDict(req, preserving_proto_field_name=True)
    assert data["key_type"] == "KEY_TYPE_ECDSA_SECP256K1"
    assert data["status"] == "KEY_REQUEST_STATUS_PARTIAL"
    keys = QueryZrSignKeysResponse(Keys=[ZrSignKeyEntry(walletType="60", id=4)])
    assert json_format.MessageToDict(keys, preserving_proto_field_name=True)["Keys"][0] == {
        "walletType": "60",
        "id": "4",
    }
    sol = MetadataSolana(network=DEVNET, mintAddress="m")
    assert json_format.MessageToDict(sol) == {"network": "DEVNET", "mintAddress": "m"}


def test_cosmpy_transaction_carries_our_msg() -> None:
    from cosmpy.aerial.tx import SigningCfg, Transaction, TxFee
    from cosmpy.crypto.keypairs import PrivateKey
    from cosmpy.protos.cosmos.tx.v1beta1.tx_pb2 import Tx

    from zrchain.codec.gen.zrchain.treasury.tx_pb2 import MsgNewKeyRequest

    gen.import_all()
    key = PrivateKey(b"\x01" * 32)
    msg = MsgNewKeyRequest(creator="zen1abc", workspace_addr="workspace1x", key_type="ecdsa")
    tx = Transaction()
    tx.add_message(msg)
    tx.seal(SigningCfg.direct(key.public_key, 0), fee=TxFee(amount="100urock", gas_limit=200000))
    tx.sign(key, "zenrock", 0)
    tx.complete()
    decoded = Tx.FromString(tx.tx.SerializeToString())
    assert decoded.body.messages[0].type_url == "/zrchain.treasury.MsgNewKeyRequest"
    again = json_format.Parse(json_format.MessageToJson(decoded), Tx())
    out = MsgNewKeyRequest()
    assert again.body.messages[0].Unpack(out)
    assert out == msg
