"""x/authz end to end on a real node (CometBFT + zrchaind):

* grants and revocations with the ``zrchaind`` CLI as a subprocess (``tx authz grant``,
  ``revoke``, ``exec``; ``tx policy add-multi-grant``);
* MsgExec from cosmpy, unchanged: a ``Transaction`` carrying ``MsgExec`` signed by the
  grantee (a ``LocalWallet`` from the same mnemonic as its CLI key);
* grants read back through the SDK's REST routes and the CLI queries.
"""

from __future__ import annotations

import json
import time
import urllib.parse
import urllib.request
from datetime import datetime
from typing import Any

import pytest
from cosmpy.aerial.client import LedgerClient, NetworkConfig
from cosmpy.aerial.client.utils import prepare_and_broadcast_basic_transaction
from cosmpy.aerial.tx import Transaction
from cosmpy.aerial.wallet import LocalWallet
from cosmpy.protos.cosmos.authz.v1beta1 import tx_pb2 as atx
from cosmpy.protos.cosmos.bank.v1beta1 import tx_pb2 as btx
from cosmpy.protos.cosmos.base.v1beta1.coin_pb2 import Coin

from zrchain.client.chain import ChainClient
from zrchain.codec.any import pack
from zrchain.codec.gen.zrchain.identity import tx_pb2 as itx
from zrchain.localnet_setup import dev_mnemonic
from zrchain.testing.node import TestNode, zrchaind

pytestmark = pytest.mark.node

FUNDS = "100000000000urock"
KEYS = ("alice", "bob", "carol")
SEND = "/cosmos.bank.v1beta1.MsgSend"
GENERIC = "/cosmos.authz.v1beta1.GenericAuthorization"


@pytest.fixture(scope="module")
def node(tmp_path_factory):
    n = TestNode(tmp_path_factory.mktemp("authz"))
    home = str(n.home)
    zrchaind("init", "authz", "--chain-id", "zenrock", "--home", home)
    n.configure()
    n.add_genesis_validator()  # gentx + collect-gentxs, as an operator
    for name in KEYS:
        zrchaind(
            "keys", "add", name, "--recover", "--keyring-backend", "test", "--home", home,
            input=_mnemonic(name) + "\n",
        )  # fmt: skip
        zrchaind("genesis", "add-genesis-account", name, FUNDS, "--home", home)
    assert "valid genesis" in zrchaind("genesis", "validate", "--home", home).stdout
    n.start()
    yield n
    n.stop()


def _mnemonic(name: str) -> str:
    return dev_mnemonic(f"authz-{name}")


def wallet(name: str) -> LocalWallet:
    return LocalWallet.from_mnemonic(_mnemonic(name), prefix="zen")


def addr(node: TestNode, name: str) -> str:
    out = zrchaind(
        "keys", "show", name, "-a", "--keyring-backend", "test", "--home", str(node.home)
    )
    return out.stdout.strip()


