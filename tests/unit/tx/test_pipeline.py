"""The tx pipeline end to end in-process: ante, execution, results, rejections."""

from __future__ import annotations

from cosmpy.protos.cosmos.bank.v1beta1 import tx_pb2 as bank_tx
from cosmpy.protos.cosmos.base.abci.v1beta1 import abci_pb2 as sdk_abci
from cosmpy.protos.cosmos.base.v1beta1.coin_pb2 import Coin
from cosmpy.protos.cosmos.tx.v1beta1 import tx_pb2
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zrchain.abci import types as abci


def send(frm, to, amount="100urock"):
    from zrchain.codec.coins import parse_coins

    return bank_tx.MsgSend(
        from_address=frm, to_address=to, amount=[c.to_proto() for c in parse_coins(amount)]
    )


def events(result) -> list[tuple[str, dict]]:
    return [(e.type, {a.key: a.value for a in e.attributes}) for e in result.events]


def state_snapshot(chain) -> tuple:
    w = chain.wallets
    return tuple(
        (
            chain.balance(x.address),
            (chain.account(x.address) or None) and chain.account(x.address).sequence,
        )
        for x in w.values()
    )


def test_send_moves_amount_and_fee_and_emits_sdk_events(chain) -> None:
    alice, bob = chain.wallets["alice"], chain.wallets["bob"]
    a0, b0 = chain.balance(alice.address), chain.balance(bob.address)
    tx = chain.tx(alice, [send(alice.address, bob.address, "1234urock")], fee="250urock")
    assert chain.check(tx).code == 0
    res = chain.block([tx]).tx_results[0]
    assert res.code == 0, res.log
    assert chain.balance(alice.address) == a0 - 1234 - 250
    assert chain.balance(bob.address) == b0 + 1234
    assert chain.account(alice.address).sequence == 1
    assert res.gas_wanted == 200_000 and 0 < res.gas_used < 200_000
    evs = events(res)
    types = [t for t, _ in evs]
    assert types[:4] == ["coin_spent", "coin_received", "transfer", "message"]  # fee transfer
    assert ("tx", {"fee": "250urock", "fee_payer": alice.address}) in evs
    assert ("tx", {"acc_seq": f"{alice.address}/0"}) in evs
    msg_ev = next(a for t, a in evs if t == "message" and "action" in a)
    assert msg_ev == {
        "action": "/cosmos.bank.v1beta1.MsgSend",
        "sender": alice.address,
        "module": "bank",
        "msg_index": "0",
    }
    transfer = next(a for t, a in evs if t == "transfer" and a.get("msg_index") == "0")
    assert transfer == {
        "recipient": bob.address,
        "sender": alice.address,
        "amount": "1234urock",
        "msg_index": "0",
    }
    data = sdk_abci.TxMsgData.FromString(res.data)
    assert data.msg_responses[0].type_url == "/cosmos.bank.v1beta1.MsgSendResponse"


def test_failed_message_keeps_fee_and_sequence_but_not_its_effects(chain) -> None:
    bob, carol = chain.wallets["bob"], chain.wallets["carol"]
    b0 = chain.balance(bob.address)
    tx = chain.tx(bob, [send(bob.address, carol.address, "100000urock")], fee="200urock")
    res = chain.block([tx]).tx_results[0]
    assert (res.codespace, res.code) == ("sdk", 5)
    assert res.log == (
        "failed to execute message; message index: 0: spendable balance "
        f"{b0 - 200}urock is smaller than 100000urock: insufficient funds"
    )
    assert chain.balance(bob.address) == b0 - 200
    assert chain.balance(carol.address) == 0
    assert chain.account(bob.address).sequence == 1


def test_multi_message_tx_is_atomic(chain) -> None:
    alice, bob, carol = (chain.wallets[n] for n in ("alice", "bob", "carol"))
    tx = chain.tx(
        alice,
        [
            send(alice.address, carol.address, "10urock"),
            send(alice.address, bob.address, "10000000000urock"),
        ],
    )
    res = chain.block([tx]).tx_results[0]
    assert res.code == 5 and "message index: 1" in res.log
    assert chain.balance(carol.address) == 0


