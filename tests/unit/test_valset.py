"""Validator updates: merged per key per block, never one CometBFT would refuse.

CometBFT halts every node for good when FinalizeBlock returns an update it refuses (the
issue: an add and a remove of one key in one tx returned "remove <unknown key>"). The rules
below are CometBFT v0.38's (``state.validateValidatorUpdates`` and
``ValidatorSet.updateWithChangeSet``), written as our own model; every block's response is
applied to it and must be accepted, whatever is proposed (x/validation's end block is the
proposer in the node; tests/unit/validation drive it with staking txs).
"""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zrchain.valset import MAX_TOTAL_VOTING_POWER, ValidatorSet, merge_updates

KEYS = [
    Ed25519PrivateKey.from_private_bytes(bytes([i + 1]) * 32).public_key().public_bytes_raw()
    for i in range(6)
]
GENESIS = [(KEYS[0], 10), (KEYS[1], 10)]


class CometRefused(Exception):
    pass


def comet_apply(vals: dict[bytes, int], updates: list[tuple[bytes, int]]) -> dict[bytes, int]:
    """CometBFT's acceptance rules for one FinalizeBlock's validator updates."""
    seen: set[bytes] = set()
    for pk, power in updates:
        if power < 0:
            raise CometRefused("voting power can't be negative")
        if pk in seen:
            raise CometRefused("duplicate entry")
        if power > MAX_TOTAL_VOTING_POWER:
            raise CometRefused("voting power can't be higher than MaxTotalVotingPower")
        seen.add(pk)
    removals = [pk for pk, p in updates if p == 0]
    changes = [(pk, p) for pk, p in updates if p > 0]
    if not [pk for pk, _ in changes if pk not in vals] and len(vals) == len(removals):
        raise CometRefused("applying the validator changes would result in empty set")
    for pk in removals:
        if pk not in vals:
            raise CometRefused(f"failed to find validator {pk.hex()} to remove")
    total = sum(vals.values()) - sum(vals[pk] for pk in removals)
    for delta in sorted(p - vals.get(pk, 0) for pk, p in changes):
        total += delta
        if total > MAX_TOTAL_VOTING_POWER:
            raise CometRefused("total voting power overflow")
    out = {**vals, **dict(changes)}
    for pk in removals:
        del out[pk]
    return out


class Set:
    """The ValidatorSet keeper over a real store branch, one block at a time."""

    def __init__(self) -> None:
        from zrchain.context import Context, Mode
        from zrchain.store.kv import Branch

        class _Empty:
            def get(self, key: bytes) -> None:
                return None

            def iterate(self, start=None, end=None, reverse=False):  # type: ignore[no-untyped-def]
                return iter(())

        self.state = Branch(_Empty())
        self.ctx = Context(root=self.state, mode=Mode.FINALIZE, metered=False)
        self.vs = ValidatorSet()
        self.vs.init_genesis(self.ctx, list(GENESIS))

    def block(self, txs: list[list[tuple[int, int]]]) -> list[tuple[bytes, int]]:
        """Each tx proposes its (key, power) changes in a branch kept only if all pass."""
        from zrchain.errors import ChainError

        for tx in txs:
            child, branch = self.ctx.branch()
            try:
                for k, p in tx:
                    self.vs.propose(child, KEYS[k], p)
            except ChainError:
                continue
            branch.write()
        return self.vs.take_block_updates(self.ctx)

    def current(self) -> dict[bytes, int]:
        return dict(self.vs.validators(self.ctx))


@pytest.fixture
def vset() -> Set:
    return Set()


def test_add_and_remove_of_one_key_in_one_tx_is_no_update(vset) -> None:
    assert vset.block([[(3, 10), (3, 0)]]) == []
    assert vset.current() == dict(GENESIS)


def test_add_and_remove_in_two_txs_of_one_block_is_no_update(vset) -> None:
    assert vset.block([[(3, 10)], [(3, 0)]]) == []


def test_updates_of_one_key_merge_to_the_last_power(vset) -> None:
    assert vset.block([[(3, 10), (3, 7)], [(0, 4)]]) == sorted([(KEYS[3], 7), (KEYS[0], 4)])
    assert vset.current() == {KEYS[0]: 4, KEYS[1]: 10, KEYS[3]: 7}
    assert vset.block([[(3, 0)]]) == [(KEYS[3], 0)]  # a later block removes it


def test_restoring_the_power_comet_has_is_no_update(vset) -> None:
    assert vset.block([[(0, 99), (0, 10)]]) == []


def test_what_comet_would_refuse_is_refused_with_its_reason(vset) -> None:
    from zrchain.errors import ChainError

    cases = [
        ([(4, 0)], f"failed to find validator {KEYS[4].hex().upper()} to remove"),
        ([(0, 0), (1, 0)], "applying the validator changes would result in empty set"),
        (
            [(0, MAX_TOTAL_VOTING_POWER)],
            f"total voting power of resulting valset exceeds max {MAX_TOTAL_VOTING_POWER}",
        ),
        ([(3, 5), (5, 0)], "failed to find validator"),  # the tx fails as a whole
    ]
    for changes, text in cases:
        child, _ = vset.ctx.branch()
        with pytest.raises(ChainError) as err:
            for k, p in changes:
                vset.vs.propose(child, KEYS[k], p)
        assert (err.value.codespace, err.value.code) == ("valset", 2)
        assert text in err.value.log
        assert vset.block([changes]) == []
    assert vset.current() == dict(GENESIS)


def test_merge_updates_keeps_the_last_write_per_key() -> None:
    a, b = KEYS[0], KEYS[1]
    assert merge_updates([(b, 1), (a, 2), (b, 0), (a, 3)]) == sorted([(a, 3), (b, 0)])


ops = st.lists(  # blocks of txs of (key, power) proposals
    st.lists(
        st.lists(
            st.tuples(st.integers(0, 5), st.sampled_from([0, 0, 1, 10, MAX_TOTAL_VOTING_POWER])),
            min_size=1,
            max_size=4,
        ),
        max_size=3,
    ),
    min_size=1,
    max_size=4,
)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops)
def test_comet_accepts_every_block_whatever_is_proposed(blocks) -> None:
    vset = Set()
    comet = dict(GENESIS)
    for block in blocks:
        updates = vset.block(block)
        comet = comet_apply(comet, updates)  # raises where CometBFT would halt
        assert vset.current() == comet
