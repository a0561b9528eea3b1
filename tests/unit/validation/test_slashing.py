"""x/slashing and x/evidence fed as CometBFT feeds them: each block's
``decided_last_commit`` votes (downtime) and ``misbehavior`` (double signing)."""

from __future__ import annotations

import pytest
from cosmpy.protos.cosmos.slashing.v1beta1 import tx_pb2 as stx
from staking_helpers import (
    JAIL_S,
    STAKE,
    WINDOW,
    check_invariants,
    cons_addr,
    cons_key,
    create_validator,
    ok,
    signing_info,
    staking_chain,
    updates,
    validator,
    valoper,
)

from zrchain.abci import types as abci
from zrchain.x.slashing import keeper as sk

POWER = STAKE // 10**6


@pytest.fixture
def chain(tmp_path):  # type: ignore[no-untyped-def]
    c = staking_chain(tmp_path)
    for i, name in enumerate(("alice", "bob", "carol")):
        w = c.wallets[name]
        ok(c.run(w, [create_validator(w, cons_key(i))]))
    yield c
    c.app.close()


def _votes(missing: set[int] = frozenset()) -> list[tuple[bytes, int, bool]]:  # type: ignore[assignment]
    return [(cons_addr(cons_key(i)), POWER, i not in missing) for i in range(3)]


def _misbehavior(i: int, height: int, time_s: int) -> abci.Misbehavior:
    m = abci.Misbehavior(type=abci.DUPLICATE_VOTE, height=height, total_voting_power=3 * POWER)
    m.validator.address, m.validator.power = cons_addr(cons_key(i)), POWER
    m.time.seconds = time_s
    return m


def test_a_validator_missing_more_than_the_window_allows_is_slashed_and_jailed(chain) -> None:
    carol = chain.wallets["carol"]
    # min_signed_per_window 0.5 of a 10-block window: the 6th miss (once the window has
    # passed since it bonded) jails
    jailed_at = None
    for n in range(WINDOW + 8):
        res = chain.block([], votes=_votes({2}))
        if updates(res).get(cons_key(2)) == 0:
            jailed_at = n
            break
    assert jailed_at is not None, "carol was never jailed"
    v = validator(chain, carol)
    assert v.jailed
    assert int(v.tokensNative) == STAKE - STAKE // 100  # slash_fraction_downtime 1%
    info = signing_info(chain, cons_key(2))
    assert info.jailed_until.seconds == chain.time_s + JAIL_S
    assert info.missed_blocks_counter == 0  # the window starts over
    ev = [e for e in res.events if e.type == "slash"]
    attrs = {a.key: a.value for a in ev[0].attributes}
    assert attrs["reason"] == sk.INFRACTION_DOWNTIME and attrs["power"] == str(POWER)
    check_invariants(chain)

    # unjail too early: refused, nothing changes
    r = chain.run(carol, [stx.MsgUnjail(validator_addr=valoper(carol))])
    assert r.code == sk.ErrValidatorJailed.code and r.codespace == "slashing", r.log
    assert validator(chain, carol).jailed
    # after the jail time: back in the set with its slashed power
    chain.block([], advance_s=JAIL_S + 1)
    r = ok(chain.run(carol, [stx.MsgUnjail(validator_addr=valoper(carol))]))
    assert not validator(chain, carol).jailed
    res = chain.block([])
    # the unjail tx's block returned it; power is 9 (9.9 of stake, truncated)
    check_invariants(chain)


def test_unjail_of_a_validator_that_is_not_jailed_is_refused(chain) -> None:
    alice = chain.wallets["alice"]
    r = chain.run(alice, [stx.MsgUnjail(validator_addr=valoper(alice))])
    assert (r.codespace, r.code) == ("slashing", sk.ErrValidatorNotJailed.code), r.log


def test_double_sign_slashes_tombstones_and_jails_for_good(chain) -> None:
    bob = chain.wallets["bob"]
    h = chain.height
    res = chain.block([], votes=_votes(), misbehavior=[_misbehavior(1, h, chain.time_s)])
    assert updates(res) == {cons_key(1): 0}
    v = validator(chain, bob)
    assert v.jailed and int(v.tokensNative) == STAKE - STAKE * 5 // 100
    info = signing_info(chain, cons_key(1))
    assert info.tombstoned and info.jailed_until.seconds == sk.DOUBLE_SIGN_JAIL_END_S
    check_invariants(chain)
    # the same evidence again changes nothing; unjail never succeeds
    chain.block([], votes=_votes(), misbehavior=[_misbehavior(1, h, chain.time_s)])
    assert int(validator(chain, bob).tokensNative) == STAKE - STAKE * 5 // 100
    chain.block([], advance_s=10 * 365 * 24 * 3600)
    r = chain.run(bob, [stx.MsgUnjail(validator_addr=valoper(bob))])
    assert r.code == sk.ErrValidatorJailed.code, r.log
    assert validator(chain, bob).jailed
    check_invariants(chain)
