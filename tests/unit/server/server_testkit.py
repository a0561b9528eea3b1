"""Stand-ins shared by the server tests: a bank-like query route whose answer is the query
height, a stand-in simulator, and a chain driven through InitChain and a few blocks."""

from __future__ import annotations

import json
from typing import Any

from cosmpy.protos.cosmos.bank.v1beta1 import query_pb2 as bank_q
from cosmpy.protos.cosmos.base.abci.v1beta1 import abci_pb2
from cosmpy.protos.cosmos.base.v1beta1.coin_pb2 import Coin
from google.protobuf.timestamp_pb2 import Timestamp

from zrchain.abci import types as abci
from zrchain.app import ZrChainApp
from zrchain.errors import ErrInvalidAddress, ErrOutOfGas, not_found
from zrchain.module import Module, QueryServer, Service
from zrchain.tx.simulation import SimulationFailed

BALANCE = "/cosmos.bank.v1beta1.Query/Balance"
BALANCE_REST = "/cosmos/bank/v1beta1/balances/{address}/by_denom"
HEIGHT = 3  # blocks committed by the ``app`` fixture


def balance(ctx: Any, req: bank_q.QueryBalanceRequest) -> bank_q.QueryBalanceResponse:
    """Stand-in bank handler: the amount is the query height, so tests can see it."""
    if req.address == "missing":
        raise not_found(f"account {req.address} not found")
    if req.address == "bad":
        raise ErrInvalidAddress.wrap("decoding bech32 failed: invalid address 'bad'")
    if req.address == "boom":
        raise RuntimeError("boom")
    return bank_q.QueryBalanceResponse(balance=Coin(denom=req.denom, amount=str(ctx.height)))


_BANK_QUERY = bank_q.DESCRIPTOR.services_by_name["Query"]


class EchoQueries(QueryServer):
    """The bank Query service with only Balance served (by the stand-in above)."""

    descriptor = _BANK_QUERY
    absent = {m.name: "stand-in" for m in _BANK_QUERY.methods if m.name != "Balance"}

    def balance(self, ctx: Any, req: bank_q.QueryBalanceRequest) -> bank_q.QueryBalanceResponse:
        return balance(ctx, req)


class EchoModule(Module):
    def services(self) -> list[Service]:
        return [EchoQueries()]


class StandInSimulator:
    """Records what Simulate hands the simulator; ``b"fail"`` fails like an out-of-gas run."""

    def __init__(self) -> None:
        self.simulated: list[bytes] = []

    def simulate(self, tx_bytes: bytes) -> tuple[Any, Any]:
        self.simulated.append(tx_bytes)
        if tx_bytes == b"fail":
            raise SimulationFailed(ErrOutOfGas.wrap("out of gas in location: ReadFlat"), 777)
        return (
            abci_pb2.GasInfo(gas_wanted=2**64 - 1, gas_used=12345),
            abci_pb2.Result(log="simulated"),
        )

    def close(self) -> None:
        return None


def run_chain(app: ZrChainApp, blocks: int) -> None:
    req = abci.RequestInitChain(
        chain_id="zenrock", initial_height=1, app_state_bytes=json.dumps({}).encode()
    )
    req.time.CopyFrom(Timestamp(seconds=1_700_000_000))
    req.consensus_params.block.max_gas = 50_000_000
    req.consensus_params.block.max_bytes = 22020096
    req.consensus_params.evidence.max_age_duration.seconds = 172800
    app.init_chain(req)
    for h in range(1, blocks + 1):
        fb = abci.RequestFinalizeBlock(height=h)
        fb.time.CopyFrom(Timestamp(seconds=1_700_000_000 + h))
        app.finalize_block(fb)
        app.commit(abci.RequestCommit())
