"""Outsiders against fee grants and multisig accounts on a real node.

Fee grants: someone else's granter, a grant used past its limit or for other messages,
grants to oneself or to a module account that does not exist, a granted tx replayed,
and malformed allowances (unknown type, nesting past the Any limit, garbage bytes,
invalid coins). Multisig: short, forged and mismatched multisignatures, a bit array that
claims more signatures than it carries, a threshold of zero, keys nested past the Any
limit, an amino JSON signature replayed. Each case asserts the error and that nothing
(or only the sender's fee and sequence) changed.
"""

from __future__ import annotations

import pytest
from cosmpy.protos.cosmos.bank.v1beta1 import tx_pb2 as bank_tx
from cosmpy.protos.cosmos.crypto.multisig import keys_pb2 as multisig_keys
from cosmpy.protos.cosmos.feegrant.v1beta1 import feegrant_pb2
from cosmpy.protos.cosmos.feegrant.v1beta1 import query_pb2 as fq
from cosmpy.protos.cosmos.feegrant.v1beta1 import tx_pb2 as feegrant_tx
from cosmpy.protos.cosmos.tx.v1beta1 import tx_pb2
from google.protobuf.any_pb2 import Any as AnyProto
from outsider_world import (
    FEE,
    GAS,
    Actor,
    Outsider,
    nothing_changes,
    refused_at_check,
    refused_in_block,
)

from zrchain.client.tx import (
    SIGN_MODE_LEGACY_AMINO_JSON,
    MultisigTxSigner,
    TxSigner,
    build_multi_signed_tx,
)
from zrchain.codec.address import acc_string, module_address
from zrchain.codec.any import MULTISIG_PUBKEY_URL, pack
from zrchain.codec.coins import parse_coins
from zrchain.tx.signing import BitArray, MultisigKey, Secp256k1Key

pytestmark = pytest.mark.node


def send(frm: str, to: str, amount: str = "5urock") -> bank_tx.MsgSend:
    return bank_tx.MsgSend(from_address=frm, to_address=to, amount=parse_coins(amount).to_protos())


def grant_msg(granter: str, grantee: str, allowance: AnyProto) -> feegrant_tx.MsgGrantAllowance:
    return feegrant_tx.MsgGrantAllowance(granter=granter, grantee=grantee, allowance=allowance)


# -- fee grants ------------------------------------------------------------------------------
def test_an_outsider_cannot_spend_alices_grant_to_bob(chain: Outsider) -> None:
    outsider, alice, bob = chain["outsider"], chain["alice"], chain["bob"]
    with nothing_changes(chain):
        # his own tx naming alice: she granted him nothing
        raw = chain.tx(outsider, [send(outsider.address, bob.address)], fee_granter=alice.address)
        refused_at_check(chain, raw, 38, "fee-grant not found")
        # bob's msg with outsider as fee payer: the payer must sign (and has no grant)
        raw = chain.tx(
            [bob, outsider],
            [send(bob.address, outsider.address)],
            fee_payer=outsider.address,
            fee_granter=alice.address,
        )
        refused_at_check(chain, raw, 38, "fee-grant not found")


def test_bobs_grant_refuses_more_than_its_limit(chain: Outsider) -> None:
    bob, alice = chain["bob"], chain["alice"]
    with nothing_changes(chain):
        raw = chain.tx(
            bob, [send(bob.address, alice.address)], fee="100001urock", fee_granter=alice.address
        )
        refused_at_check(chain, raw, 2, "basic allowance: fee limit exceeded", "feegrant")


