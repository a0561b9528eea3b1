"""The zrChain side of the bridge: submitting requests and reading their outcome.

`ChainGateway` talks to a real node (ChainClient: abci_query, simulate, broadcast, wait) and
signs with the keyring key of treasury param `zr_sign_address`. `MemoryGateway` is an
in-process stand-in with the same contract (idempotent key requests, `cache_id` refused
when repeated, keys appear when "fulfilled"), for unit tests and the follower benchmark.
"""

from __future__ import annotations

import enum
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from google.protobuf.message import Message

from evm_bridge.ingest import Ingest, KeyIngest, OmniIngest, SigIngest
from zrchain.client.chain import M


class Outcome(enum.Enum):
    CREATED = "created"  # a new zrChain request
    DUPLICATE = "duplicate"  # zrChain already has it (another bridge, a restart, a replay)
    NOT_READY = "not_ready"  # cannot be accepted yet (e.g. the key is not generated yet)
    REJECTED = "rejected"  # zrChain refuses the content; logged and skipped


@dataclass(frozen=True)
class SubmitResult:
    outcome: Outcome
    request_id: int | None = None
    height: int | None = None
    reason: str = ""


@dataclass(frozen=True)
class ZrKey:
    """A fulfilled zrSign key as ZrSignKeys shows it."""

    key_id: int
    address: str
    index: int
    public_key: bytes = b""


@dataclass(frozen=True)
class SignStatus:
    """A signature request's state: "pending", "fulfilled" or "rejected"."""

    sign_request_id: int
    status: str
    signatures: tuple[bytes, ...] = ()
    reason: str = ""


class GatewayUnavailable(RuntimeError):
    """zrChain could not be asked or could not evaluate the tx: back off and try again."""


class Gateway(Protocol):
    def submit(self, items: Sequence[Ingest]) -> list[SubmitResult]: ...

    def zr_sign_key(self, owner: str, coin_type: int, index: int) -> ZrKey | None: ...

    def sign_request_id(self, item: SigIngest, request_id: int | None) -> int | None: ...

    def signature(self, sign_request_id: int) -> SignStatus | None: ...

    def height(self) -> int: ...


# ---------------------------------------------------------------------------- classification

_DUPLICATE = re.compile(
    r"cache.?id.{0,100}(already|exists|duplicate|used|seen)"
    r"|(already|duplicate).{0,60}cache.?id"
    r"|key request.{0,40}already"
    r"|already (ingested|requested)",
    re.IGNORECASE,
)
_NOT_READY = re.compile(
    r"no workspaces?|key not found|no key|key .{0,40}not found|not (yet )?fulfilled"
    r"|workspace.{0,40}not found|found \d+ keys|no such key",
    re.IGNORECASE,
)
_MISCONFIGURED = re.compile(
    r"not zrsign|zr_sign_address|unauthori[sz]ed|keyring .{0,80}(nil|inactive)"
    r"|insufficient (funds|fee)",
    re.IGNORECASE,
)
_REQUEST_ID = re.compile(r"request\s+#?(\d+)", re.IGNORECASE)


def classify(codespace: str, code: int, log: str) -> SubmitResult:
    """What a refusal means for the bridge; raises GatewayUnavailable for non-content errors."""
    if _DUPLICATE.search(log):
        match = _REQUEST_ID.search(log)
        return SubmitResult(Outcome.DUPLICATE, int(match.group(1)) if match else None, reason=log)
    if _NOT_READY.search(log):
        return SubmitResult(Outcome.NOT_READY, reason=log)
    if codespace in ("sdk", "") or _MISCONFIGURED.search(log):
        # fees, gas, sequence, signer: nothing about this request's content.
        raise GatewayUnavailable(f"zrChain refused the tx ({codespace} {code}): {log}")
    return SubmitResult(Outcome.REJECTED, reason=log)


# ---------------------------------------------------------------------------- real chain


class _Refused(Exception):
    def __init__(self, codespace: str, code: int, log: str) -> None:
        super().__init__(log)
        self.codespace, self.code, self.log = codespace, code, log


SEQUENCE_MISMATCH = 32
TX_IN_MEMPOOL = 19


