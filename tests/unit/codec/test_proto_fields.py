"""Field numbers, names and types of our messages, checked against zrChain's.

The tables below are transcribed from zrChain's own .proto files (proto/zrchain/{identity,
policy,treasury}/ of zrChain v6), independently of our proto/. Each entry lists *all* fields
of the message, so a missing, extra, renumbered or retyped field fails.
Notation: "<number> <name> <type>" separated by ";"; a type is a proto scalar name, a full
message/enum name, optionally prefixed with "repeated"; "oneof:<name>" marks a oneof member.
"""

from __future__ import annotations

import pytest
from google.protobuf import descriptor_pool
from google.protobuf.descriptor import Descriptor, FieldDescriptor

import zrchain.codec.gen as gen
from zrchain.codec.gen.zrchain.identity import tx_pb2 as identity_tx
from zrchain.codec.gen.zrchain.treasury import key_pb2 as treasury_key
from zrchain.codec.gen.zrchain.treasury import tx_pb2 as treasury_tx
from zrchain.codec.gen.zrchain.treasury import wallet_pb2 as treasury_wallet

gen.import_all()

PAGE_REQ = "cosmos.base.query.v1beta1.PageRequest"
PAGE_RESP = "cosmos.base.query.v1beta1.PageResponse"
ANY = "google.protobuf.Any"

IDENTITY = {
    "Workspace": "1 address string; 2 creator string; 3 owners repeated string;"
    " 4 child_workspaces repeated string; 5 admin_policy_id uint64; 6 sign_policy_id uint64;"
    " 7 alias string",
    "Keyring": "1 address string; 2 creator string; 3 description string;"
    " 4 admins repeated string; 5 parties repeated string; 6 party_threshold uint32;"
    " 7 key_req_fee uint64; 8 sig_req_fee uint64; 9 is_active bool; 10 delegate_fees bool",
    "Params": "1 keyring_creation_fee uint64",
    "GenesisState": "1 params zrchain.identity.Params; 2 port_id string;"
    " 3 keyrings repeated zrchain.identity.Keyring;"
    " 4 workspaces repeated zrchain.identity.Workspace",
    "IdentityPacketData": "1 no_data zrchain.identity.NoData oneof:packet",
    "NoData": "",
    "MsgUpdateParams": "1 authority string; 2 params zrchain.identity.Params",
    "MsgUpdateParamsResponse": "",
    "MsgNewWorkspace": "1 creator string; 2 admin_policy_id uint64; 3 sign_policy_id uint64;"
    " 4 additional_owners repeated string",
    "MsgNewWorkspaceResponse": "1 addr string",
    "MsgAddWorkspaceOwner": "1 creator string; 2 workspace_addr string; 3 new_owner string;"
    " 4 btl uint64",
    "MsgAppendChildWorkspace": "1 creator string; 2 parent_workspace_addr string;"
    " 3 child_workspace_addr string; 4 btl uint64",
    "MsgNewChildWorkspace": "1 creator string; 2 parent_workspace_addr string; 3 btl uint64",
    "MsgNewChildWorkspaceResponse": "1 address string",
    "MsgRemoveWorkspaceOwner": "1 creator string; 2 workspace_addr string; 3 owner string;"
    " 4 btl uint64",
    "MsgUpdateWorkspace": "1 creator string; 2 workspace_addr string; 3 admin_policy_id uint64;"
    " 4 sign_policy_id uint64; 5 btl uint64",
    "MsgNewKeyring": "1 creator string; 2 description string; 3 party_threshold uint32;"
    " 4 key_req_fee uint64; 5 sig_req_fee uint64; 6 delegate_fees bool",
    "MsgNewKeyringResponse": "1 addr string",
    "MsgAddKeyringParty": "1 creator string; 2 keyring_addr string; 3 party string;"
    " 4 increase_threshold bool",
    "MsgUpdateKeyring": "1 creator string; 2 keyring_addr string; 3 party_threshold uint32;"
    " 4 key_req_fee uint64; 5 sig_req_fee uint64; 6 description string; 7 is_active bool",
    "MsgRemoveKeyringParty": "1 creator string; 2 keyring_addr string; 3 party string;"
    " 4 decrease_threshold bool",
    "MsgAddKeyringAdmin": "1 creator string; 2 keyring_addr string; 3 admin string",
    "MsgRemoveKeyringAdmin": "1 creator string; 2 keyring_addr string; 3 admin string",
    "MsgDeactivateKeyring": "1 creator string; 2 keyring_addr string",
    "QueryParamsResponse": "1 params zrchain.identity.Params",
    "QueryWorkspacesRequest": f"1 pagination {PAGE_REQ}; 2 owner string; 3 creator string",
    "QueryWorkspacesResponse": "1 workspaces repeated zrchain.identity.Workspace;"
    f" 2 pagination {PAGE_RESP}",
    "QueryWorkspaceByAddressRequest": "1 workspace_addr string",
    "QueryWorkspaceByAddressResponse": "1 workspace zrchain.identity.Workspace",
    "QueryKeyringsRequest": f"1 pagination {PAGE_REQ}",
    "QueryKeyringsResponse": "1 keyrings repeated zrchain.identity.Keyring;"
    f" 2 pagination {PAGE_RESP}",
    "QueryKeyringByAddressRequest": "1 keyring_addr string",
    "QueryKeyringByAddressResponse": "1 keyring zrchain.identity.Keyring",
}

