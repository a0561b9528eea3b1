"""The validator's follower for attestation: its networks file, and requests as items."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from eth_utils import keccak

from evm_bridge.attest_source import ObservedRequests, QuoteBook, load_networks, to_item
from evm_bridge.config import ConfigError
from evm_bridge.ingest import (
    KeyIngest,
    OmniIngest,
    Origin,
    Translator,
    eip1559_unsigned,
)
from zrchain.codec.gen.zrchain.omni import tx_pb2 as omni_tx
from zrchain.codec.gen.zrchain.treasury import tx_pb2
from zrchain.evm.ids import REQ_HASH, REQ_SIMPLE_TX, REQ_TX, caip2_chain_id, encode_simple_tx
from zrchain.x.attest.codec import (
    KIND_KEY,
    KIND_OMNI_APPROVAL,
    KIND_OMNI_CALL,
    KIND_SIMPLE_TX,
    Item,
    Quote,
    QuoteRequest,
    split_simple_tx_msg,
)
from zrchain.x.attest.module import check_omni_origin

from .conftest import ALICE, sig_request_log
from .conftest import CAIP2 as BRIDGE_CAIP2
from .conftest import CONTRACT as BRIDGE_CONTRACT

CONTRACT = "0x5FbDB2315678afecb367f032d93F642f64180aa3"


def write(tmp_path: Path, body: str) -> Path:
    p = tmp_path / "attest.toml"
    p.write_text(body)
    return p


def net(caip2: str) -> str:
    return (
        f'[[networks]]\ncaip2 = "{caip2}"\nrpc_url = "http://127.0.0.1:1"\n'
        f'contract = "{CONTRACT}"\nconfirmations = 2\n'
    )


def test_networks_file_is_read_as_the_bridges_tables(tmp_path: Path) -> None:
    nets = load_networks(write(tmp_path, net("eip155:1") + net("eip155:10")))
    assert [n.caip2 for n in nets] == ["eip155:1", "eip155:10"]
    assert nets[0].confirmations == 2


@pytest.mark.parametrize(
    "body, error",
    [
        ("", "at least one"),
        (net("eip155:1") + net("eip155:1"), "twice"),
        (net("eip155:1") + "bogus = 1\n", "bogus"),
        ("[[networks]]\ncaip2 = 'eip155:1'\n", "required"),
        ("not toml [", "cannot read"),
    ],
)
def test_bad_networks_files_are_refused(tmp_path: Path, body: str, error: str) -> None:
    with pytest.raises(ConfigError, match=error):
        load_networks(write(tmp_path, body))


def test_a_key_request_becomes_the_relayer_paths_msg_without_creator() -> None:
    origin = Origin("eip155:1", CONTRACT, 7, "0x" + "ab" * 32, "0x" + "cd" * 32, 3)
    req = KeyIngest(
        origin, "0x" + "00" * 32, "0xbe27E519A220D4336A5F9d08C7fa542175E30dA0", 60, 0, 1
    )
    item = to_item(req)
    assert Item.decode(item.encode()) == item
    assert (item.kind, item.block_number, item.log_index) == (KIND_KEY, 7, 3)
    assert item.contract == bytes.fromhex(CONTRACT[2:])
    msg = tx_pb2.MsgNewKeyRequest.FromString(item.msg)
    assert msg == req.msg("")


@pytest.mark.parametrize(
    "op, kind, msg_cls",
    [
        ("new_policy", KIND_OMNI_CALL, omni_tx.MsgForwardOwnerCall),
        ("set_key_policy", KIND_OMNI_CALL, omni_tx.MsgForwardOwnerCall),
        ("approve", KIND_OMNI_APPROVAL, omni_tx.MsgForwardApproval),
        ("reject", KIND_OMNI_APPROVAL, omni_tx.MsgForwardApproval),
    ],
)
def test_an_omni_call_becomes_the_relayer_paths_forward_naming_its_event(
    op: str, kind: int, msg_cls: Any
) -> None:
    """The item carries the Msg the relayer would send, and the chain's origin check (the
    cache_id is the event's) accepts it: both paths apply the event once."""
    origin = Origin("eip155:1", CONTRACT, 7, "0x" + "ab" * 32, "0x" + "cd" * 32, 3)
    req = OmniIngest(
        origin, op, "0xbe27E519A220D4336A5F9d08C7fa542175E30dA0", name="p",
        definition="x > 0", coin_type=60, policy_id=2, action_id=5,
    )  # fmt: skip
    item = to_item(req)
    assert Item.decode(item.encode()) == item and item.kind == kind
    msg = msg_cls.FromString(item.msg)
    assert msg == req.msg("")
    assert check_omni_origin(item, msg) == ""


# -- what a follower attests depends on the event alone ------------------------------------
UNKNOWN = "eip155:424242"  # supported by the contract, but no ChainIdSupport seen here


def observed(raw: dict[str, Any], known: tuple[str, ...] = ()) -> list[Item]:
    """The items a follower whose map knows ``known`` keeps for one log."""
    obs = ObservedRequests(
        Translator(caip2=BRIDGE_CAIP2, contract=BRIDGE_CONTRACT, known_caip2=list(known)), "A"
    )
    log = {"address": BRIDGE_CONTRACT, "blockNumber": "0x5", "blockHash": "0x" + "11" * 32,
           "transactionHash": "0x" + "22" * 32, "logIndex": "0x3", **raw}  # fmt: skip
    obs.handle_range([log], {})
    return list(obs.items.values())


