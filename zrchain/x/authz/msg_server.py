"""cosmos.authz.v1beta1.Msg (the SDK v0.50 msg server): Grant, Revoke, Exec.

MsgExec runs each inner Msg through the app's Msg routes *as its signer* (the granter):
``router`` is the app registry's type URL -> route look-up (``AuthzModule.bind_registry``),
so authz needs neither the tx pipeline nor any other module's code.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from cosmpy.protos.cosmos.authz.v1beta1 import authz_pb2, tx_pb2

from zrchain import module
from zrchain.codec import address
from zrchain.codec.address import msg_address
from zrchain.codec.any import MAX_ANY_CALLS, MAX_ANY_DEPTH, pack
from zrchain.context import Context
from zrchain.errors import (
    ChainError,
    ErrInvalidRequest,
    ErrInvalidType,
    ErrTxDecode,
    ErrUnauthorized,
    PlainError,
)
from zrchain.module import MsgRoute, validate_basic
from zrchain.x.auth.keeper import AccountKeeper
from zrchain.x.authz.keeper import AuthzKeeper, expiration_ns
from zrchain.x.authz.types import (
    ErrAuthorizationExpired,
    ErrAuthorizationNumOfSigners,
    ErrGranteeIsGranter,
    ErrNoAuthorizationFound,
    compact_text,
    resolve_authorization,
)
from zrchain.x.storekeys import (
    check_timestamp,
)


def _pair(granter: str, grantee: str) -> tuple[bytes, bytes]:
    """The msg server's first checks, in the SDK's order."""
    if granter.casefold() == grantee.casefold():
        raise ErrGranteeIsGranter.wrap("")
    grantee_b = msg_address(grantee, "grantee")
    return msg_address(granter, "granter"), grantee_b



class _Budget:
    """Any unpacks left for one top-level Msg (which itself was one, at depth 1)."""

    def __init__(self) -> None:
        self.calls = MAX_ANY_CALLS - 1

    def unpack(self, depth: int) -> None:
        if depth > MAX_ANY_DEPTH:
            raise ErrTxDecode.wrap("max depth exceeded")
        if self.calls == 0:
            raise ErrTxDecode.wrap("call limit exceeded")
        self.calls -= 1


def _unbound(type_url: str) -> MsgRoute | None:
    raise RuntimeError("the authz Msg server is used before the app registry bound it")


def validate_grant(msg: tx_pb2.MsgGrant) -> None:
    """Decoding unpacks the authorization Any against the Authorization interface."""
    _check_grant(msg, 1, _Budget())


def _check_grant(msg: tx_pb2.MsgGrant, depth: int, budget: _Budget) -> None:
    if msg.grant.HasField("authorization"):
        budget.unpack(depth + 1)
        resolve_authorization(msg.grant.authorization)
    if msg.grant.HasField("expiration"):
        check_timestamp(msg.grant.expiration)


class AuthzMsgServer(module.MsgServer):
    descriptor = tx_pb2.DESCRIPTOR.services_by_name["Msg"]

    def __init__(self, keeper: AuthzKeeper, accounts: AccountKeeper, blocked: set[bytes]) -> None:
        self.k = keeper
        self.accounts = accounts
        self.blocked = blocked
        self.router: module.RouteLookup = _unbound

    # -- stateless checks (what the SDK's tx decoder refuses) ----------------------------
    def _validate_exec(self, msg: tx_pb2.MsgExec) -> None:
        """Decoding resolves every inner Msg Any (recursively) through the Msg registry."""
        self._check_exec(msg, 1, _Budget())

    def _check_exec(self, msg: Any, depth: int, budget: _Budget) -> None:
        for any_msg in msg.msgs:
            budget.unpack(depth + 1)
            _, m = self._inner(any_msg)
            if isinstance(m, tx_pb2.MsgExec):
                self._check_exec(m, depth + 1, budget)
            elif isinstance(m, tx_pb2.MsgGrant):
                _check_grant(m, depth + 1, budget)

    def _inner(self, any_msg: Any) -> tuple[MsgRoute, Any]:
        return module.resolve_inner(self.router, any_msg)

    # -- handlers ------------------------------------------------------------------------
    @validate_basic(validate_grant)
    def grant(self, ctx: Context, msg: tx_pb2.MsgGrant) -> tx_pb2.MsgGrantResponse:
        granter, grantee = _pair(msg.granter, msg.grantee)
        if not msg.grant.HasField("authorization"):
            raise ErrInvalidType.wrap("expected <nil>, got <nil>")
        kind, auth = resolve_authorization(msg.grant.authorization)
        kind.validate_basic(auth)
        if not self.accounts.has_account(ctx, grantee):
            if grantee in self.blocked:
                raise ErrUnauthorized.wrap(
                    f"{address.acc_string(grantee)} is not allowed to receive funds"
                )
            self.accounts.new_account(ctx, grantee)
        url = kind.msg_type_url(auth)
        if self.router(url) is None:
            raise ErrInvalidType.wrap(f"{url} doesn't exist.")
        expiration = msg.grant.expiration if msg.grant.HasField("expiration") else None
        self.k.save_grant(ctx, granter, grantee, pack(auth), url, expiration)
        return tx_pb2.MsgGrantResponse()

    def revoke(self, ctx: Context, msg: tx_pb2.MsgRevoke) -> tx_pb2.MsgRevokeResponse:
        granter, grantee = _pair(msg.granter, msg.grantee)
        if not msg.msg_type_url:
            raise ErrInvalidRequest.wrap("missing msg method name")
        self.k.delete_grant(ctx, granter, grantee, msg.msg_type_url)
        return tx_pb2.MsgRevokeResponse()

    @validate_basic(_validate_exec)
    def exec(self, ctx: Context, msg: tx_pb2.MsgExec) -> tx_pb2.MsgExecResponse:
        if not msg.grantee:
            raise PlainError("empty address string is not allowed")
        grantee = msg_address(msg.grantee, "grantee")
        if not msg.msgs:
            raise ErrInvalidRequest.wrap("messages cannot be empty")
        inner = [self._inner(a) for a in msg.msgs]
        for i, (route, m) in enumerate(inner):
            if route.validate is not None:
                try:
                    route.validate(m)
                except ChainError as exc:
                    raise exc.wrap(f"msg {i}") from exc
        results = [self._dispatch(ctx, grantee, i, route, m) for i, (route, m) in enumerate(inner)]
        return tx_pb2.MsgExecResponse(results=results)

    def _dispatch(self, ctx: Context, grantee: bytes, i: int, route: MsgRoute, msg: Any) -> bytes:
        """The SDK's ``DispatchActions`` for one Msg: authorise, run, re-emit its events."""
        signers = route.signers(msg)
        if len(signers) != 1:
            raise ErrAuthorizationNumOfSigners.wrap("")
        granter = address.acc_bytes(signers[0])
        url = route.type_url
        if granter != grantee:
            grant = self.k.get_grant(ctx, granter, grantee, url)
            if grant is None:  # the SDK v0.50 text: addresses, not the raw store key
                raise ErrNoAuthorizationFound.wrap(
                    f"failed to get grant with given granter: {address.acc_string(granter)}, "
                    f"grantee: {address.acc_string(grantee)} & msgType: {url} "
                )
            exp = expiration_ns(grant)
            if exp is not None and exp < ctx.time_ns:
                raise ErrAuthorizationExpired.wrap("")
            kind, auth = resolve_authorization(grant.authorization)
            resp = kind.accept(ctx, auth, msg)
            if resp.delete:
                self.k.delete_grant(ctx, granter, grantee, url)
            elif resp.updated is not None:
                self.k.update_authorization(ctx, granter, grantee, url, pack(resp.updated))
            if not resp.accept:
                raise ErrUnauthorized.wrap("")
        # The inner handler runs on the same state (the tx's message branch) with its own
        # event list, like the SDK's per-handler event manager.
        inner = dataclasses.replace(ctx, events=[])
        try:
            out = route.handler(inner, msg)
        except ChainError as exc:
            raise exc.wrap(f"failed to execute message; message {compact_text(msg)}") from exc
        idx = str(i)
        for ev in inner.events:
            ev.attributes.append(("authz_msg_index", idx))
        ctx.events.extend(inner.events)
        return bytes(out.SerializeToString())


class PolicyAuthz:
    """What zrChain's policy module calls (MsgAddMultiGrant / MsgRemoveMultiGrant): the msg
    server's Grant and Revoke, run as those Msgs would be."""

    def __init__(self, server: AuthzMsgServer) -> None:
        self._server = server

    def grant_generic(self, ctx: Context, granter: str, grantee: str, msg_type_url: str) -> None:
        """``MsgGrant`` of a ``GenericAuthorization`` without expiration (for ``MsgAddMultiGrant``,
        docs/identity-policy.md)."""
        auth = pack(authz_pb2.GenericAuthorization(msg=msg_type_url))
        grant = authz_pb2.Grant(authorization=auth)
        self._server.grant(ctx, tx_pb2.MsgGrant(granter=granter, grantee=grantee, grant=grant))

    def revoke(self, ctx: Context, granter: str, grantee: str, msg_type_url: str) -> None:
        """``MsgRevoke`` (for ``MsgRemoveMultiGrant``)."""
        self._server.revoke(
            ctx, tx_pb2.MsgRevoke(granter=granter, grantee=grantee, msg_type_url=msg_type_url)
        )