POLICY = {
    "Policy": f"1 creator string; 2 id uint64; 3 name string; 4 policy {ANY}; 5 btl uint64",
    "BoolparserPolicy": "1 definition string;"
    " 2 participants repeated zrchain.policy.PolicyParticipant",
    "PolicyParticipant": "1 abbreviation string; 2 address string",
    "Action": "1 id uint64; 2 approvers repeated string; 3 status zrchain.policy.ActionStatus;"
    f" 4 policy_id uint64; 5 msg {ANY}; 6 creator string; 7 btl uint64;"
    " 8 policy_data repeated zrchain.policy.KeyValue",
    "KeyValue": "1 key string; 2 value bytes",
    "ActionResponse": "1 id uint64; 2 approvers repeated string; 3 status string;"
    f" 4 policy_id uint64; 5 msg {ANY}; 6 creator string; 7 btl uint64;"
    " 8 policy_data repeated zrchain.policy.KeyValue",
    "SignMethodPasskey": "1 raw_id bytes; 2 attestation_object bytes; 3 client_data_json bytes;"
    " 4 active bool",
    "AdditionalSignaturePasskey": "1 raw_id bytes; 2 authenticator_data bytes;"
    " 3 client_data_json bytes; 4 signature bytes",
    "Params": "1 minimum_btl uint64; 2 default_btl uint64",
    "GenesisState": "1 params zrchain.policy.Params; 2 port_id string;"
    " 3 policies repeated zrchain.policy.Policy; 4 actions repeated zrchain.policy.Action;"
    " 5 sign_methods repeated zrchain.policy.GenesisSignMethod",
    "GenesisSignMethod": f"1 owner string; 2 id string; 3 config {ANY}",
    "PolicyPacketData": "1 no_data zrchain.policy.NoData oneof:packet",
    "MsgUpdateParams": "1 authority string; 2 params zrchain.policy.Params",
    "MsgNewPolicy": f"1 creator string; 2 name string; 3 policy {ANY}; 4 btl uint64",
    "MsgNewPolicyResponse": "1 id uint64",
    "MsgRevokeAction": "1 creator string; 2 action_id uint64",
    "MsgApproveAction": "1 creator string; 2 action_type string; 3 action_id uint64;"
    f" 4 additional_signatures repeated {ANY}",
    "MsgApproveActionResponse": "1 status string",
    "MsgAddSignMethod": f"1 creator string; 2 config {ANY}",
    "MsgRemoveSignMethod": "1 creator string; 2 id string",
    "MsgAddMultiGrant": "1 creator string; 2 grantee string; 3 msgs repeated string",
    "MsgRemoveMultiGrant": "1 creator string; 2 grantee string; 3 msgs repeated string",
    "QueryParamsResponse": "1 params zrchain.policy.Params",
    "QueryActionsRequest": f"1 pagination {PAGE_REQ}; 2 address string;"
    " 3 status zrchain.policy.ActionStatus",
    "QueryActionsResponse": f"1 pagination {PAGE_RESP};"
    " 2 actions repeated zrchain.policy.ActionResponse",
    "QueryPoliciesRequest": f"1 pagination {PAGE_REQ}",
    "QueryPoliciesResponse": f"1 pagination {PAGE_RESP};"
    " 2 policies repeated zrchain.policy.PolicyResponse",
    "PolicyResponse": f"1 policy zrchain.policy.Policy; 2 metadata {ANY}",
    "QueryPolicyByIdRequest": "1 id uint64",
    "QueryPolicyByIdResponse": "1 policy zrchain.policy.PolicyResponse",
    "QuerySignMethodsByAddressRequest": f"1 pagination {PAGE_REQ}; 2 address string",
    "QuerySignMethodsByAddressResponse": f"1 pagination {PAGE_RESP}; 2 config repeated {ANY}",
    "QueryPoliciesByCreatorRequest": f"1 creators repeated string; 2 pagination {PAGE_REQ}",
    "QueryPoliciesByCreatorResponse": "1 policies repeated zrchain.policy.Policy;"
    f" 2 pagination {PAGE_RESP}",
    "QueryActionDetailsByIdRequest": "1 id uint64",
    "QueryActionDetailsByIdResponse": "1 id uint64; 2 action zrchain.policy.Action;"
    " 3 policy zrchain.policy.Policy; 4 approvers repeated string;"
    " 5 pending_approvers repeated string; 6 current_height uint64",
}

