"""The only code that touches the slashing store, and the SDK's liveness rule.

Layout under ``slashing/`` (``cons`` = a 20-byte consensus address)::

    0x00                 -> Params
    0x01 cons            -> ValidatorSigningInfo
    0x02 cons chunk(8)   -> missed-block bitmap chunk: 1024 bits, bit i = window index
                            chunk*1024+i missed (absent chunks are all "signed")
    0x03 cons            -> the validator's ed25519 consensus key

Each block, every vote of the previous block's commit moves that validator's window on by
one: a missed block sets its bit, a signed one clears it, and ``missed_blocks_counter``
counts the set bits. A validator that missed more than ``window - min_signed * window`` of
the last ``window`` blocks (once it has been bonded that long) is slashed by
``slash_fraction_downtime``, jailed for ``downtime_jail_duration`` and its window starts
over.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from cosmpy.protos.cosmos.base.query.v1beta1.pagination_pb2 import PageRequest, PageResponse
from cosmpy.protos.cosmos.slashing.v1beta1 import slashing_pb2
from google.protobuf.duration_pb2 import Duration
from google.protobuf.timestamp_pb2 import Timestamp

from zrchain.codec.address import cons_string
from zrchain.codec.dec import ONE, Dec
from zrchain.context import BLOCK_ID_FLAG_ABSENT, Context
from zrchain.errors import register
from zrchain.store.kv import iterate_prefix
from zrchain.x.pagination import paginate
from zrchain.x.slashing.expected import SlashingStaking
from zrchain.x.validation.types import VALIDATOR_UPDATE_DELAY

MODULE = "slashing"
STORE_KEY = "slashing"
_PARAMS = b"\x00"
SIGNING_INFO = b"\x01"
BITMAP = b"\x02"
PUBKEYS = b"\x03"
CHUNK_BITS = 1024
# DoubleSignJailEndTime: 9999-12-31T23:59:59Z, jailed for good.
DOUBLE_SIGN_JAIL_END_S = 253402300799

ErrNoValidatorForAddress = register(MODULE, 2, "address is not associated with any known validator")
ErrBadValidatorAddr = register(MODULE, 3, "validator does not exist for that address")
ErrValidatorJailed = register(MODULE, 4, "validator still jailed; cannot be unjailed")
ErrValidatorNotJailed = register(MODULE, 5, "validator not jailed; cannot be unjailed")
ErrMissingSelfDelegation = register(
    MODULE, 6, "validator has no self-delegation; cannot be unjailed"
)
ErrSelfDelegationTooLowToUnjail = register(
    MODULE, 7, "validator's self delegation less than minimum; cannot be unjailed"
)
ErrNoSigningInfoFound = register(MODULE, 8, "no validator signing info found")
ErrValidatorTombstoned = register(MODULE, 9, "validator already tombstoned")

INFRACTION_DOUBLE_SIGN = "double_sign"
INFRACTION_DOWNTIME = "missing_signature"


def _dec_bytes(d: Dec) -> bytes:
    return d.atomics().encode()


DEFAULT_PARAMS = slashing_pb2.Params(
    signed_blocks_window=100,
    min_signed_per_window=_dec_bytes(Dec.ratio(1, 2)),
    downtime_jail_duration=Duration(seconds=600),
    slash_fraction_double_sign=_dec_bytes(Dec.ratio(1, 20)),
    slash_fraction_downtime=_dec_bytes(Dec.ratio(1, 100)),
)


def param_dec(raw: bytes) -> Dec:
    return Dec.from_atomics(raw)


def validate_params(p: slashing_pb2.Params) -> None:
    """Raise ValueError with the SDK's wording."""
    if p.signed_blocks_window <= 0:
        raise ValueError(f"signed blocks window must be positive: {p.signed_blocks_window}")
    for raw, what in (
        (p.min_signed_per_window, "min signed per window"),
        (p.slash_fraction_double_sign, "double sign slash fraction"),
        (p.slash_fraction_downtime, "downtime slash fraction"),
    ):
        try:
            d = param_dec(raw)
        except Exception:
            raise ValueError(f"invalid {what}: {raw!r}") from None
        if d.is_negative():
            raise ValueError(f"{what} cannot be negative: {d}")
        if d > ONE:
            raise ValueError(f"{what} too large: {d}")
    jail = p.downtime_jail_duration.seconds * 10**9 + p.downtime_jail_duration.nanos
    if jail <= 0:
        raise ValueError(f"downtime jail duration must be positive: {jail}ns")


