"""Every Msg against an outsider: signed by the wrong account, sent by a non-authority, or
sent by a stranger to alice's workspace, keyring, requests, actions and grants. Each case
asserts the refusal and that the state is as it was (at most the outsider's own fee and
sequence moved)."""

from __future__ import annotations

import pytest
from msg_catalog import AUTHORITY_ONLY, SAMPLES
from outsider_world import Outsider, nothing_changes, refused_at_check, refused_in_block

from zrchain.module import Registry
from zrchain.modules import default_modules

ROUTES = Registry(default_modules()).msgs

# What a stranger acting as himself on alice's objects gets (text in the raw log). Msgs
# missing here are his own business when he sends them (his own send, grant, workspace...).
STRANGER = {
    "/cosmos.authz.v1beta1.MsgExec": "authorization not found",
    "/cosmos.feegrant.v1beta1.MsgRevokeAllowance": "fee-grant not found",
    "/zrchain.policy.MsgRevokeAction": "action creator does not match",
    "/zrchain.policy.MsgApproveAction": "address not a participant of this policy",
    "/zrchain.identity.MsgAddWorkspaceOwner": "is not owner of the workspace",
    "/zrchain.identity.MsgAppendChildWorkspace": "not an owner",
    "/zrchain.identity.MsgNewChildWorkspace": "not an owner",
    "/zrchain.identity.MsgRemoveWorkspaceOwner": "is not a creator of the workspace",
    "/zrchain.identity.MsgUpdateWorkspace": "is not an owner of the workspace",
    "/zrchain.identity.MsgAddKeyringParty": "is not keyring admin",
    "/zrchain.identity.MsgUpdateKeyring": "is not a keyring admin",
    "/zrchain.identity.MsgRemoveKeyringParty": "is not keyring admin",
    "/zrchain.identity.MsgAddKeyringAdmin": "is not keyring admin",
    "/zrchain.identity.MsgRemoveKeyringAdmin": "is not keyring admin",
    "/zrchain.identity.MsgDeactivateKeyring": "should be requested by admins",
    "/zrchain.treasury.MsgNewKeyRequest": "is not an owner of this workspace",
    "/zrchain.treasury.MsgFulfilKeyRequest": "only one party of the keyring",
    "/zrchain.treasury.MsgNewSignatureRequest": "is not an owner of workspace",
    "/zrchain.treasury.MsgFulfilSignatureRequest": "only one party of the keyring",
    "/zrchain.treasury.MsgNewSignTransactionRequest": "is not an owner of workspace",
    "/zrchain.treasury.MsgTransferFromKeyring": "should be admin",
    "/zrchain.treasury.MsgUpdateKeyPolicy": "is not an owner",
    "/zrchain.treasury.MsgNewICATransactionRequest": "not supported",
    "/zrchain.treasury.MsgFulfilICATransactionRequest": "not supported",
    "/zrchain.validation.MsgEditValidator": "validator does not exist",
    "/zrchain.validation.MsgBeginRedelegate": "no delegation for (address, validator) tuple",
    "/zrchain.validation.MsgUndelegate": "no delegation for (address, validator) tuple",
    "/zrchain.validation.MsgCancelUnbondingDelegation": "unbonding delegation with delegator",
    "/cosmos.slashing.v1beta1.MsgUnjail": "validator does not exist",
    "/cosmos.evidence.v1beta1.MsgSubmitEvidence": "unregistered handler for evidence type",
}

pytestmark = pytest.mark.node


def test_every_routed_msg_has_a_sample() -> None:
    """A new Msg is not done until it has its outsider cases (docs/ARCHITECTURE.md)."""
    missing, stale = sorted(set(ROUTES) - set(SAMPLES)), sorted(set(SAMPLES) - set(ROUTES))
    assert not missing and not stale, f"no sample: {missing}; stale: {stale}"


def test_samples_name_the_acting_account_as_the_signer(chain: Outsider) -> None:
    """The catalog's premise: the account a handler trusts is the tx's required signer."""
    alice = chain["alice"].address
    for url, make in SAMPLES.items():
        msg = make(chain.world, chain.actors, alice)
        assert ROUTES[url].signers(msg) == [alice], url


