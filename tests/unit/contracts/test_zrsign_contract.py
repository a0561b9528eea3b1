"""ZrSign on a real in-process EVM (eth-tester + py-evm): interface, roles, fees, modes."""

from __future__ import annotations

from typing import Any

import pytest
from eth_account import Account
from eth_utils import keccak, to_checksum_address

from zrchain.evm import (
    BTC_MAINNET_WALLET_TYPE_ID,
    BTC_TESTNET_WALLET_TYPE_ID,
    DEFAULT_ADMIN_ROLE,
    EVM_WALLET_TYPE_ID,
    FEE_ROLE,
    MPC_ROLE,
    PAUSER_ROLE,
    SOLANA_WALLET_TYPE_ID,
    ChainIdSupportEvent,
    FeeEstimate,
    KeyResponse,
    OtherEvent,
    ReqRegistry,
    SignParams,
    SignResponse,
    WalletRegistry,
    WalletTypeIdSupportEvent,
    ZrKeyRequestEvent,
    ZrKeyResolveEvent,
    ZrSigGasRefundEvent,
    ZrSignContract,
    ZrSigRequestEvent,
    ZrSigResolveEvent,
    caip2_chain_id,
    encode_simple_tx,
    event_topics,
    load_artifact,
    sign_auth,
    wallet_id,
    wallet_type_id,
)
from zrchain.evm.artifact import signature
from zrchain.evm.ids import SRC_CHAIN_ID

SEPOLIA = "eip155:11155111"
AMOY = "eip155:80002"
SEPOLIA_ID = caip2_chain_id(SEPOLIA)
MPC_FEE = 5 * 10**14
RESP_GAS = 200_000
PAY = 10**16  # comfortably above any fee in these tests
WALLET = "0x44DFF5f4E70d1DF7be45292cab7B41bD54e00beE"
HASH = keccak(text="hello zrSign")
# A legacy unsigned transaction with zero v, r, s (docs/evm-bridge.md, *Worked example*).
UNSIGNED_TX = bytes.fromhex(
    "e679850fd8f4bd2382520894cf4324b9fd2fbc83b98a1483e854d31d3e45944c8203e880808080"
)
ZERO = "0x0000000000000000000000000000000000000000"


# --------------------------------------------------------------------------- interface tables
# Selectors and topic hashes of zrSign's deployed interface (contracts/README.md).

SPEC_FUNCTIONS = {
    "zrKeyReq((address,bytes32,uint8))": "60a48995",
    "zrSignHash((bytes32,uint256,bytes32,bytes,bool))": "15c39391",
    "zrSignTx((bytes32,uint256,bytes32,bytes,bool))": "93f874c4",
    "zrSignSimpleTx((bytes32,uint256,bytes32,bytes,bool))": "daefde8e",
    "zrKeyRes((bytes32,address,uint256,string,uint8,bytes))": "31852273",
    "zrSignRes((uint256,address,bytes,bytes,bool,bytes))": "050a5784",
    "walletTypeIdConfig(uint256,uint256,bool)": "f580fc95",
    "chainIdConfig(bytes32,string,bool)": "f0c30546",
    "updateMPCFee(uint256)": "0b95b6be",
    "updateRespGas(uint256)": "eaac9e69",
    "updateRespGasBuffer(uint256)": "73750df6",
    "withdrawMPCFees()": "c9aa8933",
    "pause()": "8456cb59",
    "unpause()": "3f4ba83a",
    "initializeV1()": "925f91fb",
    "grantRole(bytes32,address)": "2f2ff15d",
    "revokeRole(bytes32,address)": "d547741f",
    "renounceRole(bytes32,address)": "36568abe",
    "estimateFee(bytes32,address,uint256,uint256)": "b933e46f",
    "estimateFee(uint8,uint256)": "a213cbaa",
    "getTraceId()": "379e3349",
    "getRequestState(uint256)": "ed979dd6",
    "getWalletRegistry(bytes32,uint256,address)": "5432f642",
    "getZrKeys(bytes32,address)": "a11a572d",
    "getZrKey(bytes32,address,uint256)": "187e5818",
    "getWalletTypeInfo(bytes32)": "2dc8f855",
    "isWalletTypeSupported(bytes32)": "b3f63094",
    "isChainIdSupported(bytes32,bytes32)": "aa400591",
    "getMPCFee()": "c45ec7ab",
    "getRespGas()": "4dd4c753",
    "getRespGasPriceBuffer()": "f4727b9b",
    "getColletedFees()": "447f25ef",
    "version()": "54fd4d50",
    "paused()": "5c975abb",
    "hasRole(bytes32,address)": "91d14854",
    "getRoleAdmin(bytes32)": "248a9ca3",
    "supportsInterface(bytes4)": "01ffc9a7",
    "MPC_ROLE()": "eee49c71",
    "FEE_ROLE()": "2a0276f8",
    "PAUSER_ROLE()": "e63ab1e9",
    "DEFAULT_ADMIN_ROLE()": "a217fddf",
    "SRC_WALLET_TYPE_ID()": "2e6e152b",
    "SRC_CHAIN_ID()": "1459dda2",
    "IS_HASH_MASK()": "47bc77f7",
    "IS_TX_MASK()": "8e916786",
    "IS_SIMPLE_TX_MASK()": "b6e85a75",
    "WALLET_REQUESTED()": "bc48c904",
    "WALLET_REGISTERED()": "367bf456",
    "OPTIONS_MONITORING()": "d2b92276",
    "SIG_REQ_IN_PROGRESS()": "5a30349d",
    "SIG_REQ_ALREADY_PROCESSED()": "f0ebb5da",
}

