"""Fuzzing a running node through every door: tx bytes, ABCI query bytes, gRPC payloads,
REST parameters and raw ABCI frames. The node must answer with error codes, never crash
or stall. Bounded in CI; `pytest --slow` runs many more examples."""

from __future__ import annotations

import base64
import random
import socket

import grpc
import pytest
import requests
from cosmpy.protos.cosmos.bank.v1beta1 import tx_pb2 as bank_tx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zrchain.client.chain import ChainClient
from zrchain.client.tx import build_tx
from zrchain.codec.coins import parse_coins
from zrchain.crypto.keyring import Keyring
from zrchain.localnet_setup import create_dev_keys, fund_dev_accounts

pytestmark = pytest.mark.node


@pytest.fixture(scope="module")
def fuzz_node(tmp_path_factory, request):
    from zrchain.testing.node import TestNode

    base = tmp_path_factory.mktemp("fuzz")
    addresses = create_dev_keys(base)
    node = TestNode(base)
    node.init(genesis=lambda doc: fund_dev_accounts(doc, addresses)).start()
    yield node
    assert node.running, "the node died during fuzzing"
    h = node.height()
    node.wait_height(h + 2)
    node.stop()


@pytest.fixture(scope="module")
def examples(request) -> int:
    return 2000 if request.config.getoption("--slow") else 60


def fuzz_settings(n: int):
    return settings(
        max_examples=n, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck)
    )


@pytest.fixture(scope="module")
def valid_tx(fuzz_node):
    kr = Keyring(fuzz_node.base, "test")
    alice = kr.get("alice")
    acc = ChainClient(fuzz_node.rpc_url).account(alice.address)
    msg = bank_tx.MsgSend(
        from_address=alice.address,
        to_address=alice.address,
        amount=parse_coins("1urock").to_protos(),
    )
    return build_tx(
        [msg],
        pubkey=alice.pubkey,
        sequence=acc.sequence,
        account_number=acc.number,
        chain_id="zenrock",
        sign=lambda d: kr.sign("alice", d),
        fee=parse_coins("100urock"),
        gas_limit=200_000,
    )


def mutate(data: bytes, rng: random.Random) -> bytes:
    b = bytearray(data)
    for _ in range(rng.randint(1, 6)):
        op = rng.randrange(4)
        i = rng.randrange(len(b)) if b else 0
        if op == 0 and b:
            b[i] ^= 1 << rng.randrange(8)
        elif op == 1:
            b.insert(i, rng.randrange(256))
        elif op == 2 and b:
            del b[i]
        else:
            b[i:i] = rng.randbytes(rng.randint(1, 8))
    return bytes(b)


def test_tx_bytes(fuzz_node, valid_tx, examples) -> None:
    rpc = fuzz_node.rpc

    @fuzz_settings(examples)
    @given(
        st.one_of(
            st.binary(max_size=400),
            st.integers(0, 2**32).map(lambda seed: mutate(valid_tx, random.Random(seed))),
        )
    )
    def check(data: bytes) -> None:
        try:
            res = rpc.broadcast_tx_sync(data)
        except Exception as exc:  # CometBFT's own refusals (cache, size) are RPC errors
            assert "already exists in cache" in str(exc) or "too large" in str(exc)
            return
        assert "code" in res or res.get("code", 0) == 0

    check()
    fuzz_node.wait_height(fuzz_node.height() + 1)


def test_abci_query_bytes(fuzz_node, examples) -> None:
    from zrchain.module import Registry
    from zrchain.modules import default_modules

    methods = sorted(Registry(default_modules()).queries)
    paths = [
        *methods,
        "/store/bank/key",
        "/store/bank/subspace",
        "/app/simulate",
        "/app/version",
        "/nope",
        "/store/nope/key",
        "",
    ]
    rpc = fuzz_node.rpc

    @fuzz_settings(examples)
    @given(st.sampled_from(paths), st.binary(max_size=200), st.integers(-5, 10**6), st.booleans())
    def check(path: str, data: bytes, height: int, prove: bool) -> None:
        try:
            res = rpc.abci_query(path, data, height=height, prove=prove)
        except Exception as exc:
            assert "height" in str(exc).lower() or "invalid" in str(exc).lower(), exc
            return
        assert isinstance(int(res.get("code", 0)), int)

    check()


