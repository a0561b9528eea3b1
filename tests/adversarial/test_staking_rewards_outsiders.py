"""Distribution (staking rewards) against an outsider on the session's real node: someone
else's rewards and commission, module accounts as withdraw addresses, replays and malformed
input. Each case asserts the refusal and that the state is as it was (at most the sender's
own fee and sequence moved). Runs after the other outsider files (its name sorts last): its
controls leave the outsider with a delegation, which the stranger cases elsewhere assume it
does not have."""

from __future__ import annotations

import pytest
from cosmpy.protos.cosmos.distribution.v1beta1 import tx_pb2 as dtx
from outsider_world import Outsider, coins, nothing_changes, refused_at_check, refused_in_block

from zrchain.codec.address import acc_bytes, acc_string, module_address, val_string
from zrchain.codec.gen.zrchain.validation import tx_pb2 as vtx
from zrchain.testing.invariants import assert_invariants

pytestmark = pytest.mark.node

MODULE_ACCOUNTS = [
    acc_string(module_address(n))
    for n in ("distribution", "fee_collector", "bonded_tokens_pool", "keyring_collector")
]


def test_withdrawing_alices_rewards_is_refused_at_check(chain: Outsider) -> None:
    outsider, alice = chain["outsider"], chain["alice"]
    msg = dtx.MsgWithdrawDelegatorReward(
        delegator_address=alice.address, validator_address=chain.world.validator
    )
    with nothing_changes(chain):
        refused_at_check(chain, chain.tx(outsider, [msg]), 8, "pubKey does not match signer")


def test_withdrawing_the_validators_commission_is_refused_at_check(chain: Outsider) -> None:
    outsider = chain["outsider"]
    msg = dtx.MsgWithdrawValidatorCommission(validator_address=chain.world.validator)
    with nothing_changes(chain):
        refused_at_check(chain, chain.tx(outsider, [msg]), 8, "pubKey does not match signer")


def test_setting_alices_withdraw_address_is_refused_at_check(chain: Outsider) -> None:
    outsider, alice = chain["outsider"], chain["alice"]
    msg = dtx.MsgSetWithdrawAddress(
        delegator_address=alice.address, withdraw_address=outsider.address
    )
    with nothing_changes(chain):
        refused_at_check(chain, chain.tx(outsider, [msg]), 8, "pubKey does not match signer")


@pytest.mark.parametrize("account", MODULE_ACCOUNTS, ids=lambda a: a[:12])
def test_a_module_account_as_withdraw_address_is_refused(chain: Outsider, account: str) -> None:
    """The SDK refuses blocked addresses: a module account never receives rewards."""
    outsider = chain["outsider"]
    msg = dtx.MsgSetWithdrawAddress(delegator_address=outsider.address, withdraw_address=account)
    refused_in_block(chain, outsider, [msg], "is not allowed to receive external funds")


def test_rewards_from_a_validator_that_does_not_exist_are_refused(chain: Outsider) -> None:
    outsider = chain["outsider"]
    msg = dtx.MsgWithdrawDelegatorReward(
        delegator_address=outsider.address,
        validator_address=val_string(acc_bytes(outsider.address)),
    )
    refused_in_block(chain, outsider, [msg], "validator does not exist")


def test_commission_of_a_validator_that_does_not_exist_is_refused(chain: Outsider) -> None:
    outsider = chain["outsider"]
    msg = dtx.MsgWithdrawValidatorCommission(
        validator_address=val_string(acc_bytes(outsider.address))
    )
    refused_in_block(chain, outsider, [msg], "validator does not exist")


def test_a_replayed_withdrawal_pays_once(chain: Outsider) -> None:
    outsider = chain["outsider"]
    delegate = vtx.MsgDelegate(
        delegator_address=outsider.address,
        validator_address=chain.world.validator,
        amount=coins("5urock").to_protos()[0],
    )
    assert chain.deliver(chain.tx(outsider, [delegate])).code == 0
    raw = chain.tx(
        outsider,
        [
            dtx.MsgWithdrawDelegatorReward(
                delegator_address=outsider.address, validator_address=chain.world.validator
            )
        ],
    )
    res = chain.deliver(raw)
    assert res.code == 0, res.raw_log
    with nothing_changes(chain):
        again = chain.broadcast(raw)
        assert again.code != 0, again.raw_log
        assert "sequence mismatch" in again.raw_log or "already exists in cache" in again.raw_log
    assert_invariants(chain.snapshot())


