"""Sighash, payload parsing and signature verification (docs/treasury.md; fixes 3, 9 and 12
of docs/COMPATIBILITY.md).

Expected values come from outside this code: zrChain's Go tests (x/treasury/keeper,
x/treasury/types), hashes computed independently of this code, EIP-155's worked example,
eth-account's own signing,
BIP143's official examples, Bitcoin Core's sighash.json, and RFC 8032.
"""

from __future__ import annotations

import contextlib
import hashlib

import coincurve
import pytest
import rlp
from eth_account import Account
from eth_account._utils.legacy_transactions import serializable_unsigned_transaction_from_dict
from eth_account.typed_transactions import TypedTransaction
from eth_utils import to_bytes, to_checksum_address
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zrchain.chains.bitcoin import (
    SIGHASH_ALL,
    BitcoinPrevOut,
    VerificationStatus,
    VerificationVersion,
    bip143_sighash,
    bitcoin_prevouts,
    bitcoin_sighashes,
    legacy_sighash,
    parse_bitcoin_tx,
    verify_bitcoin_plus,
    verify_data_for_signing,
)
from zrchain.chains.cosmos import native_sighash
from zrchain.chains.errors import (
    BitcoinTxError,
    ChainDataError,
    EvmTxError,
    PublicKeyError,
    SignatureError,
    SolanaTxError,
)
from zrchain.chains.evm import (
    EvmTxType,
    assemble_signed_evm_tx,
    evm_sighash,
    evm_transfer,
    parse_evm_tx,
)
from zrchain.chains.keys import (
    SECP256K1_N,
    KeyType,
    bitcoin_signature_to_der,
    ed25519_check_public_key,
    key_type,
    parse_der_signature,
    secp256k1_compressed,
    validate_public_key,
    verify_signature,
)
from zrchain.chains.solana import (
    SOLANA_PACKET_DATA_SIZE,
    parse_solana_message,
    solana_signing_payload,
    solana_transfer,
)
from zrchain.chains.wallets import data_for_signing_hex
from zrchain.codec.base58 import b58encode

h = bytes.fromhex
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# ---------------------------------------------------------------------------------------------
# EVM: zrChain's vectors


# (payload, chain id, expected sighash) — payloads of zrChain's Go tests, hashes computed
# independently of this code.
SPEC_EVM_SIGHASHES = [
    (
        "e9028501596f95f1825208945ff137d4b0fdcd49dca30c7cf57e578a026d278985e8d4a5100080808080",
        11155111,
        "3fd2ea18597a74230f70f1af86e857cf18ea2bb17ae3fa3b3e46ad59654c628d",
    ),
    (
        "e679850fd8f4bd2382520894cf4324b9fd2fbc83b98a1483e854d31d3e45944c8203e880808080",
        111,
        "29d678d350c58beaf3a1f41686393527262550fba5839403e88205b695ea0594",
    ),
    (
        "eb80843b9aca0082520894ea223ca8968ca59e0bc79ba331c2f6f636a3fb82880de0b6b3a764000080808080",
        1,
        "aedecf191881b57303d1557405563841cc454b1c956b8daed447076c7f15aa23",
    ),
    # EIP-155's own example, in its unsigned (chainId, 0, 0) form.
    (
        "ec098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a764000080018080",
        1,
        "daf5a779ae972f972197303d7b574746c7ef83eadac0f2791ad23db92e4c8e53",
    ),
]


@pytest.mark.parametrize(("payload", "chain_id", "expected"), SPEC_EVM_SIGHASHES)
def test_spec_evm_sighashes(payload: str, chain_id: int, expected: str) -> None:
    assert evm_sighash(h(payload), chain_id).hex() == expected


def test_eip155_example_without_request_chain_id_uses_payload_chain_id() -> None:
    payload = h(SPEC_EVM_SIGHASHES[3][0])
    assert parse_evm_tx(payload).chain_id == 1
    assert evm_sighash(payload).hex() == SPEC_EVM_SIGHASHES[3][2]


def test_eip155_example_assembles_to_the_published_signed_tx() -> None:
    key = coincurve.PrivateKey(b"\x46" * 32)
    unsigned = h(SPEC_EVM_SIGHASHES[3][0])
    sig = key.sign_recoverable(evm_sighash(unsigned), hasher=None)
    signed = assemble_signed_evm_tx(unsigned, sig)
    assert signed.hex() == (
        "f86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a76400008025"
        "a028ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276a067cbe9d8997f761aecb7"
        "03304b3800ccf555c9f3dc64214b297fb1966a3b6d83"
    )


# Transfer info from zrChain's Go ParseEthereumTransaction tests.
DYNAMIC_FEE_UNISWAP = (
    "02f902b583aa36a7040385042d03bb3d8302a43b943fc91a3afd70395cd496c647d5a6cc9d4b2b7fad872386f26f"
    "c10000b902843593564c000000000000000000000000000000000000000000000000000000000000006000000000"
    "000000000000000000000000000000000000000000000000000000a0000000000000000000000000000000000000"
    "000000000000000000006595a2b00000000000000000000000000000000000000000000000000000000000000002"
    "0b000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "00000000000000000000000000000000000200000000000000000000000000000000000000000000000000000000"
    "0000004000000000000000000000000000000000000000000000000000000000000000a000000000000000000000"
    "00000000000000000000000000000000000000000040000000000000000000000000000000000000000000000000"
    "0000000000000002000000000000000000000000000000000000000000000000002386f26fc10000000000000000"
    "00000000000000000000000000000000000000000000000001000000000000000000000000000000000000000000"
    "000000000000000000000001000000000000000000000000000000000000000000000000002386f26fc100000000"
    "00000000000000000000000000000000000000000000001925fd93f197ab00000000000000000000000000000000"
    "000000000000000000000000000000a0000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000002bfff9976782d46cc05630d1f6"
    "ebab18b2324d6b14000bb81f9840a85d5af5bf1d1762f925bdaddc4201f984000000000000000000000000000000"
    "000000000000c0"
)
GO_EVM_TRANSFERS = [
    (
        "eb80843b9aca0082520894ea223ca8968ca59e0bc79ba331c2f6f636a3fb82880de0b6b3a764000080808080",
        1,
        "0xeA223Ca8968Ca59e0Bc79Ba331c2F6f636A3fB82",
        10**18,
        None,
    ),
    (
        "f8aa80850b68a0aa0083010d6b94a0b86991c6218b36c1d19d4a2e9eb0ce3606eb4880b844a9059cbb0000000000"
        "0000000000000048c04ed5691981c42154c6167398f95e8f38a7ff0000000000000000000000000000000000000000"
        "0000000000000000017d784026a01ad4a933da06f76b08a20784661b2ccc55a8f25492bbc6b66d4b84ef97e1db47a0"
        "1ab2ff0cd0fb01e2990dd4196412baf173484d91c7f836727d554cdf1cd70c64",
        None,
        "0x48c04ed5691981C42154C6167398f95e8f38a7fF",
        25000000,
        "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48",
    ),
    (
        "f8ca80850b68a0aa0083010d6b94a0b86991c6218b36c1d19d4a2e9eb0ce3606eb4880b86423b872dd0000000000"
        "0000000000000048c04ed5691981c42154c6167398f95e8f38a7ff00000000000000000000000048c04ed5691981c4"
        "2154c6167398f95e8f38a7aa00000000000000000000000000000000000000000000000000000000017d784026a01a"
        "d4a933da06f76b08a20784661b2ccc55a8f25492bbc6b66d4b84ef97e1db47a01ab2ff0cd0fb01e2990dd4196412ba"
        "f173484d91c7f836727d554cdf1cd70c64",
        None,
        "0x48C04Ed5691981c42154c6167398F95e8f38A7aA",
        25000000,
        "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48",
    ),
    (
        DYNAMIC_FEE_UNISWAP,
        11155111,
        "0x3fC91A3afd70395Cd496C647d5a6CC9D4B2b7FAD",
        10000000000000000,
        "0x3fC91A3afd70395Cd496C647d5a6CC9D4B2b7FAD",
    ),
    (
        "02f86c83aa36a70203850703deeb8b82b78b941f9840a85d5af5bf1d1762f925bdaddc4201f98480b844095ea7b3"
        "000000000000000000000000000000000022d473030f116ddee9f6b43ac78ba3ffffffffffffffffffffffffffffff"
        "ffffffffffffffffffffffffffffffffffc0",
        11155111,
        "0x1f9840a85d5aF5bf1D1762F925BDADdC4201F984",
        0,
        "0x1f9840a85d5aF5bf1D1762F925BDADdC4201F984",
    ),
]


