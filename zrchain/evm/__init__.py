"""EVM side of the zrSign bridge: our zrSign-compatible contract and its Python wrapper.

The names are loaded on first use (PEP 562): the chain imports ``zrchain.evm.simple_tx``,
and loading web3 and eth-account with this package would add most of a second to the
start of every ``zrchaind`` command.
"""

from __future__ import annotations

import importlib
from typing import Any

_NAMES = {
    "artifact": (
        "ARTIFACT_PATH",
        "Artifact",
        "load_artifact",
    ),
    "contract": (
        "FeeEstimate",
        "KeyResponse",
        "ReqRegistry",
        "SignParams",
        "SignResponse",
        "TxResult",
        "WalletRegistry",
        "ZrSignContract",
        "ZrSignRevert",
        "decode_revert",
    ),
    "events": (
        "KEY_REQUEST_TOPICS",
        "SIG_REQUEST_TOPICS",
        "ChainIdSupportEvent",
        "EventDecoder",
        "LogMeta",
        "OtherEvent",
        "SigReqParams",
        "WalletTypeIdSupportEvent",
        "ZrKeyRequestEvent",
        "ZrKeyResolveEvent",
        "ZrSigGasRefundEvent",
        "ZrSignEvent",
        "ZrSigRequestEvent",
        "ZrSigResolveEvent",
        "decode_log",
        "event_topics",
        "get_logs",
    ),
    "ids": (
        "BTC_MAINNET_WALLET_TYPE_ID",
        "BTC_TESTNET_WALLET_TYPE_ID",
        "DEFAULT_ADMIN_ROLE",
        "EVM_WALLET_TYPE_ID",
        "FEE_ROLE",
        "MPC_ROLE",
        "PAUSER_ROLE",
        "SOLANA_WALLET_TYPE_ID",
        "auth_domain",
        "caip2_chain_id",
        "encode_simple_tx",
        "sign_auth",
        "user_workspace_id",
        "wallet_id",
        "wallet_type_id",
    ),
}
_MODULE_OF = {name: module for module, names in _NAMES.items() for name in names}
__all__ = sorted(_MODULE_OF)


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
