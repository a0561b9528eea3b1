"""The bridge daemon: one thread per watched network (follower + responder), all sending to
zrChain through one gateway (one signer, one sequence). It binds no port.

A thread never dies of an error: EVM RPC failures, zrChain outages and bugs alike are
logged and retried with exponential backoff (with jitter), so one bad network or node
never stops the others.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from evm_bridge.config import BridgeConfig, ConfigError, NetworkConfig
from evm_bridge.contract_check import ContractMismatch, check_contract
from evm_bridge.evm_rpc import EvmRpc, RpcError
from evm_bridge.follower import Follower, RangeRetry
from evm_bridge.gateway import ChainGateway, Gateway, GatewayUnavailable
from evm_bridge.ingest import SigIngest, Translator, decode_simple_tx, unhx
from evm_bridge.logs import emit, get_logger
from evm_bridge.pipeline import Pipeline
from evm_bridge.responder import Responder
from evm_bridge.state import DirLock, NetworkState, StateStore, state_file
from zrchain.evm.simple_tx import simple_tx_unsigned


@dataclass
class Backoff:
    """0.5 s, 1 s, 2 s ... up to `cap`, each with ±25 % jitter; reset on success."""

    base: float = 0.5
    cap: float = 30.0
    failures: int = 0
    rng: random.Random = field(default_factory=random.Random)

    def next(self) -> float:
        delay = min(self.cap, self.base * (2**self.failures))
        self.failures += 1
        return delay * (0.75 + 0.5 * self.rng.random())

    def reset(self) -> None:
        self.failures = 0


class NonceBook:
    """Nonces handed to converted simple-tx requests, per (destination, wallet)."""

    def __init__(self) -> None:
        self._next: dict[tuple[str, str], int] = {}
        self._lock = threading.Lock()

    def take(self, caip2: str, address: str, chain_nonce: int) -> int:
        with self._lock:
            key = (caip2, address.lower())
            nonce = max(chain_nonce, self._next.get(key, 0))
            self._next[key] = nonce + 1
            return nonce


def simple_tx_converter(
    rpc_for: Callable[[str], str | None], nonces: NonceBook
) -> Callable[[SigIngest, str], str]:
    """Turn a zrSignSimpleTx `(to, value, data)` into an unsigned EIP-1559 transaction from
    the MPC wallet, with nonce and fees read from the destination network."""

    def convert(item: SigIngest, wallet: str) -> str:
        simple = decode_simple_tx(unhx(item.payload))
        chain = item.dst_evm_chain_id
        url = rpc_for(item.dst_caip2)
        if chain is None or url is None:
            raise ValueError(f"no RPC configured for destination {item.dst_caip2}")
        rpc = EvmRpc(url)
        latest = rpc.call("eth_getBlockByNumber", ["latest", False])
        base_fee = int(latest.get("baseFeePerGas", "0x0"), 16)
        try:
            tip = int(rpc.call("eth_maxPriorityFeePerGas"), 16)
        except RpcError:
            tip = 10**9
        if simple.data:
            call = {"from": wallet, "to": simple.to, "data": "0x" + simple.data.hex()}
            gas = int(int(rpc.call("eth_estimateGas", [call]), 16) * 5 // 4)
        else:
            gas = 21_000
        nonce = nonces.take(item.dst_caip2, wallet, rpc.nonce(wallet))
        unsigned = simple_tx_unsigned(
            chain, simple, nonce=nonce, base_fee=base_fee, priority_fee=tip, gas=gas
        )
        return "0x" + unsigned.hex()

    return convert


def coin_lookup(rpc_url: str, contract: str) -> Callable[[str], int | None]:
    """Ask the contract (getWalletTypeInfo) for a walletTypeId's coin type."""
    from eth_abi import decode as abi_decode
    from eth_utils import keccak

    selector = keccak(text="getWalletTypeInfo(bytes32)")[:4]
    rpc = EvmRpc(rpc_url)

    def lookup(wt_id: str) -> int | None:
        out = rpc.eth_call(contract, selector + unhx(wt_id))
        purpose, coin = abi_decode(["uint256", "uint256"], out)
        return int(coin) if purpose else None

    return lookup


