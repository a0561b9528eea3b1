"""The module contract and the registries built from it.

A module declares, as data, the Msgs it handles (type URL -> handler and signer fields),
the Query RPCs it serves (full gRPC method name -> handler, plus REST routes), its genesis
and its block hooks. The app builds one Msg registry and one query router from the list of
modules; nothing else needs editing when a module is added.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from google.protobuf.message import Message

from zrchain.context import Context

MsgHandler = Callable[[Context, Any], Message]
QueryHandler = Callable[[Context, Any], Message]


def type_url(cls: type[Message] | Message) -> str:
    return "/" + cls.DESCRIPTOR.full_name


@dataclass(frozen=True)
class MsgRoute:
    """One Msg: its class, handler and the field(s) naming its signer(s)."""

    msg_class: type[Message]
    handler: MsgHandler
    signer_fields: tuple[str, ...] = ("creator",)
    validate: Callable[[Any], None] | None = None  # stateless checks (ValidateBasic)
    module: str = ""
    get_signers: Callable[[Any], list[str]] | None = None  # when fields are not enough

    @property
    def type_url(self) -> str:
        return type_url(self.msg_class)

    def signers(self, msg: Any) -> list[str]:
        if self.get_signers is not None:
            return self.get_signers(msg)
        out: list[str] = []
        for f in self.signer_fields:
            v = getattr(msg, f)
            if isinstance(v, str):
                out.append(v)
            else:
                out.extend(v)
        return out


@dataclass(frozen=True)
class RestRoute:
    """A grpc-gateway route: ``GET /cosmos/bank/v1beta1/balances/{address}``."""

    method: str
    path: str
    body: str = ""  # "*" when the request message comes from the JSON body


@dataclass(frozen=True)
class QueryRoute:
    method: str  # full gRPC method name, e.g. /cosmos.bank.v1beta1.Query/Balance
    request_class: type[Message]
    response_class: type[Message]
    handler: QueryHandler
    rest: tuple[RestRoute, ...] = ()
    needs_state: bool = True  # False for services answered from CometBFT (tx, blocks)


@dataclass
class Module:
    """Base class: override what the module provides; the defaults provide nothing."""

    name: str = ""
    store_key: str = ""
    depends_on: Sequence[str] = field(default_factory=tuple)

    def msg_routes(self) -> list[MsgRoute]:
        return []

    def query_routes(self) -> list[QueryRoute]:
        return []

    def default_genesis(self) -> dict[str, Any] | None:
        """The module's genesis as proto-JSON, or None when it keeps no genesis."""
        return None

    def validate_genesis(self, data: dict[str, Any]) -> None:
        return None

    def init_genesis(self, ctx: Context, data: dict[str, Any]) -> None:
        return None

    def export_genesis(self, ctx: Context) -> dict[str, Any] | None:
        return None

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

    def cli_tx(self) -> Any:
        """A click group for ``zrchaind tx <module>`` or None."""
        return None

    def cli_query(self) -> Any:
        return None


class Registry:
    """Msg routes by type URL and query routes by method, built from the module list."""

    def __init__(self, modules: Sequence[Module]) -> None:
        self.modules = list(modules)
        self.by_name = {m.name: m for m in self.modules}
        self.msgs: dict[str, MsgRoute] = {}
        self.queries: dict[str, QueryRoute] = {}
        for m in self.modules:
            for r in m.msg_routes():
                if r.type_url in self.msgs:
                    raise ValueError(f"Msg {r.type_url} registered twice")
                self.msgs[r.type_url] = r
            for q in m.query_routes():
                if q.method in self.queries:
                    raise ValueError(f"query {q.method} registered twice")
                self.queries[q.method] = q

    def add_queries(self, routes: Sequence[QueryRoute]) -> None:
        for q in routes:
            if q.method in self.queries:
                raise ValueError(f"query {q.method} registered twice")
            self.queries[q.method] = q

    def module(self, name: str) -> Any:
        return self.by_name[name]