def _rejected_unchanged(chain, tx, space, code, in_check=True, log_part=""):
    before = state_snapshot(chain)
    if in_check:
        r = chain.check(tx)
        assert (r.codespace, r.code) == (space, code), r.log
        assert log_part in r.log
    res = chain.block([tx]).tx_results[0]
    assert (res.codespace, res.code) == (space, code), res.log
    assert log_part in res.log
    assert state_snapshot(chain) == before
    return res


def test_bad_signature_is_rejected(chain) -> None:
    alice, bob = chain.wallets["alice"], chain.wallets["bob"]
    raw = tx_pb2.TxRaw.FromString(chain.tx(alice, [send(alice.address, bob.address)]))
    raw.signatures[0] = bytes(64)
    _rejected_unchanged(
        chain, raw.SerializeToString(), "sdk", 4, log_part="signature verification failed"
    )


def test_wrong_chain_id_and_account_number_are_rejected(chain) -> None:
    alice, bob = chain.wallets["alice"], chain.wallets["bob"]
    _rejected_unchanged(
        chain, chain.tx(alice, [send(alice.address, bob.address)], chain_id="other"), "sdk", 4
    )
    _rejected_unchanged(
        chain,
        chain.tx(alice, [send(alice.address, bob.address)], account_number=99),
        "sdk",
        4,
        log_part=f"account number ({alice.number}) and chain-id (zenrock)",
    )


def test_replayed_sequence_is_rejected(chain) -> None:
    alice, bob = chain.wallets["alice"], chain.wallets["bob"]
    tx = chain.tx(alice, [send(alice.address, bob.address)])
    assert chain.block([tx]).tx_results[0].code == 0
    res = _rejected_unchanged(chain, tx, "sdk", 32)
    assert res.log == "account sequence mismatch, expected 1, got 0: incorrect account sequence"


def test_insufficient_fee_is_rejected_in_check_tx(chain) -> None:
    alice, bob = chain.wallets["alice"], chain.wallets["bob"]
    tx = chain.tx(alice, [send(alice.address, bob.address)], fee="1urock", gas=200_000)
    r = chain.check(tx)
    assert (r.codespace, r.code) == ("sdk", 13)
    assert r.log == "insufficient fees; got: 1urock required: 20urock: insufficient fee"


def test_fee_payer_without_funds_is_rejected(chain) -> None:
    carol, bob = chain.wallets["carol"], chain.wallets["bob"]
    res = _rejected_unchanged(chain, chain.tx(carol, [send(carol.address, bob.address)]), "sdk", 5)
    assert "spendable balance 0urock is smaller than 200urock" in res.log


def test_out_of_gas_has_the_sdk_log_format(chain) -> None:
    alice, bob = chain.wallets["alice"], chain.wallets["bob"]
    tx = chain.tx(alice, [send(alice.address, bob.address)], gas=3000, fee="1urock")
    res = chain.block([tx]).tx_results[0]
    assert (res.codespace, res.code) == ("sdk", 11)
    import re

    m = re.search(r"gasWanted:\s*(\d+).*?gasUsed:\s*(\d+)", res.log)
    assert m and int(m.group(1)) == 3000 and int(m.group(2)) > 3000
    assert res.log.startswith("out of gas in location: ") and res.log.endswith(": out of gas")


def test_unknown_message_type_and_malformed_bytes(chain) -> None:
    alice = chain.wallets["alice"]
    from cosmpy.protos.cosmos.staking.v1beta1 import tx_pb2 as staking_tx

    tx = chain.tx(alice, [staking_tx.MsgDelegate(delegator_address=alice.address)])
    res = _rejected_unchanged(chain, tx, "sdk", 2)
    assert "/cosmos.staking.v1beta1.MsgDelegate" in res.log
    _rejected_unchanged(chain, b"\x0a\x05hello\xff", "sdk", 2)


def test_wrong_prefix_signer_is_rejected(chain) -> None:
    alice, bob = chain.wallets["alice"], chain.wallets["bob"]
    from zrchain.codec.address import encode, pubkey_to_address

    fetch = encode("fetch", pubkey_to_address(alice.pubkey))
    res = _rejected_unchanged(chain, chain.tx(alice, [send(fetch, bob.address)]), "sdk", 7)
    assert "invalid Bech32 prefix; expected zen, got fetch" in res.log


