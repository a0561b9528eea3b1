"""Multisig accounts and amino JSON signatures through the real ante handler.

A 2-of-3 ``LegacyAminoPubKey`` account (alice, bob, carol's keys) receives funds and sends
them on, its members signing in SIGN_MODE_DIRECT or SIGN_MODE_LEGACY_AMINO_JSON; nested
multisigs work; gas is the SDK's per-signature cost. A short, forged or mismatched
multisignature, a key set over the signature limit and an amino signature over the wrong
sequence are refused, and every refusal leaves the state as it was.
"""

from __future__ import annotations

from cosmpy.protos.cosmos.bank.v1beta1 import tx_pb2 as bank_tx

from zrchain.client.tx import (
    SIGN_MODE_LEGACY_AMINO_JSON,
    MultisigTxSigner,
    TxSigner,
    build_multi_signed_tx,
    private_key_signer,
)
from zrchain.codec.address import acc_string
from zrchain.codec.coins import parse_coins
from zrchain.testing.state import assert_unchanged, snapshot_app
from zrchain.tx.signing import MultisigKey, Secp256k1Key

FEE = "300urock"


def send(frm: str, to: str, amount: str = "10urock") -> bank_tx.MsgSend:
    return bank_tx.MsgSend(
        from_address=frm, to_address=to, amount=[c.to_proto() for c in parse_coins(amount)]
    )


def key_of(w) -> Secp256k1Key:
    return Secp256k1Key(w.pubkey)


def sign_of(w):
    return private_key_signer(w.key.secret)


def fund_multisig(chain, ms: MultisigKey, amount: str = "100000urock") -> str:
    addr = acc_string(ms.address())
    alice = chain.wallets["alice"]
    res = chain.run(alice, [send(alice.address, addr, amount)])
    assert res.code == 0, res.log
    return addr


def ms_tx(chain, ms: MultisigKey, members, msgs, mode=1, sequence=None, **kw) -> bytes:
    acc = chain.account(acc_string(ms.address()))
    signer = MultisigTxSigner(
        ms, members, acc.number, acc.sequence if sequence is None else sequence, mode=mode, **kw
    )
    return build_multi_signed_tx(
        msgs, [signer], chain_id=chain.chain_id, fee=parse_coins(FEE), gas_limit=200_000
    )


def three(chain):
    return [chain.wallets[n] for n in ("alice", "bob", "carol")]


def test_a_two_of_three_multisig_sends_funds_in_either_sign_mode(chain) -> None:
    alice, bob, carol = three(chain)
    ms = MultisigKey(2, (key_of(alice), key_of(bob), key_of(carol)))
    addr = fund_multisig(chain, ms)
    for mode, members in (
        (1, {0: sign_of(alice), 2: sign_of(carol)}),
        (SIGN_MODE_LEGACY_AMINO_JSON, {1: sign_of(bob), 2: sign_of(carol)}),
    ):
        c0, m0 = chain.balance(carol.address), chain.balance(addr)
        tx = ms_tx(chain, ms, members, [send(addr, carol.address, "25urock")], mode=mode)
        assert chain.check(tx).code == 0
        res = chain.block([tx]).tx_results[0]
        assert res.code == 0, res.log
        assert chain.balance(carol.address) == c0 + 25
        assert chain.balance(addr) == m0 - 25 - 300
    acc = chain.account(addr)
    assert acc.sequence == 2
    assert acc.base.pub_key.type_url == "/cosmos.crypto.multisig.LegacyAminoPubKey"


def test_signature_gas_is_charged_per_signature_present(chain) -> None:
    """ConsumeMultisignatureVerificationGas: 1000 (secp256k1) per set bit, so a third
    signature costs exactly 1000 more than two."""
    alice, bob, carol = three(chain)
    ms = MultisigKey(2, (key_of(alice), key_of(bob), key_of(carol)))
    addr = fund_multisig(chain, ms)
    used = []
    two = {0: sign_of(alice), 1: sign_of(bob)}
    # the first tx records the key on the account (a bigger write): measure after it
    for members in (two, two, {**two, 2: sign_of(carol)}):
        tx = ms_tx(chain, ms, members, [send(addr, carol.address)])
        res = chain.block([tx]).tx_results[0]
        assert res.code == 0, res.log
        used.append((res.gas_used, len(tx)))
    _, (g2, n2), (g3, n3) = used
    assert g3 - g2 == 1000 + 10 * (n3 - n2)  # the signature and its bytes (txSize gas)


