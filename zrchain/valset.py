"""The validator set as CometBFT has it, and the merge of one block's validator updates.

CometBFT applies the validator updates of FinalizeBlock to its next set and stops for good
when one is invalid: a removal of a validator it does not have ("failed to find validator
... to remove"), a key twice in one response, a set that would become empty, a total power
above ``MaxTotalVotingPower``, a negative power or a key type the consensus params do not
allow. So modules never hand updates to CometBFT themselves. They *propose* changes here
while the block runs (a Msg handler or an end-block hook); each proposal is checked at once
against the set as it will be after everything proposed so far, so the offending tx fails
and the block stays valid. FinalizeBlock then *takes* the block's changes: one update per
key with its last power (last write wins), and none for a key whose final power is what
CometBFT already has (an add and a remove of an unknown key in one block is no update).

State, under ``valset/`` (authenticated like every key, so it survives restarts and state
sync): ``0x01 | pubkey`` -> power (u64 BE) of the set after this block's proposals,
``0x02 | pubkey`` -> the power CometBFT has (u64 BE, 0 = absent) for each key changed in
this block, ``0x03`` -> total power (u64 BE). Keys are ed25519 (32 bytes), the only type
this chain's consensus params allow.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from zrchain.baseapp import consensus_params
from zrchain.context import Context
from zrchain.errors import register
from zrchain.module import Module
from zrchain.store.kv import iterate_prefix

STORE_KEY = "valset"
_SET = b"\x01"
_BLOCK_CHANGES = b"\x02"
_TOTAL = b"\x03"

MAX_TOTAL_VOTING_POWER = ((1 << 63) - 1) // 8  # CometBFT types.MaxTotalVotingPower
ED25519_KEY_SIZE = 32

ErrInvalidValidatorUpdate = register(STORE_KEY, 2, "validator update refused")


def _u64(n: int) -> bytes:
    return n.to_bytes(8, "big")


def _int(raw: bytes | None) -> int:
    return int.from_bytes(raw, "big") if raw else 0


class ValidatorSet:
    """Propose, inspect and take validator updates (stateless: everything is in ``ctx``)."""

    def _store(self, ctx: Context) -> Any:
        return ctx.store(STORE_KEY)

    # -- reads -------------------------------------------------------------------------
    def power(self, ctx: Context, pubkey: bytes) -> int:
        """The power ``pubkey`` will have once this block's updates apply (0: not in set)."""
        return _int(self._store(ctx).get(_SET + pubkey))

    def total_power(self, ctx: Context) -> int:
        return _int(self._store(ctx).get(_TOTAL))

    def validators(self, ctx: Context) -> Iterator[tuple[bytes, int]]:
        """(pubkey, power) of the set after this block's updates, by key."""
        for k, v in iterate_prefix(self._store(ctx), _SET):
            yield k[len(_SET) :], _int(v)

    # -- writes ------------------------------------------------------------------------
    def init_genesis(self, ctx: Context, validators: list[tuple[bytes, int]]) -> None:
        """The set CometBFT starts with (InitChain's validators)."""
        store = self._store(ctx)
        total = 0
        for pk, power in validators:
            if power > 0:
                store.set(_SET + pk, _u64(power))
                total += power
        store.set(_TOTAL, _u64(total))

    def propose(self, ctx: Context, pubkey: bytes, power: int) -> None:
        """Set ``pubkey``'s power (0 removes it) as of the end of this block.

        Raises ``ErrInvalidValidatorUpdate`` with CometBFT's reason when CometBFT would
        refuse the block's updates with this change applied."""
        self.check(ctx, pubkey, power)
        store = self._store(ctx)
        old = self.power(ctx, pubkey)
        if old == power:
            return
        change_key = _BLOCK_CHANGES + pubkey
        if not store.has(change_key):
            store.set(change_key, _u64(old))  # what CometBFT has, before this block
        if power:
            store.set(_SET + pubkey, _u64(power))
        else:
            store.delete(_SET + pubkey)
        store.set(_TOTAL, _u64(self.total_power(ctx) - old + power))

    def check(self, ctx: Context, pubkey: bytes, power: int) -> None:
        """CometBFT's checks (state.validateValidatorUpdates, ValidatorSet.updateWithChangeSet)
        for this change on top of the set as it stands."""
        err = ErrInvalidValidatorUpdate.wrap
        if power < 0:
            raise err(f"voting power can't be negative: {power}")
        if power > MAX_TOTAL_VOTING_POWER:
            raise err(
                "to prevent clipping/overflow, voting power can't be higher than "
                f"{MAX_TOTAL_VOTING_POWER}, got {power}"
            )
        if len(pubkey) != ED25519_KEY_SIZE:
            raise err(f"ed25519 public key must be {ED25519_KEY_SIZE} bytes, got {len(pubkey)}")
        if power and "ed25519" not in self._allowed_key_types(ctx):
            raise err(f"validator {pubkey.hex()} is using pubkey ed25519, which is unsupported")
        old = self.power(ctx, pubkey)
        total = self.total_power(ctx) - old + power
        if power == 0 and old == 0:
            raise err(f"failed to find validator {pubkey.hex().upper()} to remove")
        if total == 0:
            raise err("applying the validator changes would result in empty set")
        if total > MAX_TOTAL_VOTING_POWER:
            raise err(
                f"total voting power of resulting valset exceeds max {MAX_TOTAL_VOTING_POWER}"
            )

    def take_block_updates(self, ctx: Context) -> list[tuple[bytes, int]]:
        """The block's merged updates (one per key, sorted by key), forgetting them: call
        once, at the end of FinalizeBlock."""
        store = self._store(ctx)
        changed = [
            (k[len(_BLOCK_CHANGES) :], _int(v)) for k, v in iterate_prefix(store, _BLOCK_CHANGES)
        ]
        updates = []
        for pk, comet_power in changed:
            store.delete(_BLOCK_CHANGES + pk)
            power = self.power(ctx, pk)
            if power != comet_power:
                updates.append((pk, power))
        return updates

    @staticmethod
    def _allowed_key_types(ctx: Context) -> list[str]:
        params = consensus_params(ctx.root) if ctx.root is not None else None
        if params is None or not params.HasField("validator"):
            return ["ed25519"]  # CometBFT's default
        return list(params.validator.pub_key_types) or ["ed25519"]


def merge_updates(updates: Iterable[tuple[bytes, int]]) -> list[tuple[bytes, int]]:
    """One update per key, the last one given winning, in key order (FinalizeBlock's
    response must not name a key twice)."""
    merged: dict[bytes, int] = {}
    for pk, power in updates:
        merged[pk] = power
    return sorted(merged.items())


@dataclass
class ValsetModule(Module):
    """Registers the validator set with the app: the genesis set from InitChain, and the
    block's merged updates at the end of FinalizeBlock. Modules that change the set (x/
    validators today, proof of stake later) get ``keeper`` and call ``propose``."""

    name: str = "valset"
    store_key: str = STORE_KEY
    keeper: ValidatorSet = field(default_factory=ValidatorSet)

    def init_chain_validators(self, ctx: Context, validators: list[tuple[bytes, int]]) -> None:
        self.keeper.init_genesis(ctx, validators)

    def validator_updates(self, ctx: Context) -> list[tuple[bytes, int]]:
        return self.keeper.take_block_updates(ctx)
