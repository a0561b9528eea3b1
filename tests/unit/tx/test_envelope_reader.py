"""The one-pass envelope reader (crates/zrchain-native) only ever takes the easy cases:
whenever it answers, protobuf reading the same bytes after the ADR-027 checks answers the
same values; whatever is not plain it leaves to protobuf (None), never a verdict of its own.
The property tests compare the two readers on generated txs, on mutations of them and on
arbitrary bytes; the fixed cases pin which shapes are left to protobuf and that protobuf
still refuses what it refused."""

from __future__ import annotations

from typing import Any

import pytest
from cosmpy.protos.cosmos.base.v1beta1 import coin_pb2
from cosmpy.protos.cosmos.crypto.multisig.v1beta1 import multisig_pb2
from cosmpy.protos.cosmos.tx.v1beta1 import tx_pb2
from google.protobuf.any_pb2 import Any as AnyProto
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zrchain import native
from zrchain.errors import ChainError, ErrTxDecode, ErrUnknownExtensionOptions
from zrchain.tx import decode
from zrchain.tx.decode import protobuf_envelope

plain_envelope: Any = native.envelope

U64 = st.integers(0, (1 << 64) - 1)
text = st.text(max_size=12)
anys = st.builds(AnyProto, type_url=text, value=st.binary(max_size=24))


@st.composite
def plain_txs(draw: st.DrawFn) -> bytes:
    """TxRaw bytes as protobuf writes them, in the shape the reader takes."""
    body = tx_pb2.TxBody(
        messages=draw(st.lists(anys, max_size=3)),
        memo=draw(text),
        timeout_height=draw(U64),
    )
    infos = []
    for _ in range(draw(st.integers(0, 3))):
        info = tx_pb2.SignerInfo(sequence=draw(U64))
        if draw(st.booleans()):
            info.public_key.CopyFrom(draw(anys))
        info.mode_info.single.mode = draw(st.integers(0, 2**31 - 1))
        infos.append(info)
    auth = tx_pb2.AuthInfo(signer_infos=infos)
    if draw(st.booleans()):
        coins = draw(st.lists(st.builds(coin_pb2.Coin, denom=text, amount=text), max_size=3))
        auth.fee.CopyFrom(
            tx_pb2.Fee(amount=coins, gas_limit=draw(U64), payer=draw(text), granter=draw(text))
        )
    return tx_pb2.TxRaw(
        body_bytes=body.SerializeToString(),
        auth_info_bytes=auth.SerializeToString(),
        signatures=draw(st.lists(st.binary(max_size=70), max_size=3)),
    ).SerializeToString()


def protobuf_or_error(raw: bytes) -> Any:
    try:
        return protobuf_envelope(raw)
    except ChainError as exc:
        return exc


def test_the_reader_is_installed() -> None:
    # scripts/bootstrap.sh builds it; without it every tx silently takes the slow path
    assert native.installed()


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(plain_txs())
def test_plain_txs_are_read_as_protobuf_reads_them(raw: bytes) -> None:
    got = plain_envelope(raw)
    assert got is not None  # the plain shape is taken, not left to protobuf
    assert got == protobuf_envelope(raw)


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    raw = bytearray(draw(plain_txs()))
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(("flip", "insert", "delete", "truncate")))
        if not raw:
            break
        i = draw(st.integers(0, len(raw) - 1))
        if op == "flip":
            raw[i] ^= 1 << draw(st.integers(0, 7))
        elif op == "insert":
            raw.insert(i, draw(st.integers(0, 255)))
        elif op == "delete":
            del raw[i]
        else:
            del raw[i:]
    return bytes(raw)


@settings(max_examples=1500, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(mutated(), st.binary(max_size=200)))
def test_whatever_the_reader_answers_protobuf_answers_too(raw: bytes) -> None:
    got = plain_envelope(raw)
    if got is not None:
        assert got == protobuf_or_error(raw)


def test_one_byte_changes_of_a_signed_tx_answered_alike() -> None:
    # every single-bit flip of a plain tx: the reader answers some (a flip inside a string
    # or a signature stays plain) and each answer is protobuf's
    raw = _tx(BODY, AUTH, sigs=2)
    answered = 0
    for i in range(len(raw)):
        for bit in range(8):
            flipped = bytearray(raw)
            flipped[i] ^= 1 << bit
            got = plain_envelope(bytes(flipped))
            if got is not None:
                answered += 1
                assert got == protobuf_or_error(bytes(flipped)), (i, bit)
    assert answered > len(raw)


