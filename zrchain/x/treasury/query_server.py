"""zrchain.treasury.Query (docs/treasury.md, *Queries*), with the SDK's collection pagination.

Listings read an index whenever one narrows the scan: keys of a workspace, open
(PENDING/PARTIAL) requests, and the stored item counts for unfiltered totals. So a page
costs O(offset + limit) plus the matches counted, not a walk over every key or request.
Wallets are derived from public keys (docs/treasury.md, *Wallets*; ``--wallet-type`` /
``--prefixes``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from cosmpy.protos.cosmos.base.query.v1beta1.pagination_pb2 import PageRequest, PageResponse

from zrchain import module
from zrchain.chains.errors import ChainDataError
from zrchain.chains.wallets import (
    ERR_UNKNOWN_WALLET_TYPE,
    WalletError,
    WalletType,
    derive,
    wallet_address,
    wallet_type,
)
from zrchain.codec.gen.zrchain.dct import params_pb2 as dct_params
from zrchain.codec.gen.zrchain.treasury import key_pb2, mpcsign_pb2
from zrchain.codec.gen.zrchain.treasury import query_pb2 as q
from zrchain.codec.gen.zrchain.treasury import wallet_pb2 as wallet
from zrchain.context import Context
from zrchain.errors import ChainError, PlainError
from zrchain.x.pagination import page_of
from zrchain.x.treasury.expected import IdentityAccess
from zrchain.x.treasury.keeper import TreasuryKeeper
from zrchain.x.treasury.types import (
    KR_PARTIAL,
    KR_PENDING,
    KT_BITCOIN,
    KT_ECDSA,
    KT_EDDSA,
    SR_PARTIAL,
    SR_PENDING,
    ZRSIGN_ADDRESS_WALLET,
    ErrNotFound,
    key_status_name,
    key_type_name,
    sign_status_name,
    wallet_type_name,
)
from zrchain.x.treasury.validation import normalize_owner

_KEY_TYPE_OF_WALLET: dict[int, key_pb2.KeyType] = {
    wallet.WALLET_TYPE_NATIVE: KT_ECDSA,
    wallet.WALLET_TYPE_EVM: KT_ECDSA,
    wallet.WALLET_TYPE_SOLANA: KT_EDDSA,
    wallet.WALLET_TYPE_BTC_TESTNET: KT_BITCOIN,
    wallet.WALLET_TYPE_BTC_MAINNET: KT_BITCOIN,
    wallet.WALLET_TYPE_BTC_REGNET: KT_BITCOIN,
    wallet.WALLET_TYPE_ZCASH_MAINNET: KT_BITCOIN,
    wallet.WALLET_TYPE_ZCASH_TESTNET: KT_BITCOIN,
}


# -- response builders ---------------------------------------------------------------------------
def key_response(key: key_pb2.Key) -> key_pb2.KeyResponse:
    out = key_pb2.KeyResponse(
        id=key.id,
        workspace_addr=key.workspace_addr,
        keyring_addr=key.keyring_addr,
        type=key_type_name(key.type),
        public_key=key.public_key,
        index=key.index,
        sign_policy_id=key.sign_policy_id,
    )
    if key.HasField("zenbtc_metadata"):
        out.zenbtc_metadata.CopyFrom(key.zenbtc_metadata)
    return out


def wallet_responses(
    key: key_pb2.Key, wallet_type: int, prefixes: Sequence[str] = ()
) -> list[q.WalletResponse]:
    return [
        q.WalletResponse(address=w.address, type=w.type)
        for w in derive(wallet_type, int(key.type), bytes(key.public_key), list(prefixes))
    ]


def key_and_wallets(
    key: key_pb2.Key, wallet_type: int, prefixes: Sequence[str] = ()
) -> q.KeyAndWalletResponse:
    return q.KeyAndWalletResponse(
        key=key_response(key), wallets=wallet_responses(key, wallet_type, prefixes)
    )


def key_request_response(r: key_pb2.KeyRequest) -> key_pb2.KeyReqResponse:
    out = key_pb2.KeyReqResponse(
        id=r.id,
        creator=r.creator,
        workspace_addr=r.workspace_addr,
        keyring_addr=r.keyring_addr,
        key_type=key_type_name(r.key_type),
        status=key_status_name(r.status),
        keyring_party_signatures=list(r.keyring_party_sigs),
        reject_reason=r.reject_reason,
        index=r.index,
        sign_policy_id=r.sign_policy_id,
        mpc_btl=r.mpc_btl,
        fee=r.fee,
        public_key=r.public_key,
    )
    if r.HasField("zenbtc_metadata"):
        out.zenbtc_metadata.CopyFrom(r.zenbtc_metadata)
    return out


def sign_request_response(r: mpcsign_pb2.SignRequest) -> mpcsign_pb2.SignReqResponse:
    out = mpcsign_pb2.SignReqResponse(
        id=r.id,
        creator=r.creator,
        key_ids=list(r.key_ids),
        key_type=key_type_name(r.key_type),
        data_for_signing=list(r.data_for_signing),
        status=sign_status_name(r.status),
        signed_data=list(r.signed_data),
        keyring_party_sigs=list(r.keyring_party_sigs),
        reject_reason=r.reject_reason,
        parent_req_id=r.parent_req_id,
        child_req_ids=list(r.child_req_ids),
        cache_id=r.cache_id,
        mpc_btl=r.mpc_btl,
        fee=r.fee,
        zenbtc_tx_bytes=r.zenbtc_tx_bytes,
    )
    if r.HasField("metadata"):
        out.metadata.CopyFrom(r.metadata)
    return out


def sign_tx_response(
    t: mpcsign_pb2.SignTransactionRequest, sr: mpcsign_pb2.SignRequest | None
) -> mpcsign_pb2.SignTxReqResponse:
    return mpcsign_pb2.SignTxReqResponse(
        id=t.id,
        creator=t.creator,
        key_id=t.key_id,
        wallet_type=wallet_type_name(t.wallet_type),
        unsigned_transaction=t.unsigned_transaction,
        sign_request_id=t.sign_request_id,
        no_broadcast=t.no_broadcast,
        mpc_btl=sr.mpc_btl if sr is not None else 0,
        key_ids=list(t.key_ids),
    )


class TreasuryQueryServer(module.QueryServer):
    """Listings read an index whenever one narrows the scan (keys of a workspace, open
    requests) and the stored counts for unfiltered totals, through the keeper's pages."""

    descriptor = q.DESCRIPTOR.services_by_name["Query"]

    def __init__(self, keeper: TreasuryKeeper, identity: IdentityAccess) -> None:
        self.k = keeper
        self.identity = identity

    def params(self, ctx: Context, req: q.QueryParamsRequest) -> q.QueryParamsResponse:
        p = self.k.params(ctx)
        return q.QueryParamsResponse() if p is None else q.QueryParamsResponse(params=p)

    # -- key requests ----------------------------------------------------------------------
    def key_requests(
        self, ctx: Context, req: q.QueryKeyRequestsRequest
    ) -> q.QueryKeyRequestsResponse:
        keyring, workspace, status = req.keyring_addr, req.workspace_addr, int(req.status)

        def keep(r: key_pb2.KeyRequest) -> bool:
            return (
                (not keyring or r.keyring_addr == keyring)
                and (not workspace or r.workspace_addr == workspace)
                and (not status or r.status == status)
            )

        items, page = self.k.key_requests_page(
            ctx,
            page_of(req),
            keep if keyring or workspace or status else None,
            open_only=status in (KR_PENDING, KR_PARTIAL),
        )
        return q.QueryKeyRequestsResponse(
            key_requests=[key_request_response(r) for r in items], pagination=page
        )

    def key_request_by_id(
        self, ctx: Context, req: q.QueryKeyRequestByIDRequest
    ) -> q.QueryKeyRequestByIDResponse:
        r = self.k.get_key_request(ctx, req.id)
        if r is None:
            raise PlainError(f"key request {req.id} not found")
        return q.QueryKeyRequestByIDResponse(key_request=key_request_response(r))

    # -- keys --------------------------------------------------------------------------------
    def keys(self, ctx: Context, req: q.QueryKeysRequest) -> q.QueryKeysResponse:
        wt = int(req.wallet_type)
        kt = _KEY_TYPE_OF_WALLET.get(wt)

        def keep(key: key_pb2.Key) -> bool:
            return key.type == kt

        items, page = self.k.keys_page(
            ctx, page_of(req), None if kt is None else keep, workspace=req.workspace_addr
        )
        # wallets are derived for the page only, not for every match counted
        prefixes = list(req.prefixes)
        built = [key_and_wallets(key, wt, prefixes) for key in items]
        return q.QueryKeysResponse(keys=built, pagination=page)

    def key_by_id(self, ctx: Context, req: q.QueryKeyByIDRequest) -> q.QueryKeyByIDResponse:
        key = self.k.get_key(ctx, req.id)
        if key is None:
            raise ErrNotFound.wrap(f"key {req.id} not found")
        return q.QueryKeyByIDResponse(
            key=key_response(key),
            wallets=wallet_responses(key, int(req.wallet_type), list(req.prefixes)),
        )

    # -- signature requests ----------------------------------------------------------------
    def signature_requests(
        self, ctx: Context, req: q.QuerySignatureRequestsRequest
    ) -> q.QuerySignatureRequestsResponse:
        keyring, status = req.keyring_addr, int(req.status)

        def keep(r: mpcsign_pb2.SignRequest) -> bool:
            if status and r.status != status:
                return False
            key = self.k.get_key(ctx, r.key_ids[0]) if r.key_ids else None
            return key is not None and (not keyring or key.keyring_addr == keyring)

        items, page = self.k.sign_requests_page(
            ctx, page_of(req), keep, open_only=status in (SR_PENDING, SR_PARTIAL)
        )
        return q.QuerySignatureRequestsResponse(
            sign_requests=[sign_request_response(r) for r in items], pagination=page
        )

    def signature_request_by_id(
        self, ctx: Context, req: q.QuerySignatureRequestByIDRequest
    ) -> q.QuerySignatureRequestByIDResponse:
        r = self.k.get_sign_request(ctx, req.id)
        if r is None:
            raise ErrNotFound.wrap(f"signature request {req.id} not found")
        return q.QuerySignatureRequestByIDResponse(sign_request=sign_request_response(r))

    def sign_transaction_requests(
        self, ctx: Context, req: q.QuerySignTransactionRequestsRequest
    ) -> q.QuerySignTransactionRequestsResponse:
        key_id, wt, status = int(req.key_id), int(req.wallet_type), int(req.status)

        def keep(t: mpcsign_pb2.SignTransactionRequest) -> bool:
            if (key_id and key_id not in t.key_ids) or (wt and t.wallet_type != wt):
                return False
            sr = self.k.get_sign_request(ctx, t.sign_request_id)
            return sr is not None and (not status or sr.status == status)

        filtered = bool(key_id or wt or status)
        items, page = self.k.sign_tx_requests_page(ctx, page_of(req), keep if filtered else None)
        built = []
        for t in items:
            sr = self.k.get_sign_request(ctx, t.sign_request_id)
            if sr is None:  # never: a sign-tx request is stored with its sign request
                continue
            built.append(
                q.SignTransactionRequestsResponse(
                    sign_transaction_requests=sign_tx_response(t, sr),
                    sign_request=sign_request_response(sr),
                )
            )
        return q.QuerySignTransactionRequestsResponse(
            sign_transaction_requests=built, pagination=page
        )

    def sign_transaction_request_by_id(
        self, ctx: Context, req: q.QuerySignTransactionRequestByIDRequest
    ) -> q.QuerySignTransactionRequestByIDResponse:
        t = self.k.get_sign_tx_request(ctx, req.id)
        if t is None:
            raise ErrNotFound.wrap(f"sign transaction request {req.id} not found")
        sr = self.k.get_sign_request(ctx, t.sign_request_id)
        return q.QuerySignTransactionRequestByIDResponse(
            sign_transaction_request=sign_tx_response(t, sr)
        )

    # -- zrSign, addresses -------------------------------------------------------------------
    def zr_sign_keys(
        self, ctx: Context, req: q.QueryZrSignKeysRequest
    ) -> q.QueryZrSignKeysResponse:
        try:
            owner = normalize_owner(req.address)
            children = self.identity.get_zr_sign_workspaces(ctx, owner, req.walletType)
        except ChainError:
            return q.QueryZrSignKeysResponse()
        found: list[tuple[int, str]] = []
        for alias, ws_addr in children.items():
            found.extend((kid, alias) for kid in self.k.key_ids_in_workspace(ctx, ws_addr))
        out = q.QueryZrSignKeysResponse()
        for kid, alias in sorted(found):
            key = self.k.get_key(ctx, kid)
            if key is None:
                continue
            wt = ZRSIGN_ADDRESS_WALLET.get(alias)
            if wt is None:
                raise PlainError(f"unknown keyType: {alias}")
            try:
                addr = wallet_address(wt, int(key.type), bytes(key.public_key))
            except (WalletError, ChainDataError) as exc:
                raise PlainError(str(exc)) from None
            out.Keys.append(
                q.ZrSignKeyEntry(walletType=alias, address=addr, index=key.index, id=kid)
            )
        return out

    def key_by_address(
        self, ctx: Context, req: q.QueryKeyByAddressRequest
    ) -> q.QueryKeyByAddressResponse:
        wt = wallet_type(int(req.wallet_type))
        if wt is None or wt == WalletType.WALLET_TYPE_UNSPECIFIED:
            raise PlainError(ERR_UNKNOWN_WALLET_TYPE)
        wanted_kt = _KEY_TYPE_OF_WALLET[int(wt)]
        target = req.address
        is_evm = wt == WalletType.WALLET_TYPE_EVM
        if is_evm:
            target = target.lower()
        for key in self.k.iterate_keys(ctx):
            if req.keyring_addr and key.keyring_addr != req.keyring_addr:
                continue
            if req.key_type and key.type != req.key_type:
                continue
            if key.type != wanted_kt:
                continue
            try:
                addr = wallet_address(wt, int(key.type), bytes(key.public_key))
            except (WalletError, ChainDataError):
                continue
            if (addr.lower() if is_evm else addr) == target:
                return q.QueryKeyByAddressResponse(
                    response=key_and_wallets(key, int(req.wallet_type), list(req.prefixes))
                )
        return q.QueryKeyByAddressResponse()

    def _metadata_wallets(
        self, ctx: Context, page: PageRequest | None, keep: Callable[[key_pb2.Key], bool]
    ) -> tuple[list[q.KeyAndWalletResponse], PageResponse]:
        def with_metadata(key: key_pb2.Key) -> bool:
            return key.HasField("zenbtc_metadata") and keep(key)

        items, resp = self.k.keys_page(ctx, page, with_metadata)
        return [key_and_wallets(x, wallet.WALLET_TYPE_UNSPECIFIED) for x in items], resp

    def zenbtc_wallets(
        self, ctx: Context, req: q.QueryZenbtcWalletsRequest
    ) -> q.QueryZenbtcWalletsResponse:
        def keep(key: key_pb2.Key) -> bool:
            md = key.zenbtc_metadata
            return (
                md.asset == dct_params.ASSET_ZENBTC
                and (not req.recipient_addr or md.recipient_addr == req.recipient_addr)
                and (not req.chain_type or md.chain_type == req.chain_type)
                and (not req.mint_chain_id or md.caip2_chain_id == req.mint_chain_id)
                and (not req.return_addr or md.return_address == req.return_addr)
            )

        items, page = self._metadata_wallets(ctx, page_of(req), keep)
        return q.QueryZenbtcWalletsResponse(zenbtc_wallets=items, pagination=page)

    def dct_wallets(self, ctx: Context, req: q.QueryDctWalletsRequest) -> q.QueryDctWalletsResponse:
        def keep(key: key_pb2.Key) -> bool:
            md = key.zenbtc_metadata
            return (
                md.asset == req.asset_type
                and (not req.wallet_type or md.chain_type == req.wallet_type)
                and (not req.mint_chain_id or md.caip2_chain_id == req.mint_chain_id)
                and (not req.recipient_addr or md.recipient_addr == req.recipient_addr)
            )

        items, page = self._metadata_wallets(ctx, page_of(req), keep)
        return q.QueryDctWalletsResponse(dct_wallets=items, pagination=page)