@pytest.mark.parametrize(("payload", "chain_id", "to", "amount", "contract"), GO_EVM_TRANSFERS)
def test_go_evm_transfer_vectors(
    payload: str, chain_id: int | None, to: str, amount: int, contract: str | None
) -> None:
    transfer = evm_transfer(parse_evm_tx(h(payload), chain_id))
    assert to_checksum_address(transfer.to) == to
    assert transfer.amount == amount
    if contract is None:
        assert transfer.contract is None
        assert transfer.coin_identifier == b"ETH/"
    else:
        assert transfer.contract is not None
        assert to_checksum_address(transfer.contract) == contract
        assert transfer.coin_identifier == b"ETH/" + transfer.contract


def test_signed_legacy_payload_carries_its_chain_id() -> None:
    tx = parse_evm_tx(h(GO_EVM_TRANSFERS[1][0]))  # v = 0x26 ⇒ chain 1
    assert tx.chain_id == 1
    with pytest.raises(EvmTxError, match="chain id mismatch"):
        parse_evm_tx(h(GO_EVM_TRANSFERS[1][0]), 5)


# ---------------------------------------------------------------------------------------------
# EVM: cross-checks against eth-account

PRIVATE_KEY = bytes.fromhex("4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318")
ACCOUNT = Account.from_key(PRIVATE_KEY)
TO = "0x" + "35" * 20
ACCESS_LIST = [
    {"address": "0x" + "11" * 20, "storageKeys": ["0x" + "22" * 32, "0x" + "33" * 32]},
    {"address": "0x" + "44" * 20, "storageKeys": []},
]

ETH_TXS = [
    # legacy / EIP-155
    dict(nonce=0, gasPrice=1, gas=21000, to=TO, value=0, data=b"", chainId=1),
    dict(nonce=9, gasPrice=20 * 10**9, gas=21000, to=TO, value=10**18, data=b"", chainId=1),
    dict(
        nonce=2**64 - 1,
        gasPrice=2**200,
        gas=2**64 - 1,
        to=TO,
        value=2**256 - 1,
        data=b"\xa9\x05\x9c\xbb" + bytes(64),
        chainId=11155111,
    ),
    # EIP-2930
    dict(
        type=1, nonce=7, gasPrice=10**9, gas=60000, to=TO, value=3, data=b"\x01", chainId=137,
        accessList=ACCESS_LIST,
    ),
    dict(type=1, nonce=0, gasPrice=1, gas=21000, to=TO, value=0, data=b"", chainId=1,
         accessList=[]),
    # EIP-1559
    dict(
        type=2, nonce=1, maxPriorityFeePerGas=3, maxFeePerGas=10**10, gas=50000, to=TO, value=5,
        data=b"\x01\x02", chainId=11155111, accessList=ACCESS_LIST,
    ),
    dict(
        type=2, nonce=0, maxPriorityFeePerGas=0, maxFeePerGas=1, gas=21000, to=TO, value=0,
        data=b"", chainId=1, accessList=[],
    ),
]  # fmt: skip


def _access_list_rlp(access_list: list[dict]) -> list:
    return [
        [to_bytes(hexstr=e["address"]), [to_bytes(hexstr=k) for k in e["storageKeys"]]]
        for e in access_list
    ]


def unsigned_payload(tx: dict) -> bytes:
    """The standard unsigned wire form of an eth-account transaction dict."""
    to = to_bytes(hexstr=tx["to"])
    kind = tx.get("type", 0)
    if kind == 0:
        fields = [tx["nonce"], tx["gasPrice"], tx["gas"], to, tx["value"], tx["data"]]
        return rlp.encode([*fields, tx["chainId"], 0, 0])
    access = _access_list_rlp(tx["accessList"])
    if kind == 1:
        fields = [tx["chainId"], tx["nonce"], tx["gasPrice"], tx["gas"], to, tx["value"]]
        return b"\x01" + rlp.encode([*fields, tx["data"], access])
    fields = [tx["chainId"], tx["nonce"], tx["maxPriorityFeePerGas"], tx["maxFeePerGas"]]
    return b"\x02" + rlp.encode([*fields, tx["gas"], to, tx["value"], tx["data"], access])


def eth_account_signing_hash(tx: dict) -> bytes:
    if tx.get("type", 0) == 0:
        return bytes(serializable_unsigned_transaction_from_dict(tx).hash())
    return bytes(TypedTransaction.from_dict(tx).hash())


@pytest.mark.parametrize("tx", ETH_TXS, ids=lambda tx: f"type{tx.get('type', 0)}")
def test_sighash_matches_eth_account(tx: dict) -> None:
    payload = unsigned_payload(tx)
    ours = evm_sighash(payload, tx["chainId"])
    assert parse_evm_tx(payload).tx_type == EvmTxType(tx.get("type", 0))
    # 1. eth-account's own unsigned signing hash.
    assert ours == eth_account_signing_hash(tx)
    # 2. eth-account signs the transaction; its (r, s) must verify over our sighash.
    signed = Account.sign_transaction(tx, PRIVATE_KEY)
    assert Account.recover_transaction(signed.raw_transaction) == ACCOUNT.address
    rs = signed.r.to_bytes(32, "big") + signed.s.to_bytes(32, "big")
    recovered = coincurve.PublicKey.from_signature_and_message(
        rs + bytes([signed.v % 2 if tx.get("type", 0) else (signed.v - 35) % 2]), ours, hasher=None
    )
    assert recovered.format() == coincurve.PrivateKey(PRIVATE_KEY).public_key.format()
    # 3. Our assembly of a coincurve signature over our sighash is a valid tx for eth-account.
    sig = coincurve.PrivateKey(PRIVATE_KEY).sign_recoverable(ours, hasher=None)
    raw = assemble_signed_evm_tx(payload, sig)
    assert Account.recover_transaction(raw) == ACCOUNT.address
    assert raw == bytes(signed.raw_transaction)  # both sign deterministically (RFC 6979)


def test_eip1559_twelve_item_form_hashes_like_nine_item_form() -> None:
    tx = ETH_TXS[5]
    nine = unsigned_payload(tx)
    twelve = b"\x02" + rlp.encode([*rlp.decode(nine[1:]), b"", b"", b""])
    signed_form = b"\x02" + rlp.encode([*rlp.decode(nine[1:]), 1, 5, 7])
    assert evm_sighash(twelve) == evm_sighash(nine) == evm_sighash(signed_form)


def test_assemble_normalises_high_s_and_uses_pubkey_for_64_byte_signatures() -> None:
    tx = ETH_TXS[5]
    payload = unsigned_payload(tx)
    digest = evm_sighash(payload)
    key = coincurve.PrivateKey(PRIVATE_KEY)
    sig = key.sign_recoverable(digest, hasher=None)
    expected = assemble_signed_evm_tx(payload, sig)
    r, s, v = sig[:32], int.from_bytes(sig[32:64], "big"), sig[64]
    high = r + (SECP256K1_N - s).to_bytes(32, "big") + bytes([v ^ 1])
    assert assemble_signed_evm_tx(payload, high) == expected
    assert assemble_signed_evm_tx(payload, sig[:64] + bytes([v + 27])) == expected
    pub = key.public_key.format()
    assert assemble_signed_evm_tx(payload, sig[:64], pubkey=pub) == expected
    assert assemble_signed_evm_tx(payload, high[:64], pubkey=pub) == expected
    # a wrong v is corrected when the key is known
    assert assemble_signed_evm_tx(payload, sig[:64] + bytes([v ^ 1]), pubkey=pub) == expected
    with pytest.raises(SignatureError, match="needs the public key"):
        assemble_signed_evm_tx(payload, sig[:64])
    other = coincurve.PrivateKey(b"\x07" * 32).public_key.format()
    with pytest.raises(SignatureError, match="does not verify"):
        assemble_signed_evm_tx(payload, sig, pubkey=other)
    with pytest.raises(SignatureError):
        assemble_signed_evm_tx(payload, sig[:64] + b"\x05")
    with pytest.raises(SignatureError):
        assemble_signed_evm_tx(payload, bytes(65))
    with pytest.raises(SignatureError):
        assemble_signed_evm_tx(payload, sig + b"\x00")


@given(st.binary(min_size=32, max_size=32), st.sampled_from(ETH_TXS))
@settings(max_examples=40, deadline=None)
def test_assembled_transactions_recover_to_the_signer(secret: bytes, tx: dict) -> None:
    try:
        key = coincurve.PrivateKey(secret)
    except ValueError:
        return
    payload = unsigned_payload(tx)
    raw = assemble_signed_evm_tx(payload, key.sign_recoverable(evm_sighash(payload), hasher=None))
    assert Account.recover_transaction(raw) == Account.from_key(secret).address


# ---------------------------------------------------------------------------------------------
# EVM: malformed payloads

LEGACY_OK = h(SPEC_EVM_SIGHASHES[0][0])


