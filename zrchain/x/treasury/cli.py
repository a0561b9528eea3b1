"""``zrchaind tx treasury …`` and ``zrchaind q treasury …`` (zrChain's autocli shapes,
docs/node-compat.md, *CLI*, and docs/treasury.md, *CLI*): positional args in zrChain's order, other
fields as kebab-case
flags, enum values in kebab case (``fulfilled``, ``btc-testnet``) or by name or number,
bytes as a file path, hex or base64, repeated scalars comma-separated.

One addition: the ``keyring_party_signature`` argument of the fulfil commands may be
``auto``; the CLI then signs the answer with the ``--from`` key over the canonical
payload of ``zrchain.x.treasury.party`` (docs/treasury.md).
"""

from __future__ import annotations

from typing import Any

import click

from zrchain.cli.args import any_arg, bool_arg, bytes_arg, enum_arg, ids_arg, json_msg_arg, uint_arg
from zrchain.cli.autocli import Query, add_queries
from zrchain.cli.tx_cmds import TxContext, broadcast, tx_flags
from zrchain.codec.gen.zrchain.treasury import key_pb2, mpcsign_pb2, tx_pb2, wallet_pb2
from zrchain.codec.gen.zrchain.treasury import query_pb2 as q
from zrchain.x.treasury.party import KIND_KEY, KIND_SIGNATURE, party_signature_payload


def _party_signature(text: str, tx: TxContext, kind: str, request_id: int, result: bytes) -> bytes:
    if text != "auto":
        return bytes_arg(text, "keyring_party_signature")
    from zrchain.client.chain import ChainClient

    key = tx.signer()
    chain_id = tx.chain_id or ChainClient(tx.node).chain_id
    payload = party_signature_payload(chain_id, kind, request_id, result)
    return bytes(tx.keyring().sign(key.name, payload))


def _btl(f: Any) -> Any:
    return click.option("--btl", default="0", help="blocks to live of the policy action")(f)


def _mpc_btl(f: Any) -> Any:
    return click.option("--mpc-btl", default="0", help="ignored (as in zrChain)")(f)


# -- tx ----------------------------------------------------------------------------------------
@click.group("treasury")
def tx_group() -> None:
    """treasury transactions subcommands."""


@tx_group.command("new-key-request")
@click.argument("workspace_addr")
@click.argument("keyring_addr")
@click.argument("key_type")
@_btl
@click.option("--index", default="0")
@click.option("--ext-requester", default="", help="zrSign: the external owner address")
@click.option("--ext-key-type", default="0", help="zrSign: coin type 0, 1, 60 or 501")
@click.option("--sign-policy-id", default="0")
@click.option("--zenbtc-metadata", default="", help="ZenBTCMetadata as JSON")
@_mpc_btl
@tx_flags
def new_key_request(
    workspace_addr: str,
    keyring_addr: str,
    key_type: str,
    btl: str,
    index: str,
    ext_requester: str,
    ext_key_type: str,
    sign_policy_id: str,
    zenbtc_metadata: str,
    mpc_btl: str,
    tx: TxContext,
) -> None:
    """new-key-request [workspace-addr] [keyring-addr] [ecdsa|ed25519|eddsa|bitcoin|btc]"""
    msg = tx_pb2.MsgNewKeyRequest(
        creator=tx.address,
        workspace_addr=workspace_addr,
        keyring_addr=keyring_addr,
        key_type=key_type,
        btl=uint_arg(btl, "btl"),
        index=uint_arg(index, "index"),
        ext_requester=ext_requester,
        ext_key_type=uint_arg(ext_key_type, "ext-key-type"),
        sign_policy_id=uint_arg(sign_policy_id, "sign-policy-id"),
        mpc_btl=uint_arg(mpc_btl, "mpc-btl"),
    )
    if zenbtc_metadata:
        msg.zenbtc_metadata.CopyFrom(
            json_msg_arg(zenbtc_metadata, key_pb2.ZenBTCMetadata, "--zenbtc-metadata")
        )
    broadcast(tx, [msg])


