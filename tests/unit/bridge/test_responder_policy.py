"""The responder's policies that need no chain: gas limits per flavour and the back-off."""

from __future__ import annotations

import random
from dataclasses import dataclass

import pytest

from evm_bridge.gateway import MemoryGateway
from evm_bridge.responder import (
    BACKOFF_CAP,
    DEFAULT_RESPONSE_GAS,
    Responder,
    backoff_delay,
)
from evm_bridge.state import NetworkState
from zrchain.evm.flavours import Flavour


@dataclass
class FakeContract:
    """Stands in for ZrSignContract: only what gas_limit() reads."""

    flavour: Flavour
    resp_gas_value: int = 200_000

    def resp_gas(self) -> int:
        return self.resp_gas_value


def _responder(contract: FakeContract, response_gas: int = 0) -> Responder:
    return Responder(
        label="t",
        state=NetworkState("eip155:1", "0x" + "ab" * 20, 0),
        save=lambda: None,
        gateway=MemoryGateway(),
        contract=contract,  # type: ignore[arg-type]
        response_gas=response_gas,
    )


def test_gas_limit_of_our_contract_is_the_configured_one() -> None:
    ours = FakeContract(Flavour.ZRCHAIN)
    assert _responder(ours).gas_limit() == DEFAULT_RESPONSE_GAS
    assert _responder(ours, 350_000).gas_limit() == 350_000


@pytest.mark.parametrize(("resp_gas", "configured"), [(200_000, 0), (180_000, 900_000)])
def test_gas_limit_on_zrsign_v1_is_resp_gas_never_more(resp_gas: int, configured: int) -> None:
    v1 = FakeContract(Flavour.ZRSIGN_V1, resp_gas)
    assert _responder(v1, configured).gas_limit() == resp_gas
    assert _responder(v1, resp_gas - 1).gas_limit() == resp_gas - 1  # the config may lower it


def test_gas_limit_on_zrsign_v1_without_resp_gas_is_an_error() -> None:
    with pytest.raises(RuntimeError, match="respGas is 0"):
        _responder(FakeContract(Flavour.ZRSIGN_V1, 0)).gas_limit()


def test_backoff_grows_exponentially_to_a_cap() -> None:
    rng = random.Random(1)
    delays = [backoff_delay(n, rng) for n in range(1, 15)]
    assert 0.75 <= delays[0] <= 1.25 and 1.5 <= delays[1] <= 2.5 and 3 <= delays[2] <= 5
    assert all(d <= BACKOFF_CAP * 1.25 for d in delays)
    assert delays[-1] >= BACKOFF_CAP * 0.75


def test_auth_domain_per_flavour() -> None:
    from zrchain.evm.ids import SRC_CHAIN_ID, auth_domain

    contract = "0x" + "ab" * 20
    assert Flavour.ZRSIGN_V1.auth_domain(1, contract) == SRC_CHAIN_ID
    assert Flavour.ZRSIGN_V1.auth_domain(80002, contract) == SRC_CHAIN_ID
    assert Flavour.ZRCHAIN.auth_domain(1, contract) == auth_domain(1, contract)
    assert Flavour.ZRCHAIN.auth_domain(1, contract) != Flavour.ZRCHAIN.auth_domain(2, contract)


class FakeEth:
    """Just enough of web3's `eth` for the responder's tracking of a sent answer."""

    def __init__(self, receipt_block_hash: bytes, canonical_hash: bytes, head: int) -> None:
        self.receipt = {"status": 1, "blockNumber": 5, "blockHash": receipt_block_hash}
        self.canonical_hash = canonical_hash
        self.block_number = head
        self.sent: list[bytes] = []

    def get_transaction_receipt(self, tx_hash: str) -> dict[str, object]:
        return {**self.receipt, "gasUsed": 60_000}

    def get_block(self, number: int) -> dict[str, object]:
        return {"hash": self.canonical_hash}

    def get_transaction(self, tx_hash: str) -> object:
        from web3.exceptions import TransactionNotFound

        raise TransactionNotFound(tx_hash)

    def get_transaction_count(self, address: str, block: str) -> int:
        return 7

    def send_raw_transaction(self, raw: bytes) -> None:
        self.sent.append(raw)

    def wait_for_transaction_receipt(self, *args: object, **kw: object) -> object:
        from web3.exceptions import TimeExhausted

        raise TimeExhausted("pending")


def _tracking(eth: FakeEth) -> tuple[Responder, dict[str, object]]:
    @dataclass
    class W3:
        eth: FakeEth

    @dataclass
    class Sender:
        address: str = "0x" + "11" * 20

    contract = FakeContract(Flavour.ZRSIGN_V1)
    contract.w3 = W3(eth)  # type: ignore[attr-defined]
    responder = _responder(contract)
    responder.sender = Sender()
    responder.confirmations = 2
    entry = {
        "key": ["key", "0xab", "60", 0],
        "sent": {"fn": "zrKeyRes", "tx": "0x" + "22" * 32, "raw": "0xdead", "nonce": 7, "gas": 1},
    }
    return responder, entry


def test_a_receipt_from_a_replaced_block_is_not_an_accepted_answer() -> None:
    """A node may still serve the receipt of a transaction a reorg removed: the answer is then
    rebroadcast (same bytes), not counted (this made the reorg test flaky before)."""
    eth = FakeEth(receipt_block_hash=b"\x01" * 32, canonical_hash=b"\x02" * 32, head=50)
    responder, entry = _tracking(eth)
    assert responder._track(entry, lambda: False) is False
    assert eth.sent == [bytes.fromhex("dead")] and "sent" in entry
    assert responder.state.stats.responses_accepted == 0


def test_an_answer_counts_once_it_is_as_deep_as_the_confirmations() -> None:
    eth = FakeEth(receipt_block_hash=b"\x01" * 32, canonical_hash=b"\x01" * 32, head=6)
    responder, entry = _tracking(eth)
    assert responder._track(entry, lambda: False) is False  # one block deep, two needed
    eth.block_number = 7
    assert responder._track(entry, lambda: False) is True
    assert eth.sent == [] and "sent" not in entry
    assert responder.state.stats.responses_accepted == 1 and entry["gas_used"] == 60_000