def network_web3(net: NetworkConfig) -> Any:
    from web3 import Web3

    return Web3(Web3.HTTPProvider(net.rpc_url, request_kwargs={"timeout": 30}))


class NetworkWorker(threading.Thread):
    """Follows one network and works through its follow-ups until stopped."""

    def __init__(
        self,
        net: NetworkConfig,
        config: BridgeConfig,
        gateway: Gateway,
        stop: threading.Event,
        nonces: NonceBook,
    ) -> None:
        super().__init__(name=f"bridge-{net.label}", daemon=True)
        self.net = net
        self.config = config
        self.gateway = gateway
        self.stop_event = stop
        self.nonces = nonces
        self.log = get_logger("worker")
        self.rpc = EvmRpc(net.rpc_url)
        self.store = StateStore(state_file(config.state_dir, net.caip2, net.contract))
        self.follower: Follower | None = None
        self.responder: Responder | None = None
        self.backoff = Backoff()
        self.mismatch: str | None = None
        #: The contract as checked at start (None: it could not be checked then).
        self.contract: Any = None

    def _pipeline(self, state: NetworkState, save: Callable[[], None]) -> Pipeline:
        translator = Translator(
            caip2=self.net.caip2,
            contract=self.net.contract,
            wallet_types=dict(state.wallet_types),
            chains=dict(state.chains),
            known_caip2=self.config.known_caip2(),
            lookup_coin=coin_lookup(self.net.rpc_url, self.net.contract),
        )
        return Pipeline(
            label=self.net.label,
            state=state,
            save=save,
            gateway=self.gateway,
            translator=translator,
            direct=self.net.direct,
            key_writeback=self.net.writes_back,
            relay=self.net.relay,
            defer_timeout=self.config.defer_timeout,
            convert_simple_tx=simple_tx_converter(self.config.rpc_for, self.nonces),
        )

    def _build(self) -> None:
        contract = self.contract or check_contract(self.net, network_web3(self.net))
        self.follower = Follower(
            net=self.net,
            rpc=self.rpc,
            store=self.store,
            pipeline_factory=self._pipeline,
            progress_interval=self.config.progress_interval,
        )
        mpc_key = sender = None
        if self.net.writes_back:
            from eth_account import Account

            mpc_key = self.net.mpc_key()
            responder_key = self.net.responder_key()
            if mpc_key is None or responder_key is None:
                raise ConfigError(f"{self.net.label}: answers need the network's MPC key")
            sender = Account.from_key(responder_key)
        else:
            contract = None
        self.responder = Responder(
            label=self.net.label,
            state=self.follower.state,
            save=self.follower.save,
            gateway=self.gateway,
            contract=contract,
            mpc_key=mpc_key,
            sender=sender,
            rpc_for=self.config.rpc_for,
            response_gas=self.net.response_gas,
            confirmations=self.net.confirmations,
            timeout=self.config.defer_timeout,
        )

    def run(self) -> None:
        emit(
            self.log,
            logging.INFO,
            "network_start",
            f"following {self.net.label}",
            network=self.net.label,
            caip2=self.net.caip2,
            contract=self.net.contract,
            mode=self.net.mode,
            flavour=self.net.flavour,
            confirmations=self.net.confirmations,
            start_block=self.net.start_block,
            rpc=self.net.rpc_url,
        )
        while not self.stop_event.is_set():
            try:
                if self.follower is None:
                    self._build()
                assert self.follower is not None and self.responder is not None
                more = self.follower.step()
                self.responder.step()
                self.backoff.reset()
                if not more:
                    self.stop_event.wait(self.net.poll_interval)
            except ContractMismatch as exc:
                emit(self.log, logging.ERROR, "contract_mismatch", str(exc), network=self.net.label)
                self.mismatch = str(exc)
                break
            except RangeRetry as exc:
                emit(self.log, logging.INFO, "range_retry", str(exc), network=self.net.label)
                self.stop_event.wait(min(self.net.poll_interval, 0.5))
            except Exception as exc:
                delay = self.backoff.next()
                event = (
                    "evm_rpc_error"
                    if isinstance(exc, RpcError)
                    else "zrchain_unavailable"
                    if isinstance(exc, GatewayUnavailable)
                    else "error"
                )
                emit(
                    self.log,
                    logging.WARNING if event != "error" else logging.ERROR,
                    event,
                    f"{type(exc).__name__}: {exc}; retrying in {delay:.1f}s",
                    exc=event == "error",
                    network=self.net.label,
                    retry_in=round(delay, 2),
                    failures=self.backoff.failures,
                )
                self.stop_event.wait(delay)
        emit(self.log, logging.INFO, "network_stop", "stopped", network=self.net.label)