@tx_group.command("fulfil-key-request")
@click.argument("request_id")
@click.argument("status")
@click.argument("keyring_party_signature")
@click.option("--key", default="", help='MsgNewKey JSON: {"public_key": "<base64>"}')
@click.option("--reject-reason", default=None)
@tx_flags
def fulfil_key_request(
    request_id: str,
    status: str,
    keyring_party_signature: str,
    key: str,
    reject_reason: str | None,
    tx: TxContext,
) -> None:
    """fulfil-key-request [request-id] [fulfilled|rejected] [keyring-party-signature|auto]
    --key '{"public_key":"<base64>"}' | --reject-reason [text]"""
    rid = uint_arg(request_id, "request-id")
    msg = tx_pb2.MsgFulfilKeyRequest(
        creator=tx.address,
        request_id=rid,
        status=enum_arg(status, key_pb2.KeyRequestStatus, "KEY_REQUEST_STATUS_", "status"),
    )
    if key:
        msg.key.CopyFrom(json_msg_arg(key, tx_pb2.MsgNewKey, "--key"))
    elif reject_reason is not None:
        msg.reject_reason = reject_reason
    msg.keyring_party_signature = _party_signature(
        keyring_party_signature, tx, KIND_KEY, rid, bytes(msg.key.public_key)
    )
    broadcast(tx, [msg])


@tx_group.command("new-signature-request")
@click.argument("key_ids")
@click.argument("data_for_signing")
@_btl
@click.option("--cache-id", default="", help="bytes (hex or base64)")
@click.option("--verify-signing-data", default="", help="bytes: a Bitcoin tx")
@click.option("--verify-signing-data-version", default="unknown", help="unknown|bitcoin-plus")
@_mpc_btl
@click.option("--zenbtc-tx-bytes", default="", help="ignored (as in zrChain)")
@tx_flags
def new_signature_request(
    key_ids: str,
    data_for_signing: str,
    btl: str,
    cache_id: str,
    verify_signing_data: str,
    verify_signing_data_version: str,
    mpc_btl: str,
    zenbtc_tx_bytes: str,
    tx: TxContext,
) -> None:
    """new-signature-request [key-ids, e.g. 1,2] [data-for-signing: hex, comma-separated]"""
    msg = tx_pb2.MsgNewSignatureRequest(
        creator=tx.address,
        key_ids=ids_arg(key_ids, "key-ids"),
        data_for_signing=data_for_signing,
        btl=uint_arg(btl, "btl"),
        cache_id=bytes_arg(cache_id, "--cache-id"),
        verify_signing_data=bytes_arg(verify_signing_data, "--verify-signing-data"),
        verify_signing_data_version=enum_arg(
            verify_signing_data_version, tx_pb2.VerificationVersion, "", "version"
        ),
        mpc_btl=uint_arg(mpc_btl, "mpc-btl"),
        zenbtc_tx_bytes=bytes_arg(zenbtc_tx_bytes, "--zenbtc-tx-bytes"),
    )
    broadcast(tx, [msg])


@tx_group.command("fulfil-signature-request")
@click.argument("request_id")
@click.argument("status")
@click.argument("keyring_party_signature")
@click.option("--signed-data", default="", help="bytes (hex or base64)")
@click.option("--reject-reason", default="")
@tx_flags
def fulfil_signature_request(
    request_id: str,
    status: str,
    keyring_party_signature: str,
    signed_data: str,
    reject_reason: str,
    tx: TxContext,
) -> None:
    """fulfil-signature-request [request-id] [fulfilled|partial|rejected]
    [keyring-party-signature|auto] --signed-data [sig] | --reject-reason [text]"""
    rid = uint_arg(request_id, "request-id")
    sig = bytes_arg(signed_data, "--signed-data")
    msg = tx_pb2.MsgFulfilSignatureRequest(
        creator=tx.address,
        request_id=rid,
        status=enum_arg(status, mpcsign_pb2.SignRequestStatus, "SIGN_REQUEST_STATUS_", "status"),
        signed_data=sig,
        reject_reason=reject_reason,
    )
    msg.keyring_party_signature = _party_signature(
        keyring_party_signature, tx, KIND_SIGNATURE, rid, sig
    )
    broadcast(tx, [msg])


