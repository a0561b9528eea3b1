"""The app's module list, in genesis / block-hook order (one line per module)."""

from __future__ import annotations

from zrchain.module import Module
from zrchain.valset import ValsetModule
from zrchain.x.attest.module import AttestModule
from zrchain.x.auth.keeper import AccountKeeper
from zrchain.x.auth.module import AuthModule
from zrchain.x.authz.module import AuthzModule
from zrchain.x.bank.module import BankModule
from zrchain.x.consensus.module import ConsensusModule
from zrchain.x.distribution.module import DistributionModule
from zrchain.x.evidence.module import EvidenceModule
from zrchain.x.feegrant.module import FeegrantModule
from zrchain.x.genutil.module import GenutilModule
from zrchain.x.gov.module import GOV_PERMISSIONS, GovModule
from zrchain.x.identity.module import IdentityModule
from zrchain.x.mint.module import MINT_PERMISSIONS, MintModule
from zrchain.x.omni.module import OmniModule
from zrchain.x.policy.module import PolicyModule
from zrchain.x.slashing.module import SlashingModule
from zrchain.x.treasury.module import TreasuryModule
from zrchain.x.upgrade.module import UpgradeModule
from zrchain.x.validation.module import POOL_PERMISSIONS, ValidationModule

# Module accounts and their permissions (zrChain's app.go maccPerms, for what we run).
MODULE_PERMISSIONS: dict[str, list[str]] = {
    "fee_collector": [],
    "keyring_collector": [],
    "keyring_escrow": [],
    "distribution": [],
    **MINT_PERMISSIONS,
    **POOL_PERMISSIONS,
    **GOV_PERMISSIONS,
}
# Module accounts anyone may send to, as zrChain's BlockedAddresses (app/app.go): gov, and
# mint, whose balance is the staking-reward reserve. Every other module account is blocked
# for MsgSend, withdraw addresses, pool spends and new grantee accounts (authz, feegrant).
OPEN_MODULE_ACCOUNTS = ("gov", "mint")
BLOCKED_MODULE_ACCOUNTS = [n for n in MODULE_PERMISSIONS if n not in OPEN_MODULE_ACCOUNTS]


def default_modules() -> list[Module]:
    accounts = AccountKeeper(MODULE_PERMISSIONS)
    bank = BankModule(accounts=accounts, blocked_accounts=BLOCKED_MODULE_ACCOUNTS)
    # MsgExec routes through the app's registry
    authz = AuthzModule(accounts=accounts, blocked_accounts=BLOCKED_MODULE_ACCOUNTS)
    policy = PolicyModule(authz=authz.policy_api)
    identity = IdentityModule(policy=policy.engine, bank=bank.keeper)
    valset = ValsetModule()  # the set CometBFT has; x/validation proposes changes to it
    validation = ValidationModule(bank=bank.keeper, accounts=accounts, valset=valset.keeper)
    distribution = DistributionModule(
        staking=validation.keeper,
        bank=bank.keeper,
        accounts=accounts,
        module_accounts=BLOCKED_MODULE_ACCOUNTS,
    )
    mint = MintModule(
        staking=validation.keeper,
        bank=bank.keeper,
        accounts=accounts,
        blocked_accounts=BLOCKED_MODULE_ACCOUNTS,
    )
    slashing = SlashingModule(staking=validation.keeper)
    validation.keeper.add_hooks(distribution.hooks())  # before slashing's, as the SDK's
    validation.keeper.add_hooks(slashing.hooks())
    attest = AttestModule(valset=valset.keeper)  # zrSign requests from vote extensions
    treasury = TreasuryModule(
        identity=identity.api,
        policy=policy.engine,
        bank=bank.keeper,
        accounts=accounts,
        ingestion=attest.keeper,
    )
    attest.treasury = treasury.keeper
    # the ante handler lets granters pay fees
    feegrant = FeegrantModule(accounts=accounts, blocked_accounts=BLOCKED_MODULE_ACCOUNTS)
    modules: list[Module] = [
        AuthModule(keeper=accounts),
        UpgradeModule(),  # begin block first: halt or migrate at a plan's height
        bank,
        authz,
        feegrant,
        valset,
        # end block before staking's
        GovModule(bank=bank.keeper, staking=validation.keeper, accounts=accounts),
        validation,
        mint,  # begin block: fees claimed, staking reward and inflation to the fee collector
        distribution,  # begin block: fees to validators, before slashing and evidence
        slashing,
        EvidenceModule(slashing=slashing.keeper, staking=validation.keeper),
        policy,
        identity,
        treasury,
        OmniModule(policy=policy.engine, zrsign=treasury.zrsign_owners),
        attest,
        ConsensusModule(),
        GenutilModule(validation=validation.keeper),  # gentxs, after every other genesis
    ]
    return modules
