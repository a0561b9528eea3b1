"""Keyring Msgs (docs/identity-policy.md)."""

from __future__ import annotations

import coincurve

from zrchain.codec.gen.zrchain.identity import keyring_pb2
from zrchain.codec.gen.zrchain.identity import query_pb2 as iq
from zrchain.codec.gen.zrchain.identity import tx_pb2 as itx
from zrchain.codec.json import to_dict
from zrchain.testing.identity_policy import (
    IQ,
    fails,
    keyring,
    module_state,
    new_keyring,
    ok,
)
from zrchain.testing.inproc import Wallet, make_chain
from zrchain.x.identity.types import keyring_address

IDENTITY = "identity"
COLLECTOR = "zen1a2q8gs3x4c0q9a99hapl8p9tyhxhhwvetrvure"
FEE = 10_000_000_000


def test_new_keyring_pays_the_creation_fee(chain) -> None:
    a = chain.wallets["alice"]
    before = chain.balance(a.address)
    res = ok(
        chain.run(
            a,
            [
                itx.MsgNewKeyring(
                    creator=a.address,
                    description="mpc",
                    party_threshold=2,
                    key_req_fee=5,
                    sig_req_fee=6,
                    delegate_fees=True,
                )
            ],
        )
    )
    addr = keyring_address(1)
    assert addr == "keyring1k6vc6vhp6e6l3rxalue9v4ux"
    kr = keyring(chain, addr)
    assert kr.creator == a.address and list(kr.admins) == [a.address] and list(kr.parties) == []
    assert kr.is_active and kr.party_threshold == 2 and kr.delegate_fees
    assert (kr.key_req_fee, kr.sig_req_fee, kr.description) == (5, 6, "mpc")
    assert chain.balance(COLLECTOR) == FEE
    gas_fee = 40_000  # the run() helper pays gas // 10
    assert chain.balance(a.address) == before - FEE - gas_fee
    transfers = [e for e in res.events if e.type == "transfer"]
    assert any(
        {x.key: x.value for x in e.attributes}.get("recipient") == COLLECTOR for e in transfers
    )


def test_new_keyring_without_funds_fails(tmp_path) -> None:
    c = make_chain(tmp_path / "db", {"poor": "1000000urock"})
    try:
        w = c.wallets["poor"]
        before = module_state(c)
        fails(c.run(w, [itx.MsgNewKeyring(creator=w.address)]), 5, "sdk", "insufficient funds")
        assert module_state(c) == before
    finally:
        c.app.close()


def test_free_keyring_no_transfer_and_100_keyrings_default_page(free_chain) -> None:
    a = free_chain.wallets["alice"]
    res = ok(free_chain.run(a, [itx.MsgNewKeyring(creator=a.address)] * 100, gas=4_000_000))
    assert not [e for e in res.events if e.type == "transfer" and _recipient(e) == COLLECTOR]
    page = free_chain.q(IQ + "Keyrings", iq.QueryKeyringsRequest(), iq.QueryKeyringsResponse)
    assert len(page.keyrings) == 100 and page.pagination.total == 100
    assert [k.address for k in page.keyrings] == sorted(keyring_address(n) for n in range(1, 101))


def _recipient(e) -> str:
    return {x.key: x.value for x in e.attributes}.get("recipient", "")


def test_add_party_thresholds_and_errors(free_chain) -> None:
    c = free_chain
    a, b, p1, p2 = (c.wallets[n] for n in ("alice", "bob", "carol", "dave"))
    kr = new_keyring(c, a)
    ok(c.run(a, [itx.MsgAddKeyringParty(creator=a.address, keyring_addr=kr, party=p1.address)]))
    assert keyring(c, kr).party_threshold == 1  # 0 -> 1
    ok(
        c.run(
            a,
            [
                itx.MsgAddKeyringParty(
                    creator=a.address, keyring_addr=kr, party=p2.address, increase_threshold=True
                )
            ],
        )
    )
    got = keyring(c, kr)
    assert list(got.parties) == [p1.address, p2.address] and got.party_threshold == 2
    before = module_state(c)
    fails(
        c.run(a, [itx.MsgAddKeyringParty(creator=a.address, keyring_addr=kr, party=p1.address)]),
        1505,
        IDENTITY,
        f"party {p1.address} is already a party of the keyring {kr}",
    )
    fails(
        c.run(b, [itx.MsgAddKeyringParty(creator=b.address, keyring_addr=kr, party=b.address)]),
        1505,
        IDENTITY,
        f"tx creator {b.address} is not keyring admin",
    )
    missing = keyring_address(500)
    fails(
        c.run(
            a, [itx.MsgAddKeyringParty(creator=a.address, keyring_addr=missing, party=b.address)]
        ),
        1503,
        IDENTITY,
        f"keyring {missing} not found",
    )
    assert module_state(c) == before
    ok(c.run(a, [itx.MsgDeactivateKeyring(creator=a.address, keyring_addr=kr)]))
    fails(
        c.run(a, [itx.MsgAddKeyringParty(creator=a.address, keyring_addr=kr, party=b.address)]),
        1507,
        IDENTITY,
        f"keyring {kr} is not active: inactive",
    )


