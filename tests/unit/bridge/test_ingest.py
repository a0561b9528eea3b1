"""Events -> zrChain messages: field mapping, cache_id, validation, wallet-type/chain maps."""

from __future__ import annotations

import pytest
import rlp
from eth_abi import encode as abi_encode
from eth_utils import keccak, to_checksum_address

from evm_bridge.gateway import GatewayUnavailable, Outcome, classify
from evm_bridge.ingest import (
    STANDARD_WALLET_TYPES,
    ConfigChange,
    Hold,
    KeyIngest,
    SigIngest,
    Skip,
    Translator,
    cache_id,
    decode_simple_tx,
    eip1559_unsigned,
    ingest_from_json,
    ingest_to_json,
)
from zrchain.chains.evm import evm_sighash
from zrchain.codec.gen.zrchain.treasury import tx_pb2
from zrchain.evm.events import EventDecoder
from zrchain.evm.ids import (
    EVM_WALLET_TYPE_ID,
    SOLANA_WALLET_TYPE_ID,
    encode_simple_tx,
    wallet_type_id,
)

from .conftest import ALICE, CAIP2, CONTRACT, OTHER_CAIP2, key_request_log, sig_request_log

SEPOLIA_PROXY = "0xA7AdF06a1D3a2CA827D4EddA96a1520054713E1c"


def decoded(raw: dict, block: int = 5) -> object:
    raw = {
        "address": CONTRACT,
        "blockNumber": block,
        "blockHash": "0x" + "11" * 32,
        "transactionHash": "0x" + "22" * 32,
        "logIndex": 3,
        **raw,
    }
    return EventDecoder().decode(raw)


def translator(**kw: object) -> Translator:
    return Translator(caip2=CAIP2, contract=CONTRACT, known_caip2=[OTHER_CAIP2], **kw)  # type: ignore[arg-type]


def test_cache_id_derivation() -> None:
    expected = keccak(
        abi_encode(["string", "address", "uint256"], ["eip155:11155111", SEPOLIA_PROXY, 0])
    )
    assert cache_id("eip155:11155111", SEPOLIA_PROXY, 0) == expected
    assert cache_id("eip155:11155111", SEPOLIA_PROXY.lower(), 0) == expected
    # fixed vector (documented in docs/evm-bridge.md)
    assert expected.hex() == "b39e35e05e51e868dda7b442aca5ebd1024a53a4078b5a2e91a30eb804d7722a"
    assert (
        len(
            {
                cache_id(c, a, t)
                for c in (CAIP2, OTHER_CAIP2)
                for a in (CONTRACT, SEPOLIA_PROXY)
                for t in (0, 1)
            }
        )
        == 8
    )
    with pytest.raises(ValueError):
        cache_id(CAIP2, "not-an-address", 1)


def test_standard_wallet_types() -> None:
    assert STANDARD_WALLET_TYPES["0x" + EVM_WALLET_TYPE_ID.hex()] == 60
    assert STANDARD_WALLET_TYPES["0x" + SOLANA_WALLET_TYPE_ID.hex()] == 501
    assert len(STANDARD_WALLET_TYPES) == 4


def test_key_request_becomes_new_key_request() -> None:
    item = translator().translate(decoded(key_request_log(ALICE.lower(), 4)), block_time=77)
    assert isinstance(item, KeyIngest)
    assert item.owner == ALICE and item.coin_type == 60 and item.wallet_index == 4
    assert item.origin.block_time == 77 and item.origin.log_index == 3
    msg = item.msg("zen1creator")
    assert isinstance(msg, tx_pb2.MsgNewKeyRequest)
    assert (msg.creator, msg.ext_requester, msg.ext_key_type, msg.index) == (
        "zen1creator",
        ALICE,
        60,
        4,
    )
    assert msg.workspace_addr == "" and msg.keyring_addr == ""
    assert item.slot == (ALICE.lower(), "60", 4)


def test_hash_request_becomes_zrsign_signature_request() -> None:
    h = keccak(text="hello zrSign")
    item = translator().translate(decoded(sig_request_log(9, ALICE, index=2, payload=h)))
    assert isinstance(item, SigIngest)
    msg = item.msg("zen1creator")
    assert isinstance(msg, tx_pb2.MsgNewZrSignSignatureRequest)
    assert msg.address == ALICE and msg.key_type == 60 and msg.wallet_index == 2
    assert msg.data == h.hex() and not msg.tx and msg.no_broadcast
    assert msg.wallet_type == 2  # WALLET_TYPE_EVM
    assert msg.cache_id == cache_id(CAIP2, CONTRACT, 9)
    assert not msg.HasField("metadata")


def _unsigned_1559(chain: int) -> bytes:
    return eip1559_unsigned(chain, 0, 10**9, 3 * 10**9, 21000, "0x" + "cc" * 20, 1000, b"")


