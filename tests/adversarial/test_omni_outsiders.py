"""Outsiders against zrSign Omni (docs/zrsign-policies.md) on the in-process chain (the real
app, signed txs, blocks): forged, replayed, expired and other-domain EIP-712 signatures,
someone else's key, non-participants, other networks, forwarded calls not from the bridge or
forwarded twice, malformed CAIP-10. Each case asserts the error *and* that nothing changed:
every omni/policy/treasury/identity key, every balance but the submitter's fee, the nonces."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from eth_account import Account

from zrchain.chains.caip import zrsign_cache_id
from zrchain.codec.gen.zrchain.omni import tx_pb2 as otx
from zrchain.testing.identity_policy import events, fails, ok, response
from zrchain.testing.omni import (
    APPROVERS,
    NAMES,
    OUTSIDER_EVM,
    OWNER,
    World,
    approve_msg,
    build_world,
    evm_participant,
    new_policy_msg,
    reject_msg,
    set_key_policy_msg,
)

CAIP2 = "eip155:31337"
CONTRACT = "0x5FbDB2315678afecb367f032d93F642f64180aa3"
A, B, C = APPROVERS
GAS = 2_000_000
FEE = GAS // 10


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Iterator[tuple[World, int, int]]:
    """OWNER's key under 'A on 31337 + B + C > 1' and one pending zrSign action."""
    w = build_world(tmp_path_factory.mktemp("omni") / "db")
    parts = [evm_participant(A, 31337), evm_participant(B), evm_participant(C)]
    definition = " + ".join(parts) + " > 1"
    res = ok(w.run("bob", new_policy_msg(w.addr("bob"), OWNER, 0, definition, parts, btl=10**6)))
    pid = int(response(res, otx.MsgNewPolicyEvmResponse).policy_id)
    ok(w.run("bob", set_key_policy_msg(w.addr("bob"), OWNER, 1, pid)))
    res = ok(w.zr_sign(hashlib.sha256(b"h").digest(), zrsign_cache_id(CAIP2, CONTRACT, 1)))
    aid = int(events(res, "zrsign_action")[0]["action_id"])
    yield w, pid, aid
    w.chain.app.close()


def refused(w: World, who: str, msg: Any, code: int, space: str, text: str, fee: int = FEE) -> None:
    """``msg`` from ``who`` fails with (space, code, text); only ``who``'s fee is spent
    (none when the Msg's stateless checks refuse it before the ante handler charges)."""
    accounts = [OWNER, *APPROVERS, OUTSIDER_EVM]
    state, nonces = w.state(), [w.nonce(a) for a in accounts]
    balances = {n: w.chain.balance(w.addr(n)) for n in NAMES}
    fails(w.run(who, msg, gas=GAS), code, space, text)
    assert w.state() == state
    assert [w.nonce(a) for a in accounts] == nonces
    balances[who] -= fee
    assert {n: w.chain.balance(w.addr(n)) for n in NAMES} == balances


def forwarded_approval(w: World, approver: str, aid: int, **kw: Any) -> otx.MsgForwardApproval:
    kw.setdefault("creator", w.addr("zrsign"))
    kw.setdefault("caip2", CAIP2)
    kw.setdefault("cache_id", hashlib.sha256(approver.encode() + str(aid).encode()).digest())
    return otx.MsgForwardApproval(approver=approver, action_id=aid, **kw)


Case = Callable[[World, int, int], tuple[str, Any, int, str, str]]

