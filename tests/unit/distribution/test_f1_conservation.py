"""F1 neither creates nor loses a urock: random delegate / undelegate / slash / withdraw
sequences on an in-process chain keep the distribution account equal to the community pool
plus outstanding rewards exactly (DecCoins summed with all 18 decimals), supply equal to
balances, and supply moving by exactly what the block minted less what it burned (x/mint
runs with its defaults: it mints inflation and burns a share of the fees; slashing burns).
Once everyone has withdrawn, what stays outstanding is truncation dust: under one urock per
delegation."""

from __future__ import annotations

import tempfile
from pathlib import Path

from cosmpy.protos.cosmos.distribution.v1beta1 import query_pb2 as dq
from cosmpy.protos.cosmos.distribution.v1beta1 import tx_pb2 as dtx
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.unit.validation.staking_helpers import (
    check_invariants,
    coin,
    cons_addr,
    cons_key,
    create_validator,
    staking_chain,
    valoper,
)
from zrchain.abci import types as abci
from zrchain.codec.dec import Dec
from zrchain.codec.gen.zrchain.validation import tx_pb2 as vtx

VALIDATORS = ("alice", "bob")
DELEGATORS = ("carol", "dave", "alice")
DQ = "/cosmos.distribution.v1beta1.Query/"

op = st.one_of(
    st.tuples(st.just("delegate"), st.sampled_from(DELEGATORS), st.integers(0, 1),
              st.integers(1, 3_000_000)),
    st.tuples(st.just("undelegate"), st.sampled_from(DELEGATORS), st.integers(0, 1),
              st.integers(1, 3_000_000)),
    st.tuples(st.just("withdraw"), st.sampled_from(DELEGATORS), st.integers(0, 1), st.just(0)),
    st.tuples(st.just("commission"), st.just(""), st.integers(0, 1), st.just(0)),
    st.tuples(st.just("slash"), st.just(""), st.integers(0, 1), st.just(0)),
    st.tuples(st.just("fees"), st.sampled_from(DELEGATORS), st.just(0),
              st.integers(1, 10_000_000)),
)  # fmt: skip


def _votes() -> list[tuple[bytes, int, bool]]:
    return [(cons_addr(cons_key(i)), 10 + 3 * i, True) for i in range(len(VALIDATORS))]


def _supply(chain) -> int:  # type: ignore[no-untyped-def]
    from cosmpy.protos.cosmos.bank.v1beta1 import query_pb2 as bq

    return int(
        chain.q(
            "/cosmos.bank.v1beta1.Query/SupplyOf",
            bq.QuerySupplyOfRequest(denom="urock"),
            bq.QuerySupplyOfResponse,
        ).amount.amount
    )


def _urock(events, kind: str) -> int:  # type: ignore[no-untyped-def]
    """urock in the bank's ``coinbase`` (minted) or ``burn`` events."""
    total = 0
    for e in events:
        if e.type == kind:
            for a in e.attributes:
                if a.key == "amount" and a.value.endswith("urock"):
                    total += int(a.value.removesuffix("urock"))
    return total


MINTED: list[int] = []  # per block: urock minted less urock burned
COINBASE: list[int] = []  # per block: urock minted


