"""Staking, slashing and evidence against an outsider on the session's real node: someone
else's funds, module accounts, replays, unjailing what is not jailed, malformed consensus
keys and commissions, amounts that do not add up. Each case asserts the refusal and that
the state is as it was (at most the sender's own fee and sequence moved)."""

from __future__ import annotations

import pytest
from cosmpy.protos.cosmos.slashing.v1beta1 import tx_pb2 as slashing_tx
from google.protobuf.any_pb2 import Any as AnyProto
from msg_catalog import create_validator
from outsider_world import (
    Outsider,
    coins,
    nothing_changes,
    operator,
    refused_at_check,
    refused_in_block,
)

from zrchain.codec.address import acc_string, module_address
from zrchain.codec.gen.zrchain.validation import staking_pb2 as vst
from zrchain.codec.gen.zrchain.validation import tx_pb2 as vtx
from zrchain.testing.invariants import assert_invariants
from zrchain.x.validation import types as vt

pytestmark = pytest.mark.node

POOLS = [acc_string(module_address(n)) for n in (vt.BONDED_POOL, vt.NOT_BONDED_POOL)]


def _delegate(who: str, validator: str, amount: str = "5urock") -> vtx.MsgDelegate:
    return vtx.MsgDelegate(
        delegator_address=who, validator_address=validator, amount=coins(amount).to_protos()[0]
    )


def test_delegating_alices_funds_is_refused_at_check(chain: Outsider) -> None:
    outsider, alice = chain["outsider"], chain["alice"]
    with nothing_changes(chain):
        raw = chain.tx(outsider, [_delegate(alice.address, chain.world.validator)])
        refused_at_check(chain, raw, 8, "pubKey does not match signer address")


@pytest.mark.parametrize("pool", POOLS, ids=["bonded", "not-bonded"])
def test_a_module_account_cannot_delegate_or_undelegate(chain: Outsider, pool: str) -> None:
    """A pool has no key: naming it as the delegator is a signer mismatch."""
    outsider = chain["outsider"]
    undelegate = vtx.MsgUndelegate(
        delegator_address=pool,
        validator_address=chain.world.validator,
        amount=coins("1urock").to_protos()[0],
    )
    with nothing_changes(chain):
        for msg in (_delegate(pool, chain.world.validator), undelegate):
            raw = chain.tx(outsider, [msg])
            refused_at_check(chain, raw, 8, "pubKey does not match signer address")


def test_a_replayed_delegation_is_refused(chain: Outsider) -> None:
    """The same signed bytes again: CometBFT's cache or the spent sequence refuses them,
    and the delegation is not made twice. The delegator is the bystander, so the outsider
    stays without a delegation whatever order the cases run in."""
    bystander = chain["authority"]
    raw = chain.tx(bystander, [_delegate(bystander.address, chain.world.validator)])
    res = chain.deliver(raw)
    assert res.code == 0, res.raw_log
    with nothing_changes(chain):
        again = chain.broadcast(raw)
        assert again.code != 0, again.raw_log
        assert "sequence mismatch" in again.raw_log or "already exists in cache" in again.raw_log


def test_unjail_of_a_validator_that_is_not_jailed_is_refused(chain: Outsider) -> None:
    """The node's own operator (a funded key) asks to unjail its bonded validator."""
    op = operator(chain.node)
    msg = slashing_tx.MsgUnjail(validator_addr=chain.world.validator)
    refused_in_block(chain, op, [msg], "validator not jailed; cannot be unjailed")


def test_unjail_of_someone_elses_validator_is_refused_at_check(chain: Outsider) -> None:
    outsider = chain["outsider"]
    with nothing_changes(chain):
        raw = chain.tx(outsider, [slashing_tx.MsgUnjail(validator_addr=chain.world.validator)])
        refused_at_check(chain, raw, 8, "pubKey does not match signer address")


def test_self_delegation_below_the_declared_minimum_is_refused_at_check(chain: Outsider) -> None:
    outsider = chain["outsider"]
    with nothing_changes(chain):
        raw = chain.tx(outsider, [create_validator(outsider.address, value="5", min_self="10")])
        refused_at_check(
            chain, raw, vt.ErrSelfDelegationBelowMinimum.code, "minimum self delegation",
            codespace="validation",
        )  # fmt: skip


def _any(type_url: str, value: bytes) -> AnyProto:
    return AnyProto(type_url=type_url, value=value)


