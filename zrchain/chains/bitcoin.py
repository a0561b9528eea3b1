"""Bitcoin (and Zcash transparent) transactions: parsing with relay limits, BIP-143 and
legacy sighashes per input, the BITCOIN_PLUS check of requested hashes, and addresses
(docs/treasury.md, *Transaction parsing and signature checks*; fix 12 of
docs/COMPATIBILITY.md)."""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum

from zrchain.chains.errors import BitcoinTxError, ChainDataError
from zrchain.chains.keys import secp256k1_compressed
from zrchain.chains.reader import Reader
from zrchain.codec import bech32
from zrchain.codec.base58 import b58encode
from zrchain.crypto.hashes import hash160, sha256d

SIGHASH_ALL = 0x01
SIGHASH_NONE = 0x02
SIGHASH_SINGLE = 0x03
SIGHASH_ANYONECANPAY = 0x80

# Bitcoin Core relays no transaction heavier than MAX_STANDARD_TX_WEIGHT (policy/policy.h),
# weight being 3 x (size without witness) + (size with witness) (BIP141). At 41 bytes of
# non-witness data per input, that is fewer than 2,440 inputs (docs/treasury.md, limits).
MAX_STANDARD_TX_WEIGHT = 400_000


def _compact_size(n: int) -> bytes:
    if n < 0xFD:
        return bytes([n])
    if n <= 0xFFFF:
        return b"\xfd" + n.to_bytes(2, "little")
    if n <= 0xFFFFFFFF:
        return b"\xfe" + n.to_bytes(4, "little")
    return b"\xff" + n.to_bytes(8, "little")


def _var_bytes(data: bytes) -> bytes:
    return _compact_size(len(data)) + data


@dataclass(frozen=True)
class BitcoinTxIn:
    prev_txid: bytes  # 32 bytes, internal (serialised) byte order
    prev_index: int
    script_sig: bytes
    sequence: int
    witness: tuple[bytes, ...] = ()

    def outpoint(self) -> bytes:
        return self.prev_txid + struct.pack("<I", self.prev_index)


@dataclass(frozen=True)
class BitcoinTxOut:
    value: int  # satoshis, int64 as serialised
    script_pubkey: bytes

    def serialize(self) -> bytes:
        return struct.pack("<q", self.value) + _var_bytes(self.script_pubkey)


@dataclass(frozen=True)
class BitcoinTx:
    version: int  # int32 as serialised
    inputs: tuple[BitcoinTxIn, ...]
    outputs: tuple[BitcoinTxOut, ...]
    locktime: int
    segwit: bool  # serialised with the BIP144 marker/flag


def parse_bitcoin_tx(raw: bytes) -> BitcoinTx:
    """Decode a Bitcoin transaction in legacy or BIP144 (marker 0x00, flag 0x01) serialisation.

    Follows btcd's decoder (a zero input count is the segwit marker; CompactSizes must be
    minimal) but, unlike btcd, refuses bytes after the lock time, and refuses transactions
    heavier than Bitcoin's standard maximum (:data:`MAX_STANDARD_TX_WEIGHT`).
    """
    raw = bytes(raw)
    if len(raw) > MAX_STANDARD_TX_WEIGHT:  # the weight is at least the size
        raise BitcoinTxError(_too_heavy(f"at least {len(raw)}"))
    reader = Reader(raw, BitcoinTxError)
    version = reader.unpack("<i", "version")
    n_inputs = reader.compact_size("input count")
    segwit = False
    if n_inputs == 0:
        flag = reader.u8("segwit flag")
        if flag != 0x01:
            raise BitcoinTxError(f"witness tx but flag byte is {flag:02x}")
        segwit = True
        n_inputs = reader.compact_size("input count")
    if n_inputs * 41 > reader.remaining:
        raise BitcoinTxError(f"input count {n_inputs} exceeds the remaining data")
    raw_inputs = []
    for _ in range(n_inputs):
        prev_txid = reader.take(32, "previous txid")
        prev_index = reader.unpack("<I", "previous output index")
        script_sig = reader.var_bytes("signature script")
        sequence = reader.unpack("<I", "sequence")
        raw_inputs.append((prev_txid, prev_index, script_sig, sequence))
    outputs = []
    for _ in range(reader.count("output", 9)):
        value = reader.unpack("<q", "output value")
        outputs.append(BitcoinTxOut(value, reader.var_bytes("output script")))
    witnesses: list[tuple[bytes, ...]] = [() for _ in raw_inputs]
    witness_start = reader.pos
    if segwit:
        for index in range(len(raw_inputs)):
            items = reader.count("witness item", 1)
            witnesses[index] = tuple(reader.var_bytes("witness item") for _ in range(items))
    witness_size = reader.pos - witness_start + (2 if segwit else 0)  # + marker and flag
    locktime = reader.unpack("<I", "lock time")
    if reader.remaining:
        raise BitcoinTxError(f"{reader.remaining} unexpected bytes after the lock time")
    weight = 3 * (len(raw) - witness_size) + len(raw)
    if weight > MAX_STANDARD_TX_WEIGHT:
        raise BitcoinTxError(_too_heavy(str(weight)))
    inputs = tuple(
        BitcoinTxIn(txid, index, script, seq, witness)
        for (txid, index, script, seq), witness in zip(raw_inputs, witnesses, strict=True)
    )
    return BitcoinTx(version, inputs, tuple(outputs), locktime, segwit)