class ChainGateway:
    """Requests to a real node, signed by the `zr_sign_address` key.

    A batch goes in one tx; when zrChain refuses it, the batch is halved until the refused
    requests are alone, so one duplicate never holds back the rest. Submissions are
    serialised (one signer, one sequence); a sequence mismatch (another bridge with the same
    account) is retried with the account re-read.
    """

    def __init__(
        self,
        client: Any,
        signer_address: str,
        pubkey: bytes,
        sign: Callable[[bytes], bytes],
        *,
        gas_prices: str = "",
        gas_adjustment: float = 1.5,
        max_msgs_per_tx: int = 50,
        tx_timeout: float = 30.0,
    ) -> None:
        self.client = client
        self.address = signer_address
        self.pubkey = pubkey
        self.sign = sign
        self.gas_prices = gas_prices
        self.gas_adjustment = gas_adjustment
        self.max_msgs = max(1, max_msgs_per_tx)
        self.tx_timeout = tx_timeout
        self._lock = threading.Lock()

    # -- submitting --------------------------------------------------------------------
    def submit(self, items: Sequence[Ingest]) -> list[SubmitResult]:
        out: list[SubmitResult] = []
        for start in range(0, len(items), self.max_msgs):
            out.extend(self._submit(list(items[start : start + self.max_msgs])))
        return out

    def _submit(self, items: list[Ingest]) -> list[SubmitResult]:
        try:
            final = self._send([it.msg(self.address) for it in items])
        except _Refused as exc:
            if len(items) == 1:
                return [classify(exc.codespace, exc.code, exc.log)]
            mid = len(items) // 2
            return self._submit(items[:mid]) + self._submit(items[mid:])
        ids = _response_ids(final, len(items))
        return [SubmitResult(Outcome.CREATED, rid, int(final.height)) for rid in ids]

    def _send(self, msgs: list[Any]) -> Any:
        from zrchain.client.chain import QueryFailed, TxFailed, TxOptions
        from zrchain.client.rpc import RPCError

        opts = TxOptions(gas=None, gas_adjustment=self.gas_adjustment, gas_prices=self.gas_prices)
        with self._lock:
            for attempt in range(5):
                try:
                    raw = self.client.build_signed(msgs, self.address, self.pubkey, self.sign, opts)
                except QueryFailed as exc:  # simulation refused the tx
                    if exc.code == SEQUENCE_MISMATCH and exc.codespace == "sdk":
                        time.sleep(0.2 * (attempt + 1))
                        continue
                    raise _Refused(exc.codespace, exc.code, exc.log) from None
                except (RPCError, OSError, TimeoutError) as exc:
                    raise GatewayUnavailable(f"zrChain node: {exc}") from None
                except Exception as exc:  # requests' ConnectionError and friends
                    raise GatewayUnavailable(f"zrChain node: {type(exc).__name__}: {exc}") from None
                try:
                    res = self.client.broadcast(raw)
                    if res.code == SEQUENCE_MISMATCH and res.codespace == "sdk":
                        time.sleep(0.2 * (attempt + 1))
                        continue
                    if res.code not in (0, TX_IN_MEMPOOL):
                        raise _Refused(res.codespace, res.code, res.raw_log)
                    final = self.client.wait_tx(res.txhash, self.tx_timeout)
                except TxFailed as exc:
                    r = exc.response
                    raise _Refused(r.codespace, r.code, r.raw_log) from None
                except _Refused:
                    raise
                except Exception as exc:
                    raise GatewayUnavailable(f"zrChain node: {type(exc).__name__}: {exc}") from None
                if final.code == SEQUENCE_MISMATCH and final.codespace == "sdk":
                    continue
                if final.code != 0:
                    raise _Refused(final.codespace, final.code, final.raw_log)
                return final
        raise GatewayUnavailable("account sequence kept changing (another signer?)")

    # -- reading -----------------------------------------------------------------------
    def _query(self, method: str, request: Message, response_cls: type[M]) -> M | None:
        from zrchain.client.chain import QueryFailed

        try:
            return self.client.query(method, request, response_cls)
        except QueryFailed as exc:
            if "not found" in exc.log.lower():
                return None
            raise GatewayUnavailable(f"{method}: {exc.log}") from None
        except Exception as exc:
            raise GatewayUnavailable(f"{method}: {type(exc).__name__}: {exc}") from None

    def zr_sign_key(self, owner: str, coin_type: int, index: int) -> ZrKey | None:
        from zrchain.codec.gen.zrchain.treasury import query_pb2 as q

        res = self._query(
            "/zrchain.treasury.Query/ZrSignKeys",
            q.QueryZrSignKeysRequest(address=owner, walletType=str(coin_type)),
            q.QueryZrSignKeysResponse,
        )
        if res is None:
            return None
        for entry in res.Keys:
            if entry.index == index and entry.walletType == str(coin_type):
                key = self._query(
                    "/zrchain.treasury.Query/KeyByID",
                    q.QueryKeyByIDRequest(id=entry.id),
                    q.QueryKeyByIDResponse,
                )
                pub = bytes(key.key.public_key) if key is not None else b""
                return ZrKey(entry.id, entry.address, entry.index, pub)
        return None

    def sign_request_id(self, item: SigIngest, request_id: int | None) -> int | None:
        """The SignRequest behind a submitted request (tx requests answer with the id of a
        SignTransactionRequest); without an id, found by the request's cache_id."""
        from zrchain.codec.gen.zrchain.treasury import query_pb2 as q

        if request_id is not None:
            if not item.is_tx:
                return request_id
            res = self._query(
                "/zrchain.treasury.Query/SignTransactionRequestByID",
                q.QuerySignTransactionRequestByIDRequest(id=request_id),
                q.QuerySignTransactionRequestByIDResponse,
            )
            if res is not None and res.sign_transaction_request.sign_request_id:
                return int(res.sign_transaction_request.sign_request_id)
        return self._find_by_cache_id(item.cache_id)

    def _find_by_cache_id(self, cache: bytes) -> int | None:
        from cosmpy.protos.cosmos.base.query.v1beta1.pagination_pb2 import PageRequest

        from zrchain.codec.gen.zrchain.treasury import query_pb2 as q

        key = b""
        while True:
            res = self._query(
                "/zrchain.treasury.Query/SignatureRequests",
                q.QuerySignatureRequestsRequest(
                    pagination=PageRequest(key=key, limit=500, reverse=False)
                ),
                q.QuerySignatureRequestsResponse,
            )
            if res is None:
                return None
            for req in res.sign_requests:
                if bytes(req.cache_id) == cache and not req.parent_req_id:
                    return int(req.id)
            key = bytes(res.pagination.next_key)
            if not key:
                return None

    def signature(self, sign_request_id: int) -> SignStatus | None:
        from zrchain.codec.gen.zrchain.treasury import query_pb2 as q

        res = self._query(
            "/zrchain.treasury.Query/SignatureRequestByID",
            q.QuerySignatureRequestByIDRequest(id=sign_request_id),
            q.QuerySignatureRequestByIDResponse,
        )
        if res is None:
            return None
        req = res.sign_request
        status = req.status.upper()
        if status.endswith("FULFILLED"):
            sigs = tuple(bytes(s.signed_data) for s in req.signed_data)
            return SignStatus(sign_request_id, "fulfilled", sigs)
        if status.endswith("REJECTED"):
            return SignStatus(sign_request_id, "rejected", reason=req.reject_reason)
        return SignStatus(sign_request_id, "pending")

    def height(self) -> int:
        try:
            return int(self.client.rpc.latest_height())
        except Exception as exc:
            raise GatewayUnavailable(f"zrChain node: {exc}") from None

    def zr_sign_address(self) -> str:
        """Treasury param `zr_sign_address` (checked against the signer at start)."""
        from zrchain.codec.gen.zrchain.treasury import query_pb2 as q

        res = self._query(
            "/zrchain.treasury.Query/Params", q.QueryParamsRequest(), q.QueryParamsResponse
        )
        return "" if res is None else str(res.params.zr_sign_address)


