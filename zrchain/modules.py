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
from zrchain.x.identity.module import IdentityModule
from zrchain.x.omni.module import OmniModule
from zrchain.x.policy.module import PolicyModule
from zrchain.x.treasury.module import TreasuryModule
from zrchain.x.validators.module import ValidatorsModule

# Module accounts and their permissions (zrChain's app.go maccPerms, for what we run).
MODULE_PERMISSIONS: dict[str, list[str]] = {
    "fee_collector": [],
    "keyring_collector": [],
    "keyring_escrow": [],
}


def default_modules() -> list[Module]:
    accounts = AccountKeeper(MODULE_PERMISSIONS)
    bank = BankModule(accounts=accounts)
    authz = AuthzModule(accounts=accounts)  # MsgExec routes through the app's registry
    policy = PolicyModule(authz=authz.policy_api)
    identity = IdentityModule(policy=policy.engine, bank=bank.keeper)
    valset = ValsetModule()  # the set CometBFT has; modules propose changes to it
    attest = AttestModule(valset=valset.keeper)  # zrSign requests from vote extensions
    treasury = TreasuryModule(
        identity=identity.api,
        policy=policy.engine,
        bank=bank.keeper,
        accounts=accounts,
        ingestion=attest.keeper,
    )
    attest.treasury = treasury.keeper
    modules: list[Module] = [
        AuthModule(keeper=accounts),
        bank,
        authz,
        valset,
        ValidatorsModule(valset=valset.keeper),
        policy,
        identity,
        treasury,
        OmniModule(policy=policy.engine, zrsign=treasury.zrsign_owners),
        attest,
        ConsensusModule(),
    ]
    return modules