_SIG_TUPLE = "(bytes32,uint256,bytes32,bytes,address,uint8,bool)"
SPEC_EVENTS = {
    "ZrKeyRequest(bytes32,address,uint256,uint8,uint256,uint256)": (
        "4ba02e24ed0a9961951991115a4b7c18421f3001c7783f16fe5cef57dc7abe14"
    ),
    "ZrKeyResolve(bytes32,address,uint256,string)": (
        "eadd51a96e8aecd8431bb7c40722e4dc8bb75495298c697420220e7cf59802df"
    ),
    f"ZrSigRequest(uint256,bytes32,uint256,uint256,{_SIG_TUPLE})": (
        "b30ae366d47b8e1a1d9d8f87bd0582a7257c8ce921d8e4f1974db3d9098e935f"
    ),
    "ZrSigResolve(uint256,bytes,bytes,bool)": (
        "f542c279cacc7206bbfc134687aa3b2f9ed7437f7d05fca9f92bb699b7ac6323"
    ),
    "ZrSigGasRefund(uint256,uint256)": (
        "8a26358d262e803f14993cb523ffcfca39d01472c66bbff83906211bd81199cf"
    ),
    "MPCFeeUpdate(uint256,uint256)": (
        "0b058e58a91fd7be2a2fd9de8fa8ea62818e6b00649ded8433283d6c8ec905db"
    ),
    "RespGasUpdate(uint256,uint256)": (
        "4300b00f2792b6973906364618d660e899c12bf318031a4c1c799a0ac6096781"
    ),
    "RespGasPriceBufferUpdate(uint256,uint256)": (
        "723fc45920e8b81b8e3854cad76bb1a7369ed024cfb188a45079592bdef18c8b"
    ),
    "MPCFeeWithdraw(address,uint256)": (
        "c36b5830a281828bf8ccf83f6f67fa3893f359320f4c1376be6ce4d049569e30"
    ),
    "WalletTypeIdSupport(uint256,uint256,bytes32,bool)": (
        "715c485ce29fb2e949df8d2b653d4ded68276cba6d8896d58c208c55e66e8920"
    ),
    "ChainIdSupport(bytes32,bytes32,string,bool)": (
        "191185b1dd8bc542e2693a53b68ccb36e5543fdfee81c0acff1f82bfa7311b6d"
    ),
    "RoleGranted(bytes32,address,address)": (
        "2f8788117e7eff1d82e926ec794901d17c78024a50270940304540a733656f0d"
    ),
    "RoleRevoked(bytes32,address,address)": (
        "f6391f5c32d9c69d2a47ea670b442974b53935d1edc7fd64eb21e047a839171b"
    ),
    "RoleAdminChanged(bytes32,bytes32,bytes32)": (
        "bd79b86ffe0ab8e8776151514217cd7cacd52c909f66475c3af44e129f0b00ff"
    ),
    "Paused(address)": "62e78cea01bee320cd4e420270b5ea74000d11b0c9f74754ebdbfc544b05a258",
    "Unpaused(address)": "5db9ee0a495bf2e6ff9c91a7834c1ba4fdd244a5e8aa4e537bd38aeae4b073aa",
    "Initialized(uint64)": "c7f505b2f371ae2175ee4913f4499e1f2633a7b5936321eed1cdaeb6115181d2",
}

SPEC_ERRORS = {
    "InsufficientFee(uint256,uint256)": "a458261b",
    "WalletTypeAlreadySupported(bytes32)": "1906962f",
    "WalletTypeNotSupported(bytes32)": "887b59d6",
    "ChainIdNotSupported(bytes32,bytes32)": "4e588fd3",
    "ChainIdAlreadySupported(bytes32,bytes32)": "b1139ad2",
    "RequestNotFoundOrAlreadyProcessed(uint256)": "83d45247",
    "InvalidOptions(uint8)": "f8b98c9a",
    "OwnableInvalidOwner(address)": "1e4fbdf7",
    "IncorrectWalletIndex(uint256,uint256)": "712ef889",
    "WalletAlreadyRegistered(string)": "77176fd1",
    "WalletNotRequested(string)": "0659899e",
    "WalletNotRegisteredForMonitoring(uint256)": "a80d65f8",
    "InvalidWalletIndex(uint256)": "6af0e682",
    "BroadcastNotAllowed()": "7ef2aa56",
    "InvalidSignature(uint8)": "480770df",
    "InvalidAddressLength(uint256,uint256)": "ffa7e4f7",
    "AccessControlUnauthorizedAccount(address,bytes32)": "e2517d3f",
    "AccessControlBadConfirmation()": "6697b232",
    "EnforcedPause()": "d93c0665",
    "ExpectedPause()": "8dfc202b",
    "ReentrancyGuardReentrantCall()": "3ee5aeb5",
    "InvalidInitialization()": "f92ee8a9",
    "NotInitializing()": "d7e6bcf8",
    "InvalidPayloadLength(uint256,uint256)": "c37906a0",  # zrSign's legacy error
}

# Event parameter names as zrSign's published (human-readable) ABI declares them.
SPEC_EVENT_PARAMS = {
    "ZrKeyRequest": ["walletTypeId", "owner", "walletIndex", "options", "value", "mpcFee"],
    "ZrKeyResolve": ["walletTypeId", "owner", "walletIndex", "addr"],
    "ZrSigRequest": ["traceId", "walletId", "value", "mpcFee", "params"],
    "ZrSigResolve": ["traceId", "metaData", "signature", "broadcast"],
    "ZrSigGasRefund": ["engineWalletCost", "userChange"],
    "MPCFeeUpdate": ["oldBaseFee", "newBaseFee"],
    "RespGasUpdate": ["oldGas", "newGas"],
    "RespGasPriceBufferUpdate": ["oldGasPriceBuff", "newGasPriceBuff"],
    "MPCFeeWithdraw": ["to", "amount"],
    "WalletTypeIdSupport": ["purpose", "coinType", "walletTypeId", "support"],
    "ChainIdSupport": ["walletTypeId", "chainId", "caip", "support"],
}


def _abi_by_kind(kind: str) -> dict[str, dict[str, Any]]:
    return {signature(e): e for e in load_artifact().abi if e["type"] == kind}


# --------------------------------------------------------------------------- interface


def test_function_selectors_match_spec() -> None:
    functions = _abi_by_kind("function")
    deployed = bytes.fromhex(load_artifact().deployed_bytecode[2:])
    for sig, selector in SPEC_FUNCTIONS.items():
        assert sig in functions, f"missing function {sig}"
        assert keccak(text=sig)[:4].hex() == selector, sig
        assert bytes.fromhex(selector) in deployed, f"{sig} not dispatched"


def test_event_topics_match_spec() -> None:
    events = _abi_by_kind("event")
    topics = event_topics()
    for sig, topic in SPEC_EVENTS.items():
        assert sig in events, f"missing event {sig}"
        assert topics[sig.split("(")[0]] == "0x" + topic
    for name, params in SPEC_EVENT_PARAMS.items():
        entry = next(e for e in events.values() if e["name"] == name)
        assert [p["name"] for p in entry["inputs"]] == params, name
    indexed = {e["name"]: [p["name"] for p in e["inputs"] if p["indexed"]] for e in events.values()}
    assert indexed["ZrKeyRequest"] == ["walletTypeId", "owner", "walletIndex"]
    assert indexed["ZrSigRequest"] == ["traceId", "walletId"]
    assert indexed["ZrSigResolve"] == ["traceId"]
    assert indexed["ZrSigGasRefund"] == []


def test_error_selectors_match_spec() -> None:
    errors = _abi_by_kind("error")
    for sig, selector in SPEC_ERRORS.items():
        assert sig in errors, f"missing error {sig}"
        assert keccak(text=sig)[:4].hex() == selector, sig


def test_struct_names_match_zrsign() -> None:
    """internalType strings (struct names) are the same as zrSign's ABI."""
    fn = _abi_by_kind("function")
    assert fn["zrKeyReq((address,bytes32,uint8))"]["inputs"][0]["internalType"] == (
        "struct SignTypes.ZrKeyReqParams"
    )
    sig_req = next(e for e in load_artifact().abi if e.get("name") == "ZrSigRequest")
    assert sig_req["inputs"][4]["internalType"] == "struct SignTypes.SigReqParams"
    info = fn["getWalletTypeInfo(bytes32)"]["outputs"][0]["internalType"]
    assert info == "struct ZrSignTypes.ChainInfo"


