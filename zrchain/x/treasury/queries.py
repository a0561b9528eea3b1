"""zrchain.treasury.Query handlers (treasury.md §11) with the SDK's collection pagination.

Listings read an index whenever one narrows the scan: keys of a workspace, open
(PENDING/PARTIAL) requests, and the stored item counts for unfiltered totals. So a page
costs O(offset + limit) plus the matches counted, not a walk over every key or request.
Wallets are derived from public keys per §10 (``--wallet-type`` / ``--prefixes``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from zrchain.codec.gen.zrchain.dct import params_pb2 as dct_params
from zrchain.codec.gen.zrchain.treasury import key_pb2, mpcsign_pb2
from zrchain.codec.gen.zrchain.treasury import query_pb2 as q
from zrchain.codec.gen.zrchain.treasury import wallet_pb2 as wallet
from zrchain.codec.rest_routes import REST_ROUTES
from zrchain.context import Context
from zrchain.errors import ChainError, PlainError
from zrchain.module import QueryRoute, RestRoute
from zrchain.x.identity.interfaces import IdentityKeeper
from zrchain.x.pagination import collection_paginate
from zrchain.x.treasury import sighash, wallets
from zrchain.x.treasury.keeper import (
    KEY_REQUESTS,
    KEYS,
    KEYS_BY_WORKSPACE,
    KIND_KEY,
    KIND_SIGN,
    OPEN,
    SIGN_REQUESTS,
    SIGN_TX_REQUESTS,
    TreasuryKeeper,
)
from zrchain.x.treasury.msgs import normalize_owner
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

SVC = "/zrchain.treasury.Query/"

_KEY_TYPE_OF_WALLET = {
    wallet.WALLET_TYPE_NATIVE: KT_ECDSA,
    wallet.WALLET_TYPE_EVM: KT_ECDSA,
    wallet.WALLET_TYPE_SOLANA: KT_EDDSA,
    wallet.WALLET_TYPE_BTC_TESTNET: KT_BITCOIN,
    wallet.WALLET_TYPE_BTC_MAINNET: KT_BITCOIN,
    wallet.WALLET_TYPE_BTC_REGNET: KT_BITCOIN,
    wallet.WALLET_TYPE_ZCASH_MAINNET: KT_BITCOIN,
    wallet.WALLET_TYPE_ZCASH_TESTNET: KT_BITCOIN,
}


def _page(req: Any) -> Any:
    return req.pagination if req.HasField("pagination") else None


def _id(key: bytes) -> int:
    return int.from_bytes(key[-8:], "big")


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
    key: key_pb2.Key, wallet_type: int, prefixes: Any = ()
) -> list[q.WalletResponse]:
    return [
        q.WalletResponse(address=w.address, type=w.type)
        for w in wallets.derive(wallet_type, int(key.type), bytes(key.public_key), list(prefixes))
    ]


def key_and_wallets(key: key_pb2.Key, wallet_type: int, prefixes: Any = ()) -> Any:
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


def routes(k: TreasuryKeeper, identity: IdentityKeeper) -> list[QueryRoute]:
    def params(ctx: Context, req: Any) -> Any:
        p = k.params(ctx)
        return q.QueryParamsResponse() if p is None else q.QueryParamsResponse(params=p)

    # -- key requests --------------------------------------------------------------------------
    def key_requests(ctx: Context, req: Any) -> Any:
        s = k.store(ctx)
        keyring, workspace, status = req.keyring_addr, req.workspace_addr, int(req.status)

        def keep(r: key_pb2.KeyRequest) -> Any:
            if keyring and r.keyring_addr != keyring:
                return None
            if workspace and r.workspace_addr != workspace:
                return None
            if status and r.status != status:
                return None
            return r

        if status in (KR_PENDING, KR_PARTIAL):

            def select_open(key: bytes, _: bytes) -> Any:
                r = k.key_requests.get(s, _id(key))
                return None if r is None else keep(r)

            items, page = collection_paginate(s, OPEN + KIND_KEY, _page(req), select_open)
        else:
            known = None if keyring or workspace or status else k.key_requests.total(s)
            items, page = collection_paginate(
                s,
                KEY_REQUESTS,
                _page(req),
                lambda key, raw: keep(key_pb2.KeyRequest.FromString(raw)),
                known,
            )
        return q.QueryKeyRequestsResponse(
            key_requests=[key_request_response(r) for r in items], pagination=page
        )

    def key_request_by_id(ctx: Context, req: Any) -> Any:
        r = k.get_key_request(ctx, req.id)
        if r is None:
            raise PlainError(f"key request {req.id} not found")
        return q.QueryKeyRequestByIDResponse(key_request=key_request_response(r))

    # -- keys ------------------------------------------------------------------------------------
    def keys(ctx: Context, req: Any) -> Any:
        s = k.store(ctx)
        wt = int(req.wallet_type)
        kt = _KEY_TYPE_OF_WALLET.get(wt)
        prefixes = list(req.prefixes)

        def keep(key: key_pb2.Key) -> Any:
            return None if kt is not None and key.type != kt else key

        if req.workspace_addr:
            prefix = KEYS_BY_WORKSPACE + req.workspace_addr.encode() + b"\x00"

            def select_ws(key: bytes, _: bytes) -> Any:
                found = k.keys.get(s, _id(key))
                return None if found is None else keep(found)

            items, page = collection_paginate(s, prefix, _page(req), select_ws)
        else:
            known = k.keys.total(s) if kt is None else None
            items, page = collection_paginate(
                s, KEYS, _page(req), lambda key, raw: keep(key_pb2.Key.FromString(raw)), known
            )
        # wallets are derived for the page only, not for every match counted
        built = [key_and_wallets(key, wt, prefixes) for key in items]
        return q.QueryKeysResponse(keys=built, pagination=page)

    def key_by_id(ctx: Context, req: Any) -> Any:
        key = k.get_key(ctx, req.id)
        if key is None:
            raise ErrNotFound.wrap(f"key {req.id} not found")
        return q.QueryKeyByIDResponse(
            key=key_response(key),
            wallets=wallet_responses(key, int(req.wallet_type), req.prefixes),
        )

    # -- signature requests ---------------------------------------------------------------------
    def signature_requests(ctx: Context, req: Any) -> Any:
        s = k.store(ctx)
        keyring, status = req.keyring_addr, int(req.status)

        def keep(r: mpcsign_pb2.SignRequest) -> Any:
            if status and r.status != status:
                return None
            key = k.keys.get(s, r.key_ids[0]) if r.key_ids else None
            if key is None or (keyring and key.keyring_addr != keyring):
                return None
            return r

        if status in (SR_PENDING, SR_PARTIAL):

            def select_open(key: bytes, _: bytes) -> Any:
                r = k.sign_requests.get(s, _id(key))
                return None if r is None else keep(r)

            items, page = collection_paginate(s, OPEN + KIND_SIGN, _page(req), select_open)
        else:
            items, page = collection_paginate(
                s,
                SIGN_REQUESTS,
                _page(req),
                lambda key, raw: keep(mpcsign_pb2.SignRequest.FromString(raw)),
            )
        return q.QuerySignatureRequestsResponse(
            sign_requests=[sign_request_response(r) for r in items], pagination=page
        )

    def signature_request_by_id(ctx: Context, req: Any) -> Any:
        r = k.get_sign_request(ctx, req.id)
        if r is None:
            raise ErrNotFound.wrap(f"signature request {req.id} not found")
        return q.QuerySignatureRequestByIDResponse(sign_request=sign_request_response(r))

    def sign_transaction_requests(ctx: Context, req: Any) -> Any:
        s = k.store(ctx)
        key_id, wt, status = int(req.key_id), int(req.wallet_type), int(req.status)

        def select(key: bytes, raw: bytes) -> Any:
            t = mpcsign_pb2.SignTransactionRequest.FromString(raw)
            if key_id and key_id not in t.key_ids:
                return None
            if wt and t.wallet_type != wt:
                return None
            sr = k.sign_requests.get(s, t.sign_request_id)
            if sr is None or (status and sr.status != status):
                return None
            return t, sr

        known = None if key_id or wt or status else k.sign_tx_requests.total(s)
        items, page = collection_paginate(s, SIGN_TX_REQUESTS, _page(req), select, known)
        built = [
            q.SignTransactionRequestsResponse(
                sign_transaction_requests=sign_tx_response(t, sr),
                sign_request=sign_request_response(sr),
            )
            for t, sr in items
        ]
        return q.QuerySignTransactionRequestsResponse(
            sign_transaction_requests=built, pagination=page
        )

    def sign_transaction_request_by_id(ctx: Context, req: Any) -> Any:
        t = k.get_sign_tx_request(ctx, req.id)
        if t is None:
            raise ErrNotFound.wrap(f"sign transaction request {req.id} not found")
        sr = k.get_sign_request(ctx, t.sign_request_id)
        return q.QuerySignTransactionRequestByIDResponse(
            sign_transaction_request=sign_tx_response(t, sr)
        )

    # -- zrSign, addresses -------------------------------------------------------------------------
    def zr_sign_keys(ctx: Context, req: Any) -> Any:
        try:
            owner = normalize_owner(req.address)
            children = identity.get_zr_sign_workspaces(ctx, owner, req.walletType)
        except ChainError:
            return q.QueryZrSignKeysResponse()
        found: list[tuple[int, str]] = []
        for alias, ws_addr in children.items():
            found.extend((kid, alias) for kid in k.key_ids_in_workspace(ctx, ws_addr))
        out = q.QueryZrSignKeysResponse()
        for kid, alias in sorted(found):
            key = k.get_key(ctx, kid)
            if key is None:
                continue
            wt = ZRSIGN_ADDRESS_WALLET.get(alias)
            if wt is None:
                raise PlainError(f"unknown keyType: {alias}")
            try:
                addr = wallets.wallet_address(wt, int(key.type), bytes(key.public_key))
            except (wallets.WalletError, sighash.TreasuryCryptoError) as exc:
                raise PlainError(str(exc)) from None
            out.Keys.append(
                q.ZrSignKeyEntry(walletType=alias, address=addr, index=key.index, id=kid)
            )
        return out

    def key_by_address(ctx: Context, req: Any) -> Any:
        wt = wallets.wallet_type(int(req.wallet_type))
        if wt is None or wt == wallets.WalletType.WALLET_TYPE_UNSPECIFIED:
            raise PlainError(wallets.ERR_UNKNOWN_WALLET_TYPE)
        wanted_kt = _KEY_TYPE_OF_WALLET[int(wt)]
        target = req.address
        is_evm = wt == wallets.WalletType.WALLET_TYPE_EVM
        if is_evm:
            target = target.lower()
        for key in k.keys.iterate(k.store(ctx)):
            if req.keyring_addr and key.keyring_addr != req.keyring_addr:
                continue
            if req.key_type and key.type != req.key_type:
                continue
            if key.type != wanted_kt:
                continue
            try:
                addr = wallets.wallet_address(wt, int(key.type), bytes(key.public_key))
            except (wallets.WalletError, sighash.TreasuryCryptoError):
                continue
            if (addr.lower() if is_evm else addr) == target:
                return q.QueryKeyByAddressResponse(
                    response=key_and_wallets(key, int(req.wallet_type), req.prefixes)
                )
        return q.QueryKeyByAddressResponse()

    def _metadata_wallets(
        ctx: Context, req: Any, keep: Callable[[key_pb2.Key], bool]
    ) -> tuple[list[Any], Any]:
        def select(key: bytes, raw: bytes) -> Any:
            found = key_pb2.Key.FromString(raw)
            if not found.HasField("zenbtc_metadata") or not keep(found):
                return None
            return found

        items, page = collection_paginate(k.store(ctx), KEYS, _page(req), select)
        return [key_and_wallets(x, wallet.WALLET_TYPE_UNSPECIFIED) for x in items], page

    def zenbtc_wallets(ctx: Context, req: Any) -> Any:
        def keep(key: key_pb2.Key) -> bool:
            md = key.zenbtc_metadata
            return (
                md.asset == dct_params.ASSET_ZENBTC
                and (not req.recipient_addr or md.recipient_addr == req.recipient_addr)
                and (not req.chain_type or md.chain_type == req.chain_type)
                and (not req.mint_chain_id or md.caip2_chain_id == req.mint_chain_id)
                and (not req.return_addr or md.return_address == req.return_addr)
            )

        items, page = _metadata_wallets(ctx, req, keep)
        return q.QueryZenbtcWalletsResponse(zenbtc_wallets=items, pagination=page)

    def dct_wallets(ctx: Context, req: Any) -> Any:
        def keep(key: key_pb2.Key) -> bool:
            md = key.zenbtc_metadata
            return (
                md.asset == req.asset_type
                and (not req.wallet_type or md.chain_type == req.wallet_type)
                and (not req.mint_chain_id or md.caip2_chain_id == req.mint_chain_id)
                and (not req.recipient_addr or md.recipient_addr == req.recipient_addr)
            )

        items, page = _metadata_wallets(ctx, req, keep)
        return q.QueryDctWalletsResponse(dct_wallets=items, pagination=page)

    table: list[tuple[str, Any, Any, Any]] = [
        ("Params", q.QueryParamsRequest, q.QueryParamsResponse, params),
        ("KeyRequests", q.QueryKeyRequestsRequest, q.QueryKeyRequestsResponse, key_requests),
        (
            "KeyRequestByID",
            q.QueryKeyRequestByIDRequest,
            q.QueryKeyRequestByIDResponse,
            key_request_by_id,
        ),
        ("Keys", q.QueryKeysRequest, q.QueryKeysResponse, keys),
        ("KeyByID", q.QueryKeyByIDRequest, q.QueryKeyByIDResponse, key_by_id),
        (
            "SignatureRequests",
            q.QuerySignatureRequestsRequest,
            q.QuerySignatureRequestsResponse,
            signature_requests,
        ),
        (
            "SignatureRequestByID",
            q.QuerySignatureRequestByIDRequest,
            q.QuerySignatureRequestByIDResponse,
            signature_request_by_id,
        ),
        (
            "SignTransactionRequests",
            q.QuerySignTransactionRequestsRequest,
            q.QuerySignTransactionRequestsResponse,
            sign_transaction_requests,
        ),
        (
            "SignTransactionRequestByID",
            q.QuerySignTransactionRequestByIDRequest,
            q.QuerySignTransactionRequestByIDResponse,
            sign_transaction_request_by_id,
        ),
        ("ZrSignKeys", q.QueryZrSignKeysRequest, q.QueryZrSignKeysResponse, zr_sign_keys),
        ("KeyByAddress", q.QueryKeyByAddressRequest, q.QueryKeyByAddressResponse, key_by_address),
        (
            "ZenbtcWallets",
            q.QueryZenbtcWalletsRequest,
            q.QueryZenbtcWalletsResponse,
            zenbtc_wallets,
        ),
        ("DctWallets", q.QueryDctWalletsRequest, q.QueryDctWalletsResponse, dct_wallets),
    ]
    out = []
    for name, req_cls, resp_cls, handler in table:
        method = SVC + name
        verb, path = REST_ROUTES[method]
        out.append(QueryRoute(method, req_cls, resp_cls, handler, (RestRoute(verb, path),)))
    return out
