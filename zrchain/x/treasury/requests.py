"""What every part of the treasury Msg server shares: its dependencies, look-ups with
zrChain's error texts, party-signature checks, the gas of key and signature checks, and
the fees of a new signature request.

The Msg server (``msg_server.py``) is this class plus one piece per kind of request:
``key_requests.py``, ``sign_requests.py``, ``sign_tx_requests.py`` and ``zrsign.py``.
"""

from __future__ import annotations

from collections.abc import Sequence

from zrchain.codec.any import SECP256K1_PUBKEY_URL
from zrchain.codec.gen.zrchain.identity import keyring_pb2, workspace_pb2
from zrchain.codec.gen.zrchain.treasury import key_pb2, mpcsign_pb2, params_pb2, tx_pb2
from zrchain.context import Context
from zrchain.errors import PlainError
from zrchain.gas import SIG_VERIFY_COST_ED25519, SIG_VERIFY_COST_SECP256K1
from zrchain.x.treasury.expected import (
    AccountKeys,
    EscrowBank,
    IdentityAccess,
    PolicyGates,
    ZrSignIngestion,
)
from zrchain.x.treasury.fees import FeeBook, account_bytes
from zrchain.x.treasury.keeper import TreasuryKeeper
from zrchain.x.treasury.lifecycle import Lifecycle
from zrchain.x.treasury.party import PARTY_SIGNATURE_LENGTH, verify_party_signature
from zrchain.x.treasury.types import (
    DEFAULT_PARAMS,
    KT_BITCOIN,
    KT_ECDSA,
    KT_EDDSA,
    mpc_blocks,
)

# Gas for checking one key or signature of each key type (the SDK's ante costs).
_CHECK_COST: dict[int, int] = {
    KT_ECDSA: SIG_VERIFY_COST_SECP256K1,
    KT_BITCOIN: SIG_VERIFY_COST_SECP256K1,
    KT_EDDSA: SIG_VERIFY_COST_ED25519,
}


def charge_check(ctx: Context, key_type: int, what: str, times: int = 1) -> None:
    """Gas for checking a key or signature of ``key_type``, charged before the work."""
    ctx.gas.consume(times * _CHECK_COST.get(key_type, SIG_VERIFY_COST_SECP256K1), what)


class TreasuryRequests:
    ingestion: ZrSignIngestion | None = None

    def __init__(
        self,
        keeper: TreasuryKeeper,
        identity: IdentityAccess,
        engine: PolicyGates,
        bank: EscrowBank,
        accounts: AccountKeys,
        reserved_key_ids: frozenset[int] = frozenset(),
    ) -> None:
        self.k = keeper
        self.identity = identity
        self.engine = engine
        self.bank = bank
        self.accounts = accounts
        self.reserved = reserved_key_ids  # keys of internal modules: no fee, no user requests
        self.life = Lifecycle(keeper, FeeBook(keeper, bank, identity))

    # -- look-ups ----------------------------------------------------------------------------
    def _params(self, ctx: Context) -> params_pb2.Params:
        p = self.k.params(ctx)
        if p is None:
            p = params_pb2.Params()
            p.CopyFrom(DEFAULT_PARAMS)
        return p

    def _workspace(self, ctx: Context, addr: str) -> workspace_pb2.Workspace:
        ws = self.identity.get_workspace(ctx, addr)
        if ws is None:
            raise PlainError(f"workspace {addr} not found")
        return ws

    def _active_keyring(self, ctx: Context, addr: str) -> keyring_pb2.Keyring:
        kr = self.identity.get_keyring(ctx, addr)
        if kr is None or not kr.is_active:
            raise PlainError(f"keyring {addr} is nil or is inactive")
        return kr

    def _key(self, ctx: Context, key_id: int) -> key_pb2.Key:
        key = self.k.get_key(ctx, key_id)
        if key is None:
            raise PlainError(f"key {key_id} not found")
        return key

    def _mpc_deadline(self, ctx: Context) -> int:
        """The height until which a new request may stay open."""
        return ctx.height + mpc_blocks(self._params(ctx))

    # -- request checks shared by the kinds of signature request ------------------------------
    def _check_reserved(self, key_ids: Sequence[int]) -> None:
        for kid in key_ids:
            if kid in self.reserved:
                raise PlainError(f"key {kid} is reserved for internal use")

    def _refuse_relayer(self, ctx: Context, params: params_pb2.Params, creator: str) -> None:
        """With attestation on (x/attest), a zrSign request signed by zr_sign_address is
        refused: validators ingest them from their vote extensions."""
        if (
            self.ingestion is not None
            and creator == params.zr_sign_address
            and self.ingestion.relayer_refused(ctx)
        ):
            raise PlainError(
                "zrSign requests are ingested by validator attestation (attest params "
                "enabled); a zr_sign_address tx is refused"
            )

    def _check_cache_id(self, ctx: Context, creator: str, cache_id: bytes) -> None:
        if not cache_id:
            return
        held = self.k.cache_owner(ctx, creator, bytes(cache_id))
        if held is not None:
            raise PlainError(f"cache_id {bytes(cache_id).hex()} already used by request {held}")

    def _sign_fees(self, ctx: Context, keys: Sequence[key_pb2.Key]) -> list[tuple[str, int]]:
        """(keyring, fee) per key of a new signature request; reserved keys sign for free."""
        out = []
        for key in keys:
            kr = self.identity.get_keyring(ctx, key.keyring_addr)
            if kr is None:
                raise PlainError(f"keyring {key.keyring_addr} not found")
            fee = 0 if key.id in self.reserved else int(kr.sig_req_fee)
            out.append((key.keyring_addr, fee))
        return out

    # -- party signatures (docs/treasury.md, party signatures) ------------------------------
    def _party_pubkey(self, ctx: Context, party: str) -> bytes:
        acc = self.accounts.get_account(ctx, account_bytes(party))
        if (
            acc is None
            or not acc.base.HasField("pub_key")
            or acc.base.pub_key.type_url != SECP256K1_PUBKEY_URL
        ):
            raise PlainError(f"party {party} has no secp256k1 account key on chain")
        return bytes(acc.pubkey or b"")

    def _check_party_signature(
        self, ctx: Context, party: str, sig: bytes, kind: str, req_id: int, result: bytes
    ) -> None:
        pk = self._party_pubkey(ctx, party)
        charge_check(ctx, KT_ECDSA, "party signature")
        if not verify_party_signature(pk, sig, ctx.chain_id, kind, req_id, result):
            raise PlainError(
                f"invalid mpc party signature: it does not verify against the account key of "
                f"party {party} (see docs/treasury.md, party signatures)"
            )

    def _attest_rejection(
        self,
        ctx: Context,
        msg: tx_pb2.MsgFulfilKeyRequest | tx_pb2.MsgFulfilSignatureRequest,
        req: key_pb2.KeyRequest | mpcsign_pb2.SignRequest,
        kind: str,
    ) -> None:
        """A rejection needs no party signature (the tx signer is the party); one that is
        sent must sign the reject reason as sent, and is recorded."""
        psig = bytes(msg.keyring_party_signature)
        if not psig:
            return
        if len(psig) != PARTY_SIGNATURE_LENGTH:
            raise PlainError(f"invalid mpc party signature, should be 64 bytes, is {len(psig)}")
        reason = str(msg.reject_reason).encode()
        self._check_party_signature(ctx, msg.creator, psig, kind, req.id, reason)
        req.keyring_party_sigs.append(key_pb2.PartySignature(creator=msg.creator, signature=psig))
