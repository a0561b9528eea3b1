"""Threshold schemes behind one interface: what the ``threshold`` backend asks of a library.

A scheme makes *round machines* (keygen, sign, refresh) that exchange opaque bytes; the
backend carries those bytes between the parties and never looks inside. The two shipped
schemes wrap the ``zrchain_tss`` extension (``crates/zrchain-tss``, built by
``scripts/bootstrap.sh``): FROST(Ed25519, SHA-512) for ed25519 keys and DKLs23 for
secp256k1 ECDSA keys. Another implementation -- e.g. an audited CGGMP24 build, or a
tss-lib sidecar speaking over a pipe -- is a new :class:`ThresholdScheme` registered under
its name and chosen in the config (``[threshold] ecdsa_scheme``); neither the backend nor
the keeper changes.
"""

from __future__ import annotations

import importlib
from abc import ABC, abstractmethod
from typing import Any, ClassVar, Protocol

from zrchain.chains.keys import KeyType
from zrchain.mpc.backend import BackendError
from zrchain.mpc.signatures import encode_ecdsa

Out = tuple[bytes | None, dict[int, bytes]]


class RoundMachine(Protocol):
    """One party's run of a protocol: ``start`` then one ``step`` per round."""

    @property
    def rounds(self) -> int: ...

    @property
    def done(self) -> bool: ...

    def shape(self, round: int) -> tuple[bool, bool]:
        """(a broadcast from each party, a direct message from each party) in ``round``."""
        ...

    def start(self) -> Out: ...

    def step(self, broadcasts: dict[int, bytes], direct: dict[int, bytes]) -> Out: ...

    def share(self) -> bytes: ...

    def public_key(self) -> bytes: ...

    def signature(self) -> bytes: ...


def extension() -> Any:
    """The compiled ``zrchain_tss`` module, or a BackendError saying how to build it."""
    try:
        return importlib.import_module("zrchain_tss")
    except ImportError:
        raise BackendError(
            "the threshold backend needs the zrchain_tss extension: run scripts/bootstrap.sh "
            "(it builds crates/zrchain-tss with Rust/cargo)"
        ) from None


def protocol_errors() -> tuple[type[Exception], ...]:
    """Exceptions a run may raise because of a peer (the base class of the extension)."""
    return (extension().TssError,)


class ThresholdScheme(ABC):
    name: ClassVar[str]
    key_types: ClassVar[tuple[KeyType, ...]]
    #: signing takes exactly ``threshold`` signers (else: at least)
    exact_signers: ClassVar[bool] = True
    audited: ClassVar[str] = ""

    @abstractmethod
    def keygen(self, sid: bytes, me: int, n: int, t: int) -> RoundMachine: ...

    @abstractmethod
    def sign(
        self, share: bytes, sid: bytes, signers: list[int], payload: bytes
    ) -> RoundMachine: ...

    @abstractmethod
    def refresh(self, share: bytes, sid: bytes) -> RoundMachine: ...

    def share_info(self, share: bytes) -> dict[str, Any]:
        return dict(extension().share_info(share))

    @abstractmethod
    def wire_signature(
        self, key_type: KeyType, raw: bytes, payload: bytes, public_key: bytes
    ) -> bytes:
        """The keeper's wire format (``zrchain.mpc.signatures``) of a raw signature."""


class FrostEd25519(ThresholdScheme):
    name = "frost-ed25519"
    key_types = (KeyType.KEY_TYPE_EDDSA_ED25519,)
    exact_signers = False
    audited = "NCC Group audit of the ZcashFoundation frost crates (v0.6)"

    def keygen(self, sid: bytes, me: int, n: int, t: int) -> RoundMachine:
        return extension().frost_keygen(sid, me, n, t)

    def sign(self, share: bytes, sid: bytes, signers: list[int], payload: bytes) -> RoundMachine:
        return extension().frost_sign(share, sid, signers, payload)

    def refresh(self, share: bytes, sid: bytes) -> RoundMachine:
        return extension().frost_refresh(share, sid)

    def wire_signature(
        self, key_type: KeyType, raw: bytes, payload: bytes, public_key: bytes
    ) -> bytes:
        return raw


class Dkls23(ThresholdScheme):
    name = "dkls23"
    key_types = (KeyType.KEY_TYPE_ECDSA_SECP256K1, KeyType.KEY_TYPE_BITCOIN_SECP256K1)
    audited = ""  # the dkls23 crate names no audit report

    def keygen(self, sid: bytes, me: int, n: int, t: int) -> RoundMachine:
        return extension().dkls_keygen(sid, me, n, t)

    def sign(self, share: bytes, sid: bytes, signers: list[int], payload: bytes) -> RoundMachine:
        return extension().dkls_sign(share, sid, signers, payload)

    def refresh(self, share: bytes, sid: bytes) -> RoundMachine:
        return extension().dkls_refresh(share, sid)

    def wire_signature(
        self, key_type: KeyType, raw: bytes, payload: bytes, public_key: bytes
    ) -> bytes:
        r, s = int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:64], "big")
        recovery = key_type != KeyType.KEY_TYPE_BITCOIN_SECP256K1
        return encode_ecdsa(r, s, payload, public_key, recovery=recovery)


SCHEMES: dict[str, type[ThresholdScheme]] = {s.name: s for s in (FrostEd25519, Dkls23)}


def register_scheme(scheme: type[ThresholdScheme]) -> None:
    SCHEMES[scheme.name] = scheme


def make_scheme(name: str) -> ThresholdScheme:
    if name not in SCHEMES:
        raise BackendError(f"unknown threshold scheme {name!r}: choose one of {sorted(SCHEMES)}")
    return SCHEMES[name]()
