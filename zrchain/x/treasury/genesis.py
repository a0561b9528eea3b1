"""treasury genesis (docs/treasury.md, *Store*): params, port, keys and the four request stores.

Import sets each id counter to the largest imported id, so the next request gets
max(id) + 1 and nothing imported is ever overwritten (fix 8 of docs/COMPATIBILITY.md; zrChain uses
the list
lengths). The indexes of ours (open requests, deadlines, zrSign slots, cache ids, keys by
workspace) and the escrow records of open requests are rebuilt from the imported objects;
an escrowed fee is owed back to the request's creator, or for zrSign key requests (whose
creator is an external address) to params ``zr_sign_address``.
"""

from __future__ import annotations

from typing import Any

# Metadata Anys in sign requests must be in the descriptor pool for proto-JSON.
from zrchain.codec.gen.zrchain.treasury import genesis_pb2
from zrchain.codec.gen.zrchain.treasury import tx_pb2 as _treasury_tx  # noqa: F401
from zrchain.codec.json import from_dict, to_dict
from zrchain.context import Context
from zrchain.errors import ChainError
from zrchain.x.policy.genesis import validate_port
from zrchain.x.policy.types import account_error
from zrchain.x.treasury.keeper import KIND_KEY, KIND_SIGN, Escrow, TreasuryKeeper
from zrchain.x.treasury.types import (
    DEFAULT_PARAMS,
    KR_REJECTED,
    OPEN_KEY_STATUSES,
    OPEN_SIGN_STATUSES,
    PORT_ID,
)
from zrchain.x.treasury.validation import validate_params


def default() -> dict[str, Any]:
    return to_dict(genesis_pb2.GenesisState(params=DEFAULT_PARAMS, port_id=PORT_ID))


def parse(data: dict[str, Any]) -> genesis_pb2.GenesisState:
    try:
        gs: genesis_pb2.GenesisState = from_dict(data, genesis_pb2.GenesisState())
    except ValueError as exc:
        raise ValueError(f"treasury genesis: {exc}") from exc
    return gs


def validate(data: dict[str, Any]) -> None:
    gs = parse(data)
    validate_port(gs.port_id, "treasury")
    try:
        validate_params(gs.params)
    except ChainError as exc:
        raise ValueError(f"treasury genesis: {exc.log}") from exc
    for what, ids in (
        ("key", [x.id for x in gs.keys]),
        ("key request", [x.id for x in gs.key_requests]),
        ("sign request", [x.id for x in gs.sign_requests]),
        ("sign transaction request", [x.id for x in gs.sign_tx_requests]),
        ("ICA transaction request", [x.id for x in gs.ica_tx_requests]),
    ):
        seen: set[int] = set()
        for i in ids:
            if i == 0:
                raise ValueError(f"treasury genesis: {what} with id 0")
            if i in seen:
                raise ValueError(f"treasury genesis: duplicate {what} id {i}")
            seen.add(i)


def _max(ids: Any) -> int:
    return max(ids, default=0)


def init(ctx: Context, k: TreasuryKeeper, data: dict[str, Any]) -> None:
    gs = parse(data)
    k.set_port(ctx, gs.port_id)
    k.set_params(ctx, gs.params)
    for key in gs.keys:
        k.set_key(ctx, key)
    zr_sign = gs.params.zr_sign_address
    for r in sorted(gs.key_requests, key=lambda x: x.id):
        k.save_key_request(ctx, r)
        slot = k.zrsign_slot(ctx, r.workspace_addr, r.index)
        held = None if slot is None else k.get_key_request(ctx, slot)
        if held is None or held.status == KR_REJECTED:
            k.set_zrsign_slot(ctx, r.workspace_addr, r.index, r.id)
        if r.status in OPEN_KEY_STATUSES and r.fee:
            payer = r.creator if account_error(r.creator) is None else zr_sign
            k.set_escrow(ctx, KIND_KEY, r.id, Escrow(payer, ((r.keyring_addr, int(r.fee)),)))
    for key in gs.keys:
        if k.zrsign_slot(ctx, key.workspace_addr, key.index) is None:
            k.set_zrsign_slot(ctx, key.workspace_addr, key.index, key.id)
    by_id = {sr.id: sr for sr in gs.sign_requests}
    for sr in sorted(gs.sign_requests, key=lambda x: x.id):
        k.save_sign_request(ctx, sr)
        if sr.parent_req_id:
            continue
        if sr.cache_id and k.cache_owner(ctx, sr.creator, sr.cache_id) is None:
            k.set_cache_owner(ctx, sr.creator, sr.cache_id, sr.id)
        if sr.status in OPEN_SIGN_STATUSES and sr.fee:
            leaves = [by_id[c] for c in sr.child_req_ids if c in by_id] or [sr]
            entries = []
            for leaf in leaves:
                signer = k.get_key(ctx, leaf.key_ids[0]) if leaf.key_ids else None
                if signer is not None and leaf.fee:
                    entries.append((signer.keyring_addr, int(leaf.fee)))
            if entries:
                k.set_escrow(ctx, KIND_SIGN, sr.id, Escrow(sr.creator, tuple(entries)))
    for t in gs.sign_tx_requests:
        k.import_sign_tx_request(ctx, t)
    for ica in gs.ica_tx_requests:
        k.import_ica_request(ctx, ica)
    k.set_last_ids(
        ctx,
        key_requests=max(_max(x.id for x in gs.keys), _max(x.id for x in gs.key_requests)),
        sign_requests=_max(x.id for x in gs.sign_requests),
        sign_tx_requests=_max(x.id for x in gs.sign_tx_requests),
        ica_requests=_max(x.id for x in gs.ica_tx_requests),
    )


def export(ctx: Context, k: TreasuryKeeper) -> dict[str, Any]:
    gs = genesis_pb2.GenesisState(port_id=k.port(ctx))
    params = k.params(ctx)
    if params is not None:
        gs.params.CopyFrom(params)
    gs.keys.extend(k.iterate_keys(ctx))
    gs.key_requests.extend(k.iterate_key_requests(ctx))
    gs.sign_requests.extend(k.iterate_sign_requests(ctx))
    gs.sign_tx_requests.extend(k.iterate_sign_tx_requests(ctx))
    gs.ica_tx_requests.extend(k.iterate_ica_requests(ctx))
    return to_dict(gs)
