"""MsgUpdateParams, MsgUpdateKeyPolicy, MsgTransferFromKeyring, the refused ICA Msgs,
ValidateBasic, genesis (round trip, fix 8 of docs/COMPATIBILITY.md counters, zenBTC fields) and the
party
signature payload vector."""

from __future__ import annotations

import hashlib
import json

import pytest
from treasury_testkit import MPC_PUBKEY, Setup, build

from zrchain.codec.gen.zrchain.dct import params_pb2 as dct
from zrchain.codec.gen.zrchain.treasury import key_pb2, params_pb2
from zrchain.codec.gen.zrchain.treasury import tx_pb2 as ttx
from zrchain.codec.gen.zrchain.treasury import wallet_pb2 as wallet
from zrchain.context import Mode
from zrchain.errors import ChainError
from zrchain.store.kv import Branch
from zrchain.testing.identity_policy import fails, new_policy, new_workspace, ok, response
from zrchain.testing.inproc import make_chain
from zrchain.x.policy.types import GOV_AUTHORITY
from zrchain.x.treasury import genesis as tgenesis
from zrchain.x.treasury.party import (
    party_signature_digest,
    party_signature_payload,
    sign_party_result,
    verify_party_signature,
)

H1 = hashlib.sha256(b"one").digest()


@pytest.fixture
def s(tmp_path) -> Setup:
    setup = build(tmp_path, key_fee=1000, commission=10)
    yield setup
    setup.chain.app.close()


def _ctx(s: Setup):
    app = s.chain.app
    return app.context(Branch(app.store.version().kv), Mode.FINALIZE, height=s.chain.height)


# -- params ---------------------------------------------------------------------------------------
def test_update_params(s: Setup) -> None:
    msgs = s.chain.app.registry.module("treasury").msgs
    ctx = _ctx(s)
    p = params_pb2.Params(keyring_commission=5, min_gas_fee="0.5urock", default_btl=7)
    with pytest.raises(ChainError, match="invalid authority; expected"):
        msgs.update_params(ctx, ttx.MsgUpdateParams(authority=s.addr("alice"), params=p))
    msgs.update_params(ctx, ttx.MsgUpdateParams(authority=GOV_AUTHORITY))  # empty params: ok
    assert msgs.k.params(ctx) == params_pb2.Params()
    msgs.update_params(ctx, ttx.MsgUpdateParams(authority=GOV_AUTHORITY, params=p))
    assert msgs.k.params(ctx) == p
    bad = params_pb2.Params(keyring_commission=101)
    with pytest.raises(ChainError, match="commission must be between 0 and 100") as info:
        msgs.update_params(ctx, ttx.MsgUpdateParams(authority=GOV_AUTHORITY, params=bad))
    assert (info.value.codespace, info.value.code) == ("treasury", 1506)
    for field, value in (
        ("keyring_commission_destination", "nope"),
        ("min_gas_fee", "1.x"),
        ("mpc_keyring", "workspace14a2hpadpsy9h4auve2z8lw"),
    ):
        with pytest.raises(ChainError, match=field.split("_")[0]):
            msgs.update_params(
                ctx,
                ttx.MsgUpdateParams(
                    authority=GOV_AUTHORITY, params=params_pb2.Params(**{field: value})
                ),
            )
    # through a tx: ValidateBasic refuses a malformed authority before any handler runs
    res = s.run("alice", ttx.MsgUpdateParams(authority="invalid", params=p))
    assert res.code != 0 and "invalid authority address" in res.log


