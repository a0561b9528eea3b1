"""cosmos.bank.v1beta1.Msg: validate -> authorise -> keeper -> events."""

from __future__ import annotations

from typing import Any

from cosmpy.protos.cosmos.bank.v1beta1 import tx_pb2

from zrchain import module
from zrchain.codec.address import msg_address
from zrchain.codec.coins import Coins
from zrchain.context import Context
from zrchain.errors import ErrInvalidCoins, ErrUnauthorized
from zrchain.module import validate_basic
from zrchain.x.bank.keeper import (
    BankKeeper,
    ErrInputOutputMismatch,
    ErrMultipleSenders,
    ErrNoInputs,
    ErrNoOutputs,
    ErrSendDisabled,
)


def _coins(protos: Any) -> Coins:
    coins = Coins.from_protos(protos)
    if not coins:
        raise ErrInvalidCoins.wrap(str(coins) or "empty coins")
    return coins


def _coins_of(addr: str, what: str, protos: Any) -> Coins:
    msg_address(addr, what)
    return _coins(protos)


def validate_send(msg: tx_pb2.MsgSend) -> None:
    msg_address(msg.from_address, "from")
    msg_address(msg.to_address, "to")
    _coins(msg.amount)


def validate_multi_send(msg: tx_pb2.MsgMultiSend) -> None:
    if not msg.inputs:
        raise ErrNoInputs.wrap("")
    if len(msg.inputs) != 1:
        raise ErrMultipleSenders.wrap("")
    if not msg.outputs:
        raise ErrNoOutputs.wrap("")
    # One sum per side: adding Coins output by output re-sorts a growing total each time,
    # quadratic in the number of denoms.
    total_in = Coins.of(c for i in msg.inputs for c in _coins_of(i.address, "input", i.coins))
    total_out = Coins.of(
        c for o in msg.outputs for c in _coins_of(o.address, "output", o.coins)
    )
    if total_in != total_out:
        raise ErrInputOutputMismatch.wrap("")


class BankMsgServer(module.MsgServer):
    descriptor = tx_pb2.DESCRIPTOR.services_by_name["Msg"]
    absent = {
        "UpdateParams": "no x/gov on this chain: bank params are set in genesis",
        "SetSendEnabled": "no x/gov on this chain: send-enabled flags are set in genesis",
    }

    def __init__(self, keeper: BankKeeper, blocked: set[bytes]) -> None:
        self.k = keeper
        self.blocked = blocked  # module accounts: they never receive through MsgSend

    def _check_send(self, ctx: Context, coins: Coins, to: bytes, to_str: str) -> None:
        for c in coins:
            if not self.k.send_enabled(ctx, c.denom):
                raise ErrSendDisabled.wrap(f"{c.denom} transfers are currently disabled")
        if to in self.blocked:
            raise ErrUnauthorized.wrap(f"{to_str} is not allowed to receive funds")

    @validate_basic(validate_send)
    def send(self, ctx: Context, msg: tx_pb2.MsgSend) -> tx_pb2.MsgSendResponse:
        frm = msg_address(msg.from_address, "from")
        to = msg_address(msg.to_address, "to")
        coins = _coins(msg.amount)
        self._check_send(ctx, coins, to, msg.to_address)
        self.k.send_coins(ctx, frm, to, coins, msg.from_address, msg.to_address)
        return tx_pb2.MsgSendResponse()

    @validate_basic(validate_multi_send)
    def multi_send(self, ctx: Context, msg: tx_pb2.MsgMultiSend) -> tx_pb2.MsgMultiSendResponse:
        validate_multi_send(msg)
        inp = msg.inputs[0]
        frm = msg_address(inp.address, "input")
        total = _coins(inp.coins)
        outs = [(msg_address(o.address, "output"), o.address, _coins(o.coins)) for o in msg.outputs]
        for to, to_str, coins in outs:
            self._check_send(ctx, coins, to, to_str)
        self.k.sub_coins(ctx, frm, total, inp.address)
        ctx.emit("message", ("sender", inp.address))
        for to, to_str, coins in outs:
            self.k.add_coins(ctx, to, coins, to_str)
            if not self.k.accounts.has_account(ctx, to):
                self.k.accounts.new_account(ctx, to)
            ctx.emit("transfer", ("recipient", to_str), ("amount", str(coins)))
        return tx_pb2.MsgMultiSendResponse()
