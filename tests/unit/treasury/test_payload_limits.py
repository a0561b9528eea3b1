"""Payload work is linear, bounded by the target chains' own limits and paid for in gas
(issue 11, item 3): BIP143 digests once per tx, Bitcoin's standard weight, go-ethereum's
tx size and RLP nesting, Solana's packet, Cosmos' mempool size, gas per byte / hash /
check, and the checks that used to be slow (ed25519 keys, base58 Solana addresses)."""

from __future__ import annotations

import os

import pytest
import rlp
from hypothesis import given, settings
from hypothesis import strategies as st
from treasury_testkit import ESCROW, Setup, build, ecdsa_sign

from zrchain.chains import bitcoin
from zrchain.chains.bitcoin import (
    MAX_STANDARD_TX_WEIGHT,
    _compact_size,
    bip143_sighash,
    bitcoin_prevouts,
    bitcoin_sighashes,
    p2wpkh_script_code,
    parse_bitcoin_tx,
)
from zrchain.chains.cosmos import MAX_COSMOS_TX_BYTES, native_sighash
from zrchain.chains.errors import (
    BitcoinTxError,
    CosmosTxError,
    EvmTxError,
    PublicKeyError,
)
from zrchain.chains.evm import MAX_EVM_TX_BYTES, parse_evm_tx
from zrchain.chains.keys import ed25519_check_public_key
from zrchain.codec.base58 import b58decode
from zrchain.codec.gen.zrchain.treasury import key_pb2
from zrchain.codec.gen.zrchain.treasury import tx_pb2 as ttx
from zrchain.codec.gen.zrchain.treasury import wallet_pb2 as wallet
from zrchain.crypto.hashes import sha256d
from zrchain.gas import PAYLOAD_COST_PER_BYTE, SIG_VERIFY_COST_SECP256K1, SIGHASH_COST, GasMeter
from zrchain.testing.identity_policy import fails, ok
from zrchain.x.treasury import validation as treasury_validation


@pytest.fixture
def s(tmp_path) -> Setup:
    setup = build(tmp_path)
    yield setup
    setup.chain.app.close()


def annotated_btc_tx(inputs: int, outputs: int = 1) -> bytes:
    """A segwit tx in zrChain's BITCOIN_PLUS form: each witness carries (amount, -, script)."""
    out = b"\x02\x00\x00\x00\x00\x01" + _compact_size(inputs)
    for i in range(inputs):
        out += i.to_bytes(32, "little") + b"\x00" * 4 + b"\x00" + b"\xff" * 4
    out += _compact_size(outputs)
    out += ((1000).to_bytes(8, "little") + b"\x16\x00\x14" + b"\x22" * 20) * outputs
    for _ in range(inputs):
        out += b"\x03\x08" + (10_000).to_bytes(8, "little") + b"\x00\x16\x00\x14" + b"\x33" * 20
    return out + b"\x00" * 4


# -- Bitcoin ------------------------------------------------------------------------------------
def test_bip143_hashes_each_byte_a_bounded_number_of_times(monkeypatch) -> None:
    """The quadratic version rehashed every outpoint for every input: bytes hashed grew 4x
    when the inputs doubled. Now they grow 2x, and the hashes are the per-input ones."""
    hashed = [0]
    real = sha256d

    def counting(data: bytes) -> bytes:
        hashed[0] += len(data)
        return real(data)

    monkeypatch.setattr(bitcoin, "sha256d", counting)

    def bytes_hashed(n: int) -> int:
        hashed[0] = 0
        raw = annotated_btc_tx(n)
        got = bitcoin_sighashes(raw)
        tx = parse_bitcoin_tx(raw)
        for i in (0, n - 1):  # the shared digests give the same hash as a lone computation
            prevout = bitcoin_prevouts(tx)[i]
            script = p2wpkh_script_code(prevout.script_pubkey)
            assert got[i] == bip143_sighash(tx, i, script, prevout.amount)
        hashed[0] = 0
        bitcoin_sighashes(raw)
        return hashed[0]

    small, large = bytes_hashed(200), bytes_hashed(400)
    assert large <= 2.05 * small
    assert small <= 6 * len(annotated_btc_tx(200))


def _weight(inputs: int, outputs: int = 1) -> int:
    """BIP141 weight of :func:`annotated_btc_tx`, counted from its layout."""
    size = lambda n: len(_compact_size(n))  # noqa: E731
    base = 4 + size(inputs) + 41 * inputs + size(outputs) + 31 * outputs + 4
    witness = 2 + 34 * inputs  # marker and flag, then 1 + 9 + 1 + 23 bytes per input
    return 3 * base + base + witness


