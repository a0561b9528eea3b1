"""What the MPC signs, and checks of what it returns (treasury.md §9, DECISIONS 3, 9, 12).

These functions turn a sign-transaction payload into the hashes (or message) a keyring signs,
validate public keys, and verify returned signatures. They are pure: no state, no floats, no
randomness, no clock, because they run inside consensus. Every malformed input raises a subclass of
:class:`TreasuryCryptoError` (itself a ``ValueError``) and nothing else, so callers can turn any
failure into a clean tx error.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum

import coincurve
import rlp
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from eth_utils import keccak

from zrchain.codec import rlp as rlp_decoder

# ---------------------------------------------------------------------------------------------
# Errors


class TreasuryCryptoError(ValueError):
    """Base of every error raised here: the input is malformed or does not verify."""


class PublicKeyError(TreasuryCryptoError):
    """A public key is not a valid key of its type."""


class EvmTxError(TreasuryCryptoError):
    """An EVM sign-transaction payload is malformed or does not fit the request."""


class BitcoinTxError(TreasuryCryptoError):
    """A Bitcoin transaction (or its zrChain per-input annotations) is malformed."""


class SolanaTxError(TreasuryCryptoError):
    """A Solana message is malformed."""


class CosmosTxError(TreasuryCryptoError):
    """Cosmos sign bytes are larger than a Cosmos chain accepts."""


class SignatureError(TreasuryCryptoError):
    """A returned signature is malformed or does not verify."""


# ---------------------------------------------------------------------------------------------
# Key types (proto enum zrchain.treasury.KeyType)


class KeyType(IntEnum):
    KEY_TYPE_UNSPECIFIED = 0
    KEY_TYPE_ECDSA_SECP256K1 = 1
    KEY_TYPE_EDDSA_ED25519 = 2
    KEY_TYPE_BITCOIN_SECP256K1 = 3


def _squash(name: str) -> str:
    return name.replace("_", "").replace("-", "").lower()


_KEY_TYPE_BY_NAME = {_squash(k.name): k for k in KeyType} | {
    _squash(k.name.removeprefix("KEY_TYPE_")): k for k in KeyType
}
# MsgNewKeyRequest's key_type strings and common short names.
_KEY_TYPE_BY_NAME |= {
    "ecdsa": KeyType.KEY_TYPE_ECDSA_SECP256K1,
    "eddsa": KeyType.KEY_TYPE_EDDSA_ED25519,
    "ed25519": KeyType.KEY_TYPE_EDDSA_ED25519,
    "bitcoin": KeyType.KEY_TYPE_BITCOIN_SECP256K1,
}


def key_type(value: KeyType | int | str) -> KeyType:
    """Coerce an enum, its number, its name or its CLI spelling to :class:`KeyType`."""
    if isinstance(value, bool):
        raise PublicKeyError(f"invalid key type: {value!r}")
    if isinstance(value, int):
        try:
            return KeyType(value)
        except ValueError:
            raise PublicKeyError(f"invalid key type: {value}") from None
    if isinstance(value, str):
        found = _KEY_TYPE_BY_NAME.get(_squash(value))
        if found is not None:
            return found
    raise PublicKeyError(f"invalid key type: {value}")


# ---------------------------------------------------------------------------------------------
# Hash helpers


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def sha256d(data: bytes) -> bytes:
    """Bitcoin's double SHA-256."""
    return hashlib.sha256(hashlib.sha256(data).digest()).digest()


def ripemd160(data: bytes) -> bytes:
    """RIPEMD-160; falls back to pycryptodome where OpenSSL 3 hides the legacy digest."""
    try:
        return hashlib.new("ripemd160", data).digest()
    except ValueError:  # pragma: no cover - depends on the OpenSSL build
        from Crypto.Hash import RIPEMD160

        return RIPEMD160.new(data).digest()


def hash160(data: bytes) -> bytes:
    return ripemd160(sha256(data))


_B58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {c: i for i, c in enumerate(_B58_ALPHABET)}


def b58encode(data: bytes) -> str:
    """Bitcoin-alphabet base58 (Solana addresses, Zcash transparent addresses)."""
    num = int.from_bytes(data, "big")
    out: list[str] = []
    while num:
        num, rem = divmod(num, 58)
        out.append(_B58_ALPHABET[rem])
    zeros = len(data) - len(data.lstrip(b"\x00"))
    return "1" * zeros + "".join(reversed(out))


