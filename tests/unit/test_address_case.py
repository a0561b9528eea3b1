"""Upper-case bech32, as the SDK takes it: an all-upper-case address is the same address
(BIP-173 allows it; the SDK decodes it to the same bytes and writes addresses back in lower
case), a mixed-case one is refused, and what is stored is the lower-case form. And one
account is never listed twice as an owner, party or admin under another spelling (another
case, or zrChain's ``keyring``/``workspace`` prefixes for the same bytes)."""

from __future__ import annotations

import json

import pytest
from cosmpy.protos.cosmos.bank.v1beta1 import query_pb2 as bq
from cosmpy.protos.cosmos.bank.v1beta1 import tx_pb2 as bank_tx

from zrchain.abci import types as abci
from zrchain.codec import address, bech32
from zrchain.codec.coins import parse_coins
from zrchain.codec.gen.zrchain.identity import tx_pb2 as itx
from zrchain.errors import ChainError
from zrchain.testing.identity_policy import (  # chain, free_chain: fixtures
    chain,
    fails,
    free_chain,
    keyring,
    new_keyring,
    new_workspace,
    ok,
)
from zrchain.testing.identity_policy import workspace as get_workspace
from zrchain.testing.state import assert_unchanged, snapshot_app

__all__ = ["chain", "free_chain"]


def mixed(addr: str) -> str:
    return addr[:4].upper() + addr[4:]


def send(frm: str, to: str, amount: str = "7urock") -> bank_tx.MsgSend:
    return bank_tx.MsgSend(from_address=frm, to_address=to, amount=parse_coins(amount).to_protos())


# -- the codec ---------------------------------------------------------------------------------
def test_decode_takes_all_upper_case_and_refuses_mixed_case() -> None:
    addr = address.acc_string(bytes(range(20)))
    assert address.acc_bytes(addr.upper()) == bytes(range(20))
    with pytest.raises(ChainError) as info:
        address.acc_bytes(mixed(addr))
    assert info.value.log == (
        "decoding bech32 failed: string not all lowercase or all uppercase: invalid address"
    )


def test_decode_follows_btcutil_limits_and_texts() -> None:
    """The SDK decodes with btcutil's bech32.Decode(s, 1023): lengths in bytes."""
    long_ok = bech32.encode("zen", bytes(600))  # longer than BIP-173's 90 characters
    assert len(long_ok) > 90 and bech32.decode(long_ok) == ("zen", bytes(600))
    cases = {
        "zen1": "invalid bech32 string length 4",
        "zen1" + "q" * 1020: "invalid bech32 string length 1024",
        "zen1qqqq qqqqqq": "invalid character in string: ' '",
        "zen1qqqqqqqqb": "invalid character not part of charset: 98",
        "zenqqqqqqqqqq": "invalid separator index -1",
    }
    for text, error in cases.items():
        with pytest.raises(bech32.Bech32Error) as info:
            bech32.decode(text)
        assert str(info.value) == error


def test_canonical_forms() -> None:
    addr = address.acc_string(bytes(range(20)))
    assert address.canonical(addr.upper()) == addr
    assert address.canonical(addr) == addr
    assert address.canonical(mixed(addr)) == mixed(addr)  # refused later, not rewritten
    assert address.canonical("ECDSA") == "ECDSA"  # not an address
    cosmos = bech32.encode("cosmos", bytes(20)).upper()
    assert address.canonical(cosmos) == cosmos  # not one of our prefixes
    alias = bech32.encode("workspace", bytes(range(20)))
    assert address.canonical_account(alias) == addr
    assert address.canonical_account(alias.upper()) == addr
    data = {"a": [addr.upper(), {"b": "X"}], "n": 5}
    assert address.canonicalize_json(data) == {"a": [addr, {"b": "X"}], "n": 5}


def test_canonicalize_message_reaches_nested_and_packed_messages() -> None:
    from cosmpy.protos.cosmos.authz.v1beta1 import tx_pb2 as atx

    from zrchain.client.tx import pack

    a, b = (address.acc_string(bytes([i]) * 20) for i in (1, 2))
    inner = send(a.upper(), b.upper())
    msg = atx.MsgExec(grantee=b.upper(), msgs=[pack(inner)])
    assert address.canonicalize_message(msg)
    assert msg.grantee == b
    got = bank_tx.MsgSend.FromString(msg.msgs[0].value)
    assert (got.from_address, got.to_address) == (a, b)
    assert not address.canonicalize_message(msg)  # already canonical: nothing changes


# -- through the chain -------------------------------------------------------------------------
def test_upper_case_addresses_in_a_tx_act_on_and_show_the_lower_case_account(chain) -> None:
    a, b = chain.wallets["alice"], chain.wallets["bob"]
    b0 = chain.balance(b.address)
    res = ok(chain.run(a, [send(a.address.upper(), b.address.upper())]))
    assert chain.balance(b.address) == b0 + 7
    shown = {x.value for e in res.events for x in e.attributes}
    assert b.address in shown and a.address in shown
    assert not any("ZEN1" in v for v in shown)