def _legacy(items: list) -> bytes:
    return rlp.encode(items)


LEGACY_ITEMS = rlp.decode(LEGACY_OK)


@pytest.mark.parametrize(
    ("payload", "chain_id", "message"),
    [
        (b"", 1, "empty transaction payload"),
        (LEGACY_OK[:-1], 1, "malformed RLP"),
        (LEGACY_OK + b"\x00", 1, "malformed RLP"),
        (_legacy(LEGACY_ITEMS[:8]), 1, "must have 9 RLP items, got 8"),
        (_legacy([*LEGACY_ITEMS, b""]), 1, "must have 9 RLP items, got 10"),
        (_legacy([*LEGACY_ITEMS[:3], b"", *LEGACY_ITEMS[4:]]), 1, "contract creation"),
        (_legacy([*LEGACY_ITEMS[:3], b"\x01" * 19, *LEGACY_ITEMS[4:]]), 1, "20-byte address"),
        (_legacy([b"\x00\x01", *LEGACY_ITEMS[1:]]), 1, "leading zero"),
        (_legacy([b"\x01" * 9, *LEGACY_ITEMS[1:]]), 1, "longer than 8 bytes"),
        (_legacy([*LEGACY_ITEMS[:5], [b""], *LEGACY_ITEMS[6:]]), 1, "data: expected a byte"),
        (_legacy([[], *LEGACY_ITEMS[1:]]), 1, "nonce: expected an integer"),
        (_legacy([*LEGACY_ITEMS[:6], 5, 0, 0]), 1, "chain id mismatch"),
        (_legacy([*LEGACY_ITEMS[:6], 5, 0, 0]), None, None),
        (_legacy([*LEGACY_ITEMS[:6], 0, 0, 0]), None, "chain id unknown"),
        (_legacy([*LEGACY_ITEMS[:6], 3, 1, 1]), 1, "invalid legacy signature value"),
        (b"\x80", 1, "expected an RLP list"),
        (b"\x03" + rlp.encode([]), 1, "unsupported transaction type: 3"),
        (b"\x00", 1, "unsupported transaction type: 0"),
        (b"\x01", 1, "malformed RLP"),
        (b"\x01" + rlp.encode([1] * 7), 1, "EIP-2930 transaction must have 8 RLP items, got 7"),
        (b"\x02" + rlp.encode([1] * 10), 1, "EIP-1559 transaction must have 9 RLP items, got 10"),
        (b"\x02" + rlp.encode([1] * 8), 1, "EIP-1559 transaction must have 9 RLP items, got 8"),
        (b"\x02" + rlp.encode([1] + [b"\xc0" * 10] * 8), 1, "longer than 8 bytes"),
        (b"\x02" + rlp.encode([b"\x01" * 33] * 9), 1, "longer than 32 bytes"),
        (b"\x01" + rlp.encode([1, 0, 1, 1, b"\x11" * 20, 0, b"", [[b"\x11" * 20]]]), 1, "access"),
        (b"\x01" + rlp.encode([1, 0, 1, 1, b"\x11" * 20, 0, b"", [[b"\x11", []]]]), 1, "address"),
        (
            b"\x01" + rlp.encode([1, 0, 1, 1, b"\x11" * 20, 0, b"", [[b"\x11" * 20, [b"1"]]]]),
            1,
            "storage keys",
        ),
        (b"\x01" + rlp.encode([1, 0, 1, 1, b"\x11" * 20, 0, b"", b""]), 1, "accessList"),
        (b"\x01" + rlp.encode([2, 0, 1, 1, b"\x11" * 20, 0, b"", []]), 1, "chain id mismatch"),
        (b"\x02" + rlp.encode([0, 0, 1, 1, 1, b"\x11" * 20, 0, b"", []]), None, "unknown"),
        (b"\x02" + rlp.encode([1, 0, 1, 1, 1, b"", 0, b"", []]), 1, "contract creation"),
    ],
)
def test_malformed_evm_payloads(payload: bytes, chain_id: int | None, message: str | None) -> None:
    if message is None:
        parse_evm_tx(payload, chain_id)
        return
    with pytest.raises(EvmTxError, match=message):
        parse_evm_tx(payload, chain_id)


def test_deeply_nested_rlp_is_a_clean_error() -> None:
    nested = b"\xc0"
    for _ in range(5000):
        nested = rlp.codec.length_prefix(len(nested), 0xC0) + nested
    for payload in (nested, b"\x02" + nested):
        with pytest.raises(EvmTxError):
            parse_evm_tx(payload, 1)


def test_invalid_request_chain_ids() -> None:
    with pytest.raises(EvmTxError, match="invalid chain id"):
        parse_evm_tx(LEGACY_OK, -1)
    with pytest.raises(EvmTxError, match="chain id unknown"):
        parse_evm_tx(LEGACY_OK, 0)  # proto3's unset chain id, and the payload has none
    assert parse_evm_tx(h(SPEC_EVM_SIGHASHES[3][0]), 0).chain_id == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xa9\x05\x9c", "invalid contract call"),
        (b"\xa9\x05\x9c\xbb" + bytes(31), "invalid ERC-20 transfer: recipient"),
        (b"\xa9\x05\x9c\xbb" + b"\x01" + bytes(63), "invalid ERC-20 transfer: recipient"),
        (b"\xa9\x05\x9c\xbb" + bytes(32), "invalid data length"),
        (b"\x23\xb8\x72\xdd" + bytes(63), "invalid ERC-20 transfer from: recipient"),
        (b"\x23\xb8\x72\xdd" + bytes(64), "invalid data length"),
        (b"\x23\xb8\x72\xdd" + bytes(95), "invalid data length"),
    ],
)
def test_malformed_erc20_calls(data: bytes, message: str) -> None:
    payload = rlp.encode([0, 1, 21000, b"\x11" * 20, 0, data, 1, 0, 0])
    with pytest.raises(EvmTxError, match=message):
        evm_transfer(parse_evm_tx(payload))


@FUZZ
@given(st.binary(max_size=300))
def test_random_bytes_only_raise_evm_tx_error(data: bytes) -> None:
    for payload in (data, b"\x01" + data, b"\x02" + data):
        for chain_id in (None, 1):
            try:
                tx = parse_evm_tx(payload, chain_id)
                evm_transfer(tx)
            except EvmTxError:
                pass


_rlp_items = st.recursive(
    st.binary(max_size=40) | st.integers(min_value=0, max_value=2**260),
    lambda children: st.lists(children, max_size=12),
    max_leaves=40,
)


@FUZZ
@given(st.lists(_rlp_items, min_size=6, max_size=13), st.sampled_from([b"", b"\x01", b"\x02"]))
def test_random_rlp_structures_only_raise_evm_tx_error(items: list, prefix: bytes) -> None:
    payload = prefix + rlp.encode(items)
    try:
        tx = parse_evm_tx(payload, 1)
        evm_transfer(tx)
        assert len(tx.sighash()) == 32
    except EvmTxError:
        pass


@FUZZ
@given(st.binary(max_size=70), st.sampled_from(ETH_TXS))
def test_random_signatures_only_raise_signature_error(sig: bytes, tx: dict) -> None:
    payload = unsigned_payload(tx)
    for pubkey in (None, ACCOUNT_PUB):
        with contextlib.suppress(SignatureError):
            assemble_signed_evm_tx(payload, sig, pubkey=pubkey)


ACCOUNT_PUB = coincurve.PrivateKey(PRIVATE_KEY).public_key.format()

# ---------------------------------------------------------------------------------------------
# Native


def test_native_sighash_is_sha256_of_sign_bytes() -> None:
    sign_bytes = b'{"account_number":"1","chain_id":"zenrock","msgs":[]}'
    assert native_sighash(sign_bytes) == hashlib.sha256(sign_bytes).digest()
    assert data_for_signing_hex([b"\x01\xab", b"\xff"]) == "01ab,ff"


# ---------------------------------------------------------------------------------------------
# Bitcoin: BIP143 official examples

