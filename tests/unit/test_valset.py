"""Validator updates: merged per key per block, never one CometBFT would refuse.

CometBFT halts every node for good when FinalizeBlock returns an update it refuses (the
issue: an add and a remove of one key in one tx returned "remove <unknown key>"). The rules
below are CometBFT v0.38's (``state.validateValidatorUpdates`` and
``ValidatorSet.updateWithChangeSet``), written as our own model; every block's response is
applied to it and must be accepted, whatever the authority sends.
"""

from __future__ import annotations

import tempfile

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zrchain.codec.gen.zrchain.validators import validators_pb2 as pb
from zrchain.testing.inproc import Chain, make_chain
from zrchain.valset import MAX_TOTAL_VOTING_POWER, merge_updates

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


def _authority_state(state: dict) -> None:
    import coincurve

    from zrchain.testing.inproc import Wallet

    state["validators"]["params"]["authority"] = Wallet(
        coincurve.PrivateKey(bytes([1]) * 32)
    ).address


def new_chain(path) -> Chain:
    return make_chain(
        path, {"authority": "10000000000urock"}, app_state=_authority_state, validators=GENESIS
    )


def set_val(chain: Chain, key: int, power: int, name: str = "") -> pb.MsgSetValidator:
    return pb.MsgSetValidator(
        authority=chain.wallets["authority"].address, pub_key=KEYS[key], power=power, name=name
    )


def run_block(chain: Chain, txs_msgs: list[list[pb.MsgSetValidator]]):
    w = chain.wallets["authority"]
    txs = []
    for msgs in txs_msgs:
        txs.append(chain.tx(w, msgs, fee="40000urock", gas=400_000))
        w.sequence += 1
    res = chain.block(txs)
    w.sequence = chain.account(w.address).sequence
    updates = [(bytes(u.pub_key.ed25519), int(u.power)) for u in res.validator_updates]
    return res, updates


def chain_set(chain: Chain) -> dict[bytes, int]:
    from zrchain.abci import types as abci

    raw = chain.app.query(
        abci.RequestQuery(
            path="/zrchain.validators.Query/Validators",
            data=pb.QueryValidatorsRequest().SerializeToString(),
        )
    )
    vals = pb.QueryValidatorsResponse.FromString(raw.value).validators
    return {bytes(v.pub_key): int(v.power) for v in vals}


@pytest.fixture
def chain(tmp_path):
    c = new_chain(tmp_path / "db")
    yield c
    c.app.close()


def test_add_and_remove_of_one_key_in_one_tx_is_no_update(chain) -> None:
    res, updates = run_block(chain, [[set_val(chain, 3, 10), set_val(chain, 3, 0)]])
    assert res.tx_results[0].code == 0, res.tx_results[0].log
    assert updates == []
    assert chain_set(chain) == dict(GENESIS)


def test_add_and_remove_in_two_txs_of_one_block_is_no_update(chain) -> None:
    res, updates = run_block(chain, [[set_val(chain, 3, 10)], [set_val(chain, 3, 0)]])
    assert [r.code for r in res.tx_results] == [0, 0]
    assert updates == []


def test_updates_of_one_key_merge_to_the_last_power(chain) -> None:
    _, updates = run_block(
        chain, [[set_val(chain, 3, 10), set_val(chain, 3, 7)], [set_val(chain, 0, 4)]]
    )
    assert updates == sorted([(KEYS[3], 7), (KEYS[0], 4)])
    assert chain_set(chain) == {KEYS[0]: 4, KEYS[1]: 10, KEYS[3]: 7}
    _, updates = run_block(chain, [[set_val(chain, 3, 0)]])  # a later block removes it
    assert updates == [(KEYS[3], 0)]


def test_restoring_the_power_comet_has_is_no_update(chain) -> None:
    _, updates = run_block(chain, [[set_val(chain, 0, 99), set_val(chain, 0, 10)]])
    assert updates == []


def test_what_comet_would_refuse_fails_the_tx_and_leaves_no_update(chain) -> None:
    cases = [
        ([set_val(chain, 4, 0)], f"failed to find validator {KEYS[4].hex().upper()} to remove"),
        (
            [set_val(chain, 0, 0), set_val(chain, 1, 0)],
            "applying the validator changes would result in empty set",
        ),
        (
            [set_val(chain, 0, MAX_TOTAL_VOTING_POWER)],
            f"total voting power of resulting valset exceeds max {MAX_TOTAL_VOTING_POWER}",
        ),
        # the first message is fine; the tx fails as a whole and so does its proposal
        ([set_val(chain, 3, 5), set_val(chain, 5, 0)], "failed to find validator"),
    ]
    for msgs, text in cases:
        res, updates = run_block(chain, [msgs])
        r = res.tx_results[0]
        assert (r.codespace, r.code) == ("valset", 2), r.log
        assert text in r.log
        assert updates == []
    assert chain_set(chain) == dict(GENESIS)


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


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops)
def test_comet_accepts_every_block_whatever_the_authority_sends(blocks) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        chain = new_chain(tmp)
        try:
            comet = dict(GENESIS)
            for block in blocks:
                _, updates = run_block(
                    chain, [[set_val(chain, k, p) for k, p in tx] for tx in block]
                )
                comet = comet_apply(comet, updates)  # raises where CometBFT would halt
                assert chain_set(chain) == comet
        finally:
            chain.app.close()
