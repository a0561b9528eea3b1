"""zrSign's identifiers and the hashes built from them: roles, request kinds, wallet-type and
CAIP-2 chain ids, workspace and wallet ids, the authSignature domain, simple-tx payloads.

Pure functions of their inputs (no web3 connection), shared by the contract wrapper, the
flavours and the bridge. contracts/README.md and docs/evm-bridge.md record the facts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from zrchain.chains import abi
from zrchain.crypto.hashes import keccak256

if TYPE_CHECKING:
    from eth_account.signers.local import LocalAccount

DEFAULT_ADMIN_ROLE = b"\x00" * 32
MPC_ROLE = keccak256(b"zenrock.role.mpc")
FEE_ROLE = keccak256(b"zenrock.role.fee")
PAUSER_ROLE = keccak256(b"zenrock.role.pauser")

REQ_HASH, REQ_TX, REQ_SIMPLE_TX = 0, 1, 2
WALLET_REQUESTED, WALLET_REGISTERED = 1, 2
SIG_REQ_IN_PROGRESS, SIG_REQ_ALREADY_PROCESSED = 1, 2
OPTIONS_BASIC, OPTIONS_MONITORING = 1, 2

#: `transaction(string,uint256,bytes)`: the selector that prefixes a zrSignSimpleTx payload.
SIMPLE_TX_SELECTOR = keccak256(b"transaction(string,uint256,bytes)")[:4]


def wallet_type_id(purpose: int, coin_type: int) -> bytes:
    """zrSign walletTypeId: keccak256(abi.encode(purpose, coinType)), two uint256 words
    (written here: the ids are module constants, and eth_abi is imported on first use)."""
    return keccak256(purpose.to_bytes(32, "big") + coin_type.to_bytes(32, "big"))


def caip2_chain_id(caip2: str) -> bytes:
    """zrSign chain id of a CAIP-2 string: keccak256 of its UTF-8 bytes."""
    return keccak256(caip2.encode())


EVM_WALLET_TYPE_ID = wallet_type_id(44, 60)
BTC_TESTNET_WALLET_TYPE_ID = wallet_type_id(44, 1)
BTC_MAINNET_WALLET_TYPE_ID = wallet_type_id(44, 0)
SOLANA_WALLET_TYPE_ID = wallet_type_id(44, 501)
#: zrSign's hard-coded SRC_CHAIN_ID (kept as a getter; our auth signatures use auth_domain()).
SRC_CHAIN_ID = caip2_chain_id("eip155:11155111")


def user_workspace_id(chain_id: int, contract: str, wallet_type: bytes, owner: str) -> bytes:
    """keccak256(abi.encode(chainid, contract, walletTypeId, owner)): keys registered wallets."""
    return keccak256(
        abi.encode(
            ["uint256", "address", "bytes32", "address"], [chain_id, contract, wallet_type, owner]
        )
    )


def wallet_id(chain_id: int, contract: str, wallet_type: bytes, owner: str, index: int) -> bytes:
    """keccak256(abi.encode(chainid, contract, walletTypeId, owner, walletIndex))."""
    return keccak256(
        abi.encode(
            ["uint256", "address", "bytes32", "address", "uint256"],
            [chain_id, contract, wallet_type, owner, index],
        )
    )


def auth_domain(chain_id: int, contract: str) -> bytes:
    """The domain our authSignatures bind: keccak256(abi.encode(chainid, contract))."""
    return keccak256(abi.encode(["uint256", "address"], [chain_id, contract]))


def encode_simple_tx(to: str, value: int, data: bytes = b"") -> bytes:
    """A zrSignSimpleTx payload: `transaction(string,uint256,bytes)` calldata."""
    return SIMPLE_TX_SELECTOR + abi.encode(["string", "uint256", "bytes"], [to, value, data])


def sign_auth(inner: bytes, private_key: bytes | str | LocalAccount) -> bytes:
    """EIP-191 personal_sign of a 32-byte hash: 65 bytes r||s||v with v in {27, 28}."""
    # eth-account is loaded here, not with the module: the chain imports these ids, and
    # eth-account costs a third of a second of every CLI command's start
    from eth_account import Account
    from eth_account.messages import encode_defunct
    from eth_account.signers.local import LocalAccount

    account = (
        private_key if isinstance(private_key, LocalAccount) else Account.from_key(private_key)
    )
    signed = account.sign_message(encode_defunct(primitive=inner))
    return bytes(signed.signature)
