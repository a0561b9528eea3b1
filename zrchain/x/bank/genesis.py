"""bank genesis: params, balances, supply (computed when empty), denom metadata."""

from __future__ import annotations

from typing import Any

from cosmpy.protos.cosmos.bank.v1beta1 import bank_pb2, genesis_pb2

from zrchain.codec import address
from zrchain.codec.coins import Coin, Coins
from zrchain.codec.json import from_dict, to_dict
from zrchain.context import Context
from zrchain.x.bank.keeper import BankKeeper


def default() -> dict[str, Any]:
    return to_dict(genesis_pb2.GenesisState(params=bank_pb2.Params(default_send_enabled=True)))


def parse(data: dict[str, Any]) -> Any:
    try:
        return from_dict(data, genesis_pb2.GenesisState())
    except ValueError as exc:
        raise ValueError(f"bank genesis: {exc}") from exc


def _totals(gs: Any) -> Coins:
    total = Coins()
    for b in gs.balances:
        total = total.add(Coins.from_protos(b.coins))
    return total


def validate(data: dict[str, Any]) -> None:
    gs = parse(data)
    seen: set[str] = set()
    for b in gs.balances:
        address.acc_bytes(b.address)
        if b.address in seen:
            raise ValueError(f"bank genesis: duplicate balance for {b.address}")
        seen.add(b.address)
        Coins.from_protos(b.coins)
    if gs.supply:
        declared = Coins.from_protos(gs.supply)
        if declared != _totals(gs):
            raise ValueError(f"bank genesis: supply {declared} != sum of balances {_totals(gs)}")


def init(ctx: Context, k: BankKeeper, data: dict[str, Any]) -> None:
    gs = parse(data)
    k.set_params(ctx, gs.params)
    for b in gs.balances:
        k.init_balance(ctx, address.acc_bytes(b.address), Coins.from_protos(b.coins))
    for c in _totals(gs):
        k.set_supply(ctx, c)
    for md in gs.denom_metadata:
        k.set_denom_metadata(ctx, md)


def export(ctx: Context, k: BankKeeper) -> dict[str, Any]:
    gs = genesis_pb2.GenesisState(params=k.params(ctx))
    by_addr: dict[bytes, list[Coin]] = {}
    for addr, coin in k.iterate_balances(ctx):
        by_addr.setdefault(addr, []).append(coin)
    for addr, coins in by_addr.items():
        gs.balances.append(
            genesis_pb2.Balance(address=address.acc_string(addr), coins=Coins.of(coins).to_protos())
        )
    gs.supply.extend(c.to_proto() for c in k.iterate_supply(ctx))
    gs.denom_metadata.extend(k.iterate_metadata(ctx))
    return to_dict(gs)