T = "zrchain.treasury."
TREASURY = {
    "PartySignature": "1 creator string; 2 signature bytes",
    "KeyRequest": f"1 id uint64; 2 creator string; 3 workspace_addr string;"
    f" 4 keyring_addr string; 5 key_type {T}KeyType; 6 status {T}KeyRequestStatus;"
    " 7 keyring_party_signatures repeated bytes; 8 reject_reason string; 9 index uint64;"
    f" 10 sign_policy_id uint64; 11 zenbtc_metadata {T}ZenBTCMetadata; 12 mpc_btl uint64;"
    f" 13 fee uint64; 14 public_key bytes; 15 keyring_party_sigs repeated {T}PartySignature",
    "Key": f"1 id uint64; 2 workspace_addr string; 3 keyring_addr string; 4 type {T}KeyType;"
    " 5 public_key bytes; 9 index uint64; 10 sign_policy_id uint64;"
    f" 11 zenbtc_metadata {T}ZenBTCMetadata",
    "ZenBTCMetadata": f"1 recipient_addr string; 2 chain_type {T}WalletType; 3 chain_id uint64;"
    " 4 return_address string; 5 caip2_chain_id string; 6 asset zrchain.dct.Asset",
    "SignRequest": f"1 id uint64; 2 creator string; 3 key_id uint64; 4 key_type {T}KeyType;"
    f" 5 data_for_signing repeated bytes; 6 status {T}SignRequestStatus;"
    f" 7 signed_data repeated {T}SignedDataWithID; 8 keyring_party_signatures repeated bytes;"
    f" 9 reject_reason string; 10 metadata {ANY}; 11 parent_req_id uint64;"
    " 12 child_req_ids repeated uint64; 13 cache_id bytes; 14 key_ids repeated uint64;"
    " 15 mpc_btl uint64; 16 fee uint64; 17 zenbtc_tx_bytes bytes;"
    f" 18 keyring_party_sigs repeated {T}PartySignature",
    "SignedDataWithID": "1 sign_request_id uint64; 2 signed_data bytes",
    "SignTransactionRequest": f"1 id uint64; 2 creator string; 3 key_id uint64;"
    f" 4 wallet_type {T}WalletType; 5 unsigned_transaction bytes; 6 sign_request_id uint64;"
    " 7 no_broadcast bool; 8 key_ids repeated uint64",
    "ICATransactionRequest": f"1 id uint64; 2 creator string; 3 key_id uint64;"
    f" 4 key_type {T}KeyType; 5 input_msg bytes; 6 status {T}SignRequestStatus;"
    f" 7 signed_data repeated bytes; 8 keyring_party_signatures repeated {T}PartySignature;"
    " 9 reject_reason string",
    "MetadataEthereum": "1 chain_id uint64",
    "MetadataSolana": f"1 network {T}SolanaNetworkType; 2 mintAddress string",
    "Params": "1 mpc_keyring string; 2 zr_sign_address string; 3 keyring_commission uint64;"
    " 4 keyring_commission_destination string; 5 min_gas_fee string; 6 default_btl uint64",
    "GenesisState": f"1 params {T}Params; 2 port_id string; 3 keys repeated {T}Key;"
    f" 4 key_requests repeated {T}KeyRequest; 5 sign_requests repeated {T}SignRequest;"
    f" 6 sign_tx_requests repeated {T}SignTransactionRequest;"
    f" 7 ica_tx_requests repeated {T}ICATransactionRequest",
    "TreasuryPacketData": f"1 no_data {T}NoData oneof:packet",
    "MsgUpdateParams": f"1 authority string; 2 params {T}Params",
    "MsgNewKeyRequest": "1 creator string; 2 workspace_addr string; 3 keyring_addr string;"
    " 4 key_type string; 5 btl uint64; 6 index uint64; 7 ext_requester string;"
    f" 8 ext_key_type uint64; 9 sign_policy_id uint64; 10 zenbtc_metadata {T}ZenBTCMetadata;"
    " 11 mpc_btl uint64",
    "MsgNewKeyRequestResponse": "1 key_req_id uint64",
    "MsgFulfilKeyRequest": f"1 creator string; 2 request_id uint64;"
    f" 3 status {T}KeyRequestStatus; 4 key {T}MsgNewKey oneof:result;"
    " 5 reject_reason string oneof:result; 6 keyring_party_signature bytes",
    "MsgNewKey": "1 public_key bytes",
    "MsgNewSignatureRequest": "1 creator string; 2 key_ids repeated uint64;"
    " 3 data_for_signing string; 4 btl uint64; 5 cache_id bytes; 6 verify_signing_data bytes;"
    f" 7 verify_signing_data_version {T}VerificationVersion; 8 mpc_btl uint64;"
    " 9 zenbtc_tx_bytes bytes",
    "MsgNewSignatureRequestResponse": "1 sig_req_id uint64",
    "MsgFulfilSignatureRequest": f"1 creator string; 2 request_id uint64;"
    f" 3 status {T}SignRequestStatus; 4 keyring_party_signature bytes; 5 signed_data bytes;"
    " 6 reject_reason string",
    "MsgNewSignTransactionRequest": f"1 creator string; 2 key_id uint64;"
    f" 3 wallet_type {T}WalletType; 4 unsigned_transaction bytes; 5 metadata {ANY};"
    " 6 btl uint64; 7 cache_id bytes; 8 no_broadcast bool; 9 mpc_btl uint64;"
    " 10 key_ids repeated uint64",
    "MsgNewSignTransactionRequestResponse": "1 id uint64; 2 signature_request_id uint64",
    "MsgNewZrSignSignatureRequest": "1 creator string; 2 address string; 3 key_type uint64;"
    " 4 wallet_index uint64; 5 cache_id bytes; 6 data string; 7 verify_signing_data bytes;"
    f" 8 verify_signing_data_version {T}VerificationVersion; 9 wallet_type {T}WalletType;"
    f" 10 metadata {ANY}; 11 no_broadcast bool; 12 btl uint64; 13 tx bool",
    "MsgNewZrSignSignatureRequestResponse": "1 req_id uint64",
    "MsgUpdateKeyPolicy": "1 creator string; 2 key_id uint64; 3 sign_policy_id uint64",
    "MsgTransferFromKeyring": "1 creator string; 2 keyring string; 3 recipient string;"
    " 4 amount uint64; 5 denom string",
    "MsgNewICATransactionRequest": "1 creator string; 2 key_id uint64; 3 input_payload string;"
    " 4 connection_id string; 5 relative_timeout_timestamp uint64; 6 btl uint64",
    "MsgNewICATransactionRequestResponse": "1 id uint64; 2 signature_request_id uint64",
    "MsgFulfilICATransactionRequest": f"1 creator string; 2 request_id uint64;"
    f" 3 status {T}SignRequestStatus; 4 keyring_party_signature bytes; 5 signed_data bytes;"
    " 6 reject_reason string",
    "KeyResponse": "1 id uint64; 2 workspace_addr string; 3 keyring_addr string; 4 type string;"
    " 5 public_key bytes; 9 index uint64; 10 sign_policy_id uint64;"
    f" 11 zenbtc_metadata {T}ZenBTCMetadata",
    "KeyReqResponse": "1 id uint64; 2 creator string; 3 workspace_addr string;"
    " 4 keyring_addr string; 5 key_type string; 6 status string;"
    f" 7 keyring_party_signatures repeated {T}PartySignature; 8 reject_reason string;"
    f" 9 index uint64; 10 sign_policy_id uint64; 11 zenbtc_metadata {T}ZenBTCMetadata;"
    " 12 mpc_btl uint64; 13 fee uint64; 14 public_key bytes",
    "SignReqResponse": "1 id uint64; 2 creator string; 3 key_ids repeated uint64;"
    " 4 key_type string; 5 data_for_signing repeated bytes; 6 status string;"
    f" 7 signed_data repeated {T}SignedDataWithID;"
    f" 8 keyring_party_sigs repeated {T}PartySignature; 9 reject_reason string;"
    f" 10 metadata {ANY}; 11 parent_req_id uint64; 12 child_req_ids repeated uint64;"
    " 13 cache_id bytes; 14 mpc_btl uint64; 15 fee uint64; 16 zenbtc_tx_bytes bytes",
    "SignTxReqResponse": "1 id uint64; 2 creator string; 3 key_id uint64; 4 wallet_type string;"
    " 5 unsigned_transaction bytes; 6 sign_request_id uint64; 7 no_broadcast bool;"
    " 8 mpc_btl uint64; 9 key_ids repeated uint64",
    "WalletResponse": "1 address string; 2 type string",
    "KeyAndWalletResponse": f"1 key {T}KeyResponse; 2 wallets repeated {T}WalletResponse",
    "QueryParamsResponse": f"1 params {T}Params",
    "QueryKeyRequestsRequest": f"1 keyring_addr string; 2 status {T}KeyRequestStatus;"
    f" 3 workspace_addr string; 4 pagination {PAGE_REQ}",
    "QueryKeyRequestsResponse": f"1 key_requests repeated {T}KeyReqResponse;"
    f" 2 pagination {PAGE_RESP}",
    "QueryKeyRequestByIDRequest": "1 id uint64",
    "QueryKeyRequestByIDResponse": f"1 key_request {T}KeyReqResponse",
    "QueryKeysRequest": f"1 workspace_addr string; 2 wallet_type {T}WalletType;"
    f" 3 prefixes repeated string; 4 pagination {PAGE_REQ}",
    "QueryKeysResponse": f"1 keys repeated {T}KeyAndWalletResponse; 2 pagination {PAGE_RESP}",
    "QueryKeyByIDRequest": f"1 id uint64; 2 wallet_type {T}WalletType; 3 prefixes repeated string",
    "QueryKeyByIDResponse": f"1 key {T}KeyResponse; 2 wallets repeated {T}WalletResponse",
    "QuerySignatureRequestsRequest": f"1 keyring_addr string; 2 status {T}SignRequestStatus;"
    f" 3 pagination {PAGE_REQ}",
    "QuerySignatureRequestsResponse": f"1 sign_requests repeated {T}SignReqResponse;"
    f" 2 pagination {PAGE_RESP}",
    "QuerySignatureRequestByIDResponse": f"1 sign_request {T}SignReqResponse",
    "QuerySignTransactionRequestsRequest": "1 request_id uint64; 2 key_id uint64;"
    f" 3 wallet_type {T}WalletType; 4 status {T}SignRequestStatus; 5 pagination {PAGE_REQ}",
    "QuerySignTransactionRequestsResponse": "1 sign_transaction_requests repeated"
    f" {T}SignTransactionRequestsResponse; 2 pagination {PAGE_RESP}",
    "SignTransactionRequestsResponse": f"1 sign_transaction_requests {T}SignTxReqResponse;"
    f" 2 sign_request {T}SignReqResponse",
    "QuerySignTransactionRequestByIDResponse": f"1 sign_transaction_request {T}SignTxReqResponse",
    "QueryZrSignKeysRequest": f"1 address string; 2 walletType string; 3 pagination {PAGE_REQ}",
    "ZrSignKeyEntry": "1 walletType string; 2 address string; 3 index uint64; 4 id uint64",
    "QueryZrSignKeysResponse": f"1 Keys repeated {T}ZrSignKeyEntry; 2 pagination {PAGE_RESP}",
    "QueryKeyByAddressRequest": f"1 address string; 2 keyring_addr string;"
    f" 3 key_type {T}KeyType; 4 wallet_type {T}WalletType; 5 prefixes repeated string",
    "QueryKeyByAddressResponse": f"1 response {T}KeyAndWalletResponse",
    "QueryZenbtcWalletsRequest": f"1 recipient_addr string; 2 chain_type {T}WalletType;"
    f" 3 mint_chain_id string; 4 return_addr string; 5 pagination {PAGE_REQ}",
    "QueryZenbtcWalletsResponse": f"1 zenbtc_wallets repeated {T}KeyAndWalletResponse;"
    f" 2 pagination {PAGE_RESP}",
    "QueryDctWalletsRequest": f"1 asset_type zrchain.dct.Asset; 2 wallet_type {T}WalletType;"
    f" 3 mint_chain_id string; 4 recipient_addr string; 5 pagination {PAGE_REQ}",
    "QueryDctWalletsResponse": f"1 dct_wallets repeated {T}KeyAndWalletResponse;"
    f" 2 pagination {PAGE_RESP}",
}