def test_a_nested_multisig_signs(chain) -> None:
    alice, bob, carol = three(chain)
    inner = MultisigKey(1, (key_of(alice), key_of(bob)))
    outer = MultisigKey(2, (inner, key_of(carol)))
    addr = fund_multisig(chain, outer)
    for mode in (1, SIGN_MODE_LEGACY_AMINO_JSON):
        tx = ms_tx(
            chain,
            outer,
            {0: {1: sign_of(bob)}, 1: sign_of(carol)},
            [send(addr, alice.address)],
            mode=mode,
        )
        res = chain.block([tx]).tx_results[0]
        assert res.code == 0, res.log


def test_an_amino_json_single_signature_is_accepted(chain) -> None:
    alice, bob, _ = three(chain)
    b0 = chain.balance(bob.address)
    tx = build_multi_signed_tx(
        [send(alice.address, bob.address, "7urock")],
        [
            TxSigner(
                sign_of(alice),
                alice.pubkey,
                alice.number,
                alice.sequence,
                mode=SIGN_MODE_LEGACY_AMINO_JSON,
            )
        ],
        chain_id=chain.chain_id,
        fee=parse_coins(FEE),
        gas_limit=200_000,
        memo="ledger <&>",
    )
    res = chain.block([tx]).tx_results[0]
    assert res.code == 0, res.log
    assert chain.balance(bob.address) == b0 + 7


def refused(chain, tx, code: int, text: str) -> None:
    before = snapshot_app(chain.app)
    check = chain.check(tx)
    assert (check.codespace, check.code) == ("sdk", code), check.log
    assert text in check.log, check.log
    res = chain.block([tx]).tx_results[0]
    assert res.code == code and text in res.log, res.log
    assert_unchanged(before, snapshot_app(chain.app))


def test_short_forged_and_mismatched_multisignatures_are_refused(chain) -> None:
    alice, bob, carol = three(chain)
    ms = MultisigKey(2, (key_of(alice), key_of(bob), key_of(carol)))
    addr = fund_multisig(chain, ms)
    msg = [send(addr, alice.address, "50urock")]
    # one signature of a 2-of-3
    refused(chain, ms_tx(chain, ms, {0: sign_of(alice)}, msg), 4, "signature size is incorrect 1")
    # carol signs in bob's slot
    refused(
        chain,
        ms_tx(chain, ms, {0: sign_of(alice), 1: sign_of(carol)}, msg),
        4,
        "unable to verify signature at index 1",
    )
    # alice twice
    refused(
        chain,
        ms_tx(chain, ms, {0: sign_of(alice), 1: sign_of(alice)}, msg),
        4,
        "unable to verify signature at index 1",
    )
    # a 2-of-3 of other keys claiming the account's address
    other = MultisigKey(2, (key_of(alice), key_of(bob), key_of(alice)))
    acc = chain.account(addr)
    forged = build_multi_signed_tx(
        msg,
        [MultisigTxSigner(other, {0: sign_of(alice), 1: sign_of(bob)}, acc.number, 0)],
        chain_id=chain.chain_id,
        fee=parse_coins(FEE),
        gas_limit=200_000,
    )
    refused(chain, forged, 8, "pubKey does not match signer address")
    # a 1-of-3 with the same keys is another account
    weaker = MultisigKey(1, ms.keys)
    assert weaker.address() != ms.address()


def test_a_multisig_over_the_signature_limit_is_refused(chain) -> None:
    alice, bob, carol = three(chain)
    keys = tuple(key_of(w) for w in (alice, bob, carol, alice, bob, carol, alice, bob))
    ms = MultisigKey(2, keys)  # 8 keys > TxSigLimit 7
    addr = fund_multisig(chain, ms)
    tx = ms_tx(chain, ms, {0: sign_of(alice), 1: sign_of(bob)}, [send(addr, alice.address)])
    refused(chain, tx, 14, "signatures: 8, limit: 7")


