"""Payload work an outsider can ask of every validator is refused or charged, and fast
(issue 11, item 3), on a real node (CometBFT + zrchaind).

alice, an ordinary account, owns a workspace and a BITCOIN key of her own keyring (what
anybody can set up). The BITCOIN_PLUS request that stalled every validator (thousands of
inputs: 5,000 here, the most that fits CometBFT's 1 MiB tx limit, took ~7 s before the fix)
is refused in its block, which comes at the usual pace; oversized EVM payloads and an
over-long zenBTC Solana recipient are refused too. Each failed tx costs alice exactly its
fee and creates nothing; the heaviest standard Bitcoin request is accepted and pays gas for
its bytes and inputs.
"""

from __future__ import annotations

import datetime as dt
import itertools
import statistics
from collections.abc import Iterator
from typing import Any

import coincurve
import pytest
import rlp
from cosmpy.protos.cosmos.bank.v1beta1 import query_pb2 as bank_q
from cosmpy.protos.cosmos.bank.v1beta1 import tx_pb2 as bank_tx

from zrchain.chains.bitcoin import _compact_size, bitcoin_sighashes
from zrchain.client.chain import ChainClient, TxFailed, TxOptions
from zrchain.client.tx import private_key_signer
from zrchain.codec.address import acc_string, pubkey_to_address
from zrchain.codec.any import pack
from zrchain.codec.gen.zrchain.identity import tx_pb2 as itx
from zrchain.codec.gen.zrchain.treasury import key_pb2
from zrchain.codec.gen.zrchain.treasury import query_pb2 as tq
from zrchain.codec.gen.zrchain.treasury import tx_pb2 as ttx
from zrchain.codec.gen.zrchain.treasury import wallet_pb2 as wallet
from zrchain.gas import PAYLOAD_COST_PER_BYTE, SIGHASH_COST
from zrchain.testing.genesis import add_account
from zrchain.testing.node import TestNode
from zrchain.x.identity.types import keyring_address, workspace_address
from zrchain.x.treasury.party import KIND_KEY, sign_party_result

pytestmark = pytest.mark.node

KEYS = {"alice": coincurve.PrivateKey(b"\x60" * 32), "p1": coincurve.PrivateKey(b"\x61" * 32)}
ADDR = {n: acc_string(pubkey_to_address(k.public_key.format())) for n, k in KEYS.items()}
ESCROW = "zen16y5ww0g2nmd928fnkrr9708uv78hetndw5uyvr"
MPC = coincurve.PrivateKey(b"\x11" * 32).public_key.format()
GAS_PRICE = 0.0001  # the test node's minimum-gas-prices


class Chain:
    def __init__(self, node: TestNode) -> None:
        self.node = node
        self.client = ChainClient(node.rpc_url)

    def send(self, who: str, msg: Any, gas: int = 2_000_000) -> Any:
        """Deliver ``msg`` signed by ``who``: the tx result (raises TxFailed on failure)."""
        key = KEYS[who]
        opts = TxOptions(gas=gas, fees=f"{int(gas * GAS_PRICE) + 1}urock")
        return self.client.send([msg], ADDR[who], key.public_key.format(),
                                private_key_signer(key.secret), opts, timeout=60)  # fmt: skip

    def fails(self, who: str, msg: Any, gas: int, contains: str) -> Any:
        with pytest.raises(TxFailed) as info:
            self.send(who, msg, gas)
        res = info.value.response
        assert contains in res.raw_log, res.raw_log
        return res

    def balance(self, addr: str) -> int:
        res = self.client.query("/cosmos.bank.v1beta1.Query/Balance",
                                bank_q.QueryBalanceRequest(address=addr, denom="urock"),
                                bank_q.QueryBalanceResponse)  # fmt: skip
        return int(res.balance.amount)

    def requests(self) -> tuple[int, int, int]:
        """(key requests, signature requests, sign-transaction requests) on chain."""
        q = "/zrchain.treasury.Query/"
        keys = self.client.query(q + "KeyRequests", tq.QueryKeyRequestsRequest(),
                                 tq.QueryKeyRequestsResponse)  # fmt: skip
        sigs = self.client.query(q + "SignatureRequests", tq.QuerySignatureRequestsRequest(),
                                 tq.QuerySignatureRequestsResponse)  # fmt: skip
        txs = self.client.query(q + "SignTransactionRequests",
                                tq.QuerySignTransactionRequestsRequest(),
                                tq.QuerySignTransactionRequestsResponse)  # fmt: skip
        return len(keys.key_requests), len(sigs.sign_requests), len(txs.sign_transaction_requests)

    def snapshot(self) -> tuple[int, int, tuple[int, int, int]]:
        return self.balance(ADDR["alice"]), self.balance(ESCROW), self.requests()


