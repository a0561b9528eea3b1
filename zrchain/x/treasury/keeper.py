"""The only code that touches the treasury store.

Layout under ``treasury/`` — zrChain's collection prefixes first, then
indexes of ours that keep every look-up proportional to what it returns:

==========  =====================================  ========================================
prefix      key                                    value
==========  =====================================  ========================================
``0x00``    key id (u64 BE)                        ``Key``
``0x04``    id                                     ``KeyRequest``
``0x05``    --                                     last key request id (u64 BE)
``0x06``    id                                     ``SignRequest``
``0x07``    --                                     last sign request id
``0x08``    id                                     ``SignTransactionRequest``
``0x09``    --                                     last sign-tx request id
``0x0a``    id                                     ``ICATransactionRequest`` (genesis only)
``0x0b``    --                                     last ICA request id
``0x0c``    --                                     ``Params``
``0x20``    kind ‖ id                              escrow record (JSON: payer, entries)
``0x21``    kind ‖ mpc_btl ‖ id                    empty: open requests by deadline
``0x22``    workspace ‖ 0x00 ‖ index               key request id of a zrSign slot
``0x23``    creator ‖ 0x00 ‖ cache_id              sign (or sign-tx) request id
``0x24``    workspace ‖ 0x00 ‖ key id              empty: keys by workspace
``0x25``    table byte                             number of stored items (u64 BE)
``0x26``    kind ‖ id                              empty: open (PENDING/PARTIAL) requests
``0x27``    cache_id                               policy action id of a zrSign request
``0x28``    owner ‖ 0x00 ‖ action id (u64 BE)      cache_id: zrSign actions by owner
``treasury-port-``                                 IBC port id
==========  =====================================  ========================================

``kind`` is ``KIND_KEY`` (key requests) or ``KIND_SIGN`` (sign requests). Sign requests
enter the deadline index only as roots (``parent_req_id == 0``): children expire with
their parent.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from cosmpy.protos.cosmos.base.query.v1beta1.pagination_pb2 import PageRequest, PageResponse
from google.protobuf.message import Message

from zrchain.codec.gen.zrchain.treasury import key_pb2, mpcsign_pb2, params_pb2
from zrchain.context import Context, store_prefix
from zrchain.store.kv import PrefixStore, prefix_end
from zrchain.x.pagination import collection_paginate
from zrchain.x.treasury.types import OPEN_KEY_STATUSES, OPEN_SIGN_STATUSES, STORE_KEY

KEYS = b"\x00"
KEY_REQUESTS = b"\x04"
KEY_REQUEST_COUNT = b"\x05"
SIGN_REQUESTS = b"\x06"
SIGN_REQUEST_COUNT = b"\x07"
SIGN_TX_REQUESTS = b"\x08"
SIGN_TX_REQUEST_COUNT = b"\x09"
ICA_REQUESTS = b"\x0a"
ICA_REQUEST_COUNT = b"\x0b"
PARAMS = b"\x0c"
ESCROW = b"\x20"
DEADLINES = b"\x21"
ZRSIGN_SLOTS = b"\x22"
CACHE_IDS = b"\x23"
KEYS_BY_WORKSPACE = b"\x24"
TOTALS = b"\x25"
OPEN = b"\x26"
ZRSIGN_ACTIONS = b"\x27"
ZRSIGN_ACTIONS_BY_OWNER = b"\x28"
PORT_KEY = b"treasury-port-"

KIND_KEY = b"\x01"
KIND_SIGN = b"\x02"

P = TypeVar("P", bound=Message)


def u64(n: int) -> bytes:
    return int(n).to_bytes(8, "big")


def _u64(raw: bytes | None) -> int:
    return int.from_bytes(raw, "big") if raw else 0


class Table(Generic[P]):
    """An id-keyed collection: ``prefix ‖ u64(id) -> proto``, its last id and its size."""

    def __init__(self, prefix: bytes, count_key: bytes | None, cls: type[P]) -> None:
        self.prefix = prefix
        self.count_key = count_key
        self.cls = cls
        self.total_key = TOTALS + prefix

    def get(self, s: Any, id_: int) -> P | None:
        raw = s.get(self.prefix + u64(id_))
        return None if raw is None else self.cls.FromString(raw)

    def put(self, s: Any, id_: int, obj: P) -> bool:
        """Store ``obj`` under ``id_``; True when the id was new."""
        key = self.prefix + u64(id_)
        new = not s.has(key)
        if new:
            s.set(self.total_key, u64(_u64(s.get(self.total_key)) + 1))
        s.set(key, obj.SerializeToString())
        return new

    def last_id(self, s: Any) -> int:
        assert self.count_key is not None
        return _u64(s.get(self.count_key))

    def set_last_id(self, s: Any, n: int) -> None:
        assert self.count_key is not None
        s.set(self.count_key, u64(n))

    def next_id(self, s: Any) -> int:
        """Allocate ``last + 1``; an id already taken (after a genesis import) is skipped."""
        n = self.last_id(s) + 1
        while s.has(self.prefix + u64(n)):
            n += 1
        self.set_last_id(s, n)
        return n

    def total(self, s: Any) -> int:
        return _u64(s.get(self.total_key))

    def iterate(self, s: Any, reverse: bool = False) -> Iterator[P]:
        for _, v in s.iterate(self.prefix, prefix_end(self.prefix), reverse=reverse):
            yield self.cls.FromString(v)

    def page(
        self, s: Any, page: PageRequest | None, keep: Callable[[P], bool] | None
    ) -> tuple[list[P], PageResponse]:
        """One page of items (those ``keep`` accepts); unfiltered, the stored size bounds
        the scan, so a page costs O(offset + limit)."""
        if keep is None:
            return collection_paginate(
                s, self.prefix, page, lambda _k, v: self.cls.FromString(v), self.total(s)
            )
        return collection_paginate(s, self.prefix, page, lambda _k, v: _kept(self.cls, v, keep))

    def page_of_index(
        self, s: Any, index: bytes, page: PageRequest | None, keep: Callable[[P], bool] | None
    ) -> tuple[list[P], PageResponse]:
        """One page of the items an index (``index ‖ u64(id)`` -> empty) names."""

        def item(key: bytes, _v: bytes) -> P | None:
            obj = self.get(s, _u64(key[-8:]))
            return obj if obj is not None and (keep is None or keep(obj)) else None

        return collection_paginate(s, index, page, item)


def _kept(cls: type[P], raw: bytes, keep: Callable[[P], bool]) -> P | None:
    obj = cls.FromString(raw)
    return obj if keep(obj) else None


@dataclass(frozen=True)
class Escrow:
    """Fees held for one request tree: who paid, and how much each keyring is owed."""

    payer: str
    entries: tuple[tuple[str, int], ...]

    @property
    def total(self) -> int:
        return sum(a for _, a in self.entries)

    def encode(self) -> bytes:
        data = {"entries": [[k, str(a)] for k, a in self.entries], "payer": self.payer}
        return json.dumps(data, sort_keys=True, separators=(",", ":")).encode()

    @classmethod
    def decode(cls, raw: bytes) -> Escrow:
        data = json.loads(raw)
        return cls(str(data["payer"]), tuple((str(k), int(a)) for k, a in data["entries"]))


class TreasuryKeeper:
    """Typed reads and writes; request saves keep the deadline and open indexes true."""

    def __init__(self) -> None:
        self._keys: Table[key_pb2.Key] = Table(KEYS, None, key_pb2.Key)
        self._key_requests: Table[key_pb2.KeyRequest] = Table(
            KEY_REQUESTS, KEY_REQUEST_COUNT, key_pb2.KeyRequest
        )
        self._sign_requests: Table[mpcsign_pb2.SignRequest] = Table(
            SIGN_REQUESTS, SIGN_REQUEST_COUNT, mpcsign_pb2.SignRequest
        )
        self._sign_tx_requests: Table[mpcsign_pb2.SignTransactionRequest] = Table(
            SIGN_TX_REQUESTS, SIGN_TX_REQUEST_COUNT, mpcsign_pb2.SignTransactionRequest
        )
        self._ica_requests: Table[mpcsign_pb2.ICATransactionRequest] = Table(
            ICA_REQUESTS, ICA_REQUEST_COUNT, mpcsign_pb2.ICATransactionRequest
        )

    def _store(self, ctx: Context) -> Any:
        return ctx.store(STORE_KEY)

    # -- params / port -----------------------------------------------------------------------
    def params(self, ctx: Context) -> params_pb2.Params | None:
        raw = self._store(ctx).get(PARAMS)
        return None if raw is None else params_pb2.Params.FromString(raw)

    def min_gas_fee(self, ctx: Context) -> str:
        """Params' ``min_gas_fee``, read without gas (the ante handler's CheckTx check)."""
        raw = PrefixStore(ctx.root, store_prefix(STORE_KEY)).get(PARAMS)
        return "" if raw is None else _min_gas_fee_of(raw)

    def set_params(self, ctx: Context, p: params_pb2.Params) -> None:
        self._store(ctx).set(PARAMS, p.SerializeToString())

    def port(self, ctx: Context) -> str:
        raw = self._store(ctx).get(PORT_KEY)
        return raw.decode() if raw else ""

    def set_port(self, ctx: Context, port: str) -> None:
        self._store(ctx).set(PORT_KEY, port.encode())

    # -- keys --------------------------------------------------------------------------------
    def get_key(self, ctx: Context, id_: int) -> key_pb2.Key | None:
        return self._keys.get(self._store(ctx), id_)

    def set_key(self, ctx: Context, key: key_pb2.Key) -> None:
        s = self._store(ctx)
        old = self._keys.get(s, key.id)
        if old is not None and old.workspace_addr != key.workspace_addr:
            s.delete(_ws_key(old.workspace_addr, old.id))
        self._keys.put(s, key.id, key)
        s.set(_ws_key(key.workspace_addr, key.id), b"")

    def key_ids_in_workspace(self, ctx: Context, workspace: str) -> Iterator[int]:
        prefix = KEYS_BY_WORKSPACE + workspace.encode() + b"\x00"
        s = self._store(ctx)
        for k, _ in s.iterate(prefix, prefix_end(prefix)):
            yield _u64(k[len(prefix) :])

    # -- key requests ------------------------------------------------------------------------
    def get_key_request(self, ctx: Context, id_: int) -> key_pb2.KeyRequest | None:
        return self._key_requests.get(self._store(ctx), id_)

    def append_key_request(self, ctx: Context, req: key_pb2.KeyRequest) -> int:
        req.id = self._key_requests.next_id(self._store(ctx))
        self.save_key_request(ctx, req)
        return int(req.id)

    def save_key_request(self, ctx: Context, req: key_pb2.KeyRequest) -> None:
        s = self._store(ctx)
        self._key_requests.put(s, req.id, req)
        self._index_open(s, KIND_KEY, req.id, req.mpc_btl, req.status in OPEN_KEY_STATUSES)

    # -- sign requests -----------------------------------------------------------------------
    def get_sign_request(self, ctx: Context, id_: int) -> mpcsign_pb2.SignRequest | None:
        return self._sign_requests.get(self._store(ctx), id_)

    def append_sign_request(self, ctx: Context, req: mpcsign_pb2.SignRequest) -> int:
        req.id = self._sign_requests.next_id(self._store(ctx))
        self.save_sign_request(ctx, req)
        return int(req.id)

    def save_sign_request(self, ctx: Context, req: mpcsign_pb2.SignRequest) -> None:
        s = self._store(ctx)
        self._sign_requests.put(s, req.id, req)
        is_open = req.status in OPEN_SIGN_STATUSES
        s_open = OPEN + KIND_SIGN + u64(req.id)
        if is_open:
            s.set(s_open, b"")
        else:
            s.delete(s_open)
        if req.parent_req_id == 0 and req.mpc_btl:
            dl = DEADLINES + KIND_SIGN + u64(req.mpc_btl) + u64(req.id)
            if is_open:
                s.set(dl, b"")
            else:
                s.delete(dl)

    # -- sign-transaction requests -------------------------------------------------------------
    def get_sign_tx_request(
        self, ctx: Context, id_: int
    ) -> mpcsign_pb2.SignTransactionRequest | None:
        return self._sign_tx_requests.get(self._store(ctx), id_)

    def append_sign_tx_request(self, ctx: Context, req: mpcsign_pb2.SignTransactionRequest) -> int:
        s = self._store(ctx)
        req.id = self._sign_tx_requests.next_id(s)
        self._sign_tx_requests.put(s, req.id, req)
        return int(req.id)

    # -- indexes -----------------------------------------------------------------------------
    @staticmethod
    def _index_open(s: Any, kind: bytes, id_: int, mpc_btl: int, is_open: bool) -> None:
        keys = [OPEN + kind + u64(id_)]
        if mpc_btl:
            keys.append(DEADLINES + kind + u64(mpc_btl) + u64(id_))
        for k in keys:
            if is_open:
                s.set(k, b"")
            else:
                s.delete(k)

    def due(self, ctx: Context, kind: bytes, height: int, limit: int) -> list[int]:
        """Ids of open requests whose deadline ``mpc_btl`` is below ``height``, earliest
        deadline first, at most ``limit``."""
        s = self._store(ctx)
        start = DEADLINES + kind
        out: list[int] = []
        for k, _ in s.iterate(start, start + u64(height)):
            out.append(_u64(k[-8:]))
            if len(out) >= limit:
                break
        return out

    def cache_owner(self, ctx: Context, creator: str, cache_id: bytes) -> int | None:
        raw = self._store(ctx).get(CACHE_IDS + creator.encode() + b"\x00" + bytes(cache_id))
        return None if raw is None else _u64(raw)

    def set_cache_owner(self, ctx: Context, creator: str, cache_id: bytes, id_: int) -> None:
        self._store(ctx).set(CACHE_IDS + creator.encode() + b"\x00" + bytes(cache_id), u64(id_))

    # -- zrSign requests waiting for their key's sign policy (docs/zrsign-policies.md) -----
    def zrsign_action(self, ctx: Context, cache_id: bytes) -> int | None:
        raw = self._store(ctx).get(ZRSIGN_ACTIONS + bytes(cache_id))
        return None if raw is None else _u64(raw)

    def set_zrsign_action(self, ctx: Context, owner: str, cache_id: bytes, action_id: int) -> None:
        s = self._store(ctx)
        s.set(ZRSIGN_ACTIONS + bytes(cache_id), u64(action_id))
        s.set(ZRSIGN_ACTIONS_BY_OWNER + owner.encode() + b"\x00" + u64(action_id), cache_id)

    def iterate_zrsign_actions(self, ctx: Context) -> Iterator[tuple[str, bytes, int]]:
        """(owner, cache_id, action id), by owner then action id."""
        n = len(ZRSIGN_ACTIONS_BY_OWNER)
        end = prefix_end(ZRSIGN_ACTIONS_BY_OWNER)
        for k, v in self._store(ctx).iterate(ZRSIGN_ACTIONS_BY_OWNER, end):
            yield k[n:-9].decode(), bytes(v), _u64(k[-8:])  # owner ‖ 0x00 ‖ u64 id

    def zrsign_actions_page(
        self, ctx: Context, owner: str, page: PageRequest | None
    ) -> tuple[list[tuple[int, bytes]], PageResponse]:
        """(action id, cache_id) of ``owner``'s zrSign requests that went to a policy."""
        prefix = ZRSIGN_ACTIONS_BY_OWNER + owner.encode() + b"\x00"
        return collection_paginate(
            self._store(ctx), prefix, page, lambda k, v: (_u64(k[-8:]), bytes(v))
        )

    def zrsign_slot(self, ctx: Context, workspace: str, index: int) -> int | None:
        raw = self._store(ctx).get(_slot_key(workspace, index))
        return None if raw is None else _u64(raw)

    def set_zrsign_slot(self, ctx: Context, workspace: str, index: int, req_id: int) -> None:
        self._store(ctx).set(_slot_key(workspace, index), u64(req_id))

    # -- iterators and pages (queries and genesis never see the key layout) ------------
    def iterate_keys(self, ctx: Context) -> Iterator[key_pb2.Key]:
        return self._keys.iterate(self._store(ctx))

    def iterate_key_requests(self, ctx: Context) -> Iterator[key_pb2.KeyRequest]:
        return self._key_requests.iterate(self._store(ctx))

    def iterate_sign_requests(self, ctx: Context) -> Iterator[mpcsign_pb2.SignRequest]:
        return self._sign_requests.iterate(self._store(ctx))

    def iterate_sign_tx_requests(
        self, ctx: Context
    ) -> Iterator[mpcsign_pb2.SignTransactionRequest]:
        return self._sign_tx_requests.iterate(self._store(ctx))

    def iterate_ica_requests(self, ctx: Context) -> Iterator[mpcsign_pb2.ICATransactionRequest]:
        return self._ica_requests.iterate(self._store(ctx))

    def keys_page(
        self,
        ctx: Context,
        page: PageRequest | None,
        keep: Callable[[key_pb2.Key], bool] | None = None,
        workspace: str = "",
    ) -> tuple[list[key_pb2.Key], PageResponse]:
        """Keys by id, or those of one workspace (through its index)."""
        s = self._store(ctx)
        if workspace:
            index = KEYS_BY_WORKSPACE + workspace.encode() + b"\x00"
            return self._keys.page_of_index(s, index, page, keep)
        return self._keys.page(s, page, keep)

    def key_requests_page(
        self,
        ctx: Context,
        page: PageRequest | None,
        keep: Callable[[key_pb2.KeyRequest], bool] | None = None,
        open_only: bool = False,
    ) -> tuple[list[key_pb2.KeyRequest], PageResponse]:
        """Key requests by id; ``open_only``: only PENDING/PARTIAL ones, from their index."""
        s = self._store(ctx)
        if open_only:
            return self._key_requests.page_of_index(s, OPEN + KIND_KEY, page, keep)
        return self._key_requests.page(s, page, keep)

    def sign_requests_page(
        self,
        ctx: Context,
        page: PageRequest | None,
        keep: Callable[[mpcsign_pb2.SignRequest], bool] | None = None,
        open_only: bool = False,
    ) -> tuple[list[mpcsign_pb2.SignRequest], PageResponse]:
        s = self._store(ctx)
        if open_only:
            return self._sign_requests.page_of_index(s, OPEN + KIND_SIGN, page, keep)
        return self._sign_requests.page(s, page, keep)

    def sign_tx_requests_page(
        self,
        ctx: Context,
        page: PageRequest | None,
        keep: Callable[[mpcsign_pb2.SignTransactionRequest], bool] | None = None,
    ) -> tuple[list[mpcsign_pb2.SignTransactionRequest], PageResponse]:
        return self._sign_tx_requests.page(self._store(ctx), page, keep)

    # -- genesis --------------------------------------------------------------------------
    def import_sign_tx_request(self, ctx: Context, req: mpcsign_pb2.SignTransactionRequest) -> None:
        self._sign_tx_requests.put(self._store(ctx), req.id, req)

    def import_ica_request(self, ctx: Context, req: mpcsign_pb2.ICATransactionRequest) -> None:
        self._ica_requests.put(self._store(ctx), req.id, req)

    def last_ids(self, ctx: Context) -> dict[str, int]:
        """The last id given out per request table (the next is the first free one after)."""
        s = self._store(ctx)
        return {name: table.last_id(s) for name, table in self._counted().items()}

    def set_last_ids(self, ctx: Context, **last: int) -> None:
        """``key_requests=``, ``sign_requests=``, ``sign_tx_requests=``, ``ica_requests=``."""
        s, tables = self._store(ctx), self._counted()
        for name, n in last.items():
            tables[name].set_last_id(s, n)

    def _counted(self) -> dict[str, Table[Any]]:
        return {
            "key_requests": self._key_requests,
            "sign_requests": self._sign_requests,
            "sign_tx_requests": self._sign_tx_requests,
            "ica_requests": self._ica_requests,
        }

    # -- escrow ------------------------------------------------------------------------------
    def escrow(self, ctx: Context, kind: bytes, id_: int) -> Escrow | None:
        raw = self._store(ctx).get(ESCROW + kind + u64(id_))
        return None if raw is None else Escrow.decode(raw)

    def set_escrow(self, ctx: Context, kind: bytes, id_: int, e: Escrow) -> None:
        self._store(ctx).set(ESCROW + kind + u64(id_), e.encode())

    def delete_escrow(self, ctx: Context, kind: bytes, id_: int) -> None:
        self._store(ctx).delete(ESCROW + kind + u64(id_))


def _ws_key(workspace: str, key_id: int) -> bytes:
    return KEYS_BY_WORKSPACE + workspace.encode() + b"\x00" + u64(key_id)


def _slot_key(workspace: str, index: int) -> bytes:
    return ZRSIGN_SLOTS + workspace.encode() + b"\x00" + u64(index)


@functools.lru_cache(maxsize=8)
def _min_gas_fee_of(raw_params: bytes) -> str:
    """The field of stored params, parsed once per stored value (every CheckTx asks)."""
    return str(params_pb2.Params.FromString(raw_params).min_gas_fee)
