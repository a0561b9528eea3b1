"""Outsiders and faulty validators against attested ingestion (issue 19), on an in-process
app with four validators whose consensus keys sign real ed25519 vote-extension signatures:
forged signatures, oversize and malformed extensions, a proposer injecting without proof or
beyond it (a key request or a contract-forwarded Omni call), one omitting an injection the
extensions prove, a replayed injection, and a relayer tx while attestation is on. Each case
asserts the refusal and that no state changed."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from tests.unit.attest.helpers import CAIP_A, Validator, attest_chain, ext, key_item, omni_item
from tests.unit.attest.helpers import finalize as finalize_with
from tests.unit.attest.helpers import process as process_with
from zrchain.abci import types as abci
from zrchain.codec.gen.zrchain.treasury import tx_pb2
from zrchain.testing.inproc import Chain, make_chain
from zrchain.testing.state import assert_unchanged, snapshot_app
from zrchain.x.attest.codec import MAX_EXTENSION_BYTES, Extension, Injection, SignedExtension

VALS = [Validator(i + 1) for i in range(4)]
OWNER = "0xbe27E519A220D4336A5F9d08C7fa542175E30dA0"


@pytest.fixture
def chain(tmp_path: Any) -> Chain:
    return attest_chain(tmp_path / "app")


def signed(chain: Chain, views: list[Extension], height: int | None = None) -> tuple:  # type: ignore[type-arg]
    h = chain.height if height is None else height  # the votes of the last committed height
    return tuple(v.sign("zenrock", h, 0, e.encode()) for v, e in zip(VALS, views, strict=False))


def process(chain: Chain, txs: list[bytes]) -> int:
    return process_with(chain, VALS, txs)


def finalize(chain: Chain, txs: list[bytes]) -> abci.ResponseFinalizeBlock:
    return finalize_with(chain, VALS, txs)


ACCEPT = abci.ResponseProcessProposal.ACCEPT
REJECT = abci.ResponseProcessProposal.REJECT


def stores(chain: Chain) -> Any:
    return snapshot_app(chain.app)


def test_valid_injection_is_accepted_and_ingested_once(chain: Chain) -> None:
    item = key_item(5)
    inj = Injection(0, signed(chain, [ext(item)] * 4), (item,)).encode()
    assert process(chain, [inj]) == ACCEPT
    res = finalize(chain, [inj])
    assert res.tx_results[0].code == 0
    assert [e.type for e in res.tx_results[0].events].count("attested_request") == 1
    assert chain.app.attestation is not None
    ctx = chain.app.committed_context()
    assert chain.app.attestation.module.keeper.ingested(ctx, item.id)


def test_forged_extension_signature_is_rejected_and_changes_nothing(chain: Chain) -> None:
    item = key_item(5)
    votes = list(signed(chain, [ext(item)] * 4))
    votes[1] = SignedExtension(votes[1].pubkey, votes[1].extension, bytes(64))
    inj = Injection(0, tuple(votes), (item,)).encode()
    assert process(chain, [inj]) == REJECT
    before = stores(chain)
    res = finalize(chain, [inj])
    assert res.tx_results[0].code != 0 and "does not verify" in res.tx_results[0].log
    assert_unchanged(before, stores(chain))


def test_signature_by_a_key_that_is_not_the_voters_is_rejected(chain: Chain) -> None:
    item = key_item(5)
    votes = list(signed(chain, [ext(item)] * 4))
    impostor = Validator(77).sign("zenrock", chain.height, 0, ext(item).encode())
    votes[0] = SignedExtension(VALS[0].pubkey, impostor.extension, impostor.signature)
    assert process(chain, [Injection(0, tuple(votes), (item,)).encode()]) == REJECT


@pytest.mark.parametrize(
    "raw",
    [
        b"\x01" + b"\x00" * (MAX_EXTENSION_BYTES + 10),  # oversize
        b"\x07garbage",  # unknown version
        ext(key_item(5)).encode()[:-3],  # truncated
    ],
    ids=["oversize", "bad-version", "truncated"],
)
def test_malformed_or_oversize_extension_is_refused_by_verify(chain: Chain, raw: bytes) -> None:
    before = stores(chain)
    R = abci.ResponseVerifyVoteExtension
    req = abci.RequestVerifyVoteExtension(
        validator_address=VALS[0].address, height=chain.height, vote_extension=raw
    )
    assert chain.app.verify_vote_extension(req).status == R.REJECT
    assert_unchanged(before, stores(chain))


def test_a_differing_view_is_accepted_by_verify(chain: Chain) -> None:
    R = abci.ResponseVerifyVoteExtension
    for raw in (b"", ext(key_item(9, caip2=CAIP_A)).encode()):
        req = abci.RequestVerifyVoteExtension(
            validator_address=VALS[0].address, height=chain.height, vote_extension=raw
        )
        assert chain.app.verify_vote_extension(req).status == R.ACCEPT


def test_proposer_injecting_without_proof_is_rejected(chain: Chain) -> None:
    item = key_item(5)
    before = stores(chain)
    for votes in [(), signed(chain, [ext(item)] * 2)]:  # none; 20 of 40
        inj = Injection(0, votes, (item,)).encode()
        assert process(chain, [inj]) == REJECT
        res = finalize(chain, [inj])
        assert res.tx_results[0].code != 0
    after = stores(chain)
    assert_unchanged(before, after)


def test_proposer_injecting_an_unbacked_request_beside_backed_ones_is_rejected(
    chain: Chain,
) -> None:
    real, fake = key_item(5, 0), key_item(5, 1)
    votes = signed(chain, [ext(real), ext(real), ext(real), ext(real, fake)])
    assert process(chain, [Injection(0, votes, (real, fake)).encode()]) == REJECT
    assert process(chain, [Injection(0, votes, (real,)).encode()]) == ACCEPT


@pytest.mark.parametrize("op", ["new_policy", "set_key_policy", "approve", "reject"])
def test_proposer_injecting_an_unbacked_omni_forward_is_rejected_and_changes_nothing(
    chain: Chain, op: str
) -> None:
    """Only one validator (10 of 40) saw the Omni call: it is not backed, alone or beside a
    backed key request; the block is rejected and, if it were decided, nothing changes."""
    real, fake = key_item(5, 0), omni_item(5, 1, op=op)
    votes = signed(chain, [ext(real), ext(real), ext(real), ext(real, fake)])
    before = stores(chain)
    for items in [(fake,), (real, fake)]:
        inj = Injection(0, votes, items).encode()
        assert process(chain, [inj]) == REJECT
    alone = Injection(0, signed(chain, [ext(fake), ext(), ext(), ext()]), (fake,)).encode()
    assert process(chain, [alone]) == REJECT
    res = finalize(chain, [alone])
    assert res.tx_results[0].code != 0 and "backs nothing" in res.tx_results[0].log
    assert_unchanged(before, stores(chain))


def test_injection_that_is_not_the_first_tx_is_rejected(chain: Chain) -> None:
    item = key_item(5)
    inj = Injection(0, signed(chain, [ext(item)] * 4), (item,)).encode()
    assert process(chain, [b"\x0a\x00", inj]) == REJECT


def test_proposer_omitting_the_injection_when_proof_is_available_is_rejected(
    chain: Chain,
) -> None:
    item = key_item(5)
    R = abci.ResponseVerifyVoteExtension
    for v in VALS:
        req = abci.RequestVerifyVoteExtension(
            validator_address=v.address, height=chain.height, vote_extension=ext(item).encode()
        )
        assert chain.app.verify_vote_extension(req).status == R.ACCEPT
    assert process(chain, []) == REJECT
    inj = Injection(0, signed(chain, [ext(item)] * 4), (item,)).encode()
    assert process(chain, [inj]) == ACCEPT


def test_omission_is_fine_when_the_extensions_back_nothing(chain: Chain) -> None:
    for i, v in enumerate(VALS):
        raw = ext(key_item(5)).encode() if i < 2 else b""
        chain.app.verify_vote_extension(
            abci.RequestVerifyVoteExtension(
                validator_address=v.address, height=chain.height, vote_extension=raw
            )
        )
    assert process(chain, []) == ACCEPT


def test_replayed_injection_is_rejected_and_changes_nothing(chain: Chain) -> None:
    item = key_item(5)
    first = Injection(0, signed(chain, [ext(item)] * 4), (item,)).encode()
    assert finalize(chain, [first]).tx_results[0].code == 0
    before = stores(chain)
    # the same bytes a block later: signed for another height
    assert process(chain, [first]) == REJECT
    # re-signed for the right height: the request is already ingested
    again = Injection(0, signed(chain, [ext(item)] * 4), (item,)).encode()
    assert process(chain, [again]) == REJECT
    res = finalize(chain, [again])
    assert res.tx_results[0].code != 0 and "nothing new" in res.tx_results[0].log
    assert_unchanged(before, stores(chain))


def test_relayer_tx_is_refused_while_attestation_is_on(chain: Chain) -> None:
    relayer = chain.wallets["relayer"]
    msg = tx_pb2.MsgNewKeyRequest(
        creator=relayer.address, ext_requester=OWNER, ext_key_type=60, index=0
    )
    before = stores(chain)
    res = chain.run(relayer, [msg], fee="40000urock")
    assert res.code != 0 and "attestation" in res.log
    assert_unchanged(before, stores(chain), relayer.address, "40000urock", [relayer.address])


def test_forwarded_omni_call_from_the_zrsign_account_is_refused_while_attestation_is_on(
    chain: Chain,
) -> None:
    import hashlib

    from zrchain.codec.gen.zrchain.omni import tx_pb2 as otx

    relayer = chain.wallets["relayer"]
    msg = otx.MsgForwardApproval(
        creator=relayer.address,
        caip2="eip155:1",
        approver=OWNER,
        action_id=1,
        cache_id=hashlib.sha256(b"approval").digest(),
    )
    before = stores(chain)
    res = chain.run(relayer, [msg], fee="40000urock")
    assert res.code != 0 and "attestation" in res.log
    assert_unchanged(before, stores(chain), relayer.address, "40000urock", [relayer.address])


def test_injection_is_rejected_when_attestation_is_off(tmp_path: Any) -> None:
    c = make_chain(
        tmp_path / "off",
        {"x": "1urock"},
        vote_extensions_enable_height=1,
    )
    item = key_item(5)
    inj = Injection(0, signed(c, [ext(item)] * 4), (item,)).encode()
    assert process(c, [inj]) == REJECT


# -- simple-tx quotes (docs/attestation.md, *Simple-tx quotes*) ----------------------------
@pytest.fixture
def quoting(tmp_path: Any) -> Any:
    """A simple-tx request awaiting its quote at a designated anvil block (4 validators)."""
    from tests.unit.attest.simple_tx_world import CAIP_DEST, simple_item, simple_tx_world

    with simple_tx_world(tmp_path) as w:
        item = simple_item(7, "0x" + "cc" * 20, 1)
        w.inject(item, confirmed={CAIP_A: 20, CAIP_DEST: w.dest_block()})
        yield w, item


def _quotes_signed(w: Any, lies: tuple[int | None, ...]) -> tuple[list[bytes], list[Any]]:
    """Each validator's extension from its follower (None: no quote at all) and the quotes."""
    from tests.unit.attest.simple_tx_world import Follower

    exts = [
        w.extend_with(Follower(w.anvil.url, lie=lie)) if lie is not None else b""
        for lie in lies
    ]  # fmt: skip
    quotes = [q for e in exts if e for q in Extension.decode(e).quotes]
    return exts, quotes


