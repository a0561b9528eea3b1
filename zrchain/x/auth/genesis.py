"""auth genesis: params and accounts (proto-JSON of cosmos.auth.v1beta1.GenesisState)."""

from __future__ import annotations

from typing import Any

from cosmpy.protos.cosmos.auth.v1beta1 import genesis_pb2

from zrchain.codec import address
from zrchain.codec.json import from_dict, to_dict
from zrchain.context import Context
from zrchain.x.auth.keeper import DEFAULT_PARAMS, FEE_COLLECTOR, AccountKeeper, decode_account


def default() -> dict[str, Any]:
    return to_dict(genesis_pb2.GenesisState(params=DEFAULT_PARAMS))


def parse(data: dict[str, Any]) -> Any:
    try:
        return from_dict(data, genesis_pb2.GenesisState())
    except ValueError as exc:
        raise ValueError(f"auth genesis: {exc}") from exc


def validate(data: dict[str, Any]) -> None:
    gs = parse(data)
    seen: set[str] = set()
    for a in gs.accounts:
        acc = decode_account(_any_bytes(a))
        address.acc_bytes(acc.address)
        if acc.address in seen:
            raise ValueError(f"auth genesis: duplicate account {acc.address}")
        seen.add(acc.address)


def _any_bytes(a: Any) -> bytes:
    return bytes(a.SerializeToString())


def init(ctx: Context, k: AccountKeeper, data: dict[str, Any]) -> None:
    """Accounts keep their numbers; colliding or zero numbers get the next free one."""
    gs = parse(data)
    k.set_params(ctx, gs.params)
    accs = [decode_account(_any_bytes(a)) for a in gs.accounts]
    order = sorted(range(len(accs)), key=lambda i: (accs[i].number, i))
    used: set[int] = set()
    nxt = 0
    for i in order:
        acc = accs[i]
        n = acc.number
        if n in used or n < nxt:
            n = nxt
        acc.base.account_number = n
        used.add(n)
        nxt = max(nxt, n + 1)
        k.set_account(ctx, acc, address.acc_bytes(acc.address))
    k.set_next_account_number(ctx, nxt)
    k.get_module_account(ctx, FEE_COLLECTOR)


def export(ctx: Context, k: AccountKeeper) -> dict[str, Any]:
    gs = genesis_pb2.GenesisState(params=k.params(ctx))
    for acc in k.iterate_accounts(ctx):
        gs.accounts.append(acc.to_any())
    return to_dict(gs)