def cli_tx(node: TestNode, sender: str, *args: str) -> dict[str, Any]:
    """``zrchaind tx …`` and the final result (a CheckTx rejection comes back as is)."""
    out = zrchaind(
        "tx", *args, "--from", sender, "--keyring-backend", "test", "--home", str(node.home),
        "--node", node.rpc_url, "--fees", "100urock", "-y", check=False,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    res = json.loads(out.stdout)
    if res["code"] != 0:
        return res
    final = ChainClient(node.rpc_url).wait_tx(res["txhash"])
    evs: dict[str, list[dict[str, str]]] = {}
    for e in final.events:
        evs.setdefault(e.type, []).append({a.key: a.value for a in e.attributes})
    return {"code": final.code, "codespace": final.codespace, "raw_log": final.raw_log,
            "events": evs}  # fmt: skip


def cli_q(node: TestNode, *args: str) -> Any:
    return json.loads(zrchaind("q", *args, "--node", node.rpc_url, "-o", "json").stdout)


def rest(node: TestNode, path: str, **params: str) -> Any:
    query = ("?" + urllib.parse.urlencode(params)) if params else ""
    url = f"http://127.0.0.1:{node.ports.api}{path}{query}"
    with urllib.request.urlopen(url, timeout=10) as r:
        return json.loads(r.read())


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


def cosmpy_exec(lc: LedgerClient, grantee: LocalWallet, *inner: Any) -> Any:
    """cosmpy's own flow (simulate, sign, broadcast, wait) for one MsgExec."""
    tx = Transaction()
    tx.add_message(atx.MsgExec(grantee=str(grantee.address()), msgs=[pack(m) for m in inner]))
    return prepare_and_broadcast_basic_transaction(lc, tx, grantee).wait_to_complete()


def send(frm: str, to: str, amount: int) -> Any:
    return btx.MsgSend(
        from_address=frm, to_address=to, amount=[Coin(denom="urock", amount=str(amount))]
    )


def balance(node: TestNode, address: str) -> int:
    got = rest(node, f"/cosmos/bank/v1beta1/balances/{address}/by_denom", denom="urock")
    return int(got["balance"]["amount"])


def test_cli_grant_cosmpy_exec_rest_query(node) -> None:
    A, B, C = (addr(node, n) for n in KEYS)
    assert str(wallet("bob").address()) == B
    res = cli_tx(node, "alice", "authz", "grant", B, "generic", "--msg-type", SEND)
    assert res["code"] == 0, res
    assert res["events"]["cosmos.authz.v1beta1.EventGrant"] == [
        {"grantee": f'"{B}"', "granter": f'"{A}"', "msg_type_url": f'"{SEND}"', "msg_index": "0"}
    ]

    # REST, the SDK's three routes
    got = rest(node, "/cosmos/authz/v1beta1/grants", granter=A, grantee=B)
    assert [g["authorization"] for g in got["grants"]] == [{"@type": GENERIC, "msg": SEND}]
    assert got["pagination"]["total"] == "1"
    got = rest(node, f"/cosmos/authz/v1beta1/grants/granter/{A}")["grants"]
    assert [(g["granter"], g["grantee"]) for g in got] == [(A, B)]
    got = rest(node, f"/cosmos/authz/v1beta1/grants/grantee/{B}")["grants"]
    assert [(g["granter"], g["authorization"]["msg"]) for g in got] == [(A, SEND)]
    one = rest(node, "/cosmos/authz/v1beta1/grants", granter=A, grantee=B, msg_type_url=SEND)
    assert len(one["grants"]) == 1
    # the CLI queries
    assert len(cli_q(node, "authz", "grants", A, B)["grants"]) == 1
    assert len(cli_q(node, "authz", "grants", A, B, SEND)["grants"]) == 1
    assert cli_q(node, "authz", "grants-by-granter", A)["grants"][0]["grantee"] == B
    assert cli_q(node, "authz", "grants-by-grantee", B)["grants"][0]["granter"] == A

    # cosmpy: bob sends alice's coins
    lc = ledger(node)
    a0, c0 = balance(node, A), balance(node, C)
    out = cosmpy_exec(lc, wallet("bob"), send(A, C, 1234))
    assert out.response.code == 0, out.response.raw_log
    assert (balance(node, A), balance(node, C)) == (a0 - 1234, c0 + 1234)
    # not granted: another Msg type of alice's, or coins of carol's
    ws = itx.MsgNewWorkspace(creator=A)
    with pytest.raises(Exception, match="authorization not found"):
        cosmpy_exec(lc, wallet("bob"), ws)
    with pytest.raises(Exception, match="authorization not found"):
        cosmpy_exec(lc, wallet("bob"), send(C, A, 1))
    assert (balance(node, A), balance(node, C)) == (a0 - 1234, c0 + 1234)

    # revoke by CLI: the grant is gone and exec fails
    res = cli_tx(node, "alice", "authz", "revoke", B, SEND)
    assert res["code"] == 0, res
    assert "cosmos.authz.v1beta1.EventRevoke" in res["events"]
    assert rest(node, "/cosmos/authz/v1beta1/grants", granter=A, grantee=B)["grants"] == []
    with pytest.raises(Exception, match="authorization not found"):
        cosmpy_exec(lc, wallet("bob"), send(A, C, 1))
    res = cli_tx(node, "alice", "authz", "revoke", B, SEND)
    assert (res["code"], res["codespace"]) == (2, "authz"), res


def test_cli_exec_send_authorization_and_bad_input(node, tmp_path) -> None:
    A, B, C = (addr(node, n) for n in KEYS)
    res = cli_tx(node, "alice", "authz", "grant", B, "send", "--spend-limit", "100urock")
    assert res["code"] == 0, res
    # the SDK's flow: a tx generated for the granter, executed by the grantee
    out = zrchaind(
        "tx", "bank", "send", "alice", C, "60urock", "--generate-only", "--keyring-backend",
        "test", "--home", str(node.home),
    )  # fmt: skip
    path = tmp_path / "tx.json"
    path.write_text(out.stdout)
    c0 = balance(node, C)
    res = cli_tx(node, "bob", "authz", "exec", str(path))
    assert res["code"] == 0, res
    assert balance(node, C) == c0 + 60
    got = rest(node, "/cosmos/authz/v1beta1/grants", granter=A, grantee=B)["grants"]
    assert got[0]["authorization"]["spend_limit"] == [{"denom": "urock", "amount": "40"}]
    res = cli_tx(node, "bob", "authz", "exec", str(path))  # 60 > 40 left
    assert (res["code"], res["codespace"]) == (5, "sdk"), res
    assert "requested amount is more than spend limit" in res["raw_log"]
    # CLI-side and chain-side refusals
    out = zrchaind(
        "tx", "authz", "grant", A, "generic", "--msg-type", SEND, "--from", "alice",
        "--keyring-backend", "test", "--home", str(node.home), "--node", node.rpc_url, "-y",
        check=False,
    )  # fmt: skip
    assert out.returncode != 0 and "grantee and granter should be different" in out.stderr
    res = cli_tx(node, "alice", "authz", "grant", B, "generic", "--msg-type", "/foo.MsgBar")
    assert (res["code"], res["codespace"]) == (29, "sdk") and "doesn't exist" in res["raw_log"]
    res = cli_tx(
        node, "alice", "authz", "grant", B, "generic", "--msg-type", SEND, "--expiration", "1000"
    )
    assert (res["code"], res["codespace"]) == (3, "authz"), res


def test_expiring_grant_is_pruned(node) -> None:
    A, B, C = (addr(node, n) for n in KEYS)
    header = ChainClient(node.rpc_url).rpc.block(None)["block"]["header"]
    now = datetime.fromisoformat(header["time"][:19] + "+00:00")  # whole seconds, UTC
    # far enough ahead that the grant tx is still in time on a loaded machine (a CLI tx can
    # take seconds to commit there), near enough to see it pruned
    exp = int(now.timestamp()) + 15
    res = cli_tx(
        node, "alice", "authz", "grant", C, "generic", "--msg-type", SEND,
        "--expiration", str(exp),
    )  # fmt: skip
    assert res["code"] == 0, res
    got = rest(node, "/cosmos/authz/v1beta1/grants", granter=A, grantee=C)["grants"]
    assert got[0]["expiration"].startswith(time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(exp)))
    deadline = time.monotonic() + 90
    while rest(node, "/cosmos/authz/v1beta1/grants", granter=A, grantee=C)["grants"]:
        assert time.monotonic() < deadline, "expired grant was not pruned"
        time.sleep(0.3)
    with pytest.raises(Exception, match="authorization not found"):
        cosmpy_exec(ledger(node), wallet("carol"), send(A, B, 1))


