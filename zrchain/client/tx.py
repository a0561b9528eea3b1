"""Build and sign Cosmos txs (SIGN_MODE_DIRECT), as cosmpy and the SDK CLI do."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import coincurve
from cosmpy.protos.cosmos.crypto.secp256k1.keys_pb2 import PubKey
from cosmpy.protos.cosmos.tx.signing.v1beta1.signing_pb2 import SIGN_MODE_DIRECT
from cosmpy.protos.cosmos.tx.v1beta1 import tx_pb2
from google.protobuf.any_pb2 import Any as AnyProto
from google.protobuf.message import Message

from zrchain.codec.coins import Coin

Signer = Callable[[bytes], bytes]  # sign bytes -> 64-byte r||s over sha256(bytes)


def private_key_signer(private_key: bytes) -> Signer:
    key = coincurve.PrivateKey(private_key)

    def sign(data: bytes) -> bytes:
        # RFC 6979 deterministic, low-S (libsecp256k1 normalises); drop the recovery byte.
        return key.sign_recoverable(data)[:64]

    return sign


def pack(msg: Message) -> AnyProto:
    return AnyProto(type_url="/" + msg.DESCRIPTOR.full_name, value=msg.SerializeToString())


@dataclass(frozen=True)
class TxSigner:
    """One signer of a tx: its key, account number and sequence (``pubkey=None`` leaves the
    SignerInfo's key empty, for an account whose key is already on chain)."""

    sign: Signer
    pubkey: bytes | None
    account_number: int
    sequence: int


def build_tx(
    msgs: Sequence[Message],
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
    return build_multi_signed_tx(
        msgs,
        [TxSigner(sign, pubkey, account_number, sequence)],
        chain_id=chain_id,
        fee=fee,
        gas_limit=gas_limit,
        memo=memo,
        timeout_height=timeout_height,
        fee_payer=fee_payer,
        fee_granter=fee_granter,
    )


def build_multi_signed_tx(
    msgs: Sequence[Message],
    signers: Sequence[TxSigner],
    *,
    chain_id: str,
    fee: Iterable[Coin] = (),
    gas_limit: int = 200_000,
    memo: str = "",
    timeout_height: int = 0,
    fee_payer: str = "",
    fee_granter: str = "",
) -> bytes:
    """A TxRaw signed by each of ``signers`` in order (the order of the tx's required
    signers: the messages' signers, then a fee payer that is not one of them)."""
    body = tx_pb2.TxBody(messages=[pack(m) for m in msgs], memo=memo, timeout_height=timeout_height)
    auth = tx_pb2.AuthInfo(
        signer_infos=[_signer_info(s) for s in signers],
        fee=tx_pb2.Fee(
            amount=[c.to_proto() for c in fee],
            gas_limit=gas_limit,
            payer=fee_payer,
            granter=fee_granter,
        ),
    )
    body_bytes, auth_bytes = body.SerializeToString(), auth.SerializeToString()
    sigs = [
        s.sign(
            tx_pb2.SignDoc(
                body_bytes=body_bytes,
                auth_info_bytes=auth_bytes,
                chain_id=chain_id,
                account_number=s.account_number,
            ).SerializeToString()
        )
        for s in signers
    ]
    return tx_pb2.TxRaw(
        body_bytes=body_bytes, auth_info_bytes=auth_bytes, signatures=sigs
    ).SerializeToString()


def _signer_info(s: TxSigner) -> tx_pb2.SignerInfo:
    info = tx_pb2.SignerInfo(
        mode_info=tx_pb2.ModeInfo(single=tx_pb2.ModeInfo.Single(mode=SIGN_MODE_DIRECT)),
        sequence=s.sequence,
    )
    if s.pubkey is not None:
        info.public_key.CopyFrom(
            AnyProto(
                type_url="/cosmos.crypto.secp256k1.PubKey",
                value=PubKey(key=s.pubkey).SerializeToString(),
            )
        )
    return info


def tx_hash(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest().upper()