def unsigned_1559(chain: int) -> bytes:
    return eip1559_unsigned(chain, 0, 10**9, 3 * 10**9, 21000, "0x" + "cc" * 20, 1000, b"")


@pytest.mark.parametrize(
    "payload, req_type",
    [(keccak(text="h"), REQ_HASH), (unsigned_1559(424242), REQ_TX)],
    ids=["hash", "evm-tx"],
)
def test_an_unknown_destination_is_resolved_from_the_event_as_a_knowing_follower_would(
    payload: bytes, req_type: int
) -> None:
    """The relayer holds such a request until a ChainIdSupport event names the chain; the
    follower attests it at once, and exactly as a follower that knows the chain would."""
    raw = sig_request_log(4, ALICE, payload=payload, req_type=req_type, dst=UNKNOWN)
    [blind] = observed(raw)
    [knowing] = observed(raw, known=(UNKNOWN,))
    assert blind == knowing
    msg = tx_pb2.MsgNewZrSignSignatureRequest.FromString(blind.msg)
    if req_type == REQ_TX:
        assert tx_pb2.MetadataEthereum.FromString(msg.metadata.value).chain_id == 424242
    else:
        assert not msg.HasField("metadata")


def test_an_evm_tx_for_another_chain_than_its_destination_is_not_attested(
    caplog: pytest.LogCaptureFixture,
) -> None:
    raw = sig_request_log(4, ALICE, payload=unsigned_1559(1), req_type=REQ_TX, dst=UNKNOWN)
    assert observed(raw) == [] and observed(raw, known=(UNKNOWN,)) == []
    assert "is not the transaction's chain eip155:1" in caplog.text


def test_a_simple_tx_request_is_attested_unconverted_with_its_events_destination() -> None:
    """Kind 5: the relayer's Msg before conversion (payload = the simple-tx calldata, no
    metadata) and the event's dstChainId, identical whether or not this follower's map knows
    the destination (the chain resolves it against the networks > 2/3 follow)."""
    payload = encode_simple_tx("0x" + "cc" * 20, 5, b"")
    for dst in (BRIDGE_CAIP2, UNKNOWN):
        raw = sig_request_log(4, ALICE, payload=payload, req_type=REQ_SIMPLE_TX, dst=dst)
        [blind] = observed(raw)
        [knowing] = observed(raw, known=(UNKNOWN,))
        assert blind == knowing and blind.kind == KIND_SIMPLE_TX
        dst_id, inner = split_simple_tx_msg(blind.msg)
        assert dst_id == caip2_chain_id(dst)
        msg = tx_pb2.MsgNewZrSignSignatureRequest.FromString(inner)
        assert bytes.fromhex(msg.data) == payload and msg.tx and not msg.HasField("metadata")


def test_a_simple_tx_request_with_a_malformed_payload_is_not_attested(
    caplog: pytest.LogCaptureFixture,
) -> None:
    raw = sig_request_log(4, ALICE, payload=b"\x00" * 8, req_type=REQ_SIMPLE_TX)
    assert observed(raw) == []
    assert "simple-tx payload rejected" in caplog.text


def test_an_event_whose_msg_is_too_large_to_attest_is_left_out(
    caplog: pytest.LogCaptureFixture,
) -> None:
    big = eip1559_unsigned(31337, 0, 10**9, 3 * 10**9, 90_000, "0x" + "cc" * 20, 0, b"\x01" * 9000)
    raw = sig_request_log(4, ALICE, payload=big, req_type=REQ_TX, dst=BRIDGE_CAIP2)
    assert observed(raw) == []
    assert "not attested: its Msg is" in caplog.text


# -- quotes are read in the background, never in ExtendVote ---------------------------------
class _Reads:
    """Stands in for one network's Quoter (the real one is exercised against anvil in
    tests/unit/attest/test_simple_tx_quotes.py)."""

    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.calls: list[QuoteRequest] = []

    def read(self, req: QuoteRequest) -> Quote:
        self.calls.append(req)
        if self.fail:
            raise ConnectionError("destination RPC down")
        return Quote(req.request, req.block, b"\x01" * 32, 3, 7)


def test_quote_book_answers_from_what_it_has_read_and_reads_the_rest_later() -> None:
    reads, down = _Reads(), _Reads(fail=True)
    book = QuoteBook({"eip155:1": reads, "eip155:2": down})  # type: ignore[dict-item]
    r1 = QuoteRequest(b"\x01" * 32, "eip155:1", b"\xaa" * 20, 9)
    r2 = QuoteRequest(b"\x02" * 32, "eip155:2", b"\xaa" * 20, 9)
    r3 = QuoteRequest(b"\x03" * 32, "eip155:3", b"\xaa" * 20, 9)  # not followed here
    assert book.quotes([r1, r2, r3]) == []  # nothing read yet; no RPC call made
    assert reads.calls == [] and down.calls == []
    assert book.read_wanted() == 1  # the down network is retried later, never raises
    assert book.quotes([r1, r2, r3]) == [Quote(r1.request, 9, b"\x01" * 32, 3, 7)]
    assert {c.caip2 for c in reads.calls + down.calls} == {"eip155:1", "eip155:2"}
    # a request no longer asked for is forgotten
    assert book.quotes([r2]) == [] and book.read == {}
