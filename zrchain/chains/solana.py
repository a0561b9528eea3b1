"""Solana: legacy and v0 messages parsed within a packet's size, SOL and SPL transfers read
from them, the signing payload, and addresses (docs/treasury.md, *Transaction parsing*)."""

from __future__ import annotations

import struct
from dataclasses import dataclass

from zrchain.chains.errors import SolanaTxError
from zrchain.chains.keys import ed25519_check_public_key
from zrchain.chains.reader import Reader
from zrchain.codec.base58 import b58decode, b58encode

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


def _short_vec_len(reader: Reader, what: str) -> int:
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
    reader = Reader(message, SolanaTxError)
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


def solana_address(pubkey: bytes) -> str:
    """base58 of a 32-byte Ed25519 key (validated as a curve point)."""
    return b58encode(ed25519_check_public_key(pubkey))