MINT = {  # zrChain's proto/zrchain/mint/v1beta1/*.proto
    "Minter": "1 inflation string; 2 annual_provisions string",
    "Params": "1 mint_denom string; 2 inflation_rate_change string; 3 inflation_max string;"
    " 4 inflation_min string; 5 goal_bonded string; 6 blocks_per_year uint64;"
    " 7 staking_yield string; 8 burn_rate string; 9 protocol_wallet_rate string;"
    " 10 protocol_wallet_address string; 11 additional_staking_rewards string;"
    " 12 additional_mpc_rewards string; 13 additional_burn_rate string",
    "GenesisState": "1 minter zrchain.mint.v1beta1.Minter; 2 params zrchain.mint.v1beta1.Params",
    "MsgUpdateParams": "1 authority string; 2 params zrchain.mint.v1beta1.Params",
    "MsgUpdateParamsResponse": "",
    "QueryParamsRequest": "",
    "QueryParamsResponse": "1 params zrchain.mint.v1beta1.Params",
    "QueryInflationRequest": "",
    "QueryInflationResponse": "1 inflation bytes",
    "QueryAnnualProvisionsRequest": "",
    "QueryAnnualProvisionsResponse": "1 annual_provisions bytes",
}

COSMOS = {
    "PageRequest": "1 key bytes; 2 offset uint64; 3 limit uint64; 4 count_total bool;"
    " 5 reverse bool",
    "PageResponse": "1 next_key bytes; 2 total uint64",
}

