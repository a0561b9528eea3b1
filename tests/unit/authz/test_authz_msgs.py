"""x/authz Msgs on an in-process chain: MsgGrant / MsgRevoke / MsgExec with Generic and Send
authorizations, expiry and its begin-block pruning, the SDK's errors and events."""

from __future__ import annotations

import dataclasses

import pytest
from authz_helpers import (
    SEND_URL,
    block_time,
    exec_msg,
    generic,
    grant_msg,
    grants,
    msg_send,
    send_auth,
    store_digest,
    store_keys,
)
from cosmpy.protos.cosmos.authz.v1beta1 import tx_pb2 as atx
from cosmpy.protos.cosmos.bank.v1beta1 import authz_pb2 as bauthz
from cosmpy.protos.cosmos.bank.v1beta1 import bank_pb2
from cosmpy.protos.cosmos.bank.v1beta1 import tx_pb2 as btx
from cosmpy.protos.cosmos.base.v1beta1.coin_pb2 import Coin
from google.protobuf.any_pb2 import Any as AnyProto

from zrchain.codec.address import acc_string, module_address
from zrchain.codec.any import pack
from zrchain.context import Mode
from zrchain.errors import ChainError
from zrchain.gas import GasMeter
from zrchain.modules import BLOCKED_MODULE_ACCOUNTS
from zrchain.store.kv import Branch
from zrchain.testing.identity_policy import events, fails, ok, response
from zrchain.x.storekeys import (
    format_time_bytes,
    rfc3339,
)

EV_GRANT = "cosmos.authz.v1beta1.EventGrant"
EV_REVOKE = "cosmos.authz.v1beta1.EventRevoke"
Q = '"'


def _q(s: str) -> str:
    return f"{Q}{s}{Q}"


def _wallets(chain):
    w = chain.wallets
    return w["alice"], w["bob"], w["carol"], w["dave"]


def _ctx(chain, seconds: int, gas: GasMeter | None = None):
    return chain.app.context(
        Branch(chain.app.store.pending),
        Mode.FINALIZE,
        height=chain.height + 1,
        time_ns=seconds * 10**9,
        gas=gas,
    )


# -- grant, exec, revoke ---------------------------------------------------------------------------
def test_grant_exec_revoke(chain) -> None:
    a, b, c, _ = _wallets(chain)
    A, B, C = a.address, b.address, c.address
    res = ok(chain.run(a, [grant_msg(A, B, generic(SEND_URL))]))
    ev = [e for e in res.events if e.type == EV_GRANT]
    assert [(x.key, x.value) for x in ev[0].attributes] == [
        ("grantee", _q(B)),
        ("granter", _q(A)),
        ("msg_type_url", _q(SEND_URL)),
        ("msg_index", "0"),
    ]
    got = grants(chain, A, B).grants
    assert len(got) == 1 and got[0].authorization == generic(SEND_URL)
    assert not got[0].HasField("expiration")

    alice0, carol0 = chain.balance(A), chain.balance(C)
    res = ok(chain.run(b, [exec_msg(B, msg_send(A, C, 7))]))
    assert (chain.balance(A), chain.balance(C)) == (alice0 - 7, carol0 + 7)
    assert response(res, atx.MsgExecResponse).results == [b""]
    assert events(res, "message")[-2:] == [
        {"action": "/cosmos.authz.v1beta1.MsgExec", "sender": B, "module": "authz"},
        {"sender": A, "authz_msg_index": "0"},
    ]
    assert events(res, "transfer")[-1] == {
        "recipient": C,
        "sender": A,
        "amount": "7urock",
        "authz_msg_index": "0",
    }

    res = ok(chain.run(a, [atx.MsgRevoke(granter=A, grantee=B, msg_type_url=SEND_URL)]))
    assert events(res, EV_REVOKE) == [
        {"grantee": _q(B), "granter": _q(A), "msg_type_url": _q(SEND_URL)}
    ]
    assert list(grants(chain, A, B).grants) == []
    alice1 = chain.balance(A)
    fails(
        chain.run(b, [exec_msg(B, msg_send(A, C, 7))]),
        2,
        "authz",
        "failed to get grant with given granter: ",
    )
    assert (chain.balance(A), chain.balance(C)) == (alice1, carol0 + 7)


