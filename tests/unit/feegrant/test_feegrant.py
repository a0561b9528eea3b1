"""x/feegrant through the real tx pipeline: the granter pays, the grantee pays nothing,
and an unknown, expired, over-spent or wrong-message grant is refused with the SDK's
error while nothing changes. Periodic limits reset per period; grants used up are deleted;
expired ones are pruned at end block; queries, revocation and genesis round-trip."""

from __future__ import annotations

from cosmpy.protos.cosmos.bank.v1beta1 import tx_pb2 as bank_tx
from cosmpy.protos.cosmos.feegrant.v1beta1 import feegrant_pb2
from cosmpy.protos.cosmos.feegrant.v1beta1 import query_pb2 as fq
from cosmpy.protos.cosmos.feegrant.v1beta1 import tx_pb2 as ftx
from google.protobuf.duration_pb2 import Duration
from google.protobuf.timestamp_pb2 import Timestamp

from zrchain.codec.address import acc_string, module_address
from zrchain.codec.any import pack
from zrchain.codec.coins import parse_coins
from zrchain.testing.inproc import GENESIS_TIME
from zrchain.testing.state import assert_unchanged, snapshot_app

Q = "/cosmos.feegrant.v1beta1.Query/"
FEE = "300urock"
GAS = 200_000


def coins(text: str):
    return parse_coins(text).to_protos()


def send(frm: str, to: str, amount: str = "1urock") -> bank_tx.MsgSend:
    return bank_tx.MsgSend(from_address=frm, to_address=to, amount=coins(amount))


def grant(chain, allowance, granter="alice", grantee="bob"):
    g, e = chain.wallets[granter], chain.wallets[grantee]
    msg = ftx.MsgGrantAllowance(granter=g.address, grantee=e.address, allowance=pack(allowance))
    return chain.run(g, [msg])


def granted_tx(chain, msgs=None, fee=FEE, granter="alice"):
    bob = chain.wallets["bob"]
    msgs = msgs or [send(bob.address, chain.wallets["carol"].address)]
    return chain.tx(bob, msgs, fee=fee, gas=GAS, fee_granter=chain.wallets[granter].address)


def deliver(chain, tx):
    res = chain.block([tx]).tx_results[0]
    bob = chain.wallets["bob"]
    bob.sequence = chain.account(bob.address).sequence
    return res


def allowance_of(chain):
    a, b = chain.wallets["alice"], chain.wallets["bob"]
    res = chain.query_raw(
        Q + "Allowance", fq.QueryAllowanceRequest(granter=a.address, grantee=b.address)
    )
    if res.code:
        return None
    return fq.QueryAllowanceResponse.FromString(res.value).allowance


def refused(chain, tx, codespace: str, code: int, text: str) -> None:
    before = snapshot_app(chain.app)
    check = chain.check(tx)
    assert (check.codespace, check.code) == (codespace, code), check.log
    assert text in check.log, check.log
    res = chain.block([tx]).tx_results[0]
    assert (res.codespace, res.code) == (codespace, code) and text in res.log, res.log
    assert_unchanged(before, snapshot_app(chain.app))


def test_the_granter_pays_and_the_grantee_pays_nothing(chain) -> None:
    alice, bob = chain.wallets["alice"], chain.wallets["bob"]
    assert grant(chain, feegrant_pb2.BasicAllowance(spend_limit=coins("1000urock"))).code == 0
    a0, b0 = chain.balance(alice.address), chain.balance(bob.address)
    res = deliver(chain, granted_tx(chain))
    assert res.code == 0, res.log
    assert chain.balance(bob.address) == b0 - 1  # only the 1urock it sent
    assert chain.balance(alice.address) == a0 - 300
    events = {(e.type, a.key, a.value) for e in res.events for a in e.attributes}
    assert ("tx", "fee_payer", alice.address) in events
    assert ("use_feegrant", "grantee", bob.address) in events
    left = feegrant_pb2.BasicAllowance.FromString(allowance_of(chain).allowance.value)
    assert [(c.denom, c.amount) for c in left.spend_limit] == [("urock", "700")]