ENUMS = {
    "zrchain.policy.ActionStatus": "0 ACTION_STATUS_UNSPECIFIED; 1 ACTION_STATUS_PENDING;"
    " 2 ACTION_STATUS_COMPLETED; 3 ACTION_STATUS_REVOKED; 4 ACTION_STATUS_TIMEOUT",
    "zrchain.treasury.KeyRequestStatus": "0 KEY_REQUEST_STATUS_UNSPECIFIED;"
    " 1 KEY_REQUEST_STATUS_PENDING; 2 KEY_REQUEST_STATUS_PARTIAL;"
    " 3 KEY_REQUEST_STATUS_FULFILLED; 4 KEY_REQUEST_STATUS_REJECTED",
    "zrchain.treasury.SignRequestStatus": "0 SIGN_REQUEST_STATUS_UNSPECIFIED;"
    " 1 SIGN_REQUEST_STATUS_PENDING; 2 SIGN_REQUEST_STATUS_PARTIAL;"
    " 3 SIGN_REQUEST_STATUS_FULFILLED; 4 SIGN_REQUEST_STATUS_REJECTED",
    "zrchain.treasury.KeyType": "0 KEY_TYPE_UNSPECIFIED; 1 KEY_TYPE_ECDSA_SECP256K1;"
    " 2 KEY_TYPE_EDDSA_ED25519; 3 KEY_TYPE_BITCOIN_SECP256K1",
    "zrchain.treasury.WalletType": "0 WALLET_TYPE_UNSPECIFIED; 1 WALLET_TYPE_NATIVE;"
    " 2 WALLET_TYPE_EVM; 3 WALLET_TYPE_BTC_TESTNET; 4 WALLET_TYPE_BTC_MAINNET;"
    " 5 WALLET_TYPE_BTC_REGNET; 6 WALLET_TYPE_SOLANA; 7 WALLET_TYPE_ZCASH_MAINNET;"
    " 8 WALLET_TYPE_ZCASH_TESTNET",
    "zrchain.treasury.VerificationVersion": "0 UNKNOWN; 1 BITCOIN_PLUS",
    "zrchain.treasury.SolanaNetworkType": "0 UNDEFINED; 1 MAINNET; 2 DEVNET; 3 TESTNET; 4 REGNET",
    "zrchain.dct.Asset": "0 ASSET_UNSPECIFIED; 1 ASSET_ZENBTC; 2 ASSET_ZENZEC",
}

