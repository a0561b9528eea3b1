"""zrchain.treasury.Msg handlers (treasury.md §6, with DECISIONS 1-5 and 9-12).

User requests (new key, signature, sign-transaction, key policy) are authorised through
the policy engine: the handler checks, creates an action and runs the ``_exec_*`` step at
once when the policy is already satisfied, or later inside the ``MsgApproveAction`` that
satisfies it. zrSign requests (from params ``zr_sign_address``) bypass policies, as in
zrChain. Keyring responses (fulfil/reject) are accepted only from the keyring's parties,
only while the request is open, and only with a valid party signature; any failed check
is a tx error that leaves the request as it was.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from google.protobuf.any_pb2 import Any as AnyProto
from google.protobuf.message import DecodeError, Message

from zrchain.codec import address
from zrchain.codec.address import KEYRING_PREFIX, WORKSPACE_PREFIX
from zrchain.codec.coins import Coin, Coins, parse_dec_coins, validate_denom
from zrchain.codec.gen.zrchain.dct import params_pb2 as dct_params
from zrchain.codec.gen.zrchain.identity import keyring_pb2, workspace_pb2
from zrchain.codec.gen.zrchain.treasury import key_pb2, mpcsign_pb2, params_pb2, tx_pb2
from zrchain.codec.gen.zrchain.treasury import wallet_pb2 as wallet
from zrchain.context import Context
from zrchain.errors import (
    ChainError,
    ErrInvalidAddress,
    ErrInvalidRequest,
    ErrNotSupported,
    PlainError,
)
from zrchain.gas import (
    SIG_VERIFY_COST_ED25519,
    SIG_VERIFY_COST_SECP256K1,
    SIGHASH_COST,
    charge_payload,
)
from zrchain.module import MsgRoute
from zrchain.x.identity.interfaces import IdentityKeeper
from zrchain.x.policy.interfaces import PolicyEngine
from zrchain.x.policy.types import account_error, check_account
from zrchain.x.treasury import sighash, wallets
from zrchain.x.treasury.fees import FeeBook, account_bytes
from zrchain.x.treasury.keeper import KIND_KEY, KIND_SIGN, TreasuryKeeper
from zrchain.x.treasury.lifecycle import Lifecycle
from zrchain.x.treasury.party import KIND_KEY as PARTY_KEY
from zrchain.x.treasury.party import KIND_SIGNATURE as PARTY_SIGNATURE
from zrchain.x.treasury.party import PARTY_SIGNATURE_LENGTH, verify_party_signature
from zrchain.x.treasury.types import (
    ATTR_REQUEST_ID,
    AUTHORITY,
    DEFAULT_PARAMS,
    DENOM,
    EVENT_NEW_KEY_REQUEST,
    EVENT_NEW_SIGN_REQUEST,
    IFACE_METADATA,
    KEY_TYPE_STRINGS,
    KR_FULFILLED,
    KR_PENDING,
    KR_REJECTED,
    KT_BITCOIN,
    KT_ECDSA,
    KT_EDDSA,
    MAX_REJECT_REASON,
    METADATA_ETHEREUM_URL,
    METADATA_SOLANA_URL,
    MODULE,
    OPEN_KEY_STATUSES,
    OPEN_SIGN_STATUSES,
    SR_FULFILLED,
    SR_PARTIAL,
    SR_PENDING,
    SR_REJECTED,
    ZRSIGN_KEY_TYPES,
    ErrInvalidArgument,
    ErrInvalidCommission,
    ErrInvalidSigner,
    key_status_name,
    key_type_from_string,
    key_type_name,
    mpc_blocks,
    sign_status_name,
    wallet_type_name,
)

SECP256K1_PUBKEY_URL = "/cosmos.crypto.secp256k1.PubKey"
# Gas for checking one key or signature of each key type (the SDK's ante costs).
_CHECK_COST = {
    KT_ECDSA: SIG_VERIFY_COST_SECP256K1,
    KT_BITCOIN: SIG_VERIFY_COST_SECP256K1,
    KT_EDDSA: SIG_VERIFY_COST_ED25519,
}
# A Solana address is base58 of 32 bytes: at most 44 characters (decoding is quadratic in
# the length, so the length is checked first).
_SOLANA_ADDRESS_MAX_CHARS = 44


def charge_check(ctx: Context, key_type: int, what: str, times: int = 1) -> None:
    """Gas for checking a key or signature of ``key_type``, charged before the work."""
    ctx.gas.consume(times * _CHECK_COST.get(key_type, SIG_VERIFY_COST_SECP256K1), what)


_EVM_ADDRESS = re.compile(r"0x[0-9a-fA-F]{40}")
_CAIP2 = re.compile(r"[-a-z0-9]{3,8}:[-_a-zA-Z0-9]{1,32}")
_NO_TX_PARSER = (wallet.WALLET_TYPE_ZCASH_MAINNET, wallet.WALLET_TYPE_ZCASH_TESTNET)


# -- small helpers ------------------------------------------------------------------------------
def go_hex(text: str) -> bytes:
    """``hex.DecodeString`` with Go's error texts (they reach users through zrChain's logs)."""
    raw = text.encode()
    for i in range(0, len(raw) - 1, 2):
        for b in raw[i : i + 2]:
            if chr(b) not in "0123456789abcdefABCDEF":
                raise PlainError(_invalid_byte(b))
    if len(raw) % 2:
        if chr(raw[-1]) not in "0123456789abcdefABCDEF":
            raise PlainError(_invalid_byte(raw[-1]))
        raise PlainError("encoding/hex: odd length hex string")
    return bytes.fromhex(text)


def _invalid_byte(b: int) -> str:
    ch = chr(b)
    shown = f" '{ch}'" if ch.isprintable() else ""
    return f"encoding/hex: invalid byte: U+{b:04X}{shown}"


def normalize_owner(ext: str, what: str = "address") -> str:
    """An external (zrSign) owner: EVM addresses lower-cased (DECISIONS 11), others as is."""
    if not ext:
        raise PlainError(f"{what} is required for zrSign requests")
    if _EVM_ADDRESS.fullmatch(ext):
        try:
            return wallets.normalize_evm_address(ext)
        except wallets.WalletError as exc:
            raise PlainError(str(exc)) from None
    return ext


def _check_prefixed(addr: str, hrp: str, length: int, what: str) -> None:
    """The msg server's bech32 checks of workspace / keyring addresses (§6.2.1)."""
    try:
        got, raw = address.decode(addr)
    except ChainError as exc:
        raise ErrInvalidAddress.wrap(f"invalid {what} address ({exc.context})") from None
    if got != hrp:
        raise ErrInvalidAddress.wrap(
            f"invalid {what} address (invalid Bech32 prefix; expected {hrp}, got {got})"
        )
    if len(raw) != length:
        raise ErrInvalidAddress.wrap(
            f"{what} address length {len(raw)} is invalid for {what} {addr}, should be {length}"
        )