BIP143_P2WPKH_TX = h(
    "0100000002fff7f7881a8099afa6940d42d1e7f6362bec38171ea3edf433541db4e4ad969f0000000000eeffffff"
    "ef51e1b804cc89d182d279655c3aa89e815b1b309fe287d9b2b55d57b90ec68a0100000000ffffffff02202cb206"
    "000000001976a9148280b37df378db99f66f85c95a783a76ac7a6d5988ac9093510d000000001976a9143bde42db"
    "ee7e4dbe6a21b2d50ce2f0167faa815988ac11000000"
)
BIP143_P2SH_P2WPKH_TX = h(
    "0100000001db6b1b20aa0fd7b23880be2ecbd4a98130974cf4748fb66092ac4d3ceb1a54770100000000feffffff"
    "02b8b4eb0b000000001976a914a457b684d7f0d539a46a45bbc043f35b59d0d96388ac0008af2f000000001976a9"
    "14fd270b1ee6abcaea97fea7ad0402e8bd8ad6d77c88ac92040000"
)
BIP143_P2WSH_TX = h(
    "0100000002fe3dc9208094f3ffd12645477b3dc56f60ec4fa8e6f5d67c565d1c6b9216b36e0000000000ffffffff"
    "0815cf020f013ed6cf91d29f4202e8a58726b1ac6c79da47c23d1bee0a6925f80000000000ffffffff0100f2052a"
    "010000001976a914a30741f8145e5acadf23f751864167f32e0963f788ac00000000"
)
BIP143_P2WSH_ACP_TX = h(
    "0100000002e9b542c5176808107ff1df906f46bb1f2583b16112b95ee5380665ba7fcfc0010000000000ffffffff"
    "80e68831516392fcd100d186b3c2c7b95c80b53c77e77c35ba03a66b429a2a1b0000000000ffffffff0280969800"
    "000000001976a914de4b231626ef508c9a74a8517e6783c0546d6b2888ac80969800000000001976a9146648a8cd"
    "4531e1ec47f35916de8e259237294d1e88ac00000000"
)
BIP143_6OF6_TX = h(
    "010000000136641869ca081e70f394c6948e8af409e18b619df2ed74aa106c1ca29787b96e0100000000ffffffff"
    "0200e9a435000000001976a914389ffce9cd9ae88dcc0631e88a821ffdbe9bfe2688acc0832f05000000001976a9"
    "147480a33f950689af511e6e84c138dbbd3c3ee41588ac00000000"
)
BIP143_6OF6_SCRIPT = h(
    "56210307b8ae49ac90a048e9b53357a2354b3334e9c8bee813ecb98e99a7e07e8c3ba32103b28f0c28bfab54554a"
    "e8c658ac5c3e0ce6e79ad336331f78c428dd43eea8449b21034b8113d703413d57761b8b9781957b8c0ac1dfe69f"
    "492580ca4195f50376ba4a21033400f6afecb833092a9a21cfdf1ed1376e58c5d1f47de74683123987e967a8f421"
    "03a6d48b1131e94ba04d9737d61acdaa1322008af9602b3b14862c07a1789aac162102d8b661b0b3302ee2f162b0"
    "9e07a55ad5dfbe673a9f01d9f0c19617681024306b56ae"
)
BIP143_NO_FIND_AND_DELETE_TX = h(
    "010000000169c12106097dc2e0526493ef67f21269fe888ef05c7a3a5dacab38e1ac8387f14c1d000000ffffffff"
    "0101000000000000000000000000"
)
BIP143_NO_FIND_AND_DELETE_SCRIPT = h(
    "ad4830450220487fb382c4974de3f7d834c1b617fe15860828c7f96454490edd6d891556dcc9022100baf95feb48"
    "f845d5bfc9882eb6aeefa1bc3790e39f59eaa46ff7f15ae626c53e01"
)

BIP143_VECTORS = [
    # (tx, input, scriptCode, amount, hashType, sigHash)
    (
        BIP143_P2WPKH_TX,
        1,
        h("76a9141d0f172a0ecb48aee1be1f2687d2963ae33f71a188ac"),
        600000000,
        SIGHASH_ALL,
        "c37af31116d1b27caf68aae9e3ac82f1477929014d5b917657d0eb49478cb670",
    ),
    (
        BIP143_P2SH_P2WPKH_TX,
        0,
        h("76a91479091972186c449eb1ded22b78e40d009bdf008988ac"),
        1000000000,
        SIGHASH_ALL,
        "64f3b0f4dd2bb3aa1ce8566d220cc74dda9df97d8490cc81d89d735c92e59fb6",
    ),
    (
        BIP143_P2WSH_TX,
        1,
        h(
            "21026dccc749adc2a9d0d89497ac511f760f45c47dc5ed9cf352a58ac706453880aeadab210255a9626aeb"
            "f5e29c0e6538428ba0d1dcf6ca98ffdf086aa8ced5e0d0215ea465ac"
        ),
        4900000000,
        0x03,
        "82dde6e4f1e94d02c2b7ad03d2115d691f48d064e9d52f58194a6637e4194391",
    ),
    (
        BIP143_P2WSH_TX,
        1,
        h("210255a9626aebf5e29c0e6538428ba0d1dcf6ca98ffdf086aa8ced5e0d0215ea465ac"),
        4900000000,
        0x03,
        "fef7bd749cce710c5c052bd796df1af0d935e59cea63736268bcbe2d2134fc47",
    ),
    (
        BIP143_P2WSH_ACP_TX,
        0,
        h("0063ab68210392972e2eb617b2388771abe27235fd5ac44af8e61693261550447a4c3e39da98ac"),
        16777215,
        0x83,
        "e9071e75e25b8a1e298a72f0d2e9f4f95a0f5cdf86a533cda597eb402ed13b3a",
    ),
    (
        BIP143_P2WSH_ACP_TX,
        1,
        h("68210392972e2eb617b2388771abe27235fd5ac44af8e61693261550447a4c3e39da98ac"),
        16777215,
        0x83,
        "cd72f1f1a433ee9df816857fad88d8ebd97e09a75cd481583eb841c330275e54",
    ),
    *[
        (BIP143_6OF6_TX, 0, BIP143_6OF6_SCRIPT, 987654321, hash_type, sighash)
        for hash_type, sighash in [
            (0x01, "185c0be5263dce5b4bb50a047973c1b6272bfbd0103a89444597dc40b248ee7c"),
            (0x02, "e9733bc60ea13c95c6527066bb975a2ff29a925e80aa14c213f686cbae5d2f36"),
            (0x03, "1e1f1c303dc025bd664acb72e583e933fae4cff9148bf78c157d1e8f78530aea"),
            (0x81, "2a67f03e63a6a422125878b40b82da593be8d4efaafe88ee528af6e5a9955c6e"),
            (0x82, "781ba15f3779d5542ce8ecb5c18716733a5ee42a6f51488ec96154934e2c890a"),
            (0x83, "511e8e52ed574121fc1b654970395502128263f62662e076dc6baf05c2e6a99b"),
        ]
    ],
    (
        BIP143_NO_FIND_AND_DELETE_TX,
        0,
        BIP143_NO_FIND_AND_DELETE_SCRIPT,
        200000,
        SIGHASH_ALL,
        "71c9cd9b2869b9c70b01b1f0360c148f42dee72297db312638df136f43311f23",
    ),
]


@pytest.mark.parametrize(
    ("raw", "index", "script", "amount", "hash_type", "expected"), BIP143_VECTORS
)
def test_bip143_official_vectors(
    raw: bytes, index: int, script: bytes, amount: int, hash_type: int, expected: str
) -> None:
    tx = parse_bitcoin_tx(raw)
    assert not tx.segwit
    assert bip143_sighash(tx, index, script, amount, hash_type).hex() == expected


def test_bip143_signed_segwit_tx_parses_with_witnesses() -> None:
    signed = h(
        "01000000000102fff7f7881a8099afa6940d42d1e7f6362bec38171ea3edf433541db4e4ad969f000000004948"
        "30450221008b9d1dc26ba6a9cb62127b02742fa9d754cd3bebf337f7a55d114c8e5cdd30be022040529b194ba3"
        "f9281a99f2b1c0a19c0489bc22ede944ccf4ecbab4cc618ef3ed01eeffffffef51e1b804cc89d182d279655c3a"
        "a89e815b1b309fe287d9b2b55d57b90ec68a0100000000ffffffff02202cb206000000001976a9148280b37df3"
        "78db99f66f85c95a783a76ac7a6d5988ac9093510d000000001976a9143bde42dbee7e4dbe6a21b2d50ce2f016"
        "7faa815988ac000247304402203609e17b84f6a7d30c80bfa610b5b4542f32a8a0d5447a12fb1366d7f01cc44a"
        "0220573a954c4518331561406f90300e8f3358f51928d43c212a8caed02de67eebee0121025476c2e83188368d"
        "a1ff3e292e7acafcdb3566bb0ad253f62fc70f07aeee635711000000"
    )
    tx = parse_bitcoin_tx(signed)
    assert tx.segwit
    assert tx.inputs[0].witness == ()
    assert len(tx.inputs[1].witness) == 2
    assert tx.inputs[1].witness[1].hex() == (
        "025476c2e83188368da1ff3e292e7acafcdb3566bb0ad253f62fc70f07aeee6357"
    )
    # Same sighash as the unsigned legacy serialisation: witnesses are not committed.
    script = h("76a9141d0f172a0ecb48aee1be1f2687d2963ae33f71a188ac")
    assert bip143_sighash(tx, 1, script, 600000000).hex() == BIP143_VECTORS[0][5]


