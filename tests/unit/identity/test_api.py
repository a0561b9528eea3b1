"""The narrow identity interface for treasury: look-ups, the default "any owner" policy and
the zrSign workspace scheme (docs/identity-policy.md), including EVM address normalisation
(fix 11 of docs/COMPATIBILITY.md)."""

from __future__ import annotations

import pytest

from zrchain.context import Mode
from zrchain.errors import ChainError
from zrchain.store.kv import Branch
from zrchain.testing.identity_policy import new_keyring, new_workspace
from zrchain.x.identity.api import IdentityAPI
from zrchain.x.identity.types import workspace_address
from zrchain.x.policy.policies import AnyInGroup
from zrchain.x.treasury.expected import IdentityAccess

EVM = "0x52908400098527886E0F7030069857D2E4169EE7"


def _api_ctx(chain):
    api: IdentityAccess = chain.app.registry.module("identity").api
    assert isinstance(api, IdentityAPI)
    ctx = chain.app.context(Branch(chain.app.store.pending), Mode.FINALIZE, height=chain.height + 1)
    return api, ctx


def test_lookups_and_default_policy(free_chain) -> None:
    c = free_chain
    a, b = c.wallets["alice"], c.wallets["bob"]
    ws = new_workspace(c, a, b.address)
    kr = new_keyring(c, a)
    api, ctx = _api_ctx(c)
    assert api.get_workspace(ctx, ws).owners == [a.address, b.address]
    assert api.get_keyring(ctx, kr).is_active
    assert api.get_workspace(ctx, workspace_address(99)) is None
    assert api.get_keyring(ctx, "keyring1x") is None
    pol = api.any_owner_policy(ctx, ws)
    assert isinstance(pol, AnyInGroup) and pol.group == (a.address, b.address)
    with pytest.raises(ChainError, match="collections: not found"):
        api.any_owner_policy(ctx, workspace_address(99))


def test_zrsign_workspace_scheme(chain) -> None:
    api, ctx = _api_ctx(chain)
    child = api.get_zr_sign_workspace(ctx, EVM, 60)
    ext = EVM.lower()
    assert child.alias == "60" and child.creator == ext and list(child.owners) == [ext]
    parent = api.get_workspace(ctx, workspace_address(1))
    assert list(parent.child_workspaces) == [child.address] and parent.creator == ext
    assert child.address == workspace_address(2)
    # same wallet type (any case of the EVM address): the same child
    assert api.get_zr_sign_workspace(ctx, EVM.lower(), 60).address == child.address
    other = api.get_zr_sign_workspace(ctx, EVM, 0)
    assert other.alias == "0" and other.address == workspace_address(3)
    assert list(api.get_workspace(ctx, workspace_address(1)).child_workspaces) == [
        child.address,
        other.address,
    ]
    assert api.get_zr_sign_workspaces(ctx, EVM, "") == {"60": child.address, "0": other.address}
    assert api.get_zr_sign_workspaces(ctx, EVM, "0") == {"0": other.address}
    with pytest.raises(ChainError, match="no workspaces"):
        api.get_zr_sign_workspaces(ctx, "0x" + "11" * 20, "")
    # non-EVM external ids are used verbatim
    kept = api.get_zr_sign_workspace(ctx, "SomeId", 1)
    assert kept.creator == "SomeId"