def test_mixed_case_address_in_a_tx_is_refused(chain) -> None:
    a, b = chain.wallets["alice"], chain.wallets["bob"]
    before = snapshot_app(chain.app)
    tx = chain.tx(a, [send(a.address, mixed(b.address))], fee="40000urock", gas=400_000)
    res = chain.check(tx)
    assert res.code == 7 and "string not all lowercase or all uppercase" in res.log
    chain.block([tx])
    assert_unchanged(before, snapshot_app(chain.app))


def test_queries_take_upper_case_addresses(chain) -> None:
    a = chain.wallets["alice"]
    for addr in (a.address, a.address.upper()):
        raw = chain.query(
            "/cosmos.bank.v1beta1.Query/Balance",
            bq.QueryBalanceRequest(address=addr, denom="urock"),
        )
        assert int(bq.QueryBalanceResponse.FromString(raw).balance.amount) == chain.balance(
            a.address
        )
    res = chain.app.query(
        abci.RequestQuery(
            path="/cosmos.bank.v1beta1.Query/Balance",
            data=bq.QueryBalanceRequest(
                address=mixed(a.address), denom="urock"
            ).SerializeToString(),
        )
    )
    assert res.code != 0 and "not all lowercase or all uppercase" in res.log


def test_genesis_stores_upper_case_addresses_in_lower_case(tmp_path) -> None:
    from zrchain.app import ZrChainApp
    from zrchain.cli.node_cmds import default_app_state
    from zrchain.testing.genesis import add_account

    addr = address.acc_string(bytes(range(20)))
    state = default_app_state()
    add_account(state, addr.upper(), "123urock")
    app = ZrChainApp(str(tmp_path / "db"))
    req = abci.RequestInitChain(chain_id="zenrock", app_state_bytes=json.dumps(state).encode())
    app.init_chain(req)
    app.finalize_block(abci.RequestFinalizeBlock(height=1))
    app.commit(abci.RequestCommit())
    res = app.query(
        abci.RequestQuery(
            path="/cosmos.bank.v1beta1.Query/Balance",
            data=bq.QueryBalanceRequest(address=addr, denom="urock").SerializeToString(),
        )
    )
    assert bq.QueryBalanceResponse.FromString(res.value).balance.amount == "123"
    accounts = app.export_genesis()["auth"]["accounts"]
    assert [x["address"] for x in accounts if x.get("address", "").lower() == addr] == [addr]
    app.close()


# -- one account, one entry (the item 10) ----------------------------------------------
def spellings(addr: str) -> list[str]:
    raw = address.zr_account_bytes(addr)
    return [
        addr.upper(),
        bech32.encode("workspace", raw),
        bech32.encode("keyring", raw).upper(),
    ]


def test_an_owner_is_not_added_twice_under_another_spelling(chain) -> None:
    a, b = chain.wallets["alice"], chain.wallets["bob"]
    ws = new_workspace(chain, a)
    ok(
        chain.run(
            a, [itx.MsgAddWorkspaceOwner(creator=a.address, workspace_addr=ws, new_owner=b.address)]
        )
    )
    for other in spellings(b.address) + spellings(a.address):
        before = get_workspace(chain, ws)
        fails(
            chain.run(
                a, [itx.MsgAddWorkspaceOwner(creator=a.address, workspace_addr=ws, new_owner=other)]
            ),
            1505,
            "identity",
            "already an owner",
        )
        assert get_workspace(chain, ws) == before
    res = chain.run(
        a,
        [
            itx.MsgNewWorkspace(
                creator=a.address, additional_owners=[b.address, spellings(b.address)[1]]
            )
        ],
    )
    fails(res, 1505, "identity", "already is owner")
    res = chain.run(
        a, [itx.MsgNewWorkspace(creator=a.address, additional_owners=[spellings(a.address)[0]])]
    )
    fails(res, 1505, "identity", "already is owner")


def test_a_party_and_an_admin_are_not_added_twice_under_another_spelling(free_chain) -> None:
    chain = free_chain
    a, b = chain.wallets["alice"], chain.wallets["bob"]
    kr = new_keyring(chain, a)
    ok(chain.run(a, [itx.MsgAddKeyringParty(creator=a.address, keyring_addr=kr, party=b.address)]))
    for other in spellings(b.address):
        fails(
            chain.run(a, [itx.MsgAddKeyringParty(creator=a.address, keyring_addr=kr, party=other)]),
            1505,
            "identity",
            "already a party",
        )
    for other in spellings(a.address):
        fails(
            chain.run(a, [itx.MsgAddKeyringAdmin(creator=a.address, keyring_addr=kr, admin=other)]),
            1505,
            "identity",
            "already an admin",
        )
    got = keyring(chain, kr)
    assert list(got.parties) == [b.address] and list(got.admins) == [a.address]
    # the other spellings name the same party for removal, too
    ok(
        chain.run(
            a,
            [
                itx.MsgRemoveKeyringParty(
                    creator=a.address, keyring_addr=kr, party=spellings(b.address)[1]
                )
            ],
        )
    )
    assert list(keyring(chain, kr).parties) == []