def test_multi_grant_then_exec_from_cosmpy(node) -> None:
    A, B, _ = (addr(node, n) for n in KEYS)
    urls = "/zrchain.identity.MsgNewWorkspace,/zrchain.policy.MsgApproveAction"
    res = cli_tx(node, "alice", "policy", "add-multi-grant", B, urls)
    assert res["code"] == 0, res
    assert len(res["events"]["cosmos.authz.v1beta1.EventGrant"]) == 2
    got = rest(node, f"/cosmos/authz/v1beta1/grants/grantee/{B}")["grants"]
    assert {g["authorization"].get("msg") for g in got if g["granter"] == A} >= set(urls.split(","))
    out = cosmpy_exec(ledger(node), wallet("bob"), itx.MsgNewWorkspace(creator=A))
    assert out.response.code == 0, out.response.raw_log
    ws = out.response.events["new_workspace"]["workspace_addr"]
    got = rest(node, f"/zrchain/identity/workspace_by_address/{ws}")["workspace"]
    assert (got["creator"], got["owners"]) == (A, [A])  # created as alice, by bob
    res = cli_tx(node, "alice", "policy", "remove-multi-grant", B, urls)
    assert res["code"] == 0, res
    with pytest.raises(Exception, match="authorization not found"):
        cosmpy_exec(ledger(node), wallet("bob"), itx.MsgNewWorkspace(creator=A))