def _injection(w: Any, exts: list[bytes], quotes: tuple[Any, ...]) -> bytes:
    votes = tuple(v.sign("zenrock", w.chain.height, 0, e) for v, e in zip(VALS, exts, strict=True))
    return Injection(0, votes, (), quotes).encode()


def test_proposer_injecting_an_unbacked_quote_is_rejected_and_changes_nothing(
    quoting: Any,
) -> None:
    """Two of four validators (20 of 40) read a nonce 5 too high; a proposer injecting their
    quote is refused, so is one injecting a quote nobody attested; decided anyway, nothing
    changes (the request still awaits, no signature request, the nonce book untouched)."""
    w, item = quoting
    exts, quotes = _quotes_signed(w, (0, 0, 5, 5))
    honest, lying = quotes[0], quotes[2]
    assert lying.nonce == honest.nonce + 5
    before = stores(w.chain)
    for quote in (lying, dataclasses.replace(honest, base_fee=honest.base_fee + 1)):
        inj = _injection(w, exts, (quote,))
        assert process_with(w.chain, VALS, [inj]) == REJECT
    inj = _injection(w, exts, (lying,))
    res = finalize_with(w.chain, VALS, [inj])
    assert res.tx_results[0].code != 0 and "backs nothing" in res.tx_results[0].log
    assert_unchanged(before, stores(w.chain))
    att = w.chain.app.attestation
    assert att.module.keeper.awaiting(w.chain.app.committed_context(), item.id) is not None


