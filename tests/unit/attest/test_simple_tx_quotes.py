"""zrSignSimpleTx under attestation (docs/attestation.md, *Simple-tx quotes*): the event is
ingested as a request awaiting a quote at a destination block the chain designates; the
followers read the wallet's nonce and the base fee at that block from a real EVM (anvil);
the quote > 2/3 of the power back is injected and the chain builds the unsigned EIP-1559
transaction with the relayer path's builder — the same bytes the relayer's converter makes
from the same destination state — and creates the signature request once."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from evm_bridge.daemon import NonceBook, simple_tx_converter
from tests.unit.attest.helpers import CAIP_A, finalize, process
from tests.unit.attest.simple_tx_world import (
    ACCEPT,
    CAIP_DEST,
    SENT,
    VALS,
    WALLET,
    Follower,
    World,
    events,
    simple_ingest,
    simple_item,
    simple_tx_world,
)
from zrchain.codec.gen.zrchain.treasury import query_pb2 as q
from zrchain.evm.simple_tx import decode_simple_tx, rule_gas
from zrchain.x.attest.codec import Extension, Injection

TO = "0x" + "cc" * 20


@pytest.fixture
def world(tmp_path: Any) -> Any:
    with simple_tx_world(tmp_path) as w:
        yield w


def awaiting(w: World, *items: Any) -> int:
    """Ingest simple-tx ``items``: they await a quote at the destination's block > 2/3 say
    they saw complete (anvil's head now)."""
    block = w.dest_block()
    res = w.inject(*items, confirmed={CAIP_A: max(i.block_number for i in items), CAIP_DEST: block})
    outs = events(res, "attested_request")
    assert [o["outcome"] for o in outs] == ["awaiting_quote"] * len(items)
    assert all(o["reason"] == f"{CAIP_DEST} block {block}" for o in outs)
    return block


def quote_round(w: World, lies: tuple[int, ...] = (0, 0, 0, 0)) -> Any:
    """Each validator's ExtendVote with its own follower (``lies``: how far its nonce is off);
    the proposer's PrepareProposal, ProcessProposal, FinalizeBlock."""
    exts = [w.extend_with(Follower(w.anvil.url, lie=lie)) for lie in lies]
    txs = w.prepare(exts)
    assert txs, "nothing to inject"
    assert process(w.chain, VALS, txs[:1]) == ACCEPT
    res = finalize(w.chain, VALS, txs[:1]).tx_results[0]
    assert res.code == 0, res.log
    return Injection.decode(txs[0]), res


def sign_tx_request(w: World, rid: int) -> Any:
    return w.chain.q(
        "/zrchain.treasury.Query/SignTransactionRequestByID",
        q.QuerySignTransactionRequestByIDRequest(id=rid),
        q.QuerySignTransactionRequestByIDResponse,
    ).sign_transaction_request


def test_agreed_quote_becomes_the_relayer_paths_transaction_and_one_signature_request(
    world: World,
) -> None:
    item = simple_item(7, TO, 12345)
    block = awaiting(world, item)
    inj, res = quote_round(world)
    [quote] = inj.quotes
    header = world.anvil.rpc("eth_getBlockByNumber", [hex(block), False])
    assert (quote.block, quote.nonce) == (block, SENT)
    assert quote.base_fee == int(header["baseFeePerGas"], 16)
    assert quote.block_hash.hex() == header["hash"][2:]
    # the relayer path's converter, reading the same (unchanged) destination state
    relayer = simple_tx_converter(lambda c: world.anvil.url if c == CAIP_DEST else None,
                                  NonceBook())  # fmt: skip
    expected = relayer(simple_ingest(7, TO, 12345, dst_caip2=CAIP_DEST), WALLET)
    [quoted] = events(res, "simple_tx_quoted")
    assert "0x" + quoted["tx"] == expected
    assert quoted["nonce"] == str(SENT)
    created = [o for o in events(res, "attested_request") if o["outcome"] == "created"]
    assert len(created) == 1
    assert bytes(sign_tx_request(world, 1).unsigned_transaction).hex() == expected[2:]
    # exactly once: the request no longer awaits, no follower is asked again, nothing injects
    assert Extension.decode(world.extend_with(Follower(world.anvil.url))).quotes == ()
    assert world.prepare([b""] * 4) == []


def test_a_validator_with_a_different_quote_is_outvoted(world: World) -> None:
    awaiting(world, simple_item(7, TO, 1))
    inj, res = quote_round(world, lies=(0, 0, 0, 5))
    [quote] = inj.quotes
    assert quote.nonce == SENT
    assert events(res, "simple_tx_quoted")[0]["nonce"] == str(SENT)


def test_two_quotes_of_the_same_wallet_at_the_same_block_get_consecutive_nonces(
    world: World,
) -> None:
    a, b = simple_item(7, TO, 1), simple_item(8, TO, 2, data=b"\x01\x00\x02")
    awaiting(world, a, b)
    inj, res = quote_round(world)
    assert [q.nonce for q in inj.quotes] == [SENT, SENT]  # both read at the same block
    quoted = events(res, "simple_tx_quoted")
    assert sorted(int(e["nonce"]) for e in quoted) == [SENT, SENT + 1]
    by_request = {e["request"]: e for e in quoted}
    unsigned = bytes.fromhex(by_request[b.id.hex()]["tx"])
    import rlp

    fields = rlp.decode(unsigned[1:])
    assert int.from_bytes(fields[4], "big") == rule_gas(b"\x01\x00\x02", 100_000)
    assert decode_simple_tx(bytes.fromhex(_payload(b))).data == fields[7]


def _payload(item: Any) -> str:
    from zrchain.codec.gen.zrchain.treasury import tx_pb2
    from zrchain.x.attest.codec import split_simple_tx_msg

    return tx_pb2.MsgNewZrSignSignatureRequest.FromString(split_simple_tx_msg(item.msg)[1]).data


def test_a_destination_no_majority_follows_is_refused(world: World) -> None:
    item = simple_item(7, TO, 1)
    res = world.inject(item, confirmed={CAIP_A: 20})  # nobody reports the destination
    [out] = events(res, "attested_request")
    assert out["outcome"] == "refused" and "not a network > 2/3" in out["reason"]
    assert Extension.decode(world.extend_with(Follower(world.anvil.url)) or b"").quotes == ()


def test_the_same_event_seen_in_two_blocks_signs_once_and_wastes_no_nonce(world: World) -> None:
    """A reorg can show one zrSignSimpleTx event in two blocks (two items, one cache_id): both
    are quoted, one signature request is created, the other is refused by its cache_id and
    takes no nonce from the book, so the next request gets the next nonce."""
    a = simple_item(7, TO, 1)
    twin = dataclasses.replace(a, block_number=21, block_hash=b"\x22" * 32)
    awaiting(world, a, twin)
    _inj, res = quote_round(world)
    outcomes = sorted(o["outcome"] for o in events(res, "attested_request"))
    assert outcomes == ["created", "refused"]
    later = simple_item(9, TO, 3, block=22)
    awaiting(world, later)
    _inj, res = quote_round(world)
    assert [e["nonce"] for e in events(res, "simple_tx_quoted")] == [str(SENT + 1)]
