"""Answers written back to the contract, and relaying of signed transactions.

For every forwarded request that needs a follow-up (`state.responses`, a persistent queue),
the responder polls zrChain until the request is FULFILLED, then

* key: calls `zrKeyRes` with the wallet address zrChain derived (ZrSignKeys) and an
  authSignature by the network's MPC_ROLE key (Direct mode; and on a zrsign-v1 contract in
  Omni mode too, which accepts signature requests only for registered keys);
* signature: relays the assembled transaction to its destination network first (when asked),
  then (Direct) calls `zrSignRes` with the signature (65 bytes r||s||v, v as 27/28 so
  `ecrecover` takes it as is) and, as `metaData`, the relayed transaction's hash.

The authSignature payload and the gas limit follow the contract's flavour
(zrchain.evm.flavours): a zrsign-v1 response is sent with the contract's own `respGas`, read
on chain, never more.

Never dropped, never sent twice: a response transaction is signed, recorded in the state file
and only then broadcast; until it is mined as deep as the network's `confirmations` (a reorg
can drop it before), only those bytes are rebroadcast. Failures are
retried with exponential back-off; a revert (the contract refusing the answer for good) and a
request zrChain never fulfils are moved to `state.dead_letters` with the reason, reported
once, and shown by `evm-bridge status` until an operator requeues them.
"""

from __future__ import annotations

import logging
import random
import re
import time
from collections.abc import Callable
from typing import Any

from eth_utils import keccak
from web3.exceptions import TimeExhausted, TransactionNotFound

from evm_bridge.evm_rpc import EvmRpc, RpcResponseError
from evm_bridge.gateway import Gateway
from evm_bridge.ingest import KeyIngest, SigIngest, ingest_from_json, unhx
from evm_bridge.logs import emit, get_logger
from evm_bridge.state import NetworkState
from zrchain.chains.errors import ChainDataError
from zrchain.chains.evm import assemble_signed_evm_tx
from zrchain.evm.contract import KeyResponse, SignResponse, ZrSignContract, ZrSignRevert, simulate
from zrchain.evm.ids import (
    SIG_REQ_ALREADY_PROCESSED,
    SIG_REQ_IN_PROGRESS,
    WALLET_REGISTERED,
    WALLET_REQUESTED,
)

#: Gas limit of responses to our contract unless the network config sets one. It meters its
#: refund from its own entry, so a generous limit costs nothing extra.
DEFAULT_RESPONSE_GAS = 500_000
#: Back-off between attempts of one follow-up: 1 s, 2 s, 4 s ... at most 5 min, ±25 % jitter.
BACKOFF_BASE, BACKOFF_CAP = 1.0, 300.0
#: Reverts that say "not now" rather than "never": retried with back-off.
TRANSIENT_REVERTS = frozenset({"EnforcedPause"})
#: How nodes word a dry run that ran out of gas (not a revert: there is no revert data).
_OUT_OF_GAS = re.compile(r"out ?of ?gas", re.IGNORECASE)


class Refused(Exception):
    """The contract refuses this answer for good; `error` is the decoded custom error name."""

    def __init__(self, error: str, reason: str) -> None:
        super().__init__(reason)
        self.error = error
        self.reason = reason


def backoff_delay(failures: int, rng: random.Random | None = None) -> float:
    delay = min(BACKOFF_CAP, BACKOFF_BASE * 2 ** max(0, failures - 1))
    return delay * (0.75 + 0.5 * (rng or random).random())