def test_a_granted_tx_runs_once_and_the_granter_pays_once(chain: Outsider) -> None:
    bob, alice = chain["bob"], chain["alice"]
    raw = chain.tx(bob, [send(bob.address, alice.address, "1urock")], fee_granter=alice.address)
    res = chain.deliver(raw)
    assert res.code == 0, res.raw_log
    fee = str(parse_coins(FEE))
    assert {
        "type": "tx",
        "attributes": [{"key": "fee", "value": fee}, {"key": "fee_payer", "value": alice.address}],
    } in [
        {
            "type": e.type,
            "attributes": [
                {"key": a.key, "value": a.value} for a in e.attributes if a.key != "msg_index"
            ],
        }
        for e in res.events
    ], res.events
    left = chain.client.query(
        "/cosmos.feegrant.v1beta1.Query/Allowance",
        fq.QueryAllowanceRequest(granter=alice.address, grantee=bob.address),
        fq.QueryAllowanceResponse,
        height=res.height,
    )
    limit = feegrant_pb2.BasicAllowance.FromString(left.allowance.allowance.value).spend_limit
    before = chain.client.query(
        "/cosmos.feegrant.v1beta1.Query/Allowance",
        fq.QueryAllowanceRequest(granter=alice.address, grantee=bob.address),
        fq.QueryAllowanceResponse,
        height=res.height - 1,
    )
    was = feegrant_pb2.BasicAllowance.FromString(before.allowance.allowance.value).spend_limit
    assert int(was[0].amount) - int(limit[0].amount) == parse_coins(FEE)[0].amount
    with nothing_changes(chain):
        again = chain.broadcast(raw)
        assert again.code != 0  # in the cache or a stale sequence: never twice


def test_grants_to_oneself_or_an_absent_module_account_change_nothing(chain: Outsider) -> None:
    outsider = chain["outsider"]
    basic = pack(feegrant_pb2.BasicAllowance(spend_limit=parse_coins("10urock").to_protos()))
    refused_in_block(
        chain,
        outsider,
        [grant_msg(outsider.address, outsider.address, basic)],
        "cannot self-grant fee authorization",
        code=7,
    )
    absent = [
        acc_string(module_address(n))
        for n in ("keyring_collector", "keyring_escrow", "fee_collector")
        if chain.client.account(acc_string(module_address(n))) is None
    ]
    for addr in absent:
        refused_in_block(
            chain,
            outsider,
            [grant_msg(outsider.address, addr, basic)],
            "is not allowed to receive funds",
            code=4,
        )


def test_malformed_allowances_are_refused(chain: Outsider) -> None:
    outsider, bob = chain["outsider"], chain["bob"]
    unknown = AnyProto(type_url="/cosmos.bank.v1beta1.MsgSend", value=b"")
    garbage = AnyProto(type_url="/cosmos.feegrant.v1beta1.BasicAllowance", value=b"\xff\xff")
    deep = pack(feegrant_pb2.BasicAllowance())
    for _ in range(10):
        deep = pack(feegrant_pb2.AllowedMsgAllowance(allowance=deep, allowed_messages=["/x"]))
    with nothing_changes(chain):
        for allowance, text in (
            (unknown, "no concrete type registered"),
            (garbage, "BasicAllowance"),
            (deep, "max depth exceeded"),
        ):
            raw = chain.tx(outsider, [grant_msg(outsider.address, bob.address, allowance)])
            refused_at_check(chain, raw, 2, text)
    bad_coins = pack(
        feegrant_pb2.BasicAllowance(spend_limit=[parse_coins("5urock").to_protos()[0]] * 2)
    )
    refused_in_block(
        chain,
        outsider,
        [grant_msg(outsider.address, bob.address, bad_coins)],
        "send amount is invalid",
        code=10,
    )
    no_msgs = pack(feegrant_pb2.AllowedMsgAllowance(allowance=pack(feegrant_pb2.BasicAllowance())))
    refused_in_block(
        chain,
        outsider,
        [grant_msg(outsider.address, bob.address, no_msgs)],
        "allowed messages are empty",
        code=6,
    )


# -- multisig ---------------------------------------------------------------------------------
def key(a: Actor) -> Secp256k1Key:
    return Secp256k1Key(a.pubkey)


@pytest.fixture(scope="module")
def multisig(chain: Outsider) -> MultisigKey:
    """A 2-of-3 account of alice, bob and outsider, funded and used once (its key on chain)."""
    ms = MultisigKey(2, (key(chain["alice"]), key(chain["bob"]), key(chain["outsider"])))
    addr = acc_string(ms.address())
    chain.run(chain["alice"], [send(chain["alice"].address, addr, "1000000urock")])
    res = chain.deliver(ms_tx(chain, ms, {0: chain["alice"].sign, 1: chain["bob"].sign}))
    assert res.code == 0, res.raw_log
    return ms


