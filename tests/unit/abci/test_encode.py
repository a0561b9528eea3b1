"""Hand-encoded ABCI results decode to exactly what protobuf would build."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from zrchain.abci import types as abci
from zrchain.abci.encode import encode_exec_tx_result
from zrchain.abci.events import to_abci_events
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