def test_a_transaction_above_bitcoins_standard_weight_is_refused() -> None:
    assert len(annotated_btc_tx(7)) == (_weight(7) + 3 * (2 + 34 * 7)) // 4
    heaviest = max(n for n in range(1900, 2100) if _weight(n) <= MAX_STANDARD_TX_WEIGHT)
    assert len(bitcoin_sighashes(annotated_btc_tx(heaviest))) == heaviest
    with pytest.raises(BitcoinTxError, match="exceeds Bitcoin's standard maximum of 400000"):
        parse_bitcoin_tx(annotated_btc_tx(heaviest + 1))
    # the request that stalled every validator for 18.5 s: refused before any hashing
    with pytest.raises(BitcoinTxError, match="weight"):
        bitcoin_sighashes(annotated_btc_tx(8000))


def test_bitcoin_plus_request_pays_per_byte_and_per_input(s: Setup) -> None:
    kid = s.make_key("bitcoin")

    def gas_of(n: int) -> int:
        raw = annotated_btc_tx(n)
        hashes = bitcoin_sighashes(raw)
        res = s.sign_request(
            [kid] * n,
            ",".join(h.hex() for h in hashes),
            verify_signing_data=raw,
            verify_signing_data_version=1,
        )
        ok(res)
        return int(res.gas_used), len(raw)

    (g1, b1), (g2, b2) = gas_of(10), gas_of(30)
    # verified twice (request and execution): bytes and inputs are charged each time
    floor = 2 * (PAYLOAD_COST_PER_BYTE * (b2 - b1) + SIGHASH_COST * 20)
    assert g2 - g1 >= floor


def test_the_8000_input_request_is_refused_and_changes_nothing(s: Setup) -> None:
    kid = s.make_key("bitcoin")
    before = (s.balance("alice"), s.balance(ESCROW))
    raw = annotated_btc_tx(8000)
    msg = ttx.MsgNewSignatureRequest(
        creator=s.addr("alice"), key_ids=[kid] * 8000,
        data_for_signing=",".join(["ab" * 32] * 8000),
        verify_signing_data=raw, verify_signing_data_version=1,
    )  # fmt: skip
    res = s.run("alice", msg, gas=60_000_000)
    fails(res, 1, "undefined", "exceeds Bitcoin's standard maximum")
    fee = int(res.gas_wanted) // 10  # testkit's fee: gas / 10 urock
    assert (s.balance("alice"), s.balance(ESCROW)) == (before[0] - fee, before[1])


# -- EVM ----------------------------------------------------------------------------------------
def _eip1559(access_list: list, data: bytes = b"") -> bytes:
    body = [1, 0, 1, 2, 21000, b"\x22" * 20, 0, data, access_list]
    return b"\x02" + rlp.encode(body)


def test_evm_payloads_larger_than_geths_txpool_limit_are_refused() -> None:
    fits = _eip1559([], b"\x01" * (MAX_EVM_TX_BYTES - 100))
    assert len(fits) <= MAX_EVM_TX_BYTES
    parse_evm_tx(fits)
    with pytest.raises(EvmTxError, match="larger than the 131072 bytes"):
        parse_evm_tx(_eip1559([], b"\x01" * MAX_EVM_TX_BYTES))


def test_evm_rlp_nesting_is_bounded_and_clean() -> None:
    parse_evm_tx(_eip1559([[b"\x11" * 20, [b"\x00" * 32]]]))
    with pytest.raises(EvmTxError, match="deeper than 4"):
        parse_evm_tx(_eip1559([[b"\x11" * 20, [[b"\x00" * 32]]]]))
    deep = b"\xc0"
    for _ in range(3000):  # far past Python's recursion limit
        deep = (bytes([0xC0 + len(deep)]) if len(deep) < 56 else
                bytes([0xF9]) + len(deep).to_bytes(2, "big")) + deep  # fmt: skip
    with pytest.raises(EvmTxError, match="malformed RLP"):
        parse_evm_tx(b"\x02" + deep)