class Responder:
    """Works through `state.responses` of one network."""

    def __init__(
        self,
        *,
        label: str,
        state: NetworkState,
        save: Callable[[], None],
        gateway: Gateway,
        contract: ZrSignContract | None = None,
        mpc_key: bytes | None = None,
        sender: Any = None,
        rpc_for: Callable[[str], str | None] = lambda caip2: None,
        response_gas: int = 0,
        confirmations: int = 0,
        timeout: float = 3600.0,
        receipt_wait: float = 5.0,
        clock: Callable[[], float] = time.time,
        logger: logging.Logger | None = None,
    ) -> None:
        self.label = label
        self.state = state
        self.save = save
        self.gateway = gateway
        self.contract = contract
        self.mpc_key = mpc_key
        self.sender = sender
        self.rpc_for = rpc_for
        self.response_gas = response_gas
        self.confirmations = confirmations
        self.timeout = timeout
        self.receipt_wait = receipt_wait
        self.clock = clock
        self.log = logger or get_logger("responder")
        self._rpcs: dict[str, EvmRpc] = {}

    def step(self) -> None:
        """Advance every due follow-up by what zrChain and the EVM networks allow now."""
        for entry in list(self.state.responses):
            now = self.clock()
            entry.setdefault("since", now)
            if float(entry.get("next_at", 0.0)) > now:
                continue
            try:
                finished = self._advance(entry)
            except Refused as exc:
                self.state.stats.responses_refused += 1
                self._dead_letter(entry, exc.reason, exc.error, "response_refused")
                continue
            except Exception as exc:  # web3, RPC, zrChain: retried with back-off, never fatal
                self._retry_later(entry, exc)
                continue
            entry.pop("failures", None)
            if finished:
                self._finish(entry)
            elif not entry.get("sent") and now - float(entry["since"]) > self.timeout:
                waiting = entry.get("waiting", "not answerable yet")
                reason = f"still waiting after {self.timeout:.0f}s: {waiting}"
                self._dead_letter(entry, reason, "Timeout", "response_timeout")

    # -- queue bookkeeping -----------------------------------------------------------------
    def _retry_later(self, entry: dict[str, Any], exc: Exception) -> None:
        failures = entry["failures"] = int(entry.get("failures", 0)) + 1
        entry["attempts"] = int(entry.get("attempts", 0)) + 1
        delay = backoff_delay(failures)
        entry["next_at"] = self.clock() + delay
        entry["last_error"] = f"{type(exc).__name__}: {exc}"
        emit(
            self.log,
            logging.WARNING,
            "response_retry",
            f"follow-up failed: {exc}; retrying in {delay:.1f}s",
            network=self.label,
            key=entry["key"],
            attempts=entry["attempts"],
            retry_in=round(delay, 2),
        )
        self.save()

    def _dead_letter(self, entry: dict[str, Any], reason: str, error: str, event: str) -> None:
        self.state.responses.remove(entry)
        entry.pop("next_at", None)
        self.state.dead_letters.append(
            entry | {"reason": reason, "error": error, "dead_at": self.clock()}
        )
        emit(
            self.log,
            logging.ERROR,
            event,
            f"follow-up moved to the dead-letter list: {reason}",
            network=self.label,
            key=entry["key"],
            error=error,
            origin_tx=entry["item"]["origin"]["tx_hash"],
        )
        self.save()

    def _finish(self, entry: dict[str, Any]) -> None:
        self.state.responses.remove(entry)
        keep = {k: v for k, v in entry.items() if k not in ("item", "sent", "next_at")}
        self.state.add_history(
            keep | {"origin_tx": entry["item"]["origin"]["tx_hash"], "at": self.clock()}
        )
        self.save()

    # -- dispatch --------------------------------------------------------------------------
    def _advance(self, entry: dict[str, Any]) -> bool:
        item = ingest_from_json(entry["item"])
        if isinstance(item, KeyIngest):
            return self._key(entry, item)
        assert isinstance(item, SigIngest)
        return self._sig(entry, item)

    def _key(self, entry: dict[str, Any], item: KeyIngest) -> bool:
        if self.contract is None or self.mpc_key is None:
            return True
        contract = self.contract
        wt = unhx(item.wallet_type_id)

        def registered() -> bool:
            reg = contract.wallet_registry(wt, item.wallet_index, item.owner)
            return reg.status == WALLET_REGISTERED

        if entry.get("sent"):
            return self._track(entry, registered)
        key = self.gateway.zr_sign_key(item.owner, item.coin_type, item.wallet_index)
        if key is None:
            entry["waiting"] = "the key is not generated on zrChain yet"
            return False
        reg = contract.wallet_registry(wt, item.wallet_index, item.owner)
        if reg.status == WALLET_REGISTERED:
            emit(
                self.log,
                logging.INFO,
                "key_answered",
                "key already registered on the contract",
                network=self.label,
                owner=item.owner,
                wallet_index=item.wallet_index,
            )
            return True
        if reg.status != WALLET_REQUESTED:
            raise Refused("NotRequested", "the contract has no request for this key slot")
        if len(contract.zr_keys(wt, item.owner)) != item.wallet_index:
            entry["waiting"] = "an earlier index of this owner is registered first"
            return False
        response = contract.sign_key_response(
            KeyResponse(wt, item.owner, item.wallet_index, key.address, reg.options), self.mpc_key
        )
        entry["wallet"] = key.address
        return self._send(entry, "zrKeyRes", response.as_tuple(), registered)

    def _sig(self, entry: dict[str, Any], item: SigIngest) -> bool:
        srid = entry.get("sign_request_id")
        if srid is None:
            srid = self.gateway.sign_request_id(item, entry.get("request_id"))
            if srid is None:
                entry["waiting"] = "the signature request is not on zrChain yet"
                return False
            entry["sign_request_id"] = srid
            self.save()
        status = self.gateway.signature(int(srid))
        if status is None or status.status == "pending":
            entry["waiting"] = "zrChain has not fulfilled the signature request yet"
            return False
        if status.status == "rejected":
            emit(
                self.log,
                logging.ERROR,
                "sign_rejected",
                f"zrChain rejected the signature request: {status.reason}",
                network=self.label,
                trace_id=item.trace_id,
                sign_request=srid,
            )
            return True
        if not status.signatures:
            raise ValueError(f"sign request {srid} is fulfilled without a signature")
        signature = status.signatures[0]
        if entry.get("relay") and not entry.get("relay_tx"):
            relayed = self._relay(item, signature)
            if relayed is None:
                entry["relay"] = False  # nowhere to send it: answer without
            else:
                entry["relay_tx"] = relayed
                self.save()
        if entry.get("respond") and not entry.get("responded"):
            if not self._respond(entry, item, signature):
                return False
            entry["responded"] = True
        return True

    # -- relaying --------------------------------------------------------------------------
    def _rpc(self, caip2: str) -> EvmRpc | None:
        if caip2 not in self._rpcs:
            url = self.rpc_for(caip2)
            if url is None:
                return None
            self._rpcs[caip2] = EvmRpc(url)
        return self._rpcs[caip2]

    def _relay(self, item: SigIngest, signature: bytes) -> str | None:
        rpc = self._rpc(item.dst_caip2)
        if rpc is None or item.coin_type != 60:
            emit(
                self.log,
                logging.ERROR,
                "relay_impossible",
                f"no RPC configured for destination {item.dst_caip2}",
                network=self.label,
                trace_id=item.trace_id,
            )
            return None
        pubkey = b""
        key = self.gateway.zr_sign_key(item.owner, item.coin_type, item.wallet_index)
        if key is not None:
            pubkey = key.public_key
        try:
            raw = assemble_signed_evm_tx(
                item.tx_payload, signature, chain_id=item.dst_evm_chain_id, pubkey=pubkey or None
            )
        except ChainDataError as exc:
            emit(
                self.log,
                logging.ERROR,
                "relay_impossible",
                f"cannot assemble the tx: {exc}",
                network=self.label,
                trace_id=item.trace_id,
            )
            return None
        tx_hash = "0x" + keccak(raw).hex()
        if rpc.transaction(tx_hash) is None:
            try:
                rpc.send_raw_transaction(raw)
            except RpcResponseError as exc:
                if rpc.transaction(tx_hash) is None:
                    raise  # not a duplicate send: retry later
                emit(self.log, logging.DEBUG, "relay_known", str(exc), tx=tx_hash)
        self.state.stats.relayed += 1
        emit(
            self.log,
            logging.INFO,
            "relayed",
            "signed transaction sent to its destination",
            network=self.label,
            trace_id=item.trace_id,
            dst=item.dst_caip2,
            dst_tx=tx_hash,
        )
        return tx_hash

    # -- answering ---------------------------------------------------------------------------
    def _respond(self, entry: dict[str, Any], item: SigIngest, signature: bytes) -> bool:
        if self.contract is None or self.mpc_key is None:
            return True
        contract = self.contract

        def processed() -> bool:
            return contract.request_state(item.trace_id).status == SIG_REQ_ALREADY_PROCESSED

        if entry.get("sent"):
            return self._track(entry, processed)
        state = contract.request_state(item.trace_id)
        if state.status == SIG_REQ_ALREADY_PROCESSED:
            return True
        if state.status != SIG_REQ_IN_PROGRESS:
            why = f"the contract has no request with traceId {item.trace_id}"
            raise Refused("NotRequested", why)
        sig = bytes(signature)
        if len(sig) == 65 and sig[64] in (0, 1):
            sig = sig[:64] + bytes([sig[64] + 27])
        meta = unhx(entry["relay_tx"]) if entry.get("relay_tx") else b""
        response = contract.sign_sign_response(
            SignResponse(item.trace_id, item.owner, meta, sig, item.broadcast), self.mpc_key
        )
        return self._send(entry, "zrSignRes", response.as_tuple(), processed)

    # -- response transactions ---------------------------------------------------------------
    def gas_limit(self) -> int:
        """The gas limit of a response: the contract's `respGas` where the refund underflows
        above it (never more; lower only if the config says so), else the configured one."""
        assert self.contract is not None
        if not self.contract.flavour.gas_limited_by_resp_gas:
            return self.response_gas or DEFAULT_RESPONSE_GAS
        resp_gas = self.contract.resp_gas()
        if resp_gas <= 0:
            raise RuntimeError("the contract's respGas is 0: no response can be refunded yet")
        return min(resp_gas, self.response_gas) if self.response_gas else resp_gas

    def _send(
        self, entry: dict[str, Any], fn_name: str, args: tuple[Any, ...], done: Callable[[], bool]
    ) -> bool:
        """Dry-run the response, sign it, record it in the state file, then broadcast it."""
        contract = self.contract
        assert contract is not None and self.sender is not None
        gas = self.gas_limit()
        fn = getattr(contract.contract.functions, fn_name)(args)
        call = {
            "from": self.sender.address,
            "to": contract.address,
            "data": contract.contract.encode_abi(fn_name, args=[args]),
            "gas": gas,
        }
        try:
            simulate(contract.w3, call)
        except ZrSignRevert as exc:
            if done():
                return True  # answered meanwhile (another bridge)
            if exc.name in TRANSIENT_REVERTS:
                raise RuntimeError(f"the contract refuses for now: {exc.describe()}") from None
            raise Refused(exc.name, f"{fn_name} reverted: {exc.describe()}") from None
        except Exception as exc:
            if not _OUT_OF_GAS.search(str(exc)):
                raise
            limit = "the contract's respGas" if contract.flavour.gas_limited_by_resp_gas else ""
            raise Refused(
                "OutOfGas",
                f"{fn_name} needs more than {gas} gas ({limit or 'response_gas'}); "
                "raise it, then requeue",
            ) from None
        w3 = contract.w3
        nonce = w3.eth.get_transaction_count(self.sender.address, "pending")
        tx = fn.build_transaction(
            {"from": self.sender.address, "nonce": nonce, "gas": gas, "chainId": w3.eth.chain_id}
        )
        raw = bytes(self.sender.sign_transaction(tx).raw_transaction)
        entry["sent"] = {
            "fn": fn_name,
            "tx": "0x" + keccak(raw).hex(),
            "raw": "0x" + raw.hex(),
            "nonce": nonce,
            "gas": gas,
            "at": self.clock(),
        }
        self.state.stats.responses_sent += 1
        self.save()
        return self._track(entry, done)

    def _track(self, entry: dict[str, Any], done: Callable[[], bool]) -> bool:
        """Follow the recorded response transaction until it is mined or its nonce is taken."""
        assert self.contract is not None and self.sender is not None
        w3 = self.contract.w3
        sent = entry["sent"]
        receipt = _canonical_receipt(w3, sent["tx"])
        if receipt is None:
            if _known(w3, sent["tx"]):
                entry["waiting"] = "the response transaction is pending"
                return False
            if w3.eth.get_transaction_count(self.sender.address, "latest") > sent["nonce"]:
                # Another transaction took the nonce and ours can no longer be mined.
                del entry["sent"]
                self.save()
                return done()
            try:
                w3.eth.send_raw_transaction(unhx(sent["raw"]))
            except Exception:
                if not _known(w3, sent["tx"]):
                    raise
            try:
                receipt = w3.eth.wait_for_transaction_receipt(
                    sent["tx"], timeout=self.receipt_wait, poll_latency=0.1
                )
            except TimeExhausted:
                entry["waiting"] = "the response transaction is pending"
                return False
        if receipt["status"] == 1 and self.confirmations:
            # A reorg may still drop it: the entry (and the signed bytes) stay until it is
            # as deep as the network's confirmation depth.
            depth = int(w3.eth.block_number) - int(receipt["blockNumber"])
            if depth < self.confirmations:
                entry["waiting"] = (
                    f"the response is mined; {self.confirmations - depth} more confirmations"
                )
                return False
        return self._settle(entry, receipt, done)

    def _settle(self, entry: dict[str, Any], receipt: Any, done: Callable[[], bool]) -> bool:
        sent = entry.pop("sent")
        self.save()
        fn_name = sent["fn"]
        if receipt["status"] != 1:
            if done():
                return True  # lost a race with another answer: nothing to do
            raise RuntimeError(
                f"{fn_name} {sent['tx']} failed on chain (gas used {receipt['gasUsed']} of "
                f"{sent['gas']}); sending it again"
            )
        self.state.stats.responses_accepted += 1
        entry.update(
            evm_tx=sent["tx"],
            fn=fn_name,
            gas_used=int(receipt["gasUsed"]),
            gas_limit=int(sent["gas"]),
        )
        emit(
            self.log,
            logging.INFO,
            "key_response" if fn_name == "zrKeyRes" else "sig_response",
            f"{fn_name} accepted",
            network=self.label,
            key=entry["key"],
            evm_tx=sent["tx"],
            gas_used=entry["gas_used"],
            gas_limit=entry["gas_limit"],
        )
        return True


def _canonical_receipt(w3: Any, tx_hash: str) -> Any:
    """The receipt, unless there is none or its block is no longer the canonical one (a node
    may still serve the receipt of a transaction a reorg just removed)."""
    try:
        receipt = w3.eth.get_transaction_receipt(tx_hash)
    except TransactionNotFound:
        return None
    try:
        block = w3.eth.get_block(receipt["blockNumber"])
    except Exception:  # BlockNotFound: the chain is shorter now
        return None
    return receipt if bytes(block["hash"]) == bytes(receipt["blockHash"]) else None


def _known(w3: Any, tx_hash: str) -> bool:
    try:
        w3.eth.get_transaction(tx_hash)
        return True
    except TransactionNotFound:
        return False