def ms_tx(chain: Outsider, ms: MultisigKey, members, mode: int = 1, **kw) -> bytes:
    addr = acc_string(ms.address())
    acc = chain.client.account(addr)
    signer = MultisigTxSigner(ms, members, acc.number, acc.sequence, mode=mode, **kw)
    return build_multi_signed_tx(
        [send(addr, chain["alice"].address)],
        [signer],
        chain_id="zenrock",
        fee=parse_coins(FEE),
        gas_limit=GAS,
    )


def test_short_forged_and_mismatched_multisignatures(chain: Outsider, multisig) -> None:
    alice, bob, outsider = chain["alice"], chain["bob"], chain["outsider"]
    with nothing_changes(chain):
        refused_at_check(
            chain, ms_tx(chain, multisig, {2: outsider.sign}), 4, "signature size is incorrect 1"
        )
        refused_at_check(
            chain,
            ms_tx(chain, multisig, {0: outsider.sign, 2: outsider.sign}),
            4,
            "unable to verify signature at index 0",
        )
        # the outsider's own 2-of-3 claiming to be the account
        mine = MultisigKey(2, (key(outsider), key(outsider), key(alice)))
        acc = chain.client.account(acc_string(multisig.address()))
        raw = build_multi_signed_tx(
            [send(acc_string(multisig.address()), outsider.address)],
            [
                MultisigTxSigner(
                    mine, {0: outsider.sign, 1: outsider.sign}, acc.number, acc.sequence
                )
            ],
            chain_id="zenrock",
            fee=parse_coins(FEE),
            gas_limit=GAS,
        )
        refused_at_check(chain, raw, 8, "pubKey does not match signer address")
        assert bob  # bob never signed any of these


def _patch_auth_info(raw: bytes, edit) -> bytes:
    tx = tx_pb2.TxRaw.FromString(raw)
    info = tx_pb2.AuthInfo.FromString(tx.auth_info_bytes)
    edit(info)
    tx.auth_info_bytes = info.SerializeToString()
    return tx.SerializeToString()


def test_more_bits_than_signatures_and_bad_keys_are_refused(chain: Outsider, multisig) -> None:
    alice, bob = chain["alice"], chain["bob"]
    raw = ms_tx(chain, multisig, {0: alice.sign, 1: bob.sign})

    def all_bits(info) -> None:
        bits = BitArray.of([True, True, True])
        info.signer_infos[0].mode_info.multi.bitarray.elems = bits.elems

    def zero_threshold(info) -> None:
        pk = multisig_keys.LegacyAminoPubKey.FromString(info.signer_infos[0].public_key.value)
        pk.threshold = 0
        info.signer_infos[0].public_key.value = pk.SerializeToString()

    def deep_key(info) -> None:
        inner = key(alice).to_any()
        for _ in range(10):
            inner = AnyProto(
                type_url=MULTISIG_PUBKEY_URL,
                value=multisig_keys.LegacyAminoPubKey(
                    threshold=1, public_keys=[inner]
                ).SerializeToString(),
            )
        info.signer_infos[0].public_key.CopyFrom(inner)

    with nothing_changes(chain):
        refused_at_check(chain, _patch_auth_info(raw, all_bits), 4, "bit array size is incorrect")
        refused_at_check(
            chain, _patch_auth_info(raw, zero_threshold), 8, "threshold k of n multisignature"
        )
        refused_at_check(chain, _patch_auth_info(raw, deep_key), 2, "max depth exceeded")
    assert chain.height() > 0  # the node is alive and answering


def test_an_amino_json_signature_cannot_be_replayed(chain: Outsider, multisig) -> None:
    alice, bob = chain["alice"], chain["bob"]
    raw = ms_tx(chain, multisig, {0: alice.sign, 1: bob.sign}, mode=SIGN_MODE_LEGACY_AMINO_JSON)
    res = chain.deliver(raw)
    assert res.code == 0, res.raw_log
    with nothing_changes(chain):
        assert chain.broadcast(raw).code != 0
    # a single amino signer, signing over a sequence it does not have
    number, sequence = chain.account(alice)
    stale = build_multi_signed_tx(
        [send(alice.address, bob.address)],
        [
            TxSigner(
                alice.sign, alice.pubkey, number, sequence - 1, mode=SIGN_MODE_LEGACY_AMINO_JSON
            )
        ],
        chain_id="zenrock",
        fee=parse_coins(FEE),
        gas_limit=GAS,
    )
    with nothing_changes(chain):
        refused_at_check(chain, stale, 32, "account sequence mismatch")