# Bitcoin Core's src/test/data/sighash.json: [tx, script, input, hashType, sighash (reversed)].
CORE_LEGACY_VECTORS = [
    (
        "c9d2af7c014379565ef74fe6cbb17ff5a42ba57c64329b85f90ea6bfc000a94fa5cc414be502000000076a0053ab"
        "536551ffffffff040b4effecb1d70100030065ab54986fe2c36d01000163b5890ec22d40000008636aac65515200"
        "ac23749cc4abe100000453ac005200000000",
        "acab63ab635353ab6a",
        0,
        -783683045,
        "196c87b447f8666af448a62f086deb0dbfaf3284bdc0fbfc973aa998e6b13876",
    ),
    (
        "4737215002d6ac898bde5f2055b5f642a9d95251aa9bd79a757058b5fc429c0c9ae2b1f2250100000009ab6a00ac"
        "00abab656affffffff176c3a90b0495f136312fafc161bff5bb32fa61981303f9d15e683798e8e219e0300000001"
        "ab5b0be2bb02b92d2229714b01000500006353ab294057f6cbcc020002ac6500000000",
        "53",
        0,
        434913772,
        "e154b93312a31ae30d7629517083866bb3dd9f2b8c2aeca1fdcc6d9ef28b2deb",
    ),
    (
        "9f3475fa02af64a02375fd5f0bf23e86f1b6eaa6b194f82a87ec44d254d14a538f50dd32b10300000006ac6a5363"
        "ac65ffffffff23b6a533b1491909571a1d6926bb63517dd3fe91606a9f67871cd913c35d96770200000008005251"
        "6553516552ffffffff0301b68cdfaece000009536a63acab006551abe61db2e1e1ec01000853ac516a005200abc1"
        "24435500b90000096a5252516a6a006552406041a2",
        "6aac516363ab5353",
        0,
        1582559354,
        "c3b0af3f6dc5eeb5cce8f566195fb89967a9eb87d002943d1cf38f36a2959d1a",
    ),
    (
        "1053111a029d942e0cb55c273333c5064ccb92cbfdc8d56c97861e03618630237179094f470100000005000053ac"
        "65ffffffffda0f671ceec0ce2ea0a747214e0c9aeb2e092f14d1335a6a13512a70361972d401000000025152f6c8"
        "6a39024e0136932480020008006a6a63ab515165ef0cc47fbd8d0300086a65ac535265656556d85a47",
        "ac65536363",
        0,
        2013933401,
        "7fb9dd1897d2f6d1f9d60957f1d2a050d10880b94961556f03f161ee9b5b57b3",
    ),
    (
        "0ad29457020c1f81c448e6a16c1d46c6b11ce10350c25cee981a7e5f355a430a4b1a02c3e3010000000953525165"
        "ac6a516a52db03f96bc594126fef82a78e20977c76c690ec394ab51b00ed9f18fc07400768ad9bd48b0000000009"
        "ab51636a5265525263616b5423012426ef16db5b0100056351006a5300000000",
        "636a",
        1,
        877962686,
        "0e1455886a1cd6fd614950b396eb1f207eb6dbbcec0945da95629418da923366",
    ),
    (
        "01b86ffc0170aa032757ea88fd74489a2b5ae4ba63e9388416ce0f6e3ef15fb9201e41feb80200000006636353ac"
        "6a63ffffffff02f09fce0dc00b01000365006a24f6249ce1d2010003ab6300561258d1",
        "acac655265ab0052",
        0,
        894060510,
        "28191d986349b920372a4c61b32c1ec3f007bd3989a027b23208008c93624242",
    ),
    (
        "d9bd0983028c07265ad18ae5b4f91b6ca2ce31d8a92543d27d4d43ad1d9814404102453bfc01000000020000ffff"
        "ffffc5654684507ee70ca0ee24de8577ccf2cd8a891e707026073be775ebed4fb2270100000002ab539cebb35003"
        "781985dfcdae000005636aac510010a97e1e9bcb01000151c933660582b00000066aabab0052527c356b2a",
        "5163ac0052",
        0,
        243463904,
        "354d46f80064135c353c756c3865258159d1bb8d2b6b73904abd9de2ebdea2e4",
    ),
    (
        "9fd9f3ec028c97328bafaaebbd773c779cbdc7ee15a6d94620232b96b11e6522b15ea439a303000000076351525253"
        "636affffffff7725b7ce1eee44c544486a2f24abfb81093ee3f9803a5ad459f4ce904a3f4b140100000000ffffff"
        "ff0349c565846a2602000100b5da3b65963b010007006552526a006a8b7005dfbe3e010003536aab6e84645e",
        "",
        1,
        -65807906,
        "a69a7848f2cf474e4184206347d991ec25c72222f089f0ca2df92b8f11ffebf0",
    ),
    (
        "cc3dee6b0395388456d20ddd370a430e665087f08e851898dd4caf2acf650a724199d576350000000001517d566d"
        "2f77b9caefa0004c5df5c34ed75925c36436ac71440f5566a58ccf7a7b9ccf6b5102000000016560aab934049455"
        "0cd22311392dcc6f2607eda8fc7fc81ff1f7c5d06ae3e444f21344daaa0200000008ab656a52acac65524e15a995"
        "01b41d1dcb873401000045831831",
        "ac",
        1,
        1704699221,
        "b9481741427436838e2dc98b6b9f8f35f480fa617d45300e3ca9904a4f7b8a3d",
    ),
]


@pytest.mark.parametrize(("raw", "script", "index", "hash_type", "expected"), CORE_LEGACY_VECTORS)
def test_legacy_sighash_bitcoin_core_vectors(
    raw: str, script: str, index: int, hash_type: int, expected: str
) -> None:
    tx = parse_bitcoin_tx(h(raw))
    assert legacy_sighash(tx, index, h(script), hash_type)[::-1].hex() == expected


def test_legacy_sighash_single_without_output_is_one() -> None:
    tx = parse_bitcoin_tx(BIP143_P2WSH_TX)  # 2 inputs, 1 output
    assert legacy_sighash(tx, 1, b"", 0x03) == (1).to_bytes(32, "little")
    with pytest.raises(BitcoinTxError, match="does not parse"):
        legacy_sighash(tx, 0, b"\x4c", SIGHASH_ALL)
    with pytest.raises(BitcoinTxError, match="out of range"):
        legacy_sighash(tx, 2, b"", SIGHASH_ALL)


# ---------------------------------------------------------------------------------------------
# Bitcoin: zrChain's "unsigned plus" convention and BITCOIN_PLUS

# zrChain's x/treasury/types/wallet_btc_test.go; expected hash from the same test.
UNSIGNED_PLUS_TX = h(
    "010000000001011cf81f651d4135576e226b9e3afd6d5bb3d204fc87258c732b90c7f49224c36a0100000000ffff"
    "ffff02701700000000000016001496d1dc8156bf66e09b58582a8fe07fd2cf780cd4b3180000000000001600140b"
    "7ae56af7989b75aa086a194276063dc1d34568050877380000000000002103d6b23e342370ae51214d6e198f86ac"
    "0065a3dc15c21a2a348060acb7de8a0ad91600140b7ae56af7989b75aa086a194276063dc1d3456808010000000000"
    "0000209b0c1c721ceea9a96c1e6dd99e37be2d1d0602ba564806ea531663d88cf2de9800000000"
)
UNSIGNED_PLUS_HASH = h("9b0c1c721ceea9a96c1e6dd99e37be2d1d0602ba564806ea531663d88cf2de98")


def test_zrchain_unsigned_plus_vector() -> None:
    assert bitcoin_sighashes(UNSIGNED_PLUS_TX) == [UNSIGNED_PLUS_HASH]
    prevout = bitcoin_prevouts(parse_bitcoin_tx(UNSIGNED_PLUS_TX))[0]
    assert prevout.amount == 0x3877
    assert prevout.script_pubkey.hex() == "00140b7ae56af7989b75aa086a194276063dc1d34568"


def _with_witnesses(raw: bytes, witnesses: list[list[bytes]]) -> bytes:
    """Re-serialise a legacy tx in BIP144 form with the given witness stacks."""
    tx = parse_bitcoin_tx(raw)
    out = tx.version.to_bytes(4, "little", signed=True) + b"\x00\x01" + bytes([len(tx.inputs)])
    for txin in tx.inputs:
        out += txin.outpoint() + bytes([len(txin.script_sig)]) + txin.script_sig
        out += txin.sequence.to_bytes(4, "little")
    out += bytes([len(tx.outputs)]) + b"".join(o.serialize() for o in tx.outputs)
    for stack in witnesses:
        out += bytes([len(stack)]) + b"".join(bytes([len(item)]) + item for item in stack)
    return out + tx.locktime.to_bytes(4, "little")


