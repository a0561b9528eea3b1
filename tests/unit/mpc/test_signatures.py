"""Signature formats: ECDSA r‖s‖v low-S RFC 6979 (ecrecover works), BITCOIN r‖s, Ed25519 —
each checked with independent verifiers and with the chain's own verification
(docs/treasury.md)."""

from __future__ import annotations

import hashlib

import coincurve
import pytest
import rlp
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from eth_account import Account
from eth_utils import keccak

from zrchain.chains.errors import SignatureError
from zrchain.chains.evm import assemble_signed_evm_tx, evm_address, evm_sighash
from zrchain.chains.keys import SECP256K1_N, KeyType, bitcoin_signature_to_der, verify_signature
from zrchain.mpc import signatures as sg
from zrchain.mpc.derivation import derive_key

KR = "keyring1pfnq7r04rept47gaf5cpdew2"
SEED = bytes(range(32))
ECDSA = derive_key(SEED, KR, KeyType.KEY_TYPE_ECDSA_SECP256K1, 1)
BTC = derive_key(SEED, KR, KeyType.KEY_TYPE_BITCOIN_SECP256K1, 2)
ED = derive_key(SEED, KR, KeyType.KEY_TYPE_EDDSA_ED25519, 3)
HALF_N = SECP256K1_N // 2


@pytest.mark.parametrize("i", range(20))
def test_ecdsa_is_low_s_recoverable_and_deterministic(i: int) -> None:
    digest = hashlib.sha256(b"msg %d" % i).digest()
    sig = sg.sign_for_key_type(KeyType.KEY_TYPE_ECDSA_SECP256K1, ECDSA.private_key, digest)
    assert len(sig) == 65 and sig[64] in (0, 1)
    assert 0 < int.from_bytes(sig[32:64], "big") <= HALF_N
    assert sig == sg.sign_for_key_type(KeyType.KEY_TYPE_ECDSA_SECP256K1, ECDSA.private_key, digest)
    # coincurve recovery gives the key
    rec = coincurve.PublicKey.from_signature_and_message(sig, digest, hasher=None)
    assert rec.format(compressed=True) == ECDSA.public_key
    # EVM ecrecover (v = 27 + recid) gives the key's address
    eth = Account._recover_hash(digest, signature=sig[:64] + bytes([sig[64] + 27]))
    assert eth == evm_address(ECDSA.public_key)
    # the chain's own verification accepts it unchanged
    assert (
        verify_signature(KeyType.KEY_TYPE_ECDSA_SECP256K1, ECDSA.public_key, digest, sig) == sig
    )


def test_rfc6979_against_a_known_vector() -> None:
    # RFC 6979 nonce with key 1 over sha256("Satoshi Nakamoto") (widely published vector).
    key = (1).to_bytes(32, "big")
    digest = hashlib.sha256(b"Satoshi Nakamoto").digest()
    sig = sg.ecdsa_sign(key, digest)
    assert sig[:64].hex() == (
        "934b1ea10a4b3c1757e2b0c017d0b6143ce3c9a7e6a4a49860d7a6ab210ee3d8"
        "2442ce9d2b916064108014783e923ec36b49743e2ffa1c4496f01a512aafd9e5"
    )


def test_bitcoin_signature_is_rs_and_chain_converts_it() -> None:
    digest = hashlib.sha256(b"btc").digest()
    sig = sg.sign_for_key_type(KeyType.KEY_TYPE_BITCOIN_SECP256K1, BTC.private_key, digest)
    assert len(sig) == 64
    der = bitcoin_signature_to_der(sig)
    assert verify_signature(KeyType.KEY_TYPE_BITCOIN_SECP256K1, BTC.public_key, digest, der)
    assert coincurve.PublicKey(BTC.public_key).verify(der, digest, hasher=None)


def test_ed25519_verifies_with_cryptography_and_the_chain() -> None:
    message = bytes.fromhex("01000103") + b"\x07" * 200  # a Solana-message-sized payload
    sig = sg.sign_for_key_type(KeyType.KEY_TYPE_EDDSA_ED25519, ED.private_key, message)
    assert len(sig) == 64
    Ed25519PublicKey.from_public_bytes(ED.public_key).verify(sig, message)
    assert verify_signature(KeyType.KEY_TYPE_EDDSA_ED25519, ED.public_key, message, sig) == sig
    assert sig == sg.ed25519_sign(ED.private_key, message)


def test_eip1559_sign_transaction_recovers_the_sender() -> None:
    chain_id = 11155111
    unsigned = b"\x02" + rlp.encode(
        [chain_id, 7, 10**9, 3 * 10**10, 21000, bytes.fromhex("aa" * 20), 10**15, b"", []]
    )
    digest = evm_sighash(unsigned, chain_id)
    assert digest == keccak(unsigned)
    sig = sg.sign_for_key_type(KeyType.KEY_TYPE_ECDSA_SECP256K1, ECDSA.private_key, digest)
    raw = assemble_signed_evm_tx(unsigned, sig, chain_id=chain_id)
    assert Account.recover_transaction(raw) == evm_address(ECDSA.public_key)


def test_encode_ecdsa_normalises_high_s_and_finds_v() -> None:
    digest = hashlib.sha256(b"threshold output").digest()
    sig = sg.ecdsa_sign(ECDSA.private_key, digest)
    r, s = int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:64], "big")
    high = SECP256K1_N - s  # the malleable twin a threshold protocol might output
    assert sg.encode_ecdsa(r, high, digest, ECDSA.public_key) == sig
    assert sg.encode_ecdsa(r, s, digest, ECDSA.public_key, recovery=False) == sig[:64]
    with pytest.raises(SignatureError):
        sg.encode_ecdsa(r, s, hashlib.sha256(b"other").digest(), ECDSA.public_key)


@pytest.mark.parametrize(
    ("kt", "payload", "match"),
    [
        (KeyType.KEY_TYPE_ECDSA_SECP256K1, b"\x01" * 31, "32-byte hash"),
        (KeyType.KEY_TYPE_ECDSA_SECP256K1, b"\x01" * 33, "32-byte hash"),
        (KeyType.KEY_TYPE_BITCOIN_SECP256K1, b"", "32-byte hash"),
        (KeyType.KEY_TYPE_EDDSA_ED25519, b"", "empty"),
        (KeyType.KEY_TYPE_EDDSA_ED25519, b"\x00" * 1000, "more than"),
        (KeyType.KEY_TYPE_UNSPECIFIED, b"\x00" * 32, "unsupported"),
    ],
)
def test_payload_checks(kt: KeyType, payload: bytes, match: str) -> None:
    with pytest.raises(SignatureError, match=match):
        sg.check_payload(kt, payload)


def test_self_verification_rejects_wrong_signatures() -> None:
    digest = hashlib.sha256(b"x").digest()
    sig = sg.ecdsa_sign(ECDSA.private_key, digest)
    kt = KeyType.KEY_TYPE_ECDSA_SECP256K1
    assert sg.verify_for_key_type(kt, ECDSA.public_key, digest, sig)
    assert not sg.verify_for_key_type(kt, ECDSA.public_key, digest, sig[:64] + bytes([sig[64] ^ 1]))
    assert not sg.verify_for_key_type(kt, BTC.public_key, digest, sig)
    ed_sig = sg.ed25519_sign(ED.private_key, b"m")
    assert not sg.verify_for_key_type(KeyType.KEY_TYPE_EDDSA_ED25519, ED.public_key, b"n", ed_sig)