def _too_heavy(weight: str) -> str:
    return (
        f"transaction weight {weight} exceeds Bitcoin's standard maximum of "
        f"{MAX_STANDARD_TX_WEIGHT} weight units"
    )


def _script_ops(script: bytes) -> list[tuple[int, int, int]] | None:
    """(opcode, start, end) of each operation, or None when a push runs past the end."""
    ops = []
    pos = 0
    while pos < len(script):
        start = pos
        opcode = script[pos]
        pos += 1
        size = 0
        if opcode < 0x4C:
            size = opcode
        elif opcode in (0x4C, 0x4D, 0x4E):
            width = {0x4C: 1, 0x4D: 2, 0x4E: 4}[opcode]
            if pos + width > len(script):
                return None
            size = int.from_bytes(script[pos : pos + width], "little")
            pos += width
        if pos + size > len(script):
            return None
        pos += size
        ops.append((opcode, start, pos))
    return ops


def _check_sighash_index(tx: BitcoinTx, index: int) -> None:
    if not 0 <= index < len(tx.inputs):
        raise BitcoinTxError(f"input index {index} out of range ({len(tx.inputs)} inputs)")


@dataclass(frozen=True)
class Bip143Digests:
    """BIP143's per-transaction digests of all outpoints, sequences and outputs.

    They are the same for every input, so :func:`bitcoin_sighashes` computes them once: the
    specification's point, without which hashing n inputs reads the tx n times (quadratic).
    """

    prevouts: bytes
    sequences: bytes
    outputs: bytes

    @classmethod
    def of(cls, tx: BitcoinTx) -> Bip143Digests:
        return cls(
            sha256d(b"".join(txin.outpoint() for txin in tx.inputs)),
            sha256d(b"".join(struct.pack("<I", txin.sequence) for txin in tx.inputs)),
            sha256d(b"".join(out.serialize() for out in tx.outputs)),
        )