# -- key policy ------------------------------------------------------------------------------------
def test_update_key_policy(s: Setup) -> None:
    alice, bob = s.w("alice"), s.w("bob")
    p1 = new_policy(s.chain, alice, f"{alice.address} > 0", [alice.address])
    p2 = new_policy(s.chain, alice, f"{bob.address} > 0", [bob.address])
    ws2 = new_workspace(s.chain, alice, bob.address)
    kid = s.make_key(workspace_addr=ws2, sign_policy_id=p1)
    ok(s.run("alice", ttx.MsgUpdateKeyPolicy(creator=alice.address, key_id=kid, sign_policy_id=p2)))
    assert s.key(kid).key.sign_policy_id == p2
    # the action ran under the key's *previous* policy
    from zrchain.codec.gen.zrchain.policy import query_pb2 as pq

    acts = s.chain.q(
        "/zrchain.policy.Query/Actions", pq.QueryActionsRequest(), pq.QueryActionsResponse
    ).actions
    last = acts[-1].action if hasattr(acts[-1], "action") else acts[-1]
    assert last.policy_id == p1
    # a policy whose participant is not an owner of the key's workspace
    k2 = s.make_key()
    fails(
        s.run("alice", ttx.MsgUpdateKeyPolicy(creator=alice.address, key_id=k2, sign_policy_id=p2)),
        1,
        "undefined",
        f"policy participant {bob.address} is not an owner of the workspace",
    )
    fails(
        s.run("alice", ttx.MsgUpdateKeyPolicy(creator=alice.address, key_id=99)),
        1,
        "undefined",
        "key 99 not found",
    )


# -- keyring funds ---------------------------------------------------------------------------------
def test_transfer_from_keyring(s: Setup) -> None:
    s.make_key()  # the keyring earns 900
    alice = s.w("alice")
    assert s.balance(s.keyring) == 900

    def transfer(
        creator: str, recipient: str, amount: int, keyring: str = s.keyring, denom: str = ""
    ):
        msg = ttx.MsgTransferFromKeyring(
            creator=s.addr(creator),
            keyring=keyring,
            recipient=recipient,
            amount=amount,
            denom=denom,
        )
        return s.run(creator, msg)

    fails(
        transfer("alice", alice.address, 1, keyring="notthekeyring"),
        7,
        "sdk",
        "invalid keyring address",
    )
    fails(
        transfer("alice", alice.address, 1, keyring="keyring1pfnq7r04rept47gaf5cpdew2"),
        1,
        "undefined",
        "is nil",
    )
    fails(
        transfer("bob", alice.address, 1),
        1,
        "undefined",
        f"initiator {s.addr('bob')} should be admin",
    )
    fails(
        transfer("alice", s.addr("bob"), 1),
        1,
        "undefined",
        f"recipient {s.addr('bob')} should be admin",
    )
    fails(transfer("alice", alice.address, 901), 5, "sdk", "insufficient funds")
    a0 = s.balance("alice")
    ok(transfer("alice", alice.address, 0))
    ok(transfer("alice", alice.address, 400, denom="urock"))
    assert s.balance(s.keyring) == 500
    assert s.balance("alice") == a0 - 2 * 200_000 + 400


# -- ICA -----------------------------------------------------------------------------------------
def test_ica_messages_decode_and_are_refused(s: Setup) -> None:
    new = ttx.MsgNewICATransactionRequest(creator=s.addr("alice"), key_id=1, input_payload="{}")
    fails(s.run("alice", new), 37, "sdk", "MsgNewICATransactionRequest: interchain-account")
    fulfil = ttx.MsgFulfilICATransactionRequest(creator=s.addr("p1"), request_id=1)
    fails(s.run("p1", fulfil), 37, "sdk", "not supported")


def test_validate_basic(s: Setup) -> None:
    bad = ttx.MsgNewKeyRequest(creator="zen1invalid", workspace_addr=s.workspace)
    tx = s.chain.tx(s.w("alice"), [bad])
    res = s.chain.check(tx)
    assert res.code != 0


# -- genesis -----------------------------------------------------------------------------------
def test_default_genesis_matches_zrchain() -> None:
    assert tgenesis.default() == {
        "params": {
            "mpc_keyring": "",
            "zr_sign_address": "",
            "keyring_commission": "0",
            "keyring_commission_destination": "",
            "min_gas_fee": "0.0001urock",
            "default_btl": "0",
        },
        "port_id": "treasury",
        "keys": [],
        "key_requests": [],
        "sign_requests": [],
        "sign_tx_requests": [],
        "ica_tx_requests": [],
    }


