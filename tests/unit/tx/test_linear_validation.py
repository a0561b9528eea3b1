"""Stateless checks that run in CheckTx (before any signature is verified) do work linear in
the tx: collecting the signers of many messages and summing a MsgMultiSend over many denoms
were quadratic (a 590 KB MultiSend took 57 s to validate). Counted, not timed."""

from __future__ import annotations

from cosmpy.protos.cosmos.bank.v1beta1 import bank_pb2
from cosmpy.protos.cosmos.bank.v1beta1 import tx_pb2 as bank_tx
from cosmpy.protos.cosmos.tx.v1beta1 import tx_pb2

from zrchain.client.tx import pack
from zrchain.codec.address import acc_string
from zrchain.codec.coins import Coins
from zrchain.errors import ChainError
from zrchain.module import MsgRoute
from zrchain.tx.decode import decode_tx
from zrchain.x.bank import msg_server as bank_msgs


class CountingStr(str):
    comparisons = 0

    __hash__ = str.__hash__

    def __eq__(self, other: object) -> bool:
        CountingStr.comparisons += 1
        return str.__eq__(self, other)


def test_collecting_the_signers_of_many_messages_is_linear() -> None:
    n = 3000
    route = MsgRoute(
        type_url="/cosmos.bank.v1beta1.MsgSend",
        msg_class=bank_tx.MsgSend,
        response_class=bank_tx.MsgSendResponse,
        handler=lambda ctx, msg: bank_tx.MsgSendResponse(),
        signers=lambda m: [CountingStr(m.from_address)],
        validate=None,
        module="bank",
        rpc="/cosmos.bank.v1beta1.Msg/Send",
    )
    msgs = [
        pack(bank_tx.MsgSend(from_address=acc_string(i.to_bytes(20, "big")), to_address="x"))
        for i in range(1, n + 1)
    ]
    raw = tx_pb2.TxRaw(
        body_bytes=tx_pb2.TxBody(messages=msgs).SerializeToString(),
        auth_info_bytes=tx_pb2.AuthInfo(fee=tx_pb2.Fee(gas_limit=1)).SerializeToString(),
        signatures=[b"s" * 64],
    ).SerializeToString()
    CountingStr.comparisons = 0
    try:
        decode_tx(raw, {"/cosmos.bank.v1beta1.MsgSend": route})
    except ChainError as exc:  # one signature for 3000 signers
        assert "expected 3000, got 1" in exc.log
    assert CountingStr.comparisons < 3 * n  # a list membership test made ~n²/2 = 4.5M


def test_multisend_totals_are_summed_once(monkeypatch) -> None:
    n = 2000
    denoms = sorted(f"d{i:05d}" for i in range(n))
    msg = bank_tx.MsgMultiSend(
        inputs=[
            bank_pb2.Input(
                address=acc_string(b"\x01" * 20),
                coins=[{"denom": d, "amount": "1"} for d in denoms],
            )
        ],
        outputs=[
            bank_pb2.Output(address=acc_string(b"\x02" * 20), coins=[{"denom": d, "amount": "1"}])
            for d in denoms
        ],
    )
    summed = [0]
    real = Coins.of.__func__

    def counting(cls, items):
        items = list(items)
        summed[0] += len(items)
        return real(cls, items)

    monkeypatch.setattr(Coins, "of", classmethod(counting))
    bank_msgs.validate_multi_send(msg)
    assert summed[0] == 2 * n  # each coin once; re-adding a growing total was ~n²
