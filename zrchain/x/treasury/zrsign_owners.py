"""zrSign owners (EVM accounts) manage their keys' sign policies (docs/zrsign-policies.md):
the API x/omni calls once it has authenticated the owner (an EIP-712 signature, or a call
to our contract forwarded by the bridge). Not a Msg server: its callers are.
"""

from __future__ import annotations

from collections.abc import Iterator

from cosmpy.protos.cosmos.base.query.v1beta1.pagination_pb2 import PageRequest, PageResponse

from zrchain.codec.gen.zrchain.treasury import key_pb2, tx_pb2
from zrchain.context import Context
from zrchain.errors import ChainError, PlainError
from zrchain.x.policy.types import COMPLETED, status_name
from zrchain.x.treasury.keeper import TreasuryKeeper
from zrchain.x.treasury.msg_server import TreasuryMsgServer
from zrchain.x.treasury.validation import normalize_owner


class ZrSignOwners:
    def __init__(self, keeper: TreasuryKeeper, msgs: TreasuryMsgServer) -> None:
        self.k = keeper
        self.msgs = msgs

    def zr_sign_account(self, ctx: Context) -> str:
        return str(self.msgs._params(ctx).zr_sign_address)

    def owner_key(self, ctx: Context, owner: str, wallet_type: int, index: int) -> key_pb2.Key:
        """The zrSign key of ``owner`` at (wallet type code, walletIndex)."""
        alias = str(wallet_type)
        try:
            found = self.msgs.identity.get_zr_sign_workspaces(ctx, owner, alias)
        except ChainError as exc:
            raise PlainError(f"{owner} has no zrSign workspace: {exc.log}") from None
        if alias not in found:
            raise PlainError(f"{owner} has no zrSign workspace for wallet type {alias}")
        slot = self.k.zrsign_slot(ctx, found[alias], index)
        key = None if slot is None else self.k.get_key(ctx, slot)
        if key is None:
            raise PlainError(f"{owner} has no zrSign key {alias}/{index}")
        return key

    def set_zr_sign_key_policy(
        self, ctx: Context, owner: str, wallet_type: int, wallet_index: int, policy_id: int
    ) -> tuple[int, int, str]:
        """MsgUpdateKeyPolicy for ``owner`` (0 removes the policy). A key without a policy
        changes at once (its owner is the generated policy); a key with one changes only
        once its current policy approves: the approvers the owner chose cannot be dropped
        by the owner alone. Unlike zrChain's Msg, the new policy's participants need not be
        owners: zrSign policies name approvers on other networks."""
        owner = normalize_owner(owner, "owner")
        key = self.owner_key(ctx, owner, wallet_type, wallet_index)
        if policy_id and self.msgs.engine.get_policy(ctx, policy_id) is None:
            raise PlainError(f"policy {policy_id} not found")
        ws = self.msgs._workspace(ctx, key.workspace_addr)
        msg = tx_pb2.MsgUpdateKeyPolicy(creator=owner, key_id=key.id, sign_policy_id=policy_id)
        created: list[int] = []
        self.msgs.engine.submit(
            ctx,
            msg,
            policy_id=int(key.sign_policy_id),
            btl=0,
            owners=list(ws.owners),
            on_action=created.append,
        )
        aid = created[0]
        act = self.msgs.engine.get_action(ctx, aid)
        status = status_name(act.status) if act is not None else status_name(COMPLETED)
        return int(key.id), aid, status

    def zr_sign_action(self, ctx: Context, cache_id: bytes) -> int | None:
        return self.k.zrsign_action(ctx, cache_id)

    def set_zr_sign_action(self, ctx: Context, owner: str, cache_id: bytes, action_id: int) -> None:
        self.k.set_zrsign_action(ctx, normalize_owner(owner, "owner"), cache_id, action_id)

    def iterate_zr_sign_actions(self, ctx: Context) -> Iterator[tuple[str, bytes, int]]:
        return self.k.iterate_zrsign_actions(ctx)

    def zr_sign_actions_page(
        self, ctx: Context, owner: str, page: PageRequest | None
    ) -> tuple[list[tuple[int, bytes]], PageResponse]:
        return self.k.zrsign_actions_page(ctx, normalize_owner(owner, "owner"), page)