def test_an_over_spent_grant_is_refused_and_a_used_up_one_deleted(chain) -> None:
    assert grant(chain, feegrant_pb2.BasicAllowance(spend_limit=coins("500urock"))).code == 0
    refused(
        chain, granted_tx(chain, fee="600urock"), "feegrant", 2, "does not allow to pay fees for"
    )
    res = deliver(chain, granted_tx(chain, fee="500urock"))
    assert res.code == 0, res.log
    assert allowance_of(chain) is None  # spent exactly: deleted
    refused(chain, granted_tx(chain), "sdk", 38, "fee-grant not found")


def test_an_expired_grant_is_refused_then_pruned(chain) -> None:
    exp = Timestamp(seconds=GENESIS_TIME + chain.height + 3)
    assert grant(chain, feegrant_pb2.BasicAllowance(expiration=exp)).code == 0
    assert deliver(chain, granted_tx(chain)).code == 0  # no limit, not yet expired
    chain.blocks(1)  # block time == expiration: still usable, not pruned
    assert allowance_of(chain) is not None
    bob = chain.wallets["bob"]
    b0 = chain.balance(bob.address)
    res = deliver(chain, granted_tx(chain))  # the first block past the expiration
    assert (res.codespace, res.code) == ("feegrant", 3), res.log
    assert "basic allowance: fee allowance expired" in res.log
    assert chain.balance(bob.address) == b0  # the grantee paid nothing either
    assert allowance_of(chain) is None  # that block's EndBlocker removed it
    refused(chain, granted_tx(chain), "sdk", 38, "fee-grant not found")


def test_a_grant_for_other_messages_is_refused(chain) -> None:
    bob, carol = chain.wallets["bob"], chain.wallets["carol"]
    only_revoke = feegrant_pb2.AllowedMsgAllowance(
        allowance=pack(feegrant_pb2.BasicAllowance()),
        allowed_messages=["/cosmos.feegrant.v1beta1.MsgRevokeAllowance"],
    )
    assert grant(chain, only_revoke).code == 0
    refused(
        chain,
        granted_tx(chain, [send(bob.address, carol.address)]),
        "feegrant",
        7,
        "message does not exist in allowed messages",
    )
    allowed = feegrant_pb2.AllowedMsgAllowance(
        allowance=pack(feegrant_pb2.BasicAllowance(spend_limit=coins("1000urock"))),
        allowed_messages=["/cosmos.bank.v1beta1.MsgSend"],
    )
    assert grant(chain, allowed, granter="carol").code == 0
    res = deliver(chain, granted_tx(chain, granter="carol"))
    assert res.code == 0, res.log


def test_a_periodic_grant_limits_each_period(chain) -> None:
    now = GENESIS_TIME + chain.height + 1
    periodic = feegrant_pb2.PeriodicAllowance(
        basic=feegrant_pb2.BasicAllowance(spend_limit=coins("10000urock")),
        period=Duration(seconds=5),
        period_spend_limit=coins("400urock"),
        period_can_spend=coins("400urock"),
        period_reset=Timestamp(seconds=now + 5),
    )
    assert grant(chain, periodic).code == 0
    assert deliver(chain, granted_tx(chain)).code == 0  # 300 of this period's 400
    refused(chain, granted_tx(chain), "feegrant", 2, "period limit: fee limit exceeded")
    chain.blocks(5)  # a new period
    res = deliver(chain, granted_tx(chain))
    assert res.code == 0, res.log
    left = feegrant_pb2.PeriodicAllowance.FromString(allowance_of(chain).allowance.value)
    assert [(c.amount) for c in left.basic.spend_limit] == ["9400"]
    assert [(c.amount) for c in left.period_can_spend] == ["100"]


