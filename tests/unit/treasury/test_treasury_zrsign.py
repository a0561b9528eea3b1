"""zrSign paths (docs/treasury.md, *zrSign*; docs/evm-bridge.md): workspaces per owner and
wallet type, key harmonisation (one key per owner, wallet type and walletIndex), normalised
EVM owners (fix 11 of docs/COMPATIBILITY.md), hash and tx signature requests, ZrSignKeys."""

from __future__ import annotations

import hashlib

import pytest
from eth_utils import to_checksum_address
from treasury_testkit import MPC_PUBKEY, TQ, Setup, build, ecdsa_sign

from zrchain.chains.bitcoin import bitcoin_p2wpkh_address
from zrchain.chains.evm import evm_address
from zrchain.codec.any import pack
from zrchain.codec.gen.zrchain.treasury import query_pb2 as q
from zrchain.codec.gen.zrchain.treasury import tx_pb2 as ttx
from zrchain.codec.gen.zrchain.treasury import wallet_pb2 as wallet
from zrchain.testing.identity_policy import events, fails, module_state, ok, response, workspace

OWNER = "0xbe27e519a220d4336a5f9d08c7fa542175e30da0"
OWNER_CHECKSUM = to_checksum_address(OWNER)
H1 = hashlib.sha256(b"one").digest()


@pytest.fixture
def s(tmp_path) -> Setup:
    setup = build(tmp_path)
    yield setup
    setup.chain.app.close()


def zr_key(
    s: Setup, owner: str = OWNER_CHECKSUM, coin: int = 60, index: int = 0, who: str = "zrsign"
):
    msg = ttx.MsgNewKeyRequest(
        creator=s.addr(who), ext_requester=owner, ext_key_type=coin, index=index
    )
    return s.run(who, msg)


def zr_key_id(s: Setup, **kw) -> int:
    return int(response(zr_key(s, **kw), ttx.MsgNewKeyRequestResponse).key_req_id)


def zr_sign(s: Setup, data: str, who: str = "zrsign", **kw):
    kw.setdefault("address", OWNER)
    kw.setdefault("key_type", 60)
    msg = ttx.MsgNewZrSignSignatureRequest(creator=s.addr(who), data=data, **kw)
    return s.run(who, msg)


def zr_keys(s: Setup, address: str = OWNER, wallet_type: str = "") -> list:
    return list(
        s.chain.q(
            TQ + "ZrSignKeys",
            q.QueryZrSignKeysRequest(address=address, walletType=wallet_type),
            q.QueryZrSignKeysResponse,
        ).Keys
    )


def test_key_request_creates_workspaces_and_request(s: Setup) -> None:
    res = ok(zr_key(s, index=0))
    rid = response(res, ttx.MsgNewKeyRequestResponse).key_req_id
    assert events(res, "new_key_request") == [{"request_id": str(rid)}]
    assert events(res, "new_action") == []  # no policy, no action
    r = s.key_req(rid)
    assert r.creator == OWNER  # normalised owner
    assert r.keyring_addr == s.keyring  # params.mpc_keyring
    assert r.key_type == "KEY_TYPE_ECDSA_SECP256K1"
    child = workspace(s.chain, r.workspace_addr)
    assert (child.alias, child.creator, list(child.owners)) == ("60", OWNER, [OWNER])
    # the parent is the owner's other workspace, holding the child
    from zrchain.codec.gen.zrchain.identity import query_pb2 as iq

    wss = s.chain.q(
        "/zrchain.identity.Query/Workspaces",
        iq.QueryWorkspacesRequest(creator=OWNER),
        iq.QueryWorkspacesResponse,
    ).workspaces
    parents = [w for w in wss if w.child_workspaces]
    assert [list(p.child_workspaces) for p in parents] == [[r.workspace_addr]]


def test_repeated_requests_are_idempotent_per_owner_type_and_index(s: Setup) -> None:
    first = zr_key_id(s, index=0)
    before = module_state(s.chain, "treasury", "identity")
    z0 = s.balance("zrsign")
    # the same triple, whichever EVM network (and address spelling) it comes from
    for owner in (OWNER_CHECKSUM, OWNER, OWNER.upper().replace("0X", "0x")):
        res = ok(zr_key(s, owner=owner, index=0))
        assert response(res, ttx.MsgNewKeyRequestResponse).key_req_id == first
        assert events(res, "new_key_request") == []
    assert module_state(s.chain, "treasury", "identity") == before
    # only tx fees were paid
    assert s.balance("zrsign") == z0 - 3 * 200_000
    # after fulfilment still the same key
    ok(s.fulfil_key("p1", first))
    ok(s.fulfil_key("p2", first))
    assert zr_key_id(s, index=0) == first
    # another index, another wallet type: new keys (and a second child workspace)
    second = zr_key_id(s, index=1)
    btc = zr_key_id(s, coin=1, index=0)
    assert len({first, second, btc}) == 3
    assert s.key_req(second).workspace_addr == s.key_req(first).workspace_addr
    assert s.key_req(btc).workspace_addr != s.key_req(first).workspace_addr
    assert s.key_req(btc).key_type == "KEY_TYPE_BITCOIN_SECP256K1"


def test_a_failed_slot_can_be_requested_again(s: Setup) -> None:
    first = zr_key_id(s, index=0)
    ok(s.reject_key("p1", first))
    again = zr_key_id(s, index=0)
    assert again != first
    assert s.key_req(again).index == 0