def test_genesis_validation() -> None:
    good = tgenesis.default()
    tgenesis.validate(good)
    for edit, text in (
        (lambda g: g.update(port_id="x"), "invalid port id"),
        (lambda g: g["params"].update(keyring_commission="101"), "commission"),
        (lambda g: g.update(keys=[{"id": "1"}, {"id": "1"}]), "duplicate key id 1"),
        (lambda g: g.update(sign_requests=[{"id": "0"}]), "sign request with id 0"),
    ):
        g = json.loads(json.dumps(good))
        edit(g)
        with pytest.raises(ValueError, match=text):
            tgenesis.validate(g)


def test_export_import_round_trip_and_counters(tmp_path) -> None:
    s = build(tmp_path / "a", key_fee=1000, sig_fee=10)
    try:
        md = key_pb2.ZenBTCMetadata(
            recipient_addr="0x" + "12" * 20,
            chain_type=wallet.WALLET_TYPE_EVM,
            caip2_chain_id="eip155:17000",
            asset=dct.ASSET_ZENBTC,
        )
        kid = s.make_key(zenbtc_metadata=md)
        pending = s.new_key_request()
        sid = s.new_sign_request([kid], H1.hex(), cache_id=b"c")
        exported = s.chain.app.export_genesis()
    finally:
        s.chain.app.close()
    t = exported["treasury"]
    assert t["keys"][0]["zenbtc_metadata"]["caip2_chain_id"] == "eip155:17000"
    assert t["keys"][0]["zenbtc_metadata"]["asset"] == "ASSET_ZENBTC"
    # a sparse import (request ids 2 and 9); new ids continue after the largest (fix 8 of
    # docs/COMPATIBILITY.md)
    t["key_requests"][0]["id"] = "9"

    def edit(state):
        state["treasury"] = t
        state["identity"] = exported["identity"]
        state["policy"] = exported["policy"]

    c = make_chain(tmp_path / "b", {"alice": "1000urock"}, app_state=edit)
    try:
        again = c.app.export_genesis()["treasury"]
        assert again["keys"][0]["zenbtc_metadata"] == t["keys"][0]["zenbtc_metadata"]
        assert [r["id"] for r in again["key_requests"]] == sorted(
            (r["id"] for r in t["key_requests"]), key=int
        )
        module = c.app.registry.module("treasury")
        ctx = c.app.context(c.app.store.version().kv, Mode.QUERY, metered=False)
        last = module.keeper.last_ids(ctx)
        assert (last["key_requests"], last["sign_requests"]) == (9, sid)
        # the open request's escrow and the cache id survive the import
        from zrchain.x.treasury.keeper import KIND_KEY, KIND_SIGN

        assert module.keeper.escrow(ctx, KIND_KEY, pending).total == 1000
        assert module.keeper.escrow(ctx, KIND_SIGN, sid).total == 10
        assert module.keeper.cache_owner(ctx, exported_creator(t, sid), b"c") == sid
    finally:
        c.app.close()


def exported_creator(t, sid: int) -> str:
    return next(r["creator"] for r in t["sign_requests"] if int(r["id"]) == sid)


