"""The module contract: proto services served by classes, and the registry built from them.

A module serves proto services. Each is a class naming its descriptor, with one method
per RPC named as the RPC in snake_case (``rpc NewWorkspace`` -> ``new_workspace``)::

    class MsgServer(module.MsgServer):
        descriptor = tx_pb2.DESCRIPTOR.services_by_name["Msg"]

        @validate_basic(validation.new_workspace)
        def new_workspace(
            self, ctx: Context, msg: tx_pb2.MsgNewWorkspace
        ) -> tx_pb2.MsgNewWorkspaceResponse: ...

Everything else about an RPC comes from the descriptor (``zrchain/codec/services.py``):
the type URL and classes, the signers of a Msg (``cosmos.msg.v1.signer``) and the REST
routes of a query (``google.api.http``). The registry refuses to start a node whose
service has an RPC without a handler or a public method that is no RPC (helpers are
private); an RPC this node deliberately does not serve is listed in ``absent`` with the
reason. The app builds one registry (type URL -> ``MsgRoute``, gRPC method ->
``QueryRoute``) from the module list in ``zrchain/modules.py``.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, TypeVar

from google.protobuf.any_pb2 import Any as AnyProto
from google.protobuf.descriptor import MethodDescriptor, ServiceDescriptor
from google.protobuf.message import DecodeError, Message

from zrchain.codec.any import type_url
from zrchain.codec.services import (
    RestRoute,
    Signers,
    full_method,
    handler_name,
    is_msg_service,
    message_class,
    rest_routes,
    signers_of,
)
from zrchain.context import Context
from zrchain.errors import ErrTxDecode

if TYPE_CHECKING:
    import click

MsgHandler = Callable[[Context, Any], Message]
QueryHandler = Callable[[Context, Any], Message]
Validate = Callable[[Any], None]
H = TypeVar("H", bound=Callable[..., Any])

_VALIDATE_ATTR = "__validate_basic__"


MSG_INTERFACE = "cosmos.base.v1beta1.Msg"  # the SDK's interface names
MSG_RESPONSE_INTERFACE = "cosmos.tx.v1beta1.MsgResponse"


class BindError(ValueError):
    """A service class does not match its proto service (the node refuses to start)."""


def validate_basic(check: Callable[..., None]) -> Callable[[H], H]:
    """Attach a Msg's stateless check (the SDK's ``ValidateBasic``) to its handler.

    The check runs when a tx is decoded (and for each inner Msg of an authz MsgExec), before
    any state is read; it raises a ChainError. It is a function of the Msg, or a private
    method of the server defined above the handler (it is then called on the server)."""

    def mark(handler: H) -> H:
        setattr(handler, _VALIDATE_ATTR, check)
        return handler

    return mark


@dataclass(frozen=True, slots=True)
class MsgRoute:
    """One Msg type URL, bound to its handler."""

    type_url: str
    msg_class: type[Message]
    response_class: type[Message]
    handler: MsgHandler
    signers: Signers  # the cosmos.msg.v1.signer addresses of a Msg
    validate: Validate | None  # stateless checks (ValidateBasic)
    module: str  # the "module" attribute of the Msg's "message" event
    rpc: str  # /zrchain.identity.Msg/NewWorkspace


RouteLookup = Callable[[str], MsgRoute | None]


def resolve_inner(router: RouteLookup, any_msg: AnyProto) -> tuple[MsgRoute, Message]:
    """An inner Msg's route and decoded value (authz's MsgExec, gov's proposals), refused
    with the tx decoder's error when no handler has its type URL."""
    route = router(any_msg.type_url)
    if route is None:
        raise ErrTxDecode.wrap(
            f"unable to resolve type URL {any_msg.type_url}: no message handler found"
        )
    try:
        return route, route.msg_class.FromString(any_msg.value)
    except DecodeError as exc:
        raise ErrTxDecode.wrap(f"{any_msg.type_url}: {exc}") from exc


@dataclass(frozen=True, slots=True)
class QueryRoute:
    """One query RPC, bound to its handler (ABCI Query, gRPC and REST call the same)."""

    method: str  # full gRPC method name, e.g. /cosmos.bank.v1beta1.Query/Balance
    request_class: type[Message]
    response_class: type[Message]
    handler: QueryHandler
    rest: tuple[RestRoute, ...] = ()
    needs_state: bool = True  # False for services answered from CometBFT (tx, blocks)