def test_missing_grant_logs_name_the_grant_readably(chain) -> None:
    """The issue: MsgExec's "authorization not found" log held the raw binary store key.
    Exec now says it as SDK v0.50 does (granter, grantee, msg type); revoke likewise."""
    a, b, c, _ = _wallets(chain)
    A, B, C = a.address, b.address, c.address
    res = fails(chain.run(b, [exec_msg(B, msg_send(A, C, 1))]), 2, "authz", "")
    assert res.log == (
        "failed to execute message; message index: 0: failed to get grant with given granter: "
        f"{A}, grantee: {B} & msgType: {SEND_URL} : authorization not found"
    )
    res = fails(chain.run(a, [atx.MsgRevoke(granter=A, grantee=B, msg_type_url=SEND_URL)]), 2,
                "authz", "")  # fmt: skip
    assert res.log == (
        "failed to execute message; message index: 0: failed to delete grant with granter: "
        f"{A}, grantee: {B} & msgType: {SEND_URL}: authorization not found"
    )
    assert res.log.isprintable() and "\ufffd" not in res.log


def test_exec_not_granted_changes_nothing(chain) -> None:
    a, b, c, d = _wallets(chain)
    A, B, C, D = a.address, b.address, c.address, d.address
    ok(chain.run(a, [grant_msg(A, B, send_auth("100urock"))]))
    before = (store_digest(chain, "authz"), chain.balance(A), chain.balance(C), chain.balance(D))
    multi = btx.MsgMultiSend(
        inputs=[bank_pb2.Input(address=A, coins=[Coin(denom="urock", amount="5")])],
        outputs=[bank_pb2.Output(address=C, coins=[Coin(denom="urock", amount="5")])],
    )
    cases = [
        ([multi], "/cosmos.bank.v1beta1.MsgMultiSend"),  # another Msg type of the granter
        ([msg_send(D, C, 5)], SEND_URL),  # a granter who granted nothing
        ([msg_send(A, C, 10), multi], "/cosmos.bank.v1beta1.MsgMultiSend"),  # 2nd not granted
    ]
    for msgs, url in cases:
        res = fails(chain.run(b, [exec_msg(B, *msgs)]), 2, "authz", "authorization not found")
        assert url in res.log
    after = (store_digest(chain, "authz"), chain.balance(A), chain.balance(C), chain.balance(D))
    assert after == before  # the spend limit consumed by the first Msg was rolled back too
    assert grants(chain, A, B).grants[0].authorization == send_auth("100urock")


def test_exec_of_own_msgs_needs_no_grant(chain) -> None:
    _, b, c, _ = _wallets(chain)
    c0 = chain.balance(c.address)
    ok(chain.run(b, [exec_msg(b.address, msg_send(b.address, c.address, 3))]))
    assert chain.balance(c.address) == c0 + 3


def test_exec_errors(chain) -> None:
    a, b, c, _ = _wallets(chain)
    A, B, C = a.address, b.address, c.address
    ok(chain.run(a, [grant_msg(A, B, generic(SEND_URL))]))
    fails(chain.run(b, [atx.MsgExec(grantee=B)]), 18, "sdk", "messages cannot be empty")
    unknown = atx.MsgExec(grantee=B, msgs=[AnyProto(type_url="/foo.MsgBar", value=b"")])
    assert chain.check(chain.tx(b, [unknown])).code == 2  # refused when decoding, as the SDK
    fails(chain.run(b, [unknown]), 2, "sdk", "unable to resolve type URL /foo.MsgBar")
    bad = btx.MsgSend(
        from_address=A, to_address="zen1bad", amount=[Coin(denom="urock", amount="1")]
    )
    fails(chain.run(b, [exec_msg(B, bad)]), 7, "sdk", "msg 0: invalid to address")
    res = fails(chain.run(b, [exec_msg(B, msg_send(A, C, 10**30))]), 5, "sdk", "insufficient funds")
    assert (
        f'failed to execute message; message from_address:"{A}" to_address:"{C}" '
        f'amount:<denom:"urock" amount:"{10**30}" > : spendable balance'
    ) in res.log


