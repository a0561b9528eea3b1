"""A chain client over CometBFT RPC: typed queries (abci_query with gRPC paths, like the
SDK CLI), accounts, gas simulation, broadcasting and waiting for inclusion."""

from __future__ import annotations

import base64
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, TypeVar

from cosmpy.protos.cosmos.auth.v1beta1 import query_pb2 as auth_q
from cosmpy.protos.cosmos.base.abci.v1beta1 import abci_pb2 as sdk_abci
from cosmpy.protos.cosmos.tx.v1beta1 import service_pb2 as tx_svc
from cosmpy.protos.cosmos.tx.v1beta1 import tx_pb2
from google.protobuf.message import Message

from zrchain.client.rpc import CometRPC, RPCError
from zrchain.client.tx import Signer, build_tx, tx_hash
from zrchain.codec.coins import Coin, Coins, parse_coins, parse_dec_coins

M = TypeVar("M", bound=Message)


class QueryFailed(RuntimeError):
    def __init__(self, code: int, codespace: str, log: str) -> None:
        self.code, self.codespace, self.log = code, codespace, log
        super().__init__(log)


class TxFailed(RuntimeError):
    """A tx was rejected (CheckTx or execution); ``response`` is the TxResponse."""

    def __init__(self, response: sdk_abci.TxResponse) -> None:
        self.response = response
        super().__init__(
            f"tx {response.txhash} failed with code {response.code} "
            f"({response.codespace}): {response.raw_log}"
        )


@dataclass
class Account:
    number: int
    sequence: int


@dataclass
class TxOptions:
    """The SDK CLI's fee/gas flags."""

    gas: int | None = 200_000  # None: simulate ("auto")
    gas_adjustment: float = 1.0
    gas_prices: str = ""
    fees: str = ""
    memo: str = ""
    timeout_height: int = 0
    fee_payer: str = ""
    fee_granter: str = ""
    account_number: int | None = None
    sequence: int | None = None


def rpc_tx_response(res: dict[str, Any], timestamp: str = "") -> sdk_abci.TxResponse:
    """TxResponse from CometBFT's ``tx`` RPC result (and its block's time)."""
    r = res.get("tx_result", {})
    raw = base64.b64decode(res.get("tx", ""))
    out = sdk_abci.TxResponse(
        height=int(res.get("height", 0)),
        txhash=str(res.get("hash", "")).upper(),
        codespace=r.get("codespace", ""),
        code=int(r.get("code", 0)),
        data=base64.b64decode(r.get("data") or "").hex().upper(),
        raw_log=r.get("log", ""),
        info=r.get("info", ""),
        gas_wanted=int(r.get("gas_wanted", 0)),
        gas_used=int(r.get("gas_used", 0)),
        timestamp=timestamp,
    )
    if raw:
        try:
            tx = tx_pb2.Tx.FromString(raw)
            out.tx.Pack(tx, type_url_prefix="/")
        except Exception:  # an undecodable tx is still reported with its result
            pass
    for ev in r.get("events", []) or []:
        e = out.events.add(type=ev.get("type", ""))
        for a in ev.get("attributes", []) or []:
            e.attributes.add(
                key=a.get("key", ""), value=a.get("value", ""), index=bool(a.get("index", False))
            )
    return out


