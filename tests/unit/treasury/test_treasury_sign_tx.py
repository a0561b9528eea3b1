"""MsgNewSignTransactionRequest: docs/treasury.md fix 9 of docs/COMPATIBILITY.md — EVM
(legacy/EIP-155, EIP-2930, EIP-1559, chain id from MetadataEthereum), native Cosmos and
Bitcoin payloads; sighashes checked against eth-account's own signing."""

from __future__ import annotations

import hashlib

import pytest
import rlp
from eth_account import Account
from eth_account.typed_transactions import TypedTransaction
from eth_utils import to_checksum_address
from google.protobuf.any_pb2 import Any as AnyProto
from treasury_testkit import MPC_PUBKEY, MPC_SECRET, Setup, build, ecdsa_sign

from zrchain.chains.bitcoin import bitcoin_sighashes
from zrchain.chains.evm import assemble_signed_evm_tx, evm_address, evm_sighash
from zrchain.codec.any import pack
from zrchain.codec.gen.zrchain.policy import query_pb2 as pq
from zrchain.codec.gen.zrchain.treasury import query_pb2 as q
from zrchain.codec.gen.zrchain.treasury import tx_pb2 as ttx
from zrchain.codec.gen.zrchain.treasury import wallet_pb2 as wallet
from zrchain.testing.identity_policy import events, fails, module_state, ok, response

EVM = wallet.WALLET_TYPE_EVM
LEGACY_14_1 = bytes.fromhex(
    "e9028501596f95f1825208945ff137d4b0fdcd49dca30c7cf57e578a026d278985e8d4a5100080808080"
)
SEPOLIA = 11155111
TO = to_checksum_address("0x" + "ab" * 20)
ACCOUNT = Account.from_key(MPC_SECRET)


@pytest.fixture
def s(tmp_path) -> Setup:
    setup = build(tmp_path)
    yield setup
    setup.chain.app.close()


def eth_meta(chain_id: int) -> AnyProto:
    return pack(ttx.MetadataEthereum(chain_id=chain_id))


def sign_tx(s: Setup, key_ids, wallet_type, payload: bytes, metadata=None, **kw):
    msg = ttx.MsgNewSignTransactionRequest(
        creator=s.addr("alice"),
        key_ids=key_ids,
        wallet_type=wallet_type,
        unsigned_transaction=payload,
        **kw,
    )
    if metadata is not None:
        msg.metadata.CopyFrom(metadata)
    return s.run("alice", msg)


def tx_dict(kind: int, **extra) -> dict:
    base = {"nonce": 7, "gas": 21000, "to": TO, "value": 10**15, "data": b""}
    if kind == 2:
        base |= {
            "type": 2,
            "chainId": SEPOLIA,
            "maxPriorityFeePerGas": 10**9,
            "maxFeePerGas": 3 * 10**9,
        }
        base["accessList"] = []
    elif kind == 1:
        base |= {"type": 1, "chainId": SEPOLIA, "gasPrice": 2 * 10**9, "accessList": []}
    else:
        base |= {"gasPrice": 2 * 10**9, "chainId": SEPOLIA}
    return base | extra


def unsigned_payload(d: dict) -> bytes:
    """The standard unsigned encodings (fix 9 of docs/COMPATIBILITY.md): legacy 9 items, typed 8/9
    items."""
    to = bytes.fromhex(d["to"][2:])
    if "type" not in d:
        return rlp.encode(
            [d["nonce"], d["gasPrice"], d["gas"], to, d["value"], d["data"], d["chainId"], 0, 0]
        )
    al = [
        [bytes.fromhex(a["address"][2:]), [bytes.fromhex(k[2:]) for k in a["storageKeys"]]]
        for a in d["accessList"]
    ]
    if d["type"] == 1:
        body = [d["chainId"], d["nonce"], d["gasPrice"], d["gas"], to, d["value"], d["data"], al]
    else:
        body = [
            d["chainId"],
            d["nonce"],
            d["maxPriorityFeePerGas"],
            d["maxFeePerGas"],
            d["gas"],
            to,
            d["value"],
            d["data"],
            al,
        ]
    return bytes([d["type"]]) + rlp.encode(body)


