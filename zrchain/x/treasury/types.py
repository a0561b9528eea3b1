"""x/treasury constants: codespace errors, module accounts, events, enum helpers.

Kept apart from the keeper so the CLI, the MPC keeper and the EVM bridge can import names
without importing the state machine.
"""

from __future__ import annotations

from zrchain.codec.any import type_url
from zrchain.codec.gen.zrchain.treasury import key_pb2, mpcsign_pb2, params_pb2, tx_pb2, wallet_pb2
from zrchain.errors import PlainError, register
from zrchain.x.policy.types import GOV_AUTHORITY

MODULE = "treasury"
STORE_KEY = "treasury"
PORT_ID = "treasury"
DENOM = "urock"

# Module accounts (zrChain's app.go, no permissions).
KEYRING_ESCROW = "keyring_escrow"  # holds request fees until completion, rejection or timeout
KEYRING_COLLECTOR = "keyring_collector"  # commission and delegated keyring fees

AUTHORITY = GOV_AUTHORITY
DEFAULT_MPC_BLOCKS = 20  # params.default_btl == 0 means this many blocks
MAX_TIMEOUTS_PER_BLOCK = 100  # per request kind; the rest wait for the next block
MAX_REJECT_REASON = 512

DEFAULT_PARAMS = params_pb2.Params(min_gas_fee="0.0001urock")

# Codespace "treasury", zrChain's codes (x/treasury/types/errors.go).
ErrInvalidSigner = register(
    MODULE, 1100, "expected gov account as only signer for proposal message"
)
ErrSample = register(MODULE, 1101, "sample error")
ErrInvalidPacketTimeout = register(MODULE, 1500, "invalid packet timeout")
ErrInvalidVersion = register(MODULE, 1501, "invalid version")
ErrNotFound = register(MODULE, 1503, "not found")
ErrInternal = register(MODULE, 1504, "internal error")
ErrInvalidArgument = register(MODULE, 1505, "invalid argument")
ErrInvalidCommission = register(MODULE, 1506, "commission must be between 0 and 100")

# Events (docs/treasury.md, *Events and errors*); the attribute is always ``request_id``.
EVENT_NEW_KEY_REQUEST = "new_key_request"
EVENT_KEY_REQUEST_FULFILLED = "key_request_fulfilled"
EVENT_KEY_REQUEST_REJECTED = "key_request_rejected"
EVENT_NEW_SIGN_REQUEST = "new_sign_request"
EVENT_SIGN_REQUEST_FULFILLED = "sign_request_fulfilled"
EVENT_SIGN_REQUEST_REJECTED = "sign_request_rejected"
ATTR_REQUEST_ID = "request_id"
EVENT_ZRSIGN_ACTION = "zrsign_action"  # ours: a zrSign request waiting for its key's policy

# Statuses.
KR_UNSPECIFIED = key_pb2.KEY_REQUEST_STATUS_UNSPECIFIED
KR_PENDING = key_pb2.KEY_REQUEST_STATUS_PENDING
KR_PARTIAL = key_pb2.KEY_REQUEST_STATUS_PARTIAL
KR_FULFILLED = key_pb2.KEY_REQUEST_STATUS_FULFILLED
KR_REJECTED = key_pb2.KEY_REQUEST_STATUS_REJECTED
SR_UNSPECIFIED = mpcsign_pb2.SIGN_REQUEST_STATUS_UNSPECIFIED
SR_PENDING = mpcsign_pb2.SIGN_REQUEST_STATUS_PENDING
SR_PARTIAL = mpcsign_pb2.SIGN_REQUEST_STATUS_PARTIAL
SR_FULFILLED = mpcsign_pb2.SIGN_REQUEST_STATUS_FULFILLED
SR_REJECTED = mpcsign_pb2.SIGN_REQUEST_STATUS_REJECTED
OPEN_KEY_STATUSES = (KR_PENDING, KR_PARTIAL)
OPEN_SIGN_STATUSES = (SR_PENDING, SR_PARTIAL)

KT_UNSPECIFIED = key_pb2.KEY_TYPE_UNSPECIFIED
KT_ECDSA = key_pb2.KEY_TYPE_ECDSA_SECP256K1
KT_EDDSA = key_pb2.KEY_TYPE_EDDSA_ED25519
KT_BITCOIN = key_pb2.KEY_TYPE_BITCOIN_SECP256K1

# MsgNewKeyRequest.key_type strings accepted by the normal path (exact, case-sensitive).
KEY_TYPE_STRINGS = ("ecdsa", "ed25519", "eddsa", "bitcoin", "btc")

# zrSign coin types (SLIP-44) -> key type string, child workspace alias, wallet type.
ZRSIGN_KEY_TYPES = {0: "bitcoin", 1: "bitcoin", 60: "ecdsa", 501: "ed25519"}
ZRSIGN_ADDRESS_WALLET = {
    "60": wallet_pb2.WALLET_TYPE_EVM,
    "1": wallet_pb2.WALLET_TYPE_BTC_TESTNET,
    "0": wallet_pb2.WALLET_TYPE_BTC_MAINNET,
    "501": wallet_pb2.WALLET_TYPE_SOLANA,
}

METADATA_ETHEREUM_URL = type_url(tx_pb2.MetadataEthereum)
METADATA_SOLANA_URL = type_url(tx_pb2.MetadataSolana)
IFACE_METADATA = "*types.Metadata"


def key_status_name(status: int) -> str:
    return str(key_pb2.KeyRequestStatus.Name(status)) if status in range(5) else str(status)


def sign_status_name(status: int) -> str:
    return str(mpcsign_pb2.SignRequestStatus.Name(status)) if status in range(5) else str(status)


def key_type_name(kt: int) -> str:
    return str(key_pb2.KeyType.Name(kt)) if kt in range(4) else str(kt)


def wallet_type_name(wt: int) -> str:
    return str(wallet_pb2.WalletType.Name(wt)) if wt in range(9) else str(wt)


def key_type_from_string(text: str) -> key_pb2.KeyType:
    """zrChain's ``newKeyRequest`` mapping: a substring match on the lower-cased text."""
    t = text.lower()
    if "ecdsa" in t:
        return KT_ECDSA
    if "ed25519" in t or "eddsa" in t:
        return KT_EDDSA
    if "bitcoin" in t or "btc" in t:
        return KT_BITCOIN
    raise PlainError(f"unknown key type: {text}")


def mpc_blocks(params: params_pb2.Params | None) -> int:
    """Blocks a request may stay open: ``default_btl``, or 20 when unset."""
    if params is None or params.default_btl == 0:
        return DEFAULT_MPC_BLOCKS
    return int(params.default_btl)
