"""Who pays a tx's fee: the SDK's rules, from both sides.

``auth_info.fee.payer`` is a required signer (the SDK's ``Tx.GetSigners`` appends it), so a
tx can charge an account only with that account's signature; a module account has no key
and can neither sign nor pay; a fee granter pays only through its x/feegrant allowance,
and is never silently ignored. Every refusal leaves the whole state as it was.
"""

from __future__ import annotations

from cosmpy.protos.cosmos.bank.v1beta1 import tx_pb2 as bank_tx

from zrchain.client.tx import TxSigner, build_multi_signed_tx, private_key_signer
from zrchain.codec.address import acc_string, module_address
from zrchain.codec.coins import parse_coins
from zrchain.testing.state import assert_unchanged, snapshot_app

# A funded module account: fees reach the fee collector and, at the next begin block,
# x/distribution (the collector itself is empty again at every block's start, as in the SDK).
COLLECTOR = acc_string(module_address("distribution"))


def send(frm: str, to: str, amount: str = "10urock") -> bank_tx.MsgSend:
    return bank_tx.MsgSend(
        from_address=frm, to_address=to, amount=[c.to_proto() for c in parse_coins(amount)]
    )


def signer(w, with_key: bool = True) -> TxSigner:
    return TxSigner(
        private_key_signer(w.key.secret), w.pubkey if with_key else None, w.number, w.sequence
    )


def multi_tx(chain, msgs, signers, fee="300urock", **kw) -> bytes:
    return build_multi_signed_tx(
        msgs, signers, chain_id=chain.chain_id, fee=parse_coins(fee), gas_limit=200_000, **kw
    )


def deliver(chain, tx):
    return chain.block([tx]).tx_results[0]


def test_fee_payer_who_signs_pays_and_the_sender_pays_nothing(chain) -> None:
    alice, bob, carol = (chain.wallets[n] for n in ("alice", "bob", "carol"))
    a0, b0 = chain.balance(alice.address), chain.balance(bob.address)
    tx = multi_tx(
        chain,
        [send(bob.address, carol.address, "10urock")],
        [signer(bob), signer(alice)],  # message signer first, then the payer
        fee_payer=alice.address,
    )
    assert chain.check(tx).code == 0
    res = deliver(chain, tx)
    assert res.code == 0, res.log
    assert chain.balance(alice.address) == a0 - 300
    assert chain.balance(bob.address) == b0 - 10
    assert ("fee_payer", alice.address) in [
        (a.key, a.value) for e in res.events if e.type == "tx" for a in e.attributes
    ]


def test_fee_payer_who_does_not_sign_is_refused_and_nothing_is_charged(chain) -> None:
    alice, bob, carol = (chain.wallets[n] for n in ("alice", "bob", "carol"))
    before = snapshot_app(chain.app)
    tx = chain.tx(bob, [send(bob.address, carol.address)], fee="300urock", fee_payer=alice.address)
    check = chain.check(tx)
    assert (check.codespace, check.code) == ("sdk", 4)
    assert check.log == "wrong number of signers; expected 2, got 1: unauthorized"
    res = deliver(chain, tx)
    assert (res.codespace, res.code, res.log) == (check.codespace, check.code, check.log)
    assert_unchanged(before, snapshot_app(chain.app))


def test_fee_payer_equal_to_the_signer_needs_no_second_signature(chain) -> None:
    bob, carol = chain.wallets["bob"], chain.wallets["carol"]
    b0 = chain.balance(bob.address)
    res = deliver(
        chain, chain.tx(bob, [send(bob.address, carol.address)], fee="300urock",
                        fee_payer=bob.address)
    )  # fmt: skip
    assert res.code == 0, res.log
    assert chain.balance(bob.address) == b0 - 310


