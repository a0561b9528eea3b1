"""Query service (docs/treasury.md): wallets derived from public keys, filters,
pagination, KeyByAddress, sign-transaction listings, REST routes."""

from __future__ import annotations

import base64
import hashlib

import pytest
from cosmpy.protos.cosmos.base.query.v1beta1.pagination_pb2 import PageRequest
from treasury_testkit import MPC_PUBKEY, TQ, build, ecdsa_sign

from zrchain.chains.evm import evm_address
from zrchain.codec.any import pack
from zrchain.codec.gen.zrchain.treasury import query_pb2 as q
from zrchain.codec.gen.zrchain.treasury import tx_pb2 as ttx
from zrchain.codec.gen.zrchain.treasury import wallet_pb2 as wallet
from zrchain.testing.identity_policy import ok, response
from zrchain.testing.inproc import make_chain

ECDSA_PK = bytes.fromhex("03ca27ea7b0641497b19a723e3b92590801c7e79b114253fc1e99df1fd9730526b")
EDDSA_PK = bytes.fromhex("29dbaad675878b2f16cb14827a4c1a41bbd63c3b601bdc5e277d00b120ffeece")
WS = "workspace14a2hpadpsy9h4auve2z8lw"
KR = "keyring1pfnq7r04rept47gaf5cpdew2"


def _key(id_: int, kt: str, pk: bytes, ws: str = WS, **kw) -> dict:
    return {
        "id": str(id_),
        "workspace_addr": ws,
        "keyring_addr": KR,
        "type": kt,
        "public_key": base64.b64encode(pk).decode(),
        **kw,
    }


@pytest.fixture
def gchain(tmp_path):
    """A chain whose genesis holds the keys of zrChain's tests and a few requests."""

    def edit(state):
        t = state["treasury"]
        t["keys"] = [
            _key(1, "KEY_TYPE_ECDSA_SECP256K1", ECDSA_PK),
            _key(2, "KEY_TYPE_BITCOIN_SECP256K1", ECDSA_PK),
            _key(3, "KEY_TYPE_EDDSA_ED25519", EDDSA_PK, ws="workspace10j06zdk5gyl6v9ekzwem0v"),
            _key(
                4,
                "KEY_TYPE_ECDSA_SECP256K1",
                ECDSA_PK,
                zenbtc_metadata={
                    "recipient_addr": "0x" + "12" * 20,
                    "chain_type": "WALLET_TYPE_EVM",
                    "caip2_chain_id": "eip155:17000",
                    "asset": "ASSET_ZENBTC",
                },
            ),
        ]
        t["key_requests"] = [
            {
                "id": "1",
                "status": "KEY_REQUEST_STATUS_FULFILLED",
                "keyring_addr": KR,
                "workspace_addr": WS,
            },
            {
                "id": "5",
                "status": "KEY_REQUEST_STATUS_PENDING",
                "keyring_addr": KR,
                "workspace_addr": WS,
            },
            {
                "id": "6",
                "status": "KEY_REQUEST_STATUS_PENDING",
                "keyring_addr": KR,
                "workspace_addr": WS,
            },
        ]
        t["sign_requests"] = [
            {"id": "1", "key_ids": ["1"], "status": "SIGN_REQUEST_STATUS_PENDING"},
            {"id": "2", "key_ids": ["99"], "status": "SIGN_REQUEST_STATUS_PENDING"},
        ]

    c = make_chain(tmp_path / "db", {"alice": "1000urock"}, app_state=edit)
    yield c
    c.app.close()


def keys(chain, **kw):
    return chain.q(TQ + "Keys", q.QueryKeysRequest(**kw), q.QueryKeysResponse)


def wallets_of(item) -> list[tuple[str, str]]:
    return [(w.address, w.type) for w in item.wallets]


def test_keys_derives_wallets_vectors(gchain) -> None:
    res = keys(gchain)
    assert [k.key.id for k in res.keys] == [1, 2, 3, 4]
    assert res.pagination.total == 4
    assert wallets_of(res.keys[0]) == [
        ("zen1tun7x3s2ywksa32nl38d3fuuv8nk5ang97v73r", "WALLET_TYPE_NATIVE"),
        ("0xdEa33aE3DA8f2EbA6efBB3EF5d143415438a6541", "WALLET_TYPE_EVM"),
    ]
    assert res.keys[0].key.type == "KEY_TYPE_ECDSA_SECP256K1"
    assert wallets_of(res.keys[1]) == [
        ("tb1qtun7x3s2ywksa32nl38d3fuuv8nk5angr0m8zv", "WALLET_TYPE_BTC_TESTNET"),
        ("bc1qtun7x3s2ywksa32nl38d3fuuv8nk5angffq5el", "WALLET_TYPE_BTC_MAINNET"),
        ("bcrt1qtun7x3s2ywksa32nl38d3fuuv8nk5angpxz249", "WALLET_TYPE_BTC_REGNET"),
        ("t1SYjz1d2wbX4ewWT87UMkhjzhZ9c5GFevn", "WALLET_TYPE_ZCASH_MAINNET"),
        ("tmJPVJr7SLG2ZoBhtnqn6cNQkJYERbWSo2J", "WALLET_TYPE_ZCASH_TESTNET"),
    ]
    assert wallets_of(res.keys[2]) == [
        ("3pPzT5vhum6GN5pfKVAqB5MA4C3sZmZviyZTYpqRsz6R", "WALLET_TYPE_SOLANA")
    ]