CASES: dict[str, Case] = {
    "approval signed by another key": lambda w, pid, aid: (
        "bob",
        approve_msg(w.addr("bob"), B, w.nonce(B), aid, signer=OUTSIDER_EVM),
        2,
        "omni",
        "not " + B.address.lower(),
    ),
    "approval for another zrChain's domain": lambda w, pid, aid: (
        "bob",
        approve_msg(w.addr("bob"), B, w.nonce(B), aid, chain_id="zenrock-testnet"),
        2,
        "omni",
        "salt keccak256('zenrock')",
    ),
    "expired approval": lambda w, pid, aid: (
        "bob",
        approve_msg(w.addr("bob"), B, w.nonce(B), aid, deadline=1_000),
        3,
        "omni",
        "deadline 1000 is before the block time",
    ),
    "approval with a future nonce": lambda w, pid, aid: (
        "bob",
        approve_msg(w.addr("bob"), B, w.nonce(B) + 1, aid),
        4,
        "omni",
        "is not the next nonce",
    ),
    "non-participant approves gaslessly": lambda w, pid, aid: (
        "outsider",
        approve_msg(w.addr("outsider"), OUTSIDER_EVM, 0, aid),
        1,
        "undefined",
        "is not a participant of this policy",
    ),
    "participant A approves from another network": lambda w, pid, aid: (
        "zrsign",
        forwarded_approval(w, A.address, aid, caip2="eip155:1"),
        1,
        "undefined",
        "is not a participant of this policy",
    ),
    "non-participant approves through the contract": lambda w, pid, aid: (
        "zrsign",
        forwarded_approval(w, OUTSIDER_EVM.address, aid),
        1,
        "undefined",
        "is not a participant of this policy",
    ),
    "forwarded approval not from the bridge": lambda w, pid, aid: (
        "outsider",
        forwarded_approval(w, A.address, aid, creator=w.addr("outsider")),
        5,
        "omni",
        "is not the zrSign account",
    ),
    "approval of an unknown action": lambda w, pid, aid: (
        "bob",
        approve_msg(w.addr("bob"), B, w.nonce(B), 999),
        1,
        "undefined",
        "action 999 not found",
    ),
    "owner change signed by someone else": lambda w, pid, aid: (
        "outsider",
        set_key_policy_msg(w.addr("outsider"), OWNER, w.nonce(OWNER), 0, signer=OUTSIDER_EVM),
        2,
        "omni",
        "not " + OWNER.address.lower(),
    ),
    "policy on someone else's key": lambda w, pid, aid: (
        "outsider",
        set_key_policy_msg(w.addr("outsider"), OUTSIDER_EVM, 0, pid),
        1,
        "undefined",
        "has no zrSign workspace",
    ),
    "forwarded owner call for someone else's key": lambda w, pid, aid: (
        "zrsign",
        otx.MsgForwardOwnerCall(
            creator=w.addr("zrsign"),
            caip2=CAIP2,
            owner=OUTSIDER_EVM.address,
            set_key_policy=otx.SetKeyPolicyOp(wallet_type=60, wallet_index=0, sign_policy_id=0),
            cache_id=hashlib.sha256(b"other").digest(),
        ),
        1,
        "undefined",
        "has no zrSign workspace",
    ),
    "forwarded owner call not from the bridge": lambda w, pid, aid: (
        "outsider",
        otx.MsgForwardOwnerCall(
            creator=w.addr("outsider"),
            caip2=CAIP2,
            owner=OWNER.address,
            set_key_policy=otx.SetKeyPolicyOp(wallet_type=60, wallet_index=0, sign_policy_id=0),
            cache_id=hashlib.sha256(b"fake").digest(),
        ),
        5,
        "omni",
        "is not the zrSign account",
    ),
    "malformed CAIP-10 participant": lambda w, pid, aid: (
        "bob",
        new_policy_msg(
            w.addr("bob"),
            OWNER,
            w.nonce(OWNER),
            f"eip155:01:{A.address} > 0",
            [f"eip155:01:{A.address}"],
        ),
        1,
        "undefined",
        "leading zero",
    ),
    "lower-case CAIP-10 participant": lambda w, pid, aid: (
        "bob",
        new_policy_msg(
            w.addr("bob"),
            OWNER,
            w.nonce(OWNER),
            f"eip155:{A.address.lower()} > 0",
            [f"eip155:{A.address.lower()}"],
        ),
        1,
        "undefined",
        "must be written",
    ),
    "a rejection's signature used as an approval": lambda w, pid, aid: (
        "bob",
        otx.MsgApproveActionEvm(
            submitter=w.addr("bob"),
            auth=reject_msg(w.addr("bob"), B, w.nonce(B), aid).auth,
            action_id=aid,
        ),
        2,
        "omni",
        "signed by",
    ),
    "non-participant rejects": lambda w, pid, aid: (
        "outsider",
        reject_msg(w.addr("outsider"), OUTSIDER_EVM, 0, aid),
        1,
        "undefined",
        "is not a participant of this policy",
    ),
    "non-participant rejects through the contract": lambda w, pid, aid: (
        "zrsign",
        forwarded_approval(w, OUTSIDER_EVM.address, aid, reject=True),
        1,
        "undefined",
        "is not a participant of this policy",
    ),
    "malformed signer address": lambda w, pid, aid: (
        "bob",
        otx.MsgApproveActionEvm(
            submitter=w.addr("bob"),
            auth=otx.EvmSignature(address="0x1234", nonce=0, deadline=2**40, signature=bytes(65)),
            action_id=aid,
        ),
        6,
        "omni",
        "signer: invalid EVM address",
    ),
    "forwarded call from a malformed network": lambda w, pid, aid: (
        "zrsign",
        forwarded_approval(w, A.address, aid, caip2="eip155:0x1"),
        6,
        "omni",
        "invalid CAIP-2 EVM chain",
    ),
}


STATELESS = {"malformed signer address"}  # ValidateBasic: refused before any fee


@pytest.mark.parametrize("case", sorted(CASES))
def test_outsider_is_refused_and_nothing_changes(world, case: str) -> None:
    w, pid, aid = world
    who, msg, code, space, text = CASES[case](w, pid, aid)
    refused(w, who, msg, code, space, text, fee=0 if case in STATELESS else FEE)


def test_replayed_signature_and_forwarded_event(world) -> None:
    """The same signed approval, and the same forwarded event, work once."""
    w, _, aid = world
    signed = approve_msg(w.addr("bob"), C, w.nonce(C), aid)
    ok(w.run("bob", signed, gas=GAS))
    refused(w, "bob", signed, 4, "omni", "is not the next nonce")
    fwd = forwarded_approval(w, C.address, aid, caip2="eip155:5")
    ok(w.run("zrsign", fwd, gas=GAS))
    refused(w, "zrsign", fwd, 7, "omni", "already forwarded")


def test_signature_made_for_one_op_does_not_authorise_another(world) -> None:
    """A signature over SetKeyPolicy(policy 0) moved onto SetKeyPolicy(policy 5)."""
    w, pid, _ = world
    good = set_key_policy_msg(w.addr("bob"), OWNER, w.nonce(OWNER), 0)
    moved = otx.MsgSetKeyPolicyEvm(
        submitter=good.submitter,
        auth=good.auth,
        op=otx.SetKeyPolicyOp(wallet_type=60, wallet_index=0, sign_policy_id=pid + 5),
    )
    refused(w, "bob", moved, 2, "omni", "signed by")
    assert Account  # eth-account made every signature here (zrchain/testing/omni.py)