def test_module_account_can_never_pay(chain) -> None:
    """The distribution account (a funded module account) as fee payer: without its signature the
    count is wrong; with a signer slot but no key (a module account has none) the signature
    cannot be checked."""
    bob, carol = chain.wallets["bob"], chain.wallets["carol"]
    alice = chain.wallets["alice"]
    for _ in range(2):  # the second block moves the first block's fee to distribution
        chain.run(alice, [send(alice.address, carol.address)])
    assert chain.balance(COLLECTOR) > 0 and chain.account(COLLECTOR) is not None
    before = snapshot_app(chain.app)
    unsigned = chain.tx(bob, [send(bob.address, carol.address)], fee="40urock", fee_payer=COLLECTOR)
    res = deliver(chain, unsigned)
    assert (res.code, res.log) == (4, "wrong number of signers; expected 2, got 1: unauthorized")
    no_key = multi_tx(
        chain,
        [send(bob.address, carol.address)],
        [signer(bob), TxSigner(private_key_signer(bob.key.secret), None, 0, 0)],
        fee="40urock",
        fee_payer=COLLECTOR,
    )
    res = deliver(chain, no_key)
    assert (res.codespace, res.code) == ("sdk", 8)
    assert res.log == "pubkey on account is not set: invalid pubkey"
    assert_unchanged(before, snapshot_app(chain.app))


def test_module_account_cannot_sign_even_in_simulation(chain) -> None:
    """The SDK's SetPubKeyDecorator refuses a key for a module account ("not supported for
    module accounts"), also when simulating, where signatures are not checked."""
    from cosmpy.protos.cosmos.tx.v1beta1 import service_pb2

    from zrchain.abci import types as abci

    bob = chain.wallets["bob"]
    alice = chain.wallets["alice"]
    for _ in range(2):  # the second block moves the first block's fee to distribution
        chain.run(alice, [send(alice.address, bob.address)])
    tx = multi_tx(
        chain,
        [send(COLLECTOR, bob.address, "50urock")],
        [TxSigner(private_key_signer(bob.key.secret), None, 0, 0)],
    )
    res = chain.app.query(
        abci.RequestQuery(
            path="/cosmos.tx.v1beta1.Service/Simulate",
            data=service_pb2.SimulateRequest(tx_bytes=tx).SerializeToString(),
        )
    )
    assert res.code != 0 and "not supported for module accounts" in res.log
    before = snapshot_app(chain.app)
    res = deliver(chain, tx)
    assert (res.code, res.log) == (8, "pubkey on account is not set: invalid pubkey")
    assert_unchanged(before, snapshot_app(chain.app))


def test_a_fee_granter_who_granted_nothing_pays_nothing(chain) -> None:
    """Naming a granter needs its allowance (x/feegrant); ignoring the granter would
    charge the payer instead, and neither pays for a refused tx."""
    alice, bob, carol = (chain.wallets[n] for n in ("alice", "bob", "carol"))
    before = snapshot_app(chain.app)
    tx = chain.tx(
        bob, [send(bob.address, carol.address)], fee="300urock", fee_granter=alice.address
    )
    check = chain.check(tx)
    text = (
        f"{alice.address} does not allow to pay fees for {bob.address}: "
        "fee-grant not found: not found"
    )
    assert (check.codespace, check.code, check.log) == ("sdk", 38, text)
    res = deliver(chain, tx)
    assert (res.code, res.log) == (38, text)
    assert_unchanged(before, snapshot_app(chain.app))


def test_malformed_fee_payer_and_granter_are_invalid_addresses(chain) -> None:
    bob, carol = chain.wallets["bob"], chain.wallets["carol"]
    for field in ("fee_payer", "fee_granter"):
        tx = chain.tx(bob, [send(bob.address, carol.address)], **{field: "zen1notanaddress"})
        res = chain.check(tx)
        assert (res.codespace, res.code) == ("sdk", 7), res.log
        assert res.log.startswith(f"Invalid fee {field.split('_')[1]} address (")


def test_the_same_signer_twice_counts_once(chain) -> None:
    """Signers are deduplicated by address bytes, as in the SDK: a signer named in upper
    case and lower case is one signer."""
    bob, carol = chain.wallets["bob"], chain.wallets["carol"]
    msgs = [send(bob.address, carol.address), send(bob.address.upper(), carol.address)]
    res = deliver(chain, chain.tx(bob, msgs, fee="300urock"))
    assert res.code == 0, res.log
