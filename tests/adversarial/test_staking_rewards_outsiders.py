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


def _deposit(
    depositor: str, val: str, amount: str = "5urock"
) -> dtx.MsgDepositValidatorRewardsPool:
    return dtx.MsgDepositValidatorRewardsPool(
        depositor=depositor, validator_address=val, amount=coins(amount).to_protos()
    )


def test_depositing_alices_coins_to_a_rewards_pool_is_refused_at_check(chain: Outsider) -> None:
    outsider, alice = chain["outsider"], chain["alice"]
    msg = _deposit(alice.address, chain.world.validator)
    with nothing_changes(chain):
        refused_at_check(chain, chain.tx(outsider, [msg]), 8, "pubKey does not match signer")


@pytest.mark.parametrize("account", MODULE_ACCOUNTS, ids=lambda a: a[:12])
def test_a_module_account_depositing_to_a_rewards_pool_is_refused_at_check(
    chain: Outsider, account: str
) -> None:
    """No key signs for a module account. As the only signer it is also the fee payer,
    checked first: one without an account (or, like the fee collector emptied every block,
    without coins) is refused for the fee; one with both for the signature."""
    outsider = chain["outsider"]
    with nothing_changes(chain):
        res = chain.broadcast(chain.tx(outsider, [_deposit(account, chain.world.validator)]))
        expected = {
            5: "insufficient funds",
            8: "pubKey does not match signer",
            9: "does not exist: unknown address",
        }
        assert res.codespace == "sdk" and res.code in expected, res.raw_log
        assert expected[res.code] in res.raw_log, res.raw_log
        if account in MODULE_ACCOUNTS[:1] + MODULE_ACCOUNTS[2:3]:  # distribution, bonded pool
            assert res.code == 8, res.raw_log


def test_a_deposit_to_a_validator_that_does_not_exist_is_refused(chain: Outsider) -> None:
    outsider = chain["outsider"]
    msg = _deposit(outsider.address, val_string(acc_bytes(outsider.address)))
    refused_in_block(chain, outsider, [msg], "validator does not exist", code=12)


@pytest.mark.parametrize(
    "amount",
    [[("0", "urock")], [("5", "urock"), ("5", "uatom")], [("5", "u$")], [("9" * 90, "urock")]],
    ids=["zero", "unsorted", "bad-denom", "oversize"],
)
def test_a_deposit_of_malformed_coins_is_refused_at_check(
    chain: Outsider, amount: list[tuple[str, str]]
) -> None:
    from cosmpy.protos.cosmos.base.v1beta1.coin_pb2 import Coin

    outsider = chain["outsider"]
    msg = _deposit(outsider.address, chain.world.validator)
    del msg.amount[:]
    msg.amount.extend(Coin(amount=a, denom=d) for a, d in amount)
    with nothing_changes(chain):
        refused_at_check(chain, chain.tx(outsider, [msg]), 10, "invalid coins")


def test_control_a_deposit_raises_the_validators_outstanding_rewards_exactly(
    chain: Outsider,
) -> None:
    """In the deposit's block the validator's outstanding rewards rise by exactly the
    deposit plus what the begin block allocated to it (read from that block's events)."""
    from cosmpy.protos.cosmos.distribution.v1beta1 import distribution_pb2 as dpb

    from zrchain.codec.address import val_bytes
    from zrchain.x.distribution.keeper import OUTSTANDING

    outsider, val = chain["outsider"], chain.world.validator
    key = OUTSTANDING + val_bytes(val)

    def outstanding(height: int) -> int:
        raw = chain.snapshot(height).get("distribution", key) or b""
        r = dpb.ValidatorOutstandingRewards.FromString(raw)
        return sum(int(c.amount) for c in r.rewards if c.denom == "urock")

    def urock_atomics(shown: str) -> int:  # "12.500000000000000000urock"
        whole, frac = shown.removesuffix("urock").split(".")
        return int(whole) * 10**18 + int(frac)

    res = chain.run(outsider, [_deposit(outsider.address, val, "777777urock")])
    assert [
        a.value for e in res.events if e.type == "rewards" for a in e.attributes
        if a.key == "amount"
    ] == ["777777.000000000000000000urock"]  # fmt: skip
    allocated = 0  # the begin block's share of the previous block's fees
    for e in chain.node.rpc.block_results(res.height).get("finalize_block_events") or []:
        attrs = {a["key"]: a["value"] for a in e["attributes"]}
        if e["type"] == "rewards" and attrs.get("validator") == val and attrs.get("amount"):
            allocated += urock_atomics(attrs["amount"])
    assert outstanding(res.height) - outstanding(res.height - 1) == 777_777 * 10**18 + allocated
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


def test_control_the_cli_funds_a_validators_rewards_pool(chain: Outsider) -> None:
    """``tx distribution fund-validator-rewards-pool <valoper> <amount>`` (the SDK's autocli
    name) as a subprocess: the deposit is the tx's `rewards` event; a malformed amount or
    a missing one is refused by the CLI with nothing sent."""
    import json

    from outsider_world import FEE
    from test_inputs import cli_tx

    val = chain.world.validator
    res = cli_tx(chain, "distribution", "fund-validator-rewards-pool", val, "321urock",
                 "--fees", FEE)  # fmt: skip
    assert res.returncode == 0, res.stderr
    shown = json.loads(res.stdout)
    assert shown["code"] == 0, res.stdout
    tx = chain.client.wait_tx(shown["txhash"])
    assert tx.code == 0, tx.raw_log
    rewards = [{a.key: a.value for a in e.attributes} for e in tx.events if e.type == "rewards"]
    assert [(r["amount"], r["validator"]) for r in rewards] == [
        ("321.000000000000000000urock", val)
    ]
    with nothing_changes(chain):
        for bad in (["0.5urock"], ["urock"], []):
            out = cli_tx(chain, "distribution", "fund-validator-rewards-pool", val, *bad,
                         "--fees", FEE)  # fmt: skip
            assert out.returncode != 0 and "Traceback" not in out.stderr, out.stderr
    assert_invariants(chain.snapshot())