def test_grpc_payloads(fuzz_node, examples) -> None:
    from zrchain.module import Registry
    from zrchain.modules import default_modules

    methods = sorted(Registry(default_modules()).queries)
    channel = grpc.insecure_channel(f"127.0.0.1:{fuzz_node.ports.grpc}")

    @fuzz_settings(examples)
    @given(st.sampled_from(methods), st.binary(max_size=200))
    def check(method: str, data: bytes) -> None:
        call = channel.unary_unary(method, request_serializer=None, response_deserializer=None)
        try:
            call(data, timeout=10)
        except grpc.RpcError as exc:
            assert exc.code() != grpc.StatusCode.DEADLINE_EXCEEDED, method
            assert exc.code() != grpc.StatusCode.INTERNAL or "render" not in exc.details()

    check()
    channel.close()


def handled(r: requests.Response) -> bool:
    """A handled answer: any 2xx/4xx, or the SDK's own 5xx conventions (a failed Simulate is
    gRPC Unknown = 500; Unimplemented 501; CometBFT unavailable 503). Internal = a crash."""
    if r.status_code < 500 or r.status_code in (501, 503):
        return True
    return r.status_code == 500 and r.json().get("code") == 2


def test_rest_parameters(fuzz_node, examples) -> None:
    base = f"http://127.0.0.1:{fuzz_node.ports.api}"
    routes = [
        "/cosmos/bank/v1beta1/balances/{}",
        "/cosmos/bank/v1beta1/balances/{}/by_denom",
        "/cosmos/auth/v1beta1/accounts/{}",
        "/cosmos/bank/v1beta1/supply",
        "/cosmos/tx/v1beta1/txs/{}",
        "/cosmos/base/tendermint/v1beta1/blocks/{}",
        "/cosmos/tx/v1beta1/txs",
        "/zrchain/validators/validators",
        "/{}",
    ]
    session = requests.Session()

    @fuzz_settings(examples)
    @given(
        st.sampled_from(routes),
        st.text(max_size=60),
        st.dictionaries(
            st.sampled_from(
                [
                    "denom",
                    "pagination.limit",
                    "pagination.key",
                    "pagination.offset",
                    "query",
                    "events",
                    "x",
                    "pagination.reverse",
                    "order_by",
                ]
            ),
            st.text(max_size=30),
            max_size=4,
        ),
    )
    def check(route: str, segment: str, params: dict) -> None:
        url = base + route.format(requests.utils.quote(segment, safe=""))
        r = session.get(url, params=params, timeout=15)
        assert handled(r), (url, params, r.text[:300])
        body = r.json()
        if r.status_code != 200:
            assert set(body) >= {"code", "message"}

    check()

    @fuzz_settings(examples)
    @given(
        st.sampled_from(["/cosmos/tx/v1beta1/simulate", "/cosmos/tx/v1beta1/txs"]),
        st.one_of(
            st.binary(max_size=200).map(lambda b: {"tx_bytes": base64.b64encode(b).decode()}),
            st.dictionaries(st.text(max_size=10), st.text(max_size=10), max_size=3),
        ),
    )
    def check_post(route: str, body: dict) -> None:
        r = session.post(base + route, json=body, timeout=15)
        assert handled(r), (route, body, r.text[:300])

    check_post()


def test_raw_abci_frames(fuzz_node, examples) -> None:
    rng = random.Random(5)
    for _ in range(max(10, examples // 4)):
        with socket.create_connection(("127.0.0.1", fuzz_node.ports.abci), timeout=5) as s:
            s.sendall(rng.randbytes(rng.randint(1, 300)))
            s.shutdown(socket.SHUT_WR)
            try:
                while s.recv(4096):
                    pass
            except OSError:
                pass
    h = fuzz_node.height()
    fuzz_node.wait_height(h + 2)