@pytest.fixture(scope="module")
def chain(tmp_path_factory) -> Iterator[Chain]:
    node = TestNode(tmp_path_factory.mktemp("payload"))

    def genesis(doc: dict) -> None:
        for addr in ADDR.values():
            add_account(doc["app_state"], addr, "100000000000urock")
        doc["app_state"]["identity"]["params"]["keyring_creation_fee"] = "0"

    node.init(genesis=genesis).start(wait_height=2)
    c = Chain(node)
    alice, p1, kr = ADDR["alice"], ADDR["p1"], keyring_address(1)
    try:
        c.send("alice", itx.MsgNewKeyring(creator=alice, description="own keyring"))
        c.send("alice", itx.MsgAddKeyringParty(creator=alice, keyring_addr=kr, party=p1,
                                               increase_threshold=True))  # fmt: skip
        c.send("p1", bank_tx.MsgSend(from_address=p1, to_address=alice,
                                     amount=[{"denom": "urock", "amount": "1"}]))  # fmt: skip
        c.send("alice", itx.MsgNewWorkspace(creator=alice))
        for key_type in ("bitcoin", "ecdsa"):
            c.send("alice", ttx.MsgNewKeyRequest(creator=alice, workspace_addr=workspace_address(1),
                                                 keyring_addr=kr, key_type=key_type))  # fmt: skip
        for kid in (1, 2):
            psig = sign_party_result(KEYS["p1"].secret, "zenrock", KIND_KEY, kid, MPC)
            c.send("p1", ttx.MsgFulfilKeyRequest(
                creator=p1, request_id=kid, status=key_pb2.KEY_REQUEST_STATUS_FULFILLED,
                key=ttx.MsgNewKey(public_key=MPC), keyring_party_signature=psig))  # fmt: skip
        yield c
    finally:
        node.stop()


def annotated_btc_tx(inputs: int) -> bytes:
    out = b"\x02\x00\x00\x00\x00\x01" + _compact_size(inputs)
    for i in range(inputs):
        out += i.to_bytes(32, "little") + b"\x00" * 4 + b"\x00" + b"\xff" * 4
    out += b"\x01" + (1000).to_bytes(8, "little") + b"\x16\x00\x14" + b"\x22" * 20
    for _ in range(inputs):
        out += b"\x03\x08" + (10_000).to_bytes(8, "little") + b"\x00\x16\x00\x14" + b"\x33" * 20
    return out + b"\x00" * 4


def bitcoin_plus(inputs: int, hashes: list[bytes] | None = None) -> ttx.MsgNewSignatureRequest:
    raw = annotated_btc_tx(inputs)
    data = hashes if hashes is not None else [b"\xab" * 32] * inputs
    return ttx.MsgNewSignatureRequest(
        creator=ADDR["alice"], key_ids=[1] * inputs,
        data_for_signing=",".join(h.hex() for h in data),
        verify_signing_data=raw, verify_signing_data_version=1,
    )  # fmt: skip


