"""Fee grants, multisig accounts, amino JSON signing and reflection on a real node
(CometBFT + zrchaind), through real clients:

* ``zrchaind tx feegrant grant|revoke`` and ``q feegrant …`` as subprocesses; a
  ``tx bank send --fee-granter`` where the granter pays and the grantee pays nothing;
  the grant read back through the SDK's REST route and cosmpy's gRPC stub;
* a 2-of-3 multisig account of the CLI keys sending funds, its members signing in
  SIGN_MODE_DIRECT and in SIGN_MODE_LEGACY_AMINO_JSON (our signer, from the keys'
  mnemonics), and an amino-signed single-key tx;
* gRPC server reflection read with grpcio-reflection's own client
  (``ProtoReflectionDescriptorDatabase``, what ``grpcurl list/describe`` does) over v1alpha
  and v1; ``cosmos.reflection.v1`` FileDescriptors through gRPC; the interface listing of
  ``cosmos.base.reflection.v1beta1`` through REST.
"""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import grpc
import pytest
from cosmpy.protos.cosmos.bank.v1beta1 import tx_pb2 as btx
from cosmpy.protos.cosmos.feegrant.v1beta1 import query_pb2 as fq
from cosmpy.protos.cosmos.feegrant.v1beta1 import query_pb2_grpc as fq_grpc
from cosmpy.protos.cosmos.reflection.v1 import reflection_pb2 as refl_v1
from cosmpy.protos.cosmos.reflection.v1 import reflection_pb2_grpc as refl_v1_grpc
from google.protobuf import descriptor_pool
from grpc_reflection.v1alpha import reflection_pb2 as grpc_refl
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import (
    ProtoReflectionDescriptorDatabase,
)

from zrchain.client.chain import ChainClient
from zrchain.client.tx import (
    SIGN_MODE_LEGACY_AMINO_JSON,
    MultisigTxSigner,
    TxSigner,
    build_multi_signed_tx,
    private_key_signer,
)
from zrchain.codec.address import acc_string
from zrchain.codec.coins import parse_coins
from zrchain.crypto.keys import private_key_from_mnemonic, public_key
from zrchain.localnet_setup import dev_mnemonic
from zrchain.module import Registry
from zrchain.modules import default_modules
from zrchain.testing.node import TestNode, cli_node, zrchaind
from zrchain.tx.signing import MultisigKey, Secp256k1Key

pytestmark = pytest.mark.node

FUNDS = "100000000000urock"
KEYS = ("alice", "bob", "carol")


def _mnemonic(name: str) -> str:
    return dev_mnemonic(f"feegrant-{name}")


@pytest.fixture(scope="module")
def node(tmp_path_factory):
    keys = {name: _mnemonic(name) for name in KEYS}
    n = cli_node(tmp_path_factory.mktemp("feegrant"), keys, FUNDS).start()
    yield n
    n.stop()


def addr(node: TestNode, name: str) -> str:
    out = zrchaind("keys", "show", name, "-a", "--keyring-backend", "test", "--home",
                   str(node.home))  # fmt: skip
    return out.stdout.strip()


