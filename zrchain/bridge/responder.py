"""Direct-mode answers and relaying of signed transactions.

For every forwarded request that needs a follow-up (Direct: a key or signature answer on the
contract; any mode: a `broadcast=true` transaction to relay), the responder polls zrChain
until the request is FULFILLED, then

* key: calls `zrKeyRes` with the wallet address zrChain derived (ZrSignKeys) and an
  authSignature by the network's MPC_ROLE key;
* signature: relays the assembled transaction to its destination network first (when asked),
  then calls `zrSignRes` with the signature (65 bytes r||s||v, v as 27/28 so `ecrecover`
  takes it as is) and, as `metaData`, the relayed transaction's hash (empty otherwise).

Every action is checked against the contract / destination first, so two bridges, or a
restart after a crash between the EVM tx and the state save, answer once and relay once.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from eth_utils import keccak

from zrchain.bridge.evm_rpc import EvmRpc, RpcResponseError
from zrchain.bridge.gateway import Gateway
from zrchain.bridge.ingest import KeyIngest, SigIngest, ingest_from_json, unhx
from zrchain.bridge.logs import emit, get_logger
from zrchain.bridge.state import NetworkState
from zrchain.evm.contract import (
    SIG_REQ_ALREADY_PROCESSED,
    SIG_REQ_IN_PROGRESS,
    WALLET_REGISTERED,
    WALLET_REQUESTED,
    KeyResponse,
    SignResponse,
    ZrSignContract,
    ZrSignRevert,
)
from zrchain.x.treasury.sighash import TreasuryCryptoError, assemble_signed_evm_tx

MAX_ATTEMPTS = 20


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
        response_gas: int | None = None,
        timeout: float = 3600.0,
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
        self.timeout = timeout
        self.clock = clock
        self.log = logger or get_logger("responder")
        self._rpcs: dict[str, EvmRpc] = {}

    def step(self) -> None:
        """Advance every open follow-up by what zrChain and the EVM networks allow now."""
        for entry in list(self.state.responses):
            entry.setdefault("since", self.clock())
            try:
                finished = self._advance(entry)
            except Exception as exc:  # web3, RPC, zrChain, reverts: retried, never fatal
                entry["attempts"] = int(entry.get("attempts", 0)) + 1
                entry["last_error"] = f"{type(exc).__name__}: {exc}"
                emit(
                    self.log,
                    logging.WARNING,
                    "response_retry",
                    f"follow-up failed: {exc}",
                    network=self.label,
                    key=entry["key"],
                    attempts=entry["attempts"],
                )
                finished = entry["attempts"] >= MAX_ATTEMPTS
                if finished:
                    emit(
                        self.log,
                        logging.ERROR,
                        "response_failed",
                        "giving up on follow-up",
                        network=self.label,
                        key=entry["key"],
                        error=entry["last_error"],
                    )
            if not finished and self.clock() - float(entry["since"]) > self.timeout:
                emit(
                    self.log,
                    logging.ERROR,
                    "response_timeout",
                    "zrChain did not fulfil the request in time; giving up",
                    network=self.label,
                    key=entry["key"],
                )
                finished = True
            if finished:
                self.state.responses.remove(entry)
                self.state.add_history(
                    {k: v for k, v in entry.items() if k != "item"}
                    | {"origin_tx": entry["item"]["origin"]["tx_hash"], "at": time.time()}
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
        key = self.gateway.zr_sign_key(item.owner, item.coin_type, item.wallet_index)
        if key is None:
            return False
        wt = unhx(item.wallet_type_id)
        reg = self.contract.wallet_registry(wt, item.wallet_index, item.owner)
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
            emit(
                self.log,
                logging.WARNING,
                "key_unanswerable",
                "the contract has no such request",
                network=self.label,
                owner=item.owner,
                wallet_index=item.wallet_index,
            )
            return True
        if len(self.contract.zr_keys(wt, item.owner)) != item.wallet_index:
            return False  # an earlier index of this owner is answered first
        response = self.contract.sign_key_response(
            KeyResponse(wt, item.owner, item.wallet_index, key.address, reg.options), self.mpc_key
        )
        try:
            result = self.contract.zr_key_res(response, sender=self.sender, gas=self.response_gas)
        except ZrSignRevert:
            if (
                self.contract.wallet_registry(wt, item.wallet_index, item.owner).status
                == WALLET_REGISTERED
            ):
                return True  # another bridge answered first
            raise
        self.state.stats.responses += 1
        emit(
            self.log,
            logging.INFO,
            "key_response",
            "zrKeyRes sent",
            network=self.label,
            owner=item.owner,
            wallet_index=item.wallet_index,
            wallet=key.address,
            evm_tx=result.tx_hash,
        )
        return True

    def _sig(self, entry: dict[str, Any], item: SigIngest) -> bool:
        srid = entry.get("sign_request_id")
        if srid is None:
            srid = self.gateway.sign_request_id(item, entry.get("request_id"))
            if srid is None:
                return False
            entry["sign_request_id"] = srid
            self.save()
        status = self.gateway.signature(int(srid))
        if status is None or status.status == "pending":
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
            if not self._respond(item, signature, entry.get("relay_tx")):
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
        except TreasuryCryptoError as exc:
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
    def _respond(self, item: SigIngest, signature: bytes, relay_tx: str | None) -> bool:
        if self.contract is None or self.mpc_key is None:
            return True
        state = self.contract.request_state(item.trace_id)
        if state.status == SIG_REQ_ALREADY_PROCESSED:
            return True
        if state.status != SIG_REQ_IN_PROGRESS:
            emit(
                self.log,
                logging.WARNING,
                "sig_unanswerable",
                "the contract has no such request",
                network=self.label,
                trace_id=item.trace_id,
            )
            return True
        sig = bytes(signature)
        if len(sig) == 65 and sig[64] in (0, 1):
            sig = sig[:64] + bytes([sig[64] + 27])
        meta = unhx(relay_tx) if relay_tx else b""
        response = self.contract.sign_sign_response(
            SignResponse(item.trace_id, item.owner, meta, sig, item.broadcast), self.mpc_key
        )
        try:
            result = self.contract.zr_sign_res(response, sender=self.sender, gas=self.response_gas)
        except ZrSignRevert:
            if self.contract.request_state(item.trace_id).status == SIG_REQ_ALREADY_PROCESSED:
                return True
            raise
        self.state.stats.responses += 1
        emit(
            self.log,
            logging.INFO,
            "sig_response",
            "zrSignRes sent",
            network=self.label,
            trace_id=item.trace_id,
            evm_tx=result.tx_hash,
        )
        return True
