"""Whole-state snapshots for tests that must prove "nothing changed".

A snapshot is every key of every module store at one committed height, read in-process
(``snapshot_app``) or from a real node through ABCI ``/store/<key>/subspace`` queries
(``snapshot_node``). ``assert_unchanged`` compares two snapshots and allows exactly what a
tx rejected in its messages (not in ante) must leave behind: the fee moved from its payer
to the fee collector and each signer's sequence one higher. Block-level bookkeeping
(``baseapp/``: the last block's height and time) is not part of a snapshot, and ``diff``
skips what moves on every block whatever the txs (``PER_BLOCK``: x/slashing's signing
windows, which advance with each commit's votes, x/validation's historical info, x/mint's
minter, ...).
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from cosmpy.protos.cosmos.store.internal.kv.v1beta1 import kv_pb2

from zrchain.codec.address import acc_bytes, module_address
from zrchain.codec.coins import Coins, parse_coins
from zrchain.store.kv import iterate_prefix
from zrchain.x.auth.keeper import ACCOUNT_PREFIX, FEE_COLLECTOR, NEXT_ACCOUNT_NUMBER, decode_account
from zrchain.x.bank.keeper import SUPPLY_PREFIX, balance_key
from zrchain.x.distribution import keeper as distribution
from zrchain.x.mint import keeper as mint
from zrchain.x.mint.params import DEFAULT_PARAMS as MINT_DEFAULTS
from zrchain.x.slashing.keeper import BITMAP, SIGNING_INFO
from zrchain.x.validation.keeper import HISTORICAL

Stores = dict[str, dict[bytes, bytes]]

# (store, key prefixes) written by every block's begin block, not by txs: x/slashing's
# signing windows, x/mint's minter, x/distribution's allocation of the previous block's
# fees, x/validation's historical info.
PER_BLOCK: dict[str, tuple[bytes, ...]] = {
    "mint": (mint.MINTER,),
    "slashing": (SIGNING_INFO, BITMAP),
    "validation": (HISTORICAL,),
    "distribution": (
        distribution.FEE_POOL,
        distribution.PROPOSER,
        distribution.OUTSTANDING,
        distribution.CURRENT,
        distribution.COMMISSION,
    ),
}
# Fees land in the fee collector; at the next begin block x/mint claims the mint denom's,
# burns a share, pays the protocol wallet and adds the staking reward and inflation, and
# x/distribution takes what the collector then holds. A fee is checked as arriving in these
# holders together, less what was burned and plus what was minted (the supply's change).
FEE_HOLDERS = (
    module_address(FEE_COLLECTOR),
    module_address(distribution.MODULE),
    module_address(mint.MODULE),
)


def _fee_holders(snap: StateSnapshot) -> tuple[bytes, ...]:
    raw = snap.get("mint", mint.PARAMS)
    params = MINT_DEFAULTS if raw is None else type(MINT_DEFAULTS).FromString(raw)
    return (*FEE_HOLDERS, acc_bytes(params.protocol_wallet_address))


def _supply(snap: StateSnapshot, denom: str) -> int:
    raw = snap.get("bank", SUPPLY_PREFIX + denom.encode())
    return int(raw) if raw else 0


@dataclass(frozen=True)
class StateSnapshot:
    height: int
    stores: Stores

    def get(self, store: str, key: bytes) -> bytes | None:
        return self.stores.get(store, {}).get(key)


def module_store_keys(modules: Iterable[Any] | None = None) -> list[str]:
    if modules is None:
        from zrchain.modules import default_modules

        modules = default_modules()
    return sorted({m.store_key for m in modules if m.store_key})


def snapshot_app(app: Any, height: int = 0) -> StateSnapshot:
    """Every module store of an in-process app at a committed height (0: latest)."""
    version = app.store.version(height)
    stores: Stores = {}
    for key in module_store_keys(app.registry.modules):
        prefix = key.encode() + b"/"
        stores[key] = {k[len(prefix) :]: v for k, v in iterate_prefix(version.kv, prefix)}
    return StateSnapshot(version.height, stores)


def snapshot_node(
    rpc: Any, height: int = 0, store_keys: Iterable[str] | None = None
) -> StateSnapshot:
    """The same through CometBFT RPC ``abci_query`` (a real node); every store is read at
    one height so the snapshot is one consistent state."""
    if not height:
        height = int(rpc.abci_info()["last_block_height"])
    stores: Stores = {}
    for key in store_keys or module_store_keys():
        res = rpc.abci_query(f"/store/{key}/subspace", b"", height=height)
        if int(res.get("code", 0)):
            raise RuntimeError(f"store query {key} failed: {res.get('log')}")
        pairs = kv_pb2.Pairs.FromString(base64.b64decode(res.get("value") or ""))
        stores[key] = {bytes(p.key): bytes(p.value) for p in pairs.pairs}
    return StateSnapshot(height, stores)


def diff(before: StateSnapshot, after: StateSnapshot) -> dict[tuple[str, bytes], tuple[Any, Any]]:
    """(store, key) -> (old value or None, new value or None) for every key that differs."""
    out: dict[tuple[str, bytes], tuple[Any, Any]] = {}
    for store in sorted(set(before.stores) | set(after.stores)):
        b, a = before.stores.get(store, {}), after.stores.get(store, {})
        skip = PER_BLOCK.get(store, ())
        for key in set(b) | set(a):
            if skip and key.startswith(skip):
                continue
            if b.get(key) != a.get(key):
                out[(store, key)] = (b.get(key), a.get(key))
    return out


def _balance(snap: StateSnapshot, addr: bytes, denom: str) -> int:
    raw = snap.get("bank", balance_key(addr, denom))
    return int(raw) if raw else 0


def assert_unchanged(
    before: StateSnapshot,
    after: StateSnapshot,
    fee_payer: str = "",
    fee: Coins | str = "",
    signers: Mapping[str, int] | Iterable[str] = (),
) -> None:
    """Fail unless ``after`` equals ``before``, apart from ``fee`` moved from ``fee_payer`` to
    the fee collector and each of ``signers`` having its sequence one higher (a pubkey may
    be recorded on first use). With no fee and no signers nothing at all may differ."""
    fee_coins = parse_coins(fee) if isinstance(fee, str) else fee
    changed = diff(before, after)
    payer = acc_bytes(fee_payer) if fee_payer else b""
    allowed: set[tuple[str, bytes]] = set()
    for c in fee_coins:
        key = ("bank", balance_key(payer, c.denom))
        allowed.add(key)
        want = _balance(before, payer, c.denom) - c.amount
        got = _balance(after, payer, c.denom)
        assert got == want, f"balance of {payer.hex()} in {c.denom}: {got}, expected {want}"
    holders = set(_fee_holders(before)) | set(_fee_holders(after))
    for a in holders:  # the protocol wallet's account appears with its first payment
        if before.get("auth", ACCOUNT_PREFIX + a) is None:
            allowed.update({("auth", ACCOUNT_PREFIX + a), ("auth", NEXT_ACCOUNT_NUMBER)})
    for denom in {c.denom for c in fee_coins} | {"urock"}:
        allowed.update(("bank", balance_key(a, denom)) for a in holders)
        allowed.add(("bank", SUPPLY_PREFIX + denom.encode()))
        held = [sum(_balance(s, a, denom) for a in holders) for s in (before, after)]
        minted = _supply(after, denom) - _supply(before, denom)
        want = held[0] + fee_coins.amount_of(denom) + minted
        assert held[1] == want, (
            f"state changed: fee holders' {denom}: {held[1]}, expected {want} "
            f"(fee {fee_coins.amount_of(denom)}, minted less burned {minted})"
        )
    for s in signers:
        addr = acc_bytes(s)
        key = ("auth", ACCOUNT_PREFIX + addr)
        allowed.add(key)
        old_raw, new_raw = before.get("auth", key[1]), after.get("auth", key[1])
        assert old_raw is not None and new_raw is not None, f"account {s} missing"
        old, new = decode_account(old_raw), decode_account(new_raw)
        assert (new.number, new.sequence) == (old.number, old.sequence + 1), (
            f"account {s}: number/sequence {old.number}/{old.sequence} -> "
            f"{new.number}/{new.sequence}, expected only the sequence to step by one"
        )
    unexpected = {k: v for k, v in changed.items() if k not in allowed}
    assert not unexpected, "state changed: " + "; ".join(
        f"{store}/{key.hex()}: {old!r} -> {new!r}"
        for (store, key), (old, new) in unexpected.items()
    )