def test_an_amino_signature_over_another_sequence_is_refused(chain) -> None:
    alice, bob, _ = three(chain)
    tx = build_multi_signed_tx(
        [send(alice.address, bob.address)],
        [
            TxSigner(
                sign_of(alice),
                alice.pubkey,
                alice.number,
                alice.sequence + 1,
                mode=SIGN_MODE_LEGACY_AMINO_JSON,
            )
        ],
        chain_id=chain.chain_id,
        fee=parse_coins(FEE),
        gas_limit=200_000,
    )
    # the SignerInfo's sequence is wrong too, so the sequence check speaks first
    refused(chain, tx, 32, "account sequence mismatch")
    # right SignerInfo sequence, signature over the next one: the SDK's amino-only text
    good = TxSigner(
        sign_of(alice), alice.pubkey, alice.number, alice.sequence, mode=SIGN_MODE_LEGACY_AMINO_JSON
    )

    def sign_next(doc: bytes) -> bytes:
        return sign_of(alice)(
            doc.replace(
                f'"sequence":"{alice.sequence}"'.encode(),
                f'"sequence":"{alice.sequence + 1}"'.encode(),
            )
        )

    bad = TxSigner(sign_next, good.pubkey, good.account_number, good.sequence, mode=good.mode)
    tx = build_multi_signed_tx(
        [send(alice.address, bob.address)],
        [bad],
        chain_id=chain.chain_id,
        fee=parse_coins(FEE),
        gas_limit=200_000,
    )
    refused(
        chain,
        tx,
        4,
        f"please verify account number ({alice.number}), sequence "
        f"({alice.sequence}) and chain-id (zenrock)",
    )


def test_an_unsupported_sign_mode_is_refused(chain) -> None:
    alice, bob, _ = three(chain)
    tx = build_multi_signed_tx(
        [send(alice.address, bob.address)],
        [TxSigner(sign_of(alice), alice.pubkey, alice.number, alice.sequence, mode=2)],
        chain_id=chain.chain_id,
        fee=parse_coins(FEE),
        gas_limit=200_000,
    )
    refused(chain, tx, 4, "unsupported sign mode SIGN_MODE_TEXTUAL")


def test_sign_mode_direct_aux_is_for_signers_other_than_the_fee_payer(chain) -> None:
    """x/tx's directaux: a non-payer signs the body, its key, chain, number and sequence;
    the fee payer (first signer unless named) may not use it."""
    alice, bob, carol = three(chain)
    from zrchain.client.tx import SIGN_MODE_DIRECT_AUX

    c0 = chain.balance(carol.address)
    aux = TxSigner(sign_of(bob), bob.pubkey, bob.number, bob.sequence, mode=SIGN_MODE_DIRECT_AUX)
    payer = TxSigner(sign_of(alice), alice.pubkey, alice.number, alice.sequence)
    tx = build_multi_signed_tx(
        [send(bob.address, carol.address, "4urock")],
        [aux, payer],
        chain_id=chain.chain_id, fee=parse_coins(FEE), gas_limit=200_000,
        fee_payer=alice.address,
    )  # fmt: skip
    res = chain.block([tx]).tx_results[0]
    assert res.code == 0, res.log
    assert chain.balance(carol.address) == c0 + 4
    bob.sequence, alice.sequence = bob.sequence + 1, alice.sequence + 1
    solo = build_multi_signed_tx(
        [send(bob.address, carol.address)],
        [TxSigner(sign_of(bob), bob.pubkey, bob.number, bob.sequence, mode=SIGN_MODE_DIRECT_AUX)],
        chain_id=chain.chain_id, fee=parse_coins(FEE), gas_limit=200_000,
    )  # fmt: skip
    refused(chain, solo, 4, "cannot sign with SIGN_MODE_DIRECT_AUX")