def test_remove_party_clamps_and_wraps(free_chain) -> None:
    c = free_chain
    a, b, p1, p2 = (c.wallets[n] for n in ("alice", "bob", "carol", "dave"))
    kr = new_keyring(c, a)
    for p in (p1, p2):
        ok(
            c.run(
                a,
                [
                    itx.MsgAddKeyringParty(
                        creator=a.address, keyring_addr=kr, party=p.address, increase_threshold=True
                    )
                ],
            )
        )
    assert keyring(c, kr).party_threshold == 2
    ok(c.run(a, [itx.MsgRemoveKeyringParty(creator=a.address, keyring_addr=kr, party=p2.address)]))
    got = keyring(c, kr)
    assert list(got.parties) == [p1.address] and got.party_threshold == 1  # clamped
    kr2 = new_keyring(c, a)
    ok(c.run(a, [itx.MsgAddKeyringParty(creator=a.address, keyring_addr=kr2, party=p1.address)]))
    ok(
        c.run(
            a,
            [
                itx.MsgRemoveKeyringParty(
                    creator=a.address, keyring_addr=kr2, party=p1.address, decrease_threshold=True
                )
            ],
        )
    )
    assert keyring(c, kr2).party_threshold == 0  # 1 - 1 = 0, no parties left
    before = module_state(c)
    fails(
        c.run(a, [itx.MsgRemoveKeyringParty(creator=a.address, keyring_addr=kr, party=p2.address)]),
        1505,
        IDENTITY,
        f"party {p2.address} is not a party of the keyring {kr}",
    )
    fails(
        c.run(b, [itx.MsgRemoveKeyringParty(creator=b.address, keyring_addr=kr, party=p1.address)]),
        1505,
        IDENTITY,
        f"tx creator {b.address} is not keyring admin",
    )
    assert module_state(c) == before
    ok(c.run(a, [itx.MsgDeactivateKeyring(creator=a.address, keyring_addr=kr)]))
    # the inactive check comes first, even for a non-admin
    fails(
        c.run(b, [itx.MsgRemoveKeyringParty(creator=b.address, keyring_addr=kr, party=p1.address)]),
        1507,
        IDENTITY,
        "is not active",
    )


def test_decrease_on_zero_threshold_wraps_then_clamps(tmp_path) -> None:
    """uint32 0 - 1 wraps to 4294967295 and is clamped back to the party count."""
    addrs = [Wallet(coincurve.PrivateKey(bytes([i + 1]) * 32)).address for i in range(4)]
    admin, parties = addrs[0], addrs[1:]

    def genesis(state: dict) -> None:
        kr = keyring_pb2.Keyring(
            address=keyring_address(1),
            creator=admin,
            admins=[admin],
            parties=parties,
            party_threshold=0,  # only reachable through genesis
            is_active=True,
        )
        state["identity"]["keyrings"] = [to_dict(kr)]

    c = make_chain(tmp_path / "db", {"alice": "100000000000urock"}, app_state=genesis)
    try:
        a = c.wallets["alice"]
        assert a.address == admin
        kr = keyring_address(1)
        msg = itx.MsgRemoveKeyringParty(
            creator=a.address, keyring_addr=kr, party=parties[2], decrease_threshold=True
        )
        ok(c.run(a, [msg]))
        got = keyring(c, kr)
        assert list(got.parties) == parties[:2] and got.party_threshold == 2
        assert new_keyring(c, a) == keyring_address(2)  # counter = 1 imported keyring
    finally:
        c.app.close()


