"""x/validation driven by signed txs on an in-process chain: validators bond and enter
CometBFT's set through FinalizeBlock's validator updates, delegations move exact amounts,
unbonding pays back after the unbonding time, redelegation rules hold; the accounting
invariants (zrchain/testing/invariants.py) hold after every step."""

from __future__ import annotations

import pytest
from staking_helpers import (
    STAKE,
    UNBONDING_S,
    VQ,
    check_invariants,
    coin,
    cons_key,
    create_validator,
    delegation_shares,
    ok,
    staking_chain,
    updates,
    validator,
    valoper,
)

from zrchain.codec.address import acc_string, module_address
from zrchain.codec.gen.zrchain.validation import query_pb2 as vq
from zrchain.codec.gen.zrchain.validation import staking_pb2 as st
from zrchain.codec.gen.zrchain.validation import tx_pb2 as vtx
from zrchain.testing.inproc import msg_responses
from zrchain.x.validation import types as t

BONDED = acc_string(module_address(t.BONDED_POOL))
NOT_BONDED = acc_string(module_address(t.NOT_BONDED_POOL))


@pytest.fixture
def chain(tmp_path):  # type: ignore[no-untyped-def]
    c = staking_chain(tmp_path)
    yield c
    c.app.close()


def _create(chain, name: str, i: int, amount: int = STAKE):  # type: ignore[no-untyped-def]
    w = chain.wallets[name]
    res = chain.block(
        [chain.tx(w, [create_validator(w, cons_key(i), amount)], fee="40000urock", gas=400_000)]
    )
    w.sequence += 1
    assert res.tx_results[0].code == 0, res.tx_results[0].log
    return res


