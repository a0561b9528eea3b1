"""EVM accounts as policy participants (docs/policy-language.md, EVM participants): CAIP-10
parsing against eth-utils' EIP-55 encoder, the one stored spelling, the language, matching
approvers and queries, and policies on an in-process chain."""

from __future__ import annotations

import pytest
from eth_account import Account
from eth_utils import to_checksum_address
from hypothesis import given
from hypothesis import strategies as st

from zrchain.chains.caip import (
    Caip10Error,
    EvmAccount,
    canonical_evm_participant,
    check_canonical,
    parse_evm_account,
)
from zrchain.codec.gen.zrchain.policy import query_pb2 as pq
from zrchain.errors import ChainError
from zrchain.testing.identity_policy import (
    PQ,
    bool_policy,
    chain,
    fails,
    module_state,
    new_policy,
)
from zrchain.x.policy import expr
from zrchain.x.policy.policies import BoolPolicy

__all__ = ["chain"]

A = Account.from_key(b"\x01" * 32).address  # checksummed by eth-account itself
B = Account.from_key(b"\x02" * 32).address
C = Account.from_key(b"\x03" * 32).address

addresses = st.binary(min_size=20, max_size=20)
chain_ids = st.integers(min_value=1, max_value=2**64 - 1)


@given(addresses, st.none() | chain_ids)
def test_canonical_spelling_is_eip55_and_round_trips(raw: bytes, cid: int | None) -> None:
    checksummed = to_checksum_address(raw)
    lower = "0x" + raw.hex()
    written = f"eip155:{lower}" if cid is None else f"eip155:{cid}:{lower}"
    expected = f"eip155:{checksummed}" if cid is None else f"eip155:{cid}:{checksummed}"
    assert canonical_evm_participant(written) == expected
    upper = written.replace(lower, "0x" + lower[2:].upper())
    assert canonical_evm_participant(upper) == expected
    acc = parse_evm_account(expected)
    assert (acc.address, acc.chain_id) == (lower, cid)
    assert check_canonical(expected) == acc


@pytest.mark.parametrize(
    "text",
    [
        "",
        "eip155",
        "eip155:",
        f"eip155:{A[:-1]}",  # 39 hex
        f"eip155:{A}0",  # 41 hex
        f"eip155:0:{A}",  # chain 0
        f"eip155:01:{A}",  # leading zero
        f"eip155:{2**64}:{A}",  # beyond uint64
        f"eip155:-1:{A}",
        f"eip155:1:{A}:x",
        f"EIP155:1:{A}",
        f"cosmos:zenrock:{A}",
        f"eip155:1:{A[:2]}{A[2:].swapcase()}",  # mixed case, wrong checksum
        f"eip155:0x{A[2:]}\n",
    ],
)
def test_malformed_caip10_is_refused(text: str) -> None:
    with pytest.raises(Caip10Error):
        parse_evm_account(text)


def test_non_canonical_spelling_is_refused_with_the_right_one() -> None:
    with pytest.raises(Caip10Error, match=f"must be written 'eip155:1:{A}'"):
        check_canonical(f"eip155:1:{A.lower()}")


def test_covers_same_address_on_meeting_chains() -> None:
    anyc, one, two = (EvmAccount(A.lower(), c) for c in (None, 1, 2))
    assert anyc.covers(one) and one.covers(anyc) and one.covers(one)
    assert not one.covers(two)
    assert not EvmAccount(B.lower(), 1).covers(one)


def test_language_reads_evm_participants() -> None:
    d = f"eip155:1:{A} + eip155:{B} + eip155:137:{C} > 1"
    parsed = expr.parse(d)
    assert expr.participants(parsed) == (f"eip155:1:{A}", f"eip155:{B}", f"eip155:137:{C}")
    assert not expr.evaluate(parsed, {f"eip155:1:{A}"})
    assert expr.evaluate(parsed, {f"eip155:1:{A}", f"eip155:{B}"})


@pytest.mark.parametrize(
    "definition",
    [f"eip155:1:{A}x > 0", f"eip155:1:{A[:-2]} > 0", "eip155:1: > 0", f"eip155:{A}: > 0"],
)
def test_language_refuses_malformed_evm_tokens(definition: str) -> None:
    with pytest.raises(expr.PolicyParseError, match="EVM accounts are written"):
        expr.parse(definition)


def _policy(definition: str, *participants: str) -> BoolPolicy:
    return BoolPolicy(definition, participants)


def test_policy_validate_wants_the_one_spelling() -> None:
    lower = f"eip155:1:{A.lower()}"
    with pytest.raises(ChainError, match="must be written"):
        _policy(f"{lower} > 0", lower).validate()
    _policy(f"eip155:1:{A} > 0", f"eip155:1:{A}").validate()


def test_policy_names_an_evm_address_once() -> None:
    p = _policy(f"eip155:1:{A} + eip155:{A} > 0", f"eip155:1:{A}", f"eip155:{A}")
    with pytest.raises(ChainError, match="named twice"):
        p.validate()


def test_approver_matching() -> None:
    p = _policy(f"eip155:1:{A} + eip155:{B} > 1", f"eip155:1:{A}", f"eip155:{B}")
    assert p.address_to_participant(f"eip155:1:{A.lower()}") == f"eip155:1:{A}"
    assert p.address_to_participant(f"eip155:{A}") == f"eip155:1:{A}"  # a signature: any chain
    assert p.address_to_participant(f"eip155:5:{B}") == f"eip155:{B}"  # B on any chain
    for outsider in (f"eip155:5:{A}", f"eip155:{C}", "eip155:nonsense"):
        with pytest.raises(ChainError):
            p.address_to_participant(outsider)


def test_new_policy_with_evm_participants_and_query(chain) -> None:
    a = chain.wallets["alice"]
    parts = [a.address, f"eip155:1:{A}", f"eip155:{B}"]
    pid = new_policy(chain, a, " + ".join(parts) + " > 1", parts)
    req = pq.QueryPolicyByIdRequest(id=pid)
    stored = chain.q(PQ + "PolicyById", req, pq.QueryPolicyByIdResponse)
    assert list(stored.policy.policy.policy.value) != []
    assert stored.policy.policy.id == pid


def test_new_policy_with_a_malformed_evm_participant_changes_nothing(chain) -> None:
    from zrchain.codec.any import pack
    from zrchain.codec.gen.zrchain.policy import tx_pb2 as ptx

    a = chain.wallets["alice"]
    before = module_state(chain, "policy")
    for bad in (f"eip155:1:{A.lower()}", f"eip155:01:{A}"):
        msg = ptx.MsgNewPolicy(
            creator=a.address, name="p", policy=pack(bool_policy(f"{bad} > 0", [bad]))
        )
        res = chain.run(a, [msg])
        fails(res, 1, "undefined")
    assert module_state(chain, "policy") == before
