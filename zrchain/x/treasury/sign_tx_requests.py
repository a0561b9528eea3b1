"""Sign-transaction requests (docs/treasury.md, *Transaction parsing*): the owner hands over an
unsigned
transaction for a wallet type; the node parses it, derives what each key must sign (one
hash per Bitcoin input, the EVM or Cosmos sighash, the Solana message) and opens the
signature requests, with the tx's value in the policy data (``TXVALUE``).
"""

from __future__ import annotations

from google.protobuf.any_pb2 import Any as AnyProto

from zrchain.chains.errors import ChainDataError, EvmTxError, SolanaTxError
from zrchain.chains.wallets import ParsedTransaction, WalletError, parse_transaction, wallet_address
from zrchain.codec.gen.zrchain.treasury import key_pb2, mpcsign_pb2, tx_pb2
from zrchain.codec.gen.zrchain.treasury import wallet_pb2 as wallet
from zrchain.context import Context
from zrchain.errors import ErrInvalidRequest, PlainError
from zrchain.gas import SIGHASH_COST, charge_payload
from zrchain.module import validate_basic
from zrchain.x.treasury.requests import charge_check
from zrchain.x.treasury.sign_requests import SignatureRequests
from zrchain.x.treasury.types import ATTR_REQUEST_ID, EVENT_NEW_SIGN_REQUEST, wallet_type_name
from zrchain.x.treasury.validation import go_type, unpack_metadata, validate_creator

_NO_TX_PARSER = (wallet.WALLET_TYPE_ZCASH_MAINNET, wallet.WALLET_TYPE_ZCASH_TESTNET)


class SignTransactionRequests(SignatureRequests):
    def _parse_tx(
        self,
        ctx: Context,
        keys: list[key_pb2.Key],
        wallet_type: int,
        payload: bytes,
        metadata: AnyProto | None,
    ) -> tuple[ParsedTransaction, list[key_pb2.Key], list[bytes]]:
        """Check every key fits the wallet type, parse the payload, pair keys with the
        hashes to sign: (parsed, keys, data), one key per data element. Gas: each distinct
        key's check, the payload's bytes and each hash to sign, charged before the work."""
        for key in {k.id: k for k in keys}.values():
            charge_check(ctx, int(key.type), "wallet key check")
            try:
                wallet_address(wallet_type, int(key.type), bytes(key.public_key))
            except (WalletError, ChainDataError) as exc:
                raise PlainError(str(exc)) from None
        if wallet_type in _NO_TX_PARSER:
            raise PlainError(f"wallet {wallet_type_name(wallet_type)} does not implement TxParser")
        meta = unpack_metadata(metadata)
        charge_payload(ctx.gas, len(payload), wallet_type_name(wallet_type))
        try:
            if wallet_type == wallet.WALLET_TYPE_EVM:
                if not isinstance(meta, tx_pb2.MetadataEthereum):
                    raise EvmTxError(
                        f"invalid metadata field, expected *MetadataEthereum, got {go_type(meta)}"
                    )
                parsed = parse_transaction(wallet_type, payload, chain_id=int(meta.chain_id))
            else:
                parsed = parse_transaction(wallet_type, payload)
                if wallet_type == wallet.WALLET_TYPE_SOLANA and not isinstance(
                    meta, tx_pb2.MetadataSolana
                ):
                    raise SolanaTxError(
                        f"invalid metadata field, expected *MetadataSolana, got {go_type(meta)}"
                    )
        except (ChainDataError, WalletError) as exc:
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

    @validate_basic(validate_creator)
    def new_sign_transaction_request(
        self, ctx: Context, msg: tx_pb2.MsgNewSignTransactionRequest
    ) -> tx_pb2.MsgNewSignTransactionRequestResponse:
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
        result: tx_pb2.MsgNewSignTransactionRequestResponse = self.engine.submit(
            ctx, msg, policy_id=policy_id, btl=msg.btl, owners=ws.owners, policy_data=policy_data
        )
        return result

    def _exec_new_sign_transaction_request(
        self, ctx: Context, msg: tx_pb2.MsgNewSignTransactionRequest
    ) -> tx_pb2.MsgNewSignTransactionRequestResponse:
        """Once the keys' sign policy approves."""
        keys = [self._key(ctx, kid) for kid in msg.key_ids]
        for key in keys:
            self._active_keyring(ctx, key.keyring_addr)
        meta = msg.metadata if msg.HasField("metadata") else None
        tid, root = self._sign_transaction(
            ctx,
            msg.creator,
            keys,
            msg.wallet_type,
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
        wallet_type: wallet.WalletType,
        payload: bytes,
        metadata: AnyProto | None,
        cache_id: bytes,
        no_broadcast: bool,
    ) -> tuple[int, int]:
        """Open the requests of a transaction: (sign-tx request id, root sign request id)."""
        _, keys, data = self._parse_tx(ctx, keys, wallet_type, payload, metadata)
        self._check_cache_id(ctx, creator, cache_id)
        root = self._open_sign_tree(ctx, creator, keys, data, cache_id, metadata)
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