def test_quote_for_an_unknown_request_or_another_block_is_rejected(quoting: Any) -> None:
    """Backed by all four, but for a request that awaits nothing, or at a block the chain did
    not designate: refused in ProcessProposal, and nothing changes when decided."""
    w, _item = quoting
    exts, quotes = _quotes_signed(w, (0, 0, 0, 0))
    good = quotes[0]
    before = stores(w.chain)
    for bad in (
        dataclasses.replace(good, request=b"\x42" * 32),
        dataclasses.replace(good, block=good.block - 1),
    ):
        forged = Extension((), (bad,)).encode()
        inj = _injection(w, [forged] * 4, (bad,))
        assert process_with(w.chain, VALS, [inj]) == REJECT
        res = finalize_with(w.chain, VALS, [inj])
        assert res.tx_results[0].code != 0
    assert_unchanged(before, stores(w.chain))
    del exts


def test_an_already_quoted_request_cannot_be_quoted_again(quoting: Any) -> None:
    """The first quote builds the request's transaction; the same proof replayed (or a new
    quote) for it is refused: one signature request per simple-tx event."""
    w, item = quoting
    exts, quotes = _quotes_signed(w, (0, 0, 0, 0))
    inj = _injection(w, exts, (quotes[0],))
    assert process_with(w.chain, VALS, [inj]) == ACCEPT
    assert finalize_with(w.chain, VALS, [inj]).tx_results[0].code == 0
    before = stores(w.chain)
    again = _injection(w, exts, (quotes[0],))
    assert process_with(w.chain, VALS, [again]) == REJECT
    assert finalize_with(w.chain, VALS, [again]).tx_results[0].code != 0
    assert_unchanged(before, stores(w.chain))
    del item


def test_proposer_omitting_a_backed_quote_is_rejected(quoting: Any) -> None:
    """The extensions this validator received back a quote: a block without it is refused."""
    w, _item = quoting
    exts, _ = _quotes_signed(w, (0, 0, 0, 0))
    for v, e in zip(VALS, exts, strict=True):
        req = abci.RequestVerifyVoteExtension(
            height=w.chain.height, validator_address=v.address, vote_extension=e
        )
        assert w.chain.app.verify_vote_extension(req).status == 1
    assert process_with(w.chain, VALS, []) == REJECT
