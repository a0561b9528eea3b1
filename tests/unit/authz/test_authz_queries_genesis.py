"""x/authz queries (Grants, GranterGrants, GranteeGrants with pagination, REST routes),
genesis import/export/validation, and the CLI's message-file reader."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from authz_helpers import (
    AQ,
    SEND_URL,
    block_time,
    generic,
    grant_msg,
    grantee_grants,
    granter_grants,
    grants,
    send_auth,
    store_keys,
)
from cosmpy.protos.cosmos.authz.v1beta1 import query_pb2 as aq

from zrchain.codec.address import acc_bytes
from zrchain.codec.any import pack
from zrchain.codec.json import to_dict
from zrchain.testing.identity_policy import ok
from zrchain.testing.inproc import make_chain
from zrchain.x.authz import genesis

URLS = sorted([SEND_URL, "/zrchain.identity.MsgNewWorkspace", "/zrchain.policy.MsgApproveAction"])


def _setup(chain) -> tuple[str, str, str, str]:
    w = chain.wallets
    A, B, C, D = (w[n].address for n in ("alice", "bob", "carol", "dave"))
    ok(chain.run(w["alice"], [grant_msg(A, B, generic(u)) for u in URLS], gas=2_000_000))
    ok(chain.run(w["alice"], [grant_msg(A, C, send_auth("9urock"))]))
    ok(chain.run(w["dave"], [grant_msg(D, B, generic(SEND_URL))]))
    return A, B, C, D


def test_grants_by_pair_and_type(chain) -> None:
    A, B, _, _ = _setup(chain)
    got = grants(chain, A, B)
    assert [g.authorization for g in got.grants] == [generic(u) for u in URLS]
    assert got.pagination.total == 3
    one = grants(chain, A, B, SEND_URL)
    assert [g.authorization for g in one.grants] == [generic(SEND_URL)]
    assert not one.HasField("pagination")
    res = chain.query_raw(
        AQ + "Grants", aq.QueryGrantsRequest(granter=A, grantee=B, msg_type_url="/x.MsgY")
    )
    assert res.code != 0 and "authorization not found for /x.MsgY type" in res.log
    res = chain.query_raw(AQ + "Grants", aq.QueryGrantsRequest(granter="zen1bad", grantee=B))
    assert res.code != 0 and "decoding bech32 failed" in res.log
    res = chain.query_raw(AQ + "GranterGrants", aq.QueryGranterGrantsRequest())
    assert res.code != 0 and "empty address string is not allowed" in res.log


def test_pagination(chain) -> None:
    A, B, _, _ = _setup(chain)
    first = grants(chain, A, B, limit=2)
    assert [g.authorization for g in first.grants] == [generic(u) for u in URLS[:2]]
    assert first.pagination.next_key and first.pagination.total == 0
    rest = grants(chain, A, B, key=first.pagination.next_key, limit=2)
    assert [g.authorization for g in rest.grants] == [generic(URLS[2])]
    assert not rest.pagination.next_key
    page = grants(chain, A, B, offset=1, limit=1, count_total=True)
    assert [g.authorization for g in page.grants] == [generic(URLS[1])]
    assert page.pagination.total == 3
    rev = grants(chain, A, B, reverse=True, limit=1)
    assert [g.authorization for g in rev.grants] == [generic(URLS[2])]

    seen = []
    key = b""
    while True:
        r = grantee_grants(chain, B, key=key, limit=1) if key else grantee_grants(chain, B, limit=1)
        seen += [(g.granter, g.authorization.type_url) for g in r.grants]
        key = r.pagination.next_key
        if not key:
            break
    assert len(seen) == 4


def test_granter_and_grantee_listings(chain) -> None:
    A, B, C, D = _setup(chain)
    by_granter = granter_grants(chain, A)
    assert by_granter.pagination.total == 4
    order = sorted([(acc_bytes(B), u) for u in URLS] + [(acc_bytes(C), SEND_URL)])
    assert [(acc_bytes(g.grantee), _url(g)) for g in by_granter.grants] == order
    assert all(g.granter == A for g in by_granter.grants)

    by_grantee = grantee_grants(chain, B)
    assert by_grantee.pagination.total == 4
    expected = sorted([(acc_bytes(A), u) for u in URLS] + [(acc_bytes(D), SEND_URL)])
    assert [(acc_bytes(g.granter), _url(g)) for g in by_grantee.grants] == expected
    assert all(g.grantee == B for g in by_grantee.grants)
    assert [g.grantee for g in grantee_grants(chain, C).grants] == [C]
    assert list(grantee_grants(chain, A).grants) == []


def _url(g) -> str:
    if g.authorization.type_url.endswith("GenericAuthorization"):
        from cosmpy.protos.cosmos.authz.v1beta1 import authz_pb2

        return authz_pb2.GenericAuthorization.FromString(g.authorization.value).msg
    return SEND_URL


def test_rest_routes_are_the_sdk_ones(chain) -> None:
    routes = {
        q.method: [r.path for r in q.rest]
        for q in chain.app.registry.queries.values()
        if q.method.startswith(AQ)
    }
    assert routes == {
        AQ + "Grants": ["/cosmos/authz/v1beta1/grants"],
        AQ + "GranterGrants": ["/cosmos/authz/v1beta1/grants/granter/{granter}"],
        AQ + "GranteeGrants": ["/cosmos/authz/v1beta1/grants/grantee/{grantee}"],
    }


# -- genesis ---------------------------------------------------------------------------------------
def test_genesis_export_import(chain, tmp_path) -> None:
    A, B, C, D = _setup(chain)
    w = chain.wallets
    exp = block_time(chain) + 10_000
    ok(chain.run(w["carol"], [grant_msg(C, D, generic(SEND_URL), expiration=exp)]))
    exported = chain.app.export_genesis()["authz"]
    assert len(exported["authorization"]) == 6
    first = exported["authorization"][0]
    assert set(first) == {"granter", "grantee", "authorization", "expiration"}
    with_exp = [e for e in exported["authorization"] if e["expiration"]]
    when = datetime.fromtimestamp(exp, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert [(e["granter"], e["expiration"]) for e in with_exp] == [(C, when)]
    assert [e["expiration"] for e in exported["authorization"]].count(None) == 5
    genesis.validate(exported)

    stale = {
        "granter": A,
        "grantee": D,
        "authorization": to_dict(pack_generic("/zrchain.policy.MsgNewPolicy")),
        "expiration": "1969-12-31T23:59:00Z",  # before genesis time (0 in inproc chains)
    }
    doc = json.loads(json.dumps(exported))
    doc["authorization"].append(stale)

    def transplant(state: dict) -> None:
        state["authz"] = doc

    fresh = make_chain(tmp_path / "fresh", {"x": "1urock"}, app_state=transplant)
    try:
        for granter, grantee in ((A, B), (A, C), (D, B), (C, D)):
            assert grants(fresh, granter, grantee) == grants(chain, granter, grantee)
        assert list(grants(fresh, A, D).grants) == []  # expired before genesis: skipped
        assert len(store_keys(fresh, b"\x02")) == 1  # the expiry queue is rebuilt
        assert fresh.app.export_genesis()["authz"] == exported
    finally:
        fresh.app.close()


def pack_generic(url: str):
    from cosmpy.protos.cosmos.authz.v1beta1 import authz_pb2

    return pack(authz_pb2.GenericAuthorization(msg=url))


def test_default_and_invalid_genesis() -> None:
    assert genesis.default() == {"authorization": []}
    genesis.validate(genesis.default())
    a = "zen1a0qwuze2h85zw7nqpsj3ga0z9geyrgwpdj4nkl"
    b = "zen10xcqpzrky6eff2g52qdye53xkk9jxkvrmdgavj"
    good = {"granter": a, "grantee": b, "authorization": to_dict(pack_generic(SEND_URL))}
    genesis.validate({"authorization": [good]})
    cases = [
        ({**good, "granter": "zen1bad"}, "decoding bech32 failed"),
        ({**good, "grantee": a}, "grantee and granter should be different"),
        ({k: v for k, v in good.items() if k != "authorization"}, "authorization is missing"),
        ({**good, "authorization": to_dict(pack_generic(""))}, "msg type cannot be empty"),
        (
            {**good, "authorization": {"@type": "/cosmos.bank.v1beta1.MsgSend"}},
            "no concrete type registered",
        ),
    ]
    for entry, text in cases:
        with pytest.raises(ValueError, match="authorization 0") as e:
            genesis.validate({"authorization": [entry]})
        assert text in str(e.value)
    with pytest.raises(ValueError, match="duplicate grant"):
        genesis.validate({"authorization": [good, good]})
    with pytest.raises(ValueError, match="authz genesis"):
        genesis.validate({"authorization": [{"granter": 5}]})


# -- CLI -------------------------------------------------------------------------------------------
def test_exec_reads_tx_files_message_lists_and_single_messages(tmp_path) -> None:
    from zrchain.x.authz.cli import read_msgs

    m = {
        "@type": SEND_URL,
        "from_address": "zen1a0qwuze2h85zw7nqpsj3ga0z9geyrgwpdj4nkl",
        "to_address": "zen10xcqpzrky6eff2g52qdye53xkk9jxkvrmdgavj",
        "amount": [{"denom": "urock", "amount": "5"}],
    }
    for i, doc in enumerate(({"body": {"messages": [m, m]}}, [m, m], m)):
        p = tmp_path / f"{i}.json"
        p.write_text(json.dumps(doc))
        got = read_msgs(str(p))
        assert [a.type_url for a in got] == [SEND_URL] * (1 if doc is m else 2)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"body": {"messages": []}}))
    with pytest.raises(SystemExit):
        read_msgs(str(bad))
