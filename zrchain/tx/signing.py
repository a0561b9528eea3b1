"""Account keys and signatures as the SDK's ante handler sees them: a secp256k1 key or a
``LegacyAminoPubKey`` k-of-n multisig (nested as deep as the SDK's Any limit allows), and a
signature that is single (SIGN_MODE_DIRECT or SIGN_MODE_LEGACY_AMINO_JSON) or a
multisignature (a bit array of the keys that signed and their signatures in key order).

The SDK's rules kept here (``docs/node-compat.md``, "Sign modes and multisig"):

* a multisig's address is ``sha256(amino bytes)[:20]``: ``22c1f7e2`` | ``08`` threshold |
  per key ``12`` | length | key's amino bytes, a secp256k1 key's being ``eb5ae98721`` | key;
* ``TxSigLimit`` counts every key inside a multisig (``CountSubKeys``);
* gas: each signature present costs its key's verify cost (secp256k1: 1000), recursively
  through nested multisigs (``ConsumeMultisignatureVerificationGas``);
* ``VerifyMultisignature``: the bit array holds one bit per key, at least ``threshold``
  and at most ``n`` signatures, at least ``threshold`` bits set, each signature checked
  against the key of its bit, in order.

Where Go would index past a list (more bits set than signatures, a bit array longer than
its bytes) it panics; here the tx is refused as unverifiable instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from cosmpy.protos.cosmos.crypto.multisig import keys_pb2 as multisig_keys
from cosmpy.protos.cosmos.crypto.multisig.v1beta1 import multisig_pb2
from cosmpy.protos.cosmos.crypto.secp256k1.keys_pb2 import PubKey as Secp256k1Proto
from cosmpy.protos.cosmos.tx.signing.v1beta1 import signing_pb2
from google.protobuf.any_pb2 import Any as AnyProto
from google.protobuf.message import DecodeError

from zrchain.codec.any import (
    ED25519_PUBKEY_URL,
    MAX_ANY_DEPTH,
    MULTISIG_PUBKEY_URL,
    SECP256K1_PUBKEY_URL,
)
from zrchain.codec.wire import WireError, check_canonical
from zrchain.crypto.hashes import hash160, sha256
from zrchain.errors import ErrInvalidPubKey, ErrTxDecode
from zrchain.gas import GasMeter

SIGN_MODE_DIRECT = signing_pb2.SIGN_MODE_DIRECT
SIGN_MODE_DIRECT_AUX = signing_pb2.SIGN_MODE_DIRECT_AUX
SIGN_MODE_LEGACY_AMINO_JSON = signing_pb2.SIGN_MODE_LEGACY_AMINO_JSON

_AMINO_SECP256K1 = bytes.fromhex("eb5ae98721")
_AMINO_MULTISIG = bytes.fromhex("22c1f7e2")
_MULTISIGNATURE_FIELDS = {1: 2}
# The SDK ante's simulation key: gas as for a secp256k1 key when the tx carries none.
SIM_SECP256K1 = bytes.fromhex("035AD6810A47F073553FF30D2FCC7E0D3B1C0B74B61A1AAA2582344037151E143A")


def _uvarint(n: int) -> bytes:
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


# -- keys --------------------------------------------------------------------------------
@lru_cache(maxsize=50_000)
def _key_address(key: bytes) -> bytes:
    """hash160 of a key, once per key (every tx of a signer checks its key's address)."""
    return hash160(key)


@dataclass(frozen=True, slots=True)
class Secp256k1Key:
    key: bytes  # 33-byte compressed point

    def address(self) -> bytes:
        return _key_address(self.key)

    def amino_bytes(self) -> bytes:
        return _AMINO_SECP256K1 + self.key

    def to_any(self) -> AnyProto:
        return AnyProto(
            type_url=SECP256K1_PUBKEY_URL, value=Secp256k1Proto(key=self.key).SerializeToString()
        )


@dataclass(frozen=True, slots=True)
class MultisigKey:
    threshold: int
    keys: tuple[PubKey, ...]

    def address(self) -> bytes:
        return sha256(self.amino_bytes())[:20]

    def amino_bytes(self) -> bytes:
        out = bytearray(_AMINO_MULTISIG + b"\x08" + _uvarint(self.threshold))
        for k in self.keys:
            inner = k.amino_bytes()
            out += b"\x12" + _uvarint(len(inner)) + inner
        return bytes(out)

    def to_any(self) -> AnyProto:
        proto = multisig_keys.LegacyAminoPubKey(
            threshold=self.threshold, public_keys=[k.to_any() for k in self.keys]
        )
        return AnyProto(type_url=MULTISIG_PUBKEY_URL, value=proto.SerializeToString())


PubKey = Secp256k1Key | MultisigKey


SIGNER_KEY_URLS = frozenset({SECP256K1_PUBKEY_URL, MULTISIG_PUBKEY_URL})  # parse_pubkey's


def count_sub_keys(pk: PubKey | None) -> int:
    """The SDK's ``CountSubKeys``: 0 for no key, 1 for a plain key, the sum inside a multisig."""
    if pk is None:
        return 0
    if isinstance(pk, Secp256k1Key):
        return 1
    return sum(count_sub_keys(k) for k in pk.keys)


def parse_pubkey(any_msg: AnyProto, depth: int = 1) -> PubKey:
    """A key from its Any (a SignerInfo's, an account's); raises ChainError (ErrInvalidPubKey
    for a type or shape the SDK cannot use, ErrTxDecode past the Any nesting limit)."""
    return pubkey_of(any_msg.type_url, bytes(any_msg.value), depth)


@lru_cache(maxsize=20_000)
def pubkey_of(url: str, value: bytes, depth: int = 1) -> PubKey:
    """parse_pubkey of an Any's fields (remembered: the same keys sign again and again)."""
    if depth > MAX_ANY_DEPTH:
        raise ErrTxDecode.wrap("max depth exceeded")
    if url == SECP256K1_PUBKEY_URL:
        try:
            key = bytes(Secp256k1Proto.FromString(value).key)
        except DecodeError as exc:
            raise ErrInvalidPubKey.wrap(str(exc)) from exc
        if len(key) != 33:
            raise ErrInvalidPubKey.wrap(f"invalid secp256k1 public key length {len(key)}")
        return Secp256k1Key(key)
    if url == MULTISIG_PUBKEY_URL:
        try:
            proto = multisig_keys.LegacyAminoPubKey.FromString(value)
        except DecodeError as exc:
            raise ErrInvalidPubKey.wrap(str(exc)) from exc
        keys = tuple(parse_pubkey(a, depth + 1) for a in proto.public_keys)
        threshold = int(proto.threshold)
        # NewLegacyAminoPubKey's rule (0 < k <= n); a k of 0 would need no signature at all.
        if not 0 < threshold <= len(keys):
            raise ErrInvalidPubKey.wrap(
                f"threshold k of n multisignature: k = {threshold}, n = {len(keys)}"
            )
        return MultisigKey(threshold, keys)
    if url == ED25519_PUBKEY_URL:
        raise ErrInvalidPubKey.wrap("ED25519 public keys are unsupported")
    raise ErrInvalidPubKey.wrap(f"unsupported public key type {url}")


# -- signatures --------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class SingleSig:
    mode: int
    signature: bytes


@dataclass(frozen=True, slots=True)
class BitArray:
    """``CompactBitArray``: bits packed MSB-first; ``extra`` bits used in the last byte."""

    extra: int
    elems: bytes

    def count(self) -> int:
        if self.extra == 0:
            return len(self.elems) * 8
        return (len(self.elems) - 1) * 8 + self.extra

    def get(self, i: int) -> bool:
        if i >= self.count() or i >> 3 >= len(self.elems):
            return False
        return bool(self.elems[i >> 3] & (1 << (7 - i % 8)))

    def true_bits(self) -> int:
        return sum(1 for i in range(max(self.count(), 0)) if self.get(i))

    @classmethod
    def of(cls, bits: list[bool]) -> BitArray:
        elems = bytearray((len(bits) + 7) // 8)
        for i, b in enumerate(bits):
            if b:
                elems[i >> 3] |= 1 << (7 - i % 8)
        return cls(len(bits) % 8, bytes(elems))


@dataclass(frozen=True, slots=True)
class MultiSig:
    bits: BitArray
    sigs: tuple[SigData, ...]

    def to_bytes(self) -> bytes:
        return multisig_pb2.MultiSignature(
            signatures=[
                s.signature if isinstance(s, SingleSig) else s.to_bytes() for s in self.sigs
            ]
        ).SerializeToString()


SigData = SingleSig | MultiSig


def parse_signature(mode_info: object, raw: bytes, depth: int = 1) -> SigData:
    """The SDK's ``ModeInfoAndSigToSignatureData``: a ModeInfo and its signature bytes."""
    kind = mode_info.WhichOneof("sum")  # type: ignore[attr-defined]
    if kind == "single":
        return SingleSig(int(mode_info.single.mode), raw)  # type: ignore[attr-defined]
    if kind != "multi":
        raise ErrTxDecode.wrap("signer info has no mode info")
    if depth > MAX_ANY_DEPTH:
        raise ErrTxDecode.wrap("max depth exceeded")
    multi = mode_info.multi  # type: ignore[attr-defined]
    try:
        check_canonical(raw, _MULTISIGNATURE_FIELDS)
        sigs = list(multisig_pb2.MultiSignature.FromString(raw).signatures)
    except (WireError, DecodeError) as exc:
        raise ErrTxDecode.wrap(f"invalid MultiSignature: {exc}") from exc
    if len(multi.mode_infos) != len(sigs):
        raise ErrTxDecode.wrap(
            f"multisignature has {len(sigs)} signatures for {len(multi.mode_infos)} mode infos"
        )
    bits = BitArray(int(multi.bitarray.extra_bits_stored), bytes(multi.bitarray.elems))
    return MultiSig(
        bits,
        tuple(
            parse_signature(mi, s, depth + 1) for mi, s in zip(multi.mode_infos, sigs, strict=True)
        ),
    )


def signature_bytes(data: SigData) -> list[bytes]:
    """The SDK's ``signatureDataToBz`` (the ``tx.signature`` events): every single
    signature, and after a multisignature's own its aggregated bytes."""
    if isinstance(data, SingleSig):
        return [data.signature]
    out: list[bytes] = []
    for s in data.sigs:
        out.extend(signature_bytes(s))
    out.append(multisig_pb2.MultiSignature(signatures=out).SerializeToString())
    return out


def only_legacy_amino(data: SigData) -> bool:
    """The SDK's ``OnlyLegacyAminoSigners`` (which error text a failure gets)."""
    if isinstance(data, SingleSig):
        return data.mode == SIGN_MODE_LEGACY_AMINO_JSON
    return all(only_legacy_amino(s) for s in data.sigs)


# -- gas and verification ------------------------------------------------------------------
class Unverifiable(Exception):
    """Why a signature does not verify (the text inside the SDK's ErrUnauthorized)."""


def consume_sig_gas(meter: GasMeter, pk: PubKey, data: SigData, secp256k1_cost: int) -> None:
    """``DefaultSigVerificationGasConsumer`` / ``ConsumeMultisignatureVerificationGas``."""
    if isinstance(pk, Secp256k1Key):
        meter.consume(secp256k1_cost, "ante verify: secp256k1")
        return
    if not isinstance(data, MultiSig):
        raise Unverifiable(
            "expected *signing.MultiSignatureData, got, *signing.SingleSignatureData"
        )
    index = 0
    for i in range(max(data.bits.count(), 0)):
        if not data.bits.get(i):
            continue
        if i >= len(pk.keys) or index >= len(data.sigs):
            raise Unverifiable(f"bit array size is incorrect, expecting: {len(pk.keys)}")
        consume_sig_gas(meter, pk.keys[i], data.sigs[index], secp256k1_cost)
        index += 1


SignBytes = Callable[[int], bytes]  # sign mode -> bytes (raises Unverifiable)
VerifyOne = Callable[[bytes, bytes, bytes], bool]  # (key, signature, message)


def verify(pk: PubKey, data: SigData, sign_bytes: SignBytes, verify_one: VerifyOne) -> None:
    """``authsigning.VerifySignature``: raises Unverifiable with the SDK's reason."""
    if isinstance(data, SingleSig):
        if not isinstance(pk, Secp256k1Key) or not verify_one(
            pk.key, data.signature, sign_bytes(data.mode)
        ):
            raise Unverifiable("unable to verify single signer signature")
        return
    if not isinstance(pk, MultisigKey):
        raise Unverifiable("expected multisig.PubKey, got *secp256k1.PubKey")
    _verify_multi(pk, data, sign_bytes, verify_one)


def _verify_multi(
    pk: MultisigKey, data: MultiSig, sign_bytes: SignBytes, verify_one: VerifyOne
) -> None:
    size = data.bits.count()
    n = len(pk.keys)
    if size != n or len(data.bits.elems) * 8 < size:
        raise Unverifiable(f"bit array size is incorrect, expecting: {n}")
    if len(data.sigs) < pk.threshold or len(data.sigs) > size:
        raise Unverifiable(f"signature size is incorrect {len(data.sigs)}")
    set_bits = data.bits.true_bits()
    if set_bits < pk.threshold:
        raise Unverifiable(f"not enough signatures set, have {set_bits}, expected {pk.threshold}")
    index = 0
    for i in range(size):
        if not data.bits.get(i):
            continue
        if index >= len(data.sigs):
            raise Unverifiable(f"signature size is incorrect {len(data.sigs)}")
        sig, key = data.sigs[index], pk.keys[i]
        if isinstance(sig, SingleSig):
            if not isinstance(key, Secp256k1Key) or not verify_one(
                key.key, sig.signature, sign_bytes(sig.mode)
            ):
                raise Unverifiable(f"unable to verify signature at index {i}")
        else:
            if not isinstance(key, MultisigKey):
                raise Unverifiable(f"unable to parse pubkey of index {i}")
            _verify_multi(key, sig, sign_bytes, verify_one)
        index += 1