def validate_params(p: params_pb2.Params) -> None:
    """Ours (zrChain accepts anything): a bad value here would break every payout or fee."""
    if p.keyring_commission > 100:
        raise ErrInvalidCommission.wrap("commission must be between 0 and 100")
    for field, value in (
        ("keyring_commission_destination", p.keyring_commission_destination),
        ("zr_sign_address", p.zr_sign_address),
    ):
        if value and account_error(value) is not None:
            raise ErrInvalidArgument.wrap(f"invalid {field} {value!r}: {account_error(value)}")
    if p.mpc_keyring:
        try:
            _check_prefixed(p.mpc_keyring, KEYRING_PREFIX, 11, "keyring")
        except ChainError as exc:
            raise ErrInvalidArgument.wrap(f"invalid mpc_keyring: {exc.log}") from None
    if p.min_gas_fee:
        try:
            parse_dec_coins(p.min_gas_fee)
        except (ChainError, ValueError) as exc:
            raise ErrInvalidArgument.wrap(f"invalid min_gas_fee {p.min_gas_fee!r}: {exc}") from None


# -- ValidateBasic --------------------------------------------------------------------------------
def validate_creator(msg: Any) -> None:
    check_account(msg.creator, "creator")


def validate_update_params(msg: Any) -> None:
    err = account_error(msg.authority)
    if err is not None:
        raise PlainError(f"invalid authority address: {err}")


def validate_fulfil_sign(msg: Any) -> None:
    check_account(msg.creator, "creator")
    if len(msg.reject_reason.encode()) > MAX_REJECT_REASON:
        raise ErrInvalidRequest.wrap("invalid reject reason, max len is 512")


def validate_fulfil_key(msg: Any) -> None:
    check_account(msg.creator, "creator")
    if len(msg.reject_reason.encode()) > MAX_REJECT_REASON:
        raise ErrInvalidRequest.wrap("invalid reject reason, max len is 512")


def validate_transfer(msg: Any) -> None:
    check_account(msg.creator, "creator")
    check_account(msg.recipient, "recipient")
    try:
        got, raw = address.decode(msg.keyring)
        err = None if got == KEYRING_PREFIX and len(raw) == 11 else "%!s(<nil>)"
        if got != KEYRING_PREFIX:
            err = f"invalid Bech32 prefix; expected {KEYRING_PREFIX}, got {got}"
    except ChainError as exc:
        err = exc.context
    if err is not None:
        raise ErrInvalidAddress.wrap(f"invalid keyring address ({err})")
    if msg.denom:
        validate_denom(msg.denom)


def _go_type(meta: Message | None) -> str:
    return "<nil>" if meta is None else f"*types.{meta.DESCRIPTOR.name}"


def unpack_metadata(meta: AnyProto | None) -> Message | None:
    """The Metadata implementation packed in a request (None when absent)."""
    if meta is None or not meta.type_url:
        return None
    classes: dict[str, Any] = {
        METADATA_ETHEREUM_URL: tx_pb2.MetadataEthereum,
        METADATA_SOLANA_URL: tx_pb2.MetadataSolana,
    }
    cls = classes.get(meta.type_url)
    if cls is None:
        raise PlainError(
            "failed to unpack metadata: no concrete type registered for type URL "
            f"{meta.type_url} against interface {IFACE_METADATA}"
        )
    try:
        out: Message = cls.FromString(meta.value)
    except DecodeError as exc:
        raise PlainError(f"failed to unpack metadata: {exc}") from None
    return out


