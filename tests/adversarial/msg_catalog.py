"""One well-formed instance of every Msg the chain routes, acting as a given account.

``SAMPLES[type_url](world, actors, who)`` is a Msg that ``who`` (an address) could send
about the objects of the session's world: ``who`` is in the field the handler trusts
(creator, authority, granter, grantee, from address, input). Signed by anyone else it must
be refused before it runs. ``test_every_routed_msg_has_a_sample`` fails when a Msg is added
without one here: a new Msg is not done until it has its outsider cases.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from cosmpy.protos.cosmos.authz.v1beta1 import authz_pb2
from cosmpy.protos.cosmos.authz.v1beta1 import tx_pb2 as authz_tx
from cosmpy.protos.cosmos.bank.v1beta1 import bank_pb2
from cosmpy.protos.cosmos.bank.v1beta1 import tx_pb2 as bank_tx
from cosmpy.protos.cosmos.consensus.v1 import tx_pb2 as consensus_tx
from cosmpy.protos.cosmos.crypto.ed25519.keys_pb2 import PubKey as Ed25519PubKey
from cosmpy.protos.cosmos.distribution.v1beta1 import distribution_pb2
from cosmpy.protos.cosmos.distribution.v1beta1 import tx_pb2 as distribution_tx
from cosmpy.protos.cosmos.evidence.v1beta1 import evidence_pb2
from cosmpy.protos.cosmos.evidence.v1beta1 import tx_pb2 as evidence_tx
from cosmpy.protos.cosmos.feegrant.v1beta1 import feegrant_pb2
from cosmpy.protos.cosmos.feegrant.v1beta1 import tx_pb2 as feegrant_tx
from cosmpy.protos.cosmos.gov.v1 import gov_pb2
from cosmpy.protos.cosmos.gov.v1 import tx_pb2 as gov_tx
from cosmpy.protos.cosmos.slashing.v1beta1 import slashing_pb2
from cosmpy.protos.cosmos.slashing.v1beta1 import tx_pb2 as slashing_tx
from cosmpy.protos.cosmos.upgrade.v1beta1 import tx_pb2 as upgrade_tx
from cosmpy.protos.cosmos.upgrade.v1beta1 import upgrade_pb2
from cosmpy.protos.tendermint.types import params_pb2 as consensus_params
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from google.protobuf.any_pb2 import Any as AnyProto
from google.protobuf.duration_pb2 import Duration

from zrchain.codec.address import acc_bytes, cons_string, val_string
from zrchain.codec.any import pack
from zrchain.codec.coins import parse_coins
from zrchain.codec.gen.zrchain.attest import attest_pb2 as attest_pb
from zrchain.codec.gen.zrchain.identity import params_pb2 as iparams
from zrchain.codec.gen.zrchain.identity import tx_pb2 as itx
from zrchain.codec.gen.zrchain.mint.v1beta1 import mint_pb2
from zrchain.codec.gen.zrchain.mint.v1beta1 import tx_pb2 as mint_tx
from zrchain.codec.gen.zrchain.omni import tx_pb2 as otx
from zrchain.codec.gen.zrchain.policy import params_pb2 as pparams
from zrchain.codec.gen.zrchain.policy import tx_pb2 as ptx
from zrchain.codec.gen.zrchain.treasury import key_pb2, mpcsign_pb2, wallet_pb2
from zrchain.codec.gen.zrchain.treasury import params_pb2 as tparams
from zrchain.codec.gen.zrchain.treasury import tx_pb2 as ttx
from zrchain.codec.gen.zrchain.validation import staking_pb2 as vst
from zrchain.codec.gen.zrchain.validation import tx_pb2 as vtx
from zrchain.testing.identity_policy import bool_policy
from zrchain.x.gov.types import DEFAULT_PARAMS as GOV_PARAMS
from zrchain.x.gov.types import GOV_AUTHORITY
from zrchain.x.mint.params import DEFAULT_PARAMS as MINT_DEFAULTS

SEND_URL = "/cosmos.bank.v1beta1.MsgSend"
VALIDATOR_KEY = Ed25519PrivateKey.from_private_bytes(b"\x07" * 32).public_key().public_bytes_raw()
HASH = hashlib.sha256(b"outsider").hexdigest()

Sample = Callable[[Any, dict[str, Any], str], Any]
EVM_OWNER = "0xbe27e519a220d4336a5f9d08c7fa542175e30da0"


def _evm_auth() -> otx.EvmSignature:
    """A well-formed (not valid) EIP-712 signature: the handler refuses it, not ValidateBasic."""
    return otx.EvmSignature(address=EVM_OWNER, nonce=0, deadline=2**40, signature=b"\x01" * 65)


def _coins(text: str = "5urock") -> list[Any]:
    return parse_coins(text).to_protos()


def _val(who: str) -> str:
    """The operator address of account ``who`` (its zenvaloper1… spelling)."""
    return val_string(acc_bytes(who))


def _consensus_key(key: bytes = VALIDATOR_KEY) -> AnyProto:
    return AnyProto(
        type_url="/cosmos.crypto.ed25519.PubKey", value=Ed25519PubKey(key=key).SerializeToString()
    )


def create_validator(who: str, value: str = "5", min_self: str = "1", **kw: Any) -> Any:
    msg = vtx.MsgCreateValidator(
        description=vst.Description(moniker="outsider"),
        commission=vst.CommissionRates(
            rate="100000000000000000", max_rate="200000000000000000",
            max_change_rate="10000000000000000",
        ),
        min_self_delegation=min_self,
        validator_address=_val(who),
        pubkey=_consensus_key(),
        value=_coins(value + "urock")[0],
    )  # fmt: skip
    for name, value_ in kw.items():
        field = getattr(msg, name)
        if hasattr(field, "CopyFrom"):
            field.CopyFrom(value_)
        else:
            setattr(msg, name, value_)
    return msg


def mint_params(**changes: Any) -> mint_pb2.Params:
    """Valid mint params (zrChain's defaults) with ``changes``."""
    p = mint_pb2.Params()
    p.CopyFrom(MINT_DEFAULTS)
    for k, v in changes.items():
        setattr(p, k, v)
    return p


def _grant(world: Any, a: dict[str, Any], who: str) -> Any:
    auth = pack(authz_pb2.GenericAuthorization(msg=SEND_URL))
    return authz_tx.MsgGrant(
        granter=who, grantee=a["outsider"].address, grant=authz_pb2.Grant(authorization=auth)
    )


SAMPLES: dict[str, Sample] = {
    # -- bank --------------------------------------------------------------------------
    "/cosmos.bank.v1beta1.MsgSend": lambda w, a, who: bank_tx.MsgSend(
        from_address=who, to_address=a["outsider"].address, amount=_coins()
    ),
    "/cosmos.bank.v1beta1.MsgMultiSend": lambda w, a, who: bank_tx.MsgMultiSend(
        inputs=[bank_pb2.Input(address=who, coins=_coins())],
        outputs=[bank_pb2.Output(address=a["outsider"].address, coins=_coins())],
    ),
    # -- authz -------------------------------------------------------------------------
    "/cosmos.authz.v1beta1.MsgGrant": _grant,
    # -- feegrant ------------------------------------------------------------------------
    "/cosmos.feegrant.v1beta1.MsgGrantAllowance": lambda w, a, who: feegrant_tx.MsgGrantAllowance(
        granter=who,
        grantee=a["outsider"].address,
        allowance=pack(feegrant_pb2.BasicAllowance(spend_limit=_coins("100urock"))),
    ),
    "/cosmos.feegrant.v1beta1.MsgRevokeAllowance": lambda w, a, who: feegrant_tx.MsgRevokeAllowance(
        granter=who, grantee=a["bob"].address
    ),
    "/cosmos.feegrant.v1beta1.MsgPruneAllowances": lambda w, a, who: feegrant_tx.MsgPruneAllowances(
        pruner=who
    ),
    "/cosmos.authz.v1beta1.MsgRevoke": lambda w, a, who: authz_tx.MsgRevoke(
        granter=who, grantee=a["bob"].address, msg_type_url=SEND_URL
    ),
    "/cosmos.authz.v1beta1.MsgExec": lambda w, a, who: authz_tx.MsgExec(
        grantee=who,
        msgs=[
            pack(
                bank_tx.MsgSend(
                    from_address=a["alice"].address,
                    to_address=a["outsider"].address,
                    amount=_coins(),
                )
            )
        ],
    ),
    # -- validation (staking) ----------------------------------------------------------
    "/zrchain.validation.MsgCreateValidator": lambda w, a, who: create_validator(who),
    "/zrchain.validation.MsgEditValidator": lambda w, a, who: vtx.MsgEditValidator(
        validator_address=_val(who), description=vst.Description(moniker="renamed")
    ),
    "/zrchain.attest.MsgUpdateParams": lambda w, a, who: attest_pb.MsgUpdateParams(
        authority=who, params=attest_pb.Params(enabled=True)
    ),
    "/cosmos.consensus.v1.MsgUpdateParams": lambda w, a, who: consensus_tx.MsgUpdateParams(
        authority=who,
        block=consensus_params.BlockParams(max_bytes=22020096, max_gas=-1),
        evidence=consensus_params.EvidenceParams(
            max_age_num_blocks=100000, max_age_duration=Duration(seconds=172800), max_bytes=1048576
        ),
        validator=consensus_params.ValidatorParams(pub_key_types=["ed25519"]),
        abci=consensus_params.ABCIParams(vote_extensions_enable_height=10**9),
    ),
    "/zrchain.validation.MsgDelegate": lambda w, a, who: vtx.MsgDelegate(
        delegator_address=who, validator_address=w.validator, amount=_coins()[0]
    ),
    "/zrchain.validation.MsgBeginRedelegate": lambda w, a, who: vtx.MsgBeginRedelegate(
        delegator_address=who,
        validator_src_address=w.validator,
        validator_dst_address=_val(a["bob"].address),
        amount=_coins()[0],
    ),
    "/zrchain.validation.MsgUndelegate": lambda w, a, who: vtx.MsgUndelegate(
        delegator_address=who, validator_address=w.validator, amount=_coins("1urock")[0]
    ),
    "/zrchain.validation.MsgCancelUnbondingDelegation": lambda w, a, who: (
        vtx.MsgCancelUnbondingDelegation(
            delegator_address=who,
            validator_address=w.validator,
            amount=_coins("1urock")[0],
            creation_height=w.unbonding_height,
        )
    ),
    "/zrchain.validation.MsgUpdateParams": lambda w, a, who: vtx.MsgUpdateParams(
        authority=who,
        Params=vst.Params(
            max_validators=1, max_entries=1, bond_denom="urock", min_commission_rate="0"
        ),
    ),
    # -- gov ---------------------------------------------------------------------------
    "/cosmos.gov.v1.MsgSubmitProposal": lambda w, a, who: gov_tx.MsgSubmitProposal(
        messages=[pack(slashing_tx.MsgUpdateParams(authority=GOV_AUTHORITY))],
        initial_deposit=_coins(),
        proposer=who,
        title="outsider",
        summary="outsider",
    ),
    "/cosmos.gov.v1.MsgDeposit": lambda w, a, who: gov_tx.MsgDeposit(
        proposal_id=1, depositor=who, amount=_coins()
    ),
    "/cosmos.gov.v1.MsgVote": lambda w, a, who: gov_tx.MsgVote(
        proposal_id=1, voter=who, option=gov_pb2.VOTE_OPTION_YES
    ),
    "/cosmos.gov.v1.MsgVoteWeighted": lambda w, a, who: gov_tx.MsgVoteWeighted(
        proposal_id=1,
        voter=who,
        options=[gov_pb2.WeightedVoteOption(option=gov_pb2.VOTE_OPTION_YES, weight="1")],
    ),
    "/cosmos.gov.v1.MsgCancelProposal": lambda w, a, who: gov_tx.MsgCancelProposal(
        proposal_id=1, proposer=who
    ),
    "/cosmos.gov.v1.MsgUpdateParams": lambda w, a, who: gov_tx.MsgUpdateParams(
        authority=who, params=GOV_PARAMS
    ),
    "/cosmos.upgrade.v1beta1.MsgSoftwareUpgrade": lambda w, a, who: upgrade_tx.MsgSoftwareUpgrade(
        authority=who, plan=upgrade_pb2.Plan(name="outsider", height=10**9)
    ),
    "/cosmos.upgrade.v1beta1.MsgCancelUpgrade": lambda w, a, who: upgrade_tx.MsgCancelUpgrade(
        authority=who
    ),
    # -- mint --------------------------------------------------------------------------
    "/zrchain.mint.v1beta1.MsgUpdateParams": lambda w, a, who: mint_tx.MsgUpdateParams(
        authority=who, params=mint_params(protocol_wallet_address=who)
    ),
    # -- slashing and evidence ---------------------------------------------------------
    "/cosmos.slashing.v1beta1.MsgUnjail": lambda w, a, who: slashing_tx.MsgUnjail(
        validator_addr=_val(who)
    ),
    "/cosmos.slashing.v1beta1.MsgUpdateParams": lambda w, a, who: slashing_tx.MsgUpdateParams(
        authority=who, params=slashing_pb2.Params(signed_blocks_window=1)
    ),
    "/cosmos.evidence.v1beta1.MsgSubmitEvidence": lambda w, a, who: evidence_tx.MsgSubmitEvidence(
        submitter=who,
        evidence=pack(
            evidence_pb2.Equivocation(
                height=1,
                power=10,
                consensus_address=cons_string(b"\x01" * 20),
                time={"seconds": 1_700_000_000},
            )
        ),
    ),
    # -- distribution --------------------------------------------------------------------
    "/cosmos.distribution.v1beta1.MsgSetWithdrawAddress": lambda w, a, who: (
        distribution_tx.MsgSetWithdrawAddress(
            delegator_address=who, withdraw_address=a["outsider"].address
        )
    ),
    "/cosmos.distribution.v1beta1.MsgWithdrawDelegatorReward": lambda w, a, who: (
        distribution_tx.MsgWithdrawDelegatorReward(
            delegator_address=who, validator_address=w.validator
        )
    ),
    "/cosmos.distribution.v1beta1.MsgWithdrawValidatorCommission": lambda w, a, who: (
        distribution_tx.MsgWithdrawValidatorCommission(validator_address=_val(who))
    ),
    "/cosmos.distribution.v1beta1.MsgFundCommunityPool": lambda w, a, who: (
        distribution_tx.MsgFundCommunityPool(depositor=who, amount=_coins())
    ),
    "/cosmos.distribution.v1beta1.MsgDepositValidatorRewardsPool": lambda w, a, who: (
        distribution_tx.MsgDepositValidatorRewardsPool(
            depositor=who, validator_address=w.validator, amount=_coins()
        )
    ),
    "/cosmos.distribution.v1beta1.MsgUpdateParams": lambda w, a, who: (
        distribution_tx.MsgUpdateParams(
            authority=who,
            params=distribution_pb2.Params(community_tax="0", withdraw_addr_enabled=False),
        )
    ),
    "/cosmos.distribution.v1beta1.MsgCommunityPoolSpend": lambda w, a, who: (
        distribution_tx.MsgCommunityPoolSpend(
            authority=who, recipient=a["outsider"].address, amount=_coins("1urock")
        )
    ),
    # -- policy ------------------------------------------------------------------------
    "/zrchain.policy.MsgUpdateParams": lambda w, a, who: ptx.MsgUpdateParams(
        authority=who, params=pparams.Params(minimum_btl=1, default_btl=1)
    ),
    "/zrchain.policy.MsgNewPolicy": lambda w, a, who: ptx.MsgNewPolicy(
        creator=who, name="p", policy=pack(bool_policy(f"{who} > 0", [who]))
    ),
    "/zrchain.policy.MsgRevokeAction": lambda w, a, who: ptx.MsgRevokeAction(
        creator=who, action_id=w.pending_action_id
    ),
    "/zrchain.policy.MsgApproveAction": lambda w, a, who: ptx.MsgApproveAction(
        creator=who,
        action_type="/zrchain.identity.MsgAddWorkspaceOwner",
        action_id=w.pending_action_id,
    ),
    "/zrchain.policy.MsgAddSignMethod": lambda w, a, who: ptx.MsgAddSignMethod(
        creator=who, config=pack(pparams.Params())
    ),
    "/zrchain.policy.MsgRemoveSignMethod": lambda w, a, who: ptx.MsgRemoveSignMethod(
        creator=who, id="passkey"
    ),
    "/zrchain.policy.MsgAddMultiGrant": lambda w, a, who: ptx.MsgAddMultiGrant(
        creator=who, grantee=a["outsider"].address, msgs=[SEND_URL]
    ),
    "/zrchain.policy.MsgRemoveMultiGrant": lambda w, a, who: ptx.MsgRemoveMultiGrant(
        creator=who, grantee=a["bob"].address, msgs=[SEND_URL]
    ),
    # -- identity ----------------------------------------------------------------------
    "/zrchain.identity.MsgUpdateParams": lambda w, a, who: itx.MsgUpdateParams(
        authority=who, params=iparams.Params(keyring_creation_fee=0)
    ),
    "/zrchain.identity.MsgNewWorkspace": lambda w, a, who: itx.MsgNewWorkspace(creator=who),
    "/zrchain.identity.MsgAddWorkspaceOwner": lambda w, a, who: itx.MsgAddWorkspaceOwner(
        creator=who, workspace_addr=w.workspace, new_owner=a["outsider"].address
    ),
    "/zrchain.identity.MsgAppendChildWorkspace": lambda w, a, who: itx.MsgAppendChildWorkspace(
        creator=who, parent_workspace_addr=w.workspace, child_workspace_addr=w.guarded_workspace
    ),
    "/zrchain.identity.MsgNewChildWorkspace": lambda w, a, who: itx.MsgNewChildWorkspace(
        creator=who, parent_workspace_addr=w.workspace
    ),
    "/zrchain.identity.MsgRemoveWorkspaceOwner": lambda w, a, who: itx.MsgRemoveWorkspaceOwner(
        creator=who, workspace_addr=w.guarded_workspace, owner=a["bob"].address
    ),
    "/zrchain.identity.MsgUpdateWorkspace": lambda w, a, who: itx.MsgUpdateWorkspace(
        creator=who, workspace_addr=w.workspace, admin_policy_id=w.policy_id
    ),
    "/zrchain.identity.MsgNewKeyring": lambda w, a, who: itx.MsgNewKeyring(
        creator=who, description="k", party_threshold=1
    ),
    "/zrchain.identity.MsgAddKeyringParty": lambda w, a, who: itx.MsgAddKeyringParty(
        creator=who, keyring_addr=w.keyring, party=a["outsider"].address
    ),
    "/zrchain.identity.MsgUpdateKeyring": lambda w, a, who: itx.MsgUpdateKeyring(
        creator=who, keyring_addr=w.keyring, key_req_fee=10**12, is_active=True, description="x"
    ),
    "/zrchain.identity.MsgRemoveKeyringParty": lambda w, a, who: itx.MsgRemoveKeyringParty(
        creator=who, keyring_addr=w.keyring, party=a["bob"].address
    ),
    "/zrchain.identity.MsgAddKeyringAdmin": lambda w, a, who: itx.MsgAddKeyringAdmin(
        creator=who, keyring_addr=w.keyring, admin=a["outsider"].address
    ),
    "/zrchain.identity.MsgRemoveKeyringAdmin": lambda w, a, who: itx.MsgRemoveKeyringAdmin(
        creator=who, keyring_addr=w.keyring, admin=a["alice"].address
    ),
    "/zrchain.identity.MsgDeactivateKeyring": lambda w, a, who: itx.MsgDeactivateKeyring(
        creator=who, keyring_addr=w.keyring
    ),
    # -- treasury ----------------------------------------------------------------------
    "/zrchain.treasury.MsgUpdateParams": lambda w, a, who: ttx.MsgUpdateParams(
        authority=who, params=tparams.Params(zr_sign_address=a["outsider"].address)
    ),
    "/zrchain.treasury.MsgNewKeyRequest": lambda w, a, who: ttx.MsgNewKeyRequest(
        creator=who, workspace_addr=w.workspace, keyring_addr=w.keyring, key_type="ecdsa"
    ),
    "/zrchain.treasury.MsgFulfilKeyRequest": lambda w, a, who: ttx.MsgFulfilKeyRequest(
        creator=who,
        request_id=w.pending_key_request,
        status=key_pb2.KEY_REQUEST_STATUS_REJECTED,
        reject_reason="outsider says no",
    ),
    "/zrchain.treasury.MsgNewSignatureRequest": lambda w, a, who: ttx.MsgNewSignatureRequest(
        creator=who, key_ids=[w.key_id], data_for_signing=HASH
    ),
    "/zrchain.treasury.MsgFulfilSignatureRequest": lambda w, a, who: ttx.MsgFulfilSignatureRequest(
        creator=who,
        request_id=w.pending_signature_request,
        status=mpcsign_pb2.SIGN_REQUEST_STATUS_REJECTED,
        reject_reason="outsider says no",
    ),
    "/zrchain.treasury.MsgNewSignTransactionRequest": lambda w, a, who: (
        ttx.MsgNewSignTransactionRequest(
            creator=who,
            key_ids=[w.key_id],
            wallet_type=wallet_pb2.WALLET_TYPE_EVM,
            unsigned_transaction=bytes.fromhex(
                "ea808504a817c800825208943535353535353535353535353535353535353535880de0b6b3a764000080018080"
            ),
        )
    ),
    "/zrchain.treasury.MsgTransferFromKeyring": lambda w, a, who: ttx.MsgTransferFromKeyring(
        creator=who, keyring=w.keyring, recipient=who, amount=1, denom="urock"
    ),
    "/zrchain.treasury.MsgNewICATransactionRequest": lambda w, a, who: (
        ttx.MsgNewICATransactionRequest(creator=who, key_id=w.key_id, input_payload="{}")
    ),
    "/zrchain.treasury.MsgFulfilICATransactionRequest": lambda w, a, who: (
        ttx.MsgFulfilICATransactionRequest(
            creator=who, request_id=1, status=mpcsign_pb2.SIGN_REQUEST_STATUS_REJECTED
        )
    ),
    "/zrchain.treasury.MsgNewZrSignSignatureRequest": lambda w, a, who: (
        ttx.MsgNewZrSignSignatureRequest(
            creator=who,
            address="0xbe27e519a220d4336a5f9d08c7fa542175e30da0",
            key_type=1,
            data=HASH,
            wallet_type=wallet_pb2.WALLET_TYPE_EVM,
        )
    ),
    "/zrchain.treasury.MsgUpdateKeyPolicy": lambda w, a, who: ttx.MsgUpdateKeyPolicy(
        creator=who, key_id=w.key_id, sign_policy_id=0
    ),
    # -- omni (ours): the submitter only pays; the EVM signature is what authorises -----
    "/zrchain.omni.MsgNewPolicyEvm": lambda w, a, who: otx.MsgNewPolicyEvm(
        submitter=who, auth=_evm_auth(), op=otx.NewPolicyOp(name="p", definition="x > 0")
    ),
    "/zrchain.omni.MsgSetKeyPolicyEvm": lambda w, a, who: otx.MsgSetKeyPolicyEvm(
        submitter=who, auth=_evm_auth(), op=otx.SetKeyPolicyOp(wallet_type=60)
    ),
    "/zrchain.omni.MsgApproveActionEvm": lambda w, a, who: otx.MsgApproveActionEvm(
        submitter=who, auth=_evm_auth(), action_id=1
    ),
    "/zrchain.omni.MsgRejectActionEvm": lambda w, a, who: otx.MsgRejectActionEvm(
        submitter=who, auth=_evm_auth(), action_id=1
    ),
    "/zrchain.omni.MsgForwardOwnerCall": lambda w, a, who: otx.MsgForwardOwnerCall(
        creator=who,
        caip2="eip155:1",
        owner=EVM_OWNER,
        set_key_policy=otx.SetKeyPolicyOp(wallet_type=60),
        cache_id=hashlib.sha256(b"call").digest(),
    ),
    "/zrchain.omni.MsgForwardApproval": lambda w, a, who: otx.MsgForwardApproval(
        creator=who,
        caip2="eip155:1",
        approver=EVM_OWNER,
        action_id=1,
        cache_id=hashlib.sha256(b"approval").digest(),
    ),
}

# Msgs only a configured account may send: (type URL, who that is, what a stranger gets).
AUTHORITY_ONLY = {
    "/cosmos.consensus.v1.MsgUpdateParams": ("gov", "invalid authority"),
    "/zrchain.attest.MsgUpdateParams": ("gov", "invalid authority"),
    "/zrchain.validation.MsgUpdateParams": ("gov", "invalid authority"),
    "/cosmos.slashing.v1beta1.MsgUpdateParams": ("gov", "invalid authority"),
    "/zrchain.mint.v1beta1.MsgUpdateParams": ("gov", "invalid authority"),
    "/cosmos.gov.v1.MsgUpdateParams": ("gov", "invalid authority"),
    "/cosmos.upgrade.v1beta1.MsgSoftwareUpgrade": ("gov", "invalid authority"),
    "/cosmos.upgrade.v1beta1.MsgCancelUpgrade": ("gov", "invalid authority"),
    "/cosmos.distribution.v1beta1.MsgUpdateParams": ("gov", "invalid authority"),
    "/cosmos.distribution.v1beta1.MsgCommunityPoolSpend": ("gov", "invalid authority"),
    "/zrchain.policy.MsgUpdateParams": ("gov", "invalid authority"),
    "/zrchain.identity.MsgUpdateParams": ("gov", "invalid authority"),
    "/zrchain.treasury.MsgUpdateParams": ("gov", "invalid authority"),
    "/zrchain.treasury.MsgNewZrSignSignatureRequest": ("zrsign", "creator is not zrsign"),
    "/zrchain.omni.MsgForwardOwnerCall": ("zrsign", "is not the zrSign account"),
    "/zrchain.omni.MsgForwardApproval": ("zrsign", "is not the zrSign account"),
}