def test_constants_and_identifiers(env: Any) -> None:
    c = env.omni
    assert (
        c.call("MPC_ROLE")
        == MPC_ROLE
        == bytes.fromhex("1788cbbd6512d9aa8da743e475ce7cbbc6aea08b483d7cd0c00586734a4f6f14")
    )
    assert (
        c.call("FEE_ROLE")
        == FEE_ROLE
        == bytes.fromhex("13b7ad447453d194d272cdda9bb09d7d357cda1ab7de80d865b4c1cbefc3cf28")
    )
    assert (
        c.call("PAUSER_ROLE")
        == PAUSER_ROLE
        == bytes.fromhex("8ab6d0465f335f1458251c44a70aa92d9297798531f73d2c8a32b5bd379821b8")
    )
    assert c.call("DEFAULT_ADMIN_ROLE") == DEFAULT_ADMIN_ROLE
    assert c.call("SRC_WALLET_TYPE_ID") == EVM_WALLET_TYPE_ID
    assert c.call("SRC_CHAIN_ID") == SRC_CHAIN_ID == SEPOLIA_ID
    assert EVM_WALLET_TYPE_ID.hex() == (
        "e146c2986893c43af5ff396310220be92058fb9f4ce76b929b80ef0d5307100a"
    )
    assert BTC_TESTNET_WALLET_TYPE_ID.hex() == (
        "e03615811ae25b894de73e643038c13c37f602dc1e17ff1a02e5854893f3bd5e"
    )
    assert BTC_MAINNET_WALLET_TYPE_ID.hex() == (
        "2bfb33747d039531bb279f93c386332ae05e0c10b395017fd2d93fe9fc4c6e23"
    )
    assert SOLANA_WALLET_TYPE_ID.hex() == (
        "8a375db0ff9a56957d99a4bad57c805d2a14a800f306caceab7a289e5571d0ef"
    )
    assert caip2_chain_id(AMOY).hex() == (
        "4df3b2a1df4e086e001def1ba6466078aa6aaf12e7a183f590364b811b18ee5b"
    )
    assert [c.call(n) for n in ("IS_HASH_MASK", "IS_TX_MASK", "IS_SIMPLE_TX_MASK")] == [0, 1, 2]
    assert [c.call(n) for n in ("WALLET_REQUESTED", "WALLET_REGISTERED")] == [1, 2]
    assert c.call("OPTIONS_MONITORING") == 2
    assert [c.call(n) for n in ("SIG_REQ_IN_PROGRESS", "SIG_REQ_ALREADY_PROCESSED")] == [1, 2]
    assert c.call("supportsInterface", bytes.fromhex("01ffc9a7"))
    assert c.call("supportsInterface", bytes.fromhex("7965db0b"))
    assert not c.call("supportsInterface", bytes.fromhex("ffffffff"))


def test_spec_worked_example_vectors() -> None:
    """Our hashing helpers reproduce the worked example of docs/evm-bridge.md (SRC_CHAIN_ID)."""
    alice = "0xbe27E519A220D4336A5F9d08C7fa542175E30dA0"
    proxy = "0xA7AdF06a1D3a2CA827D4EddA96a1520054713E1c"
    assert wallet_id(11155111, proxy, EVM_WALLET_TYPE_ID, alice, 0).hex() == (
        "3e56d2da137f5904e949bcd7a6ebea636ef4d7cc0258a235840ba1426c96747b"
    )
    mpc = keccak(text="zrsign-example-mpc-auth")
    assert Account.from_key(mpc).address == "0x334D3F7376094ea6170a1B286770b7747E227329"
    key_res = KeyResponse(EVM_WALLET_TYPE_ID, alice, 0, WALLET, 1)
    inner = key_res.auth_hash(SRC_CHAIN_ID)
    assert inner.hex() == "c9417b682cb578d55ed5b81382db20eeb37d9666386a4a4abcd913264c4df796"
    assert sign_auth(inner, mpc).hex() == (
        "63c2368eeaab7814ec1c14cd6c64d6c45b25dffb5f4d2c8a0912ba167e3272c6"
        "4cd5ca53ab4f1db71135c6cb5ed232fccb39a08b97fa8111b9e63eb9b408bfd01b"
    )
    sig = bytes.fromhex(
        "2c05191251d42a53cb7ff0913ac09d956e98a83392843a43e95329eae2270c3e"
        "6f7112371451c82d321c45b1331ad9551a001cb212897ab18c714f3b2b2ee88701"
    )
    sig_res = SignResponse(0, alice, b"", sig, False)
    inner = sig_res.auth_hash(SRC_CHAIN_ID)
    assert inner.hex() == "88c48b82cba3c2584695c12580a787403b36412d731e27fafe9b89d603aaa6f0"
    assert sign_auth(inner, mpc).hex() == (
        "c73caceea29254100ccfe5ddff5fe7f3408ca5e627d581ac0b9b870b5a252576"
        "1a339ab0046f482248f1c1bbfc11dc55439973a66faaea336fe03beedbadfa571c"
    )


def test_initializer_and_version(env: Any, reverts: Any) -> None:
    for c in (env.omni, env.direct):
        assert c.call("version") == 1
        with reverts("InvalidInitialization"):
            c.transact("initializeV1", sender=env.outsider)
        events = c.get_events(0)
        initialized = [e for e in events if isinstance(e, OtherEvent) and e.name == "Initialized"]
        assert [e.args for e in initialized] == [{"version": 1}]
    assert env.omni.is_direct_mode() is False
    assert env.direct.is_direct_mode() is True
    with reverts("OwnableInvalidOwner", ZERO):
        ZrSignContract.deploy(env.w3, sender=env.admin, admin=ZERO)


def test_auth_domain_binds_chain_and_contract(env: Any) -> None:
    for c in (env.omni, env.direct):
        assert c.call("authDomain") == c.auth_domain()
    assert env.omni.auth_domain() != env.direct.auth_domain()


# --------------------------------------------------------------------------- roles


def test_roles_enforced(env: Any, reverts: Any) -> None:
    c = env.omni
    assert c.has_role(DEFAULT_ADMIN_ROLE, env.admin)
    assert c.has_role(FEE_ROLE, env.fee) and c.has_role(PAUSER_ROLE, env.pauser)
    assert c.has_role(MPC_ROLE, env.mpc.address)
    assert not c.has_role(PAUSER_ROLE, env.admin)  # the admin administers roles, holds none
    for role in (MPC_ROLE, FEE_ROLE, PAUSER_ROLE, DEFAULT_ADMIN_ROLE):
        assert c.call("getRoleAdmin", role) == DEFAULT_ADMIN_ROLE

    unauthorized = "AccessControlUnauthorizedAccount"
    with reverts(unauthorized, env.fee.lower(), DEFAULT_ADMIN_ROLE):
        c.configure_wallet_type(44, 0, sender=env.fee)
    with reverts(unauthorized, env.outsider.lower(), DEFAULT_ADMIN_ROLE):
        c.configure_chain(EVM_WALLET_TYPE_ID, "eip155:1", sender=env.outsider)
    with reverts(unauthorized, env.admin.lower(), FEE_ROLE):
        c.update_mpc_fee(1, sender=env.admin)
    for fn in ("updateRespGas", "updateRespGasBuffer"):
        with reverts(unauthorized, env.outsider.lower(), FEE_ROLE):
            c.transact(fn, 1, sender=env.outsider)
    with reverts(unauthorized, env.outsider.lower(), FEE_ROLE):
        c.withdraw_mpc_fees(sender=env.outsider)
    with reverts(unauthorized, env.admin.lower(), PAUSER_ROLE):
        c.pause(sender=env.admin)
    with reverts(unauthorized, env.outsider.lower(), DEFAULT_ADMIN_ROLE):
        c.grant_role(MPC_ROLE, env.outsider, sender=env.outsider)

    granted = c.grant_role(FEE_ROLE, env.outsider, sender=env.admin)
    event = granted.first(OtherEvent)
    assert event.name == "RoleGranted"
    assert event.args["role"] == FEE_ROLE
    assert to_checksum_address(event.args["account"]) == env.outsider
    assert to_checksum_address(event.args["sender"]) == env.admin
    c.update_mpc_fee(7, sender=env.outsider)
    assert c.mpc_fee() == 7

    revoked = c.revoke_role(FEE_ROLE, env.outsider, sender=env.admin)
    assert revoked.first(OtherEvent).name == "RoleRevoked"
    assert not c.has_role(FEE_ROLE, env.outsider)

    with reverts("AccessControlBadConfirmation"):
        c.transact("renounceRole", FEE_ROLE, env.outsider, sender=env.fee)
    c.transact("renounceRole", FEE_ROLE, env.fee, sender=env.fee)
    assert not c.has_role(FEE_ROLE, env.fee)