def test_convention_reproduces_bip143_p2wpkh_vector_per_input() -> None:
    """The official P2WPKH example, annotated zrChain-style, gives the official hash."""
    p2pk = h("2103c9f4836b9a4f77fc0d81f7bcb01b7f1b35916864b9476c241ce9fc198bd25432ac")
    p2wpkh = h("00141d0f172a0ecb48aee1be1f2687d2963ae33f71a1")
    raw = _with_witnesses(
        BIP143_P2WPKH_TX,
        [
            [(625000000).to_bytes(8, "little"), b"pk", p2pk],
            [(600000000).to_bytes(8, "little"), b"pk", p2wpkh, b"extra"],
        ],
    )
    hashes = bitcoin_sighashes(raw)
    assert hashes[1].hex() == BIP143_VECTORS[0][5]
    tx = parse_bitcoin_tx(BIP143_P2WPKH_TX)
    assert hashes[0] == bip143_sighash(tx, 0, p2pk, 625000000)  # verbatim non-P2WPKH script
    # The same hashes from the legacy serialisation with explicit previous outputs.
    explicit = [BitcoinPrevOut(625000000, p2pk), BitcoinPrevOut(600000000, p2wpkh)]
    assert bitcoin_sighashes(BIP143_P2WPKH_TX, explicit) == hashes
    with pytest.raises(BitcoinTxError, match="1 previous outputs for 2 inputs"):
        bitcoin_sighashes(BIP143_P2WPKH_TX, explicit[:1])
    with pytest.raises(BitcoinTxError, match="64 bits"):
        bip143_sighash(tx, 0, p2pk, 2**63)
    assert verify_bitcoin_plus(raw, hashes) == VerificationStatus.SUCCEEDED
    assert verify_bitcoin_plus(raw, [hashes[0], hashes[0]]) == VerificationStatus.FAILED
    with pytest.raises(BitcoinTxError, match=r"dataforsigning \(1\) should be the same count"):
        verify_bitcoin_plus(raw, hashes[:1])


def test_bitcoin_plus_is_not_inverted() -> None:
    """fix 12 of docs/COMPATIBILITY.md: a matching hash verifies (zrChain fails it) and inputs are
    counted."""
    assert verify_bitcoin_plus(UNSIGNED_PLUS_TX, [UNSIGNED_PLUS_HASH]) == (
        VerificationStatus.SUCCEEDED
    )
    wrong = bytes(32)
    assert verify_bitcoin_plus(UNSIGNED_PLUS_TX, [wrong]) == VerificationStatus.FAILED
    plus = VerificationVersion.BITCOIN_PLUS
    assert verify_data_for_signing(plus, UNSIGNED_PLUS_TX, [UNSIGNED_PLUS_HASH]) == (
        VerificationStatus.SUCCEEDED
    )
    assert verify_data_for_signing(VerificationVersion.UNKNOWN, UNSIGNED_PLUS_TX, [wrong]) == (
        VerificationStatus.NOT_VERIFIED
    )
    assert verify_data_for_signing(7, UNSIGNED_PLUS_TX, [wrong]) == VerificationStatus.NOT_VERIFIED
    assert verify_data_for_signing(plus, None, [wrong]) == VerificationStatus.NOT_VERIFIED
    assert verify_data_for_signing(plus, UNSIGNED_PLUS_TX, []) == VerificationStatus.NOT_VERIFIED
    with pytest.raises(BitcoinTxError):
        verify_data_for_signing(plus, b"\x01\x02", [wrong])


def test_short_amount_reads_as_zero_and_long_amount_is_truncated() -> None:
    p2wpkh = h("00141d0f172a0ecb48aee1be1f2687d2963ae33f71a1")
    raw = _with_witnesses(
        BIP143_P2WPKH_TX,
        [[b"\x01\x02", b"", p2wpkh], [(600000000).to_bytes(8, "little") + b"\xff", b"", p2wpkh]],
    )
    prevouts = bitcoin_prevouts(parse_bitcoin_tx(raw))
    assert [p.amount for p in prevouts] == [0, 600000000]
    assert bitcoin_sighashes(raw)[1].hex() == BIP143_VECTORS[0][5]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (BIP143_P2WPKH_TX, "witness must carry"),  # legacy serialisation: no annotations
        (UNSIGNED_PLUS_TX + b"\x00", "unexpected bytes after the lock time"),
        (UNSIGNED_PLUS_TX[:-1], "unexpected end"),
        (UNSIGNED_PLUS_TX[:4] + b"\x00\x02" + UNSIGNED_PLUS_TX[6:], "flag byte is 02"),
        (h("01000000fd0100"), "non-canonical varint"),
        (h("01000000ff0000000000000001"), "exceeds the remaining data"),
        (b"", "unexpected end"),
    ],
)
def test_malformed_bitcoin_payloads(raw: bytes, message: str) -> None:
    with pytest.raises(BitcoinTxError, match=message):
        bitcoin_sighashes(raw)


def test_unparseable_previous_script_is_refused() -> None:
    raw = _with_witnesses(BIP143_P2SH_P2WPKH_TX, [[bytes(8), b"", b"\x4d\x01"]])
    with pytest.raises(BitcoinTxError, match="does not parse"):
        bitcoin_sighashes(raw)


@FUZZ
@given(st.binary(max_size=400))
def test_random_bytes_only_raise_bitcoin_tx_error(data: bytes) -> None:
    for raw in (data, UNSIGNED_PLUS_TX[:6] + data, UNSIGNED_PLUS_TX[: len(data)]):
        try:
            hashes = bitcoin_sighashes(raw)
            assert verify_bitcoin_plus(raw, hashes) == VerificationStatus.SUCCEEDED
        except BitcoinTxError:
            pass


# ---------------------------------------------------------------------------------------------
# Solana

# zrChain's NewSignatureRequest test payload (346 hex chars: a real message with
# AdvanceNonceAccount + system Transfer).
SOLANA_GO_MESSAGE = h(
    "020001046ac8f20fc76e35d909f857aa01a083afe317c4f1e507670b3181e9b6a8e2c342000000000000000000000000"
    "0000000000000000000000000000000000000000fa06c50dc073d2007afead92cfa489ee7ebe9fcf44253515b3301040"
    "938dba0a06a7d517192c568ee08a845f73d29788cf035c3145b21ab344d8062ea94000001ccc1d9ff619d8b760f74d67"
    "cf000b47f71d326411b502bafd5f5bed7a3c84f40201030103010404000000010200020c020000009f3d35bf01000000"
)


def _shortvec(n: int) -> bytes:
    out = b""
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out += bytes([byte | 0x80])
        else:
            return out + bytes([byte])


def _message(keys: list[bytes], instructions: list[tuple[int, bytes, bytes]], v0: bool = False,
             lookups: bytes = b"") -> bytes:  # fmt: skip
    out = (b"\x80" if v0 else b"") + bytes([1, 0, 1]) + _shortvec(len(keys)) + b"".join(keys)
    out += b"\x42" * 32 + _shortvec(len(instructions))
    for program, accounts, data in instructions:
        out += bytes([program]) + _shortvec(len(accounts)) + accounts
        out += _shortvec(len(data)) + data
    return out + (lookups if v0 else b"")


PAYER, DEST, TOKEN = b"\x0a" * 32, b"\x0b" * 32, b"\x0c" * 32
SPL = h("06ddf6e1d765a193d9cbe146ceeb79ac1cb485ed5f5b37913a8cf5857eff00a9")


def test_solana_go_message() -> None:
    msg = parse_solana_message(SOLANA_GO_MESSAGE)
    assert msg.version is None
    assert len(msg.account_keys) == 4
    assert solana_signing_payload(SOLANA_GO_MESSAGE) == SOLANA_GO_MESSAGE
    transfer = solana_transfer(msg)
    assert transfer is not None
    assert transfer.amount == 0x01BF353D9F
    assert transfer.recipient == b58encode(msg.account_keys[2])