@pytest.mark.parametrize("with_pubkey", [True, False], ids=["own-key", "no-key"])
def test_every_msg_signed_by_the_wrong_account_is_refused(chain: Outsider, with_pubkey) -> None:
    """alice's Msgs signed by the outsider: with his own key in the signer info the key does
    not match alice's address; without one, the signature does not verify against alice's
    key. Refused at CheckTx; nothing changes."""
    alice, outsider = chain["alice"], chain["outsider"]
    number, sequence = chain.account(alice)
    from zrchain.client.tx import TxSigner, build_multi_signed_tx
    from zrchain.codec.coins import parse_coins

    with nothing_changes(chain):
        for url, make in SAMPLES.items():
            msg = make(chain.world, chain.actors, alice.address)
            raw = build_multi_signed_tx(
                [msg],
                [
                    TxSigner(
                        outsider.sign, outsider.pubkey if with_pubkey else None, number, sequence
                    )
                ],
                chain_id="zenrock",
                fee=parse_coins("400urock"),
                gas_limit=400_000,
            )
            if with_pubkey:
                res = refused_at_check(chain, raw, 8, "pubKey does not match signer address")
            else:
                res = refused_at_check(chain, raw, 4, "signature verification failed")
            assert alice.address in res.raw_log or not with_pubkey, (url, res.raw_log)


def test_every_msg_for_someone_else_in_a_multi_signer_tx_is_refused(chain: Outsider) -> None:
    """The outsider adds his own signature next to a forged one for alice."""
    alice, outsider = chain["alice"], chain["outsider"]
    a_num, a_seq = chain.account(alice)
    o_num, o_seq = chain.account(outsider)
    from zrchain.client.tx import TxSigner, build_multi_signed_tx
    from zrchain.codec.coins import parse_coins

    msg = SAMPLES["/cosmos.bank.v1beta1.MsgSend"](chain.world, chain.actors, alice.address)
    own = SAMPLES["/cosmos.bank.v1beta1.MsgSend"](chain.world, chain.actors, outsider.address)
    with nothing_changes(chain):
        raw = build_multi_signed_tx(
            [own, msg],
            [
                TxSigner(outsider.sign, outsider.pubkey, o_num, o_seq),
                TxSigner(outsider.sign, None, a_num, a_seq),
            ],
            chain_id="zenrock",
            fee=parse_coins("400urock"),
            gas_limit=400_000,
        )
        refused_at_check(chain, raw, 4, "signature verification failed")


@pytest.mark.parametrize("url", sorted(AUTHORITY_ONLY))
def test_authority_only_msgs_from_a_non_authority_change_nothing(chain: Outsider, url) -> None:
    """Signed correctly by the outsider naming himself as the authority: it passes ante
    (his fee and sequence) and the handler refuses it."""
    _, text = AUTHORITY_ONLY[url]
    outsider = chain["outsider"]
    msg = SAMPLES[url](chain.world, chain.actors, outsider.address)
    refused_in_block(chain, outsider, [msg], text)


@pytest.mark.parametrize("url", sorted(STRANGER))
def test_a_stranger_cannot_act_on_alices_objects(chain: Outsider, url) -> None:
    outsider = chain["outsider"]
    msg = SAMPLES[url](chain.world, chain.actors, outsider.address)
    refused_in_block(chain, outsider, [msg], STRANGER[url])


def test_the_state_check_sees_a_change(chain: Outsider) -> None:
    """The control: a tx that does change the state fails ``nothing_changes`` (so the
    cases above could fail)."""
    outsider = chain["outsider"]
    msg = SAMPLES["/cosmos.bank.v1beta1.MsgSend"](chain.world, chain.actors, outsider.address)
    with pytest.raises(AssertionError, match="state changed"), nothing_changes(chain):
        chain.run(outsider, [msg])  # a send to himself: only his fee and sequence move
