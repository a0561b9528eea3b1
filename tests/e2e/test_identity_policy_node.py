"""identity + policy end to end on a real node (CometBFT + zrchaind), driven two ways:

* the ``zrchaind`` CLI as a subprocess, as an operator would;
* cosmpy, unchanged: our Msgs added to a ``cosmpy.aerial.tx.Transaction``, LedgerClient
  over the node's gRPC port, fees in urock at 0.0001urock gas price.

One node serves the whole module; the policy module's ``minimum_btl`` is lowered in
genesis so actions time out within a few blocks.
"""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import grpc
import pytest
from cosmpy.aerial.client import LedgerClient, NetworkConfig
from cosmpy.aerial.client.utils import prepare_and_broadcast_basic_transaction
from cosmpy.aerial.tx import Transaction
from cosmpy.aerial.wallet import LocalWallet
from cosmpy.crypto.keypairs import PrivateKey

from zrchain.client.chain import ChainClient
from zrchain.codec import bech32
from zrchain.codec.any import pack
from zrchain.codec.gen.zrchain.identity import query_pb2 as iq
from zrchain.codec.gen.zrchain.identity import tx_pb2 as itx
from zrchain.codec.gen.zrchain.policy import query_pb2 as pq
from zrchain.codec.gen.zrchain.policy import tx_pb2 as ptx
from zrchain.localnet_setup import dev_mnemonic
from zrchain.testing.identity_policy import bool_policy
from zrchain.testing.node import TestNode, zrchaind
from zrchain.x.identity.types import workspace_address

pytestmark = pytest.mark.node

FUNDS = "100000000000urock"
KEYRING_FEE = 10_000_000_000
COLLECTOR = "zen1a2q8gs3x4c0q9a99hapl8p9tyhxhhwvetrvure"
ADD_OWNER = "/zrchain.identity.MsgAddWorkspaceOwner"
REMOVE_OWNER = "/zrchain.identity.MsgRemoveWorkspaceOwner"
CLI_KEYS = ("alice", "bob", "carol")
PY = {
    n: LocalWallet(PrivateKey(bytes([0x40 + i]) * 32), prefix="zen") for i, n in enumerate(CLI_KEYS)
}


@pytest.fixture(scope="module")
def node(tmp_path_factory):
    n = TestNode(tmp_path_factory.mktemp("idp"))
    home = str(n.home)
    zrchaind("init", "idp", "--chain-id", "zenrock", "--home", home)
    n.configure()
    n.add_genesis_validator()  # gentx + collect-gentxs, as an operator
    for name in CLI_KEYS:
        zrchaind(
            "keys", "add", name, "--recover", "--keyring-backend", "test", "--home", home,
            input=dev_mnemonic(f"idp-{name}") + "\n",
        )  # fmt: skip
        zrchaind("genesis", "add-genesis-account", name, FUNDS, "--home", home)
    for w in PY.values():
        zrchaind("genesis", "add-genesis-account", str(w.address()), FUNDS, "--home", home)
    doc = n.genesis()
    doc["app_state"]["policy"]["params"]["minimum_btl"] = "3"
    n.write_genesis(doc)
    assert "valid genesis" in zrchaind("genesis", "validate", "--home", home).stdout
    n.start()
    yield n
    n.stop()


# -- CLI helpers ----------------------------------------------------------------------------------
def cli_addr(node: TestNode, name: str) -> str:
    out = zrchaind(
        "keys", "show", name, "-a", "--keyring-backend", "test", "--home", str(node.home)
    )
    return out.stdout.strip()