def test_mpc_role_is_what_authorises_responses(env: Any, reverts: Any) -> None:
    """Revoking MPC_ROLE invalidates that key's authSignatures."""
    c = env.direct
    c.zr_key_req(env.alice, sender=env.alice, value=PAY)
    res = c.sign_key_response(KeyResponse(EVM_WALLET_TYPE_ID, env.alice, 0, WALLET, 1), env.mpc.key)
    c.revoke_role(MPC_ROLE, env.mpc.address, sender=env.admin)
    with reverts("AccessControlUnauthorizedAccount", env.mpc.address.lower(), MPC_ROLE):
        c.zr_key_res(res, sender=env.relayer)
    c.grant_role(MPC_ROLE, env.mpc.address, sender=env.admin)
    c.zr_key_res(res, sender=env.relayer)


# --------------------------------------------------------------------------- configuration


def test_wallet_type_and_chain_configuration(env: Any, reverts: Any) -> None:
    c = env.omni
    assert c.is_wallet_type_supported(EVM_WALLET_TYPE_ID)
    assert c.wallet_type_info(EVM_WALLET_TYPE_ID).coin_type == 60
    assert not c.is_wallet_type_supported(BTC_MAINNET_WALLET_TYPE_ID)
    assert c.wallet_type_info(BTC_MAINNET_WALLET_TYPE_ID).purpose == 0

    added = c.configure_wallet_type(44, 0, sender=env.admin).first(WalletTypeIdSupportEvent)
    assert (added.purpose, added.coin_type, added.support) == (44, 0, True)
    assert added.wallet_type_id == BTC_MAINNET_WALLET_TYPE_ID == wallet_type_id(44, 0)
    with reverts("WalletTypeAlreadySupported", BTC_MAINNET_WALLET_TYPE_ID):
        c.configure_wallet_type(44, 0, sender=env.admin)
    with reverts("InvalidWalletType", 0, 60):
        c.configure_wallet_type(0, 60, sender=env.admin)

    caip = "bip122:000000000019d6689c085ae165831e93"
    chain = c.configure_chain(BTC_MAINNET_WALLET_TYPE_ID, caip, sender=env.admin)
    event = chain.first(ChainIdSupportEvent)
    assert (event.wallet_type_id, event.caip, event.support) == (
        BTC_MAINNET_WALLET_TYPE_ID,
        caip,
        True,
    )
    assert event.chain_id.hex() == (
        "6d0287c1b858c20eef48b10444a53c7ed5399e898d470671f127b49c54931377"
    )
    assert c.is_chain_id_supported(BTC_MAINNET_WALLET_TYPE_ID, event.chain_id)
    with reverts("ChainIdAlreadySupported", BTC_MAINNET_WALLET_TYPE_ID, event.chain_id):
        c.configure_chain(BTC_MAINNET_WALLET_TYPE_ID, caip, sender=env.admin)
    c.configure_chain(BTC_MAINNET_WALLET_TYPE_ID, caip, False, sender=env.admin)
    assert not c.is_chain_id_supported(BTC_MAINNET_WALLET_TYPE_ID, event.chain_id)
    with reverts("ChainIdNotSupported", BTC_MAINNET_WALLET_TYPE_ID, event.chain_id):
        c.configure_chain(BTC_MAINNET_WALLET_TYPE_ID, caip, False, sender=env.admin)

    removed = c.configure_wallet_type(44, 0, False, sender=env.admin).first(
        WalletTypeIdSupportEvent
    )
    assert removed.support is False
    assert not c.is_wallet_type_supported(BTC_MAINNET_WALLET_TYPE_ID)
    with reverts("WalletTypeNotSupported", BTC_MAINNET_WALLET_TYPE_ID):
        c.configure_wallet_type(44, 0, False, sender=env.admin)
    with reverts("WalletTypeNotSupported", BTC_MAINNET_WALLET_TYPE_ID):
        c.configure_chain(BTC_MAINNET_WALLET_TYPE_ID, caip, sender=env.admin)


def test_fee_configuration_events(env: Any) -> None:
    c = env.omni
    ev = c.update_mpc_fee(123, sender=env.fee).first(OtherEvent)
    assert (ev.name, ev.args) == ("MPCFeeUpdate", {"oldBaseFee": MPC_FEE, "newBaseFee": 123})
    ev = c.update_resp_gas(9, sender=env.fee).first(OtherEvent)
    assert (ev.name, ev.args) == ("RespGasUpdate", {"oldGas": RESP_GAS, "newGas": 9})
    ev = c.update_resp_gas_buffer(150, sender=env.fee).first(OtherEvent)
    assert ev.name == "RespGasPriceBufferUpdate"
    assert ev.args == {"oldGasPriceBuff": 120, "newGasPriceBuff": 150}
    assert (c.mpc_fee(), c.resp_gas(), c.resp_gas_price_buffer()) == (123, 9, 150)


# --------------------------------------------------------------------------- fees


def test_fee_estimation(env: Any, reverts: Any) -> None:
    assert env.omni.estimate_fee(1) == FeeEstimate(MPC_FEE, 0, MPC_FEE)
    assert env.omni.estimate_fee(2, PAY) == FeeEstimate(2 * MPC_FEE, 0, 2 * MPC_FEE)
    direct = env.direct.estimate_fee(1)
    assert direct.mpc == MPC_FEE
    assert direct.net_resp > 0 and direct.net_resp % RESP_GAS == 0
    assert direct.total == direct.mpc + direct.net_resp
    over = env.direct.estimate_fee(1, PAY)  # overpayment becomes refundable response money
    assert over == FeeEstimate(MPC_FEE, PAY - MPC_FEE, PAY)
    for c in (env.omni, env.direct):
        with reverts("InvalidOptions", 0):
            c.estimate_fee(0)
        with reverts("InvalidOptions", 0):  # slot never requested
            c.estimate_fee_for_wallet(EVM_WALLET_TYPE_ID, env.alice, 0)
        c.zr_key_req(env.alice, EVM_WALLET_TYPE_ID, 2, sender=env.alice, value=PAY)
        assert c.estimate_fee_for_wallet(EVM_WALLET_TYPE_ID, env.alice, 0).mpc == 2 * MPC_FEE


