"""The ``local`` signer backend: every key derived from the party seed (no peers).

Keys follow :mod:`zrchain.mpc.derivation`, so a party rebuilds every key from its seed file
alone and nothing else needs backing up. Several parties holding the *same* seed make a
*replicated* keyring: each attests independently (its own party signature), which buys
availability and a count of independent attestations, but every one of them holds every
private key. That is not threshold cryptography (see ``docs/mpc-keeper.md``).
"""

from __future__ import annotations

from collections import OrderedDict

from zrchain.chains.errors import SignatureError
from zrchain.chains.keys import KeyType, secp256k1_compressed
from zrchain.mpc.backend import (
    BackendContext,
    BadPayloadError,
    KeyRef,
    RequestKind,
    SessionId,
    SignerBackend,
    UnknownKeyError,
    UnsupportedKeyTypeError,
    register_backend,
)
from zrchain.mpc.derivation import DerivationError, DerivedKey, derive_key
from zrchain.mpc.seed import Secret
from zrchain.mpc.signatures import check_payload, sign_for_key_type, verify_for_key_type

SUPPORTED = (
    KeyType.KEY_TYPE_ECDSA_SECP256K1,
    KeyType.KEY_TYPE_EDDSA_ED25519,
    KeyType.KEY_TYPE_BITCOIN_SECP256K1,
)


class LocalBackend(SignerBackend):
    name = "local"

    def __init__(self, ctx: BackendContext, seed: Secret, cache_size: int = 65_536) -> None:
        super().__init__(ctx)
        self._seed = seed
        self._cache: OrderedDict[tuple[str, int, int], DerivedKey] = OrderedDict()
        self._cache_size = cache_size

    def derive(self, key: KeyRef) -> DerivedKey:
        """The key pair for ``key`` (cached: derivation is seven HMAC steps)."""
        kt = KeyType(int(key.key_type))
        if kt not in SUPPORTED:
            raise UnsupportedKeyTypeError(f"unsupported key type {kt.name}")
        ident = (key.keyring, int(kt), key.key_id)
        found = self._cache.get(ident)
        if found is not None:
            self._cache.move_to_end(ident)
            return found
        try:
            derived = derive_key(self._seed.reveal(), key.keyring, kt, key.key_id)
        except DerivationError as exc:
            raise UnknownKeyError(f"cannot derive key {key.key_id}: {exc}") from None
        self._cache[ident] = derived
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return derived

    async def generate_key(self, session: SessionId, key: KeyRef) -> bytes:
        self.check_session(session, RequestKind.KEY)
        if session.request_id != key.key_id:
            raise UnknownKeyError(
                f"key request {session.request_id} cannot create key {key.key_id}"
            )
        return self.derive(key).public_key

    async def public_key(self, key: KeyRef) -> bytes:
        return self.derive(key).public_key

    def _held(self, key: KeyRef) -> DerivedKey:
        """The derived key, provided it is the key the chain has under this id."""
        derived = self.derive(key)
        onchain = bytes(key.public_key)
        if derived.key_type == KeyType.KEY_TYPE_EDDSA_ED25519:
            same = onchain == derived.public_key
        else:
            try:
                same = secp256k1_compressed(onchain) == derived.public_key
            except ValueError:
                same = False
        if not same:
            raise UnknownKeyError(
                f"unknown key {key.key_id}: its public key was not generated from this party's seed"
            )
        return derived

    async def sign(self, session: SessionId, key: KeyRef, payload: bytes) -> bytes:
        self.check_session(session, RequestKind.SIGNATURE)
        derived = self._held(key)
        try:
            check_payload(derived.key_type, payload)
            sig = sign_for_key_type(derived.key_type, derived.private_key, payload)
        except SignatureError as exc:
            raise BadPayloadError(str(exc)) from None
        if not verify_for_key_type(derived.key_type, derived.public_key, payload, sig):
            raise BadPayloadError("produced signature does not verify")  # pragma: no cover
        return sig


def _factory(ctx: BackendContext, options: dict[str, object]) -> SignerBackend:
    seed = options.get("seed")
    if not isinstance(seed, Secret):
        raise TypeError("the local backend needs options['seed'] (a Secret)")
    return LocalBackend(ctx, seed)


register_backend(LocalBackend.name, _factory)