def test_solana_system_and_spl_transfers() -> None:
    system = _message(
        [PAYER, DEST, bytes(32)],
        [(2, b"\x00\x01", b"\x02\x00\x00\x00" + (5).to_bytes(8, "little"))],
    )
    found = solana_transfer(system)
    assert found is not None and (found.recipient, found.amount) == (b58encode(DEST), 5)
    spl = _message([PAYER, DEST, TOKEN, SPL], [(3, b"\x02\x01\x00", b"\x03" + bytes([9]) * 8)])
    found = solana_transfer(spl)
    assert found is not None and found.recipient == b58encode(DEST) and found.program == SPL
    assert solana_transfer(_message([PAYER, bytes(32)], [(1, b"\x00", b"\x00")])) is None
    lookup = b"\x01" + b"\x0d" * 32 + b"\x01\x00" + b"\x01\x01"
    v0 = _message(
        [PAYER, bytes(32)], [(1, b"\x00\x02", b"\x02\x00\x00\x00" + bytes(8))], True, lookup
    )
    assert parse_solana_message(v0).lookup_accounts == 2
    with pytest.raises(SolanaTxError, match="incomplete data"):
        solana_transfer(v0)  # recipient only known through the lookup table
    with pytest.raises(SolanaTxError, match="incomplete data"):
        solana_transfer(_message([PAYER, DEST, bytes(32)], [(2, b"\x00\x01", b"\x02\0\0\0\x05")]))


@pytest.mark.parametrize(
    ("message", "error"),
    [
        (b"", "unexpected end"),
        (SOLANA_GO_MESSAGE + b"\x00", "unexpected bytes"),
        (SOLANA_GO_MESSAGE[:-1], "unexpected end"),
        (b"\x81" + SOLANA_GO_MESSAGE, "version 1"),
        (_message([PAYER, DEST], [(3, b"", b"")]), "outside the message"),
        (_message([PAYER, DEST], [(0, b"\x02", b"")]), "outside the message"),
        (bytes([1, 0, 1, 0x81, 0x00]), "non-canonical compact-u16"),
        (bytes([1, 0, 1, 0xFF, 0xFF, 0x7F]), "overflow"),
        (bytes([5, 0, 0, 0x01]) + PAYER + bytes(33), "header"),
    ],
)
def test_malformed_solana_messages(message: bytes, error: str) -> None:
    with pytest.raises(SolanaTxError, match=error):
        parse_solana_message(message)


@FUZZ
@given(st.binary(max_size=300))
def test_random_bytes_only_raise_solana_tx_error(data: bytes) -> None:
    for message in (data, SOLANA_GO_MESSAGE[:40] + data):
        with contextlib.suppress(SolanaTxError):
            solana_transfer(solana_signing_payload(message))


# ---------------------------------------------------------------------------------------------
# Returned-signature verification (docs/treasury.md); vectors from zrChain's FulfilSignatureRequest
# tests

ECDSA_KEY = h("03ca27ea7b0641497b19a723e3b92590801c7e79b114253fc1e99df1fd9730526b")
ECDSA_HASH = h("778f572f33afab831365d52e563a0ddd778f572f33afab831365d52e563a0ddd")
ECDSA_SIG = h(
    "d8350130b68fdc9512c3fa28d4a7b9c4ab50e08ef1e2d8e46c3ee72ff78eecbd1e7ed73041de7748f85db724395e76"
    "24baaaa620700e76ae0e5383bf8d2ba2db"
)
EDDSA_KEY = h("29dbaad675878b2f16cb14827a4c1a41bbd63c3b601bdc5e277d00b120ffeece")
EDDSA_SIG = h(
    "a1d535710d81112c068aade80d5d2ff12addccf86a6b38d92d80cb1d8ea64cd372ea7519340ec549fdaeb228118ea4"
    "42fcea645b651659dc4b0ef9392418e70d"
)
KEYRING = "keyring1pfnq7r04rept47gaf5cpdew2"
ECDSA = KeyType.KEY_TYPE_ECDSA_SECP256K1
EDDSA = KeyType.KEY_TYPE_EDDSA_ED25519
BITCOIN = KeyType.KEY_TYPE_BITCOIN_SECP256K1


def test_go_ecdsa_and_eddsa_signatures_verify() -> None:
    assert verify_signature(ECDSA, ECDSA_KEY, ECDSA_HASH, ECDSA_SIG, KEYRING) == ECDSA_SIG
    assert verify_signature(EDDSA, EDDSA_KEY, ECDSA_HASH, EDDSA_SIG, KEYRING) == EDDSA_SIG


def test_go_65_byte_signature_gets_its_recovery_id() -> None:
    key = h("02c51797424c3522e6ed7044b8f5a2c91d59b619c12c223f41b1dbf96b4e7e1c3e")
    digest = h("e8cc5a8837c84e8f21abcc1ea66624a93e0112bec6f3db3aef79649d6cacc0e0")
    sig = h(
        "2a757d0bca85ea2dba263666fb84a035e4aa3f0ee830ac48594bb8ae60775c656a59fd38fe8c2880c30a64c998"
        "296ec7afdefac3508a41abbe4cfbe7bd7fb32a1b"
    )
    assert verify_signature(ECDSA, key, digest, sig, KEYRING) == sig[:64] + b"\x00"


def test_go_signature_error_texts() -> None:
    with pytest.raises(SignatureError) as err:
        verify_signature(EDDSA, EDDSA_KEY, ECDSA_HASH, ECDSA_SIG, KEYRING)
    assert str(err.value) == (
        f"verifySignature- invalid signature {ECDSA_SIG.hex()} from keyring {KEYRING}"
    )
    long_sig = ECDSA_SIG + b"\x00\x00"
    with pytest.raises(SignatureError) as err:
        verify_signature(ECDSA, ECDSA_KEY, ECDSA_HASH, long_sig, KEYRING)
    assert str(err.value) == (
        f"verifySignature- invalid ecdsa signature {long_sig.hex()} of length 66"
    )
    with pytest.raises(SignatureError) as err:
        verify_signature(EDDSA, EDDSA_KEY, ECDSA_HASH, EDDSA_SIG[:61], KEYRING)
    assert str(err.value) == (
        f"verifySignature- invalid eddsa signature {EDDSA_SIG[:61].hex()} of length 61"
    )
    with pytest.raises(SignatureError) as err:
        verify_signature(KeyType.KEY_TYPE_UNSPECIFIED, ECDSA_KEY, ECDSA_HASH, ECDSA_SIG, KEYRING)
    assert str(err.value) == "verifySignature- invalid key type: KEY_TYPE_UNSPECIFIED"


def test_ecdsa_rejects_high_s_wrong_hash_and_wrong_key() -> None:
    r, s = ECDSA_SIG[:32], int.from_bytes(ECDSA_SIG[32:], "big")
    high = r + (SECP256K1_N - s).to_bytes(32, "big")
    other_key = h("02c51797424c3522e6ed7044b8f5a2c91d59b619c12c223f41b1dbf96b4e7e1c3e")
    for args in (
        (ECDSA_KEY, ECDSA_HASH, high),
        (ECDSA_KEY, bytes(32), ECDSA_SIG),
        (ECDSA_KEY, ECDSA_HASH[:31], ECDSA_SIG),
        (other_key, ECDSA_HASH, ECDSA_SIG),
        (b"\x02" + bytes(32), ECDSA_HASH, ECDSA_SIG),
        (ECDSA_KEY, ECDSA_HASH, bytes(64)),
    ):
        with pytest.raises(SignatureError, match="invalid signature"):
            verify_signature(ECDSA, *args, KEYRING)


def test_65_byte_signature_with_uncompressed_key_gets_the_recovery_id() -> None:
    (v,) = [
        v
        for v in (0, 1)
        if coincurve.PublicKey.from_signature_and_message(
            ECDSA_SIG + bytes([v]), ECDSA_HASH, hasher=None
        ).format()
        == ECDSA_KEY
    ]
    uncompressed = coincurve.PublicKey(ECDSA_KEY).format(compressed=False)
    stored = verify_signature(ECDSA, uncompressed, ECDSA_HASH, ECDSA_SIG + b"\x1b", KEYRING)
    assert stored == ECDSA_SIG + bytes([v])


