"""EVM chains: unsigned transactions (legacy, EIP-2930, EIP-1559) parsed and hashed for
signing, transfers read from them, signed transactions assembled, addresses, and the one
rule for an EVM owner address (docs/treasury.md, *Transaction parsing*; fixes 9 and 11 of
docs/COMPATIBILITY.md)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import IntEnum

from zrchain.chains.errors import ChainDataError, EvmTxError, SignatureError
from zrchain.chains.keys import (
    SECP256K1_HALF_N,
    SECP256K1_N,
    recovery_id,
    secp256k1_compressed,
    secp256k1_uncompressed,
)
from zrchain.codec import rlp
from zrchain.crypto.hashes import keccak256


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

    def _access_list_items(self) -> list[rlp.Encodable]:
        return [[addr, list(keys)] for addr, keys in self.access_list]

    def _typed_fields(self) -> list[rlp.Encodable]:
        if self.tx_type == EvmTxType.ACCESS_LIST:
            head: list[rlp.Encodable] = [self.chain_id, self.nonce, self.gas_price]
        else:
            head = [self.chain_id, self.nonce, self.max_priority_fee_per_gas, self.max_fee_per_gas]
        return [*head, self.gas, self.to, self.value, self.data, self._access_list_items()]

    def _legacy_fields(self) -> list[rlp.Encodable]:
        return [self.nonce, self.gas_price, self.gas, self.to, self.value, self.data]

    def signing_payload(self) -> bytes:
        """The exact bytes whose keccak256 is signed (EIP-155 / EIP-2718 forms)."""
        if self.tx_type == EvmTxType.LEGACY:
            return rlp.encode([*self._legacy_fields(), self.chain_id, 0, 0])
        return bytes([self.tx_type]) + rlp.encode(self._typed_fields())

    def sighash(self) -> bytes:
        return keccak256(self.signing_payload())

    def encode_signed(self, recovery_id: int, r: int, s: int) -> bytes:
        """Raw signed transaction, ready for ``eth_sendRawTransaction``."""
        if self.tx_type == EvmTxType.LEGACY:
            v = recovery_id + 35 + 2 * self.chain_id
            return rlp.encode([*self._legacy_fields(), v, r, s])
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
        decoded = rlp.decode(body, _EVM_RLP_DEPTH)
    except rlp.RLPError as exc:
        raise EvmTxError(f"{what}: malformed RLP: {exc}") from None
    if not isinstance(decoded, list):
        raise EvmTxError(f"{what}: expected an RLP list")
    items: list[object] = list(decoded)
    return items


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
    """Decode and validate an unsigned EVM payload (fix 9 of docs/COMPATIBILITY.md).

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


_ERC20_TRANSFER = keccak256(b"transfer(address,uint256)")[:4]  # a9059cbb
_ERC20_TRANSFER_FROM = keccak256(b"transferFrom(address,address,uint256)")[:4]  # 23b872dd


@dataclass(frozen=True)
class EvmTransfer:
    """Who receives how much, for the policy's TXVALUE."""

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
    if s > SECP256K1_HALF_N:
        s = SECP256K1_N - s
        recovery = None if recovery is None else recovery ^ 1
    if pubkey is not None:
        compressed = secp256k1_compressed(pubkey)
        recovery = recovery_id(digest, r, s, compressed)
        if recovery is None:
            raise SignatureError("signature does not verify against the public key")
    if recovery is None:
        raise SignatureError("a 64-byte signature needs the public key to find the recovery id")
    return tx.encode_signed(recovery, r, s)


# -- addresses ---------------------------------------------------------------------------
def evm_address_bytes(pubkey: bytes) -> bytes:
    """keccak256(X‖Y)[12:] of a secp256k1 key (33 or 65 bytes)."""
    return keccak256(secp256k1_uncompressed(pubkey))[12:]


def evm_address(pubkey: bytes) -> str:
    """EIP-55 checksummed ``0x…`` address, the form zrChain shows and matches."""
    return checksum_address(evm_address_bytes(pubkey))


_ADDRESS_TEXT = re.compile(r"(?:0[xX])?[0-9a-fA-F]{40}")


def is_address_text(text: str) -> bool:
    """40 hex digits in any case, ``0x`` optional: what eth_utils' ``is_address`` takes as
    text (a checksum is not checked; ``normalize_evm_address`` does that)."""
    return _ADDRESS_TEXT.fullmatch(text) is not None


def canonical_address(address: str | bytes) -> bytes:
    """The 20 bytes of an address given as 20 bytes or as ``is_address_text`` text."""
    if isinstance(address, bytes | bytearray) and len(address) == 20:
        return bytes(address)
    if isinstance(address, str) and is_address_text(address):
        return bytes.fromhex(address[-40:])
    raise ChainDataError(f"not an EVM address: {address!r}")


def checksum_address(address: str | bytes) -> str:
    """EIP-55: each hex letter upper-cased where the keccak256 of the lower-case hex has a
    nibble above 7 at its position."""
    lower = canonical_address(address).hex()
    nibbles = keccak256(lower.encode()).hex()[:40]
    return "0x" + "".join(c.upper() if n > "7" else c for c, n in zip(lower, nibbles, strict=True))


def evm_address_lower(pubkey: bytes) -> str:
    """Lower-case ``0x…`` address (the normalised owner form of fix 11 of docs/COMPATIBILITY.md)."""
    return "0x" + evm_address_bytes(pubkey).hex()


def normalize_evm_address(address: str) -> str:
    """Lower-case ``0x`` + 40 hex of an EVM address, so both spellings name one owner.

    Accepts all-lower, all-upper or mixed case; a mixed-case address must carry a valid EIP-55
    checksum (a wrong one is most likely a typo).
    """
    if not isinstance(address, str) or len(address) != 42 or not address.startswith("0x"):
        raise ChainDataError(
            f"invalid EVM address {address!r}: expected 0x followed by 40 hex digits"
        )
    body = address[2:]
    try:
        raw = bytes.fromhex(body)
    except ValueError:
        raise ChainDataError(f"invalid EVM address {address!r}: not hexadecimal") from None
    if body != body.lower() and body != body.upper() and checksum_address(raw) != address:
        raise ChainDataError(f"invalid EVM address {address!r}: bad EIP-55 checksum")
    return "0x" + raw.hex()


_EVM_ADDRESS = re.compile(r"0x[0-9a-fA-F]{40}")


def is_evm_address(text: str) -> bool:
    """``0x`` and 40 hex digits, in any case."""
    return _EVM_ADDRESS.fullmatch(text) is not None


def normalize_owner(owner: str) -> str:
    """An external (zrSign) owner as stored and compared: an EVM address in lower case,
    anything else (a Solana or Bitcoin address, case-sensitive) as given (fix 11 of
    docs/COMPATIBILITY.md).

    All-lower, all-upper and correctly checksummed EIP-55 spellings name one owner; a
    mixed-case address with a wrong checksum is refused (``ChainDataError``): it is most
    likely a typo, and accepting it would silently name another owner.
    """
    return normalize_evm_address(owner) if is_evm_address(owner) else owner