class ChainClient:
    def __init__(
        self, node: str = "tcp://127.0.0.1:26657", chain_id: str = "", timeout: float = 10.0
    ) -> None:
        self.rpc = CometRPC(node, timeout=timeout)
        self._chain_id = chain_id

    @property
    def chain_id(self) -> str:
        if not self._chain_id:
            self._chain_id = self.rpc.status()["node_info"]["network"]
        return self._chain_id

    # -- queries -----------------------------------------------------------------------
    def query_raw(self, method: str, data: bytes, height: int = 0) -> bytes:
        res = self.rpc.abci_query(method, data, height=height)
        code = int(res.get("code", 0))
        if code:
            raise QueryFailed(code, res.get("codespace", ""), res.get("log", ""))
        return base64.b64decode(res.get("value") or "")

    def query(
        self, method: str, request: Message, response_cls: type[M], height: int = 0
    ) -> M:
        return response_cls.FromString(self.query_raw(method, request.SerializeToString(), height))

    def account(self, address: str) -> Account | None:
        try:
            res = self.query(
                "/cosmos.auth.v1beta1.Query/Account",
                auth_q.QueryAccountRequest(address=address),
                auth_q.QueryAccountResponse,
            )
        except QueryFailed as exc:
            if exc.code == 22 or "not found" in exc.log:
                return None
            raise
        from zrchain.x.auth.keeper import decode_account

        acc = decode_account(res.account.SerializeToString())
        return Account(acc.number, acc.sequence)

    def simulate(self, tx_bytes: bytes) -> int:
        res = self.query(
            "/cosmos.tx.v1beta1.Service/Simulate",
            tx_svc.SimulateRequest(tx_bytes=tx_bytes),
            tx_svc.SimulateResponse,
        )
        return int(res.gas_info.gas_used)

    # -- txs ---------------------------------------------------------------------------
    def broadcast(self, tx_bytes: bytes, mode: str = "sync") -> sdk_abci.TxResponse:
        """TxResponse of a sync/async broadcast (CheckTx result for sync)."""
        h = tx_hash(tx_bytes)
        try:
            res = (
                self.rpc.broadcast_tx_async(tx_bytes)
                if mode == "async"
                else self.rpc.broadcast_tx_sync(tx_bytes)
            )
        except RPCError as exc:
            text = f"{exc.message} {exc.data}"
            for needle, code, log in (
                ("tx already exists in cache", 19, "tx already in mempool"),
                ("mempool is full", 20, "mempool is full"),
                ("too large", 21, "tx too large"),
            ):
                if needle in text:
                    return sdk_abci.TxResponse(
                        txhash=h,
                        code=code,
                        codespace="sdk",
                        raw_log=f"{exc.data or exc.message}: {log}",
                    )
            raise
        return sdk_abci.TxResponse(
            txhash=str(res.get("hash", h)).upper(),
            code=int(res.get("code", 0)),
            codespace=res.get("codespace", ""),
            raw_log=res.get("log", ""),
            data=base64.b64decode(res.get("data") or "").hex().upper(),
        )

    def get_tx(self, txhash: str) -> sdk_abci.TxResponse | None:
        try:
            res = self.rpc.tx(bytes.fromhex(txhash))
        except RPCError as exc:
            if "not found" in f"{exc.message} {exc.data}":
                return None
            raise
        block = self.rpc.block(int(res["height"]))
        return rpc_tx_response(res, block["block"]["header"]["time"])

    def wait_tx(
        self, txhash: str, timeout: float = 30.0, interval: float = 0.2
    ) -> sdk_abci.TxResponse:
        deadline = time.monotonic() + timeout
        while True:
            r = self.get_tx(txhash)
            if r is not None:
                return r
            if time.monotonic() > deadline:
                raise TimeoutError(f"tx {txhash} not included after {timeout}s")
            time.sleep(interval)

    def build_signed(
        self,
        msgs: Sequence[Message],
        signer_address: str,
        pubkey: bytes,
        sign: Signer,
        opts: TxOptions,
    ) -> bytes:
        """Account look-up, gas (fixed or simulated), fee, signature."""
        if opts.account_number is None or opts.sequence is None:
            acc = self.account(signer_address)
            if acc is None:
                raise QueryFailed(22, "sdk", f"account {signer_address} not found: key not found")
            number = acc.number if opts.account_number is None else opts.account_number
            sequence = acc.sequence if opts.sequence is None else opts.sequence
        else:
            number, sequence = opts.account_number, opts.sequence

        def make(gas: int, fee: Coins) -> bytes:
            return build_tx(
                msgs,
                pubkey=pubkey,
                sequence=sequence,
                account_number=number,
                chain_id=self.chain_id,
                sign=sign,
                fee=fee,
                gas_limit=gas,
                memo=opts.memo,
                timeout_height=opts.timeout_height,
                fee_payer=opts.fee_payer,
                fee_granter=opts.fee_granter,
            )

        gas = opts.gas
        if gas is None:
            used = self.simulate(make(0, Coins()))
            gas = int(Fraction(used) * Fraction(str(opts.gas_adjustment)))
        return make(gas, fee_for(gas, opts))

    def send(
        self,
        msgs: Sequence[Message],
        signer_address: str,
        pubkey: bytes,
        sign: Signer,
        opts: TxOptions | None = None,
        wait: bool = True,
        mode: str = "sync",
        timeout: float = 30.0,
    ) -> sdk_abci.TxResponse:
        """Sign, broadcast and (by default) wait for the tx; raises TxFailed on a non-zero code."""
        raw = self.build_signed(msgs, signer_address, pubkey, sign, opts or TxOptions())
        res = self.broadcast(raw, mode)
        if res.code != 0:
            raise TxFailed(res)
        if not wait:
            return res
        final = self.wait_tx(res.txhash, timeout)
        if final.code != 0:
            raise TxFailed(final)
        return final


def fee_for(gas: int, opts: TxOptions) -> Coins:
    if opts.fees:
        return parse_coins(opts.fees)
    if opts.gas_prices:
        return Coins.of(
            Coin(p.denom, math.ceil(p.amount * gas)) for p in parse_dec_coins(opts.gas_prices)
        )
    return Coins()


def wait_for(predicate: Callable[[], bool], timeout: float, interval: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()