# -- party signatures ------------------------------------------------------------------------------
def test_party_signature_payload_vector() -> None:
    """The documented format (docs/treasury.md), byte for byte."""
    payload = party_signature_payload("zenrock", "key", 1, MPC_PUBKEY)
    assert payload == (
        b"zrchain/treasury/party-signature/v1"
        + b"\x07zenrock"
        + b"\x03key"
        + (1).to_bytes(8, "big")
        + (33).to_bytes(4, "big")
        + MPC_PUBKEY
    )
    assert (
        party_signature_digest("zenrock", "key", 1, MPC_PUBKEY) == hashlib.sha256(payload).digest()
    )
    import coincurve

    secret = b"\x05" * 32
    pub = coincurve.PrivateKey(secret).public_key.format()
    sig = sign_party_result(secret, "zenrock", "signature", 7, b"sig")
    assert len(sig) == 64
    assert verify_party_signature(pub, sig, "zenrock", "signature", 7, b"sig")
    assert not verify_party_signature(pub, sig, "zenrock-2", "signature", 7, b"sig")
    assert not verify_party_signature(pub, sig[:63], "zenrock", "signature", 7, b"sig")
    with pytest.raises(ValueError):
        party_signature_payload("zenrock", "key", -1, b"")


def test_party_without_an_account_key(tmp_path) -> None:
    """A party whose account has no public key on chain cannot have signed anything."""
    s = build(tmp_path)
    try:
        from zrchain.x.treasury.msg_server import TreasuryMsgServer

        msgs: TreasuryMsgServer = s.chain.app.registry.module("treasury").msgs
        ctx = _ctx(s)
        with pytest.raises(ChainError, match="has no secp256k1 account key"):
            msgs._party_pubkey(ctx, "zen1zpmqphp46nsn097ysltk4j5wmpjn9gd5gwyfnq")
    finally:
        s.chain.app.close()


def test_normal_key_request_round_trips_zenbtc_metadata(s: Setup) -> None:
    md = key_pb2.ZenBTCMetadata(
        recipient_addr="0x" + "12" * 20,
        chain_type=wallet.WALLET_TYPE_EVM,
        caip2_chain_id="eip155:1",
        asset=dct.ASSET_ZENBTC,
        chain_id=5,
        return_address="r",
    )
    rid = s.new_key_request(zenbtc_metadata=md)
    assert s.key_req(rid).zenbtc_metadata == md
    for bad, text in (
        (
            key_pb2.ZenBTCMetadata(chain_type=2, caip2_chain_id="eip155:1"),
            "asset type must be specified",
        ),
        (key_pb2.ZenBTCMetadata(asset=1, caip2_chain_id="x"), "invalid mint recipient chainID"),
        (
            key_pb2.ZenBTCMetadata(asset=1, caip2_chain_id="eip155:1", chain_type=2),
            "valid Ethereum address",
        ),
        (
            key_pb2.ZenBTCMetadata(asset=1, caip2_chain_id="eip155:1", chain_type=6),
            "valid Solana address",
        ),
        (
            key_pb2.ZenBTCMetadata(asset=1, caip2_chain_id="eip155:1"),
            "chain type must be specified",
        ),
        (
            key_pb2.ZenBTCMetadata(asset=1, caip2_chain_id="eip155:1", chain_type=3),
            "unsupported chain type",
        ),
    ):
        fails(s.key_request(zenbtc_metadata=bad), 1, "undefined", text)
    _ = response


def test_party_signature_documented_vector() -> None:
    """The worked example of docs/treasury.md."""
    import coincurve

    pk = coincurve.PrivateKey(b"\x11" * 32).public_key.format()
    payload = party_signature_payload("zenrock", "key", 1, pk)
    assert payload.hex() == (
        "7a72636861696e2f74726561737572792f70617274792d7369676e61747572652f7631077a656e726f636b"
        "036b6579000000000000000100000021034f355bdcb7cc0af728ef3cceb9615d90684bb5b2ca5f859ab0f0"
        "b704075871aa"
    )
    assert hashlib.sha256(payload).hexdigest() == (
        "02b85b8cda40b071bffda0104994d1204f0ad1ce86423c4c6ae74c89457b1163"
    )
    assert sign_party_result(b"\x05" * 32, "zenrock", "key", 1, pk).hex() == (
        "f0f57292012b2189c16b48839718ed9fe75c55e687d0cb07f9e43ccd69bdf6ff"
        "649805aaadc3ea217d4c1113e96ce0d77554dd0396c97ceb9c3f6d7715fcf061"
    )