def cli_tx(node: TestNode, sender: str, *args: str) -> Any:
    """Run ``zrchaind tx …`` and wait for the tx: the final TxResponse (CheckTx rejections
    come back with their code and no height)."""
    out = zrchaind(
        "tx", *args, "--from", sender, "--keyring-backend", "test", "--home", str(node.home),
        "--node", node.rpc_url, "--fees", "100urock", "-y", check=False,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    res = json.loads(out.stdout)
    if res["code"] != 0:
        return res
    final = ChainClient(node.rpc_url).wait_tx(res["txhash"])
    return {"code": final.code, "codespace": final.codespace, "raw_log": final.raw_log,
            "events": _events(final.events), "height": final.height}  # fmt: skip


def _events(evs: Any) -> dict[str, list[dict[str, str]]]:
    out: dict[str, list[dict[str, str]]] = {}
    for e in evs:
        out.setdefault(e.type, []).append({a.key: a.value for a in e.attributes})
    return out


def cli_q(node: TestNode, *args: str) -> Any:
    out = zrchaind("q", *args, "--node", node.rpc_url, "-o", "json")
    return json.loads(out.stdout)


def wait_height(node: TestNode, height: int) -> None:
    node.wait_height(height, timeout=60)


# -- the CLI ---------------------------------------------------------------------------------------
def test_cli_workspace_admin_policy_flow(node) -> None:
    alice, bob, carol = (cli_addr(node, n) for n in CLI_KEYS)
    res = cli_tx(node, "alice", "identity", "new-workspace")
    assert res["code"] == 0, res
    ws = res["events"]["new_workspace"][0]["workspace_addr"]
    assert ws.startswith("workspace1")
    # a second owner (default policy: alice alone decides, executes at once)
    res = cli_tx(node, "alice", "identity", "add-workspace-owner", ws, bob)
    assert res["code"] == 0 and res["events"]["owner_added_to_workspace"][0]["owner_addr"] == bob
    got = cli_q(node, "identity", "workspace-by-address", ws)["workspace"]
    assert got["owners"] == [alice, bob] and got["admin_policy_id"] == "0"
    # admin policy "both owners"
    policy = {
        "@type": "/zrchain.policy.BoolparserPolicy",
        "definition": f"{alice} + {bob} > 1",
        "participants": [{"address": alice}, {"address": bob}],
    }
    res = cli_tx(
        node, "alice", "policy", "new-policy", "both-owners", json.dumps(policy), "--btl", "100000"
    )
    assert res["code"] == 0, res
    mine = cli_q(node, "policy", "policies-by-creator", alice)["policies"]
    pid = mine[-1]["id"]
    assert mine[-1]["name"] == "both-owners"
    res = cli_tx(node, "alice", "identity", "update-workspace", ws, pid, "0")
    assert res["code"] == 0, res
    assert (
        cli_q(node, "identity", "workspace-by-address", ws)["workspace"]["admin_policy_id"] == pid
    )
    # an owner change is now a pending action
    res = cli_tx(node, "alice", "identity", "add-workspace-owner", ws, carol)
    assert res["code"] == 0 and "owner_added_to_workspace" not in res["events"]
    aid = res["events"]["add_owner_to_workspace"][0]["action_id"]
    pending = cli_q(node, "policy", "actions", "--address", bob, "--status", "pending")["actions"]
    assert [a["id"] for a in pending] == [aid]
    assert pending[0]["status"] == "ACTION_STATUS_PENDING" and pending[0]["approvers"] == [alice]
    assert pending[0]["msg"]["@type"] == ADD_OWNER and pending[0]["msg"]["new_owner"] == carol
    assert cli_q(node, "identity", "workspace-by-address", ws)["workspace"]["owners"] == [
        alice,
        bob,
    ]
    details = cli_q(node, "policy", "action-details-by-id", aid)
    assert details["pending_approvers"] == [bob]
    # the second owner approves: the change executes in that tx
    res = cli_tx(node, "bob", "policy", "approve-action", ADD_OWNER, aid)
    assert res["code"] == 0, res
    assert res["events"]["owner_added_to_workspace"] == [
        {"workspace_addr": ws, "owner_addr": carol, "msg_index": "0"}
    ]
    got = cli_q(node, "identity", "workspace-by-address", ws)["workspace"]
    assert got["owners"] == [alice, bob, carol]
    done = cli_q(node, "policy", "action-details-by-id", aid)["action"]
    assert done["status"] == "ACTION_STATUS_COMPLETED" and done["approvers"] == [alice, bob]
    # an action left alone times out at its BTL and shows TIMEOUT
    res = cli_tx(node, "alice", "identity", "remove-workspace-owner", ws, carol, "--btl", "3")
    assert res["code"] == 0, res
    everything = cli_q(node, "policy", "actions", "--address", alice)["actions"]
    timed = [a for a in everything if a["msg"]["@type"] == REMOVE_OWNER]
    assert len(timed) == 1
    btl = int(timed[0]["btl"])
    wait_height(node, btl + 1)
    out = cli_q(node, "policy", "actions", "--status", "timeout")["actions"]
    assert timed[0]["id"] in [a["id"] for a in out]
    assert all(a["status"] == "ACTION_STATUS_TIMEOUT" for a in out)
    res = cli_tx(node, "bob", "policy", "approve-action", REMOVE_OWNER, timed[0]["id"])
    assert res["code"] == 1 and "action not pending ACTION_STATUS_TIMEOUT" in res["raw_log"]
    assert carol in cli_q(node, "identity", "workspace-by-address", ws)["workspace"]["owners"]


def test_cli_keyring_parties_admins_fees_deactivation(node) -> None:
    alice, bob, carol = (cli_addr(node, n) for n in CLI_KEYS)
    res = cli_tx(
        node,
        "alice",
        "identity",
        "new-keyring",
        "cli keyring",
        "5",
        "6",
        "true",
        "--party-threshold",
        "1",
    )
    assert res["code"] == 0, res
    # x/mint claims the keyring collector at every begin block: read it around the tx's block
    h = int(res["height"])
    assert _balance(node, COLLECTOR, h) == _balance(node, COLLECTOR, h - 1) + KEYRING_FEE
    rings = cli_q(node, "identity", "keyrings")["keyrings"]
    kr = next(k for k in rings if k["description"] == "cli keyring")
    assert kr["admins"] == [alice] and kr["key_req_fee"] == "5" and kr["sig_req_fee"] == "6"
    assert kr["is_active"] is True and kr["delegate_fees"] is True
    addr = kr["address"]
    assert cli_tx(node, "alice", "identity", "add-keyring-party", addr, bob)["code"] == 0
    assert (
        cli_tx(node, "alice", "identity", "add-keyring-party", addr, carol, "--increase-threshold")[
            "code"
        ]
        == 0
    )
    assert cli_tx(node, "alice", "identity", "add-keyring-admin", addr, bob)["code"] == 0
    got = cli_q(node, "identity", "keyring-by-address", addr)["keyring"]
    assert (
        got["parties"] == [bob, carol]
        and got["party_threshold"] == 2
        and got["admins"] == [alice, bob]
    )
    res = cli_tx(node, "bob", "identity", "update-keyring", addr, "true", "1", "7", "8", "renamed")
    assert res["code"] == 0, res
    assert (
        cli_tx(
            node, "bob", "identity", "remove-keyring-party", addr, carol, "--decrease-threshold"
        )["code"]
        == 0
    )
    assert cli_tx(node, "bob", "identity", "remove-keyring-admin", addr, alice)["code"] == 0
    got = cli_q(node, "identity", "keyring-by-address", addr)["keyring"]
    assert got["parties"] == [bob] and got["party_threshold"] == 0 and got["admins"] == [bob]
    assert (got["key_req_fee"], got["sig_req_fee"], got["description"]) == ("7", "8", "renamed")
    res = cli_tx(node, "alice", "identity", "deactivate-keyring", addr)
    assert (
        res["code"] == 1 and "keyring deactivations should be requested by admins" in res["raw_log"]
    )
    assert cli_tx(node, "bob", "identity", "deactivate-keyring", addr)["code"] == 0
    assert cli_q(node, "identity", "keyring-by-address", addr)["keyring"]["is_active"] is False
    res = cli_tx(node, "bob", "identity", "add-keyring-party", addr, alice)
    assert res["code"] == 1507 and res["codespace"] == "identity"


def test_cli_bad_input_changes_nothing(node) -> None:
    alice, bob, _ = (cli_addr(node, n) for n in CLI_KEYS)
    before = cli_q(node, "identity", "workspaces")
    # malformed address: refused in CheckTx with ErrInvalidAddress
    res = cli_tx(node, "alice", "identity", "add-workspace-owner", "workspace1nope", bob)
    assert res["code"] == 7 and "invalid workspace address" in res["raw_log"]
    # unknown workspace: executes and fails with identity/1503
    unknown = workspace_address(9999)
    res = cli_tx(node, "alice", "identity", "add-workspace-owner", unknown, bob)
    assert (res["code"], res["codespace"]) == (1503, "identity")
    # oversized list
    many = ",".join(bech32.encode("zen", bytes([i]) * 20) for i in range(1, 102))
    res = cli_tx(node, "alice", "identity", "new-workspace", "--additional-owners", many)
    assert res["code"] == 18 and "too many additional owners" in res["raw_log"]
    # a description over 255 bytes
    res = cli_tx(node, "alice", "identity", "new-keyring", "d" * 256, "0", "0", "false")
    assert res["code"] == 18
    # CLI-side argument errors never reach the chain
    bad = zrchaind("tx", "identity", "update-workspace", unknown, "x", "0", "--from", "alice",
                   "--keyring-backend", "test", "--home", str(node.home), "--node", node.rpc_url,
                   "-y", check=False)  # fmt: skip
    assert bad.returncode != 0 and "invalid admin-policy-id" in bad.stderr
    assert cli_q(node, "identity", "workspaces")["workspaces"] == before["workspaces"]
    assert alice


def _balance(node: TestNode, addr: str, height: int | None = None) -> int:
    at = ("--height", str(height)) if height is not None else ()
    got = cli_q(node, "bank", "balances", addr, "--denom", "urock", *at)
    return int(got["balance"]["amount"])


# -- cosmpy ---------------------------------------------------------------------------------------
def ledger(node: TestNode) -> LedgerClient:
    return LedgerClient(
        NetworkConfig(
            chain_id="zenrock",
            url=node.grpc_url,
            fee_minimum_gas_price=0.0001,
            fee_denomination="urock",
            staking_denomination="urock",
        )
    )


def send(lc: LedgerClient, wallet: LocalWallet, *msgs: Any) -> Any:
    """cosmpy's own flow: simulate for gas, sign, broadcast, wait. Raises on failure."""
    tx = Transaction()
    for m in msgs:
        tx.add_message(m)
    return prepare_and_broadcast_basic_transaction(lc, tx, wallet).wait_to_complete().response


def send_raw(
    node: TestNode, lc: LedgerClient, wallet: LocalWallet, *msgs: Any
) -> tuple[int, str, str]:
    """A fixed fee (no simulation) so that a failing Msg is still broadcast: (code,
    codespace, raw_log) from CheckTx, or from the block when CheckTx accepted it."""
    from cosmpy.aerial.client.utils import prepare_basic_transaction
    from cosmpy.aerial.tx import TxFee
    from cosmpy.protos.cosmos.tx.v1beta1.service_pb2 import BroadcastMode, BroadcastTxRequest

    tx = Transaction()
    for m in msgs:
        tx.add_message(m)
    tx = prepare_basic_transaction(lc, tx, wallet, fee=TxFee(amount="400urock", gas_limit=400_000))
    resp = lc.txs.BroadcastTx(
        BroadcastTxRequest(
            tx_bytes=tx.tx.SerializeToString(), mode=BroadcastMode.BROADCAST_MODE_SYNC
        )
    ).tx_response
    if resp.code != 0:
        return resp.code, resp.codespace, resp.raw_log
    final = ChainClient(node.rpc_url).wait_tx(resp.txhash)
    return final.code, final.codespace, final.raw_log


def grpc_query(node: TestNode, method: str, req: Any, resp_cls: Any) -> Any:
    with grpc.insecure_channel(f"127.0.0.1:{node.ports.grpc}") as ch:
        call = ch.unary_unary(
            method,
            request_serializer=lambda m: m.SerializeToString(),
            response_deserializer=resp_cls.FromString,
        )
        return call(req, timeout=10)


def rest_get(node: TestNode, path: str) -> Any:
    with urllib.request.urlopen(f"http://127.0.0.1:{node.ports.api}{path}", timeout=10) as r:
        return json.loads(r.read())


def _ws(node: TestNode, addr: str) -> Any:
    return grpc_query(
        node,
        "/zrchain.identity.Query/WorkspaceByAddress",
        iq.QueryWorkspaceByAddressRequest(workspace_addr=addr),
        iq.QueryWorkspaceByAddressResponse,
    ).workspace


def test_cosmpy_workspace_admin_policy_flow(node) -> None:
    lc = ledger(node)
    a, b, c = (PY[n] for n in CLI_KEYS)
    A, B, C = (str(w.address()) for w in (a, b, c))
    res = send(lc, a, itx.MsgNewWorkspace(creator=A))
    ws = res.events["new_workspace"]["workspace_addr"]
    send(lc, a, itx.MsgAddWorkspaceOwner(creator=A, workspace_addr=ws, new_owner=B))
    assert list(_ws(node, ws).owners) == [A, B]
    pol = bool_policy(f"{A} + {B} > 1", [A, B])
    send(lc, a, ptx.MsgNewPolicy(creator=A, name="both", policy=pack(pol), btl=100_000))
    pid = int(
        grpc_query(
            node,
            "/zrchain.policy.Query/PoliciesByCreator",
            pq.QueryPoliciesByCreatorRequest(creators=[A]),
            pq.QueryPoliciesByCreatorResponse,
        )
        .policies[-1]
        .id
    )
    send(lc, a, itx.MsgUpdateWorkspace(creator=A, workspace_addr=ws, admin_policy_id=pid))
    assert _ws(node, ws).admin_policy_id == pid
    res = send(lc, a, itx.MsgAddWorkspaceOwner(creator=A, workspace_addr=ws, new_owner=C))
    aid = int(res.events["add_owner_to_workspace"]["action_id"])
    assert "owner_added_to_workspace" not in res.events
    assert list(_ws(node, ws).owners) == [A, B]
    # REST shows the pending action, filtered by participant and status
    listed = rest_get(node, f"/zrchain/policy/actions?address={B}&status=ACTION_STATUS_PENDING")
    assert [x["id"] for x in listed["actions"]] == [str(aid)]
    res = send(lc, b, ptx.MsgApproveAction(creator=B, action_type=ADD_OWNER, action_id=aid))
    assert res.events["owner_added_to_workspace"]["owner_addr"] == C
    assert list(_ws(node, ws).owners) == [A, B, C]
    # left alone: TIMEOUT at its BTL
    res = send(lc, a, itx.MsgRemoveWorkspaceOwner(creator=A, workspace_addr=ws, owner=C, btl=3))
    detail = grpc_query(
        node,
        "/zrchain.policy.Query/Actions",
        pq.QueryActionsRequest(),
        pq.QueryActionsResponse,
    ).actions
    mine = [x for x in detail if x.msg.type_url == REMOVE_OWNER and x.creator == A]
    assert len(mine) == 1
    wait_height(node, int(mine[0].btl) + 1)
    timed = rest_get(node, "/zrchain/policy/actions?status=ACTION_STATUS_TIMEOUT")["actions"]
    assert str(mine[0].id) in [x["id"] for x in timed]
    assert C in _ws(node, ws).owners


def test_cosmpy_keyring_flow(node) -> None:
    lc = ledger(node)
    a, b, c = (PY[n] for n in CLI_KEYS)
    A, B, C = (str(w.address()) for w in (a, b, c))
    res = send(
        lc, a, itx.MsgNewKeyring(creator=A, description="py", key_req_fee=11, sig_req_fee=12)
    )
    assert res.code == 0
    rings = rest_get(node, "/zrchain/identity/keyrings?pagination.limit=1000")["keyrings"]
    kr = next(k for k in rings if k["description"] == "py" and k["creator"] == A)["address"]
    send(
        lc,
        a,
        itx.MsgAddKeyringParty(creator=A, keyring_addr=kr, party=B, increase_threshold=True),
        itx.MsgAddKeyringParty(creator=A, keyring_addr=kr, party=C),
        itx.MsgAddKeyringAdmin(creator=A, keyring_addr=kr, admin=B),
    )
    got = rest_get(node, f"/zrchain/identity/keyring_by_address/{kr}")["keyring"]
    assert got["parties"] == [B, C] and got["party_threshold"] == 1 and got["admins"] == [A, B]
    send(lc, b, itx.MsgRemoveKeyringParty(creator=B, keyring_addr=kr, party=C))
    send(lc, b, itx.MsgDeactivateKeyring(creator=B, keyring_addr=kr))
    got = rest_get(node, f"/zrchain/identity/keyring_by_address/{kr}")["keyring"]
    assert got["is_active"] is False and got["parties"] == [B]
    assert (got["key_req_fee"], got["sig_req_fee"]) == ("11", "12")
    send(
        lc, b, itx.MsgUpdateKeyring(creator=B, keyring_addr=kr, is_active=True, description="back")
    )
    assert (
        rest_get(node, f"/zrchain/identity/keyring_by_address/{kr}")["keyring"]["is_active"] is True
    )


def test_cosmpy_bad_input_changes_nothing(node) -> None:
    lc = ledger(node)
    a, b = PY["alice"], PY["bob"]
    A, B = str(a.address()), str(b.address())
    ws = send(lc, a, itx.MsgNewWorkspace(creator=A)).events["new_workspace"]["workspace_addr"]
    snapshot = rest_get(node, "/zrchain/identity/workspaces?pagination.limit=1000")
    cases = [
        # wrong signer: bob signs alice's message
        (b, itx.MsgAddWorkspaceOwner(creator=A, workspace_addr=ws, new_owner=B), None, ""),
        # unknown workspace
        (
            a,
            itx.MsgAddWorkspaceOwner(
                creator=A, workspace_addr=workspace_address(9999), new_owner=B
            ),
            (1503, "identity"),
            "not found",
        ),
        # malformed address
        (
            a,
            itx.MsgAddWorkspaceOwner(creator=A, workspace_addr=ws, new_owner="zen1bad"),
            (7, "sdk"),
            "invalid owner address",
        ),
        # oversized list
        (
            a,
            itx.MsgNewWorkspace(creator=A, additional_owners=[B] * 101),
            (18, "sdk"),
            "too many additional owners",
        ),
        # not an owner
        (
            b,
            itx.MsgAddWorkspaceOwner(creator=B, workspace_addr=ws, new_owner=B),
            (1505, "identity"),
            "is not owner",
        ),
    ]
    for wallet, msg, want, text in cases:
        code, space, log = send_raw(node, lc, wallet, msg)
        assert code != 0, log
        if want is not None:
            assert (code, space) == want, log
            assert text in log
    assert rest_get(node, "/zrchain/identity/workspaces?pagination.limit=1000") == snapshot
    assert list(_ws(node, ws).owners) == [A]


def test_queries_over_grpc_and_rest(node) -> None:
    """Every identity/policy Query RPC through gRPC and its grpc-gateway REST route."""
    a = str(PY["alice"].address())
    for path in (
        "/zrchain/identity/params",
        "/zrchain/identity/workspaces?pagination.limit=2&pagination.count_total=true",
        f"/zrchain/identity/workspaces?owner={a}",
        "/zrchain/identity/keyrings",
        "/zrchain/policy/params",
        "/zrchain/policy/actions",
        "/zrchain/policy/policies",
        f"/zrchain/policy/policies_by_creator/{a},{a}",
        f"/zrchain/policy/sign_methods_by_address/{a}",
    ):
        body = rest_get(node, path)
        assert isinstance(body, dict), path
    params = rest_get(node, "/zrchain/identity/params")
    assert params == {"params": {"keyring_creation_fee": "10000000000"}}
    assert rest_get(node, "/zrchain/policy/params")["params"]["minimum_btl"] == "3"
    page = rest_get(
        node, "/zrchain/identity/workspaces?pagination.limit=1&pagination.count_total=true"
    )
    assert len(page["workspaces"]) == 1 and int(page["pagination"]["total"]) >= 1
    ws = page["workspaces"][0]["address"]
    assert (
        rest_get(node, f"/zrchain/identity/workspace_by_address/{ws}")["workspace"]["address"] == ws
    )
    pol = rest_get(node, "/zrchain/policy/policy_by_id/1")["policy"]["policy"]
    assert pol["policy"]["@type"] == "/zrchain.policy.BoolparserPolicy"
    det = rest_get(node, "/zrchain/policy/action_details_by_id/1")
    assert det["id"] == "1" and int(det["current_height"]) > 0
    got = grpc_query(
        node,
        "/zrchain.identity.Query/Workspaces",
        iq.QueryWorkspacesRequest(owner=a),
        iq.QueryWorkspacesResponse,
    )
    assert all(a in w.owners or w.creator == a for w in got.workspaces)
    with pytest.raises(grpc.RpcError):
        grpc_query(
            node,
            "/zrchain.identity.Query/KeyringByAddress",
            iq.QueryKeyringByAddressRequest(keyring_addr="keyring1nope"),
            iq.QueryKeyringByAddressResponse,
        )


# -- genesis export -> import (runs last: it stops the module's node) ------------------------------
QUERIES = (
    ("identity", "workspaces", "--page-limit", "1000"),
    ("identity", "keyrings", "--page-limit", "1000"),
    ("identity", "params"),
    ("policy", "policies", "--page-limit", "1000"),
    ("policy", "actions", "--page-limit", "1000"),
    ("policy", "params"),
)


def test_zz_genesis_export_import_gives_identical_answers(node, tmp_path) -> None:
    before = [cli_q(node, *q) for q in QUERIES]
    assert before[0]["workspaces"] and before[4]["actions"]
    assert all(a["status"] != "ACTION_STATUS_PENDING" for a in before[4]["actions"])
    node.stop()
    exported = tmp_path / "exported.json"
    zrchaind("export", "--home", str(node.home), "--output-document", str(exported))
    state = json.loads(exported.read_text())["app_state"]
    fresh = TestNode(tmp_path / "fresh")

    def transplant(doc: dict) -> None:
        for m in ("identity", "policy"):
            doc["app_state"][m] = state[m]

    try:
        fresh.init(genesis=transplant).start()
        after = [cli_q(fresh, *q) for q in QUERIES]
        assert after == before
        fresh.stop()
        again = tmp_path / "again.json"
        zrchaind("export", "--home", str(fresh.home), "--output-document", str(again))
        state2 = json.loads(again.read_text())["app_state"]
        assert (state2["identity"], state2["policy"]) == (state["identity"], state["policy"])
    finally:
        fresh.stop()
