"""The zrsign-v1 test contract (contracts/test/ZrSignV1.sol) on a real in-process EVM follows the
deployed zrSign's rules that the bridge depends on (facts in docs/evm-bridge.md, "zrsign-v1"):
its exact interface, the authSignature payload with the constant SRC_CHAIN_ID, the refund
arithmetic that panics above respGas, and registration before signature requests."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from eth_account import Account
from eth_utils import keccak
from test_zrsign_contract import SPEC_ERRORS, SPEC_EVENTS, SPEC_FUNCTIONS

from zrchain.evm import (
    EVM_WALLET_TYPE_ID,
    MPC_ROLE,
    KeyResponse,
    SignParams,
    SignResponse,
    WalletRegistry,
    ZrKeyRequestEvent,
    ZrKeyResolveEvent,
    ZrSigGasRefundEvent,
    ZrSignContract,
    ZrSigRequestEvent,
    caip2_chain_id,
    sign_auth,
)
from zrchain.evm.artifact import signature
from zrchain.evm.contract import detect_flavour
from zrchain.evm.flavours import Flavour
from zrchain.evm.ids import SRC_CHAIN_ID
from zrchain.testing.zrsign_v1 import deploy_zrsign_v1, v1_artifact

SEPOLIA_ID = caip2_chain_id("eip155:11155111")
MPC_FEE = 5 * 10**14
RESP_GAS = 200_000
PAY = 10**16
WALLET = "0x44DFF5f4E70d1DF7be45292cab7B41bD54e00beE"
HASH = keccak(text="hello zrSign")
#: zrSign's refund adds this many gas units for its own transfers (twice when the pool covers it).
TRANSFER_GAS = 7210
#: Functions our contract adds; zrSign has none of them.
OURS_ONLY = {
    "authDomain()",
    "isDirectMode()",
    "getCollectedFees()",
    "withdrawRefund()",
    "getRefundCredit(address)",
    "keyResponseHash((bytes32,address,uint256,string,uint8,bytes))",
    "signResponseHash((uint256,address,bytes,bytes,bool,bytes))",
    "ED25519_COIN_TYPE()",
    "RESPONSE_BASE_GAS()",
    "RESPONSE_CALLDATA_GAS()",
    "REFUND_CALL_GAS()",
}


@pytest.fixture(scope="module")
def _v1(_chain: Any) -> ZrSignContract:
    c = deploy_zrsign_v1(_chain.w3, sender=_chain.admin)
    c.setup(
        admin=_chain.admin,
        fee_manager=_chain.fee,
        mpc_signers=[_chain.mpc.address],
        pauser=_chain.pauser,
        chains={EVM_WALLET_TYPE_ID: ["eip155:11155111"]},
        mpc_fee=MPC_FEE,
        resp_gas=RESP_GAS,
        resp_gas_buffer=120,
    )
    return c


@pytest.fixture
def v1(_v1: ZrSignContract, env: Any) -> Iterator[ZrSignContract]:
    yield _v1  # `env` snapshots and reverts the chain around each test


def _abi(kind: str) -> set[str]:
    return {signature(e) for e in v1_artifact().abi if e["type"] == kind}


def _request_key(env: Any, c: ZrSignContract, owner: str | None = None) -> int:
    owner = owner or env.alice
    tx = c.zr_key_req(owner, sender=owner, value=PAY)
    return int(tx.first(ZrKeyRequestEvent).wallet_index)


def _key_response(env: Any, c: ZrSignContract, index: int = 0) -> KeyResponse:
    res = KeyResponse(EVM_WALLET_TYPE_ID, env.alice, index, WALLET, 1)
    return c.sign_key_response(res, env.mpc.key)


def test_interface_is_exactly_zrsigns() -> None:
    """Same functions, events and errors as zrSign, and nothing of ours."""
    assert _abi("function") == set(SPEC_FUNCTIONS)
    assert _abi("event") == set(SPEC_EVENTS)
    assert _abi("error") == set(SPEC_ERRORS) - {"InvalidPayloadLength(uint256,uint256)"}
    assert not _abi("function") & OURS_ONLY
    deployed = bytes.fromhex(v1_artifact().deployed_bytecode[2:])
    for selector in SPEC_FUNCTIONS.values():
        assert bytes.fromhex(selector) in deployed


def test_initialised_once_and_recognised_as_zrsign_v1(env: Any, v1: ZrSignContract) -> None:
    assert v1.call("version") == 1
    assert v1.call("SRC_CHAIN_ID") == SRC_CHAIN_ID == SEPOLIA_ID
    with pytest.raises(Exception, match="InvalidInitialization"):
        v1.transact("initializeV1", sender=env.outsider)
    assert detect_flavour(v1) is Flavour.ZRSIGN_V1
    assert detect_flavour(ZrSignContract(env.w3, env.direct.address)) is Flavour.ZRCHAIN
    assert detect_flavour(ZrSignContract(env.w3, env.outsider)) is None  # an EOA


def test_auth_payload_starts_with_src_chain_id(env: Any, v1: ZrSignContract, reverts: Any) -> None:
    _request_key(env, v1)
    plain = KeyResponse(EVM_WALLET_TYPE_ID, env.alice, 0, WALLET, 1)
    # Signed as our contract wants it (bound to chain and address): refused, nothing changes.
    ours = sign_auth(plain.auth_hash(env.direct.flavour.auth_domain(1, v1.address)), env.mpc.key)
    with reverts("AccessControlUnauthorizedAccount"):
        v1.zr_key_res(replace(plain, auth_signature=ours), sender=env.relayer, gas=RESP_GAS)
    with reverts("InvalidSignature", 2):
        v1.zr_key_res(replace(plain, auth_signature=ours[:64]), sender=env.relayer, gas=RESP_GAS)
    low_v = ours[:64] + bytes([ours[64] - 27])
    with reverts("InvalidSignature", 1):
        v1.zr_key_res(replace(plain, auth_signature=low_v), sender=env.relayer, gas=RESP_GAS)
    intruder = Account.create()
    forged = sign_auth(plain.auth_hash(SRC_CHAIN_ID), intruder.key)
    with reverts("AccessControlUnauthorizedAccount", intruder.address.lower(), MPC_ROLE):
        v1.zr_key_res(replace(plain, auth_signature=forged), sender=env.relayer, gas=RESP_GAS)
    assert v1.zr_keys(EVM_WALLET_TYPE_ID, env.alice) == []
    assert v1.wallet_registry(EVM_WALLET_TYPE_ID, 0, env.alice).status == 1
    # The constant SRC_CHAIN_ID payload by an MPC_ROLE key, whatever this chain is: accepted.
    tx = v1.zr_key_res(_key_response(env, v1), sender=env.relayer, gas=RESP_GAS)
    assert tx.first(ZrKeyResolveEvent).addr == WALLET
    assert v1.zr_keys(EVM_WALLET_TYPE_ID, env.alice) == [WALLET]


def test_refund_panics_when_gas_limit_exceeds_resp_gas(
    env: Any, v1: ZrSignContract, reverts: Any
) -> None:
    _request_key(env, v1)
    pool = v1.wallet_registry(EVM_WALLET_TYPE_ID, 0, env.alice).value
    with reverts("Panic", 0x11):
        v1.zr_key_res(_key_response(env, v1), sender=env.relayer, gas=RESP_GAS + 150_000)
    relayer_before, alice_before = env.balance(env.relayer), env.balance(env.alice)
    tx = v1.zr_key_res(_key_response(env, v1), sender=env.relayer, gas=RESP_GAS)
    refund = tx.first(ZrSigGasRefundEvent)
    price = int(tx.receipt["effectiveGasPrice"])
    # The pool covers the cost: the cost carries the transfer allowance twice and the owner
    # gets the rest.
    assert refund.engine_wallet_cost % price == 0
    units = refund.engine_wallet_cost // price
    assert 2 * TRANSFER_GAS < units <= RESP_GAS + 2 * TRANSFER_GAS
    assert refund.engine_wallet_cost + refund.user_change == pool
    assert env.balance(env.relayer) - relayer_before == refund.engine_wallet_cost - tx.fee_paid
    assert env.balance(env.alice) - alice_before == refund.user_change


def test_refund_when_the_pool_is_short_pays_the_pool(env: Any, v1: ZrSignContract) -> None:
    v1.update_resp_gas_buffer(0, sender=env.fee)  # no response gas escrowed
    fee = v1.estimate_fee(1)
    assert fee.net_resp == 0
    v1.zr_key_req(env.alice, sender=env.alice, value=fee.total)
    relayer_before = env.balance(env.relayer)
    tx = v1.zr_key_res(_key_response(env, v1), sender=env.relayer, gas=RESP_GAS)
    refund = tx.first(ZrSigGasRefundEvent)
    assert refund.user_change == 0 and refund.engine_wallet_cost > 0  # reported, not paid
    assert env.balance(env.relayer) - relayer_before == -tx.fee_paid


def test_signature_requests_need_a_registered_key(
    env: Any, v1: ZrSignContract, reverts: Any
) -> None:
    params = SignParams(EVM_WALLET_TYPE_ID, 0, SEPOLIA_ID, HASH)
    with reverts("InvalidOptions", 0):  # never requested
        v1.zr_sign_hash(params, sender=env.alice, value=PAY)
    assert _request_key(env, v1) == 0
    with reverts("InvalidWalletIndex", 0):
        v1.zr_sign_hash(params, sender=env.alice, value=PAY)
    with reverts("InvalidWalletIndex", 0):
        v1.zr_sign_tx(replace(params, payload=b"\x01", broadcast=True), sender=env.alice, value=PAY)
    # Until registered, a further key request tops up index 0 instead of allocating index 1.
    pool = v1.wallet_registry(EVM_WALLET_TYPE_ID, 0, env.alice).value
    assert _request_key(env, v1) == 0
    assert v1.wallet_registry(EVM_WALLET_TYPE_ID, 0, env.alice) == WalletRegistry(1, 1, pool + PAY)
    v1.zr_key_res(_key_response(env, v1), sender=env.relayer, gas=RESP_GAS)
    tx = v1.zr_sign_hash(params, sender=env.alice, value=PAY)
    assert tx.first(ZrSigRequestEvent).trace_id == 0
    assert _request_key(env, v1) == 1
    # zrSign does not check a hash payload's length.
    short = v1.zr_sign_hash(replace(params, payload=b"\x01\x02"), sender=env.alice, value=PAY)
    assert short.first(ZrSigRequestEvent).params.payload == b"\x01\x02"


def test_signature_response(env: Any, v1: ZrSignContract, reverts: Any) -> None:
    _request_key(env, v1)
    v1.zr_key_res(_key_response(env, v1), sender=env.relayer, gas=RESP_GAS)
    v1.zr_sign_hash(
        SignParams(EVM_WALLET_TYPE_ID, 0, SEPOLIA_ID, HASH), sender=env.alice, value=PAY
    )
    res = SignResponse(0, env.alice, b"", b"\x11" * 65, False)
    with reverts("AccessControlUnauthorizedAccount"):
        v1.zr_sign_res(
            replace(res, auth_signature=sign_auth(res.auth_hash(b"\x00" * 32), env.mpc.key)),
            sender=env.relayer,
            gas=RESP_GAS,
        )
    with reverts("Panic", 0x11):
        v1.zr_sign_res(v1.sign_sign_response(res, env.mpc.key), sender=env.relayer, gas=10**6)
    tx = v1.zr_sign_res(v1.sign_sign_response(res, env.mpc.key), sender=env.relayer, gas=RESP_GAS)
    assert tx.gas_used <= RESP_GAS
    assert v1.request_state(0).status == 2
    with reverts("RequestNotFoundOrAlreadyProcessed", 0):
        v1.zr_sign_res(v1.sign_sign_response(res, env.mpc.key), sender=env.relayer, gas=RESP_GAS)
