"""BIP-173 bech32 (not bech32m), table-driven: addresses are decoded several times per tx."""

from __future__ import annotations

CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_REV = {c: i for i, c in enumerate(CHARSET)}
_GEN = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
_TABLE = tuple(
    _GEN[0] * (b & 1)
    ^ _GEN[1] * (b >> 1 & 1)
    ^ _GEN[2] * (b >> 2 & 1)
    ^ _GEN[3] * (b >> 3 & 1)
    ^ _GEN[4] * (b >> 4 & 1)
    for b in range(32)
)


class Bech32Error(ValueError):
    pass


def _polymod(values: list[int], chk: int = 1) -> int:
    t = _TABLE
    for v in values:
        chk = ((chk & 0x1FFFFFF) << 5) ^ v ^ t[chk >> 25]
    return chk


def _hrp_expand(hrp: str) -> list[int]:
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


MAX_LENGTH = 1023  # the SDK's bech32.DecodeAndConvert limit (BIP-173 says 90)
_BECH32M = 0x2BC830A3


def decode(addr: str) -> tuple[str, bytes]:
    """(hrp, data bytes); raises Bech32Error for anything not a valid bech32 string.

    The checks, their order and their texts are those of btcutil's ``bech32.Decode`` and
    ``ConvertBits``, which the SDK uses: the length in bytes (8 to 1023), printable ASCII
    only, all lower or all upper case (the lower-case form is the one decoded), the
    separator, the charset, the checksum, zero padding."""
    raw = addr.encode("utf-8", "surrogatepass")
    if len(raw) < 8 or len(raw) > MAX_LENGTH:
        raise Bech32Error(f"invalid bech32 string length {len(raw)}")
    for b in raw:
        if b < 33 or b > 126:
            raise Bech32Error(f"invalid character in string: '{chr(b)}'")
    s = addr.lower()
    if s != addr and addr.upper() != addr:
        raise Bech32Error("string not all lowercase or all uppercase")
    pos = s.rfind("1")
    if pos < 1 or pos + 7 > len(s):
        raise Bech32Error(f"invalid separator index {pos}")
    hrp = s[:pos]
    try:
        data = [_REV[c] for c in s[pos + 1 :]]
    except KeyError as exc:
        raise Bech32Error(f"invalid character not part of charset: {ord(exc.args[0])}") from None
    if _polymod(_hrp_expand(hrp) + data) != 1:
        raise Bech32Error(
            f"invalid checksum (expected (bech32={_checksum(hrp, data[:-6], 1)}, "
            f"bech32m={_checksum(hrp, data[:-6], _BECH32M)}), got {s[-6:]})"
        )
    five = data[:-6]
    nbits = len(five) * 5
    acc = 0
    for v in five:
        acc = (acc << 5) | v
    extra = nbits % 8
    if extra >= 5 or acc & ((1 << extra) - 1):
        raise Bech32Error("invalid incomplete group")
    return hrp, (acc >> extra).to_bytes(nbits // 8, "big")


def _checksum(hrp: str, five: list[int], const: int) -> str:
    chk = _polymod(_hrp_expand(hrp) + five + [0] * 6) ^ const
    return "".join(CHARSET[(chk >> 5 * (5 - i)) & 31] for i in range(6))


def _five_bit(raw: bytes) -> list[int]:
    nbits = len(raw) * 8
    pad = (-nbits) % 5
    acc = int.from_bytes(raw, "big") << pad
    n = (nbits + pad) // 5
    return [(acc >> (5 * (n - 1 - i))) & 31 for i in range(n)]


def _encode_five(hrp: str, five: list[int]) -> str:
    chk = _polymod(_hrp_expand(hrp) + five + [0] * 6) ^ 1
    five = five + [(chk >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(CHARSET[v] for v in five)


def encode(hrp: str, raw: bytes) -> str:
    """The bech32 string of ``raw`` bytes (Cosmos addresses)."""
    return _encode_five(hrp, _five_bit(raw))


def encode_segwit(hrp: str, version: int, program: bytes) -> str:
    """A BIP-173 segwit address: the witness version as one 5-bit word, then the program
    (``bc1q…`` for version 0; BIP-350's bech32m for later versions is not needed here)."""
    if version != 0:
        raise Bech32Error(f"witness version {version} needs bech32m")
    if len(program) not in (20, 32):
        raise Bech32Error(f"invalid witness program length {len(program)}")
    return _encode_five(hrp, [version, *_five_bit(program)])
