"""Query heights from an outsider through every door — ABCI (CometBFT RPC ``abci_query``),
gRPC and REST (``x-cosmos-block-height``), the CLI (``--height``): negative, past int64,
in the future, not a number, other scripts' digits, pruned. Each is refused with a clear
error (never ``internal``, never a traceback), and nothing changes."""

from __future__ import annotations

import json
from collections.abc import Iterator

import grpc
import pytest
import requests
from cosmpy.protos.cosmos.bank.v1beta1 import query_pb2 as bq
from cosmpy.protos.cosmos.bank.v1beta1 import query_pb2_grpc as bq_grpc
from outsider_world import Outsider, nothing_changes

from zrchain.client.rpc import RPCError
from zrchain.codec.address import acc_string
from zrchain.config import load as load_config
from zrchain.config import save as save_config
from zrchain.testing.node import TestNode, zrchaind
from zrchain.testing.state import assert_unchanged, snapshot_node

pytestmark = pytest.mark.node

HEADER = "x-cosmos-block-height"
INT64_MAX = str(2**63 - 1)
FUTURE = "cannot query with height in the future"
NOT_A_HEIGHT = ["abc", "1e3", "0x10", "1_000", "9" * 30, "--1", "1.5"]
OTHER_DIGITS = "\u0661\u0660"  # Arabic-Indic 10: Python's int() would read it


def test_abci_query_heights(chain: Outsider) -> None:
    rpc = chain.node.rpc
    alice = chain["alice"].address
    balance = bq.QueryBalanceRequest(address=alice, denom="urock").SerializeToString()
    with nothing_changes(chain):
        res = rpc.abci_query("/store/bank/key", b"\x02", height=-1, prove=True)
        assert (res["codespace"], int(res["code"])) == ("sdk", 18)
        assert "cannot query with height < 0" in res["log"]
        res = rpc.abci_query("/cosmos.bank.v1beta1.Query/Balance", balance, height=-1)
        assert int(res["code"]) != 0 and "non-negative" in res["log"]
        for path, data in (("/store/bank/key", b"\x02"),
                           ("/cosmos.bank.v1beta1.Query/Balance", balance)):
            res = rpc.abci_query(path, data, height=int(INT64_MAX))
            assert (res["codespace"], int(res["code"])) == ("sdk", 26) and FUTURE in res["log"]
        for bad in [*NOT_A_HEIGHT, OTHER_DIGITS, "-9" + "9" * 30]:
            with pytest.raises(RPCError):  # CometBFT refuses it before the app sees it
                rpc.call("abci_query", path="/store/bank/key", data="02", height=bad)


@pytest.fixture
def bank(chain: Outsider):
    with grpc.insecure_channel(f"127.0.0.1:{chain.node.ports.grpc}") as ch:
        yield bq_grpc.QueryStub(ch)


def test_grpc_height_metadata(chain: Outsider, bank) -> None:
    req = bq.QueryBalanceRequest(address=chain["alice"].address, denom="urock")
    with nothing_changes(chain):
        for value, says in [
            ("-1", "non-negative"),
            (INT64_MAX, FUTURE),
            (str(2**63), "invalid height header"),
            *((v, "invalid height header") for v in NOT_A_HEIGHT),
        ]:
            with pytest.raises(grpc.RpcError) as info:
                bank.Balance(req, metadata=((HEADER, value),), timeout=20)
            assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT, (value, info.value)
            assert says in info.value.details(), (value, info.value.details())


def rest_balance(chain: Outsider, height: bytes) -> requests.Response:
    alice = chain["alice"].address
    return requests.get(
        f"http://127.0.0.1:{chain.node.ports.api}/cosmos/bank/v1beta1/balances/{alice}",
        headers={HEADER: height},
        timeout=20,
    )