def chain_gateway(config: BridgeConfig) -> ChainGateway:
    """A gateway signing with the configured keyring key."""
    import os

    from zrchain.client.chain import ChainClient
    from zrchain.crypto.keyring import Keyring

    zr = config.zrchain

    def passphrase(prompt: str, new: bool) -> str:
        value = os.environ.get("ZRCHAIN_KEYRING_PASSPHRASE")
        if value is None:
            raise ConfigError("set ZRCHAIN_KEYRING_PASSPHRASE to unlock the keyring")
        return value

    home = zr.home or os.environ.get("ZRCHAIN_HOME") or os.path.expanduser("~/.zrchain")
    keyring = Keyring(os.path.expanduser(home), zr.keyring_backend, passphrase)
    info = keyring.get(zr.signer)
    client = ChainClient(zr.node, zr.chain_id)
    return ChainGateway(
        client,
        info.address,
        info.pubkey,
        lambda data: keyring.sign(info.name, data),
        gas_prices=zr.gas_prices,
        gas_adjustment=zr.gas_adjustment,
        max_msgs_per_tx=zr.max_msgs_per_tx,
        tx_timeout=zr.tx_timeout,
    )


class Bridge:
    """All networks of a config; `run()` blocks until `stop()` (or SIGTERM via the CLI)."""

    def __init__(self, config: BridgeConfig, gateway: Gateway | None = None) -> None:
        self.config = config
        self.gateway = gateway
        self.stop_event = threading.Event()
        self.workers: list[NetworkWorker] = []
        self.log = get_logger("daemon")
        self._lock = DirLock(config.state_dir)

    def _check_signer(self, gateway: ChainGateway) -> None:
        """Refuse to start when the signer is not treasury param zr_sign_address: zrChain would
        refuse every request, and nothing would be forwarded."""
        deadline = time.monotonic() + 60
        while True:
            try:
                expected = gateway.zr_sign_address()
                break
            except GatewayUnavailable as exc:
                if time.monotonic() > deadline or self.stop_event.is_set():
                    raise
                emit(self.log, logging.WARNING, "zrchain_unavailable", str(exc))
                self.stop_event.wait(1.0)
        if expected and expected != gateway.address:
            raise ConfigError(
                f"signer {gateway.address} is not treasury param zr_sign_address ({expected})"
            )

    def _check_contract(self, net: NetworkConfig) -> Any:
        """Refuse to start on a contract that does not match its network's configuration. An
        unreachable RPC is not a mismatch: the worker checks before its first step then."""
        try:
            return check_contract(net, network_web3(net))
        except ContractMismatch:
            raise
        except Exception as exc:
            emit(
                self.log,
                logging.WARNING,
                "contract_unchecked",
                f"cannot check the contract now ({type(exc).__name__}: {exc}); "
                "the network's worker checks it before following it",
                network=net.label,
            )
            return None

    def start(self) -> None:
        self._lock.acquire()
        try:
            checked = [self._check_contract(net) for net in self.config.networks]
            if self.gateway is None:
                gw = chain_gateway(self.config)
                self._check_signer(gw)
                self.gateway = gw
            nonces = NonceBook()
            self.workers = [
                NetworkWorker(net, self.config, self.gateway, self.stop_event, nonces)
                for net in self.config.networks
            ]
            for worker, contract in zip(self.workers, checked, strict=True):
                worker.contract = contract
        except BaseException:
            self._lock.release()
            raise
        emit(
            self.log,
            logging.INFO,
            "bridge_start",
            "EVM bridge started",
            networks=[n.label for n in self.config.networks],
            state_dir=self.config.state_dir,
        )
        for worker in self.workers:
            worker.start()

    def stop(self, timeout: float = 30.0) -> None:
        self.stop_event.set()
        for worker in self.workers:
            worker.join(timeout)
        self._lock.release()
        emit(self.log, logging.INFO, "bridge_stop", "EVM bridge stopped")

    def run(self) -> None:
        self.start()
        try:
            while not self.stop_event.wait(0.5):
                pass
        finally:
            self.stop()