def bip143_sighash(
    tx: BitcoinTx,
    index: int,
    script_code: bytes,
    amount: int,
    hash_type: int = SIGHASH_ALL,
    digests: Bip143Digests | None = None,
) -> bytes:
    """BIP143 (segwit v0) signature hash of input ``index``.

    ``script_code`` is the BIP143 scriptCode without its length prefix (for P2WPKH:
    ``76a914{hash160}88ac``), ``amount`` the spent output's value in satoshis. Pass the tx's
    ``digests`` when hashing several of its inputs.
    """
    _check_sighash_index(tx, index)
    if not -(2**63) <= amount < 2**63:
        raise BitcoinTxError(f"amount {amount} does not fit in 64 bits")
    if digests is None:
        digests = Bip143Digests.of(tx)
    base = hash_type & 0x1F
    anyone_can_pay = bool(hash_type & SIGHASH_ANYONECANPAY)
    zero = bytes(32)
    hash_prevouts = zero if anyone_can_pay else digests.prevouts
    hash_sequence = zero
    if not anyone_can_pay and base not in (SIGHASH_SINGLE, SIGHASH_NONE):
        hash_sequence = digests.sequences
    if base not in (SIGHASH_SINGLE, SIGHASH_NONE):
        hash_outputs = digests.outputs
    elif base == SIGHASH_SINGLE and index < len(tx.outputs):
        hash_outputs = sha256d(tx.outputs[index].serialize())
    else:
        hash_outputs = zero
    txin = tx.inputs[index]
    preimage = b"".join(
        (
            struct.pack("<i", tx.version),
            hash_prevouts,
            hash_sequence,
            txin.outpoint(),
            _var_bytes(script_code),
            struct.pack("<q", amount),
            struct.pack("<I", txin.sequence),
            hash_outputs,
            struct.pack("<I", tx.locktime),
            (hash_type & 0xFFFFFFFF).to_bytes(4, "little"),
        )
    )
    return sha256d(preimage)


def legacy_sighash(tx: BitcoinTx, index: int, script_code: bytes, hash_type: int) -> bytes:
    """Pre-segwit signature hash of input ``index`` (Bitcoin Core's ``SignatureHash``).

    OP_CODESEPARATORs are removed from ``script_code``; SIGHASH_SINGLE without a matching output
    yields Core's constant ``1``. A script whose pushes run past its end is refused.
    """
    _check_sighash_index(tx, index)
    ops = _script_ops(script_code)
    if ops is None:
        raise BitcoinTxError("script code does not parse")
    script = b"".join(script_code[a:b] for op, a, b in ops if op != 0xAB)
    base = hash_type & 0x1F
    single, none = base == SIGHASH_SINGLE, base == SIGHASH_NONE
    if single and index >= len(tx.outputs):
        return (1).to_bytes(32, "little")
    positions = [index] if hash_type & SIGHASH_ANYONECANPAY else range(len(tx.inputs))
    parts = [struct.pack("<i", tx.version), _compact_size(len(positions))]
    for pos in positions:
        txin = tx.inputs[pos]
        own = pos == index
        sequence = txin.sequence if own or not (single or none) else 0
        parts += [txin.outpoint(), _var_bytes(script if own else b""), struct.pack("<I", sequence)]
    outputs: list[BitcoinTxOut] = []
    if single:
        outputs = [BitcoinTxOut(-1, b"")] * index + [tx.outputs[index]]
    elif not none:
        outputs = list(tx.outputs)
    parts.append(_compact_size(len(outputs)))
    parts += [out.serialize() for out in outputs]
    parts += [struct.pack("<I", tx.locktime), (hash_type & 0xFFFFFFFF).to_bytes(4, "little")]
    return sha256d(b"".join(parts))


@dataclass(frozen=True)
class BitcoinPrevOut:
    """The output an input spends, as zrChain's request format carries it."""

    amount: int  # satoshis
    script_pubkey: bytes


def bitcoin_prevouts(tx: BitcoinTx) -> list[BitcoinPrevOut]:
    """Per-input (amount, scriptPubKey) from zrChain's repurposed witness stacks.

    ``witness[0]`` holds the amount as 8 little-endian bytes (shorter ⇒ 0, extra bytes ignored,
    as btcd's reader behaves), ``witness[2]`` the previous output's scriptPubKey.
    """
    prevouts = []
    for index, txin in enumerate(tx.inputs):
        if len(txin.witness) < 3:
            raise BitcoinTxError(
                f"input {index}: witness must carry the amount (item 0) and the previous output "
                f"script (item 2), has {len(txin.witness)} items"
            )
        amount_bytes = txin.witness[0]
        amount = int.from_bytes(amount_bytes[:8], "little", signed=True)
        if len(amount_bytes) < 8:
            amount = 0
        prevouts.append(BitcoinPrevOut(amount, txin.witness[2]))
    return prevouts