def _tx(body: tx_pb2.TxBody | bytes, auth: tx_pb2.AuthInfo | bytes, sigs: int = 1) -> bytes:
    return tx_pb2.TxRaw(
        body_bytes=body if isinstance(body, bytes) else body.SerializeToString(),
        auth_info_bytes=auth if isinstance(auth, bytes) else auth.SerializeToString(),
        signatures=[b"s" * 64] * sigs,
    ).SerializeToString()


MSG = AnyProto(type_url="/cosmos.bank.v1beta1.MsgSend", value=b"\n\x01a")
BODY = tx_pb2.TxBody(messages=[MSG], memo="m")
AUTH = tx_pb2.AuthInfo(
    signer_infos=[tx_pb2.SignerInfo(mode_info=tx_pb2.ModeInfo(single={"mode": 1}), sequence=3)],
    fee=tx_pb2.Fee(gas_limit=200_000),
)


def _field(number: int, payload: bytes) -> bytes:
    assert number < 16 and len(payload) < 128
    return bytes([number << 3 | 2, len(payload)]) + payload


LEFT_TO_PROTOBUF = {
    # protobuf keeps the last body, merges two fees, reads any order inside an Any: the
    # reader takes none of it
    "two bodies": _tx(BODY, AUTH) + _field(1, BODY.SerializeToString()),
    "two fees": _tx(BODY, AUTH.SerializeToString() + _field(2, b"\x10\x01")),
    "two memos": _tx(BODY.SerializeToString() + _field(2, b"x"), AUTH),
    "unknown field in an Any": _tx(_field(1, MSG.SerializeToString() + b"\x18\x01"), AUTH),
    "a multisignature": _tx(
        BODY,
        tx_pb2.AuthInfo(
            signer_infos=[
                tx_pb2.SignerInfo(
                    mode_info=tx_pb2.ModeInfo(
                        multi=tx_pb2.ModeInfo.Multi(
                            bitarray=multisig_pb2.CompactBitArray(
                                extra_bits_stored=1, elems=b"\x80"
                            ),
                            mode_infos=[tx_pb2.ModeInfo(single={"mode": 1})],
                        )
                    )
                )
            ],
            fee=tx_pb2.Fee(gas_limit=1),
        ),
    ),
    "no mode info": _tx(BODY, tx_pb2.AuthInfo(signer_infos=[tx_pb2.SignerInfo(sequence=1)])),
    "a tip": _tx(BODY, AUTH.SerializeToString() + _field(3, b"")),
    "non-critical extension options": _tx(
        tx_pb2.TxBody(messages=[MSG], non_critical_extension_options=[MSG]), AUTH
    ),
}


@pytest.mark.parametrize("case", sorted(LEFT_TO_PROTOBUF))
def test_shapes_left_to_protobuf(case: str) -> None:
    raw = LEFT_TO_PROTOBUF[case]
    assert plain_envelope(raw) is None
    protobuf_or_error(raw)  # protobuf decides (accepts or refuses with its own error)


def test_left_to_protobuf_still_refused_as_before() -> None:
    ext = _tx(tx_pb2.TxBody(messages=[MSG], extension_options=[MSG]), AUTH)
    assert plain_envelope(ext) is None
    with pytest.raises(ChainError) as err:
        decode.read_envelope(ext)
    assert err.value.kind == ErrUnknownExtensionOptions

    bad_utf8 = _tx(BODY.SerializeToString() + _field(2, b"\xff"), AUTH)
    out_of_order = _tx(_field(2, b"m") + _field(1, MSG.SerializeToString()), AUTH)
    unknown_critical = _tx(BODY.SerializeToString() + _field(9, b""), AUTH)
    for raw in (bad_utf8, out_of_order, unknown_critical):
        assert plain_envelope(raw) is None
        with pytest.raises(ChainError) as err:
            decode.read_envelope(raw)
        assert err.value.kind == ErrTxDecode


def test_largest_varints_are_read_as_protobuf_reads_them() -> None:
    top = (1 << 64) - 1
    raw = _tx(
        tx_pb2.TxBody(messages=[MSG], timeout_height=top),
        tx_pb2.AuthInfo(
            signer_infos=[
                tx_pb2.SignerInfo(
                    sequence=top, mode_info=tx_pb2.ModeInfo(single={"mode": 2**31 - 1})
                )
            ],
            fee=tx_pb2.Fee(gas_limit=top),
        ),
    )
    got = plain_envelope(raw)
    assert got is not None and got == protobuf_envelope(raw)
    assert got[5] == top
