"""Gas metering with the Cosmos SDK's default KV costs, so fee estimates match Go chains."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from zrchain.errors import ErrOutOfGas

MAX_GAS = (1 << 64) - 1


@dataclass(frozen=True)
class KVGasConfig:
    has_cost: int = 1000
    delete_cost: int = 1000
    read_cost_flat: int = 1000
    read_cost_per_byte: int = 3
    write_cost_flat: int = 2000
    write_cost_per_byte: int = 30
    iter_next_cost_flat: int = 30


KV_GAS = KVGasConfig()
TX_SIZE_COST_PER_BYTE = 10
SIG_VERIFY_COST_SECP256K1 = 1000
SIG_VERIFY_COST_ED25519 = 590
SIG_VERIFY_COST_SECP256R1 = 2000  # the SDK ante's secp256r1VerifyCost (passkeys)

# Work module code does on the payloads it is handed (another chain's transaction to parse
# and hash, keys and signatures to check), charged before it is done so that its cost
# follows the fee. Priced like the KV costs above, which come to ~100 gas per µs of this
# implementation's work (docs/treasury.md "Payload limits and gas"; scripts/bench/payload_bench.py).
PAYLOAD_COST_PER_BYTE = 10  # parsing a foreign transaction (RLP, Bitcoin, Solana, CBOR…)
SIGHASH_COST = 1000  # one signature hash to compute over a parsed transaction (per input)


class OutOfGas(Exception):
    def __init__(self, descriptor: str) -> None:
        self.descriptor = descriptor
        super().__init__(descriptor)


class GasMeter:
    """Counts gas; raises OutOfGas past ``limit`` (None: never, as in genesis/simulation)."""

    __slots__ = ("consumed", "limit")

    def __init__(self, limit: int | None) -> None:
        self.limit = limit
        self.consumed = 0

    def consume(self, amount: int, descriptor: str) -> None:
        self.consumed += amount
        if self.limit is not None and self.consumed > self.limit:
            raise OutOfGas(descriptor)

    def refund(self, amount: int) -> None:
        self.consumed = max(0, self.consumed - amount)

    @property
    def remaining(self) -> int:
        return MAX_GAS if self.limit is None else max(0, self.limit - self.consumed)

    def reported_limit(self) -> int:
        return MAX_GAS if self.limit is None else self.limit


def charge_payload(meter: GasMeter, size: int, what: str) -> None:
    """Gas for parsing ``size`` bytes of a foreign payload, charged before the work."""
    meter.consume(PAYLOAD_COST_PER_BYTE * size, f"{what} payload")


def out_of_gas_error(descriptor: str, wanted: int, used: int) -> Any:
    # cosmpy parses "gasWanted: N, gasUsed: M" out of this exact text.
    return ErrOutOfGas.wrap(
        f"out of gas in location: {descriptor}; gasWanted: {wanted}, gasUsed: {used}"
    )


class GasKV:
    """Charges the meter for every access of the wrapped store (SDK gaskv semantics)."""

    __slots__ = ("_cfg", "_meter", "parent")

    def __init__(self, parent: Any, meter: GasMeter, cfg: KVGasConfig = KV_GAS) -> None:
        self.parent = parent
        self._meter = meter
        self._cfg = cfg

    def get(self, key: bytes) -> bytes | None:
        m, c = self._meter, self._cfg
        m.consume(c.read_cost_flat, "ReadFlat")
        value: bytes | None = self.parent.get(key)
        m.consume(c.read_cost_per_byte * (len(key) + (len(value) if value else 0)), "ReadPerByte")
        return value

    def has(self, key: bytes) -> bool:
        self._meter.consume(self._cfg.has_cost, "Has")
        return self.parent.get(key) is not None

    def set(self, key: bytes, value: bytes) -> None:
        m, c = self._meter, self._cfg
        m.consume(c.write_cost_flat, "WriteFlat")
        m.consume(c.write_cost_per_byte * (len(key) + len(value)), "WritePerByte")
        self.parent.set(key, value)

    def delete(self, key: bytes) -> None:
        self._meter.consume(self._cfg.delete_cost, "Delete")
        self.parent.delete(key)

    def iterate(
        self, start: bytes | None = None, end: bytes | None = None, reverse: bool = False
    ) -> Iterator[tuple[bytes, bytes]]:
        m, c = self._meter, self._cfg
        for k, v in self.parent.iterate(start, end, reverse):
            m.consume(c.iter_next_cost_flat, "IterNextFlat")
            m.consume(c.read_cost_per_byte * (len(k) + len(v)), "ValuePerByte")
            yield k, v


class MeteredPrefixStore:
    """A module's view of a branch: its key prefix plus gas charging, in one layer
    (every tx makes dozens of these calls; one Python frame each, not two)."""

    __slots__ = ("_meter", "_prefix", "_root")

    def __init__(self, root: Any, prefix: bytes, meter: GasMeter) -> None:
        self._root = root
        self._prefix = prefix
        self._meter = meter

    def get(self, key: bytes) -> bytes | None:
        m = self._meter
        m.consume(1000, "ReadFlat")
        value: bytes | None = self._root.get(self._prefix + key)
        m.consume(3 * (len(key) + (len(value) if value else 0)), "ReadPerByte")
        return value

    def has(self, key: bytes) -> bool:
        self._meter.consume(1000, "Has")
        return self._root.get(self._prefix + key) is not None

    def set(self, key: bytes, value: bytes) -> None:
        m = self._meter
        m.consume(2000, "WriteFlat")
        m.consume(30 * (len(key) + len(value)), "WritePerByte")
        self._root.set(self._prefix + key, value)

    def delete(self, key: bytes) -> None:
        self._meter.consume(1000, "Delete")
        self._root.delete(self._prefix + key)

    def iterate(
        self, start: bytes | None = None, end: bytes | None = None, reverse: bool = False
    ) -> Iterator[tuple[bytes, bytes]]:
        from zrchain.store.kv import prefix_end

        p = self._prefix
        lo = p + start if start else p
        hi = p + end if end is not None else prefix_end(p)
        n = len(p)
        m = self._meter
        for k, v in self._root.iterate(lo, hi, reverse):
            m.consume(30, "IterNextFlat")
            m.consume(3 * (len(k) - n + len(v)), "ValuePerByte")
            yield k[n:], v