def test_omni_refunds_excess_immediately(env: Any, reverts: Any) -> None:
    c = env.omni
    with reverts("InsufficientFee", MPC_FEE, MPC_FEE - 1):
        c.zr_key_req(env.alice, sender=env.alice, value=MPC_FEE - 1)
    before = env.balance(env.alice)
    tx = c.zr_key_req(env.alice, sender=env.alice, value=PAY)
    assert before - env.balance(env.alice) == tx.fee_paid + MPC_FEE
    assert tx.first(ZrKeyRequestEvent).value == PAY
    assert c.wallet_registry(EVM_WALLET_TYPE_ID, 0, env.alice) == WalletRegistry(1, 1, 0)

    before = env.balance(env.alice)
    sig = c.zr_sign_hash(
        SignParams(EVM_WALLET_TYPE_ID, 0, SEPOLIA_ID, HASH), sender=env.alice, value=PAY
    )
    assert before - env.balance(env.alice) == sig.fee_paid + MPC_FEE
    assert c.request_state(0) == ReqRegistry(1, 0)
    assert c.collected_fees() == 2 * MPC_FEE == c.call("getCollectedFees")
    assert env.balance(c.address) == 2 * MPC_FEE


def test_direct_escrows_response_gas(env: Any, reverts: Any) -> None:
    c = env.direct
    with reverts("InsufficientFee") as info:
        c.zr_key_req(env.alice, sender=env.alice, value=MPC_FEE)
    required, provided = info.value.args_
    assert provided == MPC_FEE and required > MPC_FEE

    tx = c.zr_key_req(env.alice, sender=env.alice, value=PAY)
    block = tx.receipt["blockNumber"]
    net_resp = RESP_GAS * (env.base_fee(block) * 120 // 100)
    assert net_resp > 0
    # value > total, so the overpayment joins the response pool: pool = value - mpc.
    assert c.wallet_registry(EVM_WALLET_TYPE_ID, 0, env.alice) == WalletRegistry(
        1, 1, PAY - MPC_FEE
    )
    assert c.collected_fees() == MPC_FEE
    assert env.balance(c.address) == PAY


def test_withdraw_mpc_fees(env: Any) -> None:
    c = env.omni
    c.zr_key_req(env.alice, sender=env.alice, value=PAY)
    c.zr_key_req(env.bob, EVM_WALLET_TYPE_ID, 2, sender=env.bob, value=PAY)
    assert c.collected_fees() == 3 * MPC_FEE
    before = env.balance(env.fee)
    tx = c.withdraw_mpc_fees(sender=env.fee)
    assert env.balance(env.fee) - before == 3 * MPC_FEE - tx.fee_paid
    event = tx.first(OtherEvent)
    assert event.name == "MPCFeeWithdraw"
    assert event.args["amount"] == 3 * MPC_FEE
    assert to_checksum_address(event.args["to"]) == env.fee
    assert c.collected_fees() == 0 and env.balance(c.address) == 0


# --------------------------------------------------------------------------- pause


def test_paused_rejects_requests_and_responses(env: Any, reverts: Any) -> None:
    d = env.direct
    d.zr_key_req(env.alice, sender=env.alice, value=PAY)
    res = d.sign_key_response(KeyResponse(EVM_WALLET_TYPE_ID, env.alice, 0, WALLET, 1), env.mpc.key)
    with reverts("ExpectedPause"):
        d.unpause(sender=env.pauser)
    for c in (env.omni, env.direct):
        paused = c.pause(sender=env.pauser).first(OtherEvent)
        assert (paused.name, to_checksum_address(paused.args["account"])) == ("Paused", env.pauser)
        assert c.paused()
        with reverts("EnforcedPause"):
            c.pause(sender=env.pauser)
        with reverts("EnforcedPause"):
            c.zr_key_req(env.alice, sender=env.alice, value=PAY)
    env.omni.unpause(sender=env.pauser)
    env.omni.zr_key_req(env.alice, sender=env.alice, value=PAY)
    env.omni.pause(sender=env.pauser)
    with reverts("EnforcedPause"):
        env.omni.zr_sign_hash(
            SignParams(EVM_WALLET_TYPE_ID, 0, SEPOLIA_ID, HASH), sender=env.alice, value=PAY
        )
    with reverts("EnforcedPause"):
        d.zr_key_res(res, sender=env.relayer)
    # Configuration, fee management and views keep working while paused.
    d.configure_chain(EVM_WALLET_TYPE_ID, "eip155:1", sender=env.admin)
    d.update_mpc_fee(MPC_FEE, sender=env.fee)
    d.withdraw_mpc_fees(sender=env.fee)
    assert d.estimate_fee(1).mpc == MPC_FEE

    unpaused = d.unpause(sender=env.pauser).first(OtherEvent)
    assert unpaused.name == "Unpaused"
    d.zr_key_res(res, sender=env.relayer)
    assert d.zr_keys(EVM_WALLET_TYPE_ID, env.alice) == [WALLET]


# --------------------------------------------------------------------------- key requests


def test_key_request_event_fields(env: Any) -> None:
    c = env.omni
    tx = c.zr_key_req(env.alice, EVM_WALLET_TYPE_ID, 2, sender=env.bob, value=PAY)
    (log,) = tx.receipt["logs"]
    topics = ["0x" + bytes(t).hex() for t in log["topics"]]
    assert topics == [
        "0x" + SPEC_EVENTS["ZrKeyRequest(bytes32,address,uint256,uint8,uint256,uint256)"],
        "0x" + EVM_WALLET_TYPE_ID.hex(),
        "0x" + "00" * 12 + env.alice[2:].lower(),
        "0x" + "00" * 32,
    ]
    event = tx.first(ZrKeyRequestEvent)
    assert event.layout == "head"
    assert (event.wallet_type_id, event.owner, event.wallet_index) == (
        EVM_WALLET_TYPE_ID,
        env.alice,  # requested on behalf of alice; bob paid
        0,
    )
    assert (event.options, event.value, event.mpc_fee) == (2, PAY, 2 * MPC_FEE)
    assert event.meta.address == c.address
    assert event.meta.transaction_hash == tx.tx_hash
    assert event.meta.block_number == tx.receipt["blockNumber"]


def test_key_request_rejections(env: Any, reverts: Any) -> None:
    for c in (env.omni, env.direct):
        with reverts("WalletTypeNotSupported", BTC_MAINNET_WALLET_TYPE_ID):
            c.zr_key_req(env.alice, BTC_MAINNET_WALLET_TYPE_ID, sender=env.alice, value=PAY)
        with reverts("OwnableInvalidOwner", ZERO):
            c.zr_key_req(ZERO, sender=env.alice, value=PAY)
        with reverts("InvalidOptions", 0):
            c.zr_key_req(env.alice, EVM_WALLET_TYPE_ID, 0, sender=env.alice, value=PAY)
    with pytest.raises(Exception):  # noqa: B017  (no receive(): plain transfers are refused)
        env.w3.eth.send_transaction({"from": env.alice, "to": env.omni.address, "value": 1})


def test_omni_key_requests_allocate_fresh_indices(env: Any) -> None:
    c = env.omni
    indices = [
        c.zr_key_req(env.alice, sender=env.alice, value=PAY).first(ZrKeyRequestEvent).wallet_index
        for _ in range(3)
    ]
    assert indices == [0, 1, 2]
    btc = c.zr_key_req(env.alice, BTC_TESTNET_WALLET_TYPE_ID, sender=env.alice, value=PAY)
    assert btc.first(ZrKeyRequestEvent).wallet_index == 0  # indices are per wallet type
    assert c.zr_keys(EVM_WALLET_TYPE_ID, env.alice) == []  # nothing is written back in Omni


def test_direct_repeated_key_request_tops_up_the_pending_slot(env: Any) -> None:
    c = env.direct
    first = c.zr_key_req(env.alice, sender=env.alice, value=PAY).first(ZrKeyRequestEvent)
    second = c.zr_key_req(env.alice, sender=env.alice, value=PAY).first(ZrKeyRequestEvent)
    assert first.wallet_index == second.wallet_index == 0
    assert (first.mpc_fee, second.mpc_fee) == (MPC_FEE, 0)  # the MPC fee is charged once
    slot = c.wallet_registry(EVM_WALLET_TYPE_ID, 0, env.alice)
    assert slot == WalletRegistry(1, 1, 2 * PAY - MPC_FEE)
    assert c.collected_fees() == MPC_FEE


# --------------------------------------------------------------------------- Omni signatures


def test_omni_signature_requests_need_no_key_response(env: Any, reverts: Any) -> None:
    c = env.omni
    c.zr_key_req(env.alice, EVM_WALLET_TYPE_ID, 2, sender=env.alice, value=PAY)
    assert c.trace_id() == 0

    tx = c.zr_sign_hash(
        SignParams(EVM_WALLET_TYPE_ID, 0, SEPOLIA_ID, HASH), sender=env.alice, value=PAY
    )
    event = tx.first(ZrSigRequestEvent)
    assert event.trace_id == 0 and event.layout == "head"
    assert event.wallet_id == wallet_id(
        env.w3.eth.chain_id, c.address, EVM_WALLET_TYPE_ID, env.alice, 0
    )
    assert (event.value, event.mpc_fee) == (PAY, 2 * MPC_FEE)
    p = event.params
    assert (p.wallet_type_id, p.wallet_index, p.dst_chain_id, p.payload) == (
        EVM_WALLET_TYPE_ID,
        0,
        SEPOLIA_ID,
        HASH,
    )
    assert (p.owner, p.req_type, p.broadcast) == (env.alice, 0, False)
    topics = ["0x" + bytes(t).hex() for t in tx.receipt["logs"][0]["topics"]]
    assert (
        topics[0]
        == "0x" + SPEC_EVENTS[f"ZrSigRequest(uint256,bytes32,uint256,uint256,{_SIG_TUPLE})"]
    )

    amoy = caip2_chain_id(AMOY)
    tx = c.zr_sign_tx(
        SignParams(EVM_WALLET_TYPE_ID, 0, amoy, UNSIGNED_TX, True), sender=env.alice, value=PAY
    )
    event = tx.first(ZrSigRequestEvent)
    assert (event.trace_id, event.params.req_type, event.params.broadcast) == (1, 1, True)
    assert event.params.payload == UNSIGNED_TX and event.params.dst_chain_id == amoy

    simple = encode_simple_tx(env.bob, 1000)
    tx = c.zr_sign_simple_tx(
        SignParams(EVM_WALLET_TYPE_ID, 0, SEPOLIA_ID, simple, True), sender=env.alice, value=PAY
    )
    event = tx.first(ZrSigRequestEvent)
    assert (event.trace_id, event.params.req_type, event.params.payload) == (2, 2, simple)
    assert c.trace_id() == 3
    assert [c.request_state(i) for i in range(3)] == [ReqRegistry(1, 0)] * 3

    for name, fn in (("zrKeyRes", c.zr_key_res), ("zrSignRes", c.zr_sign_res)):
        response: Any = (
            KeyResponse(EVM_WALLET_TYPE_ID, env.alice, 0, WALLET, 2)
            if name == "zrKeyRes"
            else SignResponse(0, env.alice, b"", b"\x01" * 65, False)
        )
        with reverts("DirectModeOnly"):
            fn(response, sender=env.relayer)


def test_signature_request_rejections(env: Any, reverts: Any) -> None:
    c = env.omni
    c.zr_key_req(env.alice, sender=env.alice, value=PAY)  # options 1: no monitoring
    ok = SignParams(EVM_WALLET_TYPE_ID, 0, SEPOLIA_ID, HASH)
    with reverts("InvalidOptions", 0):  # never requested on this contract
        c.zr_sign_hash(
            SignParams(EVM_WALLET_TYPE_ID, 1, SEPOLIA_ID, HASH), sender=env.alice, value=PAY
        )
    with reverts("InvalidOptions", 0):  # the slot is alice's, not bob's
        c.zr_sign_hash(ok, sender=env.bob, value=PAY)
    with reverts("WalletTypeNotSupported", BTC_MAINNET_WALLET_TYPE_ID):
        c.zr_sign_hash(
            SignParams(BTC_MAINNET_WALLET_TYPE_ID, 0, SEPOLIA_ID, HASH), sender=env.alice, value=PAY
        )
    unknown = caip2_chain_id("eip155:1")
    with reverts("ChainIdNotSupported", EVM_WALLET_TYPE_ID, unknown):
        c.zr_sign_tx(
            SignParams(EVM_WALLET_TYPE_ID, 0, unknown, UNSIGNED_TX), sender=env.alice, value=PAY
        )
    with reverts("BroadcastNotAllowed"):
        c.zr_sign_hash(
            SignParams(EVM_WALLET_TYPE_ID, 0, SEPOLIA_ID, HASH, True), sender=env.alice, value=PAY
        )
    with reverts("InvalidPayloadLength", 32, 31):
        c.zr_sign_hash(
            SignParams(EVM_WALLET_TYPE_ID, 0, SEPOLIA_ID, HASH[:31]), sender=env.alice, value=PAY
        )
    with reverts("InvalidPayloadLength", 1, 0):
        c.zr_sign_tx(
            SignParams(EVM_WALLET_TYPE_ID, 0, SEPOLIA_ID, b""), sender=env.alice, value=PAY
        )
    with reverts("WalletNotRegisteredForMonitoring", 0):
        c.zr_sign_simple_tx(
            SignParams(EVM_WALLET_TYPE_ID, 0, SEPOLIA_ID, encode_simple_tx(env.bob, 1)),
            sender=env.alice,
            value=PAY,
        )
    with reverts("InsufficientFee", MPC_FEE, MPC_FEE - 1):
        c.zr_sign_hash(ok, sender=env.alice, value=MPC_FEE - 1)
    assert c.trace_id() == 0  # nothing was accepted


def test_ed25519_hash_payload_may_be_any_nonempty_message(env: Any, reverts: Any) -> None:
    c = env.omni
    solana = caip2_chain_id("solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1")
    c.zr_key_req(env.alice, SOLANA_WALLET_TYPE_ID, sender=env.alice, value=PAY)
    message = b"a solana message longer than thirty-two bytes"
    tx = c.zr_sign_hash(
        SignParams(SOLANA_WALLET_TYPE_ID, 0, solana, message), sender=env.alice, value=PAY
    )
    assert tx.first(ZrSigRequestEvent).params.payload == message
    with reverts("InvalidPayloadLength", 1, 0):
        c.zr_sign_hash(
            SignParams(SOLANA_WALLET_TYPE_ID, 0, solana, b""), sender=env.alice, value=PAY
        )


# --------------------------------------------------------------------------- Direct mode


def _register(env: Any, owner: str, options: int = 1, wallet: str = WALLET) -> Any:
    c = env.direct
    req = c.zr_key_req(owner, EVM_WALLET_TYPE_ID, options, sender=owner, value=PAY)
    index = req.first(ZrKeyRequestEvent).wallet_index
    res = KeyResponse(EVM_WALLET_TYPE_ID, owner, index, wallet, options)
    return c.zr_key_res(c.sign_key_response(res, env.mpc.key), sender=env.relayer, gas=RESP_GAS)


def test_direct_key_response_is_stored_and_refunds(env: Any, reverts: Any) -> None:
    c = env.direct
    req = c.zr_key_req(env.alice, sender=env.alice, value=PAY)
    pool = c.wallet_registry(EVM_WALLET_TYPE_ID, 0, env.alice).value
    assert pool == PAY - MPC_FEE

    alice_before, relayer_before = env.balance(env.alice), env.balance(env.relayer)
    res = c.sign_key_response(KeyResponse(EVM_WALLET_TYPE_ID, env.alice, 0, WALLET, 1), env.mpc.key)
    tx = c.zr_key_res(res, sender=env.relayer, gas=RESP_GAS)

    resolve = tx.first(ZrKeyResolveEvent)
    assert (resolve.wallet_type_id, resolve.owner, resolve.wallet_index, resolve.addr) == (
        EVM_WALLET_TYPE_ID,
        env.alice,
        0,
        WALLET,
    )
    refund = tx.first(ZrSigGasRefundEvent)
    assert refund.engine_wallet_cost + refund.user_change == pool
    price = int(tx.receipt["effectiveGasPrice"])
    assert refund.engine_wallet_cost <= RESP_GAS * price
    # The responder is reimbursed about the gas it paid (within the calldata approximation).
    relayer_delta = env.balance(env.relayer) - relayer_before
    assert relayer_delta == refund.engine_wallet_cost - tx.fee_paid
    assert abs(relayer_delta) <= 2_000 * price
    assert env.balance(env.alice) - alice_before == refund.user_change

    assert c.zr_keys(EVM_WALLET_TYPE_ID, env.alice) == [WALLET]
    assert c.zr_key(EVM_WALLET_TYPE_ID, env.alice, 0) == WALLET
    assert c.wallet_registry(EVM_WALLET_TYPE_ID, 0, env.alice) == WalletRegistry(2, 1, 0)
    assert [type(e) for e in tx.events] == [ZrKeyResolveEvent, ZrSigGasRefundEvent]
    assert req.first(ZrKeyRequestEvent).wallet_index == 0
    # The next request gets the next index.
    nxt = c.zr_key_req(env.alice, sender=env.alice, value=PAY).first(ZrKeyRequestEvent)
    assert nxt.wallet_index == 1
    with reverts("Panic", 0x32):  # index out of range
        c.zr_key(EVM_WALLET_TYPE_ID, env.alice, 1)


def test_direct_key_response_rejections(env: Any, reverts: Any) -> None:
    c = env.direct
    c.zr_key_req(env.alice, sender=env.alice, value=PAY)
    good = KeyResponse(EVM_WALLET_TYPE_ID, env.alice, 0, WALLET, 1)
    domain = c.auth_domain()

    intruder = Account.create()
    forged = KeyResponse(
        **{**good.__dict__, "auth_signature": sign_auth(good.auth_hash(domain), intruder.key)}
    )
    with reverts("AccessControlUnauthorizedAccount", intruder.address.lower(), MPC_ROLE):
        c.zr_key_res(forged, sender=env.relayer)

    # zrSign's upstream payload (constant SRC_CHAIN_ID domain) is not accepted here ...
    upstream = sign_auth(good.auth_hash(SRC_CHAIN_ID), env.mpc.key)
    with reverts("AccessControlUnauthorizedAccount"):
        c.zr_key_res(
            KeyResponse(**{**good.__dict__, "auth_signature": upstream}), sender=env.relayer
        )
    # ... nor a signature made for another deployment (the Omni contract's domain).
    other = sign_auth(good.auth_hash(env.omni.auth_domain()), env.mpc.key)
    with reverts("AccessControlUnauthorizedAccount"):
        c.zr_key_res(KeyResponse(**{**good.__dict__, "auth_signature": other}), sender=env.relayer)

    valid = c.sign_key_response(good, env.mpc.key).auth_signature
    malformed = {
        2: valid[:64],  # bad length
        3: valid[:32]  # high s: s' = n - s
        + (
            0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
            - int.from_bytes(valid[32:64], "big")
        ).to_bytes(32, "big")
        + valid[64:],
        1: valid[:64] + bytes([5]),  # v not 27/28
    }
    for code, sig in malformed.items():
        with reverts("InvalidSignature", code):
            c.zr_key_res(
                KeyResponse(**{**good.__dict__, "auth_signature": sig}), sender=env.relayer
            )

    def signed(**changes: Any) -> KeyResponse:
        return c.sign_key_response(KeyResponse(**{**good.__dict__, **changes}), env.mpc.key)

    with reverts("OwnableInvalidOwner", ZERO):
        c.zr_key_res(signed(owner=ZERO), sender=env.relayer)
    with reverts("InvalidAddressLength", 5, 4):
        c.zr_key_res(signed(wallet="0x12"), sender=env.relayer)
    with reverts("IncorrectWalletIndex", 0, 1):
        c.zr_key_res(signed(wallet_index=1), sender=env.relayer)
    with reverts("WalletNotRequested", WALLET):
        c.zr_key_res(signed(owner=env.bob), sender=env.relayer)
    with reverts("InvalidOptions", 2):
        c.zr_key_res(signed(options=2), sender=env.relayer)

    c.zr_key_res(signed(), sender=env.relayer)
    with reverts("IncorrectWalletIndex", 1, 0):  # replaying the same response
        c.zr_key_res(signed(), sender=env.relayer)


def test_direct_signature_request_needs_registered_key(env: Any, reverts: Any) -> None:
    c = env.direct
    c.zr_key_req(env.alice, sender=env.alice, value=PAY)
    params = SignParams(EVM_WALLET_TYPE_ID, 0, SEPOLIA_ID, HASH)
    with reverts("InvalidWalletIndex", 0):
        c.zr_sign_hash(params, sender=env.alice, value=PAY)
    res = c.sign_key_response(KeyResponse(EVM_WALLET_TYPE_ID, env.alice, 0, WALLET, 1), env.mpc.key)
    c.zr_key_res(res, sender=env.relayer)
    event = c.zr_sign_hash(params, sender=env.alice, value=PAY).first(ZrSigRequestEvent)
    assert event.trace_id == 0
    # The response escrow is the whole payment less the MPC fee.
    assert c.request_state(0) == ReqRegistry(1, PAY - MPC_FEE)


def test_direct_signature_response(env: Any, reverts: Any) -> None:
    c = env.direct
    _register(env, env.alice)
    req = c.zr_sign_tx(
        SignParams(EVM_WALLET_TYPE_ID, 0, SEPOLIA_ID, UNSIGNED_TX, True),
        sender=env.alice,
        value=PAY,
    ).first(ZrSigRequestEvent)
    pool = c.request_state(req.trace_id).value
    mpc_signature = b"\x2c" * 64 + b"\x01"
    good = SignResponse(req.trace_id, env.alice, b"meta", mpc_signature, True)

    with reverts("RequestNotFoundOrAlreadyProcessed", 99):
        c.zr_sign_res(
            c.sign_sign_response(SignResponse(99, env.alice, b"", b"", False), env.mpc.key),
            sender=env.relayer,
        )
    with reverts("OwnerMismatch", env.alice.lower(), env.bob.lower()):
        bad_owner = SignResponse(req.trace_id, env.bob, b"meta", mpc_signature, True)
        c.zr_sign_res(c.sign_sign_response(bad_owner, env.mpc.key), sender=env.relayer)
    intruder = Account.create()
    forged = SignResponse(
        **{
            **good.__dict__,
            "auth_signature": sign_auth(good.auth_hash(c.auth_domain()), intruder.key),
        }
    )
    with reverts("AccessControlUnauthorizedAccount", intruder.address.lower(), MPC_ROLE):
        c.zr_sign_res(forged, sender=env.relayer)
    with reverts("InvalidSignature", 2):
        c.zr_sign_res(
            SignResponse(**{**good.__dict__, "auth_signature": b"\x00" * 10}), sender=env.relayer
        )

    alice_before = env.balance(env.alice)
    # A gas limit far above respGas is fine (zrSign would underflow here).
    tx = c.zr_sign_res(c.sign_sign_response(good, env.mpc.key), sender=env.relayer, gas=1_000_000)
    resolve = tx.first(ZrSigResolveEvent)
    assert (resolve.trace_id, resolve.meta_data, resolve.signature, resolve.broadcast) == (
        req.trace_id,
        b"meta",
        mpc_signature,
        True,
    )
    refund = tx.first(ZrSigGasRefundEvent)
    assert refund.engine_wallet_cost + refund.user_change == pool
    assert refund.engine_wallet_cost <= RESP_GAS * int(tx.receipt["effectiveGasPrice"])
    assert env.balance(env.alice) - alice_before == refund.user_change
    assert c.request_state(req.trace_id) == ReqRegistry(2, 0)

    with reverts("RequestNotFoundOrAlreadyProcessed", req.trace_id):
        c.zr_sign_res(c.sign_sign_response(good, env.mpc.key), sender=env.relayer)


def test_refund_to_owner_that_cannot_receive_is_credited(env: Any) -> None:
    """An owner without receive() no longer blocks the response: its change is credited."""
    c = env.direct
    owner = env.omni.address  # a contract without receive()
    c.zr_key_req(owner, sender=env.bob, value=PAY)
    res = c.sign_key_response(KeyResponse(EVM_WALLET_TYPE_ID, owner, 0, WALLET, 1), env.mpc.key)
    tx = c.zr_key_res(res, sender=env.relayer)
    refund = tx.first(ZrSigGasRefundEvent)
    credited = [e for e in tx.events if isinstance(e, OtherEvent) and e.name == "RefundCredited"]
    assert [(to_checksum_address(e.args["account"]), e.args["amount"]) for e in credited] == [
        (owner, refund.user_change)
    ]
    assert c.refund_credit(owner) == refund.user_change > 0
    assert c.zr_keys(EVM_WALLET_TYPE_ID, owner) == [WALLET]

    # withdrawRefund pays the caller its own credit (none for the relayer here).
    done = c.withdraw_refund(sender=env.relayer).first(OtherEvent)
    assert (done.name, done.args["amount"]) == ("RefundWithdrawn", 0)


def test_pending_key_request_survives_wallet_type_removal(env: Any, reverts: Any) -> None:
    c = env.direct
    c.zr_key_req(env.alice, sender=env.alice, value=PAY)
    c.configure_wallet_type(44, 60, False, sender=env.admin)
    with reverts("WalletTypeNotSupported", EVM_WALLET_TYPE_ID):
        c.zr_key_req(env.bob, sender=env.bob, value=PAY)
    res = c.sign_key_response(KeyResponse(EVM_WALLET_TYPE_ID, env.alice, 0, WALLET, 1), env.mpc.key)
    c.zr_key_res(res, sender=env.relayer)  # the escrow is not stranded
    assert c.zr_keys(EVM_WALLET_TYPE_ID, env.alice) == [WALLET]


def test_get_logs_decodes_the_whole_history(env: Any) -> None:
    c = env.direct
    start = env.w3.eth.block_number + 1
    _register(env, env.alice)
    c.zr_sign_hash(SignParams(EVM_WALLET_TYPE_ID, 0, SEPOLIA_ID, HASH), sender=env.alice, value=PAY)
    events = c.get_events(start)
    kinds = [type(e).__name__ for e in events]
    assert kinds == [
        "ZrKeyRequestEvent",
        "ZrKeyResolveEvent",
        "ZrSigGasRefundEvent",
        "ZrSigRequestEvent",
    ]
    topic = event_topics()["ZrSigRequest"]
    only = c.get_events(start, "latest", [topic])
    assert [type(e) for e in only] == [ZrSigRequestEvent]
    config = [e for e in c.get_events(0) if isinstance(e, WalletTypeIdSupportEvent)]
    assert [(e.purpose, e.coin_type) for e in config] == [(44, 60), (44, 1), (44, 501)]


# zrSign Omni (ours, docs/zrsign-policies.md): the only functions and events beyond zrSign's.
OMNI_FUNCTIONS = {
    "zrPolicyCreate(string,string,string[],uint64)",
    "zrKeyPolicySet(bytes32,uint256,uint64)",
    "zrActionApprove(uint64)",
    "zrActionReject(uint64)",
}
OMNI_EVENTS = {
    "ZrPolicyCreate(address,string,string,string[],uint64)",
    "ZrKeyPolicySet(address,bytes32,uint256,uint64)",
    "ZrActionApproval(address,uint64)",
    "ZrActionRejection(address,uint64)",
}


def test_omni_additions_are_the_only_new_interface() -> None:
    """Existing selectors and topics are checked above; here: nothing else was added."""
    functions = set(_abi_by_kind("function"))
    assert functions >= OMNI_FUNCTIONS
    extra = functions - set(SPEC_FUNCTIONS) - OMNI_FUNCTIONS
    assert not {f for f in extra if f.startswith("zr")}, extra
    events = set(_abi_by_kind("event"))
    assert events >= OMNI_EVENTS
    assert not {e for e in events - set(SPEC_EVENTS) - OMNI_EVENTS if e.startswith("Zr")}