def _block(chain, name: str, msgs, fee: int = 2000, misbehavior=(), voted=True):  # type: ignore[no-untyped-def]
    w = chain.wallets[name]
    raw = chain.tx(w, msgs, fee=f"{fee}urock", gas=600_000) if msgs else None
    votes = _votes() if voted else []  # no votes: the block's fees go to the community pool
    res = chain.block([raw] if raw else [], votes=votes, misbehavior=misbehavior)
    events = [*res.events, *(e for r in res.tx_results for e in r.events)]
    minted = _urock(events, "coinbase")
    assert minted == sum(  # only x/mint mints, and its event says how much
        int(a.value) for e in res.events if e.type == "mint"
        for a in e.attributes if a.key == "amount"
    )  # fmt: skip
    MINTED.append(minted - _urock(events, "burn"))
    COINBASE.append(minted)
    if raw is not None:
        w.sequence += 1  # a tx that passed ante spends its sequence whether or not it ran
    return res


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    phases=[Phase.explicit, Phase.generate],  # a chain per example: shrinking would take minutes
)
@given(st.lists(op, min_size=4, max_size=14))
def test_no_urock_is_created_or_lost(ops: list[tuple[str, str, int, int]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        chain = staking_chain(Path(tmp), mint=True)
        try:
            _run(chain, ops)
        finally:
            chain.app.close()


def _run(chain, ops) -> None:  # type: ignore[no-untyped-def]
    for i, name in enumerate(VALIDATORS):
        w = chain.wallets[name]
        _block(chain, name, [create_validator(w, cons_key(i), 5_000_000 + i)], fee=40_000)
    vals = [valoper(chain.wallets[n]) for n in VALIDATORS]
    supply = _supply(chain)
    minted_total = 0
    slashed: set[int] = set()
    for kind, who, v, amount in ops:
        if kind == "delegate":
            _block(
                chain,
                who,
                [
                    vtx.MsgDelegate(
                        delegator_address=chain.wallets[who].address,
                        validator_address=vals[v],
                        amount=coin(amount),
                    )
                ],
            )
        elif kind == "undelegate":
            _block(
                chain,
                who,
                [
                    vtx.MsgUndelegate(
                        delegator_address=chain.wallets[who].address,
                        validator_address=vals[v],
                        amount=coin(amount),
                    )
                ],
            )
        elif kind == "withdraw":
            _block(
                chain,
                who,
                [
                    dtx.MsgWithdrawDelegatorReward(
                        delegator_address=chain.wallets[who].address, validator_address=vals[v]
                    )
                ],
            )
        elif kind == "commission":
            _block(
                chain,
                VALIDATORS[v],
                [dtx.MsgWithdrawValidatorCommission(validator_address=vals[v])],
            )
        elif kind == "slash" and slashed:
            _block(chain, "carol", [])  # one double-sign per run: the set never empties
        elif kind == "slash":
            slashed.add(v)
            m = abci.Misbehavior(
                type=abci.DUPLICATE_VOTE, height=chain.height, total_voting_power=23
            )
            m.validator.address, m.validator.power = cons_addr(cons_key(v)), 10 + 3 * v
            m.time.seconds = chain.time_s
            _block(chain, "carol", [], misbehavior=[m])
        else:
            _block(
                chain,
                who,
                [
                    vtx.MsgDelegate(
                        delegator_address=chain.wallets[who].address,
                        validator_address=vals[0],
                        amount=coin(1),
                    )
                ],
                fee=amount,
            )
        check_invariants(chain)
        now = _supply(chain)
        assert now == supply + MINTED[-1], "supply moved by other than minted - burned"
        minted_total += COINBASE[-1]  # net of burns it can be <= 0 in every block (slashes)
        supply = now
    assert minted_total > 0, "x/mint minted nothing: the check above proved little"
    # everyone withdraws (in blocks without votes: nothing new is allocated meanwhile);
    # what stays outstanding is truncation dust and the commission's fraction
    for name in dict.fromkeys(DELEGATORS + VALIDATORS):
        w = chain.wallets[name]
        for r in chain.q(
            DQ + "DelegationTotalRewards",
            dq.QueryDelegationTotalRewardsRequest(delegator_address=w.address),
            dq.QueryDelegationTotalRewardsResponse,
        ).rewards:
            _block(
                chain,
                name,
                [
                    dtx.MsgWithdrawDelegatorReward(
                        delegator_address=w.address, validator_address=r.validator_address
                    )
                ],
                voted=False,
            )
    for i, name in enumerate(VALIDATORS):
        _block(
            chain,
            name,
            [dtx.MsgWithdrawValidatorCommission(validator_address=vals[i])],
            voted=False,
        )
    check_invariants(chain)
    for i in range(len(VALIDATORS)):
        out = chain.q(
            DQ + "ValidatorOutstandingRewards",
            dq.QueryValidatorOutstandingRewardsRequest(validator_address=vals[i]),
            dq.QueryValidatorOutstandingRewardsResponse,
        ).rewards.rewards
        for c in out:
            assert Dec(0) <= Dec.from_atomics(c.amount) < Dec.of(len(DELEGATORS) + 2), c