# -- zrChain's vectors
# ------------------------------------------------------------------------------
def test_zrchain_legacy_vector(s: Setup) -> None:
    kid = s.make_key()
    res = ok(sign_tx(s, [kid], EVM, LEGACY_14_1, eth_meta(SEPOLIA)))
    out = response(res, ttx.MsgNewSignTransactionRequestResponse)
    assert (out.id, out.signature_request_id) == (1, 1)
    assert events(res, "new_sign_request") == [{"request_id": "1"}]  # the sign-tx id
    t = s.chain.q(
        "/zrchain.treasury.Query/SignTransactionRequestByID",
        q.QuerySignTransactionRequestByIDRequest(id=1),
        q.QuerySignTransactionRequestByIDResponse,
    ).sign_transaction_request
    assert (t.creator, list(t.key_ids), t.wallet_type) == (
        s.addr("alice"),
        [kid],
        "WALLET_TYPE_EVM",
    )
    assert (t.unsigned_transaction, t.sign_request_id) == (LEGACY_14_1, 1)
    sr = s.sign_req(1)
    assert sr.data_for_signing[0].hex() == (
        "3fd2ea18597a74230f70f1af86e857cf18ea2bb17ae3fa3b3e46ad59654c628d"
    )
    assert sr.metadata.type_url == "/zrchain.treasury.MetadataEthereum"


def test_zrchain_derived_vectors() -> None:
    assert (
        evm_sighash(
            bytes.fromhex(
                "e679850fd8f4bd2382520894cf4324b9fd2fbc83b98a1483e854d31d3e45944c8203e880808080"
            ),
            111,
        ).hex()
        == "29d678d350c58beaf3a1f41686393527262550fba5839403e88205b695ea0594"
    )


def test_policy_data_carries_txvalue(s: Setup) -> None:
    kid = s.make_key()
    ok(sign_tx(s, [kid], EVM, LEGACY_14_1, eth_meta(SEPOLIA)))
    acts = s.chain.q(
        "/zrchain.policy.Query/Actions", pq.QueryActionsRequest(), pq.QueryActionsResponse
    ).actions
    act = acts[-1].action if hasattr(acts[-1], "action") else acts[-1]
    data = {kv.key: kv.value for kv in act.policy_data}
    assert data["TXVALUE"] == str(0xE8D4A51000).encode()  # 10**12 wei
    assert data["DataForSigning"] == (
        b"3fd2ea18597a74230f70f1af86e857cf18ea2bb17ae3fa3b3e46ad59654c628d"
    )


# -- EVM against eth-account -------------------------------------------------------------------
@pytest.mark.parametrize("kind", [0, 1, 2])
def test_evm_sighash_matches_eth_account(kind: int) -> None:
    d = tx_dict(kind)
    payload = unsigned_payload(d)
    if kind == 0:
        from eth_account._utils.legacy_transactions import (
            serializable_unsigned_transaction_from_dict,
        )

        expected = serializable_unsigned_transaction_from_dict(d).hash()
    else:
        expected = TypedTransaction.from_dict(d).hash()
    assert evm_sighash(payload, SEPOLIA) == bytes(expected)
    signed = Account.sign_transaction(d, MPC_SECRET)
    v = signed.v if kind else signed.v - 35 - 2 * SEPOLIA
    rs = signed.r.to_bytes(32, "big") + signed.s.to_bytes(32, "big")
    assert assemble_signed_evm_tx(payload, rs + bytes([v]), chain_id=SEPOLIA) == bytes(
        signed.raw_transaction
    )


@pytest.mark.parametrize("kind", [0, 1, 2])
def test_sign_tx_request_end_to_end(s: Setup, kind: int) -> None:
    """Request -> parties sign the sighash -> the assembled raw tx recovers the key's address."""
    kid = s.make_key()
    d = tx_dict(kind, accessList=[{"address": TO, "storageKeys": ["0x" + "00" * 31 + "01"]}])
    if kind == 0:
        d.pop("accessList")
    payload = unsigned_payload(d)
    res = ok(sign_tx(s, [kid], EVM, payload, eth_meta(SEPOLIA), cache_id=b"t"))
    out = response(res, ttx.MsgNewSignTransactionRequestResponse)
    digest = bytes(s.sign_req(out.signature_request_id).data_for_signing[0])
    sig = ecdsa_sign(digest)
    for p in ("p1", "p2"):
        ok(s.fulfil_sign(p, out.signature_request_id, sig))
    stored = bytes(s.sign_req(out.signature_request_id).signed_data[0].signed_data)
    raw = assemble_signed_evm_tx(payload, stored, chain_id=SEPOLIA, pubkey=MPC_PUBKEY)
    assert Account.recover_transaction(raw) == evm_address(MPC_PUBKEY) == ACCOUNT.address