@tx_group.command("new-sign-transaction-request")
@click.argument("key_ids")
@click.argument("wallet_type")
@click.argument("unsigned_transaction")
@click.option("--key-id", default="0", help="deprecated, ignored")
@click.option("--metadata", default="", help='Any JSON, e.g. {"@type": ...MetadataEthereum}')
@_btl
@click.option("--cache-id", default="")
@click.option("--no-broadcast", is_flag=False, flag_value="true", default="false")
@_mpc_btl
@tx_flags
def new_sign_transaction_request(
    key_ids: str,
    wallet_type: str,
    unsigned_transaction: str,
    key_id: str,
    metadata: str,
    btl: str,
    cache_id: str,
    no_broadcast: str,
    mpc_btl: str,
    tx: TxContext,
) -> None:
    """new-sign-transaction-request [key-ids] [wallet-type, e.g. evm] [unsigned-tx (hex)]"""
    msg = tx_pb2.MsgNewSignTransactionRequest(
        creator=tx.address,
        key_ids=ids_arg(key_ids, "key-ids"),
        key_id=uint_arg(key_id, "key-id"),
        wallet_type=enum_arg(wallet_type, wallet_pb2.WalletType, "WALLET_TYPE_", "wallet-type"),
        unsigned_transaction=bytes_arg(unsigned_transaction, "unsigned-transaction"),
        btl=uint_arg(btl, "btl"),
        cache_id=bytes_arg(cache_id, "--cache-id"),
        no_broadcast=bool_arg(no_broadcast, "--no-broadcast"),
        mpc_btl=uint_arg(mpc_btl, "mpc-btl"),
    )
    if metadata:
        msg.metadata.CopyFrom(any_arg(metadata, "--metadata"))
    broadcast(tx, [msg])


@tx_group.command("new-zr-sign-signature-request")
@click.argument("address")
@click.argument("wallet_type")
@click.argument("wallet_index")
@click.option("--key-type", default="0", help="zrSign coin type (alias of the workspace)")
@click.option("--cache-id", default="")
@click.option("--data", default="", help="hex: hash(es) or, with --tx, an unsigned tx")
@click.option("--verify-signing-data", default="")
@click.option("--verify-signing-data-version", default="unknown")
@click.option("--metadata", default="")
@click.option("--no-broadcast", is_flag=False, flag_value="true", default="false")
@_btl
@click.option("--tx", "tx_mode", is_flag=False, flag_value="true", default="false")
@tx_flags
def new_zr_sign_signature_request(
    address: str,
    wallet_type: str,
    wallet_index: str,
    key_type: str,
    cache_id: str,
    data: str,
    verify_signing_data: str,
    verify_signing_data_version: str,
    metadata: str,
    no_broadcast: str,
    btl: str,
    tx_mode: str,
    tx: TxContext,
) -> None:
    """new-zr-sign-signature-request [address] [wallet-type] [wallet-index] --key-type [60]"""
    msg = tx_pb2.MsgNewZrSignSignatureRequest(
        creator=tx.address,
        address=address,
        key_type=uint_arg(key_type, "key-type"),
        wallet_index=uint_arg(wallet_index, "wallet-index"),
        cache_id=bytes_arg(cache_id, "--cache-id"),
        data=data,
        verify_signing_data=bytes_arg(verify_signing_data, "--verify-signing-data"),
        verify_signing_data_version=enum_arg(
            verify_signing_data_version, tx_pb2.VerificationVersion, "", "version"
        ),
        wallet_type=enum_arg(wallet_type, wallet_pb2.WalletType, "WALLET_TYPE_", "wallet-type"),
        no_broadcast=bool_arg(no_broadcast, "--no-broadcast"),
        btl=uint_arg(btl, "btl"),
        tx=bool_arg(tx_mode, "--tx"),
    )
    if metadata:
        msg.metadata.CopyFrom(any_arg(metadata, "--metadata"))
    broadcast(tx, [msg])


@tx_group.command("update-key-policy")
@click.argument("key_id")
@click.argument("sign_policy_id")
@tx_flags
def update_key_policy(key_id: str, sign_policy_id: str, tx: TxContext) -> None:
    """update-key-policy [key-id] [sign-policy-id]"""
    msg = tx_pb2.MsgUpdateKeyPolicy(
        creator=tx.address,
        key_id=uint_arg(key_id, "key-id"),
        sign_policy_id=uint_arg(sign_policy_id, "sign-policy-id"),
    )
    broadcast(tx, [msg])