_SCALARS = {
    FieldDescriptor.TYPE_STRING: "string",
    FieldDescriptor.TYPE_BYTES: "bytes",
    FieldDescriptor.TYPE_BOOL: "bool",
    FieldDescriptor.TYPE_UINT64: "uint64",
    FieldDescriptor.TYPE_UINT32: "uint32",
    FieldDescriptor.TYPE_INT64: "int64",
    FieldDescriptor.TYPE_INT32: "int32",
}


def _describe(desc: Descriptor) -> set[str]:
    out = set()
    for f in desc.fields:
        if f.type == FieldDescriptor.TYPE_MESSAGE:
            typ = f.message_type.full_name
        elif f.type == FieldDescriptor.TYPE_ENUM:
            typ = f.enum_type.full_name
        else:
            typ = _SCALARS[f.type]
        if f.label == FieldDescriptor.LABEL_REPEATED:
            typ = f"repeated {typ}"
        text = f"{f.number} {f.name} {typ}"
        if f.containing_oneof is not None:
            text += f" oneof:{f.containing_oneof.name}"
        out.add(text)
    return out


def _parse(table: str) -> set[str]:
    return {" ".join(part.split()) for part in table.split(";") if part.strip()}


CASES = [
    *((f"zrchain.identity.{k}", v) for k, v in IDENTITY.items()),
    *((f"zrchain.policy.{k}", v) for k, v in POLICY.items()),
    *((f"zrchain.treasury.{k}", v) for k, v in TREASURY.items()),
    *((f"zrchain.mint.v1beta1.{k}", v) for k, v in MINT.items()),
    *((f"cosmos.base.query.v1beta1.{k}", v) for k, v in COSMOS.items()),
]


