"""Who pays, and can a tx be played twice: fee payer and granter tricks, module accounts
as payers and senders, the same tx again, and a tx of another chain. Every refusal leaves
the state as it was."""

from __future__ import annotations

import pytest
from cosmpy.protos.cosmos.bank.v1beta1 import tx_pb2 as bank_tx
from cosmpy.protos.cosmos.tx.v1beta1 import service_pb2
from outsider_world import (
    CHAIN_ID,
    FEE,
    GAS,
    Outsider,
    _genesis,
    nothing_changes,
    refused_at_check,
    refused_in_block,
)

from zrchain.client.chain import ChainClient
from zrchain.client.tx import TxSigner, build_multi_signed_tx, build_tx
from zrchain.codec.address import acc_string, module_address
from zrchain.codec.coins import parse_coins
from zrchain.testing.node import TestNode
from zrchain.testing.state import assert_unchanged

FEE_COLLECTOR = acc_string(module_address("fee_collector"))
# Funded module accounts (the fee collector is emptied into x/distribution at every begin
# block, as in the SDK, so it cannot even cover a fee: the bonded pool always can).
BONDED_POOL = acc_string(module_address("bonded_tokens_pool"))
MODULE_ACCOUNTS = [BONDED_POOL, acc_string(module_address("keyring_escrow"))]
SMALL_GAS = 100_000
SMALL_FEE = parse_coins("10urock")  # the node's minimum for SMALL_GAS

pytestmark = pytest.mark.node


def send(frm: str, to: str, amount: str = "5urock") -> bank_tx.MsgSend:
    return bank_tx.MsgSend(from_address=frm, to_address=to, amount=parse_coins(amount).to_protos())


def test_a_fee_payer_who_did_not_sign_pays_nothing(chain: Outsider) -> None:
    """The issue: a tx from M naming alice (or the escrow) as fee payer was accepted and
    charged alice. The payer is a required signer now."""
    outsider, alice = chain["outsider"], chain["alice"]
    with nothing_changes(chain):
        for payer in [alice.address, *MODULE_ACCOUNTS]:
            raw = chain.tx(outsider, [send(outsider.address, outsider.address)], fee_payer=payer)
            refused_at_check(chain, raw, 4, "wrong number of signers; expected 2, got 1")


def test_a_forged_fee_payer_signature_is_refused(chain: Outsider) -> None:
    outsider, alice = chain["outsider"], chain["alice"]
    o_num, o_seq = chain.account(outsider)
    a_num, a_seq = chain.account(alice)
    msg = send(outsider.address, outsider.address)
    with nothing_changes(chain):
        for key in (outsider.pubkey, None):  # his own key in alice's slot, or none
            raw = build_multi_signed_tx(
                [msg],
                [
                    TxSigner(outsider.sign, outsider.pubkey, o_num, o_seq),
                    TxSigner(outsider.sign, key, a_num, a_seq),
                ],
                chain_id=CHAIN_ID,
                fee=parse_coins(FEE),
                gas_limit=GAS,
                fee_payer=alice.address,
            )
            if key is None:
                refused_at_check(chain, raw, 4, "signature verification failed")
            else:
                refused_at_check(chain, raw, 8, "pubKey does not match signer address")


def test_module_accounts_can_neither_pay_nor_send(chain: Outsider) -> None:
    """A module account has no key: as a payer or a sender it can only be named with an
    empty key slot, and then no signature verifies. The escrow holds the fees of alice's
    pending requests (the issue drained it this way, leaving requests unpayable). The fee
    is small enough for the escrow to cover it, so the fee is deducted before the
    signatures fail: the refusal must undo that too."""
    outsider = chain["outsider"]
    o_num, o_seq = chain.account(outsider)
    for module in MODULE_ACCOUNTS:
        assert chain.client.account(module) is not None, module
    with nothing_changes(chain):
        for module in MODULE_ACCOUNTS:
            acc = chain.client.account(module)
            number, sequence = acc.number, acc.sequence
            slot = TxSigner(outsider.sign, None, number, sequence)
            as_payer = build_multi_signed_tx(
                [send(outsider.address, outsider.address)],
                [TxSigner(outsider.sign, outsider.pubkey, o_num, o_seq), slot],
                chain_id=CHAIN_ID,
                fee=SMALL_FEE,
                gas_limit=SMALL_GAS,
                fee_payer=module,
            )
            as_sender = build_multi_signed_tx(  # the outsider pays the fee
                [send(module, outsider.address, "1urock")],
                [slot, TxSigner(outsider.sign, outsider.pubkey, o_num, o_seq)],
                chain_id=CHAIN_ID,
                fee=SMALL_FEE,
                gas_limit=SMALL_GAS,
                fee_payer=outsider.address,
            )
            for raw in (as_payer, as_sender):
                res = chain.broadcast(raw)
                assert res.code != 0, module
                assert (res.codespace, res.code) == ("sdk", 8), res.raw_log
                assert "pubkey on account is not set" in res.raw_log
            # with the outsider's key in the module's slot: the key is not the module's
            raw = build_multi_signed_tx(
                [send(module, outsider.address, "1urock")],
                [
                    TxSigner(outsider.sign, outsider.pubkey, number, sequence),
                    TxSigner(outsider.sign, outsider.pubkey, o_num, o_seq),
                ],
                chain_id=CHAIN_ID,
                fee=SMALL_FEE,
                gas_limit=SMALL_GAS,
                fee_payer=outsider.address,
            )
            refused_at_check(chain, raw, 8, "pubKey does not match signer address")


