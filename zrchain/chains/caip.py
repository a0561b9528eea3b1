"""EVM accounts as policy participants: CAIP-10 (``eip155:<chainId>:0x…``) or the
chain-agnostic ``eip155:0x…`` (docs/policy-language.md, EVM participants).

One spelling is stored and compared: the decimal chain id without leading zeros and the
EIP-55 checksummed address. Parsing accepts any honest spelling of the address (all lower,
all upper, correct checksum), by the one EVM-owner rule ``evm.normalize_owner``; a wrong
checksum is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from zrchain.chains import abi
from zrchain.chains.errors import ChainDataError
from zrchain.chains.evm import checksum_address, is_evm_address, normalize_owner
from zrchain.crypto.hashes import keccak256

NAMESPACE = "eip155"
PREFIX = NAMESPACE + ":"
MAX_CHAIN_ID = 2**64 - 1  # the chain ids the bridge and EIP-155 signers handle
_SHAPE = re.compile(r"eip155:(?:([0-9]{1,20}):)?(0x[0-9a-fA-F]{40})")


class Caip10Error(ChainDataError):
    """Not an EVM account in CAIP-10 or chain-agnostic ``eip155:0x…`` form."""


@dataclass(frozen=True, slots=True)
class EvmAccount:
    """An EVM account, on one chain (``chain_id``) or on any chain (``None``)."""

    address: str  # lower-case 0x + 40 hex (the normalised owner form)
    chain_id: int | None = None

    def __str__(self) -> str:
        """The one stored spelling."""
        addr = checksum_address(self.address)
        if self.chain_id is None:
            return f"{PREFIX}{addr}"
        return f"{PREFIX}{self.chain_id}:{addr}"

    def covers(self, other: EvmAccount) -> bool:
        """Same address, on chains that can meet: either side chain-agnostic, or equal."""
        if self.address != other.address:
            return False
        return self.chain_id is None or other.chain_id is None or self.chain_id == other.chain_id


def is_evm_participant(text: str) -> bool:
    """Whether ``text`` claims to be an EVM account (it may still be malformed)."""
    return text.startswith(PREFIX)


def parse_evm_account(text: str) -> EvmAccount:
    """``eip155:<chainId>:0x…`` or ``eip155:0x…`` in any honest spelling of the address."""
    m = _SHAPE.fullmatch(text) if isinstance(text, str) else None
    if m is None:
        raise Caip10Error(
            f"invalid EVM account {text!r}: expected eip155:<chainId>:0x<40 hex> (CAIP-10) "
            "or eip155:0x<40 hex> (any chain)"
        )
    chain, addr = m.group(1), m.group(2)
    chain_id: int | None = None
    if chain is not None:
        if chain != "0" and chain.startswith("0"):
            raise Caip10Error(f"invalid EVM account {text!r}: chain id with a leading zero")
        chain_id = int(chain)
        if not 1 <= chain_id <= MAX_CHAIN_ID:
            raise Caip10Error(f"invalid EVM account {text!r}: chain id must be 1..2**64-1")
    try:
        lower = normalize_owner(addr)
    except ChainDataError as exc:
        raise Caip10Error(f"invalid EVM account {text!r}: {exc}") from None
    return EvmAccount(lower, chain_id)


def canonical_evm_participant(text: str) -> str:
    """The stored spelling of ``text``; raises Caip10Error when it is not an EVM account."""
    return str(parse_evm_account(text))


def check_canonical(text: str) -> EvmAccount:
    """A participant as written in a policy must already be the stored spelling (one
    account, one string: approvals and queries compare strings)."""
    account = parse_evm_account(text)
    if str(account) != text:
        raise Caip10Error(f"EVM participant {text!r} must be written {str(account)!r}")
    return account


def evm_account_of_owner(owner: str, chain_id: int | None = None) -> EvmAccount:
    """The account of a zrSign owner address (``0x…``, any honest spelling)."""
    if not is_evm_address(owner):
        raise Caip10Error(f"invalid EVM address {owner!r}")
    return EvmAccount(normalize_owner(owner), chain_id)


def zrsign_cache_id(caip2: str, contract: str, trace_id: int) -> bytes:
    """The ``cache_id`` of the zrChain request for one zrSign signature request.

    keccak256(abi.encode(string caip2, address contract, uint256 traceId)) — 32 bytes. A
    traceId is unique per contract, the contract address per chain and the CAIP-2 id per
    chain, so the triple names one request in the world; abi.encode is unambiguous (the
    string is length-prefixed) and a Solidity contract can compute the same value. The
    bridge sets it; the chain finds a zrSign request's policy action by it.
    """
    if not is_evm_address(contract):
        raise Caip10Error(f"not an EVM address: {contract!r}")
    return keccak256(
        abi.encode(["string", "address", "uint256"], [caip2, checksum_address(contract), trace_id])
    )


def omni_cache_id(caip2: str, contract: str, tx_hash: bytes, log_index: int) -> bytes:
    """The ``cache_id`` of one zrSign Omni call forwarded from a contract event
    (docs/zrsign-policies.md): keccak256(abi.encode(string caip2, address contract, bytes32
    txHash, uint256 logIndex)) — the event's identity, so zrChain applies each call once,
    whether a relayer forwards it or validators attest it."""
    if not is_evm_address(contract):
        raise Caip10Error(f"not an EVM address: {contract!r}")
    return keccak256(
        abi.encode(
            ["string", "address", "bytes32", "uint256"],
            [caip2, checksum_address(contract), tx_hash, log_index],
        )
    )


def parse_caip2_eip155(caip2: str) -> int:
    """The chain id of an ``eip155:<chainId>`` CAIP-2 id."""
    ns, _, ref = caip2.partition(":")
    if ns != NAMESPACE or not ref.isascii() or not ref.isdigit() or (ref != "0" and ref[0] == "0"):
        raise Caip10Error(f"invalid CAIP-2 EVM chain {caip2!r}: expected eip155:<chainId>")
    cid = int(ref)
    if not 1 <= cid <= MAX_CHAIN_ID:
        raise Caip10Error(f"invalid CAIP-2 EVM chain {caip2!r}: chain id must be 1..2**64-1")
    return cid
