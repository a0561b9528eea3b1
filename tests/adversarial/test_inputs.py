"""The issue's inputs through every door: numbers in other scripts' digits or too long,
sizes counted in bytes, upper- and mixed-case addresses; by tx bytes, the CLI (a real
subprocess), REST, gRPC and ABCI queries. A bad input gets a clear error (never
``internal``, never a traceback) and changes nothing; an upper-case address is the
lower-case account."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

import grpc
import pytest
from cosmpy.protos.cosmos.bank.v1beta1 import query_pb2 as bq
from cosmpy.protos.cosmos.bank.v1beta1 import query_pb2_grpc as bq_grpc
from cosmpy.protos.cosmos.bank.v1beta1 import tx_pb2 as bank_tx
from cosmpy.protos.cosmos.base.v1beta1.coin_pb2 import Coin as CoinProto
from cosmpy.protos.cosmos.tx.v1beta1 import service_pb2, service_pb2_grpc, tx_pb2
from outsider_world import CHAIN_ID, FEE, GAS, Outsider, nothing_changes, refused_at_check

from zrchain.client.tx import TxSigner, _signer_info, pack
from zrchain.testing.node import zrchaind

ARABIC_100 = "\u0661\u0660\u0660"  # Arabic-Indic digits; Python's int() reads 100
ARABIC_10 = "\u0661\u0660"
SUPERSCRIPT_2 = "\u00b2"
EMOJI = "\N{GRINNING FACE}"  # 4 bytes in UTF-8
BAD_AMOUNTS = [ARABIC_100, SUPERSCRIPT_2, "9" * 5000, "0100"]

pytestmark = pytest.mark.node


def mixed(addr: str) -> str:
    return addr[:4].upper() + addr[4:]


def raw_send(chain: Outsider, amount: str = "1", fee: str = "400", memo: str = "", to: str = ""):
    """A signed MsgSend from the outsider whose amounts are any text."""
    o = chain["outsider"]
    number, sequence = chain.account(o)
    msg = bank_tx.MsgSend(
        from_address=o.address,
        to_address=to or chain["alice"].address,
        amount=[CoinProto(denom="urock", amount=amount)],
    )
    body = tx_pb2.TxBody(messages=[pack(msg)], memo=memo).SerializeToString()
    auth = tx_pb2.AuthInfo(
        signer_infos=[_signer_info(TxSigner(o.sign, o.pubkey, number, sequence))],
        fee=tx_pb2.Fee(amount=[CoinProto(denom="urock", amount=fee)], gas_limit=GAS),
    ).SerializeToString()
    doc = tx_pb2.SignDoc(
        body_bytes=body, auth_info_bytes=auth, chain_id=CHAIN_ID, account_number=number
    ).SerializeToString()
    return tx_pb2.TxRaw(
        body_bytes=body, auth_info_bytes=auth, signatures=[o.sign(doc)]
    ).SerializeToString()


# -- tx bytes ------------------------------------------------------------------------------
def test_bad_numbers_memo_and_addresses_in_txs(chain: Outsider) -> None:
    with nothing_changes(chain):
        for amount in BAD_AMOUNTS:
            res = refused_at_check(chain, raw_send(chain, amount=amount), 10, "invalid amount")
            assert len(res.raw_log) < 400
        for fee in (SUPERSCRIPT_2, ARABIC_100, "9" * 5000):
            refused_at_check(chain, raw_send(chain, fee=fee), 10, "invalid amount")
        refused_at_check(
            chain,
            raw_send(chain, memo=EMOJI * 256),
            12,
            "maximum number of characters is 256 but received 1024 characters",
        )
        refused_at_check(
            chain,
            raw_send(chain, to=mixed(chain["alice"].address)),
            7,
            "string not all lowercase or all uppercase",
        )


def test_an_upper_case_recipient_is_the_lower_case_account(chain: Outsider) -> None:
    alice = chain["alice"]
    before = chain.client.query(
        "/cosmos.bank.v1beta1.Query/Balance",
        bq.QueryBalanceRequest(address=alice.address, denom="urock"),
        bq.QueryBalanceResponse,
    )
    res = chain.deliver(raw_send(chain, amount="11", to=alice.address.upper()))
    assert res.code == 0, res.raw_log
    after = chain.client.query(
        "/cosmos.bank.v1beta1.Query/Balance",
        bq.QueryBalanceRequest(address=alice.address, denom="urock"),
        bq.QueryBalanceResponse,
    )
    assert int(after.balance.amount) == int(before.balance.amount) + 11
    shown = {a.value for e in res.events for a in e.attributes}
    assert alice.address in shown and alice.address.upper() not in shown


# -- the CLI, as a subprocess ----------------------------------------------------------------
def cli(chain: Outsider, *args: str) -> Any:
    return zrchaind(*args, "--node", chain.node.rpc_url, check=False, timeout=60)


def cli_tx(chain: Outsider, *args: str) -> Any:
    return cli(
        chain,
        "tx",
        *args,
        "--from",
        "outsider",
        "--keyring-backend",
        "test",
        "--home",
        str(chain.node.home),
        "--chain-id",
        CHAIN_ID,
        "-y",
        "-o",
        "json",
    )


def test_cli_refuses_bad_numbers_cleanly(chain: Outsider) -> None:
    alice = chain["alice"].address
    cases = [
        (["bank", "send", "outsider", alice, ARABIC_100 + "urock", "--fees", FEE], "coin"),
        (
            ["bank", "send", "outsider", alice, "1urock", "--fees", SUPERSCRIPT_2 + "urock"],
            "invalid --fees",
        ),
        (["bank", "send", "outsider", alice, "1urock", "--gas", "9" * 30], "invalid --gas"),
        (
            ["bank", "send", "outsider", alice, "1urock", "--fees", FEE, "--sequence", ARABIC_10],
            "--sequence",
        ),
    ]
    with nothing_changes(chain):
        for args, says in cases:
            out = cli_tx(chain, *args)
            assert out.returncode != 0, out.stdout
            assert "Traceback" not in out.stderr and says in out.stderr, out.stderr
            assert len(out.stderr) < 2000


def test_cli_memo_is_counted_in_bytes_by_the_chain(chain: Outsider) -> None:
    alice = chain["alice"].address
    with nothing_changes(chain):
        out = cli_tx(
            chain, "bank", "send", "outsider", alice, "1urock", "--fees", FEE, "--note", EMOJI * 256
        )
        assert out.returncode == 0, out.stderr  # like the SDK: the refusal is in `code`
        res = json.loads(out.stdout)
        assert res["code"] == 12 and "received 1024 characters" in res["raw_log"]


def test_cli_queries_take_upper_case_and_refuse_mixed_case(chain: Outsider) -> None:
    alice = chain["alice"].address
    lower = cli(chain, "q", "bank", "balances", alice, "-o", "json")
    upper = cli(chain, "q", "bank", "balances", alice.upper(), "-o", "json")
    assert lower.returncode == upper.returncode == 0, upper.stderr
    assert json.loads(lower.stdout)["balances"] == json.loads(upper.stdout)["balances"]
    bad = cli(chain, "q", "bank", "balances", mixed(alice), "-o", "json")
    assert bad.returncode != 0 and "not all lowercase or all uppercase" in bad.stderr
    assert "Traceback" not in bad.stderr


# -- REST ------------------------------------------------------------------------------------
def rest(chain: Outsider, path: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
    url = f"http://127.0.0.1:{chain.node.ports.api}{path}"
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=20) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def test_rest_addresses_and_numbers(chain: Outsider) -> None:
    alice = chain["alice"].address
    with nothing_changes(chain):
        status, lower = rest(chain, f"/cosmos/bank/v1beta1/balances/{alice}")
        assert status == 200
        assert rest(chain, f"/cosmos/bank/v1beta1/balances/{alice.upper()}") == (200, lower)
        status, body = rest(chain, f"/cosmos/bank/v1beta1/balances/{mixed(alice)}")
        assert 400 <= status < 500 and "not all lowercase or all uppercase" in body["message"]
        limit = urllib.parse.quote(ARABIC_10)
        status, body = rest(
            chain, f"/cosmos/bank/v1beta1/balances/{alice}?pagination.limit={limit}"
        )
        assert status == 400 and "pagination.limit" in body["message"]


def test_rest_simulate_reports_bad_amounts(chain: Outsider) -> None:
    import base64

    with nothing_changes(chain):
        for amount in BAD_AMOUNTS:
            raw = raw_send(chain, amount=amount)
            status, body = rest(
                chain, "/cosmos/tx/v1beta1/simulate", {"tx_bytes": base64.b64encode(raw).decode()}
            )
            assert status != 200 and "invalid amount" in body.get("message", ""), body
            assert "internal" not in body.get("message", "")


# -- gRPC ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def channel(chain: Outsider):
    ch = grpc.insecure_channel(f"127.0.0.1:{chain.node.ports.grpc}")
    yield ch
    ch.close()


def test_grpc_addresses_and_simulate(chain: Outsider, channel) -> None:
    bank = bq_grpc.QueryStub(channel)
    txs = service_pb2_grpc.ServiceStub(channel)
    alice = chain["alice"].address
    with nothing_changes(chain):
        lower = bank.Balance(bq.QueryBalanceRequest(address=alice, denom="urock"))
        upper = bank.Balance(bq.QueryBalanceRequest(address=alice.upper(), denom="urock"))
        assert lower == upper
        with pytest.raises(grpc.RpcError) as info:
            bank.Balance(bq.QueryBalanceRequest(address=mixed(alice), denom="urock"))
        assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert "not all lowercase or all uppercase" in info.value.details()
        for amount in BAD_AMOUNTS:
            with pytest.raises(grpc.RpcError) as info:
                txs.Simulate(service_pb2.SimulateRequest(tx_bytes=raw_send(chain, amount=amount)))
            assert "invalid amount" in info.value.details()
            assert info.value.code() != grpc.StatusCode.INTERNAL


# -- ABCI query ------------------------------------------------------------------------------
def test_abci_query_addresses_and_simulate(chain: Outsider) -> None:
    rpc = chain.node.rpc
    alice = chain["alice"].address

    def balance(addr: str) -> dict[str, Any]:
        return rpc.abci_query(
            "/cosmos.bank.v1beta1.Query/Balance",
            bq.QueryBalanceRequest(address=addr, denom="urock").SerializeToString(),
        )

    with nothing_changes(chain):
        assert balance(alice)["value"] == balance(alice.upper())["value"]
        bad = balance(mixed(alice))
        assert int(bad["code"]) != 0 and "not all lowercase or all uppercase" in bad["log"]
        for amount in BAD_AMOUNTS:
            res = rpc.abci_query(
                "/cosmos.tx.v1beta1.Service/Simulate",
                service_pb2.SimulateRequest(
                    tx_bytes=raw_send(chain, amount=amount)
                ).SerializeToString(),
            )
            # the gRPC-path Simulate answers as the SDK's does: code 6, the gRPC error text
            assert int(res["code"]) != 0 and "invalid amount" in res["log"], res
            assert "internal" not in res["log"]
