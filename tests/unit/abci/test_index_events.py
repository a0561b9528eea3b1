"""app.toml ``index-events`` (the SDK's, ``MarkEventsToIndex``): the attributes named
``{event type}.{attribute key}`` are marked for CometBFT to index and no others; empty marks
every attribute (the default). Only the marks change: every code, gas figure, data, event
and app hash is the same as without the setting (CometBFT's results hash leaves events out
anyway)."""

from __future__ import annotations

from pathlib import Path

import pytest
from cosmpy.protos.cosmos.bank.v1beta1 import tx_pb2 as bank_tx
from hypothesis import given
from hypothesis import strategies as st

from zrchain import config
from zrchain.abci import types as abci
from zrchain.abci.encode import encode_exec_tx_result
from zrchain.codec.coins import parse_coins
from zrchain.context import Event
from zrchain.testing.inproc import make_chain

_names = st.sampled_from(["transfer", "message", "tx", "coin_spent", "x", ""])
_keys = st.sampled_from(["sender", "recipient", "amount", "fee", "acc_seq", ""])
_events = st.lists(
    st.builds(
        Event,
        _names,
        st.lists(st.tuples(_keys, st.text(max_size=8)), max_size=4),
    ),
    max_size=5,
)
_index_sets = st.frozensets(st.builds("{}.{}".format, _names, _keys), max_size=4)


@given(_events, _index_sets)
def test_marks_are_the_sdks(events: list[Event], indexed: frozenset[str]) -> None:
    raw = encode_exec_tx_result(0, b"", "", 0, 0, events, "", indexed or None)
    got = abci.ExecTxResult.FromString(raw)
    want = abci.ExecTxResult(
        events=[
            abci.Event(
                type=e.type,
                attributes=[
                    abci.EventAttribute(
                        key=k, value=v, index=not indexed or f"{e.type}.{k}" in indexed
                    )
                    for k, v in e.attributes
                ],
            )
            for e in events
        ]
    )
    assert got == want
    assert raw == want.SerializeToString()  # canonical, as protobuf writes it


def test_a_chain_indexing_some_events_gives_the_same_results_but_the_marks(tmp_path) -> None:
    funded = {"alice": "1000000urock", "bob": "5000urock"}
    only = ("transfer.recipient", "tx.fee_payer")
    plain = make_chain(tmp_path / "plain", funded)
    some = make_chain(tmp_path / "some", funded, index_events=only)
    try:
        blocks = []
        for chain in (plain, some):
            a, b = chain.wallets["alice"], chain.wallets["bob"]
            send = bank_tx.MsgSend(
                from_address=a.address,
                to_address=b.address,
                amount=parse_coins("5urock").to_protos(),
            )
            too_much = bank_tx.MsgSend(
                from_address=b.address,
                to_address=a.address,
                amount=parse_coins("999999urock").to_protos(),
            )
            txs = [chain.tx(a, [send]), chain.tx(b, [too_much])]  # the second fails its Msg
            blocks.append(chain.block(txs))
        base, marked = blocks
        assert marked.app_hash == base.app_hash
        assert [r.code for r in marked.tx_results] == [0, 5]
        unmarked = abci.ResponseFinalizeBlock()
        unmarked.CopyFrom(marked)
        seen = set()
        for r in [*unmarked.tx_results]:
            for e in r.events:
                for a in e.attributes:
                    assert a.index == (f"{e.type}.{a.key}" in only)
                    seen.add((f"{e.type}.{a.key}", a.index))
                    a.index = True
        for e in unmarked.events:
            for a in e.attributes:
                assert a.index == (f"{e.type}.{a.key}" in only)
                a.index = True
        assert unmarked == base  # nothing else differs
        assert ("transfer.recipient", True) in seen and ("tx.fee_payer", True) in seen
        assert ("message.sender", False) in seen
    finally:
        plain.app.close()
        some.app.close()


def test_app_toml_index_events_round_trip(tmp_path: Path) -> None:
    cfg = config.load(tmp_path)
    assert cfg.index_events == []
    cfg.index_events = ["message.sender", "transfer.recipient"]
    config.save(tmp_path, cfg)
    text = config.app_toml_path(tmp_path).read_text()
    assert 'index-events = ["message.sender", "transfer.recipient"]' in text
    assert config.load(tmp_path).index_events == ["message.sender", "transfer.recipient"]


@pytest.mark.parametrize(
    "value",
    ['"message.sender"', "[1]", '["message"]', "true"],
    ids=["a string", "not strings", "no attribute key", "a bool"],
)
def test_app_toml_index_events_must_be_a_list_of_type_dot_key(tmp_path: Path, value) -> None:
    path = config.app_toml_path(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text(f"index-events = {value}\n")
    with pytest.raises(config.ConfigError, match="index-events must be a list"):
        config.load(tmp_path)


def test_start_refuses_an_index_events_flag_without_attribute_keys(tmp_path: Path) -> None:
    from zrchain.testing.node import zrchaind

    home = str(tmp_path / "home")
    zrchaind("init", "n", "--chain-id", "zenrock", "--home", home)
    out = zrchaind("start", "--home", home, "--no-comet", "--index-events",
                   "transfer.recipient,message", check=False, timeout=60)  # fmt: skip
    assert out.returncode != 0
    assert "invalid --index-events message: want eventType.attributeKey" in out.stderr
