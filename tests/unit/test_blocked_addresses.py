"""Which module accounts users may pay, as zrChain's ``BlockedAddresses`` (app/app.go):
every module account is blocked except ``gov`` and ``mint``. The one list
(``zrchain/modules.py: OPEN_MODULE_ACCOUNTS``) governs MsgSend, withdraw addresses and the
grantee accounts that authz and feegrant would create."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from cosmpy.protos.cosmos.authz.v1beta1 import authz_pb2
from cosmpy.protos.cosmos.authz.v1beta1 import tx_pb2 as authz_tx
from cosmpy.protos.cosmos.bank.v1beta1 import tx_pb2 as btx
from cosmpy.protos.cosmos.distribution.v1beta1 import tx_pb2 as dtx

from tests.unit.validation.staking_helpers import check_invariants, coin, ok, staking_chain
from zrchain.codec.address import acc_string, module_address
from zrchain.codec.any import pack
from zrchain.modules import BLOCKED_MODULE_ACCOUNTS, MODULE_PERMISSIONS, OPEN_MODULE_ACCOUNTS
from zrchain.testing.inproc import Chain
from zrchain.testing.state import assert_unchanged, snapshot_app

FEE = "40000urock"


@pytest.fixture(scope="module")
def chain(tmp_path_factory: Any) -> Iterator[Chain]:
    c = staking_chain(tmp_path_factory.mktemp("blocked"))
    yield c
    c.app.close()


def test_gov_and_mint_are_the_open_module_accounts() -> None:
    assert sorted(OPEN_MODULE_ACCOUNTS) == ["gov", "mint"]
    assert sorted(BLOCKED_MODULE_ACCOUNTS) == sorted(set(MODULE_PERMISSIONS) - {"gov", "mint"})


@pytest.mark.parametrize("name", OPEN_MODULE_ACCOUNTS)
def test_a_send_to_an_open_module_account_arrives(chain: Chain, name: str) -> None:
    alice = chain.wallets["alice"]
    to = acc_string(module_address(name))
    before = chain.balance(to)
    send = btx.MsgSend(from_address=alice.address, to_address=to, amount=[coin(5)])
    ok(chain.run(alice, [send], fee=FEE))
    assert chain.balance(to) == before + 5
    check_invariants(chain)


@pytest.mark.parametrize("name", BLOCKED_MODULE_ACCOUNTS)
def test_a_send_to_a_blocked_module_account_changes_nothing(chain: Chain, name: str) -> None:
    alice = chain.wallets["alice"]
    to = acc_string(module_address(name))
    before = snapshot_app(chain.app)
    send = btx.MsgSend(from_address=alice.address, to_address=to, amount=[coin(5)])
    res = chain.run(alice, [send], fee=FEE)
    assert (res.codespace, res.code) == ("sdk", 4), res.log
    assert f"{to} is not allowed to receive funds" in res.log
    assert_unchanged(before, snapshot_app(chain.app), alice.address, FEE, [alice.address])


def test_gov_may_be_a_withdraw_address_but_distribution_may_not(chain: Chain) -> None:
    bob = chain.wallets["bob"]
    gov, distribution = (acc_string(module_address(n)) for n in ("gov", "distribution"))
    ok(chain.run(bob, [dtx.MsgSetWithdrawAddress(
        delegator_address=bob.address, withdraw_address=gov)], fee=FEE))  # fmt: skip
    res = chain.run(bob, [dtx.MsgSetWithdrawAddress(
        delegator_address=bob.address, withdraw_address=distribution)], fee=FEE)  # fmt: skip
    assert res.code == 4 and "is not allowed to receive external funds" in res.log, res.log


def test_an_authz_grant_may_not_create_a_blocked_module_accounts_address(tmp_path: Any) -> None:
    """A grant to an address without an account creates it unless the address is blocked
    (the SDK asks the bank's BlockedAddr); a grant to gov (open, its module account made
    at genesis) is accepted and leaves it a module account."""
    chain = staking_chain(tmp_path)
    carol = chain.wallets["carol"]
    generic = pack(authz_pb2.GenericAuthorization(msg="/cosmos.bank.v1beta1.MsgSend"))

    def grant(grantee: str) -> Any:
        msg = authz_tx.MsgGrant(granter=carol.address, grantee=grantee,
                                grant=authz_pb2.Grant(authorization=generic))  # fmt: skip
        return chain.run(carol, [msg], fee=FEE)

    absent = [n for n in BLOCKED_MODULE_ACCOUNTS
              if chain.account(acc_string(module_address(n))) is None]  # fmt: skip
    assert absent, "expected a blocked module account without an account yet"
    res = grant(acc_string(module_address(absent[0])))
    assert res.code == 4 and "is not allowed to receive funds" in res.log, res.log
    gov = acc_string(module_address("gov"))
    before = chain.account(gov)  # created at genesis, as the SDK's gov InitGenesis
    ok(grant(gov))
    assert chain.account(gov).module == before.module
    chain.app.close()
