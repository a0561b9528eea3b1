"""The gRPC door: every route in the app's query registry, served generically.

No per-service code: each route becomes a raw-bytes unary handler that calls
``QueryRouter.call``, so a module's Query service is on gRPC as soon as it is registered,
and gRPC server reflection lists it (``services/reflection.py``).
Like the SDK, the ``x-cosmos-block-height`` request metadata selects the height and the
height actually used comes back as response header metadata.
"""

from __future__ import annotations

import logging
import os
from collections import defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import grpc

from zrchain.codec.ints import IntSyntaxError, parse_go_int
from zrchain.errors import QueryError, Status
from zrchain.server.router import QueryRouter
from zrchain.server.services import reflection

log = logging.getLogger("zrchain.grpc")

HEIGHT_HEADER = "x-cosmos-block-height"
MAX_RECV_BYTES = 10 * 1024 * 1024  # the SDK's default max receive size
MAX_SEND_BYTES = 2**31 - 1
_CODES = {code.value[0]: code for code in grpc.StatusCode}


def grpc_code(status: int) -> grpc.StatusCode:
    return _CODES.get(status, grpc.StatusCode.UNKNOWN)


def parse_height(value: str | None) -> int:
    """The query height from an ``x-cosmos-block-height`` value (absent: 0, the latest)."""
    if value is None or value.strip() == "":
        return 0
    try:  # ASCII digits within int64, as the SDK's strconv.ParseInt(value, 10, 64)
        height = parse_go_int(value.strip(), 64, signed=True)
    except IntSyntaxError:
        raise QueryError(
            Status.INVALID_ARGUMENT, f"invalid height header {HEIGHT_HEADER!r}: {value!r}"
        ) from None
    if height < 0:
        raise QueryError(
            Status.INVALID_ARGUMENT, f"height must be non-negative, got {HEIGHT_HEADER} {height}"
        )
    return height


def split_method(method: str) -> tuple[str, str]:
    """``/pkg.Service/Method`` -> (``pkg.Service``, ``Method``)."""
    service, _, name = method.lstrip("/").rpartition("/")
    if not service or not name:
        raise ValueError(f"not a full gRPC method name: {method!r}")
    return service, name


def _handler(router: QueryRouter, method: str) -> Callable[[bytes, Any], bytes]:
    def handle(request: bytes, context: grpc.ServicerContext) -> bytes:
        try:
            metadata = dict(context.invocation_metadata() or ())
            height = parse_height(metadata.get(HEIGHT_HEADER))
            response, used = router.call(method, request, height)
        except QueryError as exc:
            context.abort(grpc_code(exc.status), exc.message)
        except Exception as exc:  # a bug, not bad input: log it, answer INTERNAL
            log.exception("gRPC %s failed", method)
            context.abort(grpc.StatusCode.INTERNAL, f"internal error: {exc}")
        context.send_initial_metadata(((HEIGHT_HEADER, str(used)),))
        return response

    return handle


def generic_handlers(router: QueryRouter, methods: Iterable[str]) -> list[grpc.GenericRpcHandler]:
    """One ``method_handlers_generic_handler`` per service; bytes in, bytes out."""
    by_service: dict[str, dict[str, grpc.RpcMethodHandler]] = defaultdict(dict)
    for method in methods:
        service, name = split_method(method)
        by_service[service][name] = grpc.unary_unary_rpc_method_handler(_handler(router, method))
    return [
        grpc.method_handlers_generic_handler(service, handlers)
        for service, handlers in sorted(by_service.items())
    ]


def _bind_address(address: str) -> str:
    return address.split("://", 1)[1] if "://" in address else address


class GrpcServer:
    """grpcio server on a thread pool; the ABCI event loop is never touched from here."""

    def __init__(self, app: Any, address: str = "127.0.0.1:9090", workers: int = 0) -> None:
        self.app = app
        self.address = _bind_address(address)
        self.workers = workers or min(32, (os.cpu_count() or 1) * 4)
        self.port = 0
        self._server: grpc.Server | None = None
        self._pool: ThreadPoolExecutor | None = None

    def start(self) -> None:
        router = QueryRouter(self.app)
        pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="grpc")
        server = grpc.server(
            pool,
            options=[
                ("grpc.max_receive_message_length", MAX_RECV_BYTES),
                ("grpc.max_send_message_length", MAX_SEND_BYTES),
                ("grpc.so_reuseport", 0),  # a busy port is an error, not a silent second bind
            ],
        )
        try:
            server.add_generic_rpc_handlers(generic_handlers(router, list(router.routes)))
            listed = reflection.enable(server, {split_method(m)[0] for m in router.routes})
            self.port = server.add_insecure_port(self.address)  # raises if it cannot bind
            server.start()
        except BaseException:
            server.stop(None)
            pool.shutdown(wait=False)
            raise
        self._server, self._pool = server, pool
        log.info(
            "gRPC server listening on %s (%d methods, %d services listed by reflection)",
            self.address,
            len(router.routes),
            len(listed),
        )

    def stop(self, grace: float = 5.0) -> None:
        """Refuse new RPCs, let running ones finish for ``grace`` seconds, then cancel."""
        if self._server is not None:
            self._server.stop(grace).wait()
            self._server = None
        if self._pool is not None:
            self._pool.shutdown(wait=False)
            self._pool = None


def grpc_factory(app: Any, cfg: Any) -> GrpcServer | None:
    if not getattr(cfg, "grpc_enable", True):
        return None
    return GrpcServer(app, cfg.grpc_address)
