"""Numbers and sizes at the tx door: the issue's inputs, refused with a clear SDK error and
no state change (Arabic-Indic "100" was accepted as 100, a superscript two as a fee and a
5,000-digit amount gave
``internal``; a memo of 256 emoji, 1,024 bytes, was accepted)."""

from __future__ import annotations

import pytest
from cosmpy.protos.cosmos.bank.v1beta1 import tx_pb2 as bank_tx
from cosmpy.protos.cosmos.base.v1beta1.coin_pb2 import Coin as CoinProto
from cosmpy.protos.cosmos.tx.v1beta1 import tx_pb2

from zrchain.client.tx import private_key_signer
from zrchain.testing.state import assert_unchanged, snapshot_app

# Digits that Python's int() reads and Go's parsers do not.
ARABIC_100 = "\u0661\u0660\u0660"  # Arabic-Indic 100
ARABIC_10, ARABIC_3, ARABIC_1 = "\u0661\u0660", "\u0663", "\u0661"
SUPERSCRIPT_2 = "\u00b2"
FULLWIDTH_100 = "\uff11\uff10\uff10"


def raw_tx(chain, w, msgs, fee_amount: str = "300", memo: str = "") -> bytes:
    """A signed tx whose fee amount is any text (client helpers only take valid coins)."""
    from zrchain.client.tx import TxSigner, _signer_info, pack

    body = tx_pb2.TxBody(messages=[pack(m) for m in msgs], memo=memo).SerializeToString()
    auth = tx_pb2.AuthInfo(
        signer_infos=[_signer_info(TxSigner(private_key_signer(w.key.secret), w.pubkey, 0, 0))],
        fee=tx_pb2.Fee(amount=[CoinProto(denom="urock", amount=fee_amount)], gas_limit=200_000),
    )
    auth.signer_infos[0].sequence = w.sequence
    auth_bytes = auth.SerializeToString()
    doc = tx_pb2.SignDoc(
        body_bytes=body,
        auth_info_bytes=auth_bytes,
        chain_id=chain.chain_id,
        account_number=w.number,
    ).SerializeToString()
    sig = private_key_signer(w.key.secret)(doc)
    return tx_pb2.TxRaw(
        body_bytes=body, auth_info_bytes=auth_bytes, signatures=[sig]
    ).SerializeToString()


def send(frm: str, to: str, amount: str) -> bank_tx.MsgSend:
    return bank_tx.MsgSend(
        from_address=frm, to_address=to, amount=[CoinProto(denom="urock", amount=amount)]
    )


def refused_everywhere(chain, tx: bytes, code: int, needle: str) -> None:
    before = snapshot_app(chain.app)
    check = chain.check(tx)
    assert (check.codespace, check.code) == ("sdk", code), check.log
    assert needle in check.log and len(check.log) < 400
    res = chain.block([tx]).tx_results[0]
    assert (res.codespace, res.code, res.log) == (check.codespace, check.code, check.log)
    assert_unchanged(before, snapshot_app(chain.app))


@pytest.mark.parametrize("amount", [ARABIC_100, SUPERSCRIPT_2, "9" * 5000, "0100", "1_0", "+1", ""])
def test_bad_msg_amounts_are_invalid_coins(chain, amount) -> None:
    alice, bob = chain.wallets["alice"], chain.wallets["bob"]
    refused_everywhere(
        chain,
        raw_tx(chain, alice, [send(alice.address, bob.address, amount)]),
        10,
        "invalid amount",
    )


@pytest.mark.parametrize("fee", [SUPERSCRIPT_2, ARABIC_100, "9" * 5000])
def test_bad_fee_amounts_are_invalid_coins(chain, fee) -> None:
    alice, bob = chain.wallets["alice"], chain.wallets["bob"]
    tx = raw_tx(chain, alice, [send(alice.address, bob.address, "1")], fee_amount=fee)
    refused_everywhere(chain, tx, 10, "invalid amount")


def test_a_good_raw_tx_passes(chain) -> None:
    """The helper above builds valid txs: the refusals are about the amounts."""
    alice, bob = chain.wallets["alice"], chain.wallets["bob"]
    res = chain.block([raw_tx(chain, alice, [send(alice.address, bob.address, "100")])])
    assert res.tx_results[0].code == 0, res.tx_results[0].log


def test_memo_is_limited_in_bytes(chain) -> None:
    alice, bob = chain.wallets["alice"], chain.wallets["bob"]
    emoji = "\N{GRINNING FACE}"  # 4 bytes in UTF-8
    tx = raw_tx(chain, alice, [send(alice.address, bob.address, "1")], memo=emoji * 256)
    refused_everywhere(chain, tx, 12, "maximum number of characters is 256 but received 1024")
    ok = raw_tx(chain, alice, [send(alice.address, bob.address, "1")], memo=emoji * 64)
    assert chain.block([ok]).tx_results[0].code == 0