def test_grants_are_queried_revoked_and_not_granted_twice(chain) -> None:
    alice, bob, carol = (chain.wallets[n] for n in ("alice", "bob", "carol"))
    assert grant(chain, feegrant_pb2.BasicAllowance()).code == 0
    assert grant(chain, feegrant_pb2.BasicAllowance(), grantee="carol").code == 0
    again = chain.run(
        alice,
        [
            ftx.MsgGrantAllowance(
                granter=alice.address,
                grantee=bob.address,
                allowance=pack(feegrant_pb2.BasicAllowance()),
            )
        ],
    )
    assert again.code == 18 and "fee allowance already exists" in again.log
    by_granter = chain.q(
        Q + "AllowancesByGranter",
        fq.QueryAllowancesByGranterRequest(granter=alice.address),
        fq.QueryAllowancesByGranterResponse,
    )
    assert sorted(g.grantee for g in by_granter.allowances) == sorted([bob.address, carol.address])
    by_grantee = chain.q(
        Q + "Allowances", fq.QueryAllowancesRequest(grantee=bob.address), fq.QueryAllowancesResponse
    )
    assert [g.granter for g in by_grantee.allowances] == [alice.address]
    res = chain.run(alice, [ftx.MsgRevokeAllowance(granter=alice.address, grantee=bob.address)])
    assert res.code == 0, res.log
    assert allowance_of(chain) is None
    missing = chain.query_raw(
        Q + "Allowance", fq.QueryAllowanceRequest(granter=alice.address, grantee=bob.address)
    )
    assert missing.code != 0 and "fee-grant not found" in missing.log
    again = chain.run(alice, [ftx.MsgRevokeAllowance(granter=alice.address, grantee=bob.address)])
    assert (again.code, again.codespace) == (38, "sdk")


def test_self_grants_module_grantees_and_bad_allowances_are_refused(chain) -> None:
    alice = chain.wallets["alice"]
    keyring_escrow = acc_string(module_address("keyring_escrow"))
    cases = [
        (alice.address, feegrant_pb2.BasicAllowance(), 7, "cannot self-grant fee authorization"),
        (keyring_escrow, feegrant_pb2.BasicAllowance(), 4, "is not allowed to receive funds"),
        (
            chain.wallets["bob"].address,
            feegrant_pb2.BasicAllowance(spend_limit=[coins("5urock")[0], coins("5urock")[0]]),
            10,
            "send amount is invalid",
        ),
        (
            chain.wallets["bob"].address,
            feegrant_pb2.AllowedMsgAllowance(allowance=pack(feegrant_pb2.BasicAllowance())),
            6,
            "allowed messages are empty",
        ),
        (
            chain.wallets["bob"].address,
            feegrant_pb2.BasicAllowance(expiration=Timestamp(seconds=GENESIS_TIME - 10)),
            18,
            "expiration is before current block time",
        ),
    ]
    for grantee, allowance, code, text in cases:
        before = snapshot_app(chain.app)
        msg = ftx.MsgGrantAllowance(
            granter=alice.address, grantee=grantee, allowance=pack(allowance)
        )
        res = deliver(chain, chain.tx(alice, [msg], fee=FEE, gas=GAS))
        alice.sequence += 1
        assert res.code == code and text in res.log, res.log
        assert_unchanged(
            before,
            snapshot_app(chain.app),
            fee_payer=alice.address,
            fee=FEE,
            signers=[alice.address],
        )



def test_genesis_validation_refuses_bad_grants(chain) -> None:
    mod = chain.app.registry.module("feegrant")
    alice, bob = chain.wallets["alice"].address, chain.wallets["bob"].address
    good = {
        "granter": alice,
        "grantee": bob,
        "allowance": {
            "@type": "/cosmos.feegrant.v1beta1.BasicAllowance",
            "spend_limit": [],
            "expiration": None,
        },
    }
    mod.validate_genesis({"allowances": [good]})
    for bad, text in (
        ({**good, "grantee": alice}, "cannot self-grant"),
        ({**good, "allowance": {"@type": "/cosmos.bank.v1beta1.MsgSend"}}, "no concrete type"),
        ({**good, "granter": "zen1bad"}, ""),
    ):
        try:
            mod.validate_genesis({"allowances": [bad]})
        except ValueError as exc:
            assert text in str(exc)
        else:
            raise AssertionError(f"accepted {bad}")
    try:
        mod.validate_genesis({"allowances": [good, good]})
    except ValueError as exc:
        assert "duplicate grant" in str(exc)
    else:
        raise AssertionError("accepted a duplicate")