@pytest.mark.parametrize(
    "msg",
    [
        dtx.MsgWithdrawDelegatorReward(validator_address="zenvaloper1notanaddress"),
        dtx.MsgWithdrawValidatorCommission(validator_address=""),
        dtx.MsgFundCommunityPool(amount=[]),
    ],
    ids=["bad-validator", "empty-validator", "no-coins"],
)
def test_malformed_distribution_msgs_are_refused(chain: Outsider, msg: object) -> None:
    outsider = chain["outsider"]
    for field in ("delegator_address", "depositor"):
        if field in msg.DESCRIPTOR.fields_by_name:  # type: ignore[attr-defined]
            setattr(msg, field, outsider.address)
    with nothing_changes(chain):
        res = chain.broadcast(chain.tx(outsider, [msg]))
        assert res.code != 0, res.raw_log


def test_control_a_delegator_earns_and_withdraws_exact_rewards(chain: Outsider) -> None:
    """The control on the real node: a delegation earns from the fees of later blocks and a
    withdrawal moves exactly the reward it reports (balance = before - fee + reward)."""
    from outsider_world import FEE

    from zrchain.codec.coins import parse_coins
    from zrchain.x.bank.keeper import balance_key

    outsider = chain["outsider"]
    delegate = vtx.MsgDelegate(
        delegator_address=outsider.address,
        validator_address=chain.world.validator,
        amount=coins("1000000urock").to_protos()[0],
    )
    chain.run(outsider, [delegate])
    for _ in range(3):  # fees of these blocks are allocated to the validator's delegators
        chain.run(outsider, [dtx.MsgSetWithdrawAddress(
            delegator_address=outsider.address, withdraw_address=outsider.address)])  # fmt: skip
    res = chain.run(
        outsider,
        [
            dtx.MsgWithdrawDelegatorReward(
                delegator_address=outsider.address, validator_address=chain.world.validator
            )
        ],
    )
    paid = [
        a.value
        for e in res.events
        if e.type == "withdraw_rewards"
        for a in e.attributes
        if a.key == "amount"
    ]
    assert len(paid) == 1 and paid[0].endswith("urock") and paid[0] != "0urock", paid
    reward = int(paid[0].removesuffix("urock"))
    key = balance_key(acc_bytes(outsider.address), "urock")
    before = int(chain.snapshot(res.height - 1).get("bank", key) or b"0")
    after = int(chain.snapshot(res.height).get("bank", key) or b"0")
    assert after == before - parse_coins(FEE).amount_of("urock") + reward
    assert_invariants(chain.snapshot())


def test_control_the_cli_queries_and_withdraws_all_rewards(chain: Outsider) -> None:
    """``q distribution rewards`` in the SDK's JSON (decimal strings) and
    ``tx distribution withdraw-all-rewards`` as zenrockd, as subprocesses."""
    import json

    from outsider_world import FEE
    from test_inputs import cli, cli_tx

    outsider = chain["outsider"]
    delegate = vtx.MsgDelegate(
        delegator_address=outsider.address,
        validator_address=chain.world.validator,
        amount=coins("1000urock").to_protos()[0],
    )
    chain.run(outsider, [delegate])
    chain.wait_blocks(2)  # the delegation earns from these blocks' fees, if any
    out = cli(chain, "q", "distribution", "rewards", outsider.address, "-o", "json")
    assert out.returncode == 0, out.stderr
    shown = json.loads(out.stdout)
    entry = next(r for r in shown["rewards"] if r["validator_address"] == chain.world.validator)
    assert entry["reward"] and shown["total"], shown  # the delegate fee, allocated since
    assert all("." in c["amount"] for c in entry["reward"] + shown["total"]), shown
    res = cli_tx(chain, "distribution", "withdraw-all-rewards", "--fees", FEE)
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["code"] == 0, res.stdout
    chain.wait_blocks(1)
    assert_invariants(chain.snapshot())
