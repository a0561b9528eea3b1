"""x/auth: accounts, account numbers and params; it serves queries only (its Msg service,
UpdateParams, needs x/gov)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import ModuleType

from zrchain.module import Genesis, Module, Service
from zrchain.tx.signing import SIGNER_KEY_URLS
from zrchain.x.auth import genesis
from zrchain.x.auth.keeper import BASE_ACCOUNT_URL, MODULE_ACCOUNT_URL, STORE_KEY, AccountKeeper
from zrchain.x.auth.query_server import AuthQueryServer


@dataclass
class AuthModule(Module):
    name: str = "auth"
    consensus_version = 5  # zrChain's
    store_key: str = STORE_KEY
    keeper: AccountKeeper = field(default_factory=AccountKeeper)

    def services(self) -> Sequence[Service]:
        return [AuthQueryServer(self.keeper)]

    def genesis(self) -> Genesis:
        return Genesis.of(genesis, self.keeper)

    def interfaces(self) -> Mapping[str, Sequence[str]]:
        accounts = [BASE_ACCOUNT_URL, MODULE_ACCOUNT_URL]
        return {
            "cosmos.auth.v1beta1.AccountI": accounts,
            "cosmos.auth.v1beta1.GenesisAccount": accounts,
            "cosmos.crypto.PubKey": sorted(SIGNER_KEY_URLS),  # what the ante handler verifies
        }

    def cli(self) -> ModuleType:
        from zrchain.x.auth import cli

        return cli