def test_create_validator_bonds_and_enters_the_set_at_end_block(chain) -> None:
    alice = chain.wallets["alice"]
    before = chain.balance(alice.address)
    res = _create(chain, "alice", 0)
    assert updates(res) == {cons_key(0): STAKE // 10**6}
    assert chain.balance(alice.address) == before - STAKE - 40000
    v = validator(chain, alice)
    assert v.status == st.BOND_STATUS_BONDED and v.tokensNative == str(STAKE)
    assert v.operator_address == valoper(alice) and v.operator_address.startswith("zenvaloper1")
    assert chain.balance(BONDED) == STAKE and chain.balance(NOT_BONDED) == 0
    ev = [e for e in res.tx_results[0].events if e.type == "create_validator"]
    assert ev and {a.key: a.value for a in ev[0].attributes}["amount"] == f"{STAKE}urock"
    check_invariants(chain)


def test_delegate_redelegate_undelegate_exact_balances(chain) -> None:
    _create(chain, "alice", 0)
    _create(chain, "bob", 1)
    carol = chain.wallets["carol"]
    start = chain.balance(carol.address)
    res = chain.block(
        [
            chain.tx(
                carol,
                [
                    vtx.MsgDelegate(
                        delegator_address=carol.address,
                        validator_address=valoper(chain.wallets["alice"]),
                        amount=coin(5_000_000),
                    )
                ],
                fee="40000urock",
                gas=400_000,
            )
        ]
    )
    carol.sequence += 1
    assert res.tx_results[0].code == 0, res.tx_results[0].log
    assert updates(res) == {cons_key(0): 15}
    assert chain.balance(carol.address) == start - 5_000_000 - 40000
    assert delegation_shares(chain, carol, chain.wallets["alice"]) == "5000000000000000000000000"
    check_invariants(chain)

    # redelegate 2 of the 5 to bob: power moves at once; a second hop from bob is refused
    r = chain.run(
        carol,
        [
            vtx.MsgBeginRedelegate(
                delegator_address=carol.address,
                validator_src_address=valoper(chain.wallets["alice"]),
                validator_dst_address=valoper(chain.wallets["bob"]),
                amount=coin(2_000_000),
            )
        ],
    )
    assert r.code == 0, r.log
    assert int(validator(chain, chain.wallets["bob"]).tokensNative) == STAKE + 2_000_000
    r = chain.run(
        carol,
        [
            vtx.MsgBeginRedelegate(
                delegator_address=carol.address,
                validator_src_address=valoper(chain.wallets["bob"]),
                validator_dst_address=valoper(chain.wallets["alice"]),
                amount=coin(1_000_000),
            )
        ],
    )
    assert r.code == t.ErrTransitiveRedelegation.code and "already in progress" in r.log
    check_invariants(chain)

    # undelegate 3 from alice: to the not-bonded pool, paid back after the unbonding time
    after_delegating = chain.balance(carol.address)
    r = ok(
        chain.run(
            carol,
            [
                vtx.MsgUndelegate(
                    delegator_address=carol.address,
                    validator_address=valoper(chain.wallets["alice"]),
                    amount=coin(3_000_000),
                )
            ],
        )
    )
    resp = vtx.MsgUndelegateResponse.FromString(msg_responses(r)[0].value)
    assert resp.amount.amount == "3000000"
    fee = 40000
    assert chain.balance(carol.address) == after_delegating - fee
    assert chain.balance(NOT_BONDED) == 3_000_000
    ubds = chain.q(
        VQ + "DelegatorUnbondingDelegations",
        vq.QueryDelegatorUnbondingDelegationsRequest(delegator_addr=carol.address),
        vq.QueryDelegatorUnbondingDelegationsResponse,
    )
    assert [e.balance for u in ubds.unbonding_responses for e in u.entries] == ["3000000"]
    check_invariants(chain)
    chain.block([], advance_s=UNBONDING_S - 5)
    assert chain.balance(carol.address) == after_delegating - fee  # not yet
    chain.block([], advance_s=10)
    assert chain.balance(carol.address) == after_delegating - fee + 3_000_000
    assert chain.balance(NOT_BONDED) == 0
    check_invariants(chain)


def test_cancel_unbonding_puts_the_stake_back(chain) -> None:
    _create(chain, "alice", 0)
    alice = chain.wallets["alice"]
    r = ok(
        chain.run(
            alice,
            [
                vtx.MsgUndelegate(
                    delegator_address=alice.address,
                    validator_address=valoper(alice),
                    amount=coin(4_000_000),
                )
            ],
        )
    )
    height = chain.height
    r = chain.run(
        alice,
        [
            vtx.MsgCancelUnbondingDelegation(
                delegator_address=alice.address,
                validator_address=valoper(alice),
                amount=coin(4_000_000),
                creation_height=height,
            )
        ],
    )
    assert r.code == 0, r.log
    assert validator(chain, alice).tokensNative == str(STAKE)
    assert chain.balance(NOT_BONDED) == 0 and chain.balance(BONDED) == STAKE
    check_invariants(chain)


def test_max_validators_keeps_the_strongest_and_unbonds_the_rest(tmp_path) -> None:
    from staking_helpers import FUNDS, _params

    from zrchain.testing.inproc import make_chain

    def one(state):  # type: ignore[no-untyped-def]
        _params(state)
        state["validation"]["params"]["max_validators"] = 1

    chain = make_chain(tmp_path, {"alice": FUNDS, "bob": FUNDS}, app_state=one)
    try:
        _create(chain, "alice", 0)
        res = _create(chain, "bob", 1, amount=2 * STAKE)
        assert updates(res) == {cons_key(1): 20, cons_key(0): 0}
        assert validator(chain, chain.wallets["alice"]).status == st.BOND_STATUS_UNBONDING
        assert chain.balance(BONDED) == 2 * STAKE and chain.balance(NOT_BONDED) == STAKE
        check_invariants(chain)
        chain.block([], advance_s=UNBONDING_S + 1)
        assert validator(chain, chain.wallets["alice"]).status == st.BOND_STATUS_UNBONDED
        check_invariants(chain)
    finally:
        chain.app.close()


def test_edit_validator_changes_description_and_commission_within_its_rules(chain) -> None:
    _create(chain, "alice", 0)
    alice = chain.wallets["alice"]
    edit = vtx.MsgEditValidator(
        validator_address=valoper(alice),
        description=st.Description(moniker="renamed", identity=t.DO_NOT_MODIFY),
        commission_rate="105000000000000000",
    )
    r = chain.run(alice, [edit])
    assert r.code == t.ErrCommissionUpdateTime.code, r.log  # within 24h of creation
    chain.block([], advance_s=24 * 3600 + 1)
    ok(chain.run(alice, [edit]))
    v = validator(chain, alice)
    assert v.description.moniker == "renamed"
    assert v.commission.commission_rates.rate == "105000000000000000"


def test_queries_page_through_validators_delegations_and_redelegations(chain) -> None:
    from cosmpy.protos.cosmos.base.query.v1beta1.pagination_pb2 import PageRequest

    alice, bob, carol = (chain.wallets[n] for n in ("alice", "bob", "carol"))
    _create(chain, "alice", 0)
    _create(chain, "bob", 1, amount=2 * STAKE)
    ok(
        chain.run(
            carol,
            [
                vtx.MsgDelegate(
                    delegator_address=carol.address,
                    validator_address=valoper(alice),
                    amount=coin(3_000_000),
                )
            ],
        )
    )
    ok(
        chain.run(
            carol,
            [
                vtx.MsgBeginRedelegate(
                    delegator_address=carol.address,
                    validator_src_address=valoper(alice),
                    validator_dst_address=valoper(bob),
                    amount=coin(1_000_000),
                )
            ],
        )
    )
    ok(
        chain.run(
            carol,
            [
                vtx.MsgUndelegate(
                    delegator_address=carol.address,
                    validator_address=valoper(bob),
                    amount=coin(500_000),
                )
            ],
        )
    )

    def query(rpc: str, req, resp):  # type: ignore[no-untyped-def]
        return chain.q(VQ + rpc, req, resp)

    vals = query(
        "Validators",
        vq.QueryValidatorsRequest(status="BOND_STATUS_BONDED"),
        vq.QueryValidatorsResponse,
    )
    assert sorted(v.operator_address for v in vals.validators) == sorted(
        [valoper(alice), valoper(bob)]
    )
    first = query(
        "Validators",
        vq.QueryValidatorsRequest(pagination=PageRequest(limit=1)),
        vq.QueryValidatorsResponse,
    )
    assert len(first.validators) == 1 and first.pagination.next_key
    rest = query(
        "Validators",
        vq.QueryValidatorsRequest(pagination=PageRequest(key=first.pagination.next_key)),
        vq.QueryValidatorsResponse,
    )
    assert len(rest.validators) == 1 and rest.validators[0] != first.validators[0]
    unbonded = query(
        "Validators",
        vq.QueryValidatorsRequest(status="BOND_STATUS_UNBONDED"),
        vq.QueryValidatorsResponse,
    )
    assert list(unbonded.validators) == []

    to_alice = query(
        "ValidatorDelegations",
        vq.QueryValidatorDelegationsRequest(validator_addr=valoper(alice)),
        vq.QueryValidatorDelegationsResponse,
    )
    assert {
        r.delegation.delegator_address: r.balance.amount for r in to_alice.delegation_responses
    } == {alice.address: str(STAKE), carol.address: "2000000"}
    mine = query(
        "DelegatorDelegations",
        vq.QueryDelegatorDelegationsRequest(delegator_addr=carol.address),
        vq.QueryDelegatorDelegationsResponse,
    )
    assert {
        r.delegation.validator_address: r.balance.amount for r in mine.delegation_responses
    } == {valoper(alice): "2000000", valoper(bob): "500000"}
    from_bob = query(
        "ValidatorUnbondingDelegations",
        vq.QueryValidatorUnbondingDelegationsRequest(validator_addr=valoper(bob)),
        vq.QueryValidatorUnbondingDelegationsResponse,
    )
    assert [u.delegator_address for u in from_bob.unbonding_responses] == [carol.address]
    reds = query(
        "Redelegations",
        vq.QueryRedelegationsRequest(delegator_addr=carol.address),
        vq.QueryRedelegationsResponse,
    )
    by_src = query(
        "Redelegations",
        vq.QueryRedelegationsRequest(src_validator_addr=valoper(alice)),
        vq.QueryRedelegationsResponse,
    )
    assert len(reds.redelegation_responses) == len(by_src.redelegation_responses) == 1
    entry = reds.redelegation_responses[0].entries[0]
    assert entry.redelegation_entry.initial_balance == "1000000" and entry.balance == "1000000"
    dv = query(
        "DelegatorValidators",
        vq.QueryDelegatorValidatorsRequest(delegator_addr=carol.address),
        vq.QueryDelegatorValidatorsResponse,
    )
    assert sorted(v.operator_address for v in dv.validators) == sorted(
        [valoper(alice), valoper(bob)]
    )
    bad = chain.query_raw(VQ + "Validator", vq.QueryValidatorRequest(validator_addr="zen1bad"))
    assert bad.code != 0
    check_invariants(chain)