def test_zrchain_12_item_eip1559_still_parses(s: Setup) -> None:
    kid = s.make_key()
    d = tx_dict(2)
    nine = unsigned_payload(d)
    twelve = b"\x02" + rlp.encode([*rlp.decode(nine[1:]), b"", b"", b""])
    ok(sign_tx(s, [kid], EVM, twelve, eth_meta(SEPOLIA)))
    assert s.sign_req(1).data_for_signing[0] == evm_sighash(nine, SEPOLIA)


@pytest.mark.parametrize(
    ("payload", "meta", "text"),
    [
        (LEGACY_14_1, None, "invalid metadata field, expected *MetadataEthereum, got <nil>"),
        (LEGACY_14_1, AnyProto(), "expected *MetadataEthereum, got <nil>"),
        (
            LEGACY_14_1,
            pack(ttx.MetadataSolana(network=1)),
            "expected *MetadataEthereum, got *types.MetadataSolana",
        ),
        (
            LEGACY_14_1,
            AnyProto(type_url="/x.Y", value=b""),
            "failed to unpack metadata: no concrete type registered for type URL /x.Y",
        ),
        (b"\x03" + LEGACY_14_1, eth_meta(1), "failed to parse tx: unsupported transaction type: 3"),
        (
            unsigned_payload(tx_dict(2)),
            eth_meta(1),
            "chain id mismatch: transaction is for chain 11155111, request is for chain 1",
        ),
        (
            rlp.encode([1, 1, 21000, b"", 5, b"", SEPOLIA, 0, 0]),
            eth_meta(SEPOLIA),
            "contract creation",
        ),
    ],
)
def test_evm_errors(s: Setup, payload, meta, text) -> None:
    kid = s.make_key()
    before = module_state(s.chain, "treasury")
    fails(sign_tx(s, [kid], EVM, payload, meta), 1, "undefined", text)
    assert module_state(s.chain, "treasury") == before


def test_generic_errors(s: Setup) -> None:
    kid = s.make_key()
    fails(sign_tx(s, [], EVM, LEGACY_14_1, eth_meta(1)), 18, "sdk", "key ids cannot be empty")
    fails(
        sign_tx(s, [kid], EVM, b"", eth_meta(1)), 18, "sdk", "unsigned transaction cannot be empty"
    )
    fails(sign_tx(s, [5], EVM, LEGACY_14_1, eth_meta(1)), 1, "undefined", "key 5 not found")
    fails(
        sign_tx(s, [kid], 0, LEGACY_14_1, eth_meta(1)),
        1,
        "undefined",
        "error in NewWallet: unknown wallet type",
    )
    fails(
        sign_tx(s, [kid], wallet.WALLET_TYPE_BTC_TESTNET, b"\x00"),
        1,
        "undefined",
        "invalid key type, expected KEY_TYPE_BITCOIN_SECP256K1, got KEY_TYPE_ECDSA_SECP256K1",
    )
    btc = s.make_key("bitcoin")
    fails(
        sign_tx(s, [btc], wallet.WALLET_TYPE_ZCASH_MAINNET, b"\x00"),
        1,
        "undefined",
        "wallet WALLET_TYPE_ZCASH_MAINNET does not implement TxParser",
    )


def test_native_cosmos_sign_doc(s: Setup) -> None:
    kid = s.make_key()
    doc = b"\x0a\x03abc\x12\x03def\x1a\x07zenrock\x20\x01"
    res = ok(sign_tx(s, [kid], wallet.WALLET_TYPE_NATIVE, doc))
    sid = response(res, ttx.MsgNewSignTransactionRequestResponse).signature_request_id
    assert s.sign_req(sid).data_for_signing[0] == hashlib.sha256(doc).digest()


def test_bitcoin_inputs_get_one_child_each(s: Setup) -> None:
    from test_treasury_signatures import BTC_TX

    kid = s.make_key("bitcoin")
    assert len(BTC_TX) == 118
    first = BTC_TX[7:48]
    second = b"\x99" + first[1:]  # another outpoint
    witness = BTC_TX[80:114]
    two_inputs = BTC_TX[:6] + b"\x02" + first + second + BTC_TX[48:80] + witness * 2 + BTC_TX[114:]
    hashes = bitcoin_sighashes(two_inputs)
    assert len(hashes) == 2
    res = ok(sign_tx(s, [kid], wallet.WALLET_TYPE_BTC_TESTNET, two_inputs))
    out = response(res, ttx.MsgNewSignTransactionRequestResponse)
    root = s.sign_req(out.signature_request_id)
    assert list(root.data_for_signing) == hashes
    assert len(root.child_req_ids) == 2
    assert list(root.key_ids) == [kid, kid]
