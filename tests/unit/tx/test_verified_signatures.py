"""FinalizeBlock skips the curve operation only for a (key, signature, signed bytes) triple
this node's CheckTx already verified; every other signature is verified as before, so no
result can change (zrchain/tx/sigcache.py, docs/performance.md)."""

from __future__ import annotations

import coincurve
from cosmpy.protos.cosmos.bank.v1beta1 import tx_pb2 as bank_tx
from cosmpy.protos.cosmos.tx.v1beta1 import tx_pb2
from hypothesis import given, settings
from hypothesis import strategies as st

from zrchain.codec.coins import parse_coins
from zrchain.testing.state import assert_unchanged, snapshot_app
from zrchain.tx.ante import verify_secp256k1
from zrchain.tx.sigcache import VerifiedSignatures

KEY = coincurve.PrivateKey(b"\x07" * 32)
PK = KEY.public_key.format()


def cosmos_sig(msg: bytes) -> bytes:
    return KEY.sign_recoverable(msg)[:64]  # r||s; coincurve signs low-S


class CountingVerify:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, pk: bytes, sig: bytes, msg: bytes) -> bool:
        self.calls += 1
        return verify_secp256k1(pk, sig, msg)


def test_a_checked_signature_is_not_verified_again_at_delivery() -> None:
    verify = CountingVerify()
    cache = VerifiedSignatures(verify)
    sig = cosmos_sig(b"doc")
    assert cache.check(PK, sig, b"doc")
    assert cache.deliver(PK, sig, b"doc")
    assert verify.calls == 1
    # delivered once: the same triple again is verified again (a replayed block)
    assert cache.deliver(PK, sig, b"doc")
    assert verify.calls == 2


def test_a_failed_check_is_not_remembered() -> None:
    verify = CountingVerify()
    cache = VerifiedSignatures(verify)
    bad = bytes(64)
    assert not cache.check(PK, bad, b"doc")
    assert len(cache) == 0
    assert not cache.deliver(PK, bad, b"doc")
    assert verify.calls == 2


def test_other_signed_bytes_with_a_remembered_signature_are_verified() -> None:
    cache = VerifiedSignatures(verify_secp256k1)
    sig = cosmos_sig(b"doc")
    assert cache.check(PK, sig, b"doc")
    assert not cache.deliver(PK, sig, b"doc2")
    other = coincurve.PrivateKey(b"\x08" * 32).public_key.format()
    assert not cache.deliver(other, sig, b"doc")


def test_capacity_drops_the_oldest_pass() -> None:
    verify = CountingVerify()
    cache = VerifiedSignatures(verify, capacity=2)
    msgs = [b"a", b"b", b"c"]
    sigs = [cosmos_sig(m) for m in msgs]
    for m, s in zip(msgs, sigs, strict=True):
        assert cache.check(PK, s, m)
    assert len(cache) == 2
    verify.calls = 0
    assert cache.deliver(PK, sigs[0], b"a")  # evicted: verified again, still true
    assert verify.calls == 1
    assert cache.deliver(PK, sigs[2], b"c")
    assert verify.calls == 1


@settings(max_examples=150, deadline=None)
@given(
    checked=st.binary(min_size=0, max_size=80),
    delivered=st.binary(min_size=0, max_size=80),
    flip=st.integers(min_value=-1, max_value=63),
)
def test_delivery_answers_as_a_plain_verify_would(
    checked: bytes, delivered: bytes, flip: int
) -> None:
    cache = VerifiedSignatures(verify_secp256k1)
    sig = bytearray(cosmos_sig(checked))
    cache.check(PK, bytes(sig), checked)
    if flip >= 0:
        sig[flip] ^= 0x01
    assert cache.deliver(PK, bytes(sig), delivered) == verify_secp256k1(PK, bytes(sig), delivered)


# -- through the app ---------------------------------------------------------------------


def _send(chain, frm, to, amount="10urock") -> bank_tx.MsgSend:
    return bank_tx.MsgSend(
        from_address=frm.address, to_address=to.address, amount=parse_coins(amount).to_protos()
    )


def test_a_tx_checked_here_runs_in_the_block(chain) -> None:
    alice, carol = chain.wallets["alice"], chain.wallets["carol"]
    tx = chain.tx(alice, [_send(chain, alice, carol)])
    assert chain.check(tx).code == 0
    res = chain.block([tx]).tx_results[0]
    assert res.code == 0, res.log
    assert chain.balance(carol.address) == 10


def test_a_forged_body_under_a_checked_signature_is_refused_in_the_block(chain) -> None:
    """The signature CheckTx passed is reused on another body: FinalizeBlock verifies it."""
    alice, carol = chain.wallets["alice"], chain.wallets["carol"]
    honest = chain.tx(alice, [_send(chain, alice, carol, "10urock")])
    assert chain.check(honest).code == 0
    raw = tx_pb2.TxRaw.FromString(honest)
    forged_body = tx_pb2.TxBody(messages=[])
    forged_body.messages.add().Pack(_send(chain, alice, carol, "999urock"), type_url_prefix="/")
    forged = tx_pb2.TxRaw(
        body_bytes=forged_body.SerializeToString(),
        auth_info_bytes=raw.auth_info_bytes,
        signatures=raw.signatures,
    ).SerializeToString()
    before = snapshot_app(chain.app)
    res = chain.block([forged]).tx_results[0]
    assert res.code == 4 and "signature verification failed" in res.log
    assert_unchanged(before, snapshot_app(chain.app))


def test_a_tx_this_node_never_checked_is_verified_in_the_block(chain) -> None:
    alice, carol = chain.wallets["alice"], chain.wallets["carol"]
    tx = chain.tx(alice, [_send(chain, alice, carol)])
    raw = tx_pb2.TxRaw.FromString(tx)
    bad_sig = bytearray(raw.signatures[0])
    bad_sig[5] ^= 0xFF
    raw.signatures[0] = bytes(bad_sig)
    res = chain.block([raw.SerializeToString()]).tx_results[0]
    assert res.code == 4
    assert chain.balance(carol.address) == 0


def test_the_same_blocks_give_the_same_results_with_and_without_checktx(tmp_path) -> None:
    """One node saw every tx in its mempool (cache hits), the other none (all verified):
    identical tx results and app hashes, bad signatures refused on both."""
    from zrchain.testing.inproc import assert_same_block, make_chain

    funded = {"alice": "1000000000urock", "bob": "5000urock", "carol": ""}
    warm, cold = (make_chain(tmp_path / name, funded) for name in ("warm", "cold"))
    try:
        alice, bob, carol = (warm.wallets[n] for n in ("alice", "bob", "carol"))
        for height in range(3):
            txs = [
                warm.tx(alice, [_send(warm, alice, carol, f"{height + 1}urock")]),
                warm.tx(bob, [_send(warm, bob, carol, "1urock")], fee="200urock"),
            ]
            bad = tx_pb2.TxRaw.FromString(
                warm.tx(bob, [_send(warm, bob, carol, "1urock")], sequence=bob.sequence + 1)
            )
            bad.signatures[0] = bytes(64)
            txs.append(bad.SerializeToString())
            for tx in txs[:2]:
                assert warm.check(tx).code == 0
            got_warm, got_cold = warm.block(txs), cold.block(txs)
            assert_same_block(got_warm, got_cold)
            assert [r.code for r in got_warm.tx_results] == [0, 0, 4]
            alice.sequence += 1
            bob.sequence += 1
    finally:
        warm.app.close()
        cold.app.close()
