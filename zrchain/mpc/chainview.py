"""What the keeper reads from and sends to the chain, behind one small interface.

:class:`ChainView` is what the engine uses (a unit test can stand in for it);
:class:`RpcChainView` implements it with :class:`zrchain.client.chain.ChainClient`:
queries go through CometBFT's ``abci_query`` (or, when a gRPC endpoint is configured,
through the node's gRPC server with raw bytes), txs through ``broadcast_tx_sync``. Query
methods take a ``height`` so one scan reads one consistent version of the state.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from cosmpy.protos.cosmos.base.query.v1beta1.pagination_pb2 import PageRequest
from google.protobuf.message import Message

from zrchain.chains.errors import PublicKeyError
from zrchain.chains.keys import key_type
from zrchain.client.chain import Account, ChainClient, M, QueryFailed
from zrchain.client.rpc import RPCError
from zrchain.codec.gen.zrchain.identity import query_pb2 as iq
from zrchain.codec.gen.zrchain.treasury import key_pb2, mpcsign_pb2
from zrchain.codec.gen.zrchain.treasury import query_pb2 as tq
from zrchain.mpc.answers import Request, Status
from zrchain.mpc.backend import KeyRef, KeyringInfo, RequestKind

TQ = "/zrchain.treasury.Query/"
IQ = "/zrchain.identity.Query/"
PAGE_LIMIT = 500
DEFAULT_MPC_BLOCKS = 20


@dataclass(frozen=True)
class BroadcastResult:
    """CheckTx outcome of a broadcast (code 0: in the mempool)."""

    txhash: str
    code: int
    codespace: str = ""
    log: str = ""


@dataclass(frozen=True)
class TxOutcome:
    """A committed tx's result."""

    height: int
    code: int
    log: str = ""

    def failed_message_index(self) -> int | None:
        """Which message failed (the SDK's ``message index: N`` in the log), if known."""
        m = re.search(r"message index: (\d+)", self.log)
        return int(m.group(1)) if m else None


class ChainView(Protocol):
    @property
    def chain_id(self) -> str: ...

    def latest_height(self) -> int: ...

    def keyring(self, address: str) -> KeyringInfo | None: ...

    def account(self, address: str, height: int = 0) -> Account | None: ...

    def default_btl(self) -> int: ...

    def open_requests(
        self, kind: RequestKind, keyring: str, start_id: int, height: int
    ) -> list[Request]:
        """PENDING and PARTIAL requests of ``keyring`` with id >= ``start_id`` at ``height``."""
        ...

    def request(self, kind: RequestKind, request_id: int, height: int = 0) -> Request | None: ...

    def key(self, key_id: int) -> KeyRef | None: ...

    def broadcast(self, raw: bytes) -> BroadcastResult: ...

    def tx(self, txhash: str) -> TxOutcome | None: ...


def _grpc_caller(target: str, timeout: float) -> Callable[[str, bytes, int], bytes]:
    import grpc

    channel = grpc.insecure_channel(target.removeprefix("grpc://").removeprefix("http://"))

    def call(method: str, data: bytes, height: int) -> bytes:
        stub = channel.unary_unary(method)  # raw bytes in and out
        metadata = (("x-cosmos-block-height", str(height)),) if height else None
        try:
            return bytes(stub(data, timeout=timeout, metadata=metadata))
        except grpc.RpcError as exc:
            code = exc.code()
            raise QueryFailed(
                code.value[0] if code else 1, "grpc", str(exc.details() or exc)
            ) from None

    return call


