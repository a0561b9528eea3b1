"""A stand-in chain for unit tests of the keeper engine (one class under test: ``Keeper``).

It keeps what the keeper can observe and enforces the rules its exactly-once logic relies
on: per-account sequences checked at CheckTx (against committed + mempool) and in blocks,
``timeout_height`` as the SDK's ante checks it (CheckTx at the last committed height lets a
tx through while that height is its timeout height; in a later block it fails, included
with its sequence unused), all-or-nothing messages with the SDK's ``message index: N`` log, the
treasury's party checks, party-signature verification and returned-signature verification
(docs/treasury.md, *Requests and their lifecycle* and *Party signatures*). Tests drive
blocks with :meth:`commit`.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from typing import Any

from cosmpy.protos.cosmos.crypto.secp256k1.keys_pb2 import PubKey
from cosmpy.protos.cosmos.tx.v1beta1 import tx_pb2

from zrchain.chains.keys import KeyType, bitcoin_signature_to_der, verify_signature
from zrchain.client.chain import Account
from zrchain.codec.gen.zrchain.treasury import key_pb2, mpcsign_pb2
from zrchain.codec.gen.zrchain.treasury import tx_pb2 as ttx
from zrchain.crypto import keys
from zrchain.mpc.answers import Request, Status
from zrchain.mpc.backend import KeyRef, KeyringInfo, RequestKind
from zrchain.mpc.chainview import BroadcastResult, TxOutcome
from zrchain.x.treasury.party import verify_party_signature


class Crash(BaseException):
    """Stands for the process dying at a point (the keeper catches only Exception)."""


@dataclass
class FakeRequest:
    kind: RequestKind
    id: int
    key_type: KeyType
    status: Status = Status.PENDING
    answered_by: list[str] = field(default_factory=list)
    result: bytes = b""
    reject_reason: str = ""
    key_ids: tuple[int, ...] = ()
    data: tuple[bytes, ...] = ()
    children: tuple[int, ...] = ()
    mpc_btl: int = 0


@dataclass
class PendingTx:
    raw: bytes
    txhash: str
    signer: str
    pubkey: bytes
    sequence: int
    timeout_height: int
    msgs: list[Any]


class FakeChain:
    def __init__(
        self, keyring: str, parties: list[str], threshold: int = 1, chain_id: str = "zenrock"
    ) -> None:
        self.chain_id = chain_id
        self.keyring_info = KeyringInfo(keyring, tuple(parties), threshold)
        self.height = 10
        self.requests: dict[tuple[RequestKind, int], FakeRequest] = {}
        self.keys: dict[int, KeyRef] = {}
        self.sequences: dict[str, int] = {p: 0 for p in parties}
        self.mempool: list[PendingTx] = []
        self.outcomes: dict[str, TxOutcome] = {}
        self.included: list[PendingTx] = []  # every tx ever put in a block, in order
        self.censored: set[str] = set()
        self.poisoned: set[int] = set()  # sign/key request ids whose answers fail on-chain
        self.fail_queries = 0
        self.indexing = True  # False: like a node with tx_index off
        self.refuse_code = 0  # CheckTx refuses every tx with this code (e.g. 5: no funds)
        self.broadcast_hook: Any = None
        self.broadcasts: list[str] = []
        self._next = {RequestKind.KEY: 1, RequestKind.SIGNATURE: 1}
        self._lock = threading.Lock()

    # -- making requests ---------------------------------------------------------------------
    def new_key_request(self, kt: KeyType = KeyType.KEY_TYPE_ECDSA_SECP256K1) -> int:
        rid = self._alloc(RequestKind.KEY)
        self.requests[(RequestKind.KEY, rid)] = FakeRequest(
            RequestKind.KEY, rid, kt, mpc_btl=self.height + 20
        )
        return rid

    def add_key(self, kid: int, kt: KeyType, public_key: bytes, keyring: str = "") -> None:
        self.keys[kid] = KeyRef(keyring or self.keyring_info.address, kid, kt, public_key)

    def new_sign_request(self, key_id: int, data: bytes | tuple[bytes, ...]) -> int:
        items = (data,) if isinstance(data, bytes) else tuple(data)
        kt = self.keys[key_id].key_type if key_id in self.keys else KeyType.KEY_TYPE_ECDSA_SECP256K1
        rid = self._alloc(RequestKind.SIGNATURE)
        req = FakeRequest(
            RequestKind.SIGNATURE,
            rid,
            kt,
            key_ids=(key_id,) * len(items),
            data=items,
            mpc_btl=self.height + 20,
        )
        self.requests[(RequestKind.SIGNATURE, rid)] = req
        if len(items) > 1:
            kids = []
            for item in items:
                cid = self._alloc(RequestKind.SIGNATURE)
                self.requests[(RequestKind.SIGNATURE, cid)] = FakeRequest(
                    RequestKind.SIGNATURE,
                    cid,
                    kt,
                    key_ids=(key_id,),
                    data=(item,),
                    mpc_btl=req.mpc_btl,
                )
                kids.append(cid)
            req.children = tuple(kids)
        return rid

    def _alloc(self, kind: RequestKind) -> int:
        rid = self._next[kind]
        self._next[kind] += 1
        return rid

    # -- ChainView ---------------------------------------------------------------------------
    def _maybe_fail(self) -> None:
        if self.fail_queries > 0:
            self.fail_queries -= 1
            raise ConnectionError("node unreachable")

    def latest_height(self) -> int:
        self._maybe_fail()
        return self.height

    def keyring(self, address: str) -> KeyringInfo | None:
        return self.keyring_info if address == self.keyring_info.address else None

    def account(self, address: str, height: int = 0) -> Account | None:
        self._maybe_fail()
        if address not in self.sequences:
            return None
        return Account(
            number=1 + sorted(self.sequences).index(address), sequence=self.sequences[address]
        )

    def default_btl(self) -> int:
        return 20

    def _view(self, r: FakeRequest) -> Request:
        return Request(
            kind=r.kind,
            id=r.id,
            keyring=self.keyring_info.address,
            status=r.status,
            key_type=r.key_type,
            key_type_name=r.key_type.name,
            answered_by=frozenset(r.answered_by),
            mpc_btl=r.mpc_btl,
            key_ids=r.key_ids,
            data=r.data,
            child_ids=r.children,
        )

    def open_requests(
        self, kind: RequestKind, keyring: str, start_id: int, height: int
    ) -> list[Request]:
        self._maybe_fail()
        with self._lock:
            return [
                self._view(r)
                for (k, rid), r in sorted(self.requests.items(), key=lambda kv: kv[0][1])
                if k == kind and rid >= start_id and r.status in (Status.PENDING, Status.PARTIAL)
            ]

    def request(self, kind: RequestKind, request_id: int, height: int = 0) -> Request | None:
        r = self.requests.get((kind, request_id))
        return None if r is None else self._view(r)

    def key(self, key_id: int) -> KeyRef | None:
        return self.keys.get(key_id)

    def broadcast(self, raw: bytes) -> BroadcastResult:
        if self.broadcast_hook is not None:
            self.broadcast_hook(raw)
        h = hashlib.sha256(raw).hexdigest().upper()
        self.broadcasts.append(h)
        with self._lock:
            if h in self.outcomes or any(t.txhash == h for t in self.mempool):
                return BroadcastResult(h, 19, "sdk", "tx already in mempool")
            if self.refuse_code:
                return BroadcastResult(h, self.refuse_code, "sdk", "insufficient funds")
            tx = self._decode(raw, h)
            expected = self.sequences.get(tx.signer, 0) + sum(
                1 for t in self.mempool if t.signer == tx.signer
            )
            if tx.sequence != expected:
                return BroadcastResult(
                    h,
                    32,
                    "sdk",
                    f"account sequence mismatch, expected {expected}, got {tx.sequence}",
                )
            # CheckTx runs at the last committed height: a tx whose timeout height is that
            # height is still accepted (and can only fail in the next block)
            if tx.timeout_height and self.height > tx.timeout_height:
                return BroadcastResult(h, 30, "sdk", "tx timeout height")
            self.mempool.append(tx)
            return BroadcastResult(h, 0)

    def tx(self, txhash: str) -> TxOutcome | None:
        return self.outcomes.get(txhash) if self.indexing else None

    # -- the chain ---------------------------------------------------------------------------
    @staticmethod
    def _decode(raw: bytes, h: str) -> PendingTx:
        txr = tx_pb2.TxRaw.FromString(raw)
        body = tx_pb2.TxBody.FromString(txr.body_bytes)
        auth = tx_pb2.AuthInfo.FromString(txr.auth_info_bytes)
        info = auth.signer_infos[0]
        pubkey = PubKey.FromString(info.public_key.value).key
        msgs = []
        for anym in body.messages:
            cls = {
                "/zrchain.treasury.MsgFulfilKeyRequest": ttx.MsgFulfilKeyRequest,
                "/zrchain.treasury.MsgFulfilSignatureRequest": ttx.MsgFulfilSignatureRequest,
            }[anym.type_url]
            msgs.append(cls.FromString(anym.value))
        return PendingTx(
            raw, h, keys.account_address(pubkey), pubkey, info.sequence, body.timeout_height, msgs
        )

    def drop_mempool(self) -> None:
        """A node restart: the mempool is gone."""
        self.mempool.clear()

    def inject_foreign_tx(self, signer: str) -> None:
        """Someone else used the party's account: a tx with the next sequence in the mempool."""
        seq = self.sequences[signer] + sum(1 for t in self.mempool if t.signer == signer)
        self.mempool.append(PendingTx(b"", f"FOREIGN{seq}", signer, b"", seq, 0, []))

    def commit(self, before: Any = None) -> int:
        """One block: ``before()`` runs first (e.g. other parties' answers), then the mempool."""
        with self._lock:
            self.height += 1
            if before is not None:
                before()
            for tx in list(self.mempool):
                self.mempool.remove(tx)
                if tx.txhash in self.censored:
                    continue
                if tx.timeout_height and self.height > tx.timeout_height:
                    # the SDK's ante fails it in the block: included, sequence not used
                    self.included.append(tx)
                    self.outcomes[tx.txhash] = TxOutcome(
                        self.height,
                        30,
                        f"block height: {self.height}, timeout height: {tx.timeout_height}: "
                        "tx timeout height",
                    )
                    continue
                if tx.sequence != self.sequences.get(tx.signer, 0):
                    continue
                self.sequences[tx.signer] += 1
                self.included.append(tx)
                snapshot = {k: _copy(v) for k, v in self.requests.items()}
                keys_snapshot = dict(self.keys)
                try:
                    for i, msg in enumerate(tx.msgs):
                        try:
                            self._apply(tx, msg)
                        except ValueError as exc:
                            raise ValueError(
                                f"failed to execute message; message index: {i}: {exc}"
                            ) from None
                except ValueError as exc:
                    self.requests, self.keys = snapshot, keys_snapshot
                    self.outcomes[tx.txhash] = TxOutcome(self.height, 1, str(exc))
                else:
                    self.outcomes[tx.txhash] = TxOutcome(self.height, 0, "")
            return self.height

    def _apply(self, tx: PendingTx, msg: Any) -> None:
        kind = (
            RequestKind.KEY if isinstance(msg, ttx.MsgFulfilKeyRequest) else RequestKind.SIGNATURE
        )
        req = self.requests.get((kind, msg.request_id))
        if req is None:
            raise ValueError("request not found")
        if msg.creator != tx.signer or msg.creator not in self.keyring_info.parties:
            raise ValueError("only a party of the keyring can respond")
        if req.status not in (Status.PENDING, Status.PARTIAL):
            raise ValueError(f"request {req.status.name} is not pending/partial")
        if msg.creator in req.answered_by:
            raise ValueError(f"party {msg.creator} already sent a fulfilment")
        if req.id in self.poisoned:
            raise ValueError("poisoned request")
        rejected = msg.status == 4
        result = (
            msg.reject_reason.encode()
            if rejected
            else (msg.key.public_key if kind == RequestKind.KEY else msg.signed_data)
        )
        if not verify_party_signature(
            tx.pubkey, msg.keyring_party_signature, self.chain_id, str(kind), req.id, result
        ):
            raise ValueError("invalid party signature")
        if rejected:
            req.status, req.reject_reason = Status.REJECTED, msg.reject_reason
            return
        if kind == RequestKind.KEY:
            if req.result and req.result != result:
                raise ValueError("public key mismatch")
        else:
            if req.children:
                raise ValueError("answer the children")
            key = self.keys[req.key_ids[0]]
            sig = (
                bitcoin_signature_to_der(result)
                if key.key_type == KeyType.KEY_TYPE_BITCOIN_SECP256K1
                else result
            )
            verify_signature(key.key_type, key.public_key, req.data[0], sig)
        req.result = req.result or result
        req.answered_by.append(msg.creator)
        if len(req.answered_by) >= self.keyring_info.threshold:
            req.status = Status.FULFILLED
            if kind == RequestKind.KEY:
                self.add_key(req.id, req.key_type, result)
        else:
            req.status = Status.PARTIAL

    # -- observation -------------------------------------------------------------------------
    def answers_by(
        self, party: str, kind: RequestKind, request_id: int, committed_only: bool = False
    ) -> int:
        """How many fulfil msgs ``party`` got into blocks for a request (failed txs too)."""
        n = 0
        for tx in self.included:
            if committed_only and self.outcomes[tx.txhash].code != 0:
                continue
            for msg in tx.msgs:
                is_key = isinstance(msg, ttx.MsgFulfilKeyRequest)
                if (RequestKind.KEY if is_key else RequestKind.SIGNATURE) == kind and (
                    msg.request_id == request_id and msg.creator == party
                ):
                    n += 1
        return n


def _copy(r: FakeRequest) -> FakeRequest:
    return FakeRequest(**{**r.__dict__, "answered_by": list(r.answered_by)})


_UNUSED = (key_pb2, mpcsign_pb2)