def test_memo_and_timeout_height(chain) -> None:
    alice, bob = chain.wallets["alice"], chain.wallets["bob"]
    _rejected_unchanged(
        chain, chain.tx(alice, [send(alice.address, bob.address)], memo="x" * 300), "sdk", 12
    )
    tx = chain.tx(alice, [send(alice.address, bob.address)], timeout_height=1)
    res = _rejected_unchanged(chain, tx, "sdk", 30)
    assert res.log.endswith("timeout height: 1: tx timeout height")
    ok = chain.tx(alice, [send(alice.address, bob.address)], memo="hello", timeout_height=100)
    assert chain.block([ok]).tx_results[0].code == 0


def test_timeout_height_boundary_check_at_committed_height_fails_in_next_block(chain) -> None:
    """The SDK's ante refuses a tx when the context's height is above its timeout height;
    CheckTx's context is the last committed block. So a tx whose timeout height is the
    committed height passes CheckTx and can only land, failing and with its sequence and
    fee untouched, in the next block (the MPC keeper settles a tx as expired only after
    that block: docs/mpc-keeper.md, *Exactly once*)."""
    alice, bob = chain.wallets["alice"], chain.wallets["bob"]
    chain.blocks(1)
    tx = chain.tx(alice, [send(alice.address, bob.address)], timeout_height=chain.height)
    assert chain.check(tx).code == 0
    res = _rejected_unchanged(chain, tx, "sdk", 30, in_check=False)
    assert res.log.endswith(f"block height: {chain.height}, timeout height: {chain.height - 1}: "
                            "tx timeout height")  # fmt: skip
    assert chain.check(tx).code == 30  # and once that block is committed, CheckTx refuses it


def test_several_pending_txs_from_one_account_pass_check_tx(chain) -> None:
    alice, bob = chain.wallets["alice"], chain.wallets["bob"]
    txs = [chain.tx(alice, [send(alice.address, bob.address)], sequence=i) for i in range(3)]
    assert [chain.check(t).code for t in txs] == [0, 0, 0]
    assert chain.check(txs[0]).code == 32  # already pending
    res = chain.block(txs[:2])
    assert [r.code for r in res.tx_results] == [0, 0]
    # after commit the check state is fresh; the leftover tx rechecks fine
    assert chain.check(txs[2], recheck=True).code == 0
    assert chain.check(txs[0], recheck=True).code == 32


def test_simulate_persists_nothing_and_bounds_real_gas(chain) -> None:
    alice, bob = chain.wallets["alice"], chain.wallets["bob"]
    sim_tx = chain.tx(alice, [send(alice.address, bob.address)], fee="", gas=0)
    before = state_snapshot(chain)
    gas_info, result = chain.app.simulate(sim_tx)
    assert gas_info.gas_used > 0 and result.msg_responses
    assert state_snapshot(chain) == before
    gas = int(gas_info.gas_used * 1.65)
    fee = f"{-(-gas // 10000)}urock"
    real = chain.block([chain.tx(alice, [send(alice.address, bob.address)], fee=fee, gas=gas)])
    assert real.tx_results[0].code == 0, real.tx_results[0].log


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.binary(max_size=300))
def test_random_bytes_never_crash_check_tx_or_finalize_block(chain, data) -> None:
    r = chain.check(data)
    assert r.code != 0
    res = chain.block([data])
    assert len(res.tx_results) == 1 and res.tx_results[0].code != 0


def test_query_balance_of_unknown_account_is_zero_with_denom(chain) -> None:
    from cosmpy.protos.cosmos.bank.v1beta1 import query_pb2 as bq

    from zrchain.codec.address import acc_string

    raw = chain.query(
        "/cosmos.bank.v1beta1.Query/Balance",
        bq.QueryBalanceRequest(address=acc_string(b"\x01" * 20), denom="urock"),
    )
    assert bq.QueryBalanceResponse.FromString(raw).balance == Coin(denom="urock", amount="0")
    res = chain.app.query(
        abci.RequestQuery(path="/cosmos.auth.v1beta1.Query/Account", data=b"\x0a\x03zzz")
    )
    assert res.code == 18
