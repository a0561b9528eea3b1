"""x/omni genesis: EIP-712 nonces, forwarded contract calls and the policy actions of
zrSign requests (kept in treasury's store, exported here so an export/import neither
reopens a replay nor loses a held request)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from zrchain.chains.errors import ChainDataError
from zrchain.chains.evm import normalize_evm_address
from zrchain.codec.gen.zrchain.omni import genesis_pb2
from zrchain.codec.json import from_dict, to_dict
from zrchain.context import Context
from zrchain.x.omni.expected import ZrSignOwners
from zrchain.x.omni.keeper import OmniKeeper


@dataclass(frozen=True)
class OmniState:
    """What omni's genesis reads and writes: its own store and treasury's zrSign index."""

    keeper: OmniKeeper
    zrsign: ZrSignOwners


def default() -> dict[str, Any]:
    return to_dict(genesis_pb2.GenesisState())


def parse(data: dict[str, Any]) -> genesis_pb2.GenesisState:
    try:
        gs: genesis_pb2.GenesisState = from_dict(data, genesis_pb2.GenesisState())
    except ValueError as exc:
        raise ValueError(f"omni genesis: {exc}") from exc
    return gs


def validate(data: dict[str, Any]) -> None:
    gs = parse(data)
    seen: set[str] = set()
    for n in gs.nonces:
        try:
            addr = normalize_evm_address(n.address)
        except ChainDataError as exc:
            raise ValueError(f"omni genesis: nonce of {exc}") from exc
        if addr in seen:
            raise ValueError(f"omni genesis: duplicate nonce of {addr}")
        seen.add(addr)
    for cid in gs.forwarded:
        if len(cid) != 32:
            raise ValueError("omni genesis: a forwarded cache_id is 32 bytes")
    caches: set[bytes] = set()
    for r in gs.zr_sign_actions:
        if not r.action_id or bytes(r.cache_id) in caches:
            raise ValueError(
                "omni genesis: zr_sign_actions need an action id and one cache_id each"
            )
        caches.add(bytes(r.cache_id))


def init(ctx: Context, state: OmniState, data: dict[str, Any]) -> None:
    gs = parse(data)
    for n in gs.nonces:
        state.keeper.set_nonce(ctx, normalize_evm_address(n.address), int(n.nonce))
    for cid in gs.forwarded:
        state.keeper.set_forwarded(ctx, bytes(cid))
    for r in gs.zr_sign_actions:
        state.zrsign.set_zr_sign_action(ctx, r.owner, bytes(r.cache_id), int(r.action_id))
    for rej in gs.rejections:
        state.keeper.add_rejection(ctx, int(rej.action_id), rej.participant)


def export(ctx: Context, state: OmniState) -> dict[str, Any]:
    gs = genesis_pb2.GenesisState(
        nonces=[
            genesis_pb2.EvmNonce(address=a, nonce=n) for a, n in state.keeper.iterate_nonces(ctx)
        ],
        forwarded=list(state.keeper.iterate_forwarded(ctx)),
        zr_sign_actions=[
            genesis_pb2.ZrSignActionRecord(owner=o, cache_id=c, action_id=a)
            for o, c, a in state.zrsign.iterate_zr_sign_actions(ctx)
        ],
        rejections=[
            genesis_pb2.Rejection(action_id=a, participant=p)
            for a, p in state.keeper.iterate_rejections(ctx)
        ],
    )
    return to_dict(gs)