def test_tx_request_carries_destination_chain_metadata() -> None:
    payload = _unsigned_1559(80002)
    raw = sig_request_log(1, ALICE, payload=payload, req_type=1, broadcast=True, dst=OTHER_CAIP2)
    item = translator().translate(decoded(raw))
    assert isinstance(item, SigIngest) and item.dst_caip2 == OTHER_CAIP2
    msg = item.msg("zen1creator")
    assert msg.tx and not msg.no_broadcast and msg.data == payload.hex()
    assert msg.metadata.type_url == "/zrchain.treasury.MetadataEthereum"
    meta = tx_pb2.MetadataEthereum.FromString(msg.metadata.value)
    assert meta.chain_id == 80002
    assert evm_sighash(payload, 80002)  # zrChain can parse what we forward


def test_legacy_tx_payload_is_accepted() -> None:
    legacy = rlp.encode([121, 0x0FD8F4BD23, 21000, bytes.fromhex("cf" * 20), 1000, b"", 0, 0, 0])
    item = translator().translate(
        decoded(sig_request_log(1, ALICE, payload=legacy, req_type=1, dst=OTHER_CAIP2))
    )
    assert isinstance(item, SigIngest)


@pytest.mark.parametrize(
    ("raw", "needle"),
    [
        (sig_request_log(1, ALICE, payload=b"\x01" * 31), "32 bytes"),
        (sig_request_log(1, ALICE, payload=b"\x01" * 32, broadcast=True), "cannot be broadcast"),
        (sig_request_log(1, ALICE, payload=b"\xde\xad", req_type=1), "unsigned transaction"),
        (sig_request_log(1, ALICE, req_type=5), "kind 5"),
        (sig_request_log(1, "0x" + "00" * 20), "0x0"),
        (sig_request_log(1, ALICE, wt=wallet_type_id(44, 2)), "unknown wallet type"),
        (key_request_log(ALICE, 0, wt=wallet_type_id(44, 2)), "unknown wallet type"),
        (key_request_log("0x" + "00" * 20, 0), "0x0"),
    ],
)
def test_invalid_requests_are_skipped(raw: dict, needle: str) -> None:
    decision = translator().translate(decoded(raw))
    assert isinstance(decision, Skip), decision
    assert needle in decision.reason


def test_wallet_types_learned_from_events_and_contract() -> None:
    ltc = wallet_type_id(44, 2)
    t = translator(lookup_coin=lambda wt: 2 if wt == "0x" + ltc.hex() else None)
    decision = t.translate(decoded(key_request_log(ALICE, 0, wt=ltc)))
    assert isinstance(decision, Skip) and "coin type 2" in decision.reason
    from .conftest import wallet_type_log

    sol = wallet_type_log(44, 501)
    assert isinstance(t.translate(decoded(sol)), ConfigChange)
    assert t.wallet_types["0x" + SOLANA_WALLET_TYPE_ID.hex()] == 501


def test_ed25519_hash_may_be_longer_than_32_bytes() -> None:
    raw = sig_request_log(2, ALICE, payload=b"m" * 70, wt=SOLANA_WALLET_TYPE_ID)
    item = translator().translate(decoded(raw))
    assert isinstance(item, SigIngest) and item.coin_type == 501
    assert item.msg("c").wallet_type == 6


def test_unknown_destination_is_held() -> None:
    decision = translator().translate(decoded(sig_request_log(3, ALICE, dst="eip155:424242")))
    assert isinstance(decision, Hold)


def test_ingest_json_round_trip() -> None:
    item = translator().translate(decoded(sig_request_log(3, ALICE)))
    assert isinstance(item, SigIngest)
    assert ingest_from_json(ingest_to_json(item)) == item
    key = translator().translate(decoded(key_request_log(ALICE, 1)))
    assert ingest_from_json(ingest_to_json(key)) == key  # type: ignore[arg-type]


def test_simple_tx_payload() -> None:
    to = to_checksum_address("0x" + "cd" * 20)
    simple = decode_simple_tx(encode_simple_tx(to, 5, b"\x01"))
    assert (simple.to, simple.value, simple.data) == (to, 5, b"\x01")
    with pytest.raises(ValueError):
        decode_simple_tx(b"\x00\x00\x00\x00")
    with pytest.raises(ValueError):
        decode_simple_tx(encode_simple_tx("bc1qnotevm", 5))
    item = translator().translate(
        decoded(
            sig_request_log(4, ALICE, payload=encode_simple_tx(to, 5), req_type=2, dst=OTHER_CAIP2)
        )
    )
    assert isinstance(item, SigIngest) and item.is_tx


def test_refusals_are_classified() -> None:
    dup = classify("treasury", 5, "cache_id already used by request 12")
    assert dup.outcome is Outcome.DUPLICATE and dup.request_id == 12
    assert (
        classify("treasury", 7, "GetZrSignWorkspaces: no workspaces").outcome is Outcome.NOT_READY
    )
    assert classify("treasury", 9, "invalid unsigned transaction").outcome is Outcome.REJECTED
    with pytest.raises(GatewayUnavailable):
        classify("sdk", 13, "insufficient fee")
    with pytest.raises(GatewayUnavailable):
        classify("treasury", 4, "creator is not zrsign")