class TreasuryMsgs:
    """Msg handlers; ``register_actions`` must run once so approvals can execute them."""

    def __init__(
        self,
        keeper: TreasuryKeeper,
        identity: IdentityKeeper,
        engine: PolicyEngine,
        bank: Any,
        accounts: Any,
        reserved_key_ids: frozenset[int] = frozenset(),
    ) -> None:
        self.k = keeper
        self.identity = identity
        self.engine = engine
        self.bank = bank
        self.accounts = accounts
        self.reserved = reserved_key_ids
        self.fees = FeeBook(keeper, bank, identity)
        self.life = Lifecycle(keeper, self.fees)

    # -- plumbing ------------------------------------------------------------------------------
    def params(self, ctx: Context) -> params_pb2.Params:
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

    def _owners_of_key(self, ctx: Context, key_id: int) -> Any:
        return self.identity.any_owner_policy(ctx, self._key(ctx, key_id).workspace_addr)

    def register_actions(self) -> None:
        e = self.engine
        e.register_action(
            tx_pb2.MsgNewKeyRequest,
            self._exec_new_key_request,
            lambda ctx, m: self.identity.any_owner_policy(ctx, m.workspace_addr),
        )
        e.register_action(
            tx_pb2.MsgNewSignatureRequest,
            self._exec_new_signature_request,
            lambda ctx, m: self._owners_of_key(ctx, m.key_ids[0]),
        )
        e.register_action(
            tx_pb2.MsgNewSignTransactionRequest,
            self._exec_new_sign_transaction_request,
            lambda ctx, m: self._owners_of_key(ctx, m.key_ids[0]),
        )
        e.register_action(
            tx_pb2.MsgUpdateKeyPolicy,
            self._exec_update_key_policy,
            lambda ctx, m: self._owners_of_key(ctx, m.key_id),
        )

    def _run_action(
        self,
        ctx: Context,
        msg: Any,
        policy_id: int,
        btl: int,
        owners: Sequence[str],
        execute: Any,
        empty: Message,
        policy_data: dict[str, bytes] | None = None,
    ) -> Message:
        """AddAction then TryExecuteAction; ``empty`` while approvals are outstanding."""
        act = self.engine.add_action(
            ctx, msg.creator, msg, policy_id, btl, policy_data, list(owners)
        )
        done = self.engine.try_execute_action(ctx, act, type(msg), execute)
        return done if done is not None else empty

    # -- params ------------------------------------------------------------------------------------
    def update_params(self, ctx: Context, msg: Any) -> Any:
        if msg.authority != AUTHORITY:
            raise ErrInvalidSigner.wrap(
                f"invalid authority; expected {AUTHORITY}, got {msg.authority}"
            )
        validate_params(msg.params)
        self.k.set_params(ctx, msg.params)
        return tx_pb2.MsgUpdateParamsResponse()

    # -- key requests ------------------------------------------------------------------------------
    def new_key_request(self, ctx: Context, msg: Any) -> Any:
        params = self.params(ctx)
        if params.zr_sign_address and msg.creator == params.zr_sign_address:
            return self._zrsign_key_request(ctx, msg, params)
        _check_prefixed(msg.workspace_addr, WORKSPACE_PREFIX, 10, "workspace")
        _check_prefixed(msg.keyring_addr, KEYRING_PREFIX, 11, "keyring")
        if msg.key_type not in KEY_TYPE_STRINGS:
            raise ErrInvalidRequest.wrap(
                f"invalid keytype {msg.key_type}, valid types [{' '.join(KEY_TYPE_STRINGS)}]"
            )
        ws = self._workspace(ctx, msg.workspace_addr)
        if msg.sign_policy_id:
            self.engine.policy_members_are_owners(ctx, msg.sign_policy_id, list(ws.owners))
        self._active_keyring(ctx, msg.keyring_addr)
        if msg.HasField("zenbtc_metadata"):
            check_zenbtc_metadata(msg.zenbtc_metadata)
        return self._run_action(
            ctx,
            msg,
            ws.sign_policy_id,
            msg.btl,
            ws.owners,
            self._exec_new_key_request,
            tx_pb2.MsgNewKeyRequestResponse(),
        )

    def _exec_new_key_request(self, ctx: Context, msg: Any) -> Any:
        ws = self._workspace(ctx, msg.workspace_addr)
        kr = self._active_keyring(ctx, msg.keyring_addr)
        kt = key_type_from_string(msg.key_type)
        md = msg.zenbtc_metadata if msg.HasField("zenbtc_metadata") else None
        rid = self._create_key_request(
            ctx, msg.creator, msg.creator, ws.address, kr, kt, msg.index, msg.sign_policy_id, md
        )
        return tx_pb2.MsgNewKeyRequestResponse(key_req_id=rid)

    def _create_key_request(
        self,
        ctx: Context,
        creator: str,
        payer: str,
        workspace_addr: str,
        kr: keyring_pb2.Keyring,
        key_type: int,
        index: int,
        sign_policy_id: int,
        metadata: Any = None,
    ) -> int:
        params = self.params(ctx)
        req = key_pb2.KeyRequest(
            creator=creator,
            workspace_addr=workspace_addr,
            keyring_addr=kr.address,
            key_type=key_type,
            status=KR_PENDING,
            index=index,
            sign_policy_id=sign_policy_id,
            mpc_btl=ctx.height + mpc_blocks(params),
            fee=kr.key_req_fee,
        )
        if metadata is not None:
            req.zenbtc_metadata.CopyFrom(metadata)
        rid = self.k.append_key_request(ctx, req)
        self.fees.collect(ctx, KIND_KEY, rid, payer, [(kr.address, int(kr.key_req_fee))])
        slot = self.k.zrsign_slot(ctx, workspace_addr, index)
        held = None if slot is None else self.k.get_key_request(ctx, slot)
        if held is None or held.status == KR_REJECTED:
            self.k.set_zrsign_slot(ctx, workspace_addr, index, rid)
        ctx.emit(EVENT_NEW_KEY_REQUEST, (ATTR_REQUEST_ID, str(rid)))
        return rid

    def _zrsign_key_request(self, ctx: Context, msg: Any, params: params_pb2.Params) -> Any:
        kts = ZRSIGN_KEY_TYPES.get(int(msg.ext_key_type))
        if kts is None:
            raise PlainError("covert wallet type to key type: unknown wallet type")
        owner = normalize_owner(msg.ext_requester, "ext_requester")
        kr = self.identity.get_keyring(ctx, params.mpc_keyring)
        if kr is None or not kr.is_active:
            raise PlainError(
                f"newKeyRequest failed: keyring {params.mpc_keyring} is nil or is inactive"
            )
        try:
            ws = self.identity.get_zr_sign_workspace(ctx, owner, int(msg.ext_key_type))
        except ChainError as exc:
            raise exc.wrap("get zr sign workspaces") from None
        # Key harmonisation: one key per (owner, wallet type, walletIndex); repeats return
        # the request that holds the slot unless it failed.
        slot = self.k.zrsign_slot(ctx, ws.address, msg.index)
        if slot is not None:
            held = self.k.get_key_request(ctx, slot)
            if (held is not None and held.status != KR_REJECTED) or self.k.get_key(ctx, slot):
                return tx_pb2.MsgNewKeyRequestResponse(key_req_id=slot)
        rid = self._create_key_request(
            ctx, owner, msg.creator, ws.address, kr, key_type_from_string(kts), msg.index, 0
        )
        return tx_pb2.MsgNewKeyRequestResponse(key_req_id=rid)

    def _party_pubkey(self, ctx: Context, party: str) -> bytes:
        acc = self.accounts.get_account(ctx, account_bytes(party))
        if (
            acc is None
            or not acc.base.HasField("pub_key")
            or acc.base.pub_key.type_url != SECP256K1_PUBKEY_URL
        ):
            raise PlainError(f"party {party} has no secp256k1 account key on chain")
        return bytes(acc.pubkey)

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

    def _attest_rejection(self, ctx: Context, msg: Any, req: Any, kind: str) -> None:
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

    def fulfil_key_request(self, ctx: Context, msg: Any) -> Any:
        req = self.k.get_key_request(ctx, msg.request_id)
        if req is None:
            raise PlainError(f"request {msg.request_id} not found")
        kr = self._active_keyring(ctx, req.keyring_addr)
        if msg.creator not in kr.parties:
            raise PlainError("only one party of the keyring can fulfil key request")
        if req.status not in OPEN_KEY_STATUSES:
            raise PlainError(
                f"request {key_status_name(req.status)} is not pending/partial, can't be updated"
            )
        if any(p.creator == msg.creator for p in req.keyring_party_sigs):
            raise PlainError(f"party {msg.creator} already sent a fulfilment")
        if msg.status == KR_REJECTED:
            reason = (
                msg.reject_reason
                if msg.WhichOneof("result") == "reject_reason"
                else "rejected with no reason provided"
            )
            self._attest_rejection(ctx, msg, req, PARTY_KEY)
            self.life.reject_key_request(ctx, req, reason)
            return tx_pb2.MsgFulfilKeyRequestResponse()
        if msg.status != KR_FULFILLED:
            raise PlainError("invalid status field, should be either fulfilled/rejected")
        if msg.WhichOneof("result") != "key" or not msg.key.public_key:
            raise PlainError("invalid or missing public key for fulfilled key request")
        sent = bytes(msg.key.public_key)
        psig = bytes(msg.keyring_party_signature)
        if len(psig) != PARTY_SIGNATURE_LENGTH:
            raise PlainError(f"invalid mpc party signature, should be 64 bytes, is {len(psig)}")
        self._check_party_signature(ctx, msg.creator, psig, PARTY_KEY, req.id, sent)
        charge_check(ctx, int(req.key_type), "public key check")
        try:
            pk = sighash.validate_public_key(int(req.key_type), sent)
        except sighash.TreasuryCryptoError as exc:
            raise PlainError(str(exc)) from None
        if req.public_key and bytes(req.public_key) != pk:
            self.life.reject_key_request(
                ctx,
                req,
                f"public key mismatch, expected {bytes(req.public_key).hex()}, got {pk.hex()}",
            )
            return tx_pb2.MsgFulfilKeyRequestResponse()
        self.life.accept_key_response(ctx, req, msg.creator, psig, pk, int(kr.party_threshold))
        return tx_pb2.MsgFulfilKeyRequestResponse()

    # -- signature requests ------------------------------------------------------------------------
    def _authorise(
        self, ctx: Context, creator: str, key_ids: Sequence[int]
    ) -> tuple[list[key_pb2.Key], workspace_pb2.Workspace, int]:
        """DECISIONS 4: every key exists, its workspace is owned by ``creator``, its keyring
        is active, and all keys answer to one sign policy. Returns (keys, workspace of the
        first key, the action's policy id)."""
        keys: list[key_pb2.Key] = []
        first_ws: workspace_pb2.Workspace | None = None
        policy_of: dict[int, int] = {}  # policy id -> first key using it (insertion order)
        for kid in key_ids:
            key = self._key(ctx, kid)
            ws = self.identity.get_workspace(ctx, key.workspace_addr)
            if ws is None:
                raise PlainError(f"workspace {key.workspace_addr} not found")
            if creator not in ws.owners:
                raise PlainError(
                    f"creator {creator} is not an owner of workspace {ws.address} (key {kid})"
                )
            self._active_keyring(ctx, key.keyring_addr)
            pid = int(key.sign_policy_id or ws.sign_policy_id)
            if pid:
                policy_of.setdefault(pid, kid)
            if len(policy_of) > 1:
                (p1, k1), (p2, k2) = list(policy_of.items())[:2]
                raise PlainError(
                    "all keys of a signature request must share one sign policy: "
                    f"key {k1} uses policy {p1}, key {k2} uses policy {p2}"
                )
            if first_ws is None:
                first_ws = ws
            keys.append(key)
        assert first_ws is not None
        return keys, first_ws, next(iter(policy_of), 0)

    def _check_reserved(self, key_ids: Sequence[int]) -> None:
        for kid in key_ids:
            if kid in self.reserved:
                raise PlainError(f"key {kid} is reserved for internal use")

    def _check_cache_id(self, ctx: Context, creator: str, cache_id: bytes) -> None:
        if not cache_id:
            return
        held = self.k.cache_owner(ctx, creator, bytes(cache_id))
        if held is not None:
            raise PlainError(f"cache_id {bytes(cache_id).hex()} already used by request {held}")

    @staticmethod
    def _payload(data_for_signing: str, keys: Sequence[key_pb2.Key]) -> list[bytes]:
        """Split, check each element against its own key's type, hex-decode."""
        items = data_for_signing.split(",")
        if all(not x.strip() for x in items):
            raise PlainError("payload is full of empty strings")
        if len(items) != len(keys):
            raise PlainError(
                f"number of key IDs ({len(keys)}) does not match number of data elements "
                f"({len(items)})"
            )
        for item, key in zip(items, keys, strict=True):
            if key.type == KT_EDDSA:
                if len(item) >= 2000:
                    raise PlainError(
                        "data for signing for eddsa key should have a hex-encoded length smaller "
                        f"than 2000, not: {len(item)}"
                    )
            elif len(item) != 64:
                raise PlainError(
                    "data for signing for ecdsa key should have a hex-encoded length of 64, "
                    f"not: {len(item)}"
                )
        return [go_hex(item) for item in items]

    @staticmethod
    def _verify_bitcoin_plus(ctx: Context, msg: Any, data: Sequence[bytes]) -> None:
        """BITCOIN_PLUS: every sighash recomputed from the tx, with gas for the bytes parsed
        and for each input hashed, charged before the work."""
        version = int(msg.verify_signing_data_version)
        tx = bytes(msg.verify_signing_data)
        try:
            parsed: sighash.BitcoinTx | bytes = tx
            if version == sighash.VerificationVersion.BITCOIN_PLUS and tx and data:
                charge_payload(ctx.gas, len(tx), "bitcoin")
                parsed = sighash.parse_bitcoin_tx(tx)
                ctx.gas.consume(SIGHASH_COST * len(parsed.inputs), "bitcoin sighash")
            status = sighash.verify_data_for_signing(version, parsed, data)
        except sighash.TreasuryCryptoError as exc:
            raise PlainError(f"error whilst verifying transaction & hashes {exc}") from None
        if status == sighash.VerificationStatus.FAILED:
            raise PlainError("transaction & hash verification transaction did not verify")

    def _sign_fees(self, ctx: Context, keys: Sequence[key_pb2.Key]) -> list[tuple[str, int]]:
        out = []
        for key in keys:
            kr = self.identity.get_keyring(ctx, key.keyring_addr)
            if kr is None:
                raise PlainError(f"keyring {key.keyring_addr} not found")
            fee = 0 if key.id in self.reserved else int(kr.sig_req_fee)
            out.append((key.keyring_addr, fee))
        return out

    def _create_sign_tree(
        self,
        ctx: Context,
        creator: str,
        keys: Sequence[key_pb2.Key],
        data: Sequence[bytes],
        cache_id: bytes,
        metadata: AnyProto | None = None,
    ) -> int:
        """The root request (and one child per element when there are several), fees
        escrowed from ``creator``; returns the root id."""
        fees = self._sign_fees(ctx, keys)
        mpc_btl = ctx.height + mpc_blocks(self.params(ctx))
        root = mpcsign_pb2.SignRequest(
            creator=creator,
            key_ids=[k.id for k in keys],
            key_type=keys[0].type,
            data_for_signing=list(data),
            status=SR_PENDING,
            cache_id=cache_id,
            mpc_btl=mpc_btl,
            fee=sum(f for _, f in fees),
        )
        if metadata is not None and metadata.type_url:
            root.metadata.CopyFrom(metadata)
        root_id = self.k.append_sign_request(ctx, root)
        if len(data) > 1:
            for key, item, (_, fee) in zip(keys, data, fees, strict=True):
                child = mpcsign_pb2.SignRequest(
                    creator=creator,
                    key_ids=[key.id],
                    key_type=key.type,
                    data_for_signing=[item],
                    status=SR_PENDING,
                    parent_req_id=root_id,
                    cache_id=cache_id,
                    mpc_btl=mpc_btl,
                    fee=fee,
                )
                root.child_req_ids.append(self.k.append_sign_request(ctx, child))
            self.k.save_sign_request(ctx, root)
        self.fees.collect(ctx, KIND_SIGN, root_id, creator, fees)
        if cache_id:
            self.k.set_cache_owner(ctx, creator, cache_id, root_id)
        return root_id

    def new_signature_request(self, ctx: Context, msg: Any) -> Any:
        if not msg.key_ids:
            raise ErrInvalidRequest.wrap("key ids cannot be empty")
        if not msg.data_for_signing:
            raise ErrInvalidRequest.wrap("data for signing cannot be empty")
        keys, ws, policy_id = self._authorise(ctx, msg.creator, msg.key_ids)
        data = self._payload(msg.data_for_signing, keys)
        self._verify_bitcoin_plus(ctx, msg, data)
        self._check_reserved(msg.key_ids)
        self._check_cache_id(ctx, msg.creator, msg.cache_id)
        return self._run_action(
            ctx,
            msg,
            policy_id,
            msg.btl,
            ws.owners,
            self._exec_new_signature_request,
            tx_pb2.MsgNewSignatureRequestResponse(),
        )

    def _exec_new_signature_request(self, ctx: Context, msg: Any) -> Any:
        keys = [self._key(ctx, kid) for kid in msg.key_ids]
        for key in keys:
            self._active_keyring(ctx, key.keyring_addr)
        data = self._payload(msg.data_for_signing, keys)
        self._verify_bitcoin_plus(ctx, msg, data)
        self._check_cache_id(ctx, msg.creator, msg.cache_id)
        root = self._create_sign_tree(ctx, msg.creator, keys, data, bytes(msg.cache_id))
        ctx.emit(EVENT_NEW_SIGN_REQUEST, (ATTR_REQUEST_ID, str(root)))
        return tx_pb2.MsgNewSignatureRequestResponse(sig_req_id=root)

    def fulfil_signature_request(self, ctx: Context, msg: Any) -> Any:
        req = self.k.get_sign_request(ctx, msg.request_id)
        if req is None:
            raise PlainError("request not found")
        key = self.k.get_key(ctx, req.key_ids[0]) if req.key_ids else None
        if key is None:
            raise PlainError("key not found")
        kr = self._active_keyring(ctx, key.keyring_addr)
        if msg.creator not in kr.parties:
            raise PlainError("only one party of the keyring can fulfil signature request")
        if req.status not in OPEN_SIGN_STATUSES:
            raise PlainError("request is not pending/partial, can't be updated")
        if req.parent_req_id:
            root = self.k.get_sign_request(ctx, req.parent_req_id)
            if root is None or root.status not in OPEN_SIGN_STATUSES:
                raise PlainError(f"parent request {req.parent_req_id} is closed")
        if req.child_req_ids:
            ids = ",".join(str(i) for i in req.child_req_ids)
            raise PlainError(
                f"request {req.id} is a parent request: answer its child requests {ids}"
            )
        if any(p.creator == msg.creator for p in req.keyring_party_sigs):
            raise PlainError(f"party {msg.creator} already sent a fulfilment")
        if msg.status == SR_REJECTED:
            self._attest_rejection(ctx, msg, req, PARTY_SIGNATURE)
            self.life.reject_sign_request(
                ctx, req, msg.reject_reason or "rejected with no reason provided"
            )
            return tx_pb2.MsgFulfilSignatureRequestResponse()
        if msg.status not in (SR_FULFILLED, SR_PARTIAL):
            raise PlainError(
                f"invalid status field {sign_status_name(msg.status)}, should be either "
                "fulfilled/partial/rejected"
            )
        sent = bytes(msg.signed_data)
        if not sent:
            raise PlainError("missing signature data")
        psig = bytes(msg.keyring_party_signature)
        if len(psig) != PARTY_SIGNATURE_LENGTH:
            raise PlainError("invalid length of mpc party signature")
        self._check_party_signature(ctx, msg.creator, psig, PARTY_SIGNATURE, req.id, sent)
        sig = sent
        # a 65-byte ECDSA signature also has its recovery id recomputed: a second check
        charge_check(ctx, int(key.type), "signature check", 2 if len(sent) == 65 else 1)
        try:
            if key.type == key_pb2.KEY_TYPE_BITCOIN_SECP256K1:
                sig = sighash.bitcoin_signature_to_der(sig)
            sig = sighash.verify_signature(
                int(key.type),
                bytes(key.public_key),
                bytes(req.data_for_signing[0]) if req.data_for_signing else b"",
                sig,
                key.keyring_addr,
            )
        except sighash.TreasuryCryptoError as exc:
            raise PlainError(f"signature verification failed: {exc}") from None
        if req.signed_data and bytes(req.signed_data[0].signed_data) != sig:
            first = bytes(req.signed_data[0].signed_data).hex()
            self.life.reject_sign_request(
                ctx, req, f"signed data mismatch, expected {first}, got {sig.hex()}"
            )
            return tx_pb2.MsgFulfilSignatureRequestResponse()
        self.life.accept_sign_response(ctx, req, msg.creator, psig, sig, int(kr.party_threshold))
        return tx_pb2.MsgFulfilSignatureRequestResponse()

    # -- sign-transaction requests -----------------------------------------------------------------
    def _parse_tx(
        self,
        ctx: Context,
        keys: list[key_pb2.Key],
        wallet_type: int,
        payload: bytes,
        metadata: AnyProto | None,
    ) -> tuple[wallets.ParsedTransaction, list[key_pb2.Key], list[bytes]]:
        """Check every key fits the wallet type, parse the payload (§9), pair keys with the
        hashes to sign: (parsed, keys, data), one key per data element. Gas: each distinct
        key's check, the payload's bytes and each hash to sign, charged before the work."""
        for key in {k.id: k for k in keys}.values():
            charge_check(ctx, int(key.type), "wallet key check")
            try:
                wallets.wallet_address(wallet_type, int(key.type), bytes(key.public_key))
            except (wallets.WalletError, sighash.TreasuryCryptoError) as exc:
                raise PlainError(str(exc)) from None
        if wallet_type in _NO_TX_PARSER:
            raise PlainError(f"wallet {wallet_type_name(wallet_type)} does not implement TxParser")
        meta = unpack_metadata(metadata)
        charge_payload(ctx.gas, len(payload), wallet_type_name(wallet_type))
        try:
            if wallet_type == wallet.WALLET_TYPE_EVM:
                if not isinstance(meta, tx_pb2.MetadataEthereum):
                    raise sighash.EvmTxError(
                        f"invalid metadata field, expected *MetadataEthereum, got {_go_type(meta)}"
                    )
                parsed = wallets.parse_transaction(
                    wallet_type, payload, chain_id=int(meta.chain_id)
                )
            else:
                parsed = wallets.parse_transaction(wallet_type, payload)
                if wallet_type == wallet.WALLET_TYPE_SOLANA and not isinstance(
                    meta, tx_pb2.MetadataSolana
                ):
                    raise sighash.SolanaTxError(
                        f"invalid metadata field, expected *MetadataSolana, got {_go_type(meta)}"
                    )
        except (sighash.TreasuryCryptoError, wallets.WalletError) as exc:
            raise PlainError(f"failed to parse tx: {exc}") from None
        data = list(parsed.data_for_signing)
        ctx.gas.consume(SIGHASH_COST * len(data), "sighash")
        if len(keys) == 1 and len(data) > 1:
            keys = keys * len(data)  # one key signs every input (e.g. a Bitcoin tx)
        elif len(keys) > 1 and len(data) == 1:
            data = data * len(keys)
        if len(data) != len(keys):
            raise PlainError(
                f"sign request payload mismatch: {len(data)} data blobs for {len(keys)} keys"
            )
        return parsed, keys, data

    def new_sign_transaction_request(self, ctx: Context, msg: Any) -> Any:
        if not msg.key_ids:
            raise ErrInvalidRequest.wrap("key ids cannot be empty")
        if not msg.unsigned_transaction:
            raise ErrInvalidRequest.wrap("unsigned transaction cannot be empty")
        keys, ws, policy_id = self._authorise(ctx, msg.creator, msg.key_ids)
        meta = msg.metadata if msg.HasField("metadata") else None
        parsed, _, _ = self._parse_tx(
            ctx, keys, int(msg.wallet_type), bytes(msg.unsigned_transaction), meta
        )
        self._check_reserved(msg.key_ids)
        self._check_cache_id(ctx, msg.creator, msg.cache_id)
        policy_data = {
            "DataForSigning": parsed.data_for_signing_hex.encode(),
            "TXVALUE": parsed.tx_value.encode(),
        }
        return self._run_action(
            ctx,
            msg,
            policy_id,
            msg.btl,
            ws.owners,
            self._exec_new_sign_transaction_request,
            tx_pb2.MsgNewSignTransactionRequestResponse(),
            policy_data,
        )

    def _exec_new_sign_transaction_request(self, ctx: Context, msg: Any) -> Any:
        keys = [self._key(ctx, kid) for kid in msg.key_ids]
        for key in keys:
            self._active_keyring(ctx, key.keyring_addr)
        meta = msg.metadata if msg.HasField("metadata") else None
        tid, root = self._sign_transaction(
            ctx,
            msg.creator,
            keys,
            int(msg.wallet_type),
            bytes(msg.unsigned_transaction),
            meta,
            bytes(msg.cache_id),
            bool(msg.no_broadcast),
        )
        return tx_pb2.MsgNewSignTransactionRequestResponse(id=tid, signature_request_id=root)

    def _sign_transaction(
        self,
        ctx: Context,
        creator: str,
        keys: list[key_pb2.Key],
        wallet_type: int,
        payload: bytes,
        metadata: AnyProto | None,
        cache_id: bytes,
        no_broadcast: bool,
    ) -> tuple[int, int]:
        """Step B of a sign-transaction request: (sign-tx request id, root sign request id)."""
        _, keys, data = self._parse_tx(ctx, keys, wallet_type, payload, metadata)
        self._check_cache_id(ctx, creator, cache_id)
        root = self._create_sign_tree(ctx, creator, keys, data, cache_id, metadata)
        tid = self.k.append_sign_tx_request(
            ctx,
            mpcsign_pb2.SignTransactionRequest(
                creator=creator,
                wallet_type=wallet_type,
                unsigned_transaction=payload,
                sign_request_id=root,
                no_broadcast=no_broadcast,
                key_ids=[k.id for k in keys],
            ),
        )
        ctx.emit(EVENT_NEW_SIGN_REQUEST, (ATTR_REQUEST_ID, str(tid)))
        return tid, root

    # -- zrSign signature requests -----------------------------------------------------------------
    def new_zr_sign_signature_request(self, ctx: Context, msg: Any) -> Any:
        params = self.params(ctx)
        if not params.zr_sign_address or msg.creator != params.zr_sign_address:
            raise PlainError("creator is not zrsign")
        owner = normalize_owner(msg.address)
        alias = str(msg.key_type)
        try:
            found = self.identity.get_zr_sign_workspaces(ctx, owner, alias)
        except ChainError as exc:
            raise PlainError(f"GetZrSignWorkspaces: {exc.log}") from None
        if len(found) != 1 or alias not in found:
            raise PlainError(f"wallet type workspace not found: {alias}")
        slot = self.k.zrsign_slot(ctx, found[alias], msg.wallet_index)
        key = None if slot is None else self.k.get_key(ctx, slot)  # key id == request id
        if key is None:
            raise PlainError(f"key index not found: {alias}")
        self._active_keyring(ctx, key.keyring_addr)
        self._check_cache_id(ctx, msg.creator, msg.cache_id)
        if msg.tx:
            payload = go_hex(msg.data)
            if not payload:
                raise ErrInvalidRequest.wrap("unsigned transaction cannot be empty")
            meta = msg.metadata if msg.HasField("metadata") else None
            try:
                tid, _ = self._sign_transaction(
                    ctx,
                    msg.creator,
                    [key],
                    int(msg.wallet_type),
                    payload,
                    meta,
                    bytes(msg.cache_id),
                    bool(msg.no_broadcast),
                )
            except ChainError as exc:
                raise exc.wrap("signatureRequest") from None
            return tx_pb2.MsgNewZrSignSignatureRequestResponse(req_id=tid)
        try:
            data = self._payload(msg.data, [key])
            self._verify_bitcoin_plus(ctx, msg, data)
        except ChainError as exc:
            raise exc.wrap("signatureRequest") from None
        root = self._create_sign_tree(ctx, msg.creator, [key], data, bytes(msg.cache_id))
        ctx.emit(EVENT_NEW_SIGN_REQUEST, (ATTR_REQUEST_ID, str(root)))
        return tx_pb2.MsgNewZrSignSignatureRequestResponse(req_id=root)

    # -- key policy, keyring funds ---------------------------------------------------------------
    def update_key_policy(self, ctx: Context, msg: Any) -> Any:
        key = self._key(ctx, msg.key_id)
        ws = self._workspace(ctx, key.workspace_addr)
        if msg.sign_policy_id:
            self.engine.policy_members_are_owners(ctx, msg.sign_policy_id, list(ws.owners))
        return self._run_action(
            ctx,
            msg,
            key.sign_policy_id,
            0,
            ws.owners,
            self._exec_update_key_policy,
            tx_pb2.MsgUpdateKeyPolicyResponse(),
        )

    def _exec_update_key_policy(self, ctx: Context, msg: Any) -> Any:
        key = self._key(ctx, msg.key_id)
        key.sign_policy_id = msg.sign_policy_id
        self.k.set_key(ctx, key)
        return tx_pb2.MsgUpdateKeyPolicyResponse()

    def transfer_from_keyring(self, ctx: Context, msg: Any) -> Any:
        kr = self.identity.get_keyring(ctx, msg.keyring)
        if kr is None:
            raise PlainError(f"keyring {msg.keyring} is nil")
        if msg.creator not in kr.admins:
            raise PlainError(f"initiator {msg.creator} should be admin")
        if msg.recipient not in kr.admins:
            raise PlainError(f"recipient {msg.recipient} should be admin")
        if msg.amount:
            coins = Coins([Coin(msg.denom or DENOM, int(msg.amount))])
            self.bank.send_coins(
                ctx, account_bytes(msg.keyring), account_bytes(msg.recipient), coins
            )
        return tx_pb2.MsgTransferFromKeyringResponse()

    # -- ICA ------------------------------------------------------------------------------------
    def ica_not_supported(self, ctx: Context, msg: Any) -> Any:
        raise ErrNotSupported.wrap(
            f"{msg.DESCRIPTOR.name}: interchain-account transaction requests are not supported "
            "by this chain"
        )

    # -- the route table ---------------------------------------------------------------------------
    def routes(self) -> list[MsgRoute]:
        t = tx_pb2
        table: list[tuple[Any, Any, Any]] = [
            (t.MsgUpdateParams, self.update_params, validate_update_params),
            (t.MsgNewKeyRequest, self.new_key_request, validate_creator),
            (t.MsgFulfilKeyRequest, self.fulfil_key_request, validate_fulfil_key),
            (t.MsgNewSignatureRequest, self.new_signature_request, validate_creator),
            (t.MsgFulfilSignatureRequest, self.fulfil_signature_request, validate_fulfil_sign),
            (
                t.MsgNewSignTransactionRequest,
                self.new_sign_transaction_request,
                validate_creator,
            ),
            (t.MsgTransferFromKeyring, self.transfer_from_keyring, validate_transfer),
            (t.MsgNewICATransactionRequest, self.ica_not_supported, validate_creator),
            (t.MsgFulfilICATransactionRequest, self.ica_not_supported, validate_fulfil_sign),
            (
                t.MsgNewZrSignSignatureRequest,
                self.new_zr_sign_signature_request,
                validate_creator,
            ),
            (t.MsgUpdateKeyPolicy, self.update_key_policy, validate_creator),
        ]
        return [
            MsgRoute(
                cls,
                handler,
                ("authority",) if cls is t.MsgUpdateParams else ("creator",),
                validate,
                MODULE,
            )
            for cls, handler, validate in table
        ]