MALFORMED_KEYS = {
    "empty": (_any("", b""), "validation", vt.ErrEmptyValidatorPubKey.code, "empty validator"),
    "secp256k1": (
        _any("/cosmos.crypto.secp256k1.PubKey", b"\x0a\x21" + b"\x02" * 33),
        "validation", vt.ErrValidatorPubKeyTypeNotSupported.code, "secp256k1",
    ),
    "short ed25519": (
        _any("/cosmos.crypto.ed25519.PubKey", b"\x0a\x1f" + b"\x01" * 31),
        "validation", vt.ErrValidatorPubKeyTypeNotSupported.code, "must be 32 bytes",
    ),
    "garbage": (
        _any("/cosmos.crypto.ed25519.PubKey", b"\xff\xff\xff"),
        "sdk", 29, "invalid ed25519 public key",
    ),
    "unknown type": (_any("/foo.Bar", b""), "sdk", 29, "Expecting cryptotypes.PubKey"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(MALFORMED_KEYS))
def test_malformed_consensus_keys_are_refused_at_check(chain: Outsider, case: str) -> None:
    pubkey, codespace, code, text = MALFORMED_KEYS[case]
    outsider = chain["outsider"]
    with nothing_changes(chain):
        raw = chain.tx(outsider, [create_validator(outsider.address, pubkey=pubkey)])
        refused_at_check(chain, raw, code, text, codespace=codespace)


def test_a_consensus_key_already_in_use_is_refused_in_its_block(chain: Outsider) -> None:
    """The node's own consensus key, claimed by the outsider for a new validator."""
    from zrchain.testing.network import validator_pubkey

    outsider = chain["outsider"]
    taken = AnyProto(
        type_url="/cosmos.crypto.ed25519.PubKey",
        value=b"\x0a\x20" + validator_pubkey(chain.node.home),
    )
    msg = create_validator(outsider.address, pubkey=taken)
    refused_in_block(chain, outsider, [msg], "validator already exist for this pubkey")


def _rates(rate: str, max_rate: str, max_change: str = "0") -> vst.CommissionRates:
    return vst.CommissionRates(rate=rate, max_rate=max_rate, max_change_rate=max_change)


E18 = 10**18
V = "validation"
MALFORMED_COMMISSIONS = {
    "rate above max": (_rates(str(E18 // 2), str(E18 // 4)), vt.ErrCommissionGTMaxRate, V),
    "max above 100%": (_rates(str(E18 // 2), str(2 * E18)), vt.ErrCommissionHuge, V),
    "negative": (_rates(str(-E18 // 10), str(E18 // 4)), vt.ErrCommissionNegative, V),
    "change above max": (
        _rates(str(E18 // 10), str(E18 // 5), str(E18 // 2)),
        vt.ErrCommissionChangeRateGTMaxRate, "validation",
    ),
    "not a number": (_rates("ten", str(E18 // 4)), None, "sdk"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(MALFORMED_COMMISSIONS))
def test_malformed_commissions_are_refused_at_check(chain: Outsider, case: str) -> None:
    rates, err, codespace = MALFORMED_COMMISSIONS[case]
    outsider = chain["outsider"]
    with nothing_changes(chain):
        raw = chain.tx(outsider, [create_validator(outsider.address, commission=rates)])
        res = chain.broadcast(raw)
        assert res.codespace == codespace and res.code != 0, res.raw_log
        if err is not None:
            assert res.code == err.code, res.raw_log
        else:
            assert "invalid commission rate" in res.raw_log, res.raw_log


def test_delegating_more_than_the_balance_or_another_denom_changes_nothing(
    chain: Outsider,
) -> None:
    outsider = chain["outsider"]
    v = chain.world.validator
    refused_in_block(chain, outsider, [_delegate(outsider.address, v, "10000000000000urock")],
                     "insufficient funds")  # fmt: skip
    refused_in_block(chain, outsider, [_delegate(outsider.address, v, "5ufoo")],
                     "invalid coin denomination")  # fmt: skip


def test_undelegating_more_than_delegated_changes_nothing(chain: Outsider) -> None:
    alice = chain["alice"]
    msg = vtx.MsgUndelegate(
        delegator_address=alice.address,
        validator_address=chain.world.validator,
        amount=coins("1000000000urock").to_protos()[0],
    )
    refused_in_block(chain, alice, [msg], "invalid shares amount")


def test_cancelling_more_than_the_unbonding_entry_changes_nothing(chain: Outsider) -> None:
    alice = chain["alice"]
    msg = vtx.MsgCancelUnbondingDelegation(
        delegator_address=alice.address,
        validator_address=chain.world.validator,
        amount=coins("1001urock").to_protos()[0],
        creation_height=chain.world.unbonding_height,
    )
    refused_in_block(chain, alice, [msg], "greater than the unbonding delegation entry balance")


def test_the_invariants_hold_on_the_node(chain: Outsider) -> None:
    assert_invariants(chain.snapshot())