def _number_sequence(chain: Outsider, addr: str) -> tuple[int, int]:
    acc = chain.client.account(addr)
    assert acc is not None, addr
    return acc.number, acc.sequence


def test_a_failed_msg_leaves_only_fee_and_sequence_for_the_blocks_after(chain: Outsider) -> None:
    """The Msgs run over their own branch of the ante's context, and the node keeps the
    latest state in memory across blocks: a tx whose first Msg would succeed and whose
    second fails moves nothing but the fee and the sequence, as later blocks read it, and
    the sender's next tx builds on exactly that."""
    outsider, alice = chain["outsider"], chain["alice"]
    before = chain.snapshot()
    over = send(outsider.address, alice.address, "1000000000000000000urock")
    refused_in_block(
        chain, outsider, [send(outsider.address, alice.address), over], "insufficient funds"
    )
    chain.wait_blocks(2)
    assert_unchanged(
        before, chain.snapshot(), fee_payer=outsider.address, fee=FEE, signers=[outsider.address]
    )
    chain.run(outsider, [send(outsider.address, outsider.address)])


def test_a_module_account_cannot_even_simulate_signing(chain: Outsider) -> None:
    """The SDK's SetPubKeyDecorator: "not supported for module accounts", also in
    simulation (signatures unchecked there), through the gRPC-path ABCI query."""
    outsider = chain["outsider"]
    raw = build_multi_signed_tx(
        [send(BONDED_POOL, outsider.address, "1urock")],
        [TxSigner(outsider.sign, None, *_number_sequence(chain, BONDED_POOL))],
        chain_id=CHAIN_ID,
        fee=parse_coins(FEE),
        gas_limit=GAS,
    )
    with nothing_changes(chain):
        res = chain.node.rpc.abci_query(
            "/cosmos.tx.v1beta1.Service/Simulate",
            service_pb2.SimulateRequest(tx_bytes=raw).SerializeToString(),
        )
        assert int(res.get("code", 0)) != 0
        assert "not supported for module accounts" in res.get("log", "")


def test_a_fee_granter_who_granted_nothing_is_refused_not_ignored(chain: Outsider) -> None:
    """Naming someone else (or a module account) as granter without their allowance is
    refused; ignoring it would charge the payer for a fee the granter was meant to pay."""
    outsider, alice = chain["outsider"], chain["alice"]
    with nothing_changes(chain):
        for granter in (alice.address, *MODULE_ACCOUNTS):
            raw = chain.tx(outsider, [send(outsider.address, alice.address)], fee_granter=granter)
            refused_at_check(chain, raw, 38, "fee-grant not found")


def test_the_same_tx_twice_runs_once(chain: Outsider) -> None:
    outsider, alice = chain["outsider"], chain["alice"]
    raw = chain.tx(outsider, [send(outsider.address, alice.address, "3urock")])
    res = chain.deliver(raw)
    assert res.code == 0, res.raw_log
    with nothing_changes(chain):
        again = chain.broadcast(raw)
        assert again.code != 0  # CometBFT's cache, or the spent sequence
        assert "already" in again.raw_log or "sequence mismatch" in again.raw_log
        # the same Msg and sequence in other bytes (another memo): the sequence is spent
        number, sequence = chain.account(outsider)
        other = build_multi_signed_tx(
            [send(outsider.address, alice.address, "3urock")],
            [TxSigner(outsider.sign, outsider.pubkey, number, sequence - 1)],
            chain_id=CHAIN_ID,
            fee=parse_coins(FEE),
            gas_limit=GAS,
            memo="again",
        )
        refused_at_check(chain, other, 32, "account sequence mismatch")


@pytest.fixture(scope="module")
def other_chain(chain: Outsider, tmp_path_factory: pytest.TempPathFactory):
    """A second chain, same accounts and keys, another chain id."""
    node = TestNode(tmp_path_factory.mktemp("other-chain"), chain_id="zenrock-other")
    node.init(genesis=_genesis(chain.actors))
    node.start(wait_height=2)  # queries answer once a block is committed
    try:
        yield node
    finally:
        node.stop()


def test_a_tx_of_another_chain_is_refused(chain: Outsider, other_chain: TestNode) -> None:
    """Replay across chains: the same account (same genesis, so the same account number
    and sequence) sends a tx on zenrock-other; those bytes are refused here, where the chain
    id in the signed bytes is not this chain's."""
    replayer, alice = chain["replayer"], chain["alice"]
    other = ChainClient(other_chain.rpc_url, chain_id="zenrock-other")
    there = other.account(replayer.address)
    assert (there.number, there.sequence) == chain.account(replayer)
    raw = build_tx(
        [send(replayer.address, alice.address, "9urock")],
        pubkey=replayer.pubkey,
        sequence=there.sequence,
        account_number=there.number,
        chain_id="zenrock-other",
        sign=replayer.sign,
        fee=parse_coins(FEE),
        gas_limit=GAS,
    )
    res = other.broadcast(raw)
    assert res.code == 0, res.raw_log
    assert other.wait_tx(res.txhash).code == 0  # valid where it was signed for
    with nothing_changes(chain):
        refused_at_check(
            chain,
            raw,
            4,
            f"signature verification failed; please verify "
            f"account number ({there.number}) and chain-id ({CHAIN_ID})",
        )