def cli_tx(node: TestNode, sender: str, *args: str, fees: str = "100urock") -> dict[str, Any]:
    out = zrchaind(
        "tx", *args, "--from", sender, "--keyring-backend", "test", "--home", str(node.home),
        "--node", node.rpc_url, "--fees", fees, "-y", check=False,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    res = json.loads(out.stdout)
    if res["code"] != 0:
        return res
    final = ChainClient(node.rpc_url).wait_tx(res["txhash"])
    return {"code": final.code, "codespace": final.codespace, "raw_log": final.raw_log,
            "height": final.height}  # fmt: skip


def cli_q(node: TestNode, *args: str) -> Any:
    return json.loads(zrchaind("q", *args, "--node", node.rpc_url, "-o", "json").stdout)


def rest(node: TestNode, path: str) -> Any:
    with urllib.request.urlopen(f"http://127.0.0.1:{node.ports.api}{path}", timeout=10) as r:
        return json.loads(r.read())


def balance(node: TestNode, address: str) -> int:
    res = cli_q(node, "bank", "balances", address, "--denom", "urock")
    return int(res["balance"]["amount"]) if "balance" in res else int(res["balances"][0]["amount"])


def channel(node: TestNode) -> grpc.Channel:
    return grpc.insecure_channel(f"127.0.0.1:{node.ports.grpc}")


# -- fee grants ---------------------------------------------------------------------------
def test_a_granted_account_pays_nothing_and_the_granter_pays(node: TestNode) -> None:
    alice, bob, carol = (addr(node, n) for n in KEYS)
    res = cli_tx(node, "alice", "feegrant", "grant", "alice", bob, "--spend-limit", "5000urock",
                 "--allowed-messages", "/cosmos.bank.v1beta1.MsgSend")  # fmt: skip
    assert res["code"] == 0, res
    shown = cli_q(node, "feegrant", "grant", alice, bob)["allowance"]
    assert (shown["granter"], shown["grantee"]) == (alice, bob)
    assert shown["allowance"]["@type"] == "/cosmos.feegrant.v1beta1.AllowedMsgAllowance"
    assert [
        g["grantee"] for g in cli_q(node, "feegrant", "grants-by-granter", alice)["allowances"]
    ] == [bob]
    assert [
        g["granter"] for g in cli_q(node, "feegrant", "grants-by-grantee", bob)["allowances"]
    ] == [alice]
    via_rest = rest(node, f"/cosmos/feegrant/v1beta1/allowance/{alice}/{bob}")
    assert via_rest["allowance"]["grantee"] == bob
    with channel(node) as ch:
        got = fq_grpc.QueryStub(ch).Allowances(fq.QueryAllowancesRequest(grantee=bob))
    assert [g.granter for g in got.allowances] == [alice]

    a0, b0, c0 = balance(node, alice), balance(node, bob), balance(node, carol)
    res = cli_tx(node, "bob", "bank", "send", bob, carol, "7urock", "--fee-granter", alice,
                 fees="300urock")  # fmt: skip
    assert res["code"] == 0, res
    assert balance(node, bob) == b0 - 7
    assert balance(node, carol) == c0 + 7
    assert balance(node, alice) == a0 - 300
    inner = cli_q(node, "feegrant", "grant", alice, bob)["allowance"]["allowance"]["allowance"]
    assert inner["spend_limit"] == [{"denom": "urock", "amount": "4700"}]

    # over the limit, and for a message the grant does not cover: refused, bob pays nothing
    res = cli_tx(node, "bob", "bank", "send", bob, carol, "1urock", "--fee-granter", alice,
                 fees="4701urock")  # fmt: skip
    assert (res["codespace"], res["code"]) == ("feegrant", 2), res
    res = cli_tx(node, "bob", "feegrant", "grant", "bob", carol, "--fee-granter", alice)
    assert (res["codespace"], res["code"]) == ("feegrant", 7), res
    assert balance(node, bob) == b0 - 7

    res = cli_tx(node, "alice", "feegrant", "revoke", "alice", bob)
    assert res["code"] == 0, res
    res = cli_tx(node, "bob", "bank", "send", bob, carol, "1urock", "--fee-granter", alice)
    assert (res["codespace"], res["code"]) == ("sdk", 38), res
    assert "fee-grant not found" in res["raw_log"]


# -- multisig and amino JSON ----------------------------------------------------------------
def keypair(name: str) -> tuple[bytes, bytes]:
    secret = private_key_from_mnemonic(_mnemonic(name))
    return secret, public_key(secret)


def test_a_two_of_three_multisig_sends_funds_in_both_sign_modes(node: TestNode) -> None:
    keys = {n: keypair(n) for n in KEYS}
    ms = MultisigKey(2, tuple(Secp256k1Key(pk) for _, pk in keys.values()))
    ms_addr = acc_string(ms.address())
    carol = addr(node, "carol")
    res = cli_tx(node, "alice", "bank", "send", addr(node, "alice"), ms_addr, "100000urock")
    assert res["code"] == 0, res
    client = ChainClient(node.rpc_url)
    for mode, members in (
        (1, {0: "alice", 2: "carol"}),
        (SIGN_MODE_LEGACY_AMINO_JSON, {1: "bob", 2: "carol"}),
    ):
        acc = client.account(ms_addr)
        signer = MultisigTxSigner(
            ms,
            {i: private_key_signer(keys[n][0]) for i, n in members.items()},
            acc.number,
            acc.sequence,
            mode=mode,
        )
        c0 = balance(node, carol)
        raw = build_multi_signed_tx(
            [btx.MsgSend(from_address=ms_addr, to_address=carol,
                         amount=parse_coins("11urock").to_protos())],
            [signer], chain_id="zenrock", fee=parse_coins("300urock"), gas_limit=300_000,
        )  # fmt: skip
        sent = client.broadcast(raw)
        assert sent.code == 0, sent.raw_log
        final = client.wait_tx(sent.txhash)
        assert final.code == 0, final.raw_log
        assert balance(node, carol) == c0 + 11
    shown = cli_q(node, "auth", "account", ms_addr)
    assert "LegacyAminoPubKey" in json.dumps(shown)


def test_an_amino_json_signed_tx_from_one_key_is_accepted(node: TestNode) -> None:
    secret, pk = keypair("bob")
    bob, alice = addr(node, "bob"), addr(node, "alice")
    client = ChainClient(node.rpc_url)
    acc = client.account(bob)
    raw = build_multi_signed_tx(
        [btx.MsgSend(from_address=bob, to_address=alice, amount=parse_coins("3urock").to_protos())],
        [TxSigner(private_key_signer(secret), pk, acc.number, acc.sequence,
                  mode=SIGN_MODE_LEGACY_AMINO_JSON)],
        chain_id="zenrock", fee=parse_coins("300urock"), gas_limit=300_000, memo="from a Ledger",
    )  # fmt: skip
    sent = client.broadcast(raw)
    assert sent.code == 0, sent.raw_log
    assert client.wait_tx(sent.txhash).code == 0


# -- reflection -----------------------------------------------------------------------------
def served_services() -> set[str]:
    reg = Registry(default_modules())
    return {m.lstrip("/").rsplit("/", 1)[0] for m in reg.queries}


def test_grpc_reflection_lists_and_describes_every_service(node: TestNode) -> None:
    with channel(node) as ch:
        db = ProtoReflectionDescriptorDatabase(ch)
        listed = set(db.get_services())
        assert served_services() <= listed
        for name in ("cosmos.tx.v1beta1.Service", "cosmos.base.tendermint.v1beta1.Service",
                     "cosmos.reflection.v1.ReflectionService",
                     "grpc.reflection.v1alpha.ServerReflection"):  # fmt: skip
            assert name in listed
        pool = descriptor_pool.DescriptorPool(db)  # what grpcurl describe does
        svc = pool.FindServiceByName("cosmos.feegrant.v1beta1.Query")
        assert [m.name for m in svc.methods] == ["Allowance", "Allowances", "AllowancesByGranter"]
        assert pool.FindServiceByName("zrchain.identity.Query").methods
        # v1, as newer grpcurl asks first: same answer
        call = ch.stream_stream(
            "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
            request_serializer=grpc_refl.ServerReflectionRequest.SerializeToString,
            response_deserializer=grpc_refl.ServerReflectionResponse.FromString,
        )
        (answer,) = list(call(iter([grpc_refl.ServerReflectionRequest(list_services="")])))
        v1_listed = {s.name for s in answer.list_services_response.service}
        assert v1_listed == listed


def test_cosmos_reflection_answers(node: TestNode) -> None:
    with channel(node) as ch:
        files = (
            refl_v1_grpc.ReflectionServiceStub(ch)
            .FileDescriptors(refl_v1.FileDescriptorsRequest())
            .files
        )
    names = {f.name for f in files}
    for f in ("cosmos/feegrant/v1beta1/query.proto", "zrchain/identity/tx.proto",
              "cosmos/crypto/multisig/keys.proto", "google/protobuf/any.proto"):  # fmt: skip
        assert f in names
    interfaces = rest(node, "/cosmos/base/reflection/v1beta1/interfaces")["interface_names"]
    assert "cosmos.feegrant.v1beta1.FeeAllowanceI" in interfaces
    impls = rest(node, "/cosmos/base/reflection/v1beta1/interfaces/"
                       "cosmos.feegrant.v1beta1.FeeAllowanceI/implementations")  # fmt: skip
    assert impls["implementation_message_names"] == [
        "/cosmos.feegrant.v1beta1.AllowedMsgAllowance",
        "/cosmos.feegrant.v1beta1.BasicAllowance",
        "/cosmos.feegrant.v1beta1.PeriodicAllowance",
    ]