# -- Solana -------------------------------------------------------------------------------------
def test_a_long_solana_recipient_is_refused_without_decoding_it(monkeypatch) -> None:
    """base58 decoding is quadratic in the length (160k characters took 6 s)."""
    real = b58decode

    def bounded(text: str) -> bytes:
        assert len(text) <= 44, "decoded an over-long address"
        return real(text)

    monkeypatch.setattr(treasury_validation, "b58decode", bounded)
    md = key_pb2.ZenBTCMetadata(
        recipient_addr="2" * 200_000, chain_type=wallet.WALLET_TYPE_SOLANA,
        caip2_chain_id="solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp", asset=1,
    )  # fmt: skip
    with pytest.raises(Exception, match="valid Solana address"):
        treasury_validation.check_zenbtc_metadata(md)


# -- Cosmos -------------------------------------------------------------------------------------
def test_cosmos_sign_bytes_larger_than_a_cosmos_tx_are_refused() -> None:
    native_sighash(b"\x00" * MAX_COSMOS_TX_BYTES)
    with pytest.raises(CosmosTxError, match="larger than the 1048576 bytes"):
        native_sighash(b"\x00" * (MAX_COSMOS_TX_BYTES + 1))


# -- keys and signatures ------------------------------------------------------------------------
_ED_P = 2**255 - 19
_ED_D = (-121665 * pow(121666, _ED_P - 2, _ED_P)) % _ED_P


def _affine_reference(pubkey: bytes) -> str:
    """The textbook check, written independently: decode, then 8·P with affine addition."""
    y = int.from_bytes(pubkey, "little")
    sign, y = y >> 255, y & ((1 << 255) - 1)
    if y >= _ED_P:
        return "not a curve point"
    x2 = (y * y - 1) * pow(_ED_D * y * y + 1, _ED_P - 2, _ED_P) % _ED_P
    x = pow(x2, (_ED_P + 3) // 8, _ED_P)
    if (x * x - x2) % _ED_P:
        x = x * pow(2, (_ED_P - 1) // 4, _ED_P) % _ED_P
    if (x * x - x2) % _ED_P or (x == 0 and sign):
        return "not a curve point"
    if x & 1 != sign:
        x = _ED_P - x
    point = (x, y)
    for _ in range(3):
        (a, b) = point
        t = _ED_D * a * a * b * b % _ED_P
        point = (
            2 * a * b * pow(1 + t, _ED_P - 2, _ED_P) % _ED_P,
            (b * b + a * a) * pow(1 - t, _ED_P - 2, _ED_P) % _ED_P,
        )
    return "small-order point" if point == (0, 1) else "ok"


def _ours(pubkey: bytes) -> str:
    try:
        ed25519_check_public_key(pubkey)
    except PublicKeyError as exc:
        return str(exc).rsplit(": ", 1)[-1]
    return "ok"


SMALL_ORDER = [
    "0100000000000000000000000000000000000000000000000000000000000000",
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "0000000000000000000000000000000000000000000000000000000000000080",
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
]


@pytest.mark.parametrize("hex_key", SMALL_ORDER)
def test_small_order_ed25519_keys_are_refused(hex_key) -> None:
    assert _ours(bytes.fromhex(hex_key)) == _affine_reference(bytes.fromhex(hex_key))
    assert _ours(bytes.fromhex(hex_key)) == "small-order point"


@settings(max_examples=300, deadline=None)
@given(st.binary(min_size=32, max_size=32))
def test_ed25519_key_check_agrees_with_the_affine_reference(raw) -> None:
    assert _ours(raw) == _affine_reference(raw)


def test_fulfilling_a_signature_pays_for_its_checks(s: Setup, monkeypatch) -> None:
    """Party signature, signature and (for 65 bytes) recovery id: each check is charged
    before it runs, also when it fails."""
    charged: list[tuple[str, int]] = []
    real = GasMeter.consume

    def recording(self: GasMeter, amount: int, descriptor: str) -> None:
        charged.append((descriptor, amount))
        real(self, amount, descriptor)

    kid = s.make_key()
    digest = os.urandom(32)
    sid = s.new_sign_request([kid], digest.hex())
    monkeypatch.setattr(GasMeter, "consume", recording)
    ok(s.fulfil_sign("p1", sid, ecdsa_sign(digest)))
    checks = [c for c in charged if c[0] in ("party signature", "signature check")]
    assert checks == [
        ("party signature", SIG_VERIFY_COST_SECP256K1),
        ("signature check", 2 * SIG_VERIFY_COST_SECP256K1),  # 65 bytes: verify + recovery
    ]
    charged.clear()
    fails(s.fulfil_sign("p2", sid, b"\x01" * 64), 1, "undefined", "verification failed")
    assert ("signature check", SIG_VERIFY_COST_SECP256K1) in charged
