"""cosmpy, unchanged, against a real node over gRPC and REST: queries, sends, custom msgs."""

from __future__ import annotations

import pytest
from cosmpy.aerial.client import LedgerClient, NetworkConfig
from cosmpy.aerial.client.utils import prepare_and_broadcast_basic_transaction
from cosmpy.aerial.tx import Transaction
from cosmpy.aerial.wallet import LocalWallet
from cosmpy.protos.cosmos.bank.v1beta1 import tx_pb2 as bank_tx
from cosmpy.protos.cosmos.base.v1beta1.coin_pb2 import Coin

from zrchain.client.chain import ChainClient
from zrchain.localnet_setup import dev_mnemonic
from zrchain.testing.genesis import add_account

pytestmark = pytest.mark.node

ALICE = LocalWallet.from_mnemonic(dev_mnemonic("cosmpy-alice"), prefix="zen")
BOB = LocalWallet.from_mnemonic(dev_mnemonic("cosmpy-bob"), prefix="zen")


@pytest.fixture(scope="module")
def chain(tmp_path_factory):
    from zrchain.testing.node import TestNode

    node = TestNode(tmp_path_factory.mktemp("cosmpy"))

    def genesis(doc):
        add_account(doc["app_state"], str(ALICE.address()), "10000000000urock")
        add_account(doc["app_state"], str(BOB.address()), "1000urock")

    node.init(genesis=genesis).start()
    yield node
    node.stop()


def client(node, transport: str) -> LedgerClient:
    url = node.grpc_url if transport == "grpc" else node.rest_url
    return LedgerClient(
        NetworkConfig(
            chain_id="zenrock",
            url=url,
            fee_minimum_gas_price=0.0001,
            fee_denomination="urock",
            staking_denomination="urock",
        )
    )


def fee_paid(node, tx_hash: str) -> int:
    res = ChainClient(node.rpc_url).get_tx(tx_hash)
    from cosmpy.protos.cosmos.tx.v1beta1.tx_pb2 import Tx

    tx = Tx()
    res.tx.Unpack(tx)
    return sum(int(c.amount) for c in tx.auth_info.fee.amount if c.denom == "urock")


@pytest.mark.parametrize("transport", ["grpc", "rest"])
def test_send_tokens_moves_exactly_amount_plus_fee(chain, transport) -> None:
    lc = client(chain, transport)
    a0 = lc.query_bank_balance(ALICE.address())
    b0 = lc.query_bank_balance(BOB.address())
    tx = lc.send_tokens(BOB.address(), 12345, "urock", ALICE)
    tx.wait_to_complete()
    assert tx.response.code == 0
    fee = fee_paid(chain, tx.tx_hash)
    assert fee > 0
    assert lc.query_bank_balance(ALICE.address()) == a0 - 12345 - fee
    assert lc.query_bank_balance(BOB.address()) == b0 + 12345
    balances = {c.denom: int(c.amount) for c in lc.query_bank_all_balances(BOB.address())}
    assert balances["urock"] == b0 + 12345
    assert tx.response.events["transfer"]["amount"] == "12345urock"


@pytest.mark.parametrize("transport", ["grpc", "rest"])
def test_a_custom_message_via_transaction_add_message(chain, transport) -> None:
    lc = client(chain, transport)
    b0 = lc.query_bank_balance(BOB.address())
    tx = Transaction()
    msg = bank_tx.MsgMultiSend()
    msg.inputs.add(address=str(ALICE.address()), coins=[Coin(denom="urock", amount="30")])
    msg.outputs.add(address=str(BOB.address()), coins=[Coin(denom="urock", amount="30")])
    tx.add_message(msg)
    submitted = prepare_and_broadcast_basic_transaction(lc, tx, ALICE, memo="multi")
    submitted.wait_to_complete()
    assert lc.query_bank_balance(BOB.address()) == b0 + 30


@pytest.mark.parametrize("transport", ["grpc", "rest"])
def test_account_and_errors(chain, transport) -> None:
    from cosmpy.aerial.exceptions import InsufficientFeesError

    lc = client(chain, transport)
    acc = lc.query_account(ALICE.address())
    assert acc.number >= 0
    # a fee below the minimum is refused in CheckTx with the SDK text cosmpy parses
    tx = Transaction()
    tx.add_message(
        bank_tx.MsgSend(
            from_address=str(ALICE.address()),
            to_address=str(BOB.address()),
            amount=[Coin(denom="urock", amount="1")],
        )
    )
    from cosmpy.aerial.tx import TxFee

    with pytest.raises(InsufficientFeesError) as info:
        prepare_and_broadcast_basic_transaction(
            lc, tx, ALICE, fee=TxFee(amount="1urock", gas_limit=200000)
        ).wait_to_complete()
    assert "required: 20urock" in str(info.value)