def test_keys_filters_and_prefixes(gchain) -> None:
    res = keys(
        gchain, wallet_type=wallet.WALLET_TYPE_NATIVE, prefixes=["celestia", "cosmos", "zen"]
    )
    assert [k.key.id for k in res.keys] == [1, 4]
    assert [w.address for w in res.keys[0].wallets] == [
        "celestia1tun7x3s2ywksa32nl38d3fuuv8nk5angwe008l",
        "cosmos1tun7x3s2ywksa32nl38d3fuuv8nk5angln7laj",
        "zen1tun7x3s2ywksa32nl38d3fuuv8nk5ang97v73r",
    ]
    assert [k.key.id for k in keys(gchain, wallet_type=wallet.WALLET_TYPE_SOLANA).keys] == [3]
    assert [k.key.id for k in keys(gchain, workspace_addr=WS).keys] == [1, 2, 4]
    empty = keys(gchain, workspace_addr="workspace1mphgzyhncnzyggfxmv4nmh")
    assert list(empty.keys) == [] and empty.pagination.total == 0


def test_keys_pagination(gchain) -> None:
    page = keys(gchain, pagination=PageRequest(limit=2))
    assert [k.key.id for k in page.keys] == [1, 2]
    assert page.pagination.next_key == (3).to_bytes(8, "big")
    assert page.pagination.total == 0  # count_total not asked
    nxt = keys(gchain, pagination=PageRequest(key=page.pagination.next_key, limit=2))
    assert [k.key.id for k in nxt.keys] == [3, 4]
    off = keys(gchain, pagination=PageRequest(offset=1, limit=2, count_total=True))
    assert [k.key.id for k in off.keys] == [2, 3] and off.pagination.total == 4
    rev = keys(gchain, pagination=PageRequest(reverse=True, limit=1))
    assert [k.key.id for k in rev.keys] == [4]
    res = gchain.query_raw(
        TQ + "Keys", q.QueryKeysRequest(pagination=PageRequest(key=b"\x01", offset=1))
    )
    assert res.code != 0 and "either offset or key" in res.log


def test_key_by_id(gchain) -> None:
    res = gchain.q(
        TQ + "KeyByID", q.QueryKeyByIDRequest(id=1, wallet_type=2), q.QueryKeyByIDResponse
    )
    assert res.key.public_key == ECDSA_PK
    assert [w.address for w in res.wallets] == ["0xdEa33aE3DA8f2EbA6efBB3EF5d143415438a6541"]
    res = gchain.query_raw(TQ + "KeyByID", q.QueryKeyByIDRequest(id=5))
    assert res.code != 0 and "key 5 not found: not found" in res.log


def test_key_requests_filters(gchain) -> None:
    def kr(**kw):
        return gchain.q(
            TQ + "KeyRequests", q.QueryKeyRequestsRequest(**kw), q.QueryKeyRequestsResponse
        )

    pending = kr(status=1)
    assert [r.id for r in pending.key_requests] == [5, 6] and pending.pagination.total == 2
    assert [r.id for r in kr().key_requests] == [1, 5, 6]
    assert [r.id for r in kr(status=3).key_requests] == [1]
    assert list(kr(keyring_addr="keyring1k6vc6vhp6e6l3rxalue9v4ux").key_requests) == []
    assert [r.id for r in kr(workspace_addr=WS, status=1).key_requests] == [5, 6]
    res = gchain.query_raw(TQ + "KeyRequestByID", q.QueryKeyRequestByIDRequest(id=9))
    assert res.code != 0 and "key request 9 not found" in res.log


def test_signature_requests_skip_missing_keys(gchain) -> None:
    def sr(**kw):
        return gchain.q(
            TQ + "SignatureRequests",
            q.QuerySignatureRequestsRequest(**kw),
            q.QuerySignatureRequestsResponse,
        )

    assert [r.id for r in sr().sign_requests] == [1]
    assert [r.id for r in sr(status=1).sign_requests] == [1]
    assert [r.id for r in sr(keyring_addr=KR).sign_requests] == [1]
    assert list(sr(keyring_addr="keyring1k6vc6vhp6e6l3rxalue9v4ux").sign_requests) == []
    res = gchain.query_raw(TQ + "SignatureRequestByID", q.QuerySignatureRequestByIDRequest(id=7))
    assert res.code != 0 and "signature request 7 not found" in res.log