def test_zrsign_key_request_errors(s: Setup) -> None:
    fails(zr_key(s, coin=2), 1, "undefined", "covert wallet type to key type: unknown wallet type")
    fails(zr_key(s, owner=""), 1, "undefined", "ext_requester is required")
    bad = OWNER_CHECKSUM[:-1] + ("a" if OWNER_CHECKSUM[-1] != "a" else "b")
    bad = bad[:2] + bad[2].swapcase() + bad[3:]
    fails(zr_key(s, owner=bad), 1, "undefined", "bad EIP-55 checksum")
    # any other account takes the normal path (and fails its address checks)
    fails(zr_key(s, who="alice"), 7, "sdk", "invalid workspace address")


def test_signature_request_hash_mode(s: Setup) -> None:
    kid = zr_key_id(s)
    ok(s.fulfil_key("p1", kid))
    ok(s.fulfil_key("p2", kid))
    res = ok(zr_sign(s, H1.hex(), wallet_index=0, cache_id=b"trace-1"))
    sid = response(res, ttx.MsgNewZrSignSignatureRequestResponse).req_id
    assert events(res, "new_sign_request") == [{"request_id": str(sid)}]
    r = s.sign_req(sid)
    assert (r.creator, list(r.key_ids), list(r.data_for_signing)) == (s.addr("zrsign"), [kid], [H1])
    fails(zr_sign(s, H1.hex(), wallet_index=0, cache_id=b"trace-1"), 1, "undefined", "already used")
    for p in ("p1", "p2"):
        ok(s.fulfil_sign(p, sid, ecdsa_sign(H1)))
    assert s.sign_req(sid).status == "SIGN_REQUEST_STATUS_FULFILLED"
    # a hash of the wrong size is refused up front (it could never be signed)
    fails(zr_sign(s, "abcd", wallet_index=0), 1, "undefined", "signatureRequest: data for signing")


def test_signature_request_tx_mode(s: Setup) -> None:
    kid = zr_key_id(s)
    ok(s.fulfil_key("p1", kid))
    ok(s.fulfil_key("p2", kid))
    payload = "e679850fd8f4bd2382520894cf4324b9fd2fbc83b98a1483e854d31d3e45944c8203e880808080"
    res = ok(
        zr_sign(
            s,
            payload,
            wallet_index=0,
            tx=True,
            wallet_type=wallet.WALLET_TYPE_EVM,
            metadata=pack(ttx.MetadataEthereum(chain_id=111)),
            no_broadcast=True,
        )
    )
    tid = response(res, ttx.MsgNewZrSignSignatureRequestResponse).req_id
    assert tid == 1
    t = s.chain.q(
        TQ + "SignTransactionRequestByID",
        q.QuerySignTransactionRequestByIDRequest(id=tid),
        q.QuerySignTransactionRequestByIDResponse,
    ).sign_transaction_request
    assert (t.creator, list(t.key_ids), t.no_broadcast) == (s.addr("zrsign"), [kid], True)
    assert s.sign_req(t.sign_request_id).data_for_signing[0].hex() == (
        "29d678d350c58beaf3a1f41686393527262550fba5839403e88205b695ea0594"
    )
    fails(
        zr_sign(s, "invalid", wallet_index=0, tx=True, wallet_type=wallet.WALLET_TYPE_EVM),
        1,
        "undefined",
        "encoding/hex: invalid byte: U+0069 'i'",
    )


def test_signature_request_errors(s: Setup) -> None:
    fails(zr_sign(s, H1.hex(), who="alice"), 1, "undefined", "creator is not zrsign")
    fails(zr_sign(s, H1.hex()), 1, "undefined", "GetZrSignWorkspaces: no workspaces")
    zr_key_id(s)  # pending: the key does not exist yet
    fails(zr_sign(s, H1.hex(), wallet_index=0), 1, "undefined", "key index not found: 60")
    fails(
        zr_sign(s, H1.hex(), key_type=501), 1, "undefined", "wallet type workspace not found: 501"
    )


def test_zr_sign_keys_query(s: Setup) -> None:
    assert zr_keys(s) == []  # unknown owner: empty, no error
    eth = zr_key_id(s, index=0)
    btc = zr_key_id(s, coin=1, index=0)
    for rid in (eth, btc):
        ok(s.fulfil_key("p1", rid))
        ok(s.fulfil_key("p2", rid))
    got = [(k.walletType, k.address, k.index, k.id) for k in zr_keys(s, OWNER_CHECKSUM)]
    assert got == [
        ("60", evm_address(MPC_PUBKEY), 0, eth),
        ("1", bitcoin_p2wpkh_address(MPC_PUBKEY, "tb"), 0, btc),
    ]
    assert [k.id for k in zr_keys(s, wallet_type="1")] == [btc]


def test_no_page_cap_on_zrsign_keys(s: Setup) -> None:
    """fix 10 of docs/COMPATIBILITY.md: zrChain stops at 100 keys; every key is listed here."""
    module = s.chain.app.registry.module("treasury")
    first = zr_key_id(s, index=0)
    ok(s.fulfil_key("p1", first))
    ok(s.fulfil_key("p2", first))
    ws = s.key_req(first).workspace_addr
    from zrchain.codec.gen.zrchain.treasury import key_pb2
    from zrchain.store.kv import Branch

    app = s.chain.app
    branch = Branch(app.store.pending)
    ctx = app.context(branch, 3, metered=False)
    for i in range(1, 130):
        module.keeper.set_key(
            ctx,
            key_pb2.Key(
                id=1000 + i,
                workspace_addr=ws,
                keyring_addr=s.keyring,
                type=1,
                public_key=MPC_PUBKEY,
                index=i,
            ),
        )
    app.store.apply(branch.writes)
    s.chain.block([])
    assert len(zr_keys(s)) == 130