@pytest.mark.parametrize(("full_name", "table"), CASES, ids=[c[0] for c in CASES])
def test_message_fields_match_spec(full_name: str, table: str) -> None:
    desc = descriptor_pool.Default().FindMessageTypeByName(full_name)
    assert _describe(desc) == _parse(table)


@pytest.mark.parametrize(("full_name", "table"), list(ENUMS.items()), ids=list(ENUMS))
def test_enum_values_match_spec(full_name: str, table: str) -> None:
    enum = descriptor_pool.Default().FindEnumTypeByName(full_name)
    assert {f"{v.number} {v.name}" for v in enum.values} == _parse(table)


def test_wire_bytes_by_hand() -> None:
    """Hand-encoded wire bytes, independent of any descriptor."""
    msg = identity_tx.MsgNewWorkspace(
        creator="a", admin_policy_id=1, sign_policy_id=2, additional_owners=["b", "c"]
    )
    expected = b"\x0a\x01a" + b"\x10\x01" + b"\x18\x02" + b"\x22\x01b" + b"\x22\x01c"
    assert msg.SerializeToString() == expected

    zr = treasury_tx.MsgNewZrSignSignatureRequest(
        creator="z",
        key_type=60,
        wallet_type=treasury_wallet.WALLET_TYPE_EVM,
        tx=True,
        verify_signing_data_version=treasury_tx.BITCOIN_PLUS,
    )
    # 1:"z"  3:60  8:BITCOIN_PLUS(1)  9:WALLET_TYPE_EVM(2)  13:true (tag 13<<3 = 0x68)
    expected = b"\x0a\x01z" + b"\x18\x3c" + b"\x40\x01" + b"\x48\x02" + b"\x68\x01"
    assert zr.SerializeToString() == expected

    fulfil = treasury_tx.MsgFulfilKeyRequest(
        creator="p",
        request_id=7,
        status=treasury_key.KEY_REQUEST_STATUS_FULFILLED,
        key=treasury_tx.MsgNewKey(public_key=b"\x02\x01"),
        keyring_party_signature=b"\xff",
    )
    expected = (
        b"\x0a\x01p" + b"\x10\x07" + b"\x18\x03" + b"\x22\x04\x0a\x02\x02\x01" + b"\x32\x01\xff"
    )
    assert fulfil.SerializeToString() == expected
    assert treasury_tx.MsgFulfilKeyRequest.FromString(expected) == fulfil