def test_inner_msg_needs_exactly_one_signer(chain) -> None:
    a, b, _, _ = _wallets(chain)
    authz = chain.app.registry.module("authz")
    real = chain.app.registry.msgs[SEND_URL]
    two = dataclasses.replace(real, signers=lambda m: [a.address, b.address])
    authz.msgs.router = lambda url: two if url == SEND_URL else None
    ctx = _ctx(chain, block_time(chain))
    with pytest.raises(ChainError) as e:
        authz.msgs.exec(ctx, exec_msg(b.address, msg_send(a.address, b.address, 1)))
    assert (e.value.codespace, e.value.code) == ("authz", 9)


def test_nested_exec(chain) -> None:
    a, b, c, d = _wallets(chain)
    A, B, C, D = a.address, b.address, c.address, d.address
    ok(chain.run(a, [grant_msg(A, B, generic(SEND_URL))]))
    ok(chain.run(b, [grant_msg(B, C, generic("/cosmos.authz.v1beta1.MsgExec"))]))
    d0 = chain.balance(D)
    res = ok(chain.run(c, [exec_msg(C, exec_msg(B, msg_send(A, D, 2)))]))
    assert chain.balance(D) == d0 + 2
    transfer = events(res, "transfer")[-1]
    assert transfer["sender"] == A
    raw = [e for e in res.events if e.type == "transfer"][-1]
    assert [x.key for x in raw.attributes][-3:] == [
        "authz_msg_index",
        "authz_msg_index",
        "msg_index",
    ]
    inner = atx.MsgExecResponse.FromString(response(res, atx.MsgExecResponse).results[0])
    assert inner.results == [b""]


# -- MsgGrant / MsgRevoke errors -------------------------------------------------------------------
def test_grant_and_revoke_errors(chain) -> None:
    a, b, _, _ = _wallets(chain)
    A, B = a.address, b.address
    cases = [
        (grant_msg(A, A, generic(SEND_URL)), 7, "authz", "grantee and granter should be different"),
        (grant_msg(A, "zen1xyz", generic(SEND_URL)), 7, "sdk", "invalid grantee address"),
        (grant_msg(A, B, generic("/foo.MsgBar")), 29, "sdk", "/foo.MsgBar doesn't exist."),
        (grant_msg(A, B, generic("")), 1, "undefined", "msg type cannot be empty"),
        (
            grant_msg(A, B, pack(bauthz.SendAuthorization())),
            10,
            "sdk",
            "spend limit cannot be nil",
        ),
        (grant_msg(A, B, send_auth("5urock", [B, B])), 8, "bank", "duplicate entry"),
        (
            grant_msg(A, B, pack(msg_send(A, B, 1))),
            2,
            "sdk",
            "no concrete type registered for type URL /cosmos.bank.v1beta1.MsgSend against "
            "interface *authz.Authorization",
        ),
        (
            atx.MsgRevoke(granter=A, grantee=B, msg_type_url=SEND_URL),
            2,
            "authz",
            "failed to delete",
        ),
        (atx.MsgRevoke(granter=A, grantee=B), 18, "sdk", "missing msg method name"),
        (atx.MsgRevoke(granter=A, grantee=A, msg_type_url=SEND_URL), 7, "authz", "should be"),
    ]
    before = store_digest(chain, "authz")
    for msg, code, space, text in cases:
        fails(chain.run(a, [msg]), code, space, text)
    for exp in (block_time(chain), block_time(chain) - 3600):
        now = rfc3339(block_time(chain) * 10**9)
        fails(
            chain.run(a, [grant_msg(A, B, generic(SEND_URL), expiration=exp)]),
            3,
            "authz",
            f"expiration must be after the current block time ({now}), got {rfc3339(exp * 10**9)}",
        )
    assert store_digest(chain, "authz") == before


