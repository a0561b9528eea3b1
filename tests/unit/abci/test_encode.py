"""Hand-encoded ABCI results decode to exactly what protobuf would build."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from zrchain.abci import types as abci
from zrchain.abci.encode import encode_exec_tx_result, to_abci_events
from zrchain.context import Event

text = st.text(max_size=40)
events = st.lists(st.builds(Event, text, st.lists(st.tuples(text, text), max_size=5)), max_size=6)


@given(
    st.integers(0, 2**32 - 1),
    st.binary(max_size=50),
    text,
    st.integers(0, 2**63 - 1),
    st.integers(0, 2**63 - 1),
    events,
    text,
)
def test_exec_tx_result_encoding_matches_protobuf(code, data, log, wanted, used, evs, space):
    raw = encode_exec_tx_result(code, data, log, wanted, used, evs, space)
    expected = abci.ExecTxResult(
        code=code,
        data=data,
        log=log,
        gas_wanted=wanted,
        gas_used=used,
        events=to_abci_events(evs),
        codespace=space,
    )
    assert abci.ExecTxResult.FromString(raw) == expected
    assert abci.ResponseCheckTx.FromString(raw).log == log


@given(st.lists(st.tuples(text, st.binary(max_size=40)), max_size=4))
def test_tx_msg_data_encoding_matches_protobuf(responses) -> None:
    from cosmpy.protos.cosmos.base.abci.v1beta1 import abci_pb2 as sdk_abci
    from google.protobuf.any_pb2 import Any as AnyProto

    from zrchain.abci.encode import encode_tx_msg_data

    expected = sdk_abci.TxMsgData(
        msg_responses=[AnyProto(type_url=u, value=v) for u, v in responses]
    ).SerializeToString()
    assert encode_tx_msg_data(responses) == expected


@given(
    st.one_of(
        st.integers(0, 2**64 - 1),
        st.sampled_from([0, 1, 127, 128, 255, 16_383, 16_384, 2**21 - 1, 2**21]),
    )
)
def test_varints_match_protobuf(n: int) -> None:
    from google.protobuf.internal.encoder import _VarintBytes

    from zrchain.abci.encode import _uvarint

    assert _uvarint(n) == _VarintBytes(n)


# Every event has a type and its attributes keys (an empty one would be written as an
# empty field, which protobuf omits: the same message in other bytes).
named = st.text(min_size=1, max_size=40)
typed = st.lists(st.builds(Event, named, st.lists(st.tuples(named, text), max_size=5)), max_size=6)


@given(
    typed,
    st.lists(st.tuples(st.integers(0, 2**32 - 1), st.binary(max_size=20_000), typed), max_size=4),
    st.binary(max_size=40),
)
def test_finalize_block_encoding_matches_protobuf(block_evs, results, app_hash) -> None:
    from zrchain.abci.encode import encode_events, encode_finalize_block

    rest = abci.ResponseFinalizeBlock(app_hash=app_hash).SerializeToString()
    encoded = [encode_exec_tx_result(c, d, "", 0, 0, evs, "") for c, d, evs in results]
    raw = encode_finalize_block(encode_events(block_evs, b"\x0a"), encoded, rest)
    expected = abci.ResponseFinalizeBlock(
        events=to_abci_events(block_evs),
        tx_results=[
            abci.ExecTxResult(code=c, data=d, events=to_abci_events(evs)) for c, d, evs in results
        ],
        app_hash=app_hash,
    )
    assert raw == expected.SerializeToString()


@given(st.data())
def test_events_written_in_one_pass_are_protobufs(data) -> None:
    # the Rust encoder against protobuf's own bytes, with every attribute marked and with
    # index-events naming some (empty types, keys and values included: protobuf omits them)
    from zrchain import native
    from zrchain.abci.encode import _ld, encode_events

    assert native.installed()
    evs = data.draw(events)
    names = [f"{e.type}.{k}" for e in evs for k, _ in e.attributes] + ["x.y"]
    indexed = data.draw(st.one_of(st.none(), st.frozensets(st.sampled_from(names))))
    for tag in (b"\x0a", b"\x3a"):
        expected = b"".join(_ld(tag, e.SerializeToString()) for e in to_abci_events(evs, indexed))
        assert encode_events(evs, tag, indexed) == expected


def test_event_attributes_as_lists_are_written_as_tuples() -> None:
    from zrchain.abci.encode import encode_events

    as_tuples = [Event("transfer", [("amount", "1urock"), ("sender", "zen1x")])]
    as_lists = [Event("transfer", [["amount", "1urock"], ["sender", "zen1x"]])]  # type: ignore[list-item]
    assert encode_events(as_lists, b"\x3a") == encode_events(as_tuples, b"\x3a")