class RpcChainView:
    """ChainView over a node's CometBFT RPC (and optionally its gRPC server)."""

    def __init__(self, rpc: str, chain_id: str = "", grpc: str = "", timeout: float = 10.0) -> None:
        self.client = ChainClient(rpc, chain_id, timeout=timeout)
        self._grpc = _grpc_caller(grpc, timeout) if grpc else None
        self._default_btl: int | None = None

    @property
    def chain_id(self) -> str:
        return self.client.chain_id

    # -- raw queries ---------------------------------------------------------------------
    def _query(
        self, method: str, request: Message, response_cls: type[M], height: int = 0
    ) -> M:
        data = request.SerializeToString()
        raw = (
            self._grpc(method, data, height)
            if self._grpc is not None
            else self.client.query_raw(method, data, height)
        )
        return response_cls.FromString(raw)

    def latest_height(self) -> int:
        """The app's last committed height (``abci_info``), not CometBFT's ``status``: the
        block store is written before the app commits, so ``status`` may be one ahead of
        what queries can read."""
        return int(self.client.rpc.abci_info().get("last_block_height", 0))

    def keyring(self, address: str) -> KeyringInfo | None:
        try:
            res = self._query(
                IQ + "KeyringByAddress",
                iq.QueryKeyringByAddressRequest(keyring_addr=address),
                iq.QueryKeyringByAddressResponse,
            )
        except QueryFailed as exc:
            if "not found" in exc.log:
                return None
            raise
        kr = res.keyring
        if not kr.address:
            return None
        return KeyringInfo(
            address=kr.address,
            parties=tuple(kr.parties),
            threshold=int(kr.party_threshold),
            active=bool(kr.is_active),
        )

    def account(self, address: str, height: int = 0) -> Account | None:
        """Number and sequence at ``height`` (the same version the scan reads)."""
        from cosmpy.protos.cosmos.auth.v1beta1 import query_pb2 as auth_q

        from zrchain.x.auth.keeper import decode_account

        try:
            res = self._query(
                "/cosmos.auth.v1beta1.Query/Account",
                auth_q.QueryAccountRequest(address=address),
                auth_q.QueryAccountResponse,
                height,
            )
        except QueryFailed as exc:
            if exc.code == 22 or "not found" in exc.log:
                return None
            raise
        acc = decode_account(res.account.SerializeToString())
        return Account(acc.number, acc.sequence)

    def default_btl(self) -> int:
        if self._default_btl is None:
            res = self._query(TQ + "Params", tq.QueryParamsRequest(), tq.QueryParamsResponse)
            self._default_btl = int(res.params.default_btl) or DEFAULT_MPC_BLOCKS
        return self._default_btl

    def _pages(
        self,
        method: str,
        make: Callable[[PageRequest], Any],
        response_cls: Any,
        field: str,
        start_id: int,
        height: int,
    ) -> list[Any]:
        out: list[Any] = []
        key = max(start_id, 1).to_bytes(8, "big")
        while True:
            res = self._query(
                method, make(PageRequest(key=key, limit=PAGE_LIMIT)), response_cls, height
            )
            out.extend(getattr(res, field))
            key = bytes(res.pagination.next_key)
            if not key:
                return out

    def open_requests(
        self, kind: RequestKind, keyring: str, start_id: int, height: int
    ) -> list[Request]:
        found: dict[int, Request] = {}
        for status in (Status.PENDING, Status.PARTIAL):
            reqs: list[Request]
            if kind == RequestKind.KEY:
                kstatus = key_pb2.KeyRequestStatus.Name(int(status))

                def make_key(p: PageRequest, st: str = kstatus) -> Any:
                    return tq.QueryKeyRequestsRequest(keyring_addr=keyring, status=st, pagination=p)

                items = self._pages(
                    TQ + "KeyRequests",
                    make_key,
                    tq.QueryKeyRequestsResponse,
                    "key_requests",
                    start_id,
                    height,
                )
                reqs = [Request.from_key_response(r, keyring) for r in items]
            else:
                sstatus = mpcsign_pb2.SignRequestStatus.Name(int(status))

                def make_sign(p: PageRequest, st: str = sstatus) -> Any:
                    return tq.QuerySignatureRequestsRequest(
                        keyring_addr=keyring, status=st, pagination=p
                    )

                items = self._pages(
                    TQ + "SignatureRequests",
                    make_sign,
                    tq.QuerySignatureRequestsResponse,
                    "sign_requests",
                    start_id,
                    height,
                )
                reqs = [Request.from_sign_response(r, keyring) for r in items]
            for r in reqs:
                if r.open and r.id >= start_id:
                    found[r.id] = r
        return [found[i] for i in sorted(found)]

    def request(self, kind: RequestKind, request_id: int, height: int = 0) -> Request | None:
        try:
            if kind == RequestKind.KEY:
                got = self._query(
                    TQ + "KeyRequestByID",
                    tq.QueryKeyRequestByIDRequest(id=request_id),
                    tq.QueryKeyRequestByIDResponse,
                    height,
                )
                return Request.from_key_response(got.key_request) if got.key_request.id else None
            res = self._query(
                TQ + "SignatureRequestByID",
                tq.QuerySignatureRequestByIDRequest(id=request_id),
                tq.QuerySignatureRequestByIDResponse,
                height,
            )
        except QueryFailed as exc:
            if "not found" in exc.log:
                return None
            raise
        if not res.sign_request.id:
            return None
        key = self.key(res.sign_request.key_ids[0]) if res.sign_request.key_ids else None
        return Request.from_sign_response(res.sign_request, key.keyring if key else "")

    def key(self, key_id: int) -> KeyRef | None:
        try:
            res = self._query(
                TQ + "KeyByID", tq.QueryKeyByIDRequest(id=key_id), tq.QueryKeyByIDResponse
            )
        except QueryFailed as exc:
            if "not found" in exc.log:
                return None
            raise
        k = res.key
        if not k.id and not k.public_key:
            return None
        try:
            kt = key_type(k.type)
        except PublicKeyError:
            kt = key_type(key_pb2.KEY_TYPE_UNSPECIFIED)
        return KeyRef(
            keyring=str(k.keyring_addr),
            key_id=int(k.id),
            key_type=kt,
            public_key=bytes(k.public_key),
            workspace=str(k.workspace_addr),
            index=int(k.index),
        )

    # -- txs -----------------------------------------------------------------------------
    def broadcast(self, raw: bytes) -> BroadcastResult:
        res = self.client.broadcast(raw, "sync")
        return BroadcastResult(str(res.txhash), int(res.code), str(res.codespace), str(res.raw_log))

    def tx(self, txhash: str) -> TxOutcome | None:
        try:
            res = self.client.rpc.tx(bytes.fromhex(txhash))
        except RPCError as exc:
            text = f"{exc.message} {exc.data}"
            if "not found" in text or "indexing is disabled" in text:
                return None
            raise
        r = res.get("tx_result", {})
        return TxOutcome(int(res.get("height", 0)), int(r.get("code", 0)), str(r.get("log", "")))
