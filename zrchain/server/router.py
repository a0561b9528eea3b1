"""One query router: full gRPC method name -> handler, ``bytes -> bytes``.

ABCI Query, the gRPC server and the REST gateway all call ``QueryRouter.call``; each door
only translates its transport's framing and errors.
"""

from __future__ import annotations

from typing import Any

from google.protobuf.message import DecodeError

from zrchain.codec.address import canonicalize_message
from zrchain.context import Mode
from zrchain.errors import ChainError, QueryError, Status, invalid_argument
from zrchain.module import QueryRoute
from zrchain.store.app_store import VersionUnavailable


class NotReady(QueryError):
    pass


class QueryRouter:
    def __init__(self, app: Any) -> None:
        self.app = app

    @property
    def routes(self) -> dict[str, QueryRoute]:
        routes: dict[str, QueryRoute] = self.app.registry.queries
        return routes

    def get(self, method: str) -> QueryRoute | None:
        return self.routes.get(method)

    def context_at(self, height: int = 0) -> Any:
        """A read-only context on the committed state at ``height`` (0: latest)."""
        store = self.app.store
        if height < 0:
            raise invalid_argument("height must be non-negative")
        if store.height == 0:
            raise NotReady(
                Status.FAILED_PRECONDITION,
                f"{self.app.chain_id or 'chain'} is not ready; please wait for first block",
            )
        if height > store.height:
            raise invalid_argument(
                "cannot query with height in the future; please provide a valid height"
            )
        try:
            version = store.version(height)
        except VersionUnavailable as exc:
            raise invalid_argument(str(exc)) from exc
        ctx = self.app.context(version.kv, Mode.QUERY, height=version.height, metered=False)
        return ctx

    def call_message(self, method: str, request: Any, height: int = 0) -> tuple[Any, int]:
        route = self.get(method)
        if route is None:
            raise QueryError(Status.UNIMPLEMENTED, f"unknown method {method}")
        canonicalize_message(request)  # an upper-case address is the lower-case one
        if route.needs_state:
            ctx = self.context_at(height)
        else:
            ctx = self.app.context(None, Mode.QUERY, height=self.app.store.height)
        try:
            response = route.handler(ctx, request)
        except QueryError:
            raise
        except ChainError as exc:
            raise QueryError(_status_for(exc), exc.log) from exc
        return response, ctx.height

    def call(self, method: str, data: bytes, height: int = 0) -> tuple[bytes, int]:
        route = self.get(method)
        if route is None:
            raise QueryError(Status.UNIMPLEMENTED, f"unknown method {method}")
        try:
            request = route.request_class.FromString(data)
        except DecodeError as exc:
            raise invalid_argument(
                f"failed to decode {route.request_class.DESCRIPTOR.full_name}: {exc}"
            ) from exc
        response, used = self.call_message(method, request, height)
        return response.SerializeToString(), used


def _status_for(err: ChainError) -> int:
    if err.codespace == "sdk":
        return {
            22: Status.NOT_FOUND,
            38: Status.NOT_FOUND,
            9: Status.NOT_FOUND,
            4: Status.UNAUTHENTICATED,
        }.get(err.code, Status.INVALID_ARGUMENT)
    return Status.INVALID_ARGUMENT
