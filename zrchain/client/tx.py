"""Build and sign Cosmos txs (SIGN_MODE_DIRECT), as cosmpy and the SDK CLI do."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import coincurve
from cosmpy.protos.cosmos.crypto.secp256k1.keys_pb2 import PubKey
from cosmpy.protos.cosmos.tx.signing.v1beta1.signing_pb2 import SIGN_MODE_DIRECT
from cosmpy.protos.cosmos.tx.v1beta1 import tx_pb2
from google.protobuf.any_pb2 import Any as AnyProto

from zrchain.codec.coins import Coin

Signer = Callable[[bytes], bytes]  # sign bytes -> 64-byte r||s over sha256(bytes)


def private_key_signer(private_key: bytes) -> Signer:
    key = coincurve.PrivateKey(private_key)

    def sign(data: bytes) -> bytes:
        # RFC 6979 deterministic, low-S (libsecp256k1 normalises); drop the recovery byte.
        return key.sign_recoverable(data)[:64]

    return sign


def pack(msg: Any) -> Any:
    return AnyProto(type_url="/" + msg.DESCRIPTOR.full_name, value=msg.SerializeToString())


def build_tx(
    msgs: Sequence[Any],
    *,
    pubkey: bytes,
    sequence: int,
    account_number: int,
    chain_id: str,
    sign: Signer,
    fee: Iterable[Coin] = (),
    gas_limit: int = 200_000,
    memo: str = "",
    timeout_height: int = 0,
    fee_payer: str = "",
    fee_granter: str = "",
) -> bytes:
    """A signed TxRaw for one signer."""
    body = tx_pb2.TxBody(messages=[pack(m) for m in msgs], memo=memo, timeout_height=timeout_height)
    info = tx_pb2.SignerInfo(
        public_key=AnyProto(
            type_url="/cosmos.crypto.secp256k1.PubKey", value=PubKey(key=pubkey).SerializeToString()
        ),
        mode_info=tx_pb2.ModeInfo(single=tx_pb2.ModeInfo.Single(mode=SIGN_MODE_DIRECT)),
        sequence=sequence,
    )
    auth = tx_pb2.AuthInfo(
        signer_infos=[info],
        fee=tx_pb2.Fee(
            amount=[c.to_proto() for c in fee],
            gas_limit=gas_limit,
            payer=fee_payer,
            granter=fee_granter,
        ),
    )
    body_bytes, auth_bytes = body.SerializeToString(), auth.SerializeToString()
    doc = tx_pb2.SignDoc(
        body_bytes=body_bytes,
        auth_info_bytes=auth_bytes,
        chain_id=chain_id,
        account_number=account_number,
    ).SerializeToString()
    return tx_pb2.TxRaw(
        body_bytes=body_bytes, auth_info_bytes=auth_bytes, signatures=[sign(doc)]
    ).SerializeToString()


def tx_hash(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest().upper()