def test_grant_creates_the_grantee_account_but_not_for_module_addresses(chain) -> None:
    a = chain.wallets["alice"]
    fresh = acc_string(bytes(range(20)))
    assert chain.account(fresh) is None
    ok(chain.run(a, [grant_msg(a.address, fresh, generic(SEND_URL))]))
    assert chain.account(fresh) is not None
    blocked = [
        acc_string(module_address(n))
        for n in BLOCKED_MODULE_ACCOUNTS
        if chain.account(acc_string(module_address(n))) is None
    ]
    assert blocked, "expected a module account that does not exist yet"
    fails(
        chain.run(a, [grant_msg(a.address, blocked[0], generic(SEND_URL))]),
        4,
        "sdk",
        f"{blocked[0]} is not allowed to receive funds",
    )


# -- SendAuthorization -----------------------------------------------------------------------------
def test_send_authorization_limits(chain) -> None:
    a, b, c, d = _wallets(chain)
    A, B, C, D = a.address, b.address, c.address, d.address
    ok(chain.run(a, [grant_msg(A, B, send_auth("100urock", [C]))]))
    c0 = chain.balance(C)
    ok(chain.run(b, [exec_msg(B, msg_send(A, C, 40))]))
    assert grants(chain, A, B).grants[0].authorization == send_auth("60urock", [C])
    fails(chain.run(b, [exec_msg(B, msg_send(A, D, 1))]), 4, "sdk", f"cannot send to {D} address")
    fails(
        chain.run(b, [exec_msg(B, msg_send(A, C, 61))]),
        5,
        "sdk",
        "requested amount is more than spend limit",
    )
    other = btx.MsgSend(from_address=A, to_address=C, amount=[Coin(denom="uatom", amount="1")])
    fails(chain.run(b, [exec_msg(B, other)]), 5, "sdk", "more than spend limit")
    res = ok(chain.run(b, [exec_msg(B, msg_send(A, C, 60))]))
    assert chain.balance(C) == c0 + 100
    assert events(res, EV_REVOKE) == [
        {"grantee": _q(B), "granter": _q(A), "msg_type_url": _q(SEND_URL)}
    ]
    assert list(grants(chain, A, B).grants) == []
    fails(chain.run(b, [exec_msg(B, msg_send(A, C, 1))]), 2, "authz", "authorization not found")


# -- expiry ----------------------------------------------------------------------------------------
def test_expiry_and_begin_block_pruning(chain) -> None:
    a, b, c, _ = _wallets(chain)
    A, B, C = a.address, b.address, c.address
    exp = block_time(chain) + 2  # the time of the second block after the grant's
    ok(chain.run(a, [grant_msg(A, B, generic(SEND_URL), expiration=exp)]))
    assert grants(chain, A, B).grants[0].expiration.seconds == exp
    assert store_keys(chain, b"\x02") == [
        b"\x02" + format_time_bytes(exp * 10**9) + b"\x14" + _raw(A) + b"\x14" + _raw(B)
    ]
    chain.blocks(1)
    assert block_time(chain) == exp  # a grant is usable up to its expiration, inclusive
    ok(chain.run(b, [exec_msg(B, msg_send(A, C, 1))]))
    assert len(store_keys(chain, b"")) == 3  # grant, queue entry, grantee index
    chain.blocks(1)  # its begin block (time > expiration) pruned the grant
    assert store_keys(chain, b"") == []
    assert list(grants(chain, A, B).grants) == []
    fails(chain.run(b, [exec_msg(B, msg_send(A, C, 1))]), 2, "authz", "authorization not found")


def test_expired_grant_not_yet_pruned_is_refused(chain, monkeypatch) -> None:
    a, b, c, _ = _wallets(chain)
    A, B, C = a.address, b.address, c.address
    keeper = chain.app.registry.module("authz").keeper
    monkeypatch.setattr(keeper, "prune_expired", lambda ctx, limit=0: 0)
    exp = block_time(chain) + 1
    ok(chain.run(a, [grant_msg(A, B, generic(SEND_URL), expiration=exp)]))
    chain.blocks(1)
    fails(chain.run(b, [exec_msg(B, msg_send(A, C, 1))]), 6, "authz", "authorization expired")


