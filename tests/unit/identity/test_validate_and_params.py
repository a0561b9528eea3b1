"""Bad input changes nothing: ValidateBasic errors (malformed addresses, oversized fields and
lists), wrong signers, unknown objects; params updates (docs/identity-policy.md)."""

from __future__ import annotations

import pytest

from zrchain.codec import bech32
from zrchain.codec.gen.zrchain.identity import params_pb2
from zrchain.codec.gen.zrchain.identity import tx_pb2 as itx
from zrchain.context import Mode
from zrchain.errors import ChainError
from zrchain.store.kv import Branch
from zrchain.testing.identity_policy import fails, module_state, new_keyring, new_workspace
from zrchain.x.identity import msg_server as m
from zrchain.x.identity.types import GOV_AUTHORITY, keyring_address, workspace_address

COSMOS = bech32.encode("cosmos", bytes(20))
BAD_CHECKSUM = "zen1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq"


def test_malformed_addresses_are_rejected_before_execution(chain) -> None:
    a = chain.wallets["alice"]
    ws = new_workspace(chain, a)
    kr = new_keyring(chain, a)
    before = module_state(chain)
    seq = a.sequence
    bad = [
        (
            itx.MsgNewWorkspace(creator=a.address, additional_owners=[COSMOS]),
            f"invalid address for additional owner {COSMOS}",
        ),
        (
            itx.MsgAddWorkspaceOwner(creator=a.address, workspace_addr=ws, new_owner=BAD_CHECKSUM),
            "invalid owner address",
        ),
        (
            itx.MsgAddWorkspaceOwner(creator=a.address, workspace_addr=kr, new_owner=a.address),
            "invalid workspace address (invalid Bech32 prefix; expected workspace, got keyring)",
        ),
        (
            itx.MsgAddWorkspaceOwner(creator=a.address, workspace_addr=ws, new_owner=ws),
            "got 10: unknown address",
        ),
        (
            itx.MsgAppendChildWorkspace(
                creator=a.address, parent_workspace_addr=ws, child_workspace_addr="x"
            ),
            "invalid child workspace address",
        ),
        (
            itx.MsgNewChildWorkspace(creator=a.address, parent_workspace_addr=""),
            "must provide a non empty address",
        ),
        (
            itx.MsgRemoveWorkspaceOwner(creator=a.address, workspace_addr=ws, owner="zen1"),
            "invalid creator address",
        ),
        (
            itx.MsgUpdateWorkspace(
                creator=a.address, workspace_addr=bech32.encode("workspace", bytes(20))
            ),
            "%!s(<nil>)",
        ),
        (
            itx.MsgAddKeyringParty(creator=a.address, keyring_addr=kr, party="party"),
            "invalid party address",
        ),
        (
            itx.MsgAddKeyringParty(creator=a.address, keyring_addr=ws, party=a.address),
            "invalid keyring address",
        ),
        (
            itx.MsgRemoveKeyringParty(creator=a.address, keyring_addr=kr, party=COSMOS),
            "invalid party address",
        ),
        (
            itx.MsgAddKeyringAdmin(creator=a.address, keyring_addr=kr, admin=""),
            "invalid admin address (empty address string is not allowed)",
        ),
        (
            itx.MsgRemoveKeyringAdmin(creator=a.address, keyring_addr=kr, admin="admin"),
            "invalid admin address",
        ),
        (
            itx.MsgDeactivateKeyring(creator=a.address, keyring_addr="keyring1"),
            "invalid keyring address",
        ),
        (itx.MsgUpdateKeyring(creator=a.address, keyring_addr=COSMOS), "invalid keyring address"),
    ]
    for msg, text in bad:
        fails(chain.run(a, [msg]), 7, "sdk", text)
    assert a.sequence == seq  # rejected before the ante handler: no fee, no sequence
    assert module_state(chain) == before


def test_keyring_addresses_count_as_accounts(chain) -> None:
    """zrChain's patched account codec accepts keyring1… addresses as owners/parties."""
    a = chain.wallets["alice"]
    ws = new_workspace(chain, a, keyring_address(7))
    assert ws


def test_oversized_fields_and_lists(chain) -> None:
    a = chain.wallets["alice"]
    before = module_state(chain)
    owners = [bech32.encode("zen", bytes([i]) * 20) for i in range(1, 102)]
    fails(
        chain.run(
            a, [itx.MsgNewWorkspace(creator=a.address, additional_owners=owners)], gas=3_000_000
        ),
        18,
        "sdk",
        "too many additional owners: 101 > 100",
    )
    fails(
        chain.run(a, [itx.MsgNewKeyring(creator=a.address, description="d" * 256)]),
        18,
        "sdk",
        "invalid description, max len is 255",
    )
    assert module_state(chain) == before
    assert new_keyring(chain, a, description="é" * 127)  # 254 bytes is fine


def test_wrong_signer_is_refused(chain) -> None:
    a, b = chain.wallets["alice"], chain.wallets["bob"]
    ws = new_workspace(chain, a)
    before = module_state(chain)
    # bob signs a message whose creator is alice
    msg = itx.MsgAddWorkspaceOwner(creator=a.address, workspace_addr=ws, new_owner=b.address)
    res = chain.run(b, [msg])
    assert res.code != 0
    assert module_state(chain) == before


def test_unknown_objects_change_nothing(chain) -> None:
    a, b = chain.wallets["alice"], chain.wallets["bob"]
    before = module_state(chain)
    fails(
        chain.run(
            a,
            [
                itx.MsgAddWorkspaceOwner(
                    creator=a.address, workspace_addr=workspace_address(3), new_owner=b.address
                )
            ],
        ),
        1503,
        "identity",
        "not found",
    )
    fails(
        chain.run(
            a,
            [
                itx.MsgAddKeyringAdmin(
                    creator=a.address, keyring_addr=keyring_address(3), admin=b.address
                )
            ],
        ),
        1503,
        "identity",
        "not found",
    )
    assert module_state(chain) == before


def test_update_params(chain) -> None:
    mod = chain.app.registry.module("identity")
    root = Branch(chain.app.store.pending)
    ctx = chain.app.context(root, Mode.FINALIZE, height=chain.height + 1)
    with pytest.raises(ChainError) as e:
        mod.msgs.update_params(ctx, itx.MsgUpdateParams(authority=chain.wallets["alice"].address))
    assert e.value.code == 1100 and e.value.codespace == "identity"
    assert f"invalid authority; expected {GOV_AUTHORITY}" in e.value.log
    mod.msgs.update_params(
        ctx, itx.MsgUpdateParams(authority=GOV_AUTHORITY, params=params_pb2.Params())
    )
    assert mod.keeper.params(ctx).keyring_creation_fee == 0
    with pytest.raises(ChainError) as e:
        m.validate_update_params(itx.MsgUpdateParams(authority="invalid"))
    assert "invalid authority address" in e.value.log
    # a non-gov signer through a real tx
    a = chain.wallets["alice"]
    fails(
        chain.run(a, [itx.MsgUpdateParams(authority=a.address, params=params_pb2.Params())]),
        1100,
        "identity",
        "invalid authority",
    )