@tx_group.command("transfer-from-keyring")
@click.argument("keyring")
@click.argument("recipient")
@click.argument("amount")
@click.argument("denom")
@tx_flags
def transfer_from_keyring(
    keyring: str, recipient: str, amount: str, denom: str, tx: TxContext
) -> None:
    """transfer-from-keyring [keyring] [recipient] [amount] [denom]"""
    msg = tx_pb2.MsgTransferFromKeyring(
        creator=tx.address,
        keyring=keyring,
        recipient=recipient,
        amount=uint_arg(amount, "amount"),
        denom=denom,
    )
    broadcast(tx, [msg])


@tx_group.command("new-ica-transaction-request")
@click.option("--key-id", default="0")
@click.option("--input-payload", default="")
@click.option("--connection-id", default="")
@click.option("--relative-timeout-timestamp", default="0")
@_btl
@tx_flags
def new_ica_transaction_request(
    key_id: str,
    input_payload: str,
    connection_id: str,
    relative_timeout_timestamp: str,
    btl: str,
    tx: TxContext,
) -> None:
    """Interchain-account request (decoded, then refused: not supported by this chain)."""
    msg = tx_pb2.MsgNewICATransactionRequest(
        creator=tx.address,
        key_id=uint_arg(key_id, "key-id"),
        input_payload=input_payload,
        connection_id=connection_id,
        relative_timeout_timestamp=uint_arg(relative_timeout_timestamp, "timeout"),
        btl=uint_arg(btl, "btl"),
    )
    broadcast(tx, [msg])


@tx_group.command("fulfil-ica-transaction-request")
@click.option("--request-id", default="0")
@click.option("--status", default="unspecified")
@click.option("--keyring-party-signature", default="")
@click.option("--signed-data", default="")
@click.option("--reject-reason", default="")
@tx_flags
def fulfil_ica_transaction_request(
    request_id: str,
    status: str,
    keyring_party_signature: str,
    signed_data: str,
    reject_reason: str,
    tx: TxContext,
) -> None:
    """Interchain-account fulfilment (decoded, then refused: not supported by this chain)."""
    msg = tx_pb2.MsgFulfilICATransactionRequest(
        creator=tx.address,
        request_id=uint_arg(request_id, "request-id"),
        status=enum_arg(status, mpcsign_pb2.SignRequestStatus, "SIGN_REQUEST_STATUS_", "status"),
        keyring_party_signature=bytes_arg(keyring_party_signature, "signature"),
        signed_data=bytes_arg(signed_data, "--signed-data"),
        reject_reason=reject_reason,
    )
    broadcast(tx, [msg])


# -- queries -------------------------------------------------------------------------------------
query_group = click.Group("treasury", help="Querying commands for the treasury module.")
add_queries(
    query_group,
    q.DESCRIPTOR.services_by_name["Query"],
    {
        "Params": Query("The module's parameters."),
        "KeyRequests": Query("Key requests, optionally by keyring, status and workspace."),
        "KeyRequestByID": Query("One key request: key-request-by-id [id]."),
        "Keys": Query(
            "Keys with their wallets, optionally by workspace and wallet type.",
            flag_help={"prefixes": "bech32 prefixes for native wallets, e.g. zen,cosmos"},
        ),
        "KeyByID": Query("One key with its wallets: key-by-id [id] --wallet-type [evm].", ("id",)),
        "SignatureRequests": Query("Signature requests, optionally by keyring and status."),
        "SignatureRequestByID": Query("One signature request: signature-request-by-id [id]."),
        "SignTransactionRequests": Query(
            "Sign-transaction requests with their signature requests.",
            flag_help={"request_id": "ignored (as in zrChain)"},
        ),
        "SignTransactionRequestByID": Query(
            "One sign-transaction request: sign-transaction-request-by-id [id]."
        ),
        "ZrSignKeys": Query(
            "Keys of a zrSign owner: zr-sign-keys [address] --wallet-type [60].",
            ("address",),
            flag_help={"walletType": 'zrSign coin type alias, e.g. "60"'},
        ),
        "KeyByAddress": Query(
            "The key whose wallet has this address: key-by-address [address] --wallet-type [evm]."
        ),
        "ZenbtcWallets": Query(
            "zenBTC deposit keys (zenBTC itself is not part of this chain: usually empty)."
        ),
        "DctWallets": Query(
            "DCT deposit keys (DCT itself is not part of this chain: usually empty)."
        ),
    },
)