def _response_ids(final: Any, n: int) -> list[int | None]:
    """Request ids from the tx's TxMsgData (MsgNewKeyRequestResponse / ...SignatureRequest...)."""
    from cosmpy.protos.cosmos.base.abci.v1beta1 import abci_pb2

    from zrchain.codec.gen.zrchain.treasury import tx_pb2

    ids: list[int | None] = [None] * n
    try:
        data = abci_pb2.TxMsgData.FromString(bytes.fromhex(final.data))
    except Exception:
        return ids
    for i, anyv in enumerate(list(data.msg_responses)[:n]):
        if anyv.type_url.endswith("MsgNewKeyRequestResponse"):
            ids[i] = tx_pb2.MsgNewKeyRequestResponse.FromString(anyv.value).key_req_id
        elif anyv.type_url.endswith("MsgNewZrSignSignatureRequestResponse"):
            # 0: the key's sign policy holds the request as an action (docs/zrsign-policies.md);
            # its SignRequest appears later and is found by cache_id.
            rid = tx_pb2.MsgNewZrSignSignatureRequestResponse.FromString(anyv.value).req_id
            ids[i] = rid or None
    return ids


# ---------------------------------------------------------------------------- in memory


@dataclass
class MemoryGateway:
    """A simulated zrChain with the treasury's zrSign rules, for tests and benchmarks.

    Key requests are idempotent per (owner lower-case, coin type, index); a signature request
    needs that key to exist (`fulfil_keys`), and a repeated cache_id is refused. Every call
    to `submit` is one "block". `fail_next` makes the next N submits raise
    GatewayUnavailable (a node outage).
    """

    keys: dict[tuple[str, str, int], ZrKey] = field(default_factory=dict)
    key_requests: dict[tuple[str, str, int], int] = field(default_factory=dict)
    sign_requests: dict[bytes, int] = field(default_factory=dict)
    sign_items: dict[int, SigIngest] = field(default_factory=dict)
    signatures: dict[int, SignStatus] = field(default_factory=dict)
    forwarded: set[bytes] = field(default_factory=set)  # cache_ids of zrSign Omni calls
    log: list[tuple[str, Any]] = field(default_factory=list)
    block: int = 0
    next_id: int = 1
    fail_next: int = 0
    auto_fulfil_keys: bool = True
    key_factory: Callable[[tuple[str, str, int], int], ZrKey] | None = None
    submit_delay: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def submit(self, items: Sequence[Ingest]) -> list[SubmitResult]:
        with self._lock:
            if self.fail_next > 0:
                self.fail_next -= 1
                raise GatewayUnavailable("simulated zrChain outage")
            if self.submit_delay:
                time.sleep(self.submit_delay)
            self.block += 1
            return [self._one(it) for it in items]

    def _one(self, item: Ingest) -> SubmitResult:
        if isinstance(item, OmniIngest):
            cid = item.cache_id
            if cid in self.forwarded:
                return SubmitResult(
                    Outcome.DUPLICATE, None, self.block, "cache_id already forwarded"
                )
            self.forwarded.add(cid)
            self.log.append(("omni", (item.op, item.sender)))
            return SubmitResult(Outcome.CREATED, None, self.block)
        if isinstance(item, KeyIngest):
            slot = item.slot
            if slot in self.key_requests:
                self.log.append(("key-dup", slot))
                return SubmitResult(Outcome.CREATED, self.key_requests[slot], self.block)
            rid = self._id()
            self.key_requests[slot] = rid
            self.log.append(("key", slot))
            if self.auto_fulfil_keys:
                self.fulfil_key(slot)
            return SubmitResult(Outcome.CREATED, rid, self.block)
        cid = item.cache_id
        if cid in self.sign_requests:
            self.log.append(("sig-dup", item.trace_id))
            return SubmitResult(
                Outcome.DUPLICATE, self.sign_requests[cid], self.block, "cache_id already used"
            )
        if item.key_slot not in self.keys:
            return SubmitResult(Outcome.NOT_READY, reason="key not found")
        rid = self._id()
        self.sign_requests[cid] = rid
        self.sign_items[rid] = item
        self.signatures[rid] = SignStatus(rid, "pending")
        self.log.append(("sig", item.trace_id))
        return SubmitResult(Outcome.CREATED, rid, self.block)

    def _id(self) -> int:
        rid, self.next_id = self.next_id, self.next_id + 1
        return rid

    def fulfil_key(self, slot: tuple[str, str, int]) -> ZrKey:
        rid = self.key_requests[slot]
        if self.key_factory is not None:
            key = self.key_factory(slot, rid)
        else:
            key = ZrKey(rid, "0x" + f"{rid:040x}", slot[2])
        self.keys[slot] = key
        return key

    def fulfil_signature(self, request_id: int, signature: bytes) -> None:
        self.signatures[request_id] = SignStatus(request_id, "fulfilled", (signature,))

    def zr_sign_key(self, owner: str, coin_type: int, index: int) -> ZrKey | None:
        return self.keys.get((owner.lower(), str(coin_type), index))

    def sign_request_id(self, item: SigIngest, request_id: int | None) -> int | None:
        return request_id if request_id is not None else self.sign_requests.get(item.cache_id)

    def signature(self, sign_request_id: int) -> SignStatus | None:
        return self.signatures.get(sign_request_id)

    def height(self) -> int:
        return self.block

    def created(self, kind: str) -> list[Any]:
        return [v for k, v in self.log if k == kind]