def check_zenbtc_metadata(md: Any) -> None:
    """Shape checks of a deposit key's metadata (zenBTC/DCT logic itself is out of scope)."""
    if md.asset == dct_params.ASSET_UNSPECIFIED:
        raise PlainError("asset type must be specified for deposit key")
    if not _CAIP2.fullmatch(md.caip2_chain_id):
        raise PlainError(
            "invalid mint recipient chainID for deposit key: "
            f"invalid CAIP-2 chain id {md.caip2_chain_id!r}"
        )
    if md.chain_type == wallet.WALLET_TYPE_EVM:
        if not _EVM_ADDRESS.fullmatch(md.recipient_addr):
            raise PlainError(
                "mint recipient address for deposit key must be a valid Ethereum address"
            )
    elif md.chain_type == wallet.WALLET_TYPE_SOLANA:
        try:
            ok = (
                len(md.recipient_addr) <= _SOLANA_ADDRESS_MAX_CHARS
                and len(sighash.b58decode(md.recipient_addr)) == 32
            )
        except ValueError:
            ok = False
        if not ok:
            raise PlainError(
                "mint recipient address for deposit key must be a valid Solana address"
            )
    elif md.chain_type == wallet.WALLET_TYPE_UNSPECIFIED:
        raise PlainError("chain type must be specified for deposit key")
    else:
        raise PlainError(
            f"unsupported chain type {wallet_type_name(md.chain_type)} for deposit key"
        )


__all__ = [
    "TreasuryMsgs",
    "check_zenbtc_metadata",
    "go_hex",
    "key_type_name",
    "normalize_owner",
    "unpack_metadata",
    "validate_params",
]