class Service:
    """A proto service served by this class (see the module docstring)."""

    descriptor: ClassVar[ServiceDescriptor]
    # RPC name -> why this node does not serve it (it then stays unknown to every door).
    absent: ClassVar[Mapping[str, str]] = {}

    def bound(self) -> list[tuple[MethodDescriptor, Callable[..., Any]]]:
        """(RPC, handler) for every served RPC; raises BindError on any mismatch."""
        cls = type(self)
        svc = cls.descriptor
        rpcs = {m.name: m for m in svc.methods}
        problems: list[str] = []
        unknown_absent = sorted(set(cls.absent) - set(rpcs))
        if unknown_absent:
            problems.append(f"'absent' names no RPC: {', '.join(unknown_absent)}")
        out: list[tuple[MethodDescriptor, Callable[..., Any]]] = []
        expected: set[str] = set()
        for name, rpc in rpcs.items():
            attr = handler_name(name)
            handler = getattr(self, attr, None)
            if name in cls.absent:
                if handler is not None:
                    problems.append(f"RPC {name} is listed as absent but has handler {attr}")
                continue
            expected.add(attr)
            if not callable(handler):
                problems.append(f"no handler for RPC {name} (expected method {attr})")
                continue
            out.append((rpc, handler))
        extra = sorted(_public_methods(cls) - expected)
        if extra:
            problems.append(f"method(s) without an RPC: {', '.join(extra)} (make helpers private)")
        if problems:
            raise BindError(f"{cls.__name__} serving {svc.full_name}: " + "; ".join(problems))
        return out


class MsgServer(Service):
    """A Msg service (``option (cosmos.msg.v1.service) = true``)."""

    def routes(self) -> list[MsgRoute]:
        if not is_msg_service(self.descriptor):
            raise BindError(f"{self.descriptor.full_name} is not a cosmos.msg.v1 Msg service")
        out = []
        for rpc, handler in self.bound():
            msg_class = message_class(rpc.input_type)
            url = type_url(msg_class)
            try:
                signers = signers_of(rpc.input_type)
            except ValueError as exc:
                raise BindError(str(exc)) from None
            out.append(
                MsgRoute(
                    type_url=url,
                    msg_class=msg_class,
                    response_class=message_class(rpc.output_type),
                    handler=handler,
                    signers=signers,
                    validate=self._check_of(handler),
                    module=module_of(url),
                    rpc=full_method(rpc),
                )
            )
        return out


    def _check_of(self, handler: Callable[..., Any]) -> Validate | None:
        check: Validate | None = getattr(handler, _VALIDATE_ATTR, None)
        name = getattr(check, "__name__", "")
        if check is not None and getattr(type(self), name, None) is check:
            bound: Validate = getattr(self, name)  # a method of this server
            return bound
        return check


class QueryServer(Service):
    """A query service (``Query``, or the SDK's ``Service`` of the tx and block queries)."""

    reads_state: ClassVar[bool] = True  # False: answered from CometBFT, not module state

    def routes(self) -> list[QueryRoute]:
        return [
            QueryRoute(
                method=full_method(rpc),
                request_class=message_class(rpc.input_type),
                response_class=message_class(rpc.output_type),
                handler=handler,
                rest=rest_routes(rpc),
                needs_state=self.reads_state,
            )
            for rpc, handler in self.bound()
        ]


def _public_methods(cls: type) -> set[str]:
    """Public functions defined by ``cls`` and its bases below the service base classes."""
    names: set[str] = set()
    for klass in cls.__mro__:
        if klass in (MsgServer, QueryServer, Service, object):
            continue
        for name, value in vars(klass).items():
            if name.startswith("_"):
                continue
            if inspect.isfunction(value) or isinstance(value, staticmethod | classmethod):
                names.add(name)
    return names


def module_of(url: str) -> str:
    """The SDK's module name of a type URL: ``/cosmos.bank.v1beta1.MsgSend`` -> ``bank``."""
    parts = url.split(".")
    return parts[1] if len(parts) > 1 else ""


K_contra = TypeVar("K_contra", contravariant=True)


class GenesisFunctions(Protocol[K_contra]):
    """A module's ``genesis.py`` over its keeper: ``default()``, ``validate(data)``,
    ``init(ctx, keeper, data)`` and ``export(ctx, keeper)``."""

    def default(self) -> dict[str, Any]: ...

    def validate(self, data: dict[str, Any], /) -> None: ...

    def init(self, ctx: Context, keeper: K_contra, data: dict[str, Any], /) -> None: ...

    def export(self, ctx: Context, keeper: K_contra, /) -> dict[str, Any]: ...


@dataclass(frozen=True)
class Genesis:
    """A module's genesis hooks, bound to its keeper (the app calls them in module order)."""

    default: Callable[[], dict[str, Any]]
    validate: Callable[[dict[str, Any]], None]
    init: Callable[[Context, dict[str, Any]], None]
    export: Callable[[Context], dict[str, Any]]

    @classmethod
    def of(cls, functions: GenesisFunctions[K_contra], keeper: K_contra) -> Genesis:
        return cls(
            default=functions.default,
            validate=functions.validate,
            init=lambda ctx, data: functions.init(ctx, keeper, data),
            export=lambda ctx: functions.export(ctx, keeper),
        )