def test_regrant_moves_the_queue_entry(chain) -> None:
    a, b, _, _ = _wallets(chain)
    A, B = a.address, b.address
    t = block_time(chain)
    ok(chain.run(a, [grant_msg(A, B, generic(SEND_URL), expiration=t + 100)]))
    ok(chain.run(a, [grant_msg(A, B, generic(SEND_URL), expiration=t + 200)]))
    keys = store_keys(chain, b"\x02")
    assert len(keys) == 2  # the old item stays, emptied, until pruned (as in the SDK)
    items = [chain.app.store.version().kv.get(b"authz/" + k) for k in keys]
    assert items[0] == b"" and items[1] == b"\n" + bytes([len(SEND_URL)]) + SEND_URL.encode()
    ok(chain.run(a, [grant_msg(A, B, generic(SEND_URL))]))  # no expiration any more
    items = [chain.app.store.version().kv.get(b"authz/" + k) for k in store_keys(chain, b"\x02")]
    assert items == [b"", b""]
    assert not grants(chain, A, B).grants[0].HasField("expiration")


def test_pruning_reads_only_what_is_due(chain) -> None:
    """Queue entries are keyed by expiration: the prune of a block costs what expires (at
    most PRUNE_LIMIT_PER_BLOCK entries), however many grants expire later."""
    a = chain.wallets["alice"]
    t = block_time(chain)
    grantees = [acc_string(bytes([i + 1]) * 20) for i in range(30)]
    msgs = [grant_msg(a.address, g, generic(SEND_URL), expiration=t + 1000 + i) for i, g in
            enumerate(grantees[:27])]  # fmt: skip
    msgs += [grant_msg(a.address, g, generic(SEND_URL), expiration=t + 10) for g in grantees[27:]]
    ok(chain.run(a, msgs, gas=10_000_000))
    keeper = chain.app.registry.module("authz").keeper
    idle = GasMeter(None)
    assert keeper.prune_expired(_ctx(chain, t + 5, idle)) == 0
    assert idle.consumed == 0  # 30 future entries, none read
    one_block = GasMeter(None)
    ctx = _ctx(chain, t + 11, one_block)
    assert keeper.prune_expired(ctx, limit=2) == 2
    assert keeper.prune_expired(ctx, limit=2) == 1
    assert keeper.prune_expired(ctx, limit=2) == 0
    assert len(list(keeper.iterate_grants(ctx))) == 27


def _raw(addr: str) -> bytes:
    from zrchain.codec.address import acc_bytes

    return acc_bytes(addr)


def test_any_nesting_limits_of_the_sdk_decoder(chain) -> None:
    """At most 10 levels of Any and 100 Any unpacks per Msg, refused at decoding (CheckTx)."""
    b, c = chain.wallets["bob"], chain.wallets["carol"]
    B = b.address

    def nested(levels: int):
        msg = msg_send(B, c.address, 1)  # the innermost Any
        for _ in range(levels - 1):
            msg = exec_msg(B, msg)
        return msg

    c0 = chain.balance(c.address)
    ok(chain.run(b, [nested(10)], gas=2_000_000))  # own Msgs at every level: no grant needed
    assert chain.balance(c.address) == c0 + 1
    res = chain.check(chain.tx(b, [nested(11)]))
    assert (res.code, res.codespace) == (2, "sdk") and "max depth exceeded" in res.log
    many = [msg_send(B, c.address, 1)] * 99
    assert chain.check(chain.tx(b, [exec_msg(B, *many)])).code == 0
    res = chain.check(chain.tx(b, [exec_msg(B, *many, msg_send(B, c.address, 1))]))
    assert (res.code, res.codespace) == (2, "sdk") and "call limit exceeded" in res.log