def test_admins(free_chain) -> None:
    c = free_chain
    a, b, d = (c.wallets[n] for n in ("alice", "bob", "dave"))
    kr = new_keyring(c, a)
    ok(c.run(a, [itx.MsgAddKeyringAdmin(creator=a.address, keyring_addr=kr, admin=b.address)]))
    assert list(keyring(c, kr).admins) == [a.address, b.address]
    before = module_state(c)
    fails(
        c.run(a, [itx.MsgAddKeyringAdmin(creator=a.address, keyring_addr=kr, admin=b.address)]),
        1505,
        IDENTITY,
        f"admin {a.address} is already an admin",  # sic: prints the creator
    )
    fails(
        c.run(d, [itx.MsgAddKeyringAdmin(creator=d.address, keyring_addr=kr, admin=d.address)]),
        1505,
        IDENTITY,
        f"tx creator {d.address} is not keyring admin",
    )
    fails(
        c.run(a, [itx.MsgRemoveKeyringAdmin(creator=a.address, keyring_addr=kr, admin=d.address)]),
        1505,
        IDENTITY,
        f"admin {d.address} is not an admin of the keyring",
    )
    fails(
        c.run(d, [itx.MsgRemoveKeyringAdmin(creator=d.address, keyring_addr=kr, admin=a.address)]),
        1505,
        IDENTITY,
        f"tx creator {d.address} is not keyring admin",
    )
    assert module_state(c) == before
    ok(c.run(b, [itx.MsgRemoveKeyringAdmin(creator=b.address, keyring_addr=kr, admin=b.address)]))
    assert list(keyring(c, kr).admins) == [a.address]
    fails(
        c.run(a, [itx.MsgRemoveKeyringAdmin(creator=a.address, keyring_addr=kr, admin=a.address)]),
        1505,
        IDENTITY,
        f"tx creator {a.address} is the last admin in keyring",
    )
    ok(c.run(a, [itx.MsgDeactivateKeyring(creator=a.address, keyring_addr=kr)]))
    for m in (
        itx.MsgAddKeyringAdmin(creator=d.address, keyring_addr=kr, admin=d.address),
        itx.MsgRemoveKeyringAdmin(creator=d.address, keyring_addr=kr, admin=a.address),
    ):
        fails(c.run(d, [m]), 1507, IDENTITY, "inactive")  # before any other check


def test_update_keyring_reactivates_and_ignores_bad_thresholds(free_chain) -> None:
    c = free_chain
    a, b, p1 = (c.wallets[n] for n in ("alice", "bob", "carol"))
    kr = new_keyring(c, a, description="old")
    ok(c.run(a, [itx.MsgAddKeyringParty(creator=a.address, keyring_addr=kr, party=p1.address)]))
    ok(c.run(a, [itx.MsgDeactivateKeyring(creator=a.address, keyring_addr=kr)]))
    upd = itx.MsgUpdateKeyring(
        creator=a.address,
        keyring_addr=kr,
        party_threshold=5,
        key_req_fee=7,
        sig_req_fee=8,
        description="",
        is_active=True,
    )
    ok(c.run(a, [upd]))
    got = keyring(c, kr)
    assert got.is_active and got.party_threshold == 1 and got.description == ""
    assert (got.key_req_fee, got.sig_req_fee) == (7, 8)
    fails(
        c.run(b, [itx.MsgUpdateKeyring(creator=b.address, keyring_addr=kr, is_active=False)]),
        1505,
        IDENTITY,
        f"keyring updates must be performed by an admin - {b.address} is not a keyring admin",
    )
    fails(
        c.run(a, [itx.MsgUpdateKeyring(creator=a.address, keyring_addr=kr, description="x" * 256)]),
        18,
        "sdk",
        "invalid description, max len is 255",
    )


def test_deactivate(free_chain) -> None:
    c = free_chain
    a, b = c.wallets["alice"], c.wallets["bob"]
    kr = new_keyring(c, a)
    fails(
        c.run(b, [itx.MsgDeactivateKeyring(creator=b.address, keyring_addr=kr)]),
        1,
        "undefined",
        "keyring deactivations should be requested by admins",
    )
    ok(c.run(a, [itx.MsgDeactivateKeyring(creator=a.address, keyring_addr=kr)]))
    ok(c.run(a, [itx.MsgDeactivateKeyring(creator=a.address, keyring_addr=kr)]))
    assert not keyring(c, kr).is_active
    missing = keyring_address(900)
    fails(
        c.run(a, [itx.MsgDeactivateKeyring(creator=a.address, keyring_addr=missing)]),
        1503,
        IDENTITY,
        f"keyring {missing} not found",
    )


def test_keyring_by_address_unknown(free_chain) -> None:
    res = free_chain.query_raw(
        IQ + "KeyringByAddress", iq.QueryKeyringByAddressRequest(keyring_addr="nope")
    )
    assert res.code != 0 and "keyring nope not found" in res.log