def test_rest_height_header(chain: Outsider) -> None:
    with nothing_changes(chain):
        for value, says in [
            (b"-1", "non-negative"),
            (INT64_MAX.encode(), FUTURE),
            (str(2**63).encode(), "invalid height header"),
            (OTHER_DIGITS.encode(), "invalid height header"),
            *((v.encode(), "invalid height header") for v in NOT_A_HEIGHT),
        ]:
            r = rest_balance(chain, value)
            assert r.status_code == 400, (value, r.status_code, r.text)
            body = r.json()
            assert body["code"] == 3 and says in body["message"], (value, body)


def test_cli_height_flag(chain: Outsider) -> None:
    alice = chain["alice"].address

    def q(height: str):
        return zrchaind("q", "bank", "balances", alice, "--height", height, "--node",
                        chain.node.rpc_url, "-o", "json", check=False, timeout=60)

    with nothing_changes(chain):
        for height, says in [
            ("-1", "non-negative"),
            (INT64_MAX, FUTURE),
            (str(2**63), "out of range for int64"),
            (OTHER_DIGITS, "decimal digits 0-9"),
            ("abc", "decimal digits 0-9"),
            ("1e3", "decimal digits 0-9"),
        ]:
            out = q(height)
            assert out.returncode != 0, (height, out.stdout)
            assert says in out.stderr and "Traceback" not in out.stderr, (height, out.stderr)
            assert len(out.stderr) < 1000
        ok = q("0")  # 0 is the latest, as in the SDK
        assert ok.returncode == 0 and json.loads(ok.stdout)["balances"], ok.stderr


PRUNED = "failed to load state at height 3; version does not exist (latest height: "


@pytest.fixture(scope="module")
def pruning_node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestNode]:
    """A node of its own with ``pruning = "everything"`` (the SDK's: keep 2, every 10)."""
    node = TestNode(tmp_path_factory.mktemp("pruned-heights"))
    node.init()
    cfg = load_config(node.home)
    cfg.pruning = "everything"
    save_config(node.home, cfg)
    node.start(wait_height=12)  # pruned at 10: heights from 8 stay
    try:
        yield node
    finally:
        node.stop()


def test_a_pruned_height_is_refused_through_every_door(pruning_node: TestNode) -> None:
    node = pruning_node
    addr = acc_string(bytes(20))
    balance = bq.QueryBalanceRequest(address=addr, denom="urock")
    before = snapshot_node(node.rpc)
    res = node.rpc.abci_query("/store/bank/key", b"\x02", height=3, prove=True)
    assert (res["codespace"], int(res["code"])) == ("sdk", 18) and PRUNED in res["log"], res
    assert "the earliest kept height is " in res["log"]
    res = node.rpc.abci_query("/cosmos.bank.v1beta1.Query/Balance",
                              balance.SerializeToString(), height=3)
    assert int(res["code"]) != 0 and PRUNED in res["log"], res
    with grpc.insecure_channel(f"127.0.0.1:{node.ports.grpc}") as ch, \
            pytest.raises(grpc.RpcError) as info:
        bq_grpc.QueryStub(ch).Balance(balance, metadata=((HEADER, "3"),), timeout=20)
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert PRUNED in info.value.details(), info.value.details()
    r = requests.get(f"http://127.0.0.1:{node.ports.api}/cosmos/bank/v1beta1/balances/{addr}",
                     headers={HEADER: "3"}, timeout=20)
    assert r.status_code == 400 and PRUNED in r.json()["message"], r.text
    out = zrchaind("q", "bank", "balances", addr, "--height", "3", "--node", node.rpc_url,
                   "-o", "json", check=False, timeout=60)
    assert out.returncode != 0 and PRUNED in out.stderr and "Traceback" not in out.stderr
    assert len(out.stderr) < 1000, out.stderr
    assert_unchanged(before, snapshot_node(node.rpc))  # the refusals changed nothing
    assert node.app_proc is not None and node.app_proc.poll() is None  # and stopped nothing