def test_key_by_address(gchain) -> None:
    def by(address, wt, **kw):
        return gchain.q(
            TQ + "KeyByAddress",
            q.QueryKeyByAddressRequest(address=address, wallet_type=wt, **kw),
            q.QueryKeyByAddressResponse,
        )

    evm = "0xdEa33aE3DA8f2EbA6efBB3EF5d143415438a6541"
    assert by(evm, 2).response.key.id == 1
    assert by(evm.lower(), 2).response.key.id == 1  # EVM addresses in any case
    assert by("tb1qtun7x3s2ywksa32nl38d3fuuv8nk5angr0m8zv", 3).response.key.id == 2
    assert by("3pPzT5vhum6GN5pfKVAqB5MA4C3sZmZviyZTYpqRsz6R", 6).response.key.id == 3
    assert not by(evm, 2, keyring_addr="keyring1k6vc6vhp6e6l3rxalue9v4ux").HasField("response")
    res = gchain.query_raw(TQ + "KeyByAddress", q.QueryKeyByAddressRequest(address=evm))
    assert res.code != 0 and "error in NewWallet: unknown wallet type" in res.log


def test_zenbtc_and_dct_wallets(gchain) -> None:
    zen = gchain.q(
        TQ + "ZenbtcWallets", q.QueryZenbtcWalletsRequest(), q.QueryZenbtcWalletsResponse
    )
    assert [k.key.id for k in zen.zenbtc_wallets] == [4]
    assert zen.zenbtc_wallets[0].key.zenbtc_metadata.caip2_chain_id == "eip155:17000"
    dct = gchain.q(
        TQ + "DctWallets", q.QueryDctWalletsRequest(asset_type=1), q.QueryDctWalletsResponse
    )
    assert [k.key.id for k in dct.dct_wallets] == [4]
    none = gchain.q(TQ + "DctWallets", q.QueryDctWalletsRequest(), q.QueryDctWalletsResponse)
    assert list(none.dct_wallets) == []  # UNSPECIFIED is an exact filter


def test_sign_transaction_requests_listing(tmp_path) -> None:
    s = build(tmp_path)
    try:
        kid = s.make_key()
        payload = bytes.fromhex(
            "e9028501596f95f1825208945ff137d4b0fdcd49dca30c7cf57e578a026d278985e8d4a5100080808080"
        )
        msg = ttx.MsgNewSignTransactionRequest(
            creator=s.addr("alice"),
            key_ids=[kid],
            wallet_type=wallet.WALLET_TYPE_EVM,
            unsigned_transaction=payload,
            metadata=pack(ttx.MetadataEthereum(chain_id=11155111)),
        )
        out = response(s.run("alice", msg), ttx.MsgNewSignTransactionRequestResponse)

        def st(**kw):
            return s.chain.q(
                TQ + "SignTransactionRequests",
                q.QuerySignTransactionRequestsRequest(**kw),
                q.QuerySignTransactionRequestsResponse,
            ).sign_transaction_requests

        items = st()
        assert len(items) == 1
        assert items[0].sign_transaction_requests.id == out.id
        assert items[0].sign_request.id == out.signature_request_id
        assert items[0].sign_transaction_requests.wallet_type == "WALLET_TYPE_EVM"
        assert len(st(key_id=kid, wallet_type=2, status=1)) == 1
        assert st(key_id=kid + 1) == [] or len(st(key_id=kid + 1)) == 0
        assert len(st(status=3)) == 0
        digest = bytes(s.sign_req(out.signature_request_id).data_for_signing[0])
        for p in ("p1", "p2"):
            ok(s.fulfil_sign(p, out.signature_request_id, ecdsa_sign(digest)))
        assert len(st(status=3)) == 1
    finally:
        s.chain.app.close()


def test_every_query_has_one_rest_route(gchain) -> None:
    routes = {
        m: r for m, r in gchain.app.registry.queries.items() if m.startswith("/zrchain.treasury")
    }
    assert len(routes) == 13
    for route in routes.values():
        assert len(route.rest) == 1 and route.rest[0].path.startswith("/zrchain/treasury/")


def test_params_query_and_chain_min_gas_fee(gchain) -> None:
    p = gchain.q(TQ + "Params", q.QueryParamsRequest(), q.QueryParamsResponse).params
    assert p.min_gas_fee == "0.0001urock"
    module = gchain.app.registry.module("treasury")
    ctx = gchain.app.context(gchain.app.store.version().kv, 5, metered=False)
    assert module.min_gas_fee(ctx) == "0.0001urock"


def test_evm_wallet_of_a_fulfilled_key(tmp_path) -> None:
    s = build(tmp_path)
    try:
        kid = s.make_key()
        res = keys(s.chain, wallet_type=wallet.WALLET_TYPE_EVM)
        assert [(k.key.id, k.wallets[0].address) for k in res.keys] == [
            (kid, evm_address(MPC_PUBKEY))
        ]
    finally:
        s.chain.app.close()


def test_hash_vectors_for_wallets() -> None:
    from zrchain.chains.cosmos import native_address

    pk = bytes.fromhex("025cd45a6614df5348692ea4d0f7c16255b75a6b6f67bea5013621fe84af8031f0")
    assert evm_address(pk) == "0xdD1d3fF09C5EdfF1bE7d466cA614cB1cF3f78738"
    import coincurve

    seed_key = coincurve.PrivateKey(hashlib.sha256(b"example seed").digest())
    assert (
        native_address(seed_key.public_key.format()) == "zen1egz60et40xxzm5rhtlj7caskpvqmqujrgeauaa"
    )
