"""Tx bytes in shapes the one-pass envelope reader leaves to protobuf (crates/zrchain-native,
zrchain/tx/decode.py), sent to a real node by an outsider: a second body slipped in after
the signed one, a second fee, an extra signature, unknown and out-of-order fields, invalid
UTF-8, truncation. Each is refused with protobuf's and the ante's verdict — never executed
under a reading the signature did not cover — and changes nothing."""

from __future__ import annotations

import pytest
from cosmpy.protos.cosmos.bank.v1beta1 import tx_pb2 as bank_tx
from cosmpy.protos.cosmos.base.v1beta1.coin_pb2 import Coin as CoinProto
from cosmpy.protos.cosmos.tx.v1beta1 import tx_pb2
from outsider_world import Outsider, nothing_changes, refused_at_check

from zrchain.client.tx import pack

pytestmark = pytest.mark.node


def field(number: int, payload: bytes) -> bytes:
    """A length-delimited field (lengths below 128 bytes only, as in these cases)."""
    assert number < 16 and len(payload) < 128
    return bytes([number << 3 | 2, len(payload)]) + payload


def signed_parts(chain: Outsider) -> tuple[bytes, bytes, bytes]:
    """(body, auth info, signature) of a valid send of 1urock from the outsider to alice."""
    raw = chain.tx(
        chain["outsider"],
        [
            bank_tx.MsgSend(
                from_address=chain["outsider"].address,
                to_address=chain["alice"].address,
                amount=[CoinProto(denom="urock", amount="1")],
            )
        ],
    )
    tx = tx_pb2.TxRaw.FromString(raw)
    return tx.body_bytes, tx.auth_info_bytes, tx.signatures[0]


def envelope(body: bytes, auth: bytes, sigs: list[bytes]) -> bytes:
    out = bytearray()
    out += tx_pb2.TxRaw(body_bytes=body).SerializeToString()
    out += tx_pb2.TxRaw(auth_info_bytes=auth).SerializeToString()
    for s in sigs:
        out += tx_pb2.TxRaw(signatures=[s]).SerializeToString()
    return bytes(out)


def test_a_second_body_after_the_signed_one_is_not_executed(chain: Outsider) -> None:
    body, auth, sig = signed_parts(chain)
    # protobuf keeps the last body: a send of everything to bob the outsider never signed
    theft = tx_pb2.TxBody(
        messages=[
            pack(
                bank_tx.MsgSend(
                    from_address=chain["outsider"].address,
                    to_address=chain["bob"].address,
                    amount=[CoinProto(denom="urock", amount="1000")],
                )
            )
        ]
    ).SerializeToString()
    raw = tx_pb2.TxRaw(body_bytes=body).SerializeToString() + envelope(theft, auth, [sig])
    with nothing_changes(chain):
        refused_at_check(chain, raw, 4, "signature verification failed")


def test_a_second_fee_or_signature_is_refused(chain: Outsider) -> None:
    body, auth, sig = signed_parts(chain)
    # a second Fee, merged into the signed one by protobuf: alice named to pay
    alice_pays = tx_pb2.AuthInfo(fee=tx_pb2.Fee(payer=chain["alice"].address))
    with nothing_changes(chain):
        refused_at_check(
            chain,
            envelope(body, auth + alice_pays.SerializeToString(), [sig]),
            4,
            "wrong number of signers; expected 2, got 1",
        )
        refused_at_check(
            chain, envelope(body, auth, [sig, sig]), 4, "wrong number of signers; expected 1"
        )


def test_non_canonical_and_malformed_envelopes_are_refused(chain: Outsider) -> None:
    body, auth, sig = signed_parts(chain)
    good = envelope(body, auth, [sig])
    bad_memo = body + field(2, b"\xff\xfe")  # invalid UTF-8 in the memo
    with nothing_changes(chain):
        refused_at_check(chain, good + field(4, b"x"), 2, "unknown field 4")
        refused_at_check(chain, envelope(body, auth, []) + field(1, b""), 2, "out of order")
        refused_at_check(chain, envelope(bad_memo, auth, [sig]), 2, "Error parsing message")
        refused_at_check(chain, good[:-5], 2, "truncated field")