def b58decode(text: str) -> bytes:
    """Inverse of :func:`b58encode`; raises ``ValueError`` on characters outside the alphabet."""
    num = 0
    for ch in text:
        digit = _B58_INDEX.get(ch)
        if digit is None:
            raise ValueError(f"invalid base58 character {ch!r}")
        num = num * 58 + digit
    zeros = len(text) - len(text.lstrip("1"))
    body = num.to_bytes((num.bit_length() + 7) // 8, "big") if num else b""
    return b"\x00" * zeros + body


# ---------------------------------------------------------------------------------------------
# Public keys (DECISIONS 3)

SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
_SECP256K1_HALF_N = SECP256K1_N // 2


def secp256k1_compressed(pubkey: bytes, *, label: str = "secp256k1") -> bytes:
    """The 33-byte compressed form of a secp256k1 key given as 33 (02/03) or 65 (04) bytes.

    The point must lie on the curve; hybrid (06/07) and prefix-mismatched keys are refused.
    ``label`` names the key type in error messages (``ecdsa_secp256k1`` ...).
    """
    pubkey = bytes(pubkey)
    size = len(pubkey)
    if size not in (33, 65):
        raise PublicKeyError(
            f"invalid {label} public key {pubkey.hex()} of length {size}, expected 33 or 65 bytes"
        )
    prefix = pubkey[0]
    if (size == 33 and prefix not in (2, 3)) or (size == 65 and prefix != 4):
        raise PublicKeyError(
            f"invalid {label} public key {pubkey.hex()}: prefix must be 0x02 or 0x03 "
            f"(33 bytes) or 0x04 (65 bytes), got {prefix:02x}"
        )
    try:
        return coincurve.PublicKey(pubkey).format(compressed=True)
    except ValueError:
        raise PublicKeyError(
            f"invalid {label} public key {pubkey.hex()}: not a point on the secp256k1 curve"
        ) from None


def secp256k1_uncompressed(pubkey: bytes) -> bytes:
    """64 bytes X‖Y of a valid secp256k1 key (for EVM addresses)."""
    compressed = secp256k1_compressed(pubkey)
    return coincurve.PublicKey(compressed).format(compressed=False)[1:]


_ED_P = 2**255 - 19
_ED_D = (-121665 * pow(121666, _ED_P - 2, _ED_P)) % _ED_P
_ED_SQRT_M1 = pow(2, (_ED_P - 1) // 4, _ED_P)


def _ed25519_decode(encoded: bytes) -> tuple[int, int] | None:
    """Affine point of a canonical RFC 8032 encoding, or None when it encodes no point.

    The square root of u/v is taken as RFC 8032 §5.1.3 does, with one exponentiation
    (Python's modular exponentiations are what this check costs).
    """
    p = _ED_P
    y = int.from_bytes(encoded, "little")
    sign = y >> 255
    y &= (1 << 255) - 1
    if y >= p:
        return None
    y2 = y * y % p
    u = (y2 - 1) % p
    v = (_ED_D * y2 + 1) % p
    v3 = v * v * v % p
    x = u * v3 * pow(u * v3 * v3 * v % p, (p - 5) // 8, p) % p
    vx2 = v * x * x % p
    if vx2 != u:
        if vx2 != (-u) % p:
            return None
        x = x * _ED_SQRT_M1 % p
    if x == 0 and sign:
        return None
    if x & 1 != sign:
        x = p - x
    return x, y


def _ed25519_times8_is_identity(x: int, y: int) -> bool:
    """Whether [8]P is the neutral element: three doublings in projective coordinates
    (EFD dbl-2008-bbjlp with a = -1), so no field inversion is needed."""
    p = _ED_P
    X, Y, Z = x, y, 1
    for _ in range(3):
        B = (X + Y) * (X + Y) % p
        C = X * X % p
        D = Y * Y % p
        E = -C % p
        F = (E + D) % p
        J = (F - 2 * Z * Z) % p
        X, Y, Z = (B - C - D) * J % p, F * (E - D) % p, F * J % p
    return X == 0 and (Y - Z) % p == 0


def ed25519_check_public_key(pubkey: bytes, *, label: str = "eddsa_ed25519") -> bytes:
    """Return ``pubkey`` if it is 32 bytes encoding a curve point of large order.

    Small-order points are refused too: with one, anybody can forge signatures, so such a key
    could never be a keyring's honest output.
    """
    pubkey = bytes(pubkey)
    if len(pubkey) != 32:
        raise PublicKeyError(
            f"invalid {label} public key {pubkey.hex()} of length {len(pubkey)}, expected 32 bytes"
        )
    point = _ed25519_decode(pubkey)
    if point is None:
        raise PublicKeyError(f"invalid {label} public key {pubkey.hex()}: not a curve point")
    if _ed25519_times8_is_identity(*point):
        raise PublicKeyError(f"invalid {label} public key {pubkey.hex()}: small-order point")
    return pubkey


def _label(kt: KeyType) -> str:
    return kt.name.removeprefix("KEY_TYPE_").lower()


def validate_public_key(kind: KeyType | int | str, pubkey: bytes) -> bytes:
    """Check a keyring's fulfilled public key and return the form to store.

    secp256k1 keys (ECDSA and BITCOIN) come back compressed (33 bytes), Ed25519 keys as given.
    zrChain's "5 leading zeros" heuristic is kept so its rejections stay rejections.
    """
    kt = key_type(kind)
    pubkey = bytes(pubkey)
    if kt in (KeyType.KEY_TYPE_ECDSA_SECP256K1, KeyType.KEY_TYPE_BITCOIN_SECP256K1):
        label = _label(kt)
        if len(pubkey) in (33, 65) and pubkey[1:6] == bytes(5):
            raise PublicKeyError(
                f"invalid {label} public key {pubkey.hex()}: contains 5 leading zeros after "
                "prefix (max 4 allowed)"
            )
        return secp256k1_compressed(pubkey, label=label)
    if kt == KeyType.KEY_TYPE_EDDSA_ED25519:
        if len(pubkey) == 32 and pubkey[:5] == bytes(5):
            raise PublicKeyError(
                f"invalid eddsa_ed25519 public key {pubkey.hex()}: contains 5 leading zeros "
                "(max 4 allowed)"
            )
        return ed25519_check_public_key(pubkey)
    raise PublicKeyError(f"invalid key type: {kt.name}")


# ---------------------------------------------------------------------------------------------
# Native Cosmos (§9.2)


# CometBFT's default mempool max_tx_bytes (config.toml): a Cosmos chain relays no larger tx,
# so no larger sign bytes can be worth signing (docs/treasury.md, limits).
MAX_COSMOS_TX_BYTES = 1024 * 1024


def native_sighash(sign_bytes: bytes) -> bytes:
    """sha256 of the Cosmos sign bytes: what a secp256k1 Cosmos signature commits to."""
    if len(sign_bytes) > MAX_COSMOS_TX_BYTES:
        raise CosmosTxError(
            f"sign bytes of {len(sign_bytes)} bytes are larger than the {MAX_COSMOS_TX_BYTES} "
            "bytes a Cosmos chain accepts in a transaction"
        )
    return sha256(bytes(sign_bytes))


def data_for_signing_hex(items: Sequence[bytes]) -> str:
    """The comma-joined lower-case hex string that zrChain stores as ``data_for_signing``."""
    return ",".join(bytes(item).hex() for item in items)


# ---------------------------------------------------------------------------------------------
# EVM (§9.1, DECISIONS 9)


class EvmTxType(IntEnum):
    LEGACY = 0
    ACCESS_LIST = 1  # EIP-2930
    DYNAMIC_FEE = 2  # EIP-1559


_UINT64_BYTES = 8
_UINT256_BYTES = 32
# go-ethereum's txpool refuses transactions larger than 4 slots of 32 KiB (txMaxSize in
# core/txpool/legacypool): no EVM network relays a bigger one (docs/treasury.md, limits).
MAX_EVM_TX_BYTES = 4 * 32 * 1024
# tx list > access list > entry > storage keys: an EVM transaction nests four lists deep.
_EVM_RLP_DEPTH = 4

AccessList = tuple[tuple[bytes, tuple[bytes, ...]], ...]


@dataclass(frozen=True)
class EvmTransaction:
    """A validated unsigned EVM transaction with the chain id its signature will commit to."""

    tx_type: EvmTxType
    chain_id: int
    nonce: int
    gas: int
    to: bytes
    value: int
    data: bytes
    gas_price: int = 0  # legacy and EIP-2930
    max_priority_fee_per_gas: int = 0  # EIP-1559
    max_fee_per_gas: int = 0  # EIP-1559
    access_list: AccessList = ()

    def _access_list_items(self) -> list[list[object]]:
        return [[addr, list(keys)] for addr, keys in self.access_list]

    def _typed_fields(self) -> list[object]:
        if self.tx_type == EvmTxType.ACCESS_LIST:
            head: list[object] = [self.chain_id, self.nonce, self.gas_price]
        else:
            head = [self.chain_id, self.nonce, self.max_priority_fee_per_gas, self.max_fee_per_gas]
        return [*head, self.gas, self.to, self.value, self.data, self._access_list_items()]

    def signing_payload(self) -> bytes:
        """The exact bytes whose keccak256 is signed (EIP-155 / EIP-2718 forms)."""
        if self.tx_type == EvmTxType.LEGACY:
            fields = [self.nonce, self.gas_price, self.gas, self.to, self.value, self.data]
            return rlp.encode([*fields, self.chain_id, 0, 0])
        return bytes([self.tx_type]) + rlp.encode(self._typed_fields())

    def sighash(self) -> bytes:
        return keccak(self.signing_payload())

    def encode_signed(self, recovery_id: int, r: int, s: int) -> bytes:
        """Raw signed transaction, ready for ``eth_sendRawTransaction``."""
        if self.tx_type == EvmTxType.LEGACY:
            v = recovery_id + 35 + 2 * self.chain_id
            fields = [self.nonce, self.gas_price, self.gas, self.to, self.value, self.data]
            return rlp.encode([*fields, v, r, s])
        return bytes([self.tx_type]) + rlp.encode([*self._typed_fields(), recovery_id, r, s])


def _rlp_uint(item: object, name: str, max_bytes: int = _UINT256_BYTES) -> int:
    if not isinstance(item, bytes):
        raise EvmTxError(f"{name}: expected an integer, got a list")
    if len(item) > max_bytes:
        raise EvmTxError(f"{name}: integer longer than {max_bytes} bytes")
    if item[:1] == b"\x00":
        raise EvmTxError(f"{name}: non-canonical integer (leading zero bytes)")
    return int.from_bytes(item, "big")


def _rlp_bytes(item: object, name: str) -> bytes:
    if not isinstance(item, bytes):
        raise EvmTxError(f"{name}: expected a byte string, got a list")
    return item


def _rlp_to(item: object) -> bytes:
    to = _rlp_bytes(item, "to")
    if not to:
        raise EvmTxError("contract creation (empty 'to') is not supported")
    if len(to) != 20:
        raise EvmTxError(f"to: expected a 20-byte address, got {len(to)} bytes")
    return to


def _rlp_access_list(item: object) -> AccessList:
    if not isinstance(item, list):
        raise EvmTxError("accessList: expected a list")
    entries = []
    for index, entry in enumerate(item):
        if not isinstance(entry, list) or len(entry) != 2:
            raise EvmTxError(f"accessList[{index}]: expected [address, storageKeys]")
        address, keys = entry
        if not isinstance(address, bytes) or len(address) != 20:
            raise EvmTxError(f"accessList[{index}]: address must be 20 bytes")
        if not isinstance(keys, list) or any(
            not isinstance(key, bytes) or len(key) != 32 for key in keys
        ):
            raise EvmTxError(f"accessList[{index}]: storage keys must be 32-byte strings")
        entries.append((address, tuple(keys)))
    return tuple(entries)


def _rlp_items(body: bytes, what: str) -> list[object]:
    try:
        decoded = rlp_decoder.decode(body, _EVM_RLP_DEPTH)
    except rlp_decoder.RLPError as exc:
        raise EvmTxError(f"{what}: malformed RLP: {exc}") from None
    if not isinstance(decoded, list):
        raise EvmTxError(f"{what}: expected an RLP list")
    return decoded


def _requested_chain_id(chain_id: int | None) -> int | None:
    if chain_id is None or chain_id == 0:  # proto3 leaves an unset chain id at 0
        return None
    if isinstance(chain_id, bool) or not isinstance(chain_id, int) or chain_id < 0:
        raise EvmTxError(f"invalid chain id {chain_id!r}")
    if chain_id.bit_length() > 256:
        raise EvmTxError("chain id longer than 32 bytes")
    return chain_id


def _resolve_chain_id(in_payload: int | None, requested: int | None) -> int:
    if requested is not None:
        if in_payload is not None and in_payload != requested:
            raise EvmTxError(
                f"chain id mismatch: transaction is for chain {in_payload}, "
                f"request is for chain {requested}"
            )
        return requested
    if not in_payload:
        raise EvmTxError("chain id unknown: neither the transaction nor the request gives one")
    return in_payload


def _legacy_chain_hint(v: int, r: int, s: int) -> int | None:
    """Chain id carried by a legacy payload's (v, r, s): EIP-155 unsigned form or signature."""
    if r == 0 and s == 0:
        return v or None  # (chainId, 0, 0), or (0, 0, 0) for "no chain id"
    if v in (27, 28):
        return None  # pre-EIP-155 signature
    if v >= 35:
        return (v - 35) // 2
    raise EvmTxError(f"invalid legacy signature value v={v}")


def parse_evm_tx(payload: bytes, chain_id: int | None = None) -> EvmTransaction:
    """Decode and validate an unsigned EVM payload (DECISIONS 9).

    Accepted: legacy (RLP list of 9 items, last three ``chainId,0,0``, ``0,0,0`` or a previous
    signature), EIP-2930 (``0x01‖rlp`` of 8 items) and EIP-1559 (``0x02‖rlp`` of 9 items, or of
    12 items with ignored signature fields as zrChain clients send). ``chain_id`` is the request's
    (metadata) chain id; 0 or None means "not given". When both the payload and the request name
    a chain they must agree. Contract creation is refused.
    """
    payload = bytes(payload)
    if not payload:
        raise EvmTxError("empty transaction payload")
    if len(payload) > MAX_EVM_TX_BYTES:
        raise EvmTxError(
            f"transaction of {len(payload)} bytes is larger than the {MAX_EVM_TX_BYTES} bytes "
            "an EVM node accepts"
        )
    requested = _requested_chain_id(chain_id)
    first = payload[0]
    if first > 0x7F:
        items = _rlp_items(payload, "legacy transaction")
        if len(items) != 9:
            raise EvmTxError(f"legacy transaction must have 9 RLP items, got {len(items)}")
        v = _rlp_uint(items[6], "v")
        r = _rlp_uint(items[7], "r")
        s = _rlp_uint(items[8], "s")
        return EvmTransaction(
            tx_type=EvmTxType.LEGACY,
            chain_id=_resolve_chain_id(_legacy_chain_hint(v, r, s), requested),
            nonce=_rlp_uint(items[0], "nonce", _UINT64_BYTES),
            gas_price=_rlp_uint(items[1], "gasPrice"),
            gas=_rlp_uint(items[2], "gas", _UINT64_BYTES),
            to=_rlp_to(items[3]),
            value=_rlp_uint(items[4], "value"),
            data=_rlp_bytes(items[5], "data"),
        )
    if first == EvmTxType.ACCESS_LIST:
        items = _rlp_items(payload[1:], "EIP-2930 transaction")
        if len(items) != 8:
            raise EvmTxError(f"EIP-2930 transaction must have 8 RLP items, got {len(items)}")
        return EvmTransaction(
            tx_type=EvmTxType.ACCESS_LIST,
            chain_id=_resolve_chain_id(_rlp_uint(items[0], "chainId"), requested),
            nonce=_rlp_uint(items[1], "nonce", _UINT64_BYTES),
            gas_price=_rlp_uint(items[2], "gasPrice"),
            gas=_rlp_uint(items[3], "gas", _UINT64_BYTES),
            to=_rlp_to(items[4]),
            value=_rlp_uint(items[5], "value"),
            data=_rlp_bytes(items[6], "data"),
            access_list=_rlp_access_list(items[7]),
        )
    if first == EvmTxType.DYNAMIC_FEE:
        items = _rlp_items(payload[1:], "EIP-1559 transaction")
        if len(items) not in (9, 12):
            raise EvmTxError(f"EIP-1559 transaction must have 9 RLP items, got {len(items)}")
        for index, name in zip(range(9, len(items)), ("yParity", "r", "s"), strict=False):
            _rlp_uint(items[index], name)
        return EvmTransaction(
            tx_type=EvmTxType.DYNAMIC_FEE,
            chain_id=_resolve_chain_id(_rlp_uint(items[0], "chainId"), requested),
            nonce=_rlp_uint(items[1], "nonce", _UINT64_BYTES),
            max_priority_fee_per_gas=_rlp_uint(items[2], "maxPriorityFeePerGas"),
            max_fee_per_gas=_rlp_uint(items[3], "maxFeePerGas"),
            gas=_rlp_uint(items[4], "gas", _UINT64_BYTES),
            to=_rlp_to(items[5]),
            value=_rlp_uint(items[6], "value"),
            data=_rlp_bytes(items[7], "data"),
            access_list=_rlp_access_list(items[8]),
        )
    raise EvmTxError(f"unsupported transaction type: {first}")


def evm_sighash(payload: bytes, chain_id: int | None = None) -> bytes:
    """keccak256 signing hash of an unsigned EVM payload (see :func:`parse_evm_tx`)."""
    return parse_evm_tx(payload, chain_id).sighash()


_ERC20_TRANSFER = keccak(b"transfer(address,uint256)")[:4]  # a9059cbb
_ERC20_TRANSFER_FROM = keccak(b"transferFrom(address,address,uint256)")[:4]  # 23b872dd


@dataclass(frozen=True)
class EvmTransfer:
    """Who receives how much, for the policy's TXVALUE (§9.1 step 4)."""

    to: bytes
    amount: int
    contract: bytes | None  # the called contract when the tx carries data

    @property
    def coin_identifier(self) -> bytes:
        return b"ETH/" + (self.contract or b"")


def _abi_word(data: bytes, index: int) -> bytes | None:
    start = 4 + 32 * (index - 1)
    return data[start : start + 32] if start + 32 <= len(data) else None


def evm_transfer(tx: EvmTransaction) -> EvmTransfer:
    """Native value, or the ERC-20 ``transfer``/``transferFrom`` recipient and amount."""
    if not tx.data:
        return EvmTransfer(tx.to, tx.value, None)
    if len(tx.data) < 4:
        raise EvmTxError("invalid contract call")
    selector = tx.data[:4]
    if selector == _ERC20_TRANSFER:
        to_word, amount_word, what = 1, 2, "invalid ERC-20 transfer"
    elif selector == _ERC20_TRANSFER_FROM:
        to_word, amount_word, what = 2, 3, "invalid ERC-20 transfer from"
    else:
        return EvmTransfer(tx.to, tx.value, tx.to)
    recipient = _abi_word(tx.data, to_word)
    if recipient is None or recipient[:12] != bytes(12):
        raise EvmTxError(f"{what}: recipient address is not 20 bytes")
    amount = _abi_word(tx.data, amount_word)
    if amount is None:
        raise EvmTxError("invalid data length")
    return EvmTransfer(recipient[12:], int.from_bytes(amount, "big"), tx.to)


def _recovery_id(digest: bytes, r: int, s: int, compressed_pubkey: bytes) -> int | None:
    """The v in {0, 1} whose public-key recovery of (r, s) over ``digest`` gives the key."""
    rs = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    for v in (0, 1):
        try:
            found = coincurve.PublicKey.from_signature_and_message(
                rs + bytes([v]), digest, hasher=None
            )
        except ValueError:
            continue
        if found.format(compressed=True) == compressed_pubkey:
            return v
    return None


def assemble_signed_evm_tx(
    unsigned: bytes,
    signature: bytes,
    *,
    chain_id: int | None = None,
    pubkey: bytes | None = None,
) -> bytes:
    """Combine an unsigned payload and the keyring's signature into a broadcastable raw tx.

    ``signature`` is r‖s (64 bytes) or r‖s‖v (65 bytes, v ∈ {0, 1, 27, 28}). A high-S signature
    is normalised to low S (EIP-2). With ``pubkey`` the signature is checked against the sighash
    and v is recomputed, so a 64-byte signature works too.
    """
    tx = parse_evm_tx(unsigned, chain_id)
    digest = tx.sighash()
    signature = bytes(signature)
    if len(signature) not in (64, 65):
        raise SignatureError(f"signature must be 64 or 65 bytes, got {len(signature)}")
    r = int.from_bytes(signature[:32], "big")
    s = int.from_bytes(signature[32:64], "big")
    if not (0 < r < SECP256K1_N and 0 < s < SECP256K1_N):
        raise SignatureError("signature r and s must be in [1, n-1]")
    recovery: int | None = None
    if len(signature) == 65:
        v = signature[64]
        if v not in (0, 1, 27, 28):
            raise SignatureError(f"signature recovery id must be 0, 1, 27 or 28, got {v}")
        recovery = v % 27
    if s > _SECP256K1_HALF_N:
        s = SECP256K1_N - s
        recovery = None if recovery is None else recovery ^ 1
    if pubkey is not None:
        compressed = secp256k1_compressed(pubkey)
        recovery = _recovery_id(digest, r, s, compressed)
        if recovery is None:
            raise SignatureError("signature does not verify against the public key")
    if recovery is None:
        raise SignatureError("a 64-byte signature needs the public key to find the recovery id")
    return tx.encode_signed(recovery, r, s)


# ---------------------------------------------------------------------------------------------
# Bitcoin (§9.3, §9.5, DECISIONS 12)

SIGHASH_ALL = 0x01
SIGHASH_NONE = 0x02
SIGHASH_SINGLE = 0x03
SIGHASH_ANYONECANPAY = 0x80

# Bitcoin Core relays no transaction heavier than MAX_STANDARD_TX_WEIGHT (policy/policy.h),
# weight being 3 x (size without witness) + (size with witness) (BIP141). At 41 bytes of
# non-witness data per input, that is fewer than 2,440 inputs (docs/treasury.md, limits).
MAX_STANDARD_TX_WEIGHT = 400_000


class _Reader:
    """Cursor over bytes that raises ``error`` instead of running off the end."""

    def __init__(self, data: bytes, error: type[TreasuryCryptoError]) -> None:
        self.data = data
        self.pos = 0
        self.error = error

    @property
    def remaining(self) -> int:
        return len(self.data) - self.pos

    def take(self, size: int, what: str) -> bytes:
        if size > self.remaining:
            raise self.error(f"unexpected end of data reading {what}")
        out = self.data[self.pos : self.pos + size]
        self.pos += size
        return out

    def u8(self, what: str) -> int:
        return self.take(1, what)[0]

    def unpack(self, fmt: str, what: str) -> int:
        value: int = struct.unpack(fmt, self.take(struct.calcsize(fmt), what))[0]
        return value

    def compact_size(self, what: str) -> int:
        """Bitcoin CompactSize; non-minimal encodings are refused, as btcd does."""
        first = self.u8(what)
        if first < 0xFD:
            return first
        size, minimum = {0xFD: (2, 0xFD), 0xFE: (4, 0x10000), 0xFF: (8, 0x100000000)}[first]
        value = int.from_bytes(self.take(size, what), "little")
        if value < minimum:
            raise self.error(f"non-canonical varint for {what}")
        return value

    def var_bytes(self, what: str) -> bytes:
        return self.take(self.compact_size(what), what)

    def count(self, what: str, min_item_size: int) -> int:
        """An element count that the remaining bytes could actually hold."""
        n = self.compact_size(what)
        if n * min_item_size > self.remaining:
            raise self.error(f"{what} count {n} exceeds the remaining data")
        return n


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
    reader = _Reader(raw, BitcoinTxError)
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
    """Per-input (amount, scriptPubKey) from zrChain's repurposed witness stacks (§9.3).

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
    """One BIP143 SIGHASH_ALL hash per input, as zrChain's Bitcoin parser computes them (§9.3).

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
    """DECISIONS 12: SUCCEEDED iff there is one sighash per input, each equal to the recomputed one.

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
    """``VerifyDataForSigning``: only BITCOIN_PLUS with a tx and data is checked (§9.5)."""
    if version != VerificationVersion.BITCOIN_PLUS or not tx or not data:
        return VerificationStatus.NOT_VERIFIED
    return verify_bitcoin_plus(tx, data)


# ---------------------------------------------------------------------------------------------
# Solana (§9.4, summary)

SOLANA_SYSTEM_PROGRAM = bytes(32)
# A Solana transaction (compact-u16 signature count, 64 bytes per signature, the message)
# travels in one UDP packet: PACKET_DATA_SIZE = 1280 - 40 - 8 bytes (solana-sdk packet.rs).
SOLANA_PACKET_DATA_SIZE = 1232
SOLANA_TOKEN_PROGRAM = b58decode("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA")


@dataclass(frozen=True)
class SolanaInstruction:
    program_index: int
    accounts: tuple[int, ...]
    data: bytes


@dataclass(frozen=True)
class SolanaMessage:
    version: int | None  # None for a legacy message, 0 for v0
    num_required_signatures: int
    num_readonly_signed: int
    num_readonly_unsigned: int
    account_keys: tuple[bytes, ...]
    recent_blockhash: bytes
    instructions: tuple[SolanaInstruction, ...]
    lookup_accounts: int = 0  # accounts loaded from address lookup tables (v0)


def _short_vec_len(reader: _Reader, what: str) -> int:
    """Solana's compact-u16 length; aliases (non-minimal forms) and overflow are refused."""
    value = 0
    for shift in (0, 7, 14):
        byte = reader.u8(what)
        if shift == 14 and byte > 0x03:
            raise SolanaTxError(f"compact-u16 overflow in {what}")
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            if byte == 0 and shift:
                raise SolanaTxError(f"non-canonical compact-u16 in {what}")
            return value
    raise SolanaTxError(f"compact-u16 overflow in {what}")  # pragma: no cover - unreachable


def parse_solana_message(message: bytes) -> SolanaMessage:
    """Decode a legacy or v0 Solana message and check its indices are in range.

    With its signatures the transaction must fit Solana's packet
    (:data:`SOLANA_PACKET_DATA_SIZE`), as the network requires.
    """
    message = bytes(message)
    if len(message) > SOLANA_PACKET_DATA_SIZE:
        raise SolanaTxError(_too_big_for_a_packet(len(message)))
    reader = _Reader(message, SolanaTxError)
    version: int | None = None
    first = reader.u8("message header")
    if first & 0x80:
        version = first & 0x7F
        if version != 0:
            raise SolanaTxError(f"unsupported Solana message version {version}")
        first = reader.u8("message header")
    num_required, readonly_signed, readonly_unsigned = (
        first,
        reader.u8("message header"),
        reader.u8("message header"),
    )
    signed_size = len(message) + 64 * num_required + (1 if num_required < 0x80 else 2)
    if signed_size > SOLANA_PACKET_DATA_SIZE:
        raise SolanaTxError(_too_big_for_a_packet(signed_size))
    keys = tuple(
        reader.take(32, "account key") for _ in range(_short_vec_len(reader, "account keys"))
    )
    if num_required + readonly_unsigned > len(keys) or readonly_signed > num_required:
        raise SolanaTxError("message header does not match the account keys")
    blockhash = reader.take(32, "recent blockhash")
    raw_instructions = []
    for _ in range(_short_vec_len(reader, "instructions")):
        program = reader.u8("program index")
        accounts = reader.take(_short_vec_len(reader, "instruction accounts"), "accounts")
        data = reader.take(_short_vec_len(reader, "instruction data"), "instruction data")
        raw_instructions.append((program, tuple(accounts), data))
    lookups = 0
    if version is not None:
        for _ in range(_short_vec_len(reader, "address table lookups")):
            reader.take(32, "lookup table address")
            for what in ("writable indexes", "readonly indexes"):
                lookups += len(reader.take(_short_vec_len(reader, what), what))
    if reader.remaining:
        raise SolanaTxError(f"{reader.remaining} unexpected bytes after the message")
    total = len(keys) + lookups
    for program, indices, _ in raw_instructions:
        if program >= total or any(a >= total for a in indices):
            raise SolanaTxError("instruction refers to an account outside the message")
    return SolanaMessage(
        version,
        num_required,
        readonly_signed,
        readonly_unsigned,
        keys,
        blockhash,
        tuple(SolanaInstruction(p, a, d) for p, a, d in raw_instructions),
        lookups,
    )


def _too_big_for_a_packet(size: int) -> str:
    return (
        f"transaction of {size} bytes with its signatures does not fit Solana's "
        f"{SOLANA_PACKET_DATA_SIZE}-byte packet"
    )


@dataclass(frozen=True)
class SolanaTransfer:
    """First system-program or SPL-token ``Transfer`` of a message (for TXVALUE)."""

    recipient: str  # base58 account (for SPL: the destination token account)
    amount: int  # lamports or token base units
    program: bytes


def solana_transfer(message: SolanaMessage | bytes) -> SolanaTransfer | None:
    """The message's first transfer, None when it has none.

    A transfer instruction whose amount or recipient cannot be read (short data, missing
    accounts, recipient only known through a lookup table) is an error, as in zrChain.
    """
    msg = message if isinstance(message, SolanaMessage) else parse_solana_message(message)
    incomplete = "this transaction is a transfer with incomplete data"
    for ins in msg.instructions:
        if ins.program_index >= len(msg.account_keys):
            continue
        program = msg.account_keys[ins.program_index]
        if program == SOLANA_SYSTEM_PROGRAM and ins.data[:4] == struct.pack("<I", 2):
            amount_bytes, to_position = ins.data[4:], 1
        elif program == SOLANA_TOKEN_PROGRAM and ins.data[:1] == b"\x03":
            amount_bytes, to_position = ins.data[1:], 1
        else:
            continue
        if len(amount_bytes) != 8 or len(ins.accounts) <= to_position:
            raise SolanaTxError(incomplete)
        account = ins.accounts[to_position]
        if account >= len(msg.account_keys):
            raise SolanaTxError(incomplete)
        recipient = b58encode(msg.account_keys[account])
        return SolanaTransfer(recipient, int.from_bytes(amount_bytes, "little"), program)
    return None


def solana_signing_payload(message: bytes) -> bytes:
    """What an Ed25519 keyring signs for a Solana tx: the message bytes themselves, once valid."""
    parse_solana_message(message)
    return bytes(message)


# ---------------------------------------------------------------------------------------------
# Returned-signature verification (§9.6)


def _der_int(value: int) -> bytes:
    body = value.to_bytes(max(1, (value.bit_length() + 7) // 8), "big")
    if body[0] & 0x80:
        body = b"\x00" + body
    return b"\x02" + bytes([len(body)]) + body


def ecdsa_der(r: int, s: int) -> bytes:
    """Strict DER encoding of (r, s)."""
    body = _der_int(r) + _der_int(s)
    return b"\x30" + bytes([len(body)]) + body


def parse_der_signature(der: bytes) -> tuple[int, int] | None:
    """(r, s) of a strictly DER-encoded signature with 1 <= r, s < n, else None (btcec rules)."""
    if len(der) < 8 or len(der) > 72 or der[0] != 0x30 or der[1] != len(der) - 2:
        return None
    values = []
    pos = 2
    for _ in range(2):
        if pos + 2 > len(der) or der[pos] != 0x02:
            return None
        size = der[pos + 1]
        body = der[pos + 2 : pos + 2 + size]
        if size == 0 or len(body) != size or body[0] & 0x80:
            return None
        if size > 1 and body[0] == 0 and not body[1] & 0x80:
            return None
        values.append(int.from_bytes(body, "big"))
        pos += 2 + size
    if pos != len(der) or not all(0 < v < SECP256K1_N for v in values):
        return None
    return values[0], values[1]


def bitcoin_signature_to_der(raw: bytes) -> bytes:
    """Convert a keyring's raw r‖s[‖v] signature to low-S DER, as zrChain stores BITCOIN sigs.

    r and s are reduced mod n. 66 bytes or more is zrChain's conversion error; fewer than 64
    bytes panics in zrChain (tx failure) and raises the same error here.
    """
    raw = bytes(raw)
    if len(raw) >= 66 or len(raw) < 64:
        raise SignatureError(
            "failed to convert ecdsa signature to bitcoin signature: "
            "ConvertECDSASigtoBitcoinSig - invalid ecdsa signature"
        )
    r = int.from_bytes(raw[:32], "big") % SECP256K1_N
    s = int.from_bytes(raw[32:64], "big") % SECP256K1_N
    if s > _SECP256K1_HALF_N:
        s = SECP256K1_N - s
    return ecdsa_der(r, s)


def _ecdsa_verify(compressed: bytes, digest: bytes, r: int, s: int) -> bool:
    """libsecp256k1 verification: 32-byte digest, r, s in range, high S is invalid."""
    if len(digest) != 32 or not (0 < r < SECP256K1_N and 0 < s < SECP256K1_N):
        return False
    return bool(coincurve.PublicKey(compressed).verify(ecdsa_der(r, s), digest, hasher=None))


def ed25519_verify(pubkey: bytes, message: bytes, signature: bytes) -> bool:
    """Ed25519 (RFC 8032, cofactorless) verification of ``signature`` over ``message``."""
    if len(signature) != 64 or len(pubkey) != 32:
        return False
    try:
        Ed25519PublicKey.from_public_bytes(bytes(pubkey)).verify(bytes(signature), bytes(message))
    except (InvalidSignature, ValueError):
        return False
    return True


def verify_signature(
    kind: KeyType | int | str,
    pubkey: bytes,
    data: bytes,
    signature: bytes,
    keyring_addr: str = "",
) -> bytes:
    """Check a keyring's returned signature over ``data`` (§9.6); return the bytes to store.

    ECDSA: 64-byte r‖s or 65-byte r‖s‖v over a 32-byte hash, low S only; a 65-byte signature
    gets its last byte replaced by the recovery id (0/1). EdDSA: 64 bytes over the message.
    BITCOIN: ``signature`` is the DER produced by :func:`bitcoin_signature_to_der`. Errors carry
    zrChain's texts (the caller prefixes ``signature verification failed: ``).
    """
    kt = key_type(kind)
    sig = bytes(signature)
    data = bytes(data)
    invalid = SignatureError(
        f"verifySignature- invalid signature {sig.hex()} from keyring {keyring_addr}"
    )
    if kt == KeyType.KEY_TYPE_ECDSA_SECP256K1:
        if len(sig) not in (64, 65):
            raise SignatureError(
                f"verifySignature- invalid ecdsa signature {sig.hex()} of length {len(sig)}"
            )
        try:
            compressed = secp256k1_compressed(pubkey)
        except PublicKeyError:
            raise invalid from None
        r = int.from_bytes(sig[:32], "big")
        s = int.from_bytes(sig[32:64], "big")
        if not _ecdsa_verify(compressed, data, r, s):
            raise invalid
        if len(sig) == 65:
            recovery = _recovery_id(data, r, s, compressed)
            if recovery is not None:
                sig = sig[:64] + bytes([recovery])
        return sig
    if kt == KeyType.KEY_TYPE_EDDSA_ED25519:
        if len(sig) != 64:
            raise SignatureError(
                f"verifySignature- invalid eddsa signature {sig.hex()} of length {len(sig)}"
            )
        if not ed25519_verify(bytes(pubkey), data, sig):
            raise invalid
        return sig
    if kt == KeyType.KEY_TYPE_BITCOIN_SECP256K1:
        parsed = parse_der_signature(sig)
        if parsed is None:
            raise SignatureError(
                f"verifySignature - invalid Bitcoin signature {sig.hex()} - fail to parse "
            )
        try:
            compressed = secp256k1_compressed(pubkey)
        except PublicKeyError:
            raise SignatureError(
                f"verifySignature- invalid Bitcoin Public Key {bytes(pubkey).hex()} "
            ) from None
        r, s = parsed
        if s > _SECP256K1_HALF_N:  # btcec accepts high S; libsecp256k1 needs the low twin
            s = SECP256K1_N - s
        if not _ecdsa_verify(compressed, data, r, s):
            raise invalid
        return sig
    raise SignatureError(f"verifySignature- invalid key type: {kt.name}")