def test_the_stalling_bitcoin_plus_request_is_refused_in_a_block_on_time(chain: Chain) -> None:
    msg = bitcoin_plus(5000)
    gas = 80_000_000
    before = chain.snapshot()
    res = chain.fails("alice", msg, gas, "exceeds Bitcoin's standard maximum of 400000")
    fee = int(gas * GAS_PRICE) + 1
    assert chain.snapshot() == (before[0] - fee, before[1], before[2])
    # The next block waits for this one's FinalizeBlock: it came at the usual pace, where
    # the quadratic hashing held it back ~7 s.
    chain.node.wait_height(res.height + 1)
    times = [block_time(chain, h) for h in range(res.height - 4, res.height + 2)]
    intervals = [b - a for a, b in itertools.pairwise(times)]
    usual = statistics.median(intervals[:-1])
    assert intervals[-1] < max(3.0, 10 * usual), (intervals, usual)


def block_time(chain: Chain, height: int) -> float:
    stamp = chain.client.rpc.block(height)["block"]["header"]["time"]  # RFC 3339, ns
    whole, _, frac = stamp.rstrip("Z").partition(".")
    seconds = dt.datetime.fromisoformat(whole).replace(tzinfo=dt.UTC).timestamp()
    return seconds + float("0." + (frac or "0"))


def test_the_heaviest_standard_request_is_accepted_and_charged(chain: Chain) -> None:
    n = 2019  # the most zrChain-annotated inputs under Bitcoin's standard weight
    raw = annotated_btc_tx(n)
    res = chain.send("alice", bitcoin_plus(n, bitcoin_sighashes(raw)), gas=400_000_000)
    # verified when requested and when executed: bytes and inputs paid each time
    assert res.gas_used >= 2 * (PAYLOAD_COST_PER_BYTE * len(raw) + SIGHASH_COST * n)


def _evm_payload(data_bytes: int) -> bytes:
    body = [11155111, 0, 1, 2, 21000, b"\x22" * 20, 0, b"\x01" * data_bytes, []]
    return b"\x02" + rlp.encode(body)


def test_an_evm_payload_larger_than_geth_relays_is_refused(chain: Chain) -> None:
    meta = pack(ttx.MetadataEthereum(chain_id=11155111))
    ok_payload = _evm_payload(1000)
    chain.send("alice", ttx.MsgNewSignTransactionRequest(
        creator=ADDR["alice"], key_ids=[2], wallet_type=wallet.WALLET_TYPE_EVM,
        unsigned_transaction=ok_payload, metadata=meta))  # fmt: skip
    before = chain.snapshot()
    big = ttx.MsgNewSignTransactionRequest(
        creator=ADDR["alice"], key_ids=[2], wallet_type=wallet.WALLET_TYPE_EVM,
        unsigned_transaction=_evm_payload(140_000), metadata=meta)  # fmt: skip
    gas = 10_000_000
    chain.fails("alice", big, gas, "larger than the 131072 bytes an EVM node accepts")
    assert chain.snapshot() == (before[0] - int(gas * GAS_PRICE) - 1, before[1], before[2])


def test_an_overlong_zenbtc_solana_recipient_is_refused(chain: Chain) -> None:
    before = chain.snapshot()
    msg = ttx.MsgNewKeyRequest(
        creator=ADDR["alice"], workspace_addr=workspace_address(1), keyring_addr=keyring_address(1),
        key_type="bitcoin",
        zenbtc_metadata=key_pb2.ZenBTCMetadata(
            recipient_addr="2" * 200_000, chain_type=wallet.WALLET_TYPE_SOLANA,
            caip2_chain_id="solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp", asset=1),
    )  # fmt: skip
    gas = 20_000_000
    chain.fails("alice", msg, gas, "valid Solana address")  # decoding it first took ~9 s
    assert chain.snapshot() == (before[0] - int(gas * GAS_PRICE) - 1, before[1], before[2])
