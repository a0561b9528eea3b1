"""Build and sign Cosmos txs as cosmpy and the SDK CLI do: SIGN_MODE_DIRECT or
SIGN_MODE_LEGACY_AMINO_JSON, by single keys or k-of-n multisig accounts (nested too)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Union, cast

import coincurve
from cosmpy.protos.cosmos.crypto.multisig.v1beta1 import multisig_pb2
from cosmpy.protos.cosmos.crypto.secp256k1.keys_pb2 import PubKey
from cosmpy.protos.cosmos.tx.signing.v1beta1.signing_pb2 import (
    SIGN_MODE_DIRECT,
    SIGN_MODE_DIRECT_AUX,
    SIGN_MODE_LEGACY_AMINO_JSON,
)
from cosmpy.protos.cosmos.tx.v1beta1 import tx_pb2
from google.protobuf.any_pb2 import Any as AnyProto
from google.protobuf.message import Message

from zrchain.codec.coins import Coin
from zrchain.tx import aminojson
from zrchain.tx.signing import BitArray, MultisigKey

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
    mode: int = SIGN_MODE_DIRECT


# A multisig member that signs: a key's signer, or a nested multisig's own members.
Member = Union[Signer, "Members"]
Members = Mapping[int, Member]  # key index in the multisig -> who signs for that key


@dataclass(frozen=True)
class MultisigTxSigner:
    """A multisig account signing: ``members`` maps key indices to signers (in any number;
    the chain checks the threshold). Every member signs in ``mode``."""

    key: MultisigKey
    members: Members
    account_number: int
    sequence: int
    mode: int = SIGN_MODE_DIRECT
    with_pubkey: bool = True


AnySigner = TxSigner | MultisigTxSigner


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
    signers: Sequence[AnySigner],
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

    def sign_bytes(s: AnySigner, mode: int) -> bytes:
        if mode == SIGN_MODE_DIRECT_AUX:  # a tipper/non-payer: the body and its own key only
            key = s.key.to_any() if isinstance(s, MultisigTxSigner) else _secp_any(s.pubkey)
            return tx_pb2.SignDocDirectAux(
                body_bytes=body_bytes,
                public_key=key,
                chain_id=chain_id,
                account_number=s.account_number,
                sequence=s.sequence,
            ).SerializeToString(deterministic=True)
        if mode == SIGN_MODE_LEGACY_AMINO_JSON:
            return aminojson.sign_bytes(
                chain_id=chain_id,
                account_number=s.account_number,
                sequence=s.sequence,
                timeout_height=timeout_height,
                memo=memo,
                msgs=list(body.messages),
                fee_amount=list(auth.fee.amount),
                gas=gas_limit,
                payer=fee_payer,
                granter=fee_granter,
            )
        return tx_pb2.SignDoc(
            body_bytes=body_bytes,
            auth_info_bytes=auth_bytes,
            chain_id=chain_id,
            account_number=s.account_number,
        ).SerializeToString()

    sigs = []
    for s in signers:
        doc = sign_bytes(s, s.mode)
        if isinstance(s, MultisigTxSigner):
            sigs.append(_multi_signature(s.key, s.members, doc))
        else:
            sigs.append(s.sign(doc))
    return tx_pb2.TxRaw(
        body_bytes=body_bytes, auth_info_bytes=auth_bytes, signatures=sigs
    ).SerializeToString()


def _signer_info(s: AnySigner) -> tx_pb2.SignerInfo:
    if isinstance(s, MultisigTxSigner):
        info = tx_pb2.SignerInfo(mode_info=_multi_mode_info(s.key, s.members, s.mode))
        info.sequence = s.sequence
        if s.with_pubkey:
            info.public_key.CopyFrom(s.key.to_any())
        return info
    info = tx_pb2.SignerInfo(
        mode_info=tx_pb2.ModeInfo(single=tx_pb2.ModeInfo.Single(mode=cast(Any, s.mode))),
        sequence=s.sequence,
    )
    if s.pubkey is not None:
        info.public_key.CopyFrom(_secp_any(s.pubkey))
    return info


def _secp_any(pubkey: bytes | None) -> AnyProto:
    if pubkey is None:
        raise ValueError("SIGN_MODE_DIRECT_AUX signs over the signer's public key: give it")
    return AnyProto(
        type_url="/cosmos.crypto.secp256k1.PubKey", value=PubKey(key=pubkey).SerializeToString()
    )


def _multi_mode_info(key: MultisigKey, members: Members, mode: int) -> Any:
    bits = BitArray.of([i in members for i in range(len(key.keys))])
    infos = []
    for i in sorted(members):
        m = members[i]
        sub = key.keys[i]
        if isinstance(m, Mapping) and isinstance(sub, MultisigKey):
            infos.append(_multi_mode_info(sub, m, mode))
        else:
            infos.append(tx_pb2.ModeInfo(single=tx_pb2.ModeInfo.Single(mode=cast(Any, mode))))
    multi = tx_pb2.ModeInfo.Multi(mode_infos=infos)
    multi.bitarray.extra_bits_stored = bits.extra
    multi.bitarray.elems = bits.elems
    return tx_pb2.ModeInfo(multi=multi)


def _multi_signature(key: MultisigKey, members: Members, doc: bytes) -> bytes:
    """``MultiSignature`` bytes: each member's signature in key order (nested ones packed)."""
    out = []
    for i in sorted(members):
        m = members[i]
        sub = key.keys[i]
        if isinstance(m, Mapping) and isinstance(sub, MultisigKey):
            out.append(_multi_signature(sub, m, doc))
        else:
            assert callable(m)
            out.append(m(doc))
    return multisig_pb2.MultiSignature(signatures=out).SerializeToString()


def tx_hash(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest().upper()