def p2wpkh_script_code(script_pubkey: bytes) -> bytes:
    """BIP143 scriptCode for a spent script: P2WPKH becomes its P2PKH form, others stay."""
    if len(script_pubkey) == 22 and script_pubkey[:2] == b"\x00\x14":
        return b"\x76\xa9\x14" + script_pubkey[2:] + b"\x88\xac"
    return script_pubkey


def bitcoin_sighashes(
    tx: BitcoinTx | bytes, prevouts: Sequence[BitcoinPrevOut] | None = None
) -> list[bytes]:
    """One BIP143 SIGHASH_ALL hash per input, as zrChain's Bitcoin parser computes them.

    Every input is hashed as segwit v0 (that is what zrChain's BITCOIN keys sign: P2WPKH), using
    the amount and script carried in the witness, or ``prevouts`` when given (one per input,
    e.g. for a legacy-serialised tx); the script must parse, as btcd requires.
    """
    parsed = tx if isinstance(tx, BitcoinTx) else parse_bitcoin_tx(tx)
    if prevouts is None:
        prevouts = bitcoin_prevouts(parsed)
    elif len(prevouts) != len(parsed.inputs):
        raise BitcoinTxError(f"{len(prevouts)} previous outputs for {len(parsed.inputs)} inputs")
    digests = Bip143Digests.of(parsed)
    hashes = []
    for index, prevout in enumerate(prevouts):
        if _script_ops(prevout.script_pubkey) is None:
            raise BitcoinTxError(f"input {index}: previous output script does not parse")
        script_code = p2wpkh_script_code(prevout.script_pubkey)
        hashes.append(bip143_sighash(parsed, index, script_code, prevout.amount, digests=digests))
    return hashes


class VerificationVersion(IntEnum):
    """Proto enum zrchain.treasury.VerificationVersion (no type-name prefix)."""

    UNKNOWN = 0
    BITCOIN_PLUS = 1


class VerificationStatus(IntEnum):
    NOT_VERIFIED = 0
    SUCCEEDED = 1
    FAILED = 2


def verify_bitcoin_plus(tx: BitcoinTx | bytes, sighashes: Sequence[bytes]) -> VerificationStatus:
    """fix 12 of docs/COMPATIBILITY.md: SUCCEEDED iff there is one sighash per input, each equal to
    the recomputed one.

    A hash that differs gives FAILED. A transaction that does not parse, lacks the per-input
    annotations, or a count that is not the input count raises :class:`BitcoinTxError`.
    """
    expected = bitcoin_sighashes(tx)
    if len(sighashes) != len(expected):
        raise BitcoinTxError(
            f"dataforsigning ({len(sighashes)}) should be the same count as UTXO inputs "
            f"({len(expected)})"
        )
    for got, want in zip(sighashes, expected, strict=True):
        if bytes(got) != want:
            return VerificationStatus.FAILED
    return VerificationStatus.SUCCEEDED


def verify_data_for_signing(
    version: int, tx: BitcoinTx | bytes | None, data: Sequence[bytes]
) -> VerificationStatus:
    """``VerifyDataForSigning``: only BITCOIN_PLUS with a tx and data is checked."""
    if version != VerificationVersion.BITCOIN_PLUS or not tx or not data:
        return VerificationStatus.NOT_VERIFIED
    return verify_bitcoin_plus(tx, data)


# -- addresses ---------------------------------------------------------------------------
def bitcoin_p2wpkh_address(pubkey: bytes, hrp: str) -> str:
    """Segwit v0 P2WPKH address (BIP173) of a compressed secp256k1 key; hrp bc / tb / bcrt."""
    encoded = bech32.encode_segwit(hrp, 0, hash160(secp256k1_compressed(pubkey)))
    if encoded is None:
        raise ChainDataError(f"cannot encode a segwit address with hrp {hrp!r}")
    return encoded


def zcash_transparent_address(pubkey: bytes, version: bytes) -> str:
    """base58check(version ‖ HASH160(compressed key)): Zcash t-address (P2PKH)."""
    payload = version + hash160(secp256k1_compressed(pubkey))
    return b58encode(payload + sha256d(payload)[:4])