def status(config: BridgeConfig, live: bool = False) -> list[dict[str, Any]]:
    """What each network's state file says (and, with `live`, how far behind the head)."""
    out = []
    for net in config.networks:
        path = state_file(config.state_dir, net.caip2, net.contract)
        state = StateStore(path).load()
        entry: dict[str, Any] = {
            "network": net.label,
            "caip2": net.caip2,
            "contract": net.contract,
            "mode": net.mode,
            "flavour": net.flavour,
            "confirmations": net.confirmations,
            "state_file": str(path),
        }
        if state is None:
            entry["cursor"] = None
        else:
            entry.update(
                cursor=state.cursor,
                head_seen=state.head,
                updated=state.updated,
                deferred=len(state.deferred),
                open_follow_ups=len(state.responses),
                stats=state.stats.__dict__,
                relayed=[h["relay_tx"] for h in state.history if h.get("relay_tx")][-10:],
                responses=_response_gas(state),
                retrying=[_follow_up_summary(r) for r in state.responses if r.get("last_error")],
                dead_letters=[_follow_up_summary(d) for d in state.dead_letters],
            )
        if live:
            try:
                head = EvmRpc(net.rpc_url, timeout=5).block_number()
                entry["head"] = head
                if state is not None:
                    entry["behind"] = max(0, head - net.confirmations - state.cursor)
            except RpcError as exc:
                entry["head_error"] = str(exc)
        out.append(entry)
    return out


def requeue_dead_letters(config: BridgeConfig, network: str | None = None) -> dict[str, int]:
    """Move every dead letter back to its network's queue (fresh back-off), with the state
    directory locked, so never while a bridge runs on it."""
    nets = [n for n in config.networks if network in (None, n.label, n.caip2)]
    if not nets:
        raise ConfigError(f"no network named {network!r} in the config")
    lock = DirLock(config.state_dir)
    lock.acquire()
    try:
        moved = {}
        for net in nets:
            store = StateStore(state_file(config.state_dir, net.caip2, net.contract))
            state = store.load()
            if state is None or not state.dead_letters:
                moved[net.label] = 0
                continue
            for entry in state.dead_letters:
                for name in ("reason", "error", "dead_at", "failures", "next_at", "since"):
                    entry.pop(name, None)
                state.responses.append(entry)
            moved[net.label] = len(state.dead_letters)
            state.dead_letters = []
            store.save(state)
        return moved
    finally:
        lock.release()


def _follow_up_summary(entry: dict[str, Any]) -> dict[str, Any]:
    """What `status` shows of a queued or dead-lettered follow-up."""
    item = entry["item"]
    out = {
        "key": entry["key"],
        "origin_tx": item["origin"]["tx_hash"],
        "attempts": int(entry.get("attempts", 0)),
    }
    for name in ("error", "reason", "last_error", "dead_at", "waiting"):
        if entry.get(name) is not None:
            out[name] = entry[name]
    return out


def _response_gas(state: NetworkState) -> dict[str, dict[str, int]]:
    """Per response function: how many were accepted and the gas they used vs their limit."""
    out: dict[str, dict[str, int]] = {}
    for h in state.history:
        if not h.get("fn"):
            continue
        agg = out.setdefault(h["fn"], {"accepted": 0, "max_gas_used": 0, "gas_limit": 0})
        agg["accepted"] += 1
        agg["max_gas_used"] = max(agg["max_gas_used"], int(h["gas_used"]))
        agg["gas_limit"] = int(h["gas_limit"])
    return out