@dataclass
class Module:
    """Base class: override what the module provides; the defaults provide nothing."""

    name: str = ""
    store_key: str = ""
    depends_on: Sequence[str] = field(default_factory=tuple)
    # The module's state version (the SDK's ConsensusVersion, 1 unless a module says
    # otherwise): x/upgrade records every module's at genesis and after an upgrade.
    consensus_version: ClassVar[int] = 1

    def services(self) -> Sequence[Service]:
        """The module's Msg and Query servers."""
        return ()

    def bind_registry(self, registry: Registry) -> None:
        """Called once the app's registry exists (authz's MsgExec routes through it)."""
        return None

    def bind_tx_runner(self, run: Callable[[Context, bytes], None]) -> None:
        """Called once the app's tx pipeline exists: ``run(ctx, tx_bytes)`` executes a tx
        at genesis on ``ctx``'s state, raising ValueError with its log if it fails
        (x/genutil delivers the gentxs with it)."""
        return None

    def genesis(self) -> Genesis | None:
        """The module's genesis hooks (``Genesis.of(genesis, self.keeper)``), or None when it
        keeps no genesis. The four methods below call them; a module may override those
        instead."""
        return None

    def default_genesis(self) -> dict[str, Any] | None:
        """The module's genesis as proto-JSON, or None when it keeps no genesis."""
        g = self.genesis()
        return None if g is None else g.default()

    def validate_genesis(self, data: dict[str, Any]) -> None:
        g = self.genesis()
        if g is not None:
            g.validate(data)

    def init_genesis(self, ctx: Context, data: dict[str, Any]) -> None:
        g = self.genesis()
        if g is not None:
            g.init(ctx, data)

    def export_genesis(self, ctx: Context) -> dict[str, Any] | None:
        g = self.genesis()
        return None if g is None else g.export(ctx)

    def interfaces(self) -> Mapping[str, Sequence[str]]:
        """Interface name -> the type URLs this module accepts in its Anys (the SDK's
        ``RegisterInterface`` / ``RegisterImplementations``; Msgs are the registry's)."""
        return {}

    def begin_block(self, ctx: Context) -> None:
        return None

    def end_block(self, ctx: Context) -> None:
        return None

    def init_chain_validators(self, ctx: Context, validators: list[tuple[bytes, int]]) -> None:
        """The genesis validator set CometBFT sent in InitChain (ed25519 key, power)."""
        return None

    def validator_updates(self, ctx: Context) -> list[tuple[bytes, int]]:
        """Validator changes decided in this block, returned from FinalizeBlock."""
        return []

    def consensus_param_updates(self, ctx: Context) -> Any:
        """Consensus params changed in this block (tendermint.types.ConsensusParams), or None."""
        return None

    def cli(self) -> ModuleType | None:
        """The module's ``cli.py`` (imported when the CLI runs, not by the node), whose
        ``tx_group`` and ``query_group`` are mounted under ``zrchaind tx`` / ``query``."""
        return None

    def cli_tx(self) -> click.Group | None:
        cli = self.cli()
        group: click.Group | None = getattr(cli, "tx_group", None)
        return group

    def cli_query(self) -> click.Group | None:
        cli = self.cli()
        group: click.Group | None = getattr(cli, "query_group", None)
        return group


class Registry:
    """Msg routes by type URL and query routes by gRPC method, built from the module list.

    Construction binds every service (refusing mismatches, see ``Service.bound``) and then
    lets each module keep the registry (``Module.bind_registry``)."""

    def __init__(self, modules: Sequence[Module]) -> None:
        self.modules = list(modules)
        self.by_name = {m.name: m for m in self.modules}
        self.msgs: dict[str, MsgRoute] = {}
        self.queries: dict[str, QueryRoute] = {}
        for m in self.modules:
            self.add_services(m.services())
        for m in self.modules:
            m.bind_registry(self)

    def add_services(self, services: Sequence[Service]) -> None:
        for s in services:
            if isinstance(s, MsgServer):
                self._add_msgs(s.routes())
            elif isinstance(s, QueryServer):
                self.add_queries(s.routes())
            else:
                raise BindError(f"{type(s).__name__} is neither a MsgServer nor a QueryServer")

    def _add_msgs(self, routes: Sequence[MsgRoute]) -> None:
        for r in routes:
            if r.type_url in self.msgs:
                raise BindError(f"Msg {r.type_url} registered twice")
            self.msgs[r.type_url] = r

    def add_queries(self, routes: Sequence[QueryRoute]) -> None:
        for q in routes:
            if q.method in self.queries:
                raise BindError(f"query {q.method} registered twice")
            self.queries[q.method] = q

    def module(self, name: str) -> Any:
        return self.by_name[name]

    def interfaces(self) -> dict[str, list[str]]:
        """Every interface the app resolves Anys of, with its implementations' type URLs
        (what ``cosmos.base.reflection.v1beta1`` lists): the Msgs and Msg responses routed
        here, and what each module declares."""
        out: dict[str, set[str]] = {
            MSG_INTERFACE: set(self.msgs),
            MSG_RESPONSE_INTERFACE: {type_url(r.response_class) for r in self.msgs.values()},
        }
        for m in self.modules:
            for name, urls in m.interfaces().items():
                out.setdefault(name, set()).update(urls)
        return {name: sorted(urls) for name, urls in sorted(out.items())}


__all__ = [
    "BindError",
    "Genesis",
    "GenesisFunctions",
    "Module",
    "MsgRoute",
    "MsgServer",
    "QueryRoute",
    "QueryServer",
    "Registry",
    "RestRoute",
    "Service",
    "module_of",
    "validate_basic",
]
