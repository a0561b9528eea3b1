"""Counting attestations and checking an injection's proof, with real ed25519 signatures."""

from __future__ import annotations

import pytest

from tests.unit.attest.helpers import CAIP_A, Validator, ext, key_item
from zrchain.x.attest.codec import Extension, Injection, NetworkView, SignedExtension
from zrchain.x.attest.proof import Attestation, ProofError, check_injection, tally
from zrchain.x.attest.signbytes import vote_extension_sign_bytes

CHAIN = "zenrock"
H = 41
VALS = [Validator(i + 1) for i in range(4)]
NONE_INGESTED = lambda _i: False  # noqa: E731


def signed(views: list[Extension], round_: int = 0) -> tuple[SignedExtension, ...]:
    return tuple(v.sign(CHAIN, H, round_, e.encode()) for v, e in zip(VALS, views, strict=False))


def check(inj: Injection, commit_round: int = 0, ingested=NONE_INGESTED):  # type: ignore[no-untyped-def]
    return check_injection(
        inj,
        chain_id=CHAIN,
        height=H,
        commit_round=commit_round,
        commit=[v.vote() for v in VALS],
        ingested=ingested,
    )


def test_sign_bytes_are_cometbft_canonical_vote_extension_delimited() -> None:
    # CanonicalVoteExtension{extension=1 bytes, height=2 sfixed64, round=3 sfixed64,
    # chain_id=4 string}, uvarint length-prefixed (protoio.MarshalDelimited)
    got = vote_extension_sign_bytes("zenrock", 5, 1, b"\xab")
    body = (
        b"\x0a\x01\xab"
        + b"\x11" + (5).to_bytes(8, "little")
        + b"\x19" + (1).to_bytes(8, "little")
        + b"\x22\x07zenrock"
    )  # fmt: skip
    assert got == bytes([len(body)]) + body
    # proto3: zero round and empty extension are left out
    short = b"\x0c\x11" + (1).to_bytes(8, "little") + b"\x22\x01c"
    assert vote_extension_sign_bytes("c", 1, 0, b"") == short


def test_three_of_four_back_an_item_two_do_not() -> None:
    a, b = key_item(5), key_item(6)
    views = [ext(a, b), ext(a, b), ext(a), ext()]
    atts = [Attestation(v.address, v.power, e) for v, e in zip(VALS, views, strict=True)]
    result = tally(atts, 40, NONE_INGESTED)
    assert result.items == [a]  # 30/40 > 2/3; b has 20/40


def test_exactly_two_thirds_is_not_enough() -> None:
    a = key_item(5)
    atts = [Attestation(b"x", 2, ext(a)), Attestation(b"y", 1, ext())]
    assert tally(atts, 3, NONE_INGESTED).items == []


def test_absent_validators_count_in_the_total() -> None:
    a = key_item(5)
    atts = [Attestation(v.address, v.power, ext(a)) for v in VALS[:2]]
    assert tally(atts, 40, NONE_INGESTED).items == []


def test_a_fabricated_item_is_outvoted_and_recorded_as_dissent() -> None:
    real, fake = key_item(5, 0), key_item(5, 1)
    views = [ext(real), ext(real), ext(real), ext(real, fake)]
    atts = [Attestation(v.address, v.power, e) for v, e in zip(VALS, views, strict=True)]
    result = tally(atts, 40, NONE_INGESTED)
    assert result.items == [real]
    assert [(d.address, d.item_ids) for d in result.dissent] == [(VALS[3].address, [fake.id])]


def test_an_item_the_majority_has_not_reached_yet_is_no_dissent() -> None:
    a, ahead = key_item(5), key_item(9)
    views = [ext(a, confirmed=6), ext(a, confirmed=6), ext(a, confirmed=6), ext(a, ahead)]
    atts = [Attestation(v.address, v.power, e) for v, e in zip(VALS, views, strict=True)]
    assert tally(atts, 40, NONE_INGESTED).dissent == []


def test_valid_injection_is_accepted() -> None:
    a = key_item(5)
    inj = Injection(0, signed([ext(a)] * 4), (a,))
    assert check(inj).items == [a]


def test_forged_signature_is_refused() -> None:
    a = key_item(5)
    votes = list(signed([ext(a)] * 4))
    votes[0] = SignedExtension(votes[0].pubkey, votes[0].extension, bytes(64))
    with pytest.raises(ProofError, match="does not verify"):
        check(Injection(0, tuple(votes), (a,)))


def test_signature_of_another_round_or_chain_is_refused() -> None:
    a = key_item(5)
    with pytest.raises(ProofError, match="does not verify"):
        check(Injection(1, signed([ext(a)] * 4, round_=0), (a,)), commit_round=1)
    with pytest.raises(ProofError, match="round"):
        check(Injection(0, signed([ext(a)] * 4), (a,)), commit_round=1)


def test_unbacked_item_injected_is_refused() -> None:
    a, fake = key_item(5), key_item(6)
    inj = Injection(0, signed([ext(a), ext(a), ext(a), ext(a, fake)]), (a, fake))
    with pytest.raises(ProofError, match="differ"):
        check(inj)


def test_omitting_a_backed_item_from_the_list_is_refused() -> None:
    a, b = key_item(5), key_item(6)
    with pytest.raises(ProofError, match="differ"):
        check(Injection(0, signed([ext(a, b)] * 4), (a,)))


def test_duplicate_vote_or_stranger_is_refused() -> None:
    a = key_item(5)
    votes = signed([ext(a)] * 4)
    with pytest.raises(ProofError, match="twice"):
        check(Injection(0, (votes[0], votes[0], votes[1], votes[2]), (a,)))
    stranger = Validator(99).sign(CHAIN, H, 0, ext(a).encode())
    with pytest.raises(ProofError, match="no precommit"):
        check(Injection(0, (*votes[:2], stranger), (a,)))


def test_replayed_injection_backs_nothing_new() -> None:
    a = key_item(5)
    inj = Injection(0, signed([ext(a)] * 4), (a,))
    with pytest.raises(ProofError, match="nothing new"):
        check(inj, ingested=lambda i: i == a.id)


def test_empty_network_view_digest() -> None:
    assert NetworkView(CAIP_A, 0).digest == NetworkView(CAIP_A, 3).digest