def timestamp(ns: int) -> Timestamp:
    return Timestamp(seconds=ns // 10**9, nanos=ns % 10**9)


class SlashingKeeper:
    def __init__(self, staking: SlashingStaking) -> None:
        self.staking = staking
        self._params_cache: tuple[bytes, slashing_pb2.Params] | None = None

    def _store(self, ctx: Context) -> Any:
        return ctx.store(STORE_KEY)

    # -- params ------------------------------------------------------------------------
    def params(self, ctx: Context) -> slashing_pb2.Params:
        raw = self._store(ctx).get(_PARAMS)
        if raw is None:
            return DEFAULT_PARAMS
        cached = self._params_cache
        if cached is None or cached[0] != raw:
            cached = self._params_cache = (raw, slashing_pb2.Params.FromString(raw))
        return cached[1]

    def set_params(self, ctx: Context, p: slashing_pb2.Params) -> None:
        self._store(ctx).set(_PARAMS, p.SerializeToString())

    # -- signing infos -------------------------------------------------------------------
    def signing_info(self, ctx: Context, cons: bytes) -> slashing_pb2.ValidatorSigningInfo | None:
        raw = self._store(ctx).get(SIGNING_INFO + cons)
        return None if raw is None else slashing_pb2.ValidatorSigningInfo.FromString(raw)

    def set_signing_info(
        self, ctx: Context, cons: bytes, info: slashing_pb2.ValidatorSigningInfo
    ) -> None:
        self._store(ctx).set(SIGNING_INFO + cons, info.SerializeToString())

    def iterate_signing_infos(
        self, ctx: Context
    ) -> Iterator[tuple[bytes, slashing_pb2.ValidatorSigningInfo]]:
        for k, raw in iterate_prefix(self._store(ctx), SIGNING_INFO):
            yield k[1:], slashing_pb2.ValidatorSigningInfo.FromString(raw)

    def signing_infos_page(
        self, ctx: Context, page: PageRequest | None
    ) -> tuple[list[slashing_pb2.ValidatorSigningInfo], PageResponse]:
        return paginate(
            self._store(ctx),
            SIGNING_INFO,
            page,
            lambda _, raw: slashing_pb2.ValidatorSigningInfo.FromString(raw),
        )

    def is_tombstoned(self, ctx: Context, cons: bytes) -> bool:
        info = self.signing_info(ctx, cons)
        return bool(info is not None and info.tombstoned)

    def tombstone(self, ctx: Context, cons: bytes) -> None:
        info = self.signing_info(ctx, cons)
        if info is None:
            raise ErrNoSigningInfoFound.wrap("cannot tombstone validator")
        if info.tombstoned:
            raise ErrValidatorTombstoned.wrap("cannot tombstone validator")
        info.tombstoned = True
        self.set_signing_info(ctx, cons, info)

    def jail_until(self, ctx: Context, cons: bytes, until_ns: int) -> None:
        info = self.signing_info(ctx, cons)
        if info is None:
            raise ErrNoSigningInfoFound.wrap("cannot jail validator")
        info.jailed_until.CopyFrom(timestamp(until_ns))
        self.set_signing_info(ctx, cons, info)

    # -- the missed-blocks bitmap -----------------------------------------------------------
    def missed(self, ctx: Context, cons: bytes, index: int) -> bool:
        raw = self._store(ctx).get(BITMAP + cons + (index // CHUNK_BITS).to_bytes(8, "big"))
        if raw is None:
            return False
        bit = index % CHUNK_BITS
        return bool(raw[bit // 8] >> (bit % 8) & 1)

    def set_missed(self, ctx: Context, cons: bytes, index: int, missed: bool) -> None:
        store = self._store(ctx)
        key = BITMAP + cons + (index // CHUNK_BITS).to_bytes(8, "big")
        chunk = bytearray(store.get(key) or bytes(CHUNK_BITS // 8))
        bit = index % CHUNK_BITS
        if missed:
            chunk[bit // 8] |= 1 << (bit % 8)
        else:
            chunk[bit // 8] &= ~(1 << (bit % 8)) & 0xFF
        if any(chunk):
            store.set(key, bytes(chunk))
        else:
            store.delete(key)

    def clear_missed(self, ctx: Context, cons: bytes) -> None:
        store = self._store(ctx)
        for k, _ in list(iterate_prefix(store, BITMAP + cons)):
            store.delete(k)

    def missed_indices(self, ctx: Context, cons: bytes) -> Iterator[int]:
        prefix = BITMAP + cons
        for k, raw in iterate_prefix(self._store(ctx), prefix):
            base = int.from_bytes(k[len(prefix) :], "big") * CHUNK_BITS
            for byte_i, b in enumerate(raw):
                for bit in range(8):
                    if b >> bit & 1:
                        yield base + byte_i * 8 + bit

    # -- consensus keys --------------------------------------------------------------------
    def add_pubkey(self, ctx: Context, pubkey: bytes, cons: bytes) -> None:
        self._store(ctx).set(PUBKEYS + cons, pubkey)

    def pubkey(self, ctx: Context, cons: bytes) -> bytes | None:
        raw = self._store(ctx).get(PUBKEYS + cons)
        return None if raw is None else bytes(raw)

    def delete_pubkey(self, ctx: Context, cons: bytes) -> None:
        self._store(ctx).delete(PUBKEYS + cons)

    # -- punishment ------------------------------------------------------------------------
    def slash(
        self,
        ctx: Context,
        cons: bytes,
        fraction: Dec,
        power: int,
        distribution_height: int,
        reason: str,
    ) -> int:
        """Slash through x/validation and emit the SDK's ``slash`` event."""
        burned = self.staking.slash(ctx, cons, distribution_height, power, fraction)
        attrs = [
            ("address", cons_string(cons)),
            ("power", str(power)),
            ("reason", reason),
        ]
        if reason == INFRACTION_DOWNTIME:
            attrs.append(("jailed", cons_string(cons)))
        attrs.append(("burned_coins", str(burned)))
        ctx.emit("slash", *attrs)
        return burned

    def handle_validator_signature(
        self, ctx: Context, cons: bytes, power: int, block_id_flag: int
    ) -> None:
        """The SDK's HandleValidatorSignature for one vote of the last commit."""
        v = self.staking.validator_by_cons_addr(ctx, cons)
        if v is None:
            # Not one of ours (removed after its last vote, or never staked): nothing to do.
            return
        if v.jailed:
            return
        info = self.signing_info(ctx, cons)
        if info is None:
            raise ErrNoSigningInfoFound.wrap(cons_string(cons))
        p = self.params(ctx)
        window = int(p.signed_blocks_window)
        index = int(info.index_offset) % window
        info.index_offset += 1
        previous = self.missed(ctx, cons, index)
        missed = block_id_flag == BLOCK_ID_FLAG_ABSENT
        if missed and not previous:
            self.set_missed(ctx, cons, index, True)
            info.missed_blocks_counter += 1
        elif previous and not missed:
            self.set_missed(ctx, cons, index, False)
            info.missed_blocks_counter -= 1
        min_signed = param_dec(p.min_signed_per_window).mul_int(window).round_int()
        if missed:
            ctx.emit(
                "liveness",
                ("address", cons_string(cons)),
                ("missed_blocks", str(info.missed_blocks_counter)),
                ("height", str(ctx.height)),
            )
        min_height = int(info.start_height) + window
        max_missed = window - min_signed
        if ctx.height > min_height and info.missed_blocks_counter > max_missed:
            distribution_height = ctx.height - VALIDATOR_UPDATE_DELAY - 1
            fraction = param_dec(p.slash_fraction_downtime)
            self.slash(ctx, cons, fraction, power, distribution_height, INFRACTION_DOWNTIME)
            v = self.staking.validator_by_cons_addr(ctx, cons)
            if v is not None and not v.jailed:
                self.staking.jail(ctx, v)
            jail = p.downtime_jail_duration.seconds * 10**9 + p.downtime_jail_duration.nanos
            info.jailed_until.CopyFrom(timestamp(ctx.time_ns + jail))
            info.missed_blocks_counter = 0
            info.index_offset = 0
            self.clear_missed(ctx, cons)
            ctx.log.info(
                "slashing and jailing validator %s for downtime at height %d (slashed %s)",
                cons_string(cons),
                ctx.height,
                fraction,
            )
        self.set_signing_info(ctx, cons, info)

    def unjail(self, ctx: Context, val_addr: bytes) -> None:
        """The SDK's Unjail: a jailed validator with enough self-delegation whose jail time
        is over (and that is not tombstoned) becomes a candidate again."""
        from zrchain.x.validation.types import ErrNoValidatorFound, delegation_shares

        v = self.staking.validator(ctx, val_addr)
        if v is None:
            raise ErrNoValidatorFound.wrap("")
        self_del = self.staking.delegation(ctx, val_addr, val_addr)
        if self_del is None:
            raise ErrMissingSelfDelegation.wrap("")
        tokens = v.tokens_from_shares(delegation_shares(self_del)).truncate_int()
        if tokens < v.min_self_delegation:
            raise ErrSelfDelegationTooLowToUnjail.wrap(
                f"{tokens} less than {v.min_self_delegation}"
            )
        if not v.jailed:
            raise ErrValidatorNotJailed.wrap("")
        info = self.signing_info(ctx, v.cons_address)
        if info is not None:
            if info.tombstoned:
                raise ErrValidatorJailed.wrap("")
            until = int(info.jailed_until.seconds) * 10**9 + int(info.jailed_until.nanos)
            if ctx.time_ns < until:
                raise ErrValidatorJailed.wrap("")
        self.staking.unjail(ctx, v)


__all__ = [
    "DEFAULT_PARAMS",
    "DOUBLE_SIGN_JAIL_END_S",
    "SlashingKeeper",
    "validate_params",
]