def test_rfc8032_test_vector_1() -> None:
    pub = h("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
    sig = h(
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e3970"
        "1cf9b46bd25bf5f0595bbe24655141438e7a100b"
    )
    assert verify_signature(EDDSA, pub, b"", sig) == sig
    with pytest.raises(SignatureError):
        verify_signature(EDDSA, pub, b"\x00", sig)


def test_bitcoin_signatures_are_converted_to_low_s_der_and_verified() -> None:
    key = coincurve.PrivateKey(b"\x11" * 32)
    pub = key.public_key.format()
    digest = hashlib.sha256(b"bitcoin").digest()
    raw = key.sign_recoverable(digest, hasher=None)
    der = bitcoin_signature_to_der(raw)
    assert der == key.sign(digest, hasher=None)  # libsecp256k1's own low-S DER
    assert verify_signature(BITCOIN, pub, digest, der, KEYRING) == der
    r, s = raw[:32], int.from_bytes(raw[32:64], "big")
    assert bitcoin_signature_to_der(r + (SECP256K1_N - s).to_bytes(32, "big")) == der
    assert parse_der_signature(der) == (int.from_bytes(r, "big"), s)
    with pytest.raises(SignatureError, match="ConvertECDSASigtoBitcoinSig"):
        bitcoin_signature_to_der(raw + b"\x00")
    with pytest.raises(SignatureError, match="ConvertECDSASigtoBitcoinSig"):
        bitcoin_signature_to_der(raw[:63])
    with pytest.raises(SignatureError) as err:
        verify_signature(BITCOIN, pub, digest, raw, KEYRING)
    assert (
        str(err.value)
        == f"verifySignature - invalid Bitcoin signature {raw.hex()} - fail to parse "
    )
    with pytest.raises(SignatureError) as err:
        verify_signature(BITCOIN, pub[:20], digest, der, KEYRING)
    assert str(err.value) == f"verifySignature- invalid Bitcoin Public Key {pub[:20].hex()} "
    with pytest.raises(SignatureError, match="invalid signature"):
        verify_signature(BITCOIN, ECDSA_KEY, digest, der, KEYRING)
    zero = bitcoin_signature_to_der(bytes(64))
    with pytest.raises(SignatureError, match="fail to parse"):
        verify_signature(BITCOIN, pub, digest, zero, KEYRING)


@FUZZ
@given(st.binary(max_size=80), st.binary(max_size=40), st.sampled_from([ECDSA, EDDSA, BITCOIN]))
def test_random_signatures_and_keys_only_raise_signature_error(
    sig: bytes, pub: bytes, kind: KeyType
) -> None:
    for key in (pub, ECDSA_KEY, EDDSA_KEY):
        with contextlib.suppress(SignatureError):
            verify_signature(kind, key, ECDSA_HASH, sig, KEYRING)
    with contextlib.suppress(SignatureError):
        bitcoin_signature_to_der(sig)


# ---------------------------------------------------------------------------------------------
# Public keys (fix 3 of docs/COMPATIBILITY.md)


def test_go_public_key_error_texts() -> None:
    short = h("9a87b01a75685e094944a28b09e72ff9899c3c5742a3")
    with pytest.raises(PublicKeyError) as err:
        validate_public_key(ECDSA, short)
    assert str(err.value) == (
        "invalid ecdsa_secp256k1 public key 9a87b01a75685e094944a28b09e72ff9899c3c5742a3 of "
        "length 22, expected 33 or 65 bytes"
    )
    long_ed = h("01f3b217dd885117f8e51f9a87b01a75685e094944a28b09e72ff9899c3c5742a3")
    with pytest.raises(PublicKeyError) as err:
        validate_public_key(EDDSA, long_ed)
    assert str(err.value) == (
        f"invalid eddsa_ed25519 public key {long_ed.hex()} of length 33, expected 32 bytes"
    )
    with pytest.raises(PublicKeyError, match="invalid key type: KEY_TYPE_UNSPECIFIED"):
        validate_public_key(KeyType.KEY_TYPE_UNSPECIFIED, ECDSA_KEY)


def test_secp256k1_keys_are_validated_and_normalised() -> None:
    uncompressed = coincurve.PublicKey(ECDSA_KEY).format(compressed=False)
    assert validate_public_key(ECDSA, ECDSA_KEY) == ECDSA_KEY
    assert validate_public_key(BITCOIN, uncompressed) == ECDSA_KEY
    assert secp256k1_compressed(uncompressed) == ECDSA_KEY
    p = 2**256 - 2**32 - 977
    x = int("05" * 32, 16)
    while pow(x**3 + 7, (p - 1) // 2, p) != p - 1:  # Euler: x³ + 7 must be a non-residue
        x += 1
    not_on_curve = b"\x02" + x.to_bytes(32, "big")
    for bad, message in [
        (not_on_curve, "not a point"),
        (b"\x04" + uncompressed[1:33] + bytes(32), "not a point"),
        (b"\x06" + uncompressed[1:], "prefix must be"),
        (b"\x02" + uncompressed[1:], "prefix must be"),
        (b"\x04" + uncompressed[1:33], "prefix must be"),
        (b"\x02" + bytes(5) + b"\x01" * 27, "5 leading zeros"),
        (b"\x02" + b"\xff" * 32, "not a point"),  # x >= p
    ]:
        with pytest.raises(PublicKeyError, match=message):
            validate_public_key(ECDSA, bad)


def test_ed25519_keys_must_be_large_order_points() -> None:
    assert validate_public_key(EDDSA, EDDSA_KEY) == EDDSA_KEY
    identity = b"\x01" + bytes(31)
    order_four = bytes(32)  # y = 0
    non_canonical = ((2**255 - 19) + 1).to_bytes(32, "little")  # y = p + 1
    not_on_curve = (2).to_bytes(32, "little")  # y = 2: (y²-1)/(dy²+1) is not a square
    for bad in (identity, non_canonical, not_on_curve):
        with pytest.raises(PublicKeyError):
            ed25519_check_public_key(bad)
    with pytest.raises(PublicKeyError, match="5 leading zeros"):
        validate_public_key(EDDSA, order_four)
    with pytest.raises(PublicKeyError, match="small-order"):
        ed25519_check_public_key(order_four)
    assert ed25519_check_public_key(
        h("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
    )


@FUZZ
@given(st.binary(max_size=70), st.sampled_from(list(KeyType)))
def test_random_public_keys_only_raise_public_key_error(pub: bytes, kind: KeyType) -> None:
    try:
        out = validate_public_key(kind, pub)
        assert len(out) in (32, 33)
    except PublicKeyError:
        pass


def test_key_type_coercion() -> None:
    assert key_type(1) is KeyType.KEY_TYPE_ECDSA_SECP256K1
    assert key_type("KEY_TYPE_EDDSA_ED25519") is EDDSA
    assert key_type("ecdsa-secp256-k1") is ECDSA
    assert key_type("bitcoin") is BITCOIN
    assert key_type("ed25519") is EDDSA
    for bad in (9, "secp256k1", True, 1.0):
        with pytest.raises(ChainDataError):
            key_type(bad)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# Mutation fuzzing: valid payloads with a few bytes changed or cut off go deeper than random bytes.

_MUTATED_BASES = [
    (LEGACY_OK, lambda raw: evm_transfer(parse_evm_tx(raw, 11155111)), EvmTxError),
    (h(DYNAMIC_FEE_UNISWAP), lambda raw: evm_transfer(parse_evm_tx(raw)), EvmTxError),
    (unsigned_payload(ETH_TXS[3]), lambda raw: parse_evm_tx(raw).sighash(), EvmTxError),
    (UNSIGNED_PLUS_TX, bitcoin_sighashes, BitcoinTxError),
    (
        _with_witnesses(BIP143_P2WPKH_TX, [[bytes(8), b"", b""], [bytes(8), b"", b"\x00"]]),
        bitcoin_sighashes,
        BitcoinTxError,
    ),
    (SOLANA_GO_MESSAGE, lambda raw: solana_transfer(parse_solana_message(raw)), SolanaTxError),
]


@FUZZ
@given(
    st.sampled_from(range(len(_MUTATED_BASES))),
    st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)), min_size=1, max_size=4),
    st.integers(0, 12),
)
def test_mutated_payloads_only_raise_their_error_class(
    which: int, mutations: list[tuple[int, int]], cut: int
) -> None:
    base, run, error = _MUTATED_BASES[which]
    raw = bytearray(base)
    for position, value in mutations:
        raw[position % len(raw)] = value
    with contextlib.suppress(error):
        run(bytes(raw[: len(raw) - cut]))


# -- Solana's packet (docs/limits.md) ----------------------------------------------------
def _solana_message(signers: int, data: bytes = b"") -> bytes:
    """Three accounts and the system program; one instruction carrying ``data``."""
    keys = [bytes([i + 1]) * 32 for i in range(3)] + [bytes(32)]
    return bytes([signers]) + _message(keys, [(3, b"\x00\x01", data)])[1:]


def test_a_solana_transaction_must_fit_its_packet() -> None:
    room = SOLANA_PACKET_DATA_SIZE - 1 - 64 - len(_solana_message(1))
    fits = _solana_message(1, b"\x00" * (room - 1))  # the data length takes a second byte
    assert 1 + 64 + len(fits) == SOLANA_PACKET_DATA_SIZE
    parse_solana_message(fits)
    with pytest.raises(SolanaTxError, match="does not fit Solana's 1232-byte packet"):
        parse_solana_message(_solana_message(1, b"\x00" * room))
    # a second signer needs 64 more bytes of the packet
    with pytest.raises(SolanaTxError, match="packet"):
        parse_solana_message(_solana_message(2, b"\x00" * (room - 1)))
    with pytest.raises(SolanaTxError, match="packet"):
        parse_solana_message(b"\x01" * 5000)
